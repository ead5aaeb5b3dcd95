#!/usr/bin/env python3
"""Operator tests for deploy/helm/vmafx and vmafx-operator's resources.

1. `helm template --set operator.enabled=true --include-crds` for every GPU vendor
   values file (and with the webhook, with cert-manager) renders the operator's
   Deployment, ServiceAccount, RBAC (one ClusterRole per controller, their aggregate,
   the Lease Role) and the three CRDs; every manifest is validated against the
   Kubernetes schemas (kubernetes-validate, strict) like the rest of the chart.
2. The sample resources in vmafx-operator/samples/ are checked against their CRD's
   openAPIV3Schema (jsonschema): valid ones pass, `# schema:` ones fail on the field
   they name. (`# expect:` samples break CEL rules, which jsonschema cannot evaluate;
   the Rust tests run them through kube's CEL checker.)
3. With operator.enabled=false nothing of the operator renders; bad values are refused;
   helm lint --strict passes with the operator; its checkov skips are documented.
Rendered manifests are written to --render-dir (for checkov).

Usage: test_operator.py --helm PATH --render-dir DIR
"""

import argparse
import pathlib
import subprocess
import sys

import jsonschema
import yaml

from chart_facts import CHART, KUBE_VERSION, NAMESPACE, RELEASE, by_kind, env_of, one, validate_docs
from harness import Harness, expect, log

ROOT = CHART.parents[2]
SAMPLES = ROOT / "vmafx-operator" / "samples"
OPERATOR = f"{RELEASE}-vmafx-operator"
VENDOR_FILES = {"cpu": [], "nvidia": ["values-nvidia.yaml"], "amd": ["values-amd.yaml"], "intel": ["values-intel.yaml"]}
CONTROLLERS = ["vmafxjob", "vmafxnode", "vmafxmodeltraining"]
CRDS = {"VmafxJob": "vmjob", "VmafxNode": "vmnode", "VmafxModelTraining": "vmtrain"}
# cert-manager's Certificate is not in Kubernetes' own OpenAPI.
FOREIGN_KINDS = {"Certificate"}


def render(helm: str, files: list[str], sets: list[str]) -> tuple[str, list[dict]]:
    args = [helm, "template", RELEASE, str(CHART), "--namespace", NAMESPACE, "--kube-version", KUBE_VERSION]
    args += ["--include-crds"]
    for name in files:
        args += ["-f", str(CHART / name)]
    for item in sets:
        args += ["--set", item]
    result = subprocess.run(args, capture_output=True, text=True)
    expect(result.returncode == 0, f"helm template failed: {result.stderr.strip()}")
    return result.stdout, [d for d in yaml.safe_load_all(result.stdout) if d]


def validate(docs: list[dict], stats: dict) -> None:
    ours = [d for d in docs if d["kind"] not in FOREIGN_KINDS]
    for kube in ["1.32.0", "1.33.0", "1.34.0"]:
        validate_docs(ours, kube, stats)


def check_operator(docs: list[dict], vendor: str) -> None:
    crds = by_kind(docs, "CustomResourceDefinition")
    expect(sorted(c["spec"]["names"]["kind"] for c in crds) == sorted(CRDS), f"CRDs {[c['metadata']['name'] for c in crds]}")
    for crd in crds:
        names = crd["spec"]["names"]
        expect(names["shortNames"] == [CRDS[names["kind"]]], f"{names['kind']} short names")
        expect(crd["spec"]["scope"] == "Namespaced", f"{names['kind']} is namespaced")
        expect("status" in crd["spec"]["versions"][0]["subresources"], f"{names['kind']} has a status subresource")

    deployments = {d["metadata"]["name"]: d for d in by_kind(docs, "Deployment")}
    expect(OPERATOR in deployments, f"no operator Deployment among {sorted(deployments)}")
    pod = deployments[OPERATOR]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    expect(pod["serviceAccountName"] == OPERATOR, "runs as its own ServiceAccount")
    expect(pod["securityContext"]["runAsNonRoot"] is True, "non-root")
    expect(pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", "seccomp")
    sc = container["securityContext"]
    expect(sc["readOnlyRootFilesystem"] and not sc["allowPrivilegeEscalation"], "hardened container")
    expect(sc["capabilities"]["drop"] == ["ALL"], "drops every capability")
    expect(container["livenessProbe"]["httpGet"]["path"] == "/healthz", "liveness")
    expect(container["readinessProbe"]["httpGet"]["path"] == "/readyz", "readiness")
    env = env_of(container)
    expect(env["VMAFX_OPERATOR_METRICS_ADDR"] == ":8081", env)
    expect(env["VMAFX_OPERATOR_HEALTH_PROBE_ADDR"] == ":8082", env)
    expect(env["VMAFX_OPERATOR_LEADER_ELECTION"] == "true", env)
    expect(env["VMAFX_OPERATOR_WEBHOOK_PORT"] == "0", "webhook off by default")
    flavour = vendor
    expect(env["VMAFX_OPERATOR_JOB_IMAGE"].endswith(f"-{flavour}"), f"job image of the {vendor} flavour: {env}")

    accounts = [a["metadata"]["name"] for a in by_kind(docs, "ServiceAccount")]
    expect(OPERATOR in accounts, f"ServiceAccount {OPERATOR} in {accounts}")
    roles = {r["metadata"]["name"]: r for r in by_kind(docs, "ClusterRole")}
    for controller in CONTROLLERS:
        role = roles.get(f"{OPERATOR}-{controller}")
        expect(role is not None, f"no ClusterRole for {controller}")
        expect(role["metadata"]["labels"]["vmafx.dev/aggregate-to-operator"] == OPERATOR, f"{controller} aggregates")
        for rule in role["rules"]:
            expect("*" not in rule["verbs"] and "*" not in rule["resources"], f"{controller}: no wildcard: {rule}")
            expect("delete" not in rule["verbs"], f"{controller}: deletes nothing (ownerReferences do): {rule}")
    aggregate = roles[OPERATOR]
    expect(
        aggregate["aggregationRule"]["clusterRoleSelectors"][0]["matchLabels"] == {"vmafx.dev/aggregate-to-operator": OPERATOR},
        "the aggregate selects the controllers' roles",
    )
    binding = one(docs, "ClusterRoleBinding")
    expect(binding["roleRef"]["name"] == OPERATOR and binding["subjects"][0]["name"] == OPERATOR, "bound to the operator")
    lease = one(docs, "Role")
    names = [n for r in lease["rules"] for n in r.get("resourceNames", [])]
    expect(names == [f"{OPERATOR}-leader"], f"the Lease role names the one Lease: {names}")
    expect(env["VMAFX_OPERATOR_LEADER_ELECTION_ID"] == f"{OPERATOR}-leader", "the Lease it uses is the one it may write")


def check_webhook(docs: list[dict], cert_manager: bool) -> None:
    config = one(docs, "ValidatingWebhookConfiguration")
    hook = config["webhooks"][0]
    expect(hook["clientConfig"]["service"]["name"] == OPERATOR, "calls the operator's Service")
    expect(hook["clientConfig"]["service"]["path"] == "/validate", "on /validate")
    expect(set(hook["rules"][0]["resources"]) == {"vmafxjobs", "vmafxnodes", "vmafxmodeltrainings"}, "every CRD")
    deployment = [d for d in by_kind(docs, "Deployment") if d["metadata"]["name"] == OPERATOR][0]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    expect(env_of(container)["VMAFX_OPERATOR_WEBHOOK_PORT"] == "9443", "webhook port")
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    expect("/etc/vmafx-operator/tls" in mounts, "the certificate is mounted")
    annotations = config["metadata"].get("annotations", {})
    if cert_manager:
        certificate = one(docs, "Certificate")
        expect(annotations.get("cert-manager.io/inject-ca-from") == f"{NAMESPACE}/{OPERATOR}-webhook", annotations)
        expect(f"{OPERATOR}.{NAMESPACE}.svc" in certificate["spec"]["dnsNames"], "the Service's DNS name")
    else:
        expect(not by_kind(docs, "Certificate") and not annotations, "no cert-manager objects")


def crd_schemas() -> dict:
    schemas = {}
    for path in sorted((CHART / "crds").glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        schemas[crd["spec"]["names"]["kind"]] = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schemas


def check_samples(h: Harness) -> None:
    schemas = crd_schemas()
    for path in sorted((SAMPLES / "valid").glob("*.yaml")):
        def valid(path=path):
            resource = yaml.safe_load(path.read_text())
            jsonschema.validate(resource, schemas[resource["kind"]])

        h.check(f"sample {path.name} meets its CRD schema", valid)
    for path in sorted((SAMPLES / "invalid").glob("*.yaml")):
        first = path.read_text().splitlines()[0]

        def invalid(path=path, first=first):
            resource = yaml.safe_load(path.read_text())
            errors = list(jsonschema.Draft7Validator(schemas[resource["kind"]]).iter_errors(resource))
            if first.startswith("# schema: "):
                field = first.removeprefix("# schema: ")
                expect(errors, f"{path.name} passed the schema")
                expect(any(field in [str(p) for p in e.path] for e in errors), f"{path.name}: {[e.message for e in errors]}")
            else:
                # CEL-only breakage: the openAPI part must still pass.
                expect(first.startswith("# expect: "), f"{path.name} must say what it breaks")
                expect(not errors, f"{path.name}: {[e.message for e in errors]}")

        h.check(f"sample {path.name} ({first[2:]})", invalid)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--helm", required=True)
    parser.add_argument("--render-dir", required=True)
    options = parser.parse_args()
    out = pathlib.Path(options.render_dir)
    out.mkdir(parents=True, exist_ok=True)
    h = Harness()
    stats = {"validated": 0, "crd_skipped": 0}

    def case(name: str, files: list[str], sets: list[str], check) -> None:
        def run():
            text, docs = render(options.helm, files, sets)
            (out / f"operator-{name}.yaml").write_text(text)
            validate(docs, stats)
            check(docs)

        h.check(f"operator {name}", run)

    for vendor, files in VENDOR_FILES.items():
        case(vendor, files, ["operator.enabled=true"], lambda docs, v=vendor: check_operator(docs, v))
    webhook = ["operator.enabled=true", "operator.webhook.enabled=true"]
    case("webhook", [], webhook, lambda docs: check_webhook(docs, False))
    case(
        "webhook-cert-manager",
        [],
        webhook + ["operator.webhook.certManager.enabled=true", "operator.webhook.certManager.issuer=selfsigned"],
        lambda docs: check_webhook(docs, True),
    )

    def disabled():
        _, docs = render(options.helm, [], [])
        names = [d["metadata"]["name"] for d in docs if d["kind"] != "CustomResourceDefinition"]
        expect(not [n for n in names if n.startswith(OPERATOR)], f"operator objects while disabled: {names}")
        expect(len(by_kind(docs, "CustomResourceDefinition")) == 3, "Helm installs the CRDs either way")

    h.check("operator disabled renders none of it", disabled)

    def refused():
        result = subprocess.run(
            [options.helm, "template", RELEASE, str(CHART), "--set", "operator.enabled=true", "--set", "operator.logLevel=loud"],
            capture_output=True,
            text=True,
        )
        expect(result.returncode != 0 and "logLevel" in result.stderr, result.stderr[-400:])
        result = subprocess.run(
            [options.helm, "template", RELEASE, str(CHART)] + [f"--set={s}" for s in webhook + ["operator.webhook.certManager.enabled=true"]],
            capture_output=True,
            text=True,
        )
        expect(result.returncode != 0 and "certManager.issuer" in result.stderr, result.stderr[-400:])

    h.check("bad operator values are refused with a clear message", refused)

    def lint():
        for sets in (["operator.enabled=true"], webhook + ["operator.webhook.caBundle=Y2E="]):
            args = [options.helm, "lint", str(CHART), "--strict"] + [f"--set={s}" for s in sets]
            result = subprocess.run(args, capture_output=True, text=True)
            expect(result.returncode == 0, result.stdout[-600:] + result.stderr[-600:])

    h.check("helm lint --strict with the operator (and its webhook)", lint)

    def skips_documented():
        text = (ROOT / "docs" / "operator.md").read_text()
        template = (CHART / "templates" / "operator-deployment.yaml").read_text()
        for check in ("CKV_K8S_38", "CKV_K8S_43"):
            expect(check in template and check in text, f"{check}: annotated and documented")

    h.check("the operator's checkov skips are documented", skips_documented)
    check_samples(h)
    log(f"operator: {stats['validated']} manifests valid against the Kubernetes schemas (strict)")
    return h.summary("operator tests")


if __name__ == "__main__":
    sys.exit(main())
