"""The package's API: catalogues, reports, writers, iteration, 4:0:0 and raw input."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest

import vmafx
from conftest import REPO
from y4m import read_y4m


def test_version_and_catalogues():
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", vmafx.__version__)
    assert {"vmaf_v0.6.1", "vmaf_v0.6.1neg", "vmaf_4k_v0.6.1"} <= set(vmafx.models())
    features = {f["name"]: f for f in vmafx.features()}
    psnr = features["psnr"]
    assert {"psnr_y", "psnr_cb", "psnr_cr"} <= set(psnr["outputs"])
    options = {o["name"]: o for o in psnr["options"]}
    assert options["enable_apsnr"]["type"] == "bool"
    assert options["enable_apsnr"]["default"] is False
    assert features["float_motion"]["temporal"] is True
    backends = {b["name"]: b for b in vmafx.backends()}
    assert backends["cpu"]["available"] and backends["cpu"]["unavailable"] is None


def test_report_views(sample_pair):
    reference, distorted = sample_pair
    report = vmafx.score(reference, distorted, features="psnr", threads=2)
    assert "vmaf" in report.metrics and "psnr_y" in report.metrics
    assert (report.width, report.height) == (352, 288)
    frames = report.frames
    vmaf = report.column("vmaf")
    assert [f["vmaf"] for f in frames] == vmaf
    assert [f.index for f in frames] == list(range(len(frames)))
    pooled = report.pooled["vmaf"]
    assert pooled["mean"] == pytest.approx(sum(vmaf) / len(vmaf), abs=1e-12)
    assert pooled["min"] == min(vmaf) and pooled["max"] == max(vmaf)
    assert report.pool("vmaf", "harmonic_mean") == pooled["harmonic_mean"]
    assert report.percentile("vmaf", 50) == pytest.approx(float(np.percentile(vmaf, 50)), abs=1e-12)
    assert report.percentile("vmaf", np.float64(5)) == pytest.approx(float(np.percentile(vmaf, 5)), abs=1e-12)
    with pytest.raises(KeyError, match="no metric 'nope'"):
        report.column("nope")
    data = report.to_dict()
    assert data["frames"][0]["metrics"]["vmaf"] == vmaf[0]
    assert data["pooled_metrics"]["vmaf"] == pooled
    json.dumps(data)
    assert "vmaf=" in repr(report)


def test_to_pandas(sample_pair):
    pandas = pytest.importorskip("pandas")
    report = vmafx.score(*sample_pair)
    frame = report.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == report.metrics
    assert frame["vmaf"].tolist() == report.column("vmaf")


def _without_fps(text: str) -> str:
    """Reports print the run's frames per second, which differ between any two runs."""
    return re.sub(r'fps(=|": ?)"?[0-9.]+"?', "fps", text)


@pytest.mark.parametrize("layout", ["json", "xml", "csv", "sub"])
def test_writers_match_the_cli(tmp_path, sample_pair, cli, layout):
    reference, distorted = sample_pair
    report = vmafx.score(reference, distorted, features=["psnr", "float_ssim"], threads=1)
    ours = tmp_path / f"python.{layout}"
    report.write(ours)
    assert ours.read_text() == report.to_string(layout)
    theirs = tmp_path / f"cli.{layout}"
    subprocess.run(
        [str(cli), "-r", str(reference), "-d", str(distorted), "--feature", "psnr",
         "--feature", "float_ssim", "--threads", "1", f"--{layout}", "-o", str(theirs), "-q"],
        check=True,
        capture_output=True,
    )
    assert _without_fps(ours.read_text()) == _without_fps(theirs.read_text())
    explicit = tmp_path / "report.txt"
    report.write(explicit, format=layout)
    assert explicit.read_text() == ours.read_text()
    with pytest.raises(vmafx.InvalidArgumentError):
        report.write(tmp_path / "x", format="yaml")
    with pytest.raises(vmafx.VmafxIOError):
        report.write(tmp_path / "no" / "such" / "dir.json")


def test_iteration_yields_each_frame_once(sample_pair):
    reference, distorted = sample_pair
    fmt, references = read_y4m(reference)
    _, distorted_frames = read_y4m(distorted)
    seen = []
    with vmafx.Scorer(fmt.width, fmt.height, threads=1) as scorer:
        for number, (ref, dist) in enumerate(zip(references, distorted_frames)):
            scorer.push(ref, dist)
            ready = list(scorer)
            # motion completes a frame when the next arrives: one frame behind.
            assert [f.index for f in ready] == ([number - 1] if number else [])
            seen += ready
            assert list(scorer) == []
        report = scorer.finish()
    seen += list(scorer)
    assert seen == report.frames
    assert report.column("vmaf") == vmafx.score(reference, distorted).column("vmaf")


def test_luma_only_array_and_raw_input(tmp_path, sample_pair):
    """4:0:0 frames as single (H, W) arrays equal the same frames read from raw .yuv."""
    reference, distorted = sample_pair
    fmt, references = read_y4m(reference)
    _, distorted_frames = read_y4m(distorted)
    raw = {"ref": tmp_path / "ref.yuv", "dist": tmp_path / "dist.yuv"}
    with open(raw["ref"], "wb") as r, open(raw["dist"], "wb") as d, vmafx.Scorer(
        fmt.width, fmt.height, "400", 8, features="psnr"
    ) as scorer:
        for ref, dist in zip(references, distorted_frames):
            r.write(ref[0].tobytes())
            d.write(dist[0].tobytes())
            scorer.push(ref[0], (dist[0],))
        pushed = scorer.finish()
    read = vmafx.score(
        raw["ref"], raw["dist"], width=fmt.width, height=fmt.height, pixel_format="400",
        features="psnr"
    )
    assert pushed.metrics == read.metrics and "psnr_cb" not in read.metrics
    assert [f.metrics for f in pushed.frames] == [f.metrics for f in read.frames]


def test_deep_video_and_byte_order():
    """10-bit planes in big-endian order are converted; the scores are the same."""
    rng = np.random.default_rng(7)
    luma = rng.integers(0, 1024, (48, 64), dtype=np.uint16)
    chroma = rng.integers(0, 1024, (24, 32), dtype=np.uint16)
    noisy = np.clip(luma.astype(np.int32) + rng.integers(-20, 20, luma.shape), 0, 1023).astype(np.uint16)
    ref, dist = (luma, chroma, chroma), (noisy, chroma, chroma)
    swapped = tuple(p.astype(">u2") for p in dist)
    scores = []
    for planes in (dist, swapped):
        with vmafx.Scorer(64, 48, "420", 10, threads=1, features="psnr") as scorer:
            scorer.push(ref, planes)
            scorer.push(ref, planes)
            scores.append(scorer.finish().frames)
    assert scores[0] == scores[1]
    assert scores[0][0]["psnr_y"] < 60


def test_models_by_name_spec_and_path(sample_pair):
    reference, distorted = sample_pair
    report = vmafx.score(
        reference, distorted, models=["vmaf_v0.6.1", "version=vmaf_v0.6.1neg:name=neg"], max_frames=3
    )
    assert {"vmaf", "neg"} <= set(report.metrics)
    assert len(report.frames) == 3
    model_file = REPO / "vmafx" / "models" / "vmaf_v0.6.1.json"
    if model_file.is_file():
        from_file = vmafx.score(reference, distorted, models=model_file, max_frames=3)
        assert from_file.column("vmaf") == report.column("vmaf")
    skipped = vmafx.score(reference, distorted, skip_reference=1, skip_distorted=1, max_frames=2)
    assert len(skipped.frames) == 2
    features_only = vmafx.score(reference, distorted, models=[], features="psnr", max_frames=2)
    assert "vmaf" not in features_only.metrics
