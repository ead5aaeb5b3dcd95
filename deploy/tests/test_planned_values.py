#!/usr/bin/env python3
"""Tests of `vmafx deploy values`: the values it plans for each GPU vendor, for a
throughput (server Deployment) and for a video and a deadline (scale-out
IndexedJob), validate against values.schema.json (over the chart's defaults, as
Helm merges them), render with helm, validate against the Kubernetes schemas
(strict) and carry the plan's numbers. One run measures the speed with
--calibrate on the bundled sample. Needs target/release/vmafx (or --vmafx): when
it is not built the tests are skipped with the reason printed, unless
VMAFX_REQUIRE_DEPLOY_VALUES=1 (then they fail).

Usage: test_planned_values.py --helm PATH --render-dir DIR [--vmafx PATH]
"""

import argparse
import copy
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile

import jsonschema
import yaml

from chart_facts import CHART, KUBE_VERSION, by_kind, env_of, one, validate_docs
from harness import Harness, expect, log
from scale_out_facts import check_scale_out, pod_of, scale_out_jobs

ROOT = CHART.parents[2]
SAMPLE = ROOT / "samples" / "testsrc2_352x288.ref.y4m"
SAMPLE_DISTORTED = ROOT / "samples" / "testsrc2_352x288.x265_crf32.dist.y4m"
RESOURCES = {"nvidia": "nvidia.com/gpu", "amd": "amd.com/gpu", "intel": "gpu.intel.com/i915"}
# The node type planned for: 32 cores, 128 GiB and 4 GPUs.
NODE = ["--cores", "32", "--memory-gib", "128", "--gpus", "4"]


def merged(base: dict, overlay: dict) -> dict:
    """Helm's merge of a values file over the chart's defaults: maps merge, the rest replaces."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class Planner:
    def __init__(self, vmafx: pathlib.Path, work: pathlib.Path) -> None:
        self.vmafx = vmafx
        self.work = work
        self.runs = 0

    def plan(self, args: list[str]) -> tuple[pathlib.Path, dict, str]:
        self.runs += 1
        path = self.work / f"planned-{self.runs}.yaml"
        result = subprocess.run(
            [str(self.vmafx), "deploy", "values", *args, "-o", str(path)], capture_output=True, text=True
        )
        expect(result.returncode == 0, f"vmafx deploy values {' '.join(args)}: {result.stderr.strip()}")
        text = path.read_text()
        return path, yaml.safe_load(text), text


def check_schema(values: dict) -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    try:
        jsonschema.validate(merged(defaults, values), schema)
    except jsonschema.ValidationError as error:
        where = ".".join(str(p) for p in error.absolute_path)
        raise AssertionError(f"values.schema.json refuses the plan at {where}: {error.message}") from None


def check_gpu_shape(container: dict, pod: dict, vendor: str, gpus: int) -> None:
    limits = container["resources"]["limits"]
    env = env_of(container)
    if vendor == "cpu":
        expect(not set(RESOURCES.values()) & set(limits), f"cpu plan asks for a GPU: {limits}")
        expect(env["VMAFX_BACKEND"] == "cpu", "cpu backend")
    else:
        expect(limits.get(RESOURCES[vendor]) == gpus, f"{RESOURCES[vendor]} {limits.get(RESOURCES[vendor])} != {gpus}")
        expect(any(t["key"] == RESOURCES[vendor] for t in pod.get("tolerations", [])), "vendor toleration")
    expect(pod["nodeSelector"].get("kubernetes.io/arch") in {"amd64", "arm64"}, "nodes of the measured arch")


def server_case(h, planner, render_valid, vendor: str) -> None:
    speed = ["--fps-per-core", "5"] if vendor == "cpu" else ["--fps-per-gpu", "100"]

    def case():
        path, values, text = planner.plan(["--target-fps", "500", "--gpu-vendor", vendor, *NODE, *speed])
        expect(text.startswith("# vmafx deploy values"), "the file says how it was made")
        check_schema(values)
        docs = render_valid(f"planned-{vendor}-server", path)
        deployment = one(docs, "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        env = env_of(container)
        concurrent = int(env["VMAFX_MAX_CONCURRENT"])
        threads = int(env["VMAFX_THREADS_PER_SCORE"])
        replicas = deployment["spec"]["replicas"]
        # The plan's own arithmetic, redone: 80% of the speed per score.
        per_score = 0.8 * (5 * threads if vendor == "cpu" else 100)
        expect(replicas * concurrent * per_score >= 500, f"{replicas} x {concurrent} x {per_score} fps < 500")
        expect((replicas - 1) * concurrent * per_score < 500 or replicas == 1, "no replica too many")
        check_gpu_shape(container, pod, vendor, concurrent)
        expect(container["resources"]["requests"]["cpu"] == str(threads * concurrent), "one core per thread")
        if replicas > 1:
            expect(env_of(container).get("VMAFX_DATABASE_URL") is None, "URL from a Secret, not a value")
            names = [e["name"] for e in container["env"]]
            expect("VMAFX_DATABASE_URL" in names, "replicas share jobs through PostgreSQL")

    h.check(f"planned values: {vendor} server for 500 fps", case)


def scale_out_case(h, planner, render_valid, vendor: str) -> None:
    speed = ["--fps-per-core", "0.5"] if vendor == "cpu" else ["--fps-per-gpu", "4"]

    def case():
        args = ["--video", str(SAMPLE), "--distorted", str(SAMPLE_DISTORTED), "--deadline", "2s"]
        path, values, _ = planner.plan([*args, "--gpu-vendor", vendor, *NODE, *speed])
        check_schema(values)
        docs = render_valid(f"planned-{vendor}-scale-out", path)
        check_scale_out(docs, values)
        segment_job, _ = scale_out_jobs(docs)
        pod, container = pod_of(segment_job)
        so = values["scaleOut"]
        expect(so["frames"] == 10, f"frames of the sample {so['frames']} != 10")
        threads = int(values["batch"]["args"][1])
        per_score = 0.8 * (0.5 * threads if vendor == "cpu" else 4)
        expect(so["segmentFrames"] / per_score <= 2, f"segments of {so['segmentFrames']} miss the 2 s deadline")
        expect(segment_job["spec"]["completions"] == math.ceil(10 / so["segmentFrames"]), "completions")
        expect(so["distorted"] == f"/media/{SAMPLE_DISTORTED.name}", "distorted path inside the pods")
        check_gpu_shape(container, pod, vendor, 1)

    h.check(f"planned values: {vendor} scale-out of the sample in 2 s", case)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", default="helm")
    parser.add_argument("--render-dir", required=True)
    parser.add_argument("--vmafx", default=str(ROOT / "target" / "release" / "vmafx"))
    options = parser.parse_args()
    h = Harness()
    vmafx = pathlib.Path(options.vmafx)
    help_text = ""
    if vmafx.is_file():
        help_text = subprocess.run([str(vmafx), "deploy", "--help"], capture_output=True, text=True).stdout
    if "values" not in help_text:
        reason = f"{vmafx} is not built with `vmafx deploy values` (cargo build --release -p vmafx-cli)"
        if os.environ.get("VMAFX_REQUIRE_DEPLOY_VALUES") == "1":
            h.check("vmafx deploy values", lambda: expect(False, reason))
        else:
            log(f"SKIP planned values: {reason}")
        return h.summary("planned values tests")

    render_dir = pathlib.Path(options.render_dir)
    render_dir.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="vmafx-planned-"))
    planner = Planner(vmafx, work)
    stats = {"validated": 0, "crd_skipped": 0}

    def render_valid(name: str, values_file: pathlib.Path):
        result = subprocess.run(
            [options.helm, "template", "ci", str(CHART), "--namespace", "vmafx", "--kube-version", KUBE_VERSION]
            + ["-f", str(values_file)],
            capture_output=True,
            text=True,
        )
        expect(result.returncode == 0, f"helm template refuses the plan: {result.stderr.strip()}")
        (render_dir / f"{name}.yaml").write_text(result.stdout)
        docs = [d for d in yaml.safe_load_all(result.stdout) if d]
        validate_docs(docs, KUBE_VERSION, stats)
        return docs

    for vendor in ("cpu", "nvidia", "amd", "intel"):
        server_case(h, planner, render_valid, vendor)
        scale_out_case(h, planner, render_valid, vendor)

    def calibrated():
        path, values, text = planner.plan(["--target-fps", "100", "--gpu-vendor", "cpu", "--calibrate"])
        expect("measured:" in text, "the header gives the measurement")
        check_schema(values)
        docs = render_valid("planned-calibrated", path)
        expect(by_kind(docs, "Deployment"), "a server Deployment")

    h.check("planned values: --calibrate on the bundled sample", calibrated)

    def refusals():
        for args, message in (
            (["--target-fps", "10", "--gpu-vendor", "cpu"], "--fps-per-core or --calibrate"),
            (["--target-fps", "10", "--gpu-vendor", "nvidia", "--gpus", "0", "--fps-per-gpu", "9"], "GPU"),
            (["--video", str(SAMPLE), "--deadline", "soon", "--fps-per-core", "1"], "not a duration"),
            (["--target-fps", "10", "--gpu-vendor", "vulkan"], "nvidia, amd, intel or cpu"),
        ):
            result = subprocess.run([str(vmafx), "deploy", "values", *args], capture_output=True, text=True)
            expect(result.returncode != 0, f"{args} accepted")
            expect(message in result.stderr, f"{args}: {message!r} not in {result.stderr.strip()}")

    h.check("vmafx deploy values refuses what it cannot plan", refusals)
    log(f"planned values: {stats['validated']} manifests valid against the Kubernetes schemas (strict)")
    return h.summary("planned values tests")


if __name__ == "__main__":
    sys.exit(main())
