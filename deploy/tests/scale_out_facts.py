"""What every rendering of the chart's scale-out mode (workload: IndexedJob) must
satisfy: the Indexed Job of segments, the merge Job, the shared volume, the script."""

import math

from chart_facts import CHART, FULLNAME, INPUTS, by_kind, env_of, one
from harness import expect

PARTS_CLAIM = "vmafx-scale-out"
WORK_DIR = "/var/lib/vmafx/scale-out"
SCRIPT = "/etc/vmafx/scale-out/vmafx-scale-out.sh"
GPU_RESOURCES = {"nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915"}


def scale_out_values(frames: int = 1000, segment_frames: int = 300, parallelism: int = 3, **extra) -> dict:
    """Values of a scale-out run over /media/ref.y4m and /media/dist.y4m."""
    scale_out = {
        "name": "clip1",
        "reference": "/media/ref.y4m",
        "distorted": "/media/dist.y4m",
        "frames": frames,
        "segmentFrames": segment_frames,
        "parallelism": parallelism,
        "claim": PARTS_CLAIM,
    }
    scale_out.update(extra)
    return {
        "workload": "IndexedJob",
        "inputs": INPUTS,
        "batch": {"args": ["--threads", "2"], "pushgateway": {"url": "http://pushgateway.monitoring:9091"}},
        "scaleOut": scale_out,
    }


def scale_out_jobs(docs: list[dict]) -> tuple[dict, dict]:
    """(the Indexed Job of segments, the merge Job)."""
    jobs = by_kind(docs, "Job")
    expect(len(jobs) == 2, f"two Jobs, found {len(jobs)}")
    segments = [j for j in jobs if j["spec"].get("completionMode") == "Indexed"]
    merges = [j for j in jobs if j["spec"].get("completionMode") != "Indexed"]
    expect(len(segments) == 1 and len(merges) == 1, "one Indexed Job and one merge Job")
    return segments[0], merges[0]


def pod_of(job: dict) -> tuple[dict, dict]:
    pod = job["spec"]["template"]["spec"]
    expect(len(pod["containers"]) == 1, "one container")
    return pod, pod["containers"][0]


def check_scale_out(docs: list[dict], values: dict, kube_minor: int = 33) -> None:
    """The facts of a scale-out rendering of `values`."""
    so = values["scaleOut"]
    segments = math.ceil(so["frames"] / so["segmentFrames"])
    segment_job, merge_job = scale_out_jobs(docs)
    spec = segment_job["spec"]
    expect(spec["completionMode"] == "Indexed", "completionMode Indexed")
    expect(spec["completions"] == segments, f"completions {spec['completions']} != {segments} segments")
    expect(
        spec["parallelism"] == min(so["parallelism"], segments),
        f"parallelism {spec['parallelism']} != min({so['parallelism']}, {segments})",
    )
    if kube_minor >= 29:
        expect(spec.get("backoffLimitPerIndex") == so.get("backoffLimitPerIndex", 2), "backoffLimitPerIndex")
        expect(spec.get("maxFailedIndexes") == so.get("maxFailedIndexes", 0), "maxFailedIndexes")
        expect("backoffLimit" not in spec, "no Job-wide backoffLimit beside backoffLimitPerIndex")
    else:
        expect("backoffLimitPerIndex" not in spec, f"Kubernetes 1.{kube_minor} has no backoffLimitPerIndex")
        expect(spec["backoffLimit"] == 2 * segments, "Job-wide backoffLimit of 2 per segment")
    expect(segment_job["metadata"]["name"].startswith(f"{FULLNAME}-"), "segment Job named after the release")
    expect(merge_job["metadata"]["name"].startswith(f"{FULLNAME}-merge-"), "merge Job named <fullname>-merge-")

    pod, container = pod_of(segment_job)
    merge_pod, merge = pod_of(merge_job)
    for p in (pod, merge_pod):
        expect(p.get("restartPolicy") == "Never", "restartPolicy Never: retries are new pods")
    expect(container["command"] == ["/bin/sh", SCRIPT, "segment"], f"segment command {container['command']}")
    expect(container.get("args") == values["batch"]["args"], "batch.args reach vmafx")
    expect(merge["command"] == ["/bin/sh", SCRIPT, "merge"], f"merge command {merge['command']}")
    expect("args" not in merge, "the merge takes no scoring arguments")
    env, merge_env = env_of(container), env_of(merge)
    expect(env["VMAFX_SCALE_OUT_FRAMES"] == str(so["frames"]), "frames reach the pods")
    expect(env["VMAFX_SCALE_OUT_SEGMENT_FRAMES"] == str(so["segmentFrames"]), "segment length reaches the pods")
    expect(env["VMAFX_SCALE_OUT_REFERENCE"] == so["reference"], "reference path")
    expect(env["VMAFX_SCALE_OUT_DISTORTED"] == so["distorted"], "distorted path")
    parts = env["VMAFX_SCALE_OUT_DIR"]
    expect(parts.startswith(f"{WORK_DIR}/{so['name']}.parts-"), f"parts folder {parts}")
    expect(merge_env["VMAFX_SCALE_OUT_DIR"] == parts, "the merge reads the parts the segments write")
    for name in ("VMAFX_SCALE_OUT_FRAMES", "VMAFX_SCALE_OUT_SEGMENT_FRAMES"):
        expect(merge_env[name] == env[name], f"{name} the same in both Jobs")
    fmt = so.get("merge", {}).get("format", "json")
    expect(merge_env["VMAFX_SCALE_OUT_REPORT"] == f"{WORK_DIR}/{so['name']}.{fmt}", "report path")
    expect(merge_env["VMAFX_BACKEND"] == "cpu", "the merge runs on the CPU")
    gateway = values["batch"].get("pushgateway", {}).get("url", "")
    for e in (env, merge_env):
        expect(e["VMAFX_PUSHGATEWAY_URL"] == gateway, "Pushgateway URL")
    for p, c in ((pod, container), (merge_pod, merge)):
        volumes = {v["name"]: v for v in p["volumes"]}
        mounts = {m["name"]: m for m in c["volumeMounts"]}
        expect(
            volumes["data"] == {"name": "data", "persistentVolumeClaim": {"claimName": PARTS_CLAIM}},
            f"the shared claim: {volumes['data']}",
        )
        expect(mounts["data"]["mountPath"] == WORK_DIR, "claim mounted at workDir")
        expect(volumes["scale-out"]["configMap"]["name"] == f"{FULLNAME}-scale-out", "script ConfigMap")
        expect(mounts["scale-out"] == {"name": "scale-out", "mountPath": "/etc/vmafx/scale-out", "readOnly": True}, "")
    expect("input-media" in {m["name"] for m in container["volumeMounts"]}, "segments read the inputs")
    expect("input-media" not in {m["name"] for m in merge["volumeMounts"]}, "the merge needs no input")
    # The merge never holds a GPU.
    merge_limits = merge.get("resources", {}).get("limits", {})
    expect(not GPU_RESOURCES & set(merge_limits), f"merge GPU limit {merge_limits}")
    expect("claims" not in merge.get("resources", {}), "merge claims no DRA device")
    expect("runtimeClassName" not in merge_pod and "resourceClaims" not in merge_pod, "merge pod has no GPU")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        expect(probe not in container and probe not in merge, f"no {probe} on a Job")

    config = one(docs, "ConfigMap")
    script = (CHART / "files" / "vmafx-scale-out.sh").read_text()
    expect(config["data"]["vmafx-scale-out.sh"].strip() == script.strip(), "the script is the chart's file")
    for kind in ("Service", "Ingress", "PodDisruptionBudget", "Secret", "HorizontalPodAutoscaler", "Deployment"):
        expect(not by_kind(docs, kind), f"no {kind} for an IndexedJob")
    policy = one(docs, "NetworkPolicy")
    expect(policy["spec"]["ingress"] == [], "no ingress to scale-out pods")
