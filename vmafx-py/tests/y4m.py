"""A small Y4M reader for the tests: frames as tuples of numpy planes."""

from __future__ import annotations

from typing import Iterator, NamedTuple, Tuple

import numpy as np


class Y4mFormat(NamedTuple):
    width: int
    height: int
    pixel_format: str  # "420", "422", "444" or "400"
    bit_depth: int

    def plane_shapes(self) -> Tuple[Tuple[int, int], ...]:
        luma = (self.height, self.width)
        if self.pixel_format == "400":
            return (luma,)
        shift_x = 0 if self.pixel_format == "444" else 1
        shift_y = 1 if self.pixel_format == "420" else 0
        chroma = (
            (self.height + shift_y) >> shift_y,
            (self.width + shift_x) >> shift_x,
        )
        return (luma, chroma, chroma)


def _parse_colour(tag: str) -> Tuple[str, int]:
    """`420jpeg`, `420p10`, `422`, `444p12`, `mono`, `mono10` → (pixel format, bit depth)."""
    if tag.startswith("mono"):
        return "400", int(tag[4:] or 8)
    layout = tag[:3]
    rest = tag[3:]
    depth = int(rest[1:]) if rest.startswith("p") and rest[1:].isdigit() else 8
    return layout, depth


def read_y4m(path) -> Tuple[Y4mFormat, Iterator[Tuple[np.ndarray, ...]]]:
    """The file's format and an iterator over its frames (each a tuple of planes)."""
    data = open(path, "rb").read()
    header_end = data.index(b"\n")
    fields = data[:header_end].decode("ascii").split()
    assert fields[0] == "YUV4MPEG2", path
    values = {field[0]: field[1:] for field in fields[1:]}
    pixel_format, depth = _parse_colour(values.get("C", "420jpeg"))
    fmt = Y4mFormat(int(values["W"]), int(values["H"]), pixel_format, depth)
    dtype = np.dtype("<u2") if depth > 8 else np.dtype(np.uint8)
    shapes = fmt.plane_shapes()
    frame_samples = sum(h * w for h, w in shapes)

    def frames() -> Iterator[Tuple[np.ndarray, ...]]:
        offset = header_end + 1
        while offset < len(data):
            line_end = data.index(b"\n", offset)
            assert data[offset:line_end].startswith(b"FRAME"), path
            offset = line_end + 1
            samples = np.frombuffer(data, dtype=dtype, count=frame_samples, offset=offset)
            offset += frame_samples * dtype.itemsize
            planes = []
            start = 0
            for h, w in shapes:
                planes.append(samples[start : start + h * w].reshape(h, w).astype(np.dtype(dtype.char)))
                start += h * w
            yield tuple(planes)

    return fmt, frames()
