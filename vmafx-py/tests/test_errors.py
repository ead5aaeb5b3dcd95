"""Bad arguments, inputs and states raise the documented exceptions."""

from __future__ import annotations

import numpy as np
import pytest

import vmafx


def planes(width=64, height=48, dtype=np.uint8, fmt="420", value=100):
    luma = np.full((height, width), value, dtype=dtype)
    if fmt == "400":
        return (luma,)
    cw = width if fmt == "444" else (width + 1) // 2
    ch = height if fmt != "420" else (height + 1) // 2
    chroma = np.full((ch, cw), 128, dtype=dtype)
    return (luma, chroma, chroma.copy())


@pytest.fixture
def scorer():
    with vmafx.Scorer(64, 48, "420", 8, threads=1) as s:
        yield s


def test_wrong_luma_shape_is_a_value_error(scorer):
    ref = planes()
    bad = (np.zeros((48, 63), np.uint8),) + ref[1:]
    with pytest.raises(vmafx.InvalidArgumentError, match=r"reference plane Y has shape \(48, 63\)"):
        scorer.push(bad, ref)
    assert issubclass(vmafx.InvalidArgumentError, ValueError)


def test_wrong_chroma_shape_and_dimensions(scorer):
    ref = planes()
    with pytest.raises(ValueError, match="distorted plane U has shape"):
        scorer.push(ref, (ref[0], np.zeros((48, 64), np.uint8), ref[2]))
    with pytest.raises(ValueError, match=r"plane V has shape \(24, 32, 1\)"):
        scorer.push(ref, (ref[0], ref[1], ref[2][:, :, None]))


def test_wrong_plane_count(scorer):
    ref = planes()
    with pytest.raises(vmafx.InvalidArgumentError, match="has 1 planes; 64x48 420 8-bit video needs 3"):
        scorer.push(ref[0], ref)
    with pytest.raises(vmafx.InvalidArgumentError, match="has 2 planes"):
        scorer.push(ref, ref[:2])


def test_wrong_dtypes(scorer):
    ref = planes()
    for dtype in (np.uint16, np.int8, np.float32, np.int64):
        bad = tuple(p.astype(dtype) for p in ref)
        with pytest.raises(vmafx.InvalidArgumentError, match=f"dtype {np.dtype(dtype)}; 8-bit video needs uint8"):
            scorer.push(bad, ref)
    with vmafx.Scorer(64, 48, "420", 10, threads=1) as deep:
        with pytest.raises(ValueError, match="10-bit video needs uint16"):
            deep.push(ref, ref)


def test_non_arrays_are_type_errors(scorer):
    ref = planes()
    with pytest.raises(TypeError, match="reference plane Y is list"):
        scorer.push(([[0] * 64] * 48,) + ref[1:], ref)
    with pytest.raises(TypeError, match="distorted plane U is bytes"):
        scorer.push(ref, (ref[0], b"xx", ref[2]))


def test_bad_geometry_and_options():
    with pytest.raises(vmafx.InvalidArgumentError, match="unknown pixel format"):
        vmafx.Scorer(64, 48, "411")
    with pytest.raises(vmafx.InvalidArgumentError):
        vmafx.Scorer(64, 48, "420", 7)
    with pytest.raises(vmafx.InvalidArgumentError):
        vmafx.Scorer(0, 48)
    # VMAF needs at least 33x33 pixels: a size the features refuse is a bad argument.
    with pytest.raises(vmafx.InvalidArgumentError):
        vmafx.Scorer(16, 16)
    with pytest.raises(vmafx.InvalidArgumentError, match="threads"):
        vmafx.Scorer(64, 48, threads=vmafx._native.MAX_THREADS + 1)
    with pytest.raises(vmafx.InvalidArgumentError, match="subsample"):
        vmafx.Scorer(64, 48, subsample=0)
    with pytest.raises(vmafx.InvalidArgumentError, match="models=\\[\\]"):
        vmafx.Scorer(64, 48, models=[])
    with pytest.raises(vmafx.ModelError, match="unknown built-in model"):
        vmafx.Scorer(64, 48, models="vmaf_v9")
    with pytest.raises(vmafx.ModelError):
        vmafx.Scorer(64, 48, models="version=vmaf_v0.6.1:colour=blue")
    with pytest.raises(vmafx.FeatureError):
        vmafx.Scorer(64, 48, features="no_such_feature")
    with pytest.raises(vmafx.FeatureError):
        vmafx.Scorer(64, 48, features="psnr=no_such_option=1")
    with pytest.raises(vmafx.BackendUnavailableError):
        vmafx.Scorer(64, 48, backend="no_such_backend")
    with pytest.raises(TypeError):
        vmafx.Scorer(64, 48, features=[1])


def test_closed_and_finished_scorers_refuse_frames():
    ref = planes()
    scorer = vmafx.Scorer(64, 48, threads=1)
    with pytest.raises(vmafx.NoFramesError):
        scorer.finish()
    assert scorer.closed
    with pytest.raises(vmafx.InvalidStateError, match="finished or closed"):
        scorer.push(ref, ref)
    with pytest.raises(vmafx.InvalidStateError):
        scorer.finish()

    with vmafx.Scorer(64, 48, threads=1) as scorer:
        scorer.push(ref, ref)
    assert scorer.closed
    with pytest.raises(vmafx.InvalidStateError):
        scorer.push(ref, ref)
    scorer.close()  # closing twice is harmless
    assert issubclass(vmafx.InvalidStateError, RuntimeError)


def test_file_errors(tmp_path, sample_pair):
    reference, distorted = sample_pair
    missing = tmp_path / "missing.y4m"
    with pytest.raises(vmafx.VmafxIOError, match="missing.y4m") as raised:
        vmafx.score(missing, distorted)
    assert isinstance(raised.value, OSError)
    garbage = tmp_path / "garbage.y4m"
    garbage.write_bytes(b"YUV4MPEG2 not a header\n")
    with pytest.raises(vmafx.InvalidInputError):
        vmafx.score(garbage, distorted)
    with pytest.raises(vmafx.InvalidArgumentError, match="needs width, height and pixel_format"):
        vmafx.score(tmp_path / "ref.yuv", tmp_path / "dist.yuv")


def test_compressed_input_without_ffmpeg(tmp_path, sample_pair, monkeypatch):
    reference, _ = sample_pair
    encode = tmp_path / "encode.mp4"
    encode.write_bytes(b"\x00\x00\x00\x18ftypisom not really an mp4")
    monkeypatch.setenv("VMAFX_FFMPEG", str(tmp_path / "no-ffmpeg-here"))
    with pytest.raises(vmafx.DecoderMissingError, match="ffmpeg"):
        vmafx.score(reference, encode)


def test_mismatched_inputs(tmp_path, sample_pair):
    reference, distorted = sample_pair
    data = reference.read_bytes()
    header, _, rest = data.partition(b"\n")
    frame = len(b"FRAME\n") + 352 * 288 * 3 // 2
    short = tmp_path / "short.y4m"
    short.write_bytes(header + b"\n" + rest[: 2 * frame])
    with pytest.raises(vmafx.MismatchError, match="ended after 2 frames"):
        vmafx.score(reference, short)
    report = vmafx.score(reference, short, allow_length_mismatch=True)
    assert len(report.frames) == 2
    assert "ended after 2 frames" in report.length_mismatch
    other_format = tmp_path / "444.y4m"
    other_format.write_bytes(b"YUV4MPEG2 W352 H288 F25:1 Ip A1:1 C444\nFRAME\n" + bytes(352 * 288 * 3))
    with pytest.raises(vmafx.MismatchError, match="4:4:4|444"):
        vmafx.score(reference, other_format)


def test_every_error_is_a_vmafx_error():
    for name in vmafx._errors.__all__:
        assert issubclass(getattr(vmafx, name), vmafx.VmafxError)
