"""Scorer: frames held as numpy arrays in, scores out, one pair at a time."""

from __future__ import annotations

from collections import deque
from typing import Any, Deque, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import InvalidArgumentError
from ._options import ModelArg, feature_specs, model_specs
from ._report import FrameScores, Report

_PLANE_NAMES = ("Y", "U", "V")


def _plane(array: Any, what: str, bit_depth: int) -> Any:
    """One plane as an ndarray the native side reads in place: uint8 or native uint16,
    rows of adjacent samples, aligned. Arrays already so (C-contiguous, or sliced only
    along rows and columns' ends) are passed as they are; others are copied once."""
    import numpy as np

    if not isinstance(array, np.ndarray):
        raise TypeError(f"{what} is {type(array).__name__}, not a numpy array")
    wanted = np.dtype(np.uint8 if bit_depth <= 8 else np.uint16)
    if array.dtype.kind != "u" or array.dtype.itemsize != wanted.itemsize:
        raise InvalidArgumentError(
            f"{what} has dtype {array.dtype}; {bit_depth}-bit video needs {wanted}"
        )
    if not array.dtype.isnative:
        array = array.astype(wanted)
    if array.ndim != 2:
        return array  # the native side reports the shape it needs
    (rows, columns), itemsize = array.shape, array.itemsize
    row_stride, column_stride = array.strides
    adjacent = columns == 1 or column_stride == itemsize
    rows_apart = rows == 1 or (row_stride >= columns * itemsize and row_stride % itemsize == 0)
    if not (adjacent and rows_apart and array.flags.aligned):
        array = np.ascontiguousarray(array)
    return array


def _planes(frame: Any, what: str, bit_depth: int) -> Tuple[Any, ...]:
    if isinstance(frame, (tuple, list)):
        planes = tuple(frame)
    else:
        planes = (frame,)
    return tuple(
        _plane(plane, f"{what} plane {_PLANE_NAMES[i] if i < 3 else i}", bit_depth)
        for i, plane in enumerate(planes)
    )


class Scorer:
    """Scores frames you already hold as numpy arrays, one reference/distorted pair at a
    time.

    Each frame is a tuple of planes ``(Y, U, V)`` (for 4:0:0 video, one ``(height,
    width)`` luma array or a 1-tuple), ``uint8`` for 8-bit video and ``uint16`` above.
    Chroma planes of 4:2:0 and 4:2:2 are half size, rounded up (as Y4M and FFmpeg store
    them). Planes may be views with any row stride (``frame[10:154, 16:192]``); arrays
    whose samples are not adjacent within a row are copied once, others are read in place
    (with ``threads=1`` the features are extracted straight from them; several threads
    copy each pair once into their batch buffers). The GIL is released while a pair is
    scored; do not write the arrays during ``push``.

    Iterating over a scorer yields each frame's :class:`FrameScores` exactly once, in
    order, as soon as its scores are complete, and stops when no more are ready (it never
    waits). Temporal features complete a frame when the next one arrives, threaded
    scoring completes frames in batches, and :meth:`finish` completes the rest::

        with vmafx.Scorer(1920, 1080, "420", 8) as scorer:
            for ref, dist in pairs:
                scorer.push(ref, dist)
                for frame in scorer:
                    print(frame.index, frame["vmaf"])
            report = scorer.finish()
        for frame in scorer:  # frames finish() completed
            print(frame.index, frame["vmaf"])

    Leaving the ``with`` block closes the scorer; call :meth:`finish` inside it for the
    report. A scorer serves one call at a time: a call while another thread's call is
    running raises :class:`InvalidStateError`.
    """

    def __init__(
        self,
        width: int,
        height: int,
        pixel_format: str = "420",
        bit_depth: int = 8,
        *,
        models: Union[None, ModelArg, Iterable[ModelArg]] = None,
        features: Union[None, str, Iterable[str]] = None,
        threads: int = 0,
        backend: Optional[str] = None,
        subsample: int = 1,
    ) -> None:
        self._native = _native.NativeScorer(
            width,
            height,
            str(pixel_format),
            bit_depth,
            models=model_specs(models),
            features=feature_specs(features),
            threads=threads,
            backend=backend,
            subsample=subsample,
        )
        self._bit_depth = bit_depth
        self._metrics: List[str] = self._native.metrics
        self._ready: Deque[FrameScores] = deque()

    @property
    def metrics(self) -> List[str]:
        """The metric names every frame will have, in report order."""
        return list(self._metrics)

    @property
    def format(self) -> Tuple[int, int, str, int]:
        """``(width, height, pixel_format, bit_depth)`` of the frames this scorer takes."""
        return self._native.format

    @property
    def closed(self) -> bool:
        """Whether :meth:`finish` or :meth:`close` was called."""
        return self._native.closed

    @property
    def frames_pushed(self) -> int:
        """Frame pairs pushed so far (0 once closed)."""
        return self._native.frames_pushed

    def push(self, reference: Union[Any, Sequence[Any]], distorted: Union[Any, Sequence[Any]]) -> None:
        """Scores the next pair. Each side is a tuple of planes (Y, U, V), or one luma
        array for 4:0:0 video.

        Raises :class:`TypeError` for a plane that is not a numpy array,
        :class:`InvalidArgumentError` (a ``ValueError``) for a wrong number of planes, a
        wrong shape or dtype, and :class:`InvalidStateError` after :meth:`finish` or
        :meth:`close`.
        """
        self._native.push(
            _planes(reference, "reference", self._bit_depth),
            _planes(distorted, "distorted", self._bit_depth),
        )

    def finish(self) -> Report:
        """Scores what is still buffered and returns the report; the scorer is closed
        afterwards. Raises :class:`NoFramesError` when nothing was pushed."""
        return Report(self._native.finish())

    def close(self) -> None:
        """Drops the scorer without a report. Closing twice is harmless."""
        self._native.close()

    def __iter__(self) -> Iterator[FrameScores]:
        return self

    def __next__(self) -> FrameScores:
        if not self._ready:
            names = self._metrics
            self._ready.extend(
                FrameScores(index, dict(zip(names, values)))
                for index, values in self._native.take_ready()
            )
        if not self._ready:
            raise StopIteration
        return self._ready.popleft()

    def __enter__(self) -> "Scorer":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        width, height, pixel_format, bit_depth = self.format
        state = "closed" if self.closed else f"{self.frames_pushed} frames pushed"
        return f"<vmafx.Scorer {width}x{height} {pixel_format} {bit_depth}-bit, {state}>"
