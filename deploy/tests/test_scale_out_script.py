#!/usr/bin/env python3
"""Tests of the scale-out script (deploy/helm/vmafx/files/vmafx-scale-out.sh) alone.

Runs it with /bin/sh, as the pods do, with a stand-in vmafx that records its calls
and writes parts and reports of the segment CLI's shape, against the fake
Pushgateway of test_batch.py: the segment arithmetic, kept parts on retry, the
merge's wait and its refusal of a missing part, the metrics pushed and a failed
push. Needs no build, so it always runs (test_scale_out.py runs the script with the
real vmafx).
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

from harness import Harness, expect
from test_batch import SAMPLE_LINE, FakeGateway, start_gateway

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "helm" / "vmafx" / "files" / "vmafx-scale-out.sh"

# Records every call in $STUB_LOG; segments write the range they were given, the
# merge the pooled scores of a report. STUB_FAIL=1 makes scoring fail.
STUB = r"""#!/bin/sh
echo "$*" >>"$STUB_LOG"
if [ "$1" = merge ]; then
  shift; out=""
  while [ $# -gt 0 ]; do
    case "$1" in -o) out=$2; shift 2;; --*) shift;; *) [ -s "$1" ] || exit 3; shift;; esac
  done
  printf '{"frames": [], "pooled_metrics": {"vmaf": {"mean": 88.5, "min": 80.0}}}\n' >"$out"
  exit 0
fi
[ "${STUB_FAIL:-0}" = 1 ] && { echo "stub vmafx: failing as told" >&2; exit 1; }
range=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in --frames) range=$2; shift 2;; -o) out=$2; shift 2;; *) shift;; esac
done
printf '{"range": "%s"}\n' "$range" >"$out.tmp" && mv "$out.tmp" "$out"
"""


class Env:
    def __init__(self, work: pathlib.Path, gateway: str) -> None:
        self.work = work
        stub = work / "vmafx"
        stub.write_text(STUB)
        stub.chmod(0o755)
        self.log = work / "calls.log"
        self.parts = work / "pvc" / "clip.parts-abc"
        self.report = work / "pvc" / "clip.json"
        self.base = {
            "PATH": f"{work}{os.pathsep}{os.environ['PATH']}",
            "TMPDIR": str(work),
            "STUB_LOG": str(self.log),
            "VMAFX_SCALE_OUT_NAME": "clip",
            "VMAFX_SCALE_OUT_FRAMES": "10",
            "VMAFX_SCALE_OUT_SEGMENT_FRAMES": "3",
            "VMAFX_SCALE_OUT_DIR": str(self.parts),
            "VMAFX_SCALE_OUT_REFERENCE": "/media/ref.y4m",
            "VMAFX_SCALE_OUT_DISTORTED": "/media/dist.y4m",
            "VMAFX_SCALE_OUT_REPORT": str(self.report),
            "VMAFX_SCALE_OUT_WAIT_SECONDS": "0",
            "VMAFX_SCALE_OUT_POLL_SECONDS": "1",
            "VMAFX_PUSHGATEWAY_URL": gateway,
            "VMAFX_PUSHGATEWAY_JOB": "vmafx-batch",
        }

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["/bin/sh", str(SCRIPT), *args],
            env={**self.base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


def pushed(path_suffix: str) -> list[str]:
    bodies = [body for _, path, _, body in FakeGateway.received if path.endswith(path_suffix)]
    expect(bodies, f"nothing pushed to ...{path_suffix}: {[p for _, p, _, _ in FakeGateway.received]}")
    lines = [line for line in bodies[-1].splitlines() if line and not line.startswith("#")]
    for line in lines:
        expect(SAMPLE_LINE.match(line), f"not Prometheus text: {line!r}")
    return lines


def main() -> int:
    h = Harness()
    server, gateway = start_gateway()
    work = pathlib.Path(tempfile.mkdtemp(prefix="vmafx-scale-out-script-"))
    e = Env(work, gateway)

    def arithmetic():
        expect(e.run("count").stdout.strip() == "4", "10 frames in segments of 3: 4")
        ranges = [e.run("range", str(i)).stdout.strip() for i in range(4)]
        expect(ranges == ["0..3", "3..6", "6..9", "9..10"], f"ranges {ranges}")
        exact = e.run("count", VMAFX_SCALE_OUT_FRAMES="9").stdout.strip()
        expect(exact == "3", f"9 frames in segments of 3: {exact}")
        beyond = e.run("range", "4")
        expect(beyond.returncode != 0 and "segment 4 does not exist" in beyond.stderr, beyond.stderr)
        for bad in ({"VMAFX_SCALE_OUT_FRAMES": "ten"}, {"VMAFX_SCALE_OUT_SEGMENT_FRAMES": "0"}):
            result = e.run("count", **bad)
            expect(result.returncode != 0 and "VMAFX_SCALE_OUT" in result.stderr, f"{bad}: {result.stderr}")
        expect(e.run("scale").returncode != 0, "an unknown command is refused")

    h.check("script: segment arithmetic", arithmetic)

    def segments():
        for i in range(4):
            result = e.run("segment", "--threads", "2", JOB_COMPLETION_INDEX=str(i))
            expect(result.returncode == 0, result.stderr)
        calls = e.calls()
        expect(len(calls) == 4, f"one vmafx run per index: {calls}")
        expect(
            calls[1] == f"-r /media/ref.y4m -d /media/dist.y4m --frames 3..6 -o {e.parts}/part-1.json -q --threads 2",
            f"index 1 ran {calls[1]!r}",
        )
        expect((e.parts / "part-3.json").read_text().strip() == '{"range": "9..10"}', "the last segment is short")
        lines = pushed("/metrics/job/vmafx-batch/pair/clip/segment/3")
        expect("vmafx_scale_out_segment_success 1" in lines, f"{lines}")
        expect("vmafx_scale_out_segment_frames 1" in lines, f"{lines}")

    h.check("script: each index scores its segment and pushes its outcome", segments)

    def kept_on_retry():
        before = len(e.calls())
        result = e.run("segment", JOB_COMPLETION_INDEX="2")
        expect(result.returncode == 0 and "kept" in result.stdout, result.stdout + result.stderr)
        expect(len(e.calls()) == before, "a finished part is not scored again")

    h.check("script: a retried index keeps its finished part", kept_on_retry)

    def failed_segment():
        (e.parts / "part-0.json").unlink()
        result = e.run("segment", JOB_COMPLETION_INDEX="0", STUB_FAIL="1")
        expect(result.returncode != 0, "a failed score fails the pod")
        expect(not (e.parts / "part-0.json").exists(), "no part from a failed score")
        expect("vmafx_scale_out_segment_success 0" in pushed("/segment/0"), "failure pushed")
        expect(e.run("segment", JOB_COMPLETION_INDEX="0").returncode == 0, "the retry scores it")

    h.check("script: a failed segment fails its pod, its retry scores it", failed_segment)

    def merge():
        result = e.run("merge", VMAFX_SCALE_OUT_FORMAT="json")
        expect(result.returncode == 0, result.stderr)
        merge_call = e.calls()[-1]
        wanted = " ".join(f"{e.parts}/part-{i}.json" for i in range(4))
        expect(merge_call == f"merge {wanted} -o {e.report}.partial --json", f"merge ran {merge_call!r}")
        expect(e.report.is_file() and not pathlib.Path(f"{e.report}.partial").exists(), "report renamed into place")
        lines = pushed("/metrics/job/vmafx-batch/pair/clip")
        expect('vmafx_pooled_score{metric="vmaf",pool="mean"} 88.5' in lines, f"{lines}")
        expect("vmafx_scale_out_segments 4" in lines and "vmafx_batch_success 1" in lines, f"{lines}")

    h.check("script: the merge merges every part in order and pushes the pooled scores", merge)

    def merge_waits():
        part = e.parts / "part-2.json"
        aside = work / "part-2.json"
        part.rename(aside)
        threading.Timer(1.5, lambda: aside.rename(part)).start()
        started = time.monotonic()
        result = e.run("merge", VMAFX_SCALE_OUT_WAIT_SECONDS="20")
        expect(result.returncode == 0, f"merge after the late part: {result.stderr}")
        expect(1.0 < time.monotonic() - started < 15, "waited for the late part, not longer")

    h.check("script: the merge waits for a late part", merge_waits)

    def merge_refuses_a_gap():
        e.report.unlink()
        (e.parts / "part-1.json").unlink()
        result = e.run("merge", VMAFX_SCALE_OUT_WAIT_SECONDS="1")
        expect("part-1.json (frames 3..6) is missing after 1 s" in result.stderr, result.stderr)
        merge_call = e.calls()[-1]
        expect("part-1.json" not in merge_call and "part-2.json" in merge_call, "vmafx merge gets the rest")

    h.check("script: a missing part is named, the rest go to vmafx merge", merge_refuses_a_gap)

    def push_failure():
        FakeGateway.status = 500
        try:
            result = e.run("segment", JOB_COMPLETION_INDEX="1")
        finally:
            FakeGateway.status = 200
        expect(result.returncode != 0 and "push" in result.stderr, "a failed push fails the pod")
        expect((e.parts / "part-1.json").is_file(), "the part stays for the retry")
        expect(e.run("segment", JOB_COMPLETION_INDEX="1").returncode == 0, "the retry pushes again")

    h.check("script: a failed push fails the pod and keeps the part", push_failure)
    server.shutdown()
    return h.summary("scale-out script tests")


if __name__ == "__main__":
    sys.exit(main())
