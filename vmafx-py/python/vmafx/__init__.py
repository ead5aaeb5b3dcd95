"""VMAFX: Netflix's VMAF video quality metric, frame for frame equal to libvmaf 3.2.

Score two files::

    import vmafx
    report = vmafx.score("ref.y4m", "dist.y4m")
    print(report.pooled["vmaf"]["mean"])

or push frames held as numpy arrays with :class:`Scorer`.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Optional, Union

from . import _native
from ._errors import (
    BackendUnavailableError,
    CancelledError,
    DecoderMissingError,
    FeatureError,
    InternalError,
    InvalidArgumentError,
    InvalidInputError,
    InvalidStateError,
    MismatchError,
    ModelError,
    NoFramesError,
    VmafxError,
    VmafxIOError,
)
from ._options import ModelArg, feature_specs, model_specs
from ._report import FrameScores, Report
from ._scorer import Scorer

__version__: str = _native.__version__

PathArg = Union[str, "os.PathLike[str]"]


def score(
    reference: PathArg,
    distorted: PathArg,
    *,
    models: Union[None, ModelArg, Iterable[ModelArg]] = None,
    features: Union[None, str, Iterable[str]] = None,
    threads: int = 0,
    backend: Optional[str] = None,
    subsample: int = 1,
    width: Optional[int] = None,
    height: Optional[int] = None,
    pixel_format: Optional[str] = None,
    bit_depth: Optional[int] = None,
    skip_reference: int = 0,
    skip_distorted: int = 0,
    max_frames: Optional[int] = None,
    allow_length_mismatch: bool = False,
) -> Report:
    """Scores the video ``distorted`` against ``reference`` and returns the :class:`Report`.

    Inputs are read as the ``vmafx`` CLI reads them: ``.y4m`` files by their header, any
    other path as raw planar YUV of ``width`` x ``height``, ``pixel_format`` (``"420"``,
    ``"422"``, ``"444"``, ``"400"`` or ``"yuv420p"``-style) and ``bit_depth`` (8 when
    not given; samples above 8 bits are 16-bit little-endian).

    ``models``: ``None`` for ``vmaf_v0.6.1``; a built-in name (see :func:`models`), a
    path to a libvmaf JSON model, libvmaf's ``--model`` syntax
    (``"version=vmaf_v0.6.1neg:name=neg"``), or a list of them; ``[]`` computes the
    features only. ``features``: extra features in libvmaf's ``--feature`` syntax
    (``"psnr"``, ``"float_ssim"``, ``"cambi=window_size=63"``). ``threads``: 0 for one
    per core; scores never depend on it. ``backend``: ``"cpu"``, ``"auto"`` or a GPU
    backend compiled in (see :func:`backends`); ``None`` lets ``VMAFX_BACKEND`` decide.
    ``subsample``: score every n-th frame. ``skip_reference``/``skip_distorted``: frames
    to drop from each input's start; ``max_frames``: score at most this many.
    Inputs of different lengths raise :class:`MismatchError` unless
    ``allow_length_mismatch`` is true, when the common frames are scored and
    :attr:`Report.length_mismatch` says which input was longer.

    The GIL is released while scoring; Ctrl-C stops the run with ``KeyboardInterrupt``.
    """
    native = _native.score(
        os.fspath(reference),
        os.fspath(distorted),
        models=model_specs(models),
        features=feature_specs(features),
        threads=threads,
        backend=backend,
        subsample=subsample,
        width=width,
        height=height,
        pixel_format=None if pixel_format is None else str(pixel_format),
        bit_depth=bit_depth,
        skip_reference=skip_reference,
        skip_distorted=skip_distorted,
        max_frames=max_frames,
        allow_length_mismatch=allow_length_mismatch,
    )
    return Report(native)


def models() -> List[str]:
    """The built-in models, by libvmaf's version names (``vmaf_v0.6.1``, ...)."""
    return list(_native.models())


def features() -> List[Dict[str, Any]]:
    """Every metric this build computes: ``name`` (libvmaf's ``--feature`` name),
    ``aliases``, ``options`` (each with ``name``, ``alias``, ``type``, ``default``,
    ``min``, ``max``, ``choices``), ``outputs`` (report names in libvmaf's order) and
    ``temporal``."""
    return list(_native.features())


def backends() -> List[Dict[str, Any]]:
    """Every compute backend of this build, probed on this machine: ``name``,
    ``available``, ``devices`` and ``unavailable`` (why not, or ``None``)."""
    return list(_native.backends())


__all__ = [
    "__version__",
    "score",
    "Scorer",
    "Report",
    "FrameScores",
    "models",
    "features",
    "backends",
    "VmafxError",
    "VmafxIOError",
    "InvalidInputError",
    "MismatchError",
    "ModelError",
    "FeatureError",
    "NoFramesError",
    "DecoderMissingError",
    "BackendUnavailableError",
    "CancelledError",
    "InvalidArgumentError",
    "InvalidStateError",
    "InternalError",
]
