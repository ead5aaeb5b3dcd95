"""What every rendering of the vmafx chart must satisfy: names and expectations
shared by the chart tests, Kubernetes schema validation, and the assertions on
the rendered objects."""

import base64
import functools
import pathlib
import re

from kubernetes_validate import utils as kv

from harness import expect

CHART = pathlib.Path(__file__).resolve().parents[1] / "helm" / "vmafx"
RELEASE = "ci"
NAMESPACE = "vmafx"
FULLNAME = "ci-vmafx"
KUBE_VERSION = "1.33.0"
GPU_COUNT = 2

VENDORS = ["cpu", "nvidia", "amd", "intel"]
WORKLOADS = ["Deployment", "StatefulSet", "Job"]
ACCESS_MODES = ["devicePlugin", "runtimeClass", "dra"]
GPU_RESOURCES = {"nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915"}

EXPECTED = {
    "cpu": {"resource": None, "backend": "cpu"},
    "nvidia": {
        "resource": "nvidia.com/gpu",
        "backend": "cuda",
        "runtime_class": "nvidia",
        "device_class": "gpu.nvidia.com",
        "node_label": "nvidia.com/gpu.present",
    },
    "amd": {
        "resource": "amd.com/gpu",
        "backend": "hip",
        "runtime_class": "amd",
        "device_class": "gpu.amd.com",
        "node_label": "feature.node.kubernetes.io/amd-gpu",
    },
    # Intel has no common RuntimeClass: the matrix names one.
    "intel": {
        "resource": "gpu.intel.com/i915",
        "backend": "sycl",
        "runtime_class": "intel-gpu",
        "device_class": "gpu.intel.com",
        "node_label": "intel.feature.node.kubernetes.io/gpu",
    },
}

PAIRS = [
    {"name": "clip1-crf32", "reference": "/media/ref.y4m", "distorted": "/media/crf32.y4m"},
    {"name": "clip1-crf40", "reference": "/media/ref.y4m", "distorted": "/media/crf40.y4m"},
]
INPUTS = [
    {
        "name": "media",
        "mountPath": "/media",
        "volume": {"persistentVolumeClaim": {"claimName": "media", "readOnly": True}},
    }
]

# The server matrix's Deployment keeps its jobs in PostgreSQL (URL from an existing
# Secret) with a shared uploads claim; its StatefulSet uses sqlite, one replica.
POSTGRES_STORE = {"type": "postgres", "postgres": {"existingSecret": "vmafx-db", "secretKey": "database-url"}}
UPLOADS_CLAIM = "vmafx-uploads"
JOB_NAME = re.compile(rf"^{FULLNAME}-[0-9a-f]{{10}}$")

# kubernetes-validate reads a schema file per call; the files never change.
kv.schema_contents = functools.lru_cache(maxsize=None)(kv.schema_contents)


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d.get("kind") == kind]


def one(docs: list[dict], kind: str) -> dict:
    found = by_kind(docs, kind)
    expect(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0]


def env_of(container: dict) -> dict:
    return {e["name"]: e.get("value") for e in container.get("env", [])}


# --- schema validation ------------------------------------------------------

CRD_KINDS = {"ServiceMonitor"}  # not in Kubernetes' own OpenAPI: see docs/k8s-deployment.md


def validate_docs(docs: list[dict], kube: str, stats: dict) -> None:
    for doc in docs:
        name = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        try:
            kv.validate(doc, kube, strict=True)
            stats["validated"] += 1
        except kv.SchemaNotFoundError:
            expect(doc["kind"] in CRD_KINDS, f"{name}: no Kubernetes {kube} schema for it")
            stats["crd_skipped"] += 1
        except kv.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            raise AssertionError(f"{name} is not valid Kubernetes {kube}: {path}: {error.message}") from None


# --- facts of one combination ----------------------------------------------


def check_security(pod: dict, container: dict) -> None:
    psc = pod["securityContext"]
    expect(psc.get("runAsNonRoot") is True, "pod runAsNonRoot")
    expect(psc.get("runAsUser") == 65532, "pod runAsUser 65532")
    expect(psc.get("seccompProfile") == {"type": "RuntimeDefault"}, "pod seccomp RuntimeDefault")
    csc = container["securityContext"]
    expect(csc.get("runAsNonRoot") is True and csc.get("runAsUser") == 65532, "container non-root 65532")
    expect(csc.get("readOnlyRootFilesystem") is True, "readOnlyRootFilesystem")
    expect(csc.get("allowPrivilegeEscalation") is False, "allowPrivilegeEscalation false")
    expect(csc.get("privileged") is False, "privileged false")
    expect(csc.get("capabilities") == {"drop": ["ALL"]}, "capabilities drop ALL")
    expect(csc.get("seccompProfile") == {"type": "RuntimeDefault"}, "container seccomp RuntimeDefault")
    expect(pod.get("automountServiceAccountToken") is False, "no service-account token")
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    expect(mounts.get("tmp", {}).get("mountPath") == "/tmp", "/tmp is a writable volume")
    expect("data" in mounts, "the data dir is a volume")


def check_gpu(docs, pod, container, vendor, access, count, request_resource=True) -> None:
    exp = EXPECTED[vendor]
    limits = container.get("resources", {}).get("limits", {})
    gpu_limits = {k: v for k, v in limits.items() if k in GPU_RESOURCES}
    env = env_of(container)
    expect(
        env.get("VMAFX_BACKEND") == exp["backend"], f"VMAFX_BACKEND {env.get('VMAFX_BACKEND')!r} != {exp['backend']!r}"
    )
    wants_limit = vendor != "cpu" and (access == "devicePlugin" or (access == "runtimeClass" and request_resource))
    if wants_limit:
        expect(gpu_limits == {exp["resource"]: count}, f"GPU limit {gpu_limits} != {{{exp['resource']}: {count}}}")
    else:
        expect(gpu_limits == {}, f"no GPU limit expected, got {gpu_limits}")
    if access == "runtimeClass":
        expect(
            pod.get("runtimeClassName") == exp["runtime_class"],
            f"runtimeClassName {pod.get('runtimeClassName')!r} != {exp['runtime_class']!r}",
        )
    else:
        expect("runtimeClassName" not in pod, "no runtimeClassName outside runtimeClass mode")
    templates = by_kind(docs, "ResourceClaimTemplate")
    if access == "dra":
        expect(
            pod.get("resourceClaims") == [{"name": "gpu", "resourceClaimTemplateName": f"{FULLNAME}-gpu"}],
            f"pod resourceClaims {pod.get('resourceClaims')}",
        )
        expect(container["resources"].get("claims") == [{"name": "gpu"}], "container claims the gpu claim")
        expect(len(templates) == 1, "one ResourceClaimTemplate")
        request = templates[0]["spec"]["spec"]["devices"]["requests"][0]
        version = templates[0]["apiVersion"].split("/")[1]
        device = request if version == "v1beta1" else request["exactly"]
        expect(device["deviceClassName"] == exp["device_class"], f"deviceClassName {device['deviceClassName']}")
        expect(device["count"] == count and device["allocationMode"] == "ExactCount", "DRA count")
    else:
        expect("resourceClaims" not in pod and not templates, "no DRA objects outside dra mode")
        expect("claims" not in container.get("resources", {}), "no resource claims outside dra mode")
    if vendor != "cpu":
        expect(exp["node_label"] in pod.get("nodeSelector", {}), f"vendor node selector {exp['node_label']}")
        expect(any(t.get("key") == exp["resource"] for t in pod.get("tolerations", [])), "vendor toleration")
    if vendor == "nvidia":
        expect(env.get("NVIDIA_DRIVER_CAPABILITIES") == "compute", "NVIDIA_DRIVER_CAPABILITIES=compute")


def check_server(docs, pod, container, workload) -> None:
    env = env_of(container)
    expect(container["command"] == ["vmafx-server"] and container["args"][0] == "serve", "runs vmafx-server serve")
    expect(env.get("VMAFX_LISTEN") == "0.0.0.0:8080", "listens on all addresses")
    expect(env.get("VMAFX_DATA_DIR") == "/var/lib/vmafx", "VMAFX_DATA_DIR")
    check_job_store(container, "postgres" if workload == "Deployment" else "sqlite")
    expect(env.get("VMAFX_ROOTS") == "/media", "VMAFX_ROOTS = the input mounts")
    expect(
        env.get("VMAFX_SHUTDOWN_GRACE") == "30" and pod["terminationGracePeriodSeconds"] == 45,
        "the server drains within the pod's grace period",
    )
    expect(
        env.get("VMAFX_DRAIN_DELAY") == "5" and container["lifecycle"]["preStop"] == {"sleep": {"seconds": 5}},
        "preStop sleeps the drain delay, and the server drains as long after SIGTERM",
    )
    expect(env.get("VMAFX_API_TOKENS_FILE") == "/etc/vmafx/auth/tokens", "tokens file")
    expect(container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}, "liveness /healthz")
    expect(container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}, "readiness /readyz")
    expect(container["startupProbe"]["httpGet"]["path"] == "/healthz", "startup /healthz")
    expect(container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}], "port http 8080")
    secret = one(docs, "Secret")
    tokens = base64.b64decode(secret["data"]["tokens"]).decode()
    expect(len(tokens.strip()) >= 16, "a generated token of 16+ characters")
    volumes = {v["name"]: v for v in pod["volumes"]}
    expect(volumes["auth"]["secret"]["secretName"] == secret["metadata"]["name"], "tokens mounted from the Secret")
    services = by_kind(docs, "Service")
    expect(any(s["metadata"]["name"] == FULLNAME for s in services), "a Service")
    for kind in ("Ingress", "ServiceMonitor", "PodDisruptionBudget", "NetworkPolicy"):
        one(docs, kind)
    expect(one(docs, "ServiceMonitor")["spec"]["endpoints"][0]["path"] == "/metrics", "scrapes /metrics")
    if workload == "StatefulSet":
        sts = one(docs, "StatefulSet")
        expect(
            [c["metadata"]["name"] for c in sts["spec"]["volumeClaimTemplates"]] == ["data"],
            "a data volumeClaimTemplate",
        )
        expect("data" not in volumes, "no pod-level data volume beside the claim template")
        expect(
            any(
                s["spec"].get("clusterIP") == "None" and s["metadata"]["name"] == sts["spec"]["serviceName"]
                for s in services
            ),
            "the headless Service of serviceName",
        )
        expect(not by_kind(docs, "HorizontalPodAutoscaler"), "no HPA for a StatefulSet")
    else:
        deployment = one(docs, "Deployment")
        expect("emptyDir" in volumes["data"], "Deployment data dir is an emptyDir by default")
        expect("replicas" not in deployment["spec"], "the HPA owns replicas")
        hpa = one(docs, "HorizontalPodAutoscaler")
        expect(hpa["spec"]["scaleTargetRef"]["name"] == FULLNAME, "HPA targets the Deployment")
        expect(deployment["spec"]["strategy"]["type"] == "RollingUpdate", "rolling update")
        expect(
            volumes["uploads"] == {"name": "uploads", "persistentVolumeClaim": {"claimName": UPLOADS_CLAIM}},
            f"uploads volume {volumes.get('uploads')}",
        )
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        expect(mounts.get("uploads") == "/var/lib/vmafx/jobs", "uploads shared at <dataDir>/jobs")


def check_job_store(container: dict, store: str, secret: str = "vmafx-db", key: str = "database-url") -> None:
    """sqlite: VMAFX_DB in the data dir; postgres: VMAFX_DATABASE_URL from a Secret, no VMAFX_DB."""
    env = {e["name"]: e for e in container.get("env", [])}
    if store == "sqlite":
        expect(env.get("VMAFX_DB", {}).get("value") == "/var/lib/vmafx/jobs.sqlite3", "VMAFX_DB in the data dir")
        expect("VMAFX_DATABASE_URL" not in env, "no database URL with sqlite")
    else:
        expect("VMAFX_DB" not in env, "no sqlite file with postgres")
        wanted = {"secretKeyRef": {"name": secret, "key": key}}
        got = env.get("VMAFX_DATABASE_URL", {}).get("valueFrom")
        expect(got == wanted, f"VMAFX_DATABASE_URL from {got}, wanted {wanted}")


def check_job(docs, pod, container) -> None:
    env = env_of(container)
    job = one(docs, "Job")
    expect(JOB_NAME.match(job["metadata"]["name"]), f"Job name {job['metadata']['name']} has no template hash")
    expect(job["spec"]["backoffLimit"] == 0, "no retries by default")
    expect(pod.get("restartPolicy") == "Never", "restartPolicy Never")
    expect(container["command"] == ["/bin/sh", "/etc/vmafx/batch/vmafx-batch.sh"], "runs the batch script")
    expect(container["args"] == ["--model", "version=vmaf_v0.6.1"], "CLI args passed through")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        expect(probe not in container, f"no {probe} on a Job")
    expect(env.get("VMAFX_PUSHGATEWAY_URL") == "http://pushgateway.monitoring:9091", "Pushgateway URL")
    config = one(docs, "ConfigMap")
    lines = config["data"]["pairs.tsv"].splitlines()
    expect(lines == [f"{p['name']}\t{p['reference']}\t{p['distorted']}" for p in PAIRS], f"pairs.tsv {lines}")
    script = (CHART / "files" / "vmafx-batch.sh").read_text()
    expect(config["data"]["vmafx-batch.sh"].strip() == script.strip(), "the script is the chart's file")
    for kind in (
        "Service",
        "Ingress",
        "ServiceMonitor",
        "PodDisruptionBudget",
        "Secret",
        "HorizontalPodAutoscaler",
        "Deployment",
        "StatefulSet",
    ):
        expect(not by_kind(docs, kind), f"no {kind} for a Job")
    policy = one(docs, "NetworkPolicy")
    expect(
        policy["spec"]["ingress"] == [] and "Egress" in policy["spec"]["policyTypes"],
        "Job: no ingress, egress restricted",
    )


def workload_pod(docs: list[dict], workload: str) -> tuple[dict, dict]:
    pod = one(docs, workload)["spec"]["template"]["spec"]
    expect(len(pod["containers"]) == 1, "one container")
    return pod, pod["containers"][0]


def check_dockerfile() -> None:
    """The Dockerfile's flavour map and the chart's vendor map must agree: the image
    tag suffix is the vendor, and a GPU flavour builds vmafx's feature of the backend
    that the chart puts in VMAFX_BACKEND."""
    dockerfile = (CHART.parents[1] / "docker" / "Dockerfile").read_text()
    found = dict(re.findall(r'^\s+(\w+)\)\s+features="([^"]*)"', dockerfile, re.MULTILINE))
    expect(set(found) == set(VENDORS), f"Dockerfile flavours {sorted(found)} != vendors {VENDORS}")
    for vendor in VENDORS:
        wanted = "" if vendor == "cpu" else f"vmafx/{EXPECTED[vendor]['backend']}"
        expect(found[vendor] == wanted, f"flavour {vendor}: features {found[vendor]!r}, chart backend wants {wanted!r}")
    expect((CHART.parents[1] / "docker" / "Dockerfile.dockerignore").is_file(), "Dockerfile.dockerignore")


def check_defaults(docs: list[dict]) -> None:
    pod, container = workload_pod(docs, "Deployment")
    check_security(pod, container)
    check_gpu(docs, pod, container, "cpu", "devicePlugin", 1)
    expect(container["image"] == "registry.example.com/vmafx/vmafx:0.1.0-cpu", container["image"])
    deployment = one(docs, "Deployment")
    expect(deployment["spec"]["replicas"] == 1, "one replica")
    expect(deployment["spec"]["strategy"]["type"] == "RollingUpdate", "rolling update on the emptyDir")
    check_job_store(container, "sqlite")
    expect("VMAFX_ROOTS" not in env_of(container), "no roots without inputs")
    kinds = sorted(d["kind"] for d in docs)
    expect(
        kinds == ["Deployment", "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"],
        f"default objects {kinds}",
    )
