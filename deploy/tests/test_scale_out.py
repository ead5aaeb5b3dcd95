#!/usr/bin/env python3
"""Scale-out tests for deploy/helm/vmafx (workload: IndexedJob).

1. Renders: every GPU vendor x access mode, validated against the Kubernetes schemas
   (strict) and checked (scale_out_facts.py); older Kubernetes without
   backoffLimitPerIndex; the parts folder follows the run's settings; bad values are
   refused with a clear message. Manifests go to --render-dir for checkov.
2. The pods' commands run here exactly as rendered: the chart's ConfigMap script,
   command, args and env, each index of the Indexed Job as its own process with
   JOB_COMPLETION_INDEX set, a temporary folder standing in for each volume (the
   parts PVC, the media PVC, /tmp), then the merge Job's command. The merged report
   must equal a single vmafx run's byte for byte (but for the run's speed, "fps", a
   timing); a retried index changes nothing;
   a missing part makes the merge fail and name it. This needs a vmafx with segment
   scoring (`--frames START..END` and `vmafx merge`): without it the part is skipped
   with the reason printed, unless VMAFX_REQUIRE_SCALE_OUT=1 (then it fails).

Usage: test_scale_out.py --helm PATH --render-dir DIR [--vmafx PATH]
"""

import argparse
import json
import math
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

from chart_facts import CHART, KUBE_VERSION, validate_docs
from harness import Harness, expect, log
from scale_out_facts import check_scale_out, pod_of, scale_out_jobs, scale_out_values
from test_chart import Renderer

ROOT = CHART.parents[2]
SAMPLES = ROOT / "samples"
SAMPLE_REFERENCE = SAMPLES / "testsrc2_352x288.ref.y4m"
SAMPLE_DISTORTED = SAMPLES / "testsrc2_352x288.x265_crf32.dist.y4m"


def chart_checks(h: Harness, r: Renderer, render_valid) -> None:
    for vendor in ("cpu", "nvidia", "amd", "intel"):
        files = [] if vendor == "cpu" else [f"values-{vendor}.yaml"]
        for access in ("devicePlugin",) if vendor == "cpu" else ("devicePlugin", "runtimeClass", "dra"):
            values = scale_out_values()
            values["gpu"] = {"access": access}
            if vendor == "intel" and access == "runtimeClass":
                values["gpu"]["runtimeClass"] = {"name": "intel-gpu"}

            def combo(values=values, files=files, name=f"scale-out-{vendor}-{access}"):
                check_scale_out(render_valid(name, [values], files), values)

            h.check(f"scale-out {vendor} {access}", combo)

    def kube_1_28():
        values = scale_out_values()
        check_scale_out(render_valid("scale-out-k8s-1.28", [values], kube="1.28.0"), values, kube_minor=28)

    h.check("scale-out on Kubernetes 1.28: a Job-wide backoffLimit", kube_1_28)

    def one_segment_per_frame_range():
        # 10 frames in segments of 4: 0..4, 4..8, 8..10; parallelism capped at 3.
        values = scale_out_values(frames=10, segment_frames=4, parallelism=8)
        check_scale_out(render_valid("scale-out-small", [values]), values)

    h.check("scale-out: parallelism capped at the segment count", one_segment_per_frame_range)

    def parts_dir_follows_the_settings():
        def parts_of(values):
            segment_job, _ = scale_out_jobs(r.render([values])[1])
            env = {e["name"]: e.get("value") for e in pod_of(segment_job)[1]["env"]}
            return env["VMAFX_SCALE_OUT_DIR"], segment_job["metadata"]["name"]

        base_dir, base_job = parts_of(scale_out_values())
        wider_dir, wider_job = parts_of(scale_out_values(parallelism=6))
        expect(base_dir == wider_dir, "parallelism does not change the parts")
        expect(base_job == wider_job, "parallelism is mutable: the same Job")
        other_args = scale_out_values()
        other_args["batch"]["args"] = ["--feature", "psnr"]
        for changed in (other_args, scale_out_values(segment_frames=250), scale_out_values(frames=999)):
            changed_dir, changed_job = parts_of(changed)
            expect(changed_dir != base_dir, "other settings, other parts folder")
            expect(changed_job != base_job, "other settings, another Job")

    h.check("scale-out: the parts folder and Job name follow the run's settings", parts_dir_follows_the_settings)

    def notes():
        overlay = r.workdir / "notes-values.yaml"
        overlay.write_text(yaml.safe_dump(scale_out_values()))
        result = subprocess.run(
            [r.helm, "install", "ci", str(CHART), "--dry-run=client", "--namespace", "vmafx", "-f", str(overlay)],
            capture_output=True,
            text=True,
        )
        expect(result.returncode == 0, result.stderr)
        for wanted in (
            "Scale-out: 4 segment(s) of 300 frames, 3 at a time",
            "Report: /var/lib/vmafx/scale-out/clip1.json",
        ):
            expect(wanted in result.stdout, f"NOTES lack {wanted!r}: {result.stdout[-600:]}")

    version = subprocess.run([r.helm, "version", "--short"], capture_output=True, text=True).stdout
    if not version.startswith("v3."):  # Helm 3's install wants a cluster even with --dry-run=client
        h.check("scale-out: helm install --dry-run=client prints the NOTES", notes)

    refusals = [
        ("no claim", {"claim": ""}, "needs scaleOut.claim"),
        ("no frames", {"frames": 0}, "scaleOut.frames (0)"),
        ("no segment length", {"segmentFrames": 0}, "scaleOut.segmentFrames (0)"),
        ("no reference", {"reference": ""}, "needs scaleOut.reference"),
        ("too many failures allowed", {"maxFailedIndexes": 9}, "maxFailedIndexes (9) is above"),
        ("negative frames", {"frames": -1}, "frames"),
        ("bad merge format", {"merge": {"format": "yaml"}}, "format"),
    ]
    for label, change, message in refusals:

        def refused(change=change, message=message):
            result = r.run([scale_out_values(**change)])
            expect(result.returncode != 0, "should have been refused")
            expect(message in result.stderr, f"{message!r} not in: {result.stderr.strip()}")

        h.check(f"scale-out refused: {label}", refused)


# --- the pods' commands, run here ------------------------------------------------


def y4m_frames(path: pathlib.Path) -> int:
    """Frames of a Y4M file with bare FRAME markers, from its header and size."""
    data = path.read_bytes()
    header, _, _ = data.partition(b"\n")
    tags = {t[:1]: t[1:] for t in header.split()[1:]}
    width, height = int(tags[b"W"]), int(tags[b"H"])
    chroma = tags.get(b"C", b"420").decode()
    planes = {"444": 3, "422": 2, "400": 1}.get(chroma[:3], 1.5)
    depth = 2 if "p1" in chroma else 1
    frame = int(width * height * planes) * depth
    return (len(data) - len(header) - 1) // (6 + frame)


class Pod:
    """A rendered container, run here: its mount paths become local folders."""

    def __init__(self, pod: dict, container: dict, mounts: dict[str, pathlib.Path], vmafx: pathlib.Path):
        self.mounts = {}
        for mount in container["volumeMounts"]:
            self.mounts[mount["mountPath"]] = mounts[mount["name"]]
        self.argv = [self.local(a) for a in container["command"] + container.get("args", [])]
        self.env = {e["name"]: self.local(e.get("value", "")) for e in container.get("env", [])}
        self.env["PATH"] = f"{vmafx.parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"
        self.argv[0] = shutil.which(self.argv[0].rsplit("/", 1)[-1]) or self.argv[0]

    def local(self, value: str) -> str:
        for path, folder in sorted(self.mounts.items(), key=lambda m: -len(m[0])):
            if value == path or value.startswith(path + "/"):
                return str(folder) + value[len(path) :]
        return value

    def start(self, index: int | None = None) -> subprocess.Popen:
        env = dict(self.env)
        if index is not None:
            env["JOB_COMPLETION_INDEX"] = str(index)
        return subprocess.Popen(self.argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def run(self, index: int | None = None) -> tuple[int, str]:
        process = self.start(index)
        output, _ = process.communicate(timeout=600)
        return process.returncode, output


# The one thing in a report that depends on the run rather than the video: its speed
# (libvmaf's "fps"). Byte-identical means identical apart from that timing.
TIMING = re.compile(rb'("fps": |fps=")[0-9.eE+-]+')


def without_timing(report: bytes) -> bytes:
    return TIMING.sub(rb"\1<timing>", report)


def part_results(part: bytes) -> dict:
    """A part without its wall-clock `seconds`, the one field two scorings may differ in."""
    document = json.loads(part)
    document.pop("seconds", None)
    return document


def segment_ranges(frames: int, segment_frames: int) -> list[tuple[int, int]]:
    count = math.ceil(frames / segment_frames)
    return [(i * segment_frames, min((i + 1) * segment_frames, frames)) for i in range(count)]


def local_run(h: Harness, r: Renderer, vmafx: pathlib.Path) -> None:
    frames = y4m_frames(SAMPLE_REFERENCE)
    segment_frames = 3
    ranges = segment_ranges(frames, segment_frames)
    values = scale_out_values(frames=frames, segment_frames=segment_frames, parallelism=len(ranges))
    values["batch"] = {"args": ["--threads", "1"]}
    values["scaleOut"]["merge"] = {"waitSeconds": 1, "pollSeconds": 1}
    text, docs = r.render([values])
    segment_job, merge_job = scale_out_jobs(docs)
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    work = pathlib.Path(tempfile.mkdtemp(prefix="vmafx-scale-out-"))
    folders = {name: work / name for name in ("tmp", "data", "scale-out", "input-media")}
    for folder in folders.values():
        folder.mkdir()
    for name, body in config["data"].items():
        (folders["scale-out"] / name).write_text(body)
    (folders["input-media"] / "ref.y4m").symlink_to(SAMPLE_REFERENCE)
    (folders["input-media"] / "dist.y4m").symlink_to(SAMPLE_DISTORTED)
    segment = Pod(*pod_of(segment_job), folders, vmafx)
    merge = Pod(*pod_of(merge_job), folders, vmafx)
    parts = pathlib.Path(segment.env["VMAFX_SCALE_OUT_DIR"])
    report = pathlib.Path(merge.env["VMAFX_SCALE_OUT_REPORT"])
    log(f"scale-out: {frames} frames, segments {ranges}, parts in {parts}")

    def all_indexes():
        processes = [segment.start(i) for i in range(len(ranges))]  # all at once, as parallelism allows
        for i, process in enumerate(processes):
            output, _ = process.communicate(timeout=600)
            expect(process.returncode == 0, f"index {i} failed: {output}")
            expect(f"frames {ranges[i][0]}..{ranges[i][1]}" in output, f"index {i} scored the wrong frames: {output}")
            expect((parts / f"part-{i}.json").is_file(), f"part-{i}.json written")

    if not h.check("local Indexed Job: every index scores its segment", all_indexes):
        return

    single = work / "single.json"

    def merged_equals_single_run():
        code, output = merge.run()
        expect(code == 0, f"merge failed: {output}")
        argv = [str(vmafx), "-r", str(SAMPLE_REFERENCE), "-d", str(SAMPLE_DISTORTED)]
        argv += values["batch"]["args"] + ["--json", "-o", str(single), "-q"]
        result = subprocess.run(argv, capture_output=True, text=True)
        expect(result.returncode == 0, f"single run failed: {result.stderr}")
        merged, alone = report.read_bytes(), single.read_bytes()
        expect(without_timing(merged) == without_timing(alone), f"{report} differs from one run over the video")

    h.check("local Indexed Job: merged report == single run (byte-identical)", merged_equals_single_run)

    def retried_index():
        part = parts / "part-1.json"
        before = part.read_bytes()
        code, output = segment.run(1)
        expect(code == 0 and "kept" in output, f"retry with the part there: {output}")
        expect(part.read_bytes() == before, "a kept part is unchanged")
        part.unlink()
        code, output = segment.run(1)
        expect(code == 0, f"retry after losing the part: {output}")
        expect(part_results(part.read_bytes()) == part_results(before), "a re-scored part has the same results")
        code, output = merge.run()
        expect(code == 0, f"merge again: {output}")
        expect(without_timing(report.read_bytes()) == without_timing(single.read_bytes()), "merge again: same report")

    h.check("local Indexed Job: a retried index gives the same part and report", retried_index)

    def missing_part():
        gone = len(ranges) // 2
        start, end = ranges[gone]
        part = parts / f"part-{gone}.json"
        aside = work / "aside.json"
        part.rename(aside)
        try:
            code, output = merge.run()
            expect(code != 0, f"merge of incomplete parts succeeded: {output}")
            expect(f"part-{gone}.json (frames {start}..{end}) is missing" in output, output)
            rest = [str(parts / f"part-{i}.json") for i in range(len(ranges)) if i != gone]
            result = subprocess.run(
                [str(vmafx), "merge", *rest, "-o", str(work / "gap.json"), "--json"], capture_output=True, text=True
            )
            said = result.stdout + result.stderr
            expect(result.returncode != 0, f"vmafx merge accepted a gap: {said}")
            expect(str(start) in said, f"vmafx merge does not name the missing frames {start}..{end}: {said}")
        finally:
            aside.rename(part)

    h.check("local Indexed Job: a missing part makes the merge fail and name it", missing_part)
    shutil.rmtree(work, ignore_errors=True)


def segment_cli_missing(vmafx: pathlib.Path) -> str:
    """Why this vmafx cannot score segments, or '' when it can."""
    if not vmafx.is_file():
        return f"{vmafx} is not built (cargo build --release -p vmafx-cli)"
    result = subprocess.run([str(vmafx), "--help"], capture_output=True, text=True)
    if "--frames" not in result.stdout + result.stderr:
        return f"{vmafx} has no --frames (segment scoring): the scale-out run needs it"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", default="helm")
    parser.add_argument("--render-dir", required=True)
    parser.add_argument("--vmafx", default=str(ROOT / "target" / "release" / "vmafx"))
    options = parser.parse_args()
    render_dir = pathlib.Path(options.render_dir)
    render_dir.mkdir(parents=True, exist_ok=True)
    h = Harness()
    stats = {"validated": 0, "crd_skipped": 0}
    r = Renderer(options.helm, pathlib.Path(tempfile.mkdtemp(prefix="vmafx-scale-out-chart-")))

    def render_valid(name: str, overlays, files=(), kube=KUBE_VERSION):
        text, docs = r.render(overlays, files, kube)
        (render_dir / f"{name}.yaml").write_text(text)
        validate_docs(docs, kube, stats)
        return docs

    chart_checks(h, r, render_valid)
    log(f"scale-out: {stats['validated']} manifests valid against the Kubernetes schemas (strict)")

    vmafx = pathlib.Path(options.vmafx)
    missing = segment_cli_missing(vmafx)
    if not missing:
        local_run(h, r, vmafx)
    elif os.environ.get("VMAFX_REQUIRE_SCALE_OUT") == "1":
        h.check("local Indexed Job run", lambda: expect(False, f"VMAFX_REQUIRE_SCALE_OUT=1 but {missing}"))
    else:
        log(f"SKIP local Indexed Job run: {missing}")
    return h.summary("scale-out tests")


if __name__ == "__main__":
    sys.exit(main())
