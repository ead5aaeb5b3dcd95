#!/usr/bin/env python3
"""Chart tests for deploy/helm/vmafx.

Renders the chart with a real helm for every GPU vendor x workload x GPU access
mode (plus variants), validates every manifest against the Kubernetes OpenAPI
schemas (kubernetes-validate, strict: unknown fields are errors), checks the
facts each combination must have (chart_facts.py), and checks that bad values
fail with a clear message. Rendered manifests are written to --render-dir for
checkov.

Usage: test_chart.py --helm PATH --render-dir DIR
"""

import argparse
import base64
import pathlib
import subprocess
import sys
import tempfile

import yaml

from chart_facts import (
    ACCESS_MODES,
    CHART,
    EXPECTED,
    FULLNAME,
    GPU_COUNT,
    INPUTS,
    JOB_NAME,
    KUBE_VERSION,
    NAMESPACE,
    PAIRS,
    POSTGRES_STORE,
    RELEASE,
    UPLOADS_CLAIM,
    VENDORS,
    WORKLOADS,
    by_kind,
    check_defaults,
    check_dockerfile,
    check_gpu,
    check_job,
    check_job_store,
    check_security,
    check_server,
    env_of,
    one,
    validate_docs,
    workload_pod,
)
from harness import Harness, expect, log


class Renderer:
    def __init__(self, helm: str, workdir: pathlib.Path) -> None:
        self.helm = helm
        self.workdir = workdir
        self.files = 0

    def run(
        self, overlays: list[dict], files: list[str] = (), kube: str = KUBE_VERSION, sets: list[str] = ()
    ) -> subprocess.CompletedProcess:
        args = [self.helm, "template", RELEASE, str(CHART), "--namespace", NAMESPACE, "--kube-version", kube]
        for name in files:
            args += ["-f", str(CHART / name)]
        for overlay in overlays:
            self.files += 1
            path = self.workdir / f"overlay-{self.files}.yaml"
            path.write_text(yaml.safe_dump(overlay))
            args += ["-f", str(path)]
        for item in sets:
            args += ["--set", item]
        return subprocess.run(args, capture_output=True, text=True)

    def render(self, overlays, files=(), kube=KUBE_VERSION, sets=()) -> tuple[str, list[dict]]:
        result = self.run(overlays, files, kube, sets)
        expect(result.returncode == 0, f"helm template failed: {result.stderr.strip()}")
        docs = [d for d in yaml.safe_load_all(result.stdout) if d]
        return result.stdout, docs


def combo_values(vendor: str, workload: str, access: str) -> dict:
    values: dict = {"workload": workload, "gpu": {"access": access}}
    if vendor != "cpu":
        values["gpu"]["count"] = GPU_COUNT
    if vendor == "intel" and access == "runtimeClass":
        values["gpu"]["runtimeClass"] = {"name": EXPECTED["intel"]["runtime_class"]}
    if workload == "Job":
        values["batch"] = {
            "pairs": PAIRS,
            "args": ["--model", "version=vmaf_v0.6.1"],
            "pushgateway": {"url": "http://pushgateway.monitoring:9091"},
        }
        values["networkPolicy"] = {
            "restrictEgress": True,
            "egressTo": [
                {
                    "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
                    "ports": [{"port": 9091, "protocol": "TCP"}],
                }
            ],
        }
    else:
        # Every optional server object on, so that each is rendered and validated.
        values["ingress"] = {
            "enabled": True,
            "className": "nginx",
            "tls": [{"hosts": ["vmafx.example.com"], "secretName": "vmafx-tls"}],
        }
        values["serviceMonitor"] = {"enabled": True}
        values["networkPolicy"] = {
            "ingressFrom": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]
        }
        if workload == "Deployment":
            # Replicas share their jobs only through PostgreSQL; sqlite is one server.
            values["jobStore"] = POSTGRES_STORE
            values["uploads"] = {"existingClaim": UPLOADS_CLAIM}
            values["replicaCount"] = 2
            values["autoscaling"] = {"enabled": True, "minReplicas": 2, "maxReplicas": 6}
    values["inputs"] = INPUTS
    return values


# --- the test plan -------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", default="helm")
    parser.add_argument("--render-dir", required=True)
    options = parser.parse_args()
    render_dir = pathlib.Path(options.render_dir)
    render_dir.mkdir(parents=True, exist_ok=True)
    h = Harness()
    stats = {"validated": 0, "crd_skipped": 0, "renders": 0}
    work = pathlib.Path(tempfile.mkdtemp(prefix="vmafx-chart-"))
    r = Renderer(options.helm, work)

    def render_valid(name: str, overlays, files=(), kube=KUBE_VERSION, sets=()):
        text, docs = r.render(overlays, files, kube, sets)
        (render_dir / f"{name}.yaml").write_text(text)
        stats["renders"] += 1
        validate_docs(docs, kube, stats)
        return docs

    # helm lint with each values file.
    lint_cases = [[], ["-f", "values-nvidia.yaml"], ["-f", "values-amd.yaml"], ["-f", "values-intel.yaml"]]
    for extra in lint_cases:

        def lint(extra=extra):
            args = [options.helm, "lint", str(CHART), "--strict"]
            for i in range(0, len(extra), 2):
                args += [extra[i], str(CHART / extra[i + 1])]
            result = subprocess.run(args, capture_output=True, text=True)
            expect(result.returncode == 0, result.stdout + result.stderr)

        h.check(f"helm lint --strict {' '.join(extra) or '(defaults)'}", lint)
    job_values = work / "lint-job.yaml"
    job_values.write_text(yaml.safe_dump({"workload": "Job", "batch": {"pairs": PAIRS}}))
    h.check(
        "helm lint --strict (Job)",
        lambda: expect(
            subprocess.run(
                [options.helm, "lint", str(CHART), "--strict", "-f", str(job_values)], capture_output=True, text=True
            ).returncode
            == 0,
            "lint of a Job failed",
        ),
    )

    # The defaults alone.
    h.check("defaults: Deployment, cpu", lambda: check_defaults(render_valid("defaults", [])))

    # vendor x workload x access mode.
    for vendor in VENDORS:
        files = [] if vendor == "cpu" else [f"values-{vendor}.yaml"]
        for workload in WORKLOADS:
            for access in ACCESS_MODES:
                name = f"{vendor}-{workload}-{access}"
                values = combo_values(vendor, workload, access)
                if vendor == "cpu" and access != "devicePlugin":

                    def refused(values=values, access=access, files=files):
                        result = r.run([values], files)
                        expect(result.returncode != 0, "cpu with a GPU access mode must fail")
                        expect(f"gpu.access={access} needs a GPU" in result.stderr, result.stderr)

                    h.check(f"{name}: refused", refused)
                    continue

                def combo(name=name, values=values, files=files, vendor=vendor, workload=workload, access=access):
                    docs = render_valid(name, [values], files)
                    pod, container = workload_pod(docs, workload)
                    check_security(pod, container)
                    check_gpu(docs, pod, container, vendor, access, GPU_COUNT if vendor != "cpu" else 1)
                    if workload == "Job":
                        check_job(docs, pod, container)
                    else:
                        check_server(docs, pod, container, workload)

                h.check(name, combo)

    h.check("the image flavours match the chart's vendors and backends", check_dockerfile)
    variants(h, r, render_valid)
    job_store_and_scaling(h, r, render_valid)
    batch_job_names(h, r, render_valid)
    bad_values(h, r)

    def notes():
        result = subprocess.run(
            [
                options.helm,
                "install",
                RELEASE,
                str(CHART),
                "--dry-run=client",
                "--namespace",
                NAMESPACE,
                "-f",
                str(CHART / "values-amd.yaml"),
            ],
            capture_output=True,
            text=True,
        )
        expect(result.returncode == 0, result.stderr)
        expect(
            "VMAFX_BACKEND=hip" in result.stdout and "port-forward svc/ci-vmafx" in result.stdout, result.stdout[-600:]
        )
        expect("on an emptyDir: a rollout" in result.stdout, "NOTES warn that the sqlite queue is ephemeral")

    version = subprocess.run([options.helm, "version", "--short"], capture_output=True, text=True).stdout
    if version.startswith("v3."):
        # Helm 3's install wants a reachable cluster even with --dry-run=client.
        log(f"NOTES check left to Helm 4 (this is {version.strip()})")
    else:
        h.check("helm install --dry-run=client prints the NOTES", notes)

    log(
        f"chart: {stats['renders']} renders, {stats['validated']} manifests valid against the "
        f"Kubernetes schemas (strict), {stats['crd_skipped']} CRD objects (ServiceMonitor) not schema-checked"
    )
    return h.summary("chart tests")


def variants(h: Harness, r: Renderer, render_valid) -> None:
    nvidia = ["values-nvidia.yaml"]

    def runtime_class_only():
        docs = render_valid(
            "nvidia-runtimeclass-noresource",
            [{"gpu": {"access": "runtimeClass", "runtimeClass": {"requestResource": False}}}],
            nvidia,
        )
        pod, container = workload_pod(docs, "Deployment")
        check_gpu(docs, pod, container, "nvidia", "runtimeClass", 1, request_resource=False)
        expect(env_of(container).get("NVIDIA_VISIBLE_DEVICES") == "all", "the runtime exposes the GPUs")

    h.check("runtimeClass without the device-plugin resource", runtime_class_only)

    for version, kube in (("v1beta1", "1.32.0"), ("v1beta2", "1.33.0"), ("v1", "1.34.0")):

        def dra(version=version, kube=kube):
            docs = render_valid(
                f"dra-{version}",
                [
                    {
                        "gpu": {
                            "access": "dra",
                            "count": 3,
                            "dra": {"apiVersion": version, "selectors": ['device.driver == "gpu.nvidia.com"']},
                        }
                    }
                ],
                nvidia,
                kube=kube,
            )
            template = one(docs, "ResourceClaimTemplate")
            expect(template["apiVersion"] == f"resource.k8s.io/{version}", template["apiVersion"])
            request = template["spec"]["spec"]["devices"]["requests"][0]
            device = request if version == "v1beta1" else request["exactly"]
            expect(device["count"] == 3, "count 3")
            expect(device["selectors"] == [{"cel": {"expression": 'device.driver == "gpu.nvidia.com"'}}], "selectors")

        h.check(f"dra resource.k8s.io/{version} on Kubernetes {kube}", dra)

    def dra_existing_claim():
        docs = render_valid(
            "dra-existing-claim",
            [{"gpu": {"access": "dra", "dra": {"existingClaim": "shared-gpu"}}}],
            ["values-amd.yaml"],
        )
        pod, _ = workload_pod(docs, "Deployment")
        expect(
            pod["resourceClaims"] == [{"name": "gpu", "resourceClaimName": "shared-gpu"}], str(pod["resourceClaims"])
        )
        expect(not by_kind(docs, "ResourceClaimTemplate"), "no template with an existing claim")
        expect(pod["securityContext"].get("supplementalGroups") == [44], "AMD video group")

    h.check("dra with an existing ResourceClaim", dra_existing_claim)

    def existing_secret():
        docs = render_valid("existing-secret", [{"auth": {"existingSecret": "my-tokens", "secretKey": "list"}}])
        pod, container = workload_pod(docs, "Deployment")
        expect(not by_kind(docs, "Secret"), "no Secret is generated")
        volumes = {v["name"]: v for v in pod["volumes"]}
        expect(volumes["auth"]["secret"]["secretName"] == "my-tokens", "mounts the existing Secret")
        expect(env_of(container)["VMAFX_API_TOKENS_FILE"] == "/etc/vmafx/auth/list", "its key")

    h.check("auth.existingSecret", existing_secret)

    def tokens_from_values():
        docs = render_valid("tokens", [{"auth": {"tokens": ["a" * 20, "b" * 32]}}])
        data = base64.b64decode(one(docs, "Secret")["data"]["tokens"]).decode()
        expect(data == "a" * 20 + "\n" + "b" * 32 + "\n", repr(data))

    h.check("auth.tokens -> Secret, one a line", tokens_from_values)

    def no_auth():
        docs = render_valid("no-auth", [{"auth": {"enabled": False}}])
        _, container = workload_pod(docs, "Deployment")
        expect(env_of(container).get("VMAFX_INSECURE_NO_AUTH") == "true", "explicitly insecure")
        expect(not by_kind(docs, "Secret"), "no Secret")

    h.check("auth.enabled=false", no_auth)

    def digest_and_pvc():
        digest = "sha256:" + "ab" * 32
        docs = render_valid(
            "digest-pvc",
            [{"image": {"digest": digest}, "persistence": {"existingClaim": "vmafx-data"}}],
            ["values-intel.yaml"],
        )
        pod, container = workload_pod(docs, "Deployment")
        expect(container["image"] == f"registry.example.com/vmafx/vmafx@{digest}", container["image"])
        volumes = {v["name"]: v for v in pod["volumes"]}
        expect(
            volumes["data"] == {"name": "data", "persistentVolumeClaim": {"claimName": "vmafx-data"}},
            str(volumes["data"]),
        )

    h.check("image digest and an existing data PVC", digest_and_pvc)

    def statefulset_storage():
        docs = render_valid(
            "sts-storage",
            [
                {
                    "workload": "StatefulSet",
                    "persistence": {"size": "50Gi", "storageClass": "fast", "accessModes": ["ReadWriteOncePod"]},
                }
            ],
            nvidia,
        )
        claim = one(docs, "StatefulSet")["spec"]["volumeClaimTemplates"][0]["spec"]
        expect(
            claim
            == {
                "accessModes": ["ReadWriteOncePod"],
                "storageClassName": "fast",
                "resources": {"requests": {"storage": "50Gi"}},
            },
            str(claim),
        )

    h.check("StatefulSet volumeClaimTemplate from persistence", statefulset_storage)


def job_store_and_scaling(h: Harness, r: Renderer, render_valid) -> None:
    """Both job stores render, with the strategy, replicas, env and disruption budget each needs."""

    def sqlite_claim_recreates():
        docs = render_valid("sqlite-claim", [{"persistence": {"existingClaim": "vmafx-data"}}])
        pod, container = workload_pod(docs, "Deployment")
        deployment = one(docs, "Deployment")
        expect(deployment["spec"]["strategy"] == {"type": "Recreate"}, str(deployment["spec"]["strategy"]))
        expect(deployment["spec"]["replicas"] == 1, "one replica")
        check_job_store(container, "sqlite")
        expect(not by_kind(docs, "HorizontalPodAutoscaler"), "no HPA with sqlite")

    h.check("jobStore=sqlite on an existing claim: Recreate, one replica", sqlite_claim_recreates)

    def sqlite_statefulset():
        docs = render_valid("sqlite-sts", [{"workload": "StatefulSet"}], ["values-nvidia.yaml"])
        _, container = workload_pod(docs, "StatefulSet")
        expect(one(docs, "StatefulSet")["spec"]["replicas"] == 1, "one replica")
        check_job_store(container, "sqlite")

    h.check("jobStore=sqlite as a StatefulSet: one replica", sqlite_statefulset)

    def postgres_existing_secret():
        docs = render_valid(
            "postgres-existing-secret", [{"jobStore": POSTGRES_STORE, "replicaCount": 3}], ["values-amd.yaml"]
        )
        pod, container = workload_pod(docs, "Deployment")
        deployment = one(docs, "Deployment")
        expect(deployment["spec"]["replicas"] == 3, "three replicas")
        expect(deployment["spec"]["strategy"]["type"] == "RollingUpdate", "rolling update")
        check_job_store(container, "postgres")
        expect([s["metadata"]["name"] for s in by_kind(docs, "Secret")] == [f"{FULLNAME}-auth"], "no URL Secret")
        expect("uploads" not in {v["name"] for v in pod["volumes"]}, "no uploads volume unless claimed")
        expect(one(docs, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1, "PDB maxUnavailable 1")

    h.check("jobStore=postgres from an existing Secret: 3 replicas", postgres_existing_secret)

    def postgres_url_and_hpa():
        url = "postgres://vmafx:secret@db.example:5432/vmafx"
        values = {
            "jobStore": {"type": "postgres", "postgres": {"url": url}},
            "autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 3},
            "podDisruptionBudget": {"minAvailable": "50%"},
            "uploads": {"existingClaim": UPLOADS_CLAIM, "subDir": "uploads"},
        }
        docs = render_valid("postgres-url-hpa", [values])
        pod, container = workload_pod(docs, "Deployment")
        check_job_store(container, "postgres", secret=f"{FULLNAME}-jobstore", key="url")
        secret = [s for s in by_kind(docs, "Secret") if s["metadata"]["name"] == f"{FULLNAME}-jobstore"]
        expect(len(secret) == 1 and base64.b64decode(secret[0]["data"]["url"]).decode() == url, "URL Secret")
        expect("checksum/jobstore" in one(docs, "Deployment")["spec"]["template"]["metadata"]["annotations"], "rolls")
        hpa = one(docs, "HorizontalPodAutoscaler")["spec"]
        expect((hpa["minReplicas"], hpa["maxReplicas"]) == (3, 3), "HPA min = max allowed")
        expect(one(docs, "PodDisruptionBudget")["spec"]["minAvailable"] == "50%", "PDB 50% of 3 leaves one evictable")
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        expect(mounts.get("uploads") == "/var/lib/vmafx/uploads", f"uploads mount {mounts.get('uploads')}")

    h.check("jobStore=postgres from a URL value, HPA, PDB 50%, uploads claim", postgres_url_and_hpa)

    def backend_in_image():
        docs = render_valid(
            "nvidia-vulkan",
            [{"gpu": {"backend": "vulkan"}, "image": {"extraBackends": ["vulkan"], "tag": "1.2.3-nvidia"}}],
            ["values-nvidia.yaml"],
        )
        _, container = workload_pod(docs, "Deployment")
        expect(env_of(container)["VMAFX_BACKEND"] == "vulkan", "vulkan from image.extraBackends")
        expect(container["image"].endswith(":1.2.3-nvidia"), container["image"])
        docs = render_valid("intel-cpu-backend", [{"gpu": {"backend": "cpu"}}], ["values-intel.yaml"])
        _, container = workload_pod(docs, "Deployment")
        expect(env_of(container)["VMAFX_BACKEND"] == "cpu", "cpu is in every image")
        expect(container["image"].endswith(":0.1.0-intel"), container["image"])

    h.check("gpu.backend: one the vendor's image has", backend_in_image)


def batch_job_names(h: Harness, r: Renderer, render_valid) -> None:
    """A changed pod template is a new Job (its template is immutable); an unchanged one keeps its name."""
    base = {"workload": "Job", "batch": {"pairs": PAIRS}}

    def job_name(name, values, files=()):
        job = one(render_valid(name, [values], files), "Job")
        expect(JOB_NAME.match(job["metadata"]["name"]), job["metadata"]["name"])
        return job["metadata"]["name"]

    def names():
        first = job_name("job-a", base)
        expect(job_name("job-a-again", base) == first, "same values, same Job")
        expect(job_name("job-b", {**base, "batch": {"pairs": PAIRS[:1]}}) != first, "new pairs, new Job")
        expect(job_name("job-nvidia", base, ["values-nvidia.yaml"]) != first, "new image, new Job")
        longer = one(render_valid("job-long", [{**base, "fullnameOverride": "v" * 63}]), "Job")["metadata"]["name"]
        expect(len(longer) <= 63 and longer.startswith("v" * 52 + "-"), f"{longer} fits a label value")
        same = job_name("job-ttl", {**base, "batch": {"pairs": PAIRS, "ttlSecondsAfterFinished": 60}})
        expect(same == first, "a mutable Job field keeps the name")

    h.check("batch Job named by its pod template's hash", names)


# Helm 4 and Helm 3 word schema errors differently; a tuple lists alternatives.
AT_LEAST_1 = ("minimum: got", "greater than or equal to 1")

# (values, helm --set, kube version, what stderr must say)
BAD_VALUES = [
    ("unknown vendor", [], ["gpu.vendor=foo"], KUBE_VERSION, ["gpu", "vendor", "nvidia"]),
    ("count 0", [], ["gpu.vendor=nvidia", "gpu.count=0"], KUBE_VERSION, ["gpu", "count", AT_LEAST_1]),
    ("negative count", [], ["gpu.count=-2"], KUBE_VERSION, ["gpu", "count", AT_LEAST_1]),
    ("count not a number", [], ["gpu.count=two"], KUBE_VERSION, ["gpu", "count"]),
    (
        "unknown access mode",
        [],
        ["gpu.vendor=amd", "gpu.access=hostPath"],
        KUBE_VERSION,
        ["gpu", "access", "devicePlugin"],
    ),
    ("unknown workload", [], ["workload=CronJob"], KUBE_VERSION, ["workload", "Deployment"]),
    ("misspelt key", [], ["gpu.vender=nvidia"], KUBE_VERSION, ["vender"]),
    ("unknown backend", [], ["gpu.backend=metal"], KUBE_VERSION, ["backend"]),
    (
        "unknown DRA version",
        [],
        ["gpu.vendor=nvidia", "gpu.access=dra", "gpu.dra.apiVersion=v1alpha3"],
        KUBE_VERSION,
        ["apiVersion", "v1beta1"],
    ),
    ("cpu with dra", [], ["gpu.access=dra"], KUBE_VERSION, ["gpu.access=dra needs a GPU"]),
    (
        "intel runtimeClass without a name",
        [],
        ["gpu.vendor=intel", "gpu.access=runtimeClass"],
        KUBE_VERSION,
        ["set gpu.runtimeClass.name"],
    ),
    ("Job without pairs", [], ["workload=Job"], KUBE_VERSION, ["workload=Job needs batch.pairs"]),
    (
        "DRA v1 on Kubernetes 1.33",
        [],
        ["gpu.vendor=nvidia", "gpu.access=dra", "gpu.dra.apiVersion=v1"],
        "1.33.0",
        ["needs Kubernetes 1.34"],
    ),
    ("DRA on Kubernetes 1.31", [], ["gpu.vendor=nvidia", "gpu.access=dra"], "1.31.0", ["needs Kubernetes 1.32"]),
    (
        "HPA on a StatefulSet",
        [],
        ["workload=StatefulSet", "autoscaling.enabled=true"],
        KUBE_VERSION,
        ["autoscaling.enabled is for workload=Deployment"],
    ),
    (
        "drain longer than the grace period",
        [],
        ["server.shutdownGraceSeconds=60"],
        KUBE_VERSION,
        ["must be below terminationGracePeriodSeconds"],
    ),
    (
        "drain delay and grace longer than the grace period",
        [],
        ["server.drainSeconds=10"],
        KUBE_VERSION,
        ["must be below terminationGracePeriodSeconds"],
    ),
    ("short API token", [], ["auth.tokens[0]=short"], KUBE_VERSION, ["tokens"]),
    ("sqlite with 2 replicas", [], ["replicaCount=2"], KUBE_VERSION, ["jobStore.type=sqlite runs one server"]),
    (
        "sqlite StatefulSet with 3 replicas",
        [],
        ["workload=StatefulSet", "replicaCount=3"],
        KUBE_VERSION,
        ["jobStore.type=sqlite runs one server (replicaCount=3)"],
    ),
    ("sqlite with an HPA", [], ["autoscaling.enabled=true"], KUBE_VERSION, ["autoscaling.enabled needs jobStore"]),
    (
        "sqlite on a claim with RollingUpdate",
        [],
        ["persistence.existingClaim=data", "strategy.type=RollingUpdate"],
        KUBE_VERSION,
        ["strategy.type=RollingUpdate with jobStore.type=sqlite"],
    ),
    ("sqlite with an uploads claim", [], ["uploads.existingClaim=up"], KUBE_VERSION, ["uploads.existingClaim is for"]),
    ("postgres without a URL", [], ["jobStore.type=postgres"], KUBE_VERSION, ["needs the database URL"]),
    (
        "postgres URL and Secret both",
        [{"jobStore": {"type": "postgres", "postgres": {"existingSecret": "db", "url": "postgres://h/db"}}}],
        [],
        KUBE_VERSION,
        ["set existingSecret or url, not both"],
    ),
    ("postgres URL not a URL", [], ["jobStore.type=postgres", "jobStore.postgres.url=mysql://h"], KUBE_VERSION, ["url"]),
    (
        "postgres with one data claim for all replicas",
        [{"jobStore": POSTGRES_STORE, "persistence": {"existingClaim": "data"}}],
        [],
        KUBE_VERSION,
        ["persistence.existingClaim with jobStore.type=postgres"],
    ),
    ("unknown job store", [], ["jobStore.type=mysql"], KUBE_VERSION, ["jobStore", "sqlite"]),
    (
        "HPA min above max",
        [{"jobStore": POSTGRES_STORE, "autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 2}}],
        [],
        KUBE_VERSION,
        ["autoscaling.minReplicas (5) is above autoscaling.maxReplicas (2)"],
    ),
    (
        "PDB minAvailable = replicas",
        [{"jobStore": POSTGRES_STORE, "replicaCount": 3, "podDisruptionBudget": {"minAvailable": 3}}],
        [],
        KUBE_VERSION,
        ["podDisruptionBudget.minAvailable=3 with 3 server pod(s) allows no eviction"],
    ),
    (
        "PDB minAvailable = HPA minimum",
        [
            {
                "jobStore": POSTGRES_STORE,
                "replicaCount": 5,
                "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 4},
                "podDisruptionBudget": {"minAvailable": 2},
            }
        ],
        [],
        KUBE_VERSION,
        ["minAvailable=2 with 2 server pod(s)"],
    ),
    (
        "PDB minAvailable 100%",
        [],
        ["podDisruptionBudget.minAvailable=100%"],
        KUBE_VERSION,
        ["minAvailable=100% with 1 server pod(s) allows no eviction"],
    ),
    (
        "PDB maxUnavailable 0",
        [],
        ["podDisruptionBudget.maxUnavailable=0"],
        KUBE_VERSION,
        ["maxUnavailable=0 with 1 server pod(s) allows no eviction"],
    ),
    (
        "backend of another vendor's image",
        [],
        ["gpu.vendor=nvidia", "gpu.backend=hip"],
        KUBE_VERSION,
        ["gpu.backend=hip is not compiled into the nvidia image"],
    ),
    (
        "vulkan not in the image",
        [],
        ["gpu.vendor=amd", "gpu.backend=vulkan"],
        KUBE_VERSION,
        ["gpu.backend=vulkan is not compiled into the amd image", "image.extraBackends"],
    ),
    (
        "image tag of another flavour",
        [],
        ["gpu.vendor=intel", "image.tag=0.1.0-nvidia"],
        KUBE_VERSION,
        ['image.tag=0.1.0-nvidia does not end in "-intel"'],
    ),
    (
        "pair name with a slash",
        [{"workload": "Job", "batch": {"pairs": [{"name": "a/b", "reference": "/m/r.y4m", "distorted": "/m/d.y4m"}]}}],
        [],
        KUBE_VERSION,
        ["pairs", "name"],
    ),
    (
        "duplicate pair names",
        [{"workload": "Job", "batch": {"pairs": [PAIRS[0], PAIRS[0]]}}],
        [],
        KUBE_VERSION,
        ["used twice"],
    ),
]


def bad_values(h: Harness, r: Renderer) -> None:
    for label, overlays, sets, kube, needles in BAD_VALUES:

        def refused(overlays=overlays, sets=sets, kube=kube, needles=needles, label=label):
            result = r.run(overlays, kube=kube, sets=sets)
            expect(result.returncode != 0, f"helm template accepted it:\n{result.stdout[:300]}")
            message = result.stderr.strip()
            for needle in needles:
                alternatives = needle if isinstance(needle, tuple) else (needle,)
                expect(any(a in message for a in alternatives), f"{needle!r} not in the error: {message}")
            said = [line for line in message.splitlines() if line.strip() and not line.startswith("Use --debug")]
            log(f"  refused ({label}): {said[-1] if said else ''}")

        h.check(f"bad values refused: {label}", refused)


if __name__ == "__main__":
    sys.exit(main())
