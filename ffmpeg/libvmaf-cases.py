#!/usr/bin/env python3
"""Lists the conformance outputs FFmpeg's libvmaf filter can reproduce, one per line:

    NAME REF DIST GOLDEN FILTER_OPTIONS COMPARE_ARGS

for the 8-bit pairs of manifest.json: every classic-model output FFmpeg 5.1's filter can
ask for (a built-in model by version, with the output's extra features), and, for a few
pairs, the same request with worker threads and subsampling, compared frame by frame.
As in the core conformance test, the float model's features are compared within 1e-4,
and ciede2000 on 4:2:2 is left out (libvmaf reads the wrong chroma samples there: see
the pair's notes in manifest.json).
With --10bit it lists the 10-bit pairs instead, whose reference is not libvmaf's golden
JSON but ffmpeg/expected/NAME.json: the report of the same FFmpeg filter linked with the
real libvmaf 3.2 (FFmpeg 5.1's filter copies only the first `w` bytes of each 10-bit row,
so its scores differ from the CLI's; ffmpeg/record-expected.sh makes these files).

Usage: libvmaf-cases.py CONFORMANCE_DIR [--10bit]
"""
import json
import os
import sys

FILTER_MODELS = {"vmaf_v0.6.1", "vmaf_v0.6.1neg", "vmaf_float_v0.6.1", "vmaf_4k_v0.6.1neg"}


def main():
    root = sys.argv[1]
    ten_bit = "--10bit" in sys.argv[2:]
    expected_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected")
    with open(os.path.join(root, "manifest.json")) as f:
        manifest = json.load(f)
    threaded = 0
    for pair in manifest["pairs"]:
        if pair["bitdepth"] != (10 if ten_bit else 8):
            continue
        ref = os.path.join(root, pair["ref"])
        dist = os.path.join(root, pair["dist"])
        for output in pair["outputs"]:
            model = output["model"]
            if model not in FILTER_MODELS or not output.get("json"):
                continue
            golden = os.path.join(root, output["json"])
            if ten_bit:
                golden = os.path.join(expected_dir, f"{pair['name']}.{model}.json")
            options = f"model=version={model}"
            features = output.get("extra_features") or []
            compare = "--layout"
            if pair["chroma_subsampling"] == "422" and "ciede" in features:
                features = [f for f in features if f != "ciede"]
                compare = "--ignore=ciede2000"
            if model.startswith("vmaf_float"):
                compare = "--tolerance=1e-4"
            if features:
                options += ":feature=" + "|".join(f"name={name}" for name in features)
            print(f"{pair['name']}.{model} {ref} {dist} {golden} {options} {compare}")
            if model == "vmaf_v0.6.1" and threaded < 3 and not ten_bit:
                threaded += 1
                print(f"{pair['name']}.{model}.threads2_subsample3 {ref} {dist} {golden} "
                      f"{options}:n_threads=2:n_subsample=3 --subsample=3")


if __name__ == "__main__":
    main()
