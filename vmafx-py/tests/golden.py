"""Comparing reports with libvmaf's golden JSON, with the Rust tests' tolerances."""

from __future__ import annotations

import json
import re
from typing import Dict, List, Tuple

PRINTED = 1e-9  # the same digits at libvmaf's printed precision (six decimals)
FLOAT = 1e-4


def tolerance(metric: str) -> float:
    """Integer features and PSNR must print the same digits; VMAF and float features may
    differ by 1e-4 (the bound the Rust conformance tests use)."""
    if metric.startswith(("integer_", "VMAF_integer", "psnr")):
        return PRINTED
    return FLOAT


def printed(value: float) -> float:
    """The value as libvmaf prints it (six decimals)."""
    return float(f"{value:.6f}")


class Worst:
    """The largest |delta| seen per metric, with where it was."""

    def __init__(self) -> None:
        self.deltas: Dict[str, Tuple[float, str]] = {}

    def note(self, metric: str, delta: float, place: str) -> None:
        if metric not in self.deltas or delta > self.deltas[metric][0]:
            self.deltas[metric] = (delta, place)

    def lines(self) -> List[str]:
        """One line per metric; a bootstrap model's many `vmaf_00NN` scores as one."""
        merged: Dict[str, Tuple[float, str]] = {}
        for metric, (delta, place) in self.deltas.items():
            key = re.sub(r"_\d{4}\b", "_NNNN", metric)
            if key not in merged or delta > merged[key][0]:
                merged[key] = (delta, place)
        return [f"{m}: {d:.3e} ({p})" for m, (d, p) in sorted(merged.items())]


def compare(report, golden_path, place: str, worst: Worst) -> List[str]:
    """Every per-frame and pooled value libvmaf printed, against ours; the failures."""
    golden = json.loads(open(golden_path).read())
    failures = []
    frames = report.frames
    if len(frames) != len(golden["frames"]):
        return [f"{place}: {len(frames)} frames, libvmaf has {len(golden['frames'])}"]

    def check(metric: str, key: str, theirs: float, mine, where: str) -> None:
        if mine is None:
            failures.append(f"{where}: {metric} missing")
            return
        delta = abs(printed(mine) - theirs)
        worst.note(key, delta, where)
        if delta > tolerance(metric):
            failures.append(f"{where}: {metric} ours {mine!r} libvmaf {theirs!r} (|delta| {delta:.3e})")

    for theirs, mine in zip(golden["frames"], frames):
        if theirs["frameNum"] != mine.index:
            failures.append(f"{place}: frame {mine.index} where libvmaf has {theirs['frameNum']}")
            continue
        for metric, value in theirs["metrics"].items():
            check(metric, metric, value, mine.metrics.get(metric), f"{place} frame {mine.index}")
    pooled = report.pooled
    for metric, methods in golden["pooled_metrics"].items():
        for method, value in methods.items():
            mine = pooled.get(metric, {}).get(method)
            check(metric, f"{metric} (pooled)", value, mine, f"{place} pooled {method}")
    return failures


def run_options(pair: dict, output: dict) -> Tuple[str, List[str]]:
    """The model and features a golden output was made with, as the Rust tests read them."""
    features = []
    for feature in output.get("extra_features") or []:
        # libvmaf's CIEDE misreads 4:2:2 chroma; this option reproduces it (docs/exactness.md).
        if feature == "ciede" and pair["chroma_subsampling"] == "422":
            feature += "=libvmaf_422_quirk=true"
        features.append(feature)
    return output["model"], features


def command_options(command: str):
    """The models, features and threads of a libvmaf command line, or None when it uses a
    CLI preset (`--aom_ctc`, `--nflx_ctc`), which the Python API does not have."""
    words = command.split()
    models, features, threads = [], [], 0
    for flag, value in zip(words, words[1:]):
        if flag in ("--aom_ctc", "--nflx_ctc"):
            return None
        if flag in ("--model", "-m"):
            models.append(value)
        elif flag == "--feature":
            features.append(value)
        elif flag == "--threads":
            threads = int(value)
    return models, features, threads


def compare_aggregate(report, golden_path, place: str, worst: Worst) -> List[str]:
    """libvmaf's whole-run values (`aggregate_metrics`) against ours."""
    golden = json.loads(open(golden_path).read())
    failures = []
    mine = report.aggregate
    for metric, value in (golden.get("aggregate_metrics") or {}).items():
        if metric not in mine:
            failures.append(f"{place}: aggregate {metric} missing")
            continue
        delta = abs(printed(mine[metric]) - value)
        worst.note(f"{metric} (aggregate)", delta, place)
        if delta > tolerance(metric):
            failures.append(f"{place}: aggregate {metric} ours {mine[metric]!r} libvmaf {value!r}")
    return failures
