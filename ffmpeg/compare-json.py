#!/usr/bin/env python3
"""Compares a report in libvmaf's JSON layout with libvmaf's golden one.

Usage: compare-json.py GOLDEN OURS [--subsample=N] [--layout] [--tolerance=T]
                       [--ignore=METRIC]...

Every frame OURS has must be in GOLDEN with the same metrics and, as printed (six
decimals), the same values (within T, default 0: the float models' features may differ
by up to 1e-4); without subsampling the frame lists and the pooled values must match
too. --layout also demands the same text, line for line, apart from the "version" and
"fps" lines. --ignore leaves a metric GOLDEN has out (one libvmaf computes by accident). Prints one line: the worst |delta| of each metric over frames
and pooled values, then exits 0 only when every delta is zero.
"""
import json
import sys


def main():
    args = sys.argv[1:]
    subsample = 1
    layout = False
    for arg in [a for a in args if a.startswith("--subsample=")]:
        subsample = int(arg.split("=", 1)[1])
        args.remove(arg)
    tolerance = 0.0
    ignored = set()
    for arg in [a for a in args if a.startswith("--tolerance=") or a.startswith("--ignore=")]:
        key, value = arg[2:].split("=", 1)
        if key == "tolerance":
            tolerance = float(value)
        else:
            ignored.add(value)
        args.remove(arg)
    if "--layout" in args:
        args.remove("--layout")
        layout = True
    golden_path, ours_path = args
    with open(golden_path) as f:
        golden_text = f.read()
    with open(ours_path) as f:
        ours_text = f.read()
    golden, ours = json.loads(golden_text), json.loads(ours_text)
    for frame in golden["frames"]:
        for metric in ignored:
            frame["metrics"].pop(metric, None)
    for metric in ignored:
        golden["pooled_metrics"].pop(metric, None)
    problems = []
    worst = {}

    def note(metric, a, b):
        delta = abs(a - b)
        worst[metric] = max(worst.get(metric, 0.0), delta)

    golden_frames = {f["frameNum"]: f["metrics"] for f in golden["frames"]}
    expected = [n for n in sorted(golden_frames) if n % subsample == 0]
    got = [f["frameNum"] for f in ours["frames"]]
    if got != expected:
        problems.append(f"frames {got[:5]}... differ from libvmaf's {expected[:5]}...")
    for frame in ours["frames"]:
        want = golden_frames.get(frame["frameNum"])
        if want is None:
            continue
        if set(want) != set(frame["metrics"]):
            problems.append(
                f"frame {frame['frameNum']}: metrics {sorted(set(frame['metrics']) ^ set(want))} "
                "are not in both reports")
        for metric, value in want.items():
            if metric in frame["metrics"]:
                note(metric, value, frame["metrics"][metric])
    if subsample == 1:
        for metric, pooled in golden["pooled_metrics"].items():
            mine = ours["pooled_metrics"].get(metric)
            if mine is None:
                problems.append(f"pooled {metric} is missing")
                continue
            for method, value in pooled.items():
                note(metric, value, mine[method])
    if layout:
        def strip(text):
            return [l for l in text.splitlines()
                    if not l.startswith('  "version":') and not l.startswith('  "fps":')]
        if strip(golden_text) != strip(ours_text):
            problems.append("the text differs from libvmaf's beyond the version and fps lines")
    # Values printed with six decimals differ by whole millionths; half of one absorbs the
    # binary rounding of the parsed numbers.
    nonzero = {m: d for m, d in worst.items() if d > tolerance + 5e-7 * (tolerance > 0)}
    summary = ", ".join(f"{m} {d:.6g}" for m, d in sorted(worst.items(), key=lambda kv: -kv[1])[:4])
    print(f"worst |delta| {max(worst.values(), default=0.0):.6g} over {len(worst)} metrics"
          f" ({summary}){'; ' + '; '.join(problems) if problems else ''}")
    if nonzero:
        problems.append(f"{len(nonzero)} metrics beyond the tolerance {tolerance:g}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
