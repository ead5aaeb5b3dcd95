"""Scoring releases the GIL: another Python thread keeps running meanwhile."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import vmafx
from y4m import read_y4m


def _progress_during(work) -> tuple:
    """Runs `work` in a thread and counts loop turns of this thread until it ends."""
    done = threading.Event()
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        finally:
            done.set()

    worker = threading.Thread(target=run)
    turns = 0
    started = time.perf_counter()
    worker.start()
    while not done.is_set():
        turns += 1
    elapsed = time.perf_counter() - started
    worker.join()
    return turns, elapsed, outcome.get("value")


def test_score_lets_other_threads_run(sample_pair):
    reference, distorted = sample_pair
    turns, elapsed, report = _progress_during(
        lambda: vmafx.score(reference, distorted, threads=1, features=["psnr", "float_ssim"])
    )
    assert report is not None and len(report.frames) > 0
    # Holding the GIL for the whole run would leave this thread a handful of turns
    # (one per switch interval at most); released, it spins freely.
    assert elapsed > 0.05, elapsed
    assert turns > 10_000, (turns, elapsed)


def test_push_lets_other_threads_run(sample_pair):
    reference, distorted = sample_pair
    fmt, references = read_y4m(reference)
    _, distorted_frames = read_y4m(distorted)
    pairs = list(zip(references, distorted_frames))

    def work():
        with vmafx.Scorer(fmt.width, fmt.height, threads=1, features=["float_ssim"]) as scorer:
            for ref, dist in pairs:
                scorer.push(ref, dist)
            return scorer.finish()

    turns, elapsed, report = _progress_during(work)
    assert report is not None and len(report.frames) == len(pairs)
    assert turns > 10_000, (turns, elapsed)


def test_one_scorer_serves_one_call_at_a_time(sample_pair):
    reference, _ = sample_pair
    fmt, frames = read_y4m(reference)
    frame = next(frames)
    scorer = vmafx.Scorer(fmt.width, fmt.height, threads=1, features=["float_ssim"])
    errors = []
    start = threading.Barrier(4)

    def push_many():
        start.wait()
        for _ in range(10):
            try:
                scorer.push(frame, frame)
            except vmafx.InvalidStateError as busy:
                errors.append(busy)

    threads = [threading.Thread(target=push_many) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Every push either scored or was refused as busy; nothing was lost or torn.
    pushed = scorer.frames_pushed
    assert pushed + len(errors) == 40
    assert all("in use by another thread" in str(e) for e in errors)
    report = scorer.finish()
    assert len(report.frames) == pushed
    assert np.allclose(report.column("float_ssim"), 1.0)


def test_ctrl_c_stops_a_running_score(tmp_path, sample_pair):
    """A signal arriving while score() runs (GIL released) stops it with
    KeyboardInterrupt instead of waiting for the end."""
    import _thread

    reference, distorted = sample_pair
    # A long pair: the sample's frames forty times over.
    long_pair = []
    for source in (reference, distorted):
        header, _, frames = source.read_bytes().partition(b"\n")
        target = tmp_path / source.name
        target.write_bytes(header + b"\n" + frames * 40)
        long_pair.append(target)
    full = time.perf_counter()
    vmafx.score(*long_pair, threads=1, max_frames=40)
    per_frame = (time.perf_counter() - full) / 40

    timer = threading.Timer(0.05, _thread.interrupt_main)
    started = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            vmafx.score(*long_pair, threads=1)
    finally:
        timer.cancel()
    stopped_after = time.perf_counter() - started
    # The whole run (400 frames) takes 400 frame times; it stopped well before.
    assert stopped_after < 300 * per_frame + 0.1, (stopped_after, per_frame)
