"""Reports: per-frame and pooled scores of a finished run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _native

_POOL_KEYS = ("min", "max", "mean", "harmonic_mean")
_SUFFIX_FORMATS = {".json": "json", ".xml": "xml", ".csv": "csv", ".sub": "sub"}


@dataclass(frozen=True)
class FrameScores:
    """The scores of one frame: its index in the input and a value per metric.

    ``frame["vmaf"]`` reads one metric.
    """

    index: int
    metrics: Mapping[str, float]

    def __getitem__(self, metric: str) -> float:
        return self.metrics[metric]


class Report:
    """Everything a run produced: per-frame values and pooled values of every metric.

    Built by :func:`vmafx.score` and :meth:`vmafx.Scorer.finish`; not made directly.
    """

    def __init__(self, native: "_native.NativeReport") -> None:
        self._native = native
        self._metrics: List[str] = native.metrics
        self._frames: Optional[List[FrameScores]] = None

    @property
    def metrics(self) -> List[str]:
        """Metric names in libvmaf's report order (``integer_adm2``, ..., ``vmaf``)."""
        return list(self._metrics)

    @property
    def frames(self) -> List[FrameScores]:
        """Every scored frame, in order."""
        if self._frames is None:
            names = self._metrics
            self._frames = [
                FrameScores(index, dict(zip(names, values)))
                for index, values in zip(self._native.frame_indices, self._native.frame_values)
            ]
        return list(self._frames)

    @property
    def pooled(self) -> Dict[str, Dict[str, float]]:
        """libvmaf's pooled values per metric:
        ``{"vmaf": {"min": ..., "max": ..., "mean": ..., "harmonic_mean": ...}, ...}``."""
        return {
            name: dict(zip(_POOL_KEYS, values))
            for name, values in zip(self._metrics, self._native.pooled)
        }

    @property
    def aggregate(self) -> Dict[str, float]:
        """Whole-run values not pooled from frames (libvmaf's ``aggregate_metrics``, such
        as ``psnr``'s ``apsnr_y`` with ``enable_apsnr``)."""
        return dict(self._native.aggregate)

    @property
    def width(self) -> int:
        """Luma width of the scored video."""
        return self._native.width

    @property
    def height(self) -> int:
        """Luma height of the scored video."""
        return self._native.height

    @property
    def fps(self) -> float:
        """Frames scored per second of wall-clock time."""
        return self._native.fps

    @property
    def backend(self) -> str:
        """The backend and device that extracted the features, e.g. ``cpu (avx2, 4 threads)``."""
        return self._native.backend

    @property
    def version(self) -> str:
        """The library version written into reports."""
        return self._native.version

    @property
    def length_mismatch(self) -> Optional[str]:
        """With ``allow_length_mismatch=True``: which input was longer, if one was."""
        return self._native.length_mismatch

    def column(self, metric: str) -> List[float]:
        """One metric's value on every frame, in frame order."""
        index = self._index(metric)
        return [values[index] for values in self._native.frame_values]

    def pool(self, metric: str = "vmaf", method: str = "mean") -> float:
        """One metric pooled over the frames: ``mean``, ``min``, ``max``, ``harmonic_mean``
        (libvmaf's methods) or a percentile such as ``p5`` or ``p99.9``."""
        self._index(metric)
        value = self._native.pool(metric, method)
        assert value is not None  # the metric exists (checked above)
        return value

    def percentile(self, metric: str, p: float) -> float:
        """A percentile (0 to 100) of one metric over the frames, interpolated linearly as
        ``numpy.percentile`` does by default."""
        return self.pool(metric, f"p{float(p)!r}")

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain Python data, laid out as libvmaf's JSON report (unrounded)."""
        return {
            "version": self.version,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "backend": self.backend,
            "frames": [
                {"frameNum": frame.index, "metrics": dict(frame.metrics)} for frame in self.frames
            ],
            "pooled_metrics": self.pooled,
            "aggregate_metrics": self.aggregate,
        }

    def to_pandas(self) -> Any:
        """Per-frame values as a ``pandas.DataFrame`` indexed by frame number, one column
        per metric. Needs pandas (``pip install pandas``)."""
        try:
            import pandas
        except ImportError as missing:
            raise ImportError("Report.to_pandas() needs pandas: pip install pandas") from missing
        frame = pandas.DataFrame(
            self._native.frame_values, columns=self._metrics, index=self._native.frame_indices
        )
        frame.index.name = "frameNum"
        return frame

    def to_string(self, format: str = "json") -> str:
        """The report in one of libvmaf's layouts: ``json``, ``xml``, ``csv`` or ``sub``."""
        return self._native.to_string(format)

    def write(self, path: Union[str, "os.PathLike[str]"], format: Optional[str] = None) -> None:
        """Writes the report to ``path`` in one of libvmaf's layouts (``json``, ``xml``,
        ``csv``, ``sub``), byte for byte as the ``vmafx`` CLI writes it. Without
        ``format`` the file's suffix decides, and JSON when it names none."""
        if format is None:
            format = _SUFFIX_FORMATS.get(os.path.splitext(os.fspath(path))[1].lower(), "json")
        self._native.write(os.fspath(path), format)

    def _index(self, metric: str) -> int:
        try:
            return self._metrics.index(metric)
        except ValueError:
            raise KeyError(
                f"no metric {metric!r} in this report (it has {', '.join(self._metrics)})"
            ) from None

    def __repr__(self) -> str:
        shown = [m for m in self._metrics if m == "vmaf" or m.startswith("vmaf_")][:1]
        summary = "".join(f", {m}={self.pooled[m]['mean']:.6f}" for m in shown)
        return f"<vmafx.Report {self.width}x{self.height}, {len(self._native.frame_indices)} frames{summary}>"
