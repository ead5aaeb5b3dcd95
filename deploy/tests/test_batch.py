#!/usr/bin/env python3
"""Tests of the batch Job's script (deploy/helm/vmafx/files/vmafx-batch.sh).

Runs the script with /bin/sh, as the Job does, against a fake Prometheus
Pushgateway on 127.0.0.1. The scorer is the real vmafx CLI when it has been
built (target/release/vmafx, or $VMAFX_BIN) on the repository's samples;
otherwise (or with VMAFX_BATCH_TEST_STUB=1) a stand-in that writes a report of the same shape, and the summary
says so.
"""

import http.server
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import threading

from harness import Harness, expect, log

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "helm" / "vmafx" / "files" / "vmafx-batch.sh"
SAMPLES = ROOT / "samples"
REF = SAMPLES / "testsrc2_352x288.ref.y4m"
DIST = SAMPLES / "testsrc2_352x288.x265_crf32.dist.y4m"

# A stand-in for vmafx when no build is there: same flags, same JSON shape.
STUB = r"""#!/bin/sh
out=""; ref=""; dist=""; extra=""
while [ $# -gt 0 ]; do
  case "$1" in
    -r) ref=$2; shift 2;; -d) dist=$2; shift 2;; -o) out=$2; shift 2;;
    --json|-q) shift;; *) extra="$extra $1"; shift;;
  esac
done
[ -f "$ref" ] && [ -f "$dist" ] || { echo "stub vmafx: no such input" >&2; exit 1; }
psnr=""
case "$extra" in
  *psnr*) psnr=', "psnr_y": {"min": 30.0, "max": 40.0, "mean": 35.5, "harmonic_mean": 35.1}';;
esac
cat >"$out" <<EOF
{"version": "vmafx stub", "frames": [{"frameNum": 0}, {"frameNum": 1}],
 "pooled_metrics": {"vmaf": {"min": 80.5, "max": 90.25, "mean": 85.125, "harmonic_mean": 85.0}$psnr},
 "aggregate_metrics": {}}
EOF
"""

SAMPLE_LINE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*",?)*\})? -?[0-9.eE+-]+$')


class FakeGateway(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_PUT(self):  # http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        FakeGateway.received.append(("PUT", self.path, self.headers.get("Content-Type"), body))
        self.send_response(FakeGateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


def start_gateway() -> tuple[http.server.HTTPServer, str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), FakeGateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def scorer(work: pathlib.Path) -> tuple[str, bool]:
    candidates = (os.environ.get("VMAFX_BIN"), ROOT / "target" / "release" / "vmafx")
    if os.environ.get("VMAFX_BATCH_TEST_STUB") == "1":
        candidates = ()
    for candidate in candidates:
        if candidate and pathlib.Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate), True
    stub = work / "vmafx-stub"
    stub.write_text(STUB)
    stub.chmod(0o755)
    return str(stub), False


def run(work, vmafx, pairs, gateway="", args=()):
    pairs_file = work / "pairs.tsv"
    pairs_file.write_text("".join(f"{n}\t{r}\t{d}\n" for n, r, d in pairs))
    out_dir = work / "out"
    env = dict(
        os.environ,
        VMAFX_BIN=vmafx,
        VMAFX_BATCH_PAIRS_FILE=str(pairs_file),
        VMAFX_BATCH_OUTPUT_DIR=str(out_dir),
        VMAFX_PUSHGATEWAY_URL=gateway,
        VMAFX_PUSHGATEWAY_JOB="ci-batch",
        TMPDIR=str(work),
    )
    FakeGateway.received = []
    result = subprocess.run(["/bin/sh", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300)
    return result, out_dir


def metrics(body: str) -> dict:
    samples = {}
    for line in body.splitlines():
        if line.startswith("#") or not line:
            continue
        expect(SAMPLE_LINE.match(line) is not None, f"not Prometheus text: {line!r}")
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
    return samples


def main() -> int:
    h = Harness()
    work = pathlib.Path(tempfile.mkdtemp(prefix="vmafx-batch-"))
    vmafx, real = scorer(work)
    gateway_server, gateway = start_gateway()
    good = [("crf32", str(REF), str(DIST)), ("same", str(REF), str(REF))]

    def scores_and_pushes():
        result, out = run(work, vmafx, good, gateway)
        expect(result.returncode == 0, f"exit {result.returncode}: {result.stderr}")
        expect("2 pair(s), 0 failure(s)" in result.stdout, result.stdout)
        paths = sorted(p for _, p, _, _ in FakeGateway.received)
        expect(paths == ["/metrics/job/ci-batch/pair/crf32", "/metrics/job/ci-batch/pair/same"], str(paths))
        for _, path, content_type, body in FakeGateway.received:
            name = path.rsplit("/", 1)[1]
            report = json.loads((out / f"{name}.json").read_text())
            pushed = metrics(body)
            expect(content_type.startswith("text/plain"), content_type)
            for metric, pools in report["pooled_metrics"].items():
                for pool, value in pools.items():
                    key = f'vmafx_pooled_score{{metric="{metric}",pool="{pool}"}}'
                    expect(pushed.get(key) == value, f"{key}: pushed {pushed.get(key)} != report {value}")
            expect(pushed["vmafx_batch_frames_scored"] == len(report["frames"]), "frames scored")
            expect(pushed["vmafx_batch_success"] == 1, "success 1")
            expect("vmafx_batch_duration_seconds" in pushed, "duration")
        if real:
            same = json.loads((out / "same.json").read_text())["pooled_metrics"]["vmaf"]
            expect(same["mean"] > 99, f"a clip against itself scores ~100, got {same}")

    h.check("two pairs scored, each pushed with its report's pooled scores", scores_and_pushes)

    def failure_is_reported():
        pairs = [("missing", str(SAMPLES / "no-such.y4m"), str(DIST)), good[0]]
        result, out = run(work, vmafx, pairs, gateway)
        expect(result.returncode != 0, "a failed pair fails the Job")
        expect("2 pair(s), 1 failure(s)" in result.stdout, result.stdout)
        expect((out / "crf32.json").is_file(), "the other pair is still scored")
        bodies = {p.rsplit("/", 1)[1]: metrics(b) for _, p, _, b in FakeGateway.received}
        expect(bodies["missing"]["vmafx_batch_success"] == 0, "failure pushed as success 0")
        expect(not any(k.startswith("vmafx_pooled_score") for k in bodies["missing"]), "no scores for a failure")
        expect(bodies["crf32"]["vmafx_batch_success"] == 1, "the good pair pushed")

    h.check("a failing pair: pushed as failed, the others still run, exit non-zero", failure_is_reported)

    def no_gateway():
        result, out = run(work, vmafx, good[:1])
        expect(result.returncode == 0, result.stderr)
        expect(FakeGateway.received == [], "nothing pushed without a URL")
        expect((out / "crf32.json").is_file(), "report written")

    h.check("no Pushgateway URL: score only", no_gateway)

    def gateway_error():
        FakeGateway.status = 500
        try:
            result, _ = run(work, vmafx, good[:1], gateway)
        finally:
            FakeGateway.status = 200
        expect(result.returncode != 0, "a failed push fails the Job")
        expect("push to" in result.stderr, result.stderr)

    h.check("a Pushgateway error fails the Job", gateway_error)

    def extra_args():
        result, _ = run(work, vmafx, good[:1], gateway, args=["--feature", "psnr"])
        expect(result.returncode == 0, result.stderr)
        pushed = metrics(FakeGateway.received[0][3])
        expect('vmafx_pooled_score{metric="psnr_y",pool="mean"}' in pushed, f"psnr pushed: {sorted(pushed)}")

    h.check("the script's arguments reach vmafx (--feature psnr)", extra_args)

    def empty_list():
        result, _ = run(work, vmafx, [])
        expect(result.returncode == 2 and "no pair" in result.stderr, f"{result.returncode} {result.stderr}")

    h.check("an empty pair list is an error", empty_list)

    gateway_server.shutdown()
    log(f"batch script scored with {'the real vmafx CLI: ' + vmafx if real else 'a stand-in (no vmafx build found)'}")
    return h.summary("batch script tests")


if __name__ == "__main__":
    sys.exit(main())
