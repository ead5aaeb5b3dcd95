#!/bin/sh
# One-shot batch scoring for the vmafx chart's Job workload.
#
# Scores every pair of $VMAFX_BATCH_PAIRS_FILE (lines "name<TAB>reference<TAB>distorted")
# with the vmafx CLI into $VMAFX_BATCH_OUTPUT_DIR/<name>.json. The script's own
# arguments are passed to every vmafx run (e.g. --model version=vmaf_4k_v0.6.1).
# When $VMAFX_PUSHGATEWAY_URL is set, each pair's pooled scores are pushed to that
# Prometheus Pushgateway under /metrics/job/$VMAFX_PUSHGATEWAY_JOB/pair/<name>.
# Exits non-zero when any pair failed to score or to push, after trying them all.
#
# Needs a POSIX sh, jq (JSON to Prometheus text) and, for the push, curl: the
# runtime image of deploy/docker/Dockerfile has all three.
set -eu

pairs_file=${VMAFX_BATCH_PAIRS_FILE:-/etc/vmafx/batch/pairs.tsv}
out_dir=${VMAFX_BATCH_OUTPUT_DIR:-/var/lib/vmafx/results}
gateway=${VMAFX_PUSHGATEWAY_URL:-}
gateway_job=${VMAFX_PUSHGATEWAY_JOB:-vmafx-batch}
vmafx=${VMAFX_BIN:-vmafx}
tab=$(printf '\t')

mkdir -p "$out_dir"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/vmafx-batch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Prometheus text for one pair: pooled scores from the report (when it scored),
# then the run's outcome and duration.
metrics_of() { # report succeeded seconds
    echo "# TYPE vmafx_pooled_score gauge"
    if [ "$2" = 1 ]; then
        jq -r '
            (.pooled_metrics // {}) | to_entries[] | .key as $metric
            | .value | to_entries[]
            | "vmafx_pooled_score{metric=\"\($metric)\",pool=\"\(.key)\"} \(.value)"' "$1"
        echo "# TYPE vmafx_batch_frames_scored gauge"
        jq -r '"vmafx_batch_frames_scored \(.frames | length)"' "$1"
    fi
    echo "# TYPE vmafx_batch_success gauge"
    echo "vmafx_batch_success $2"
    echo "# TYPE vmafx_batch_duration_seconds gauge"
    echo "vmafx_batch_duration_seconds $3"
    echo "# TYPE vmafx_batch_last_run_timestamp_seconds gauge"
    echo "vmafx_batch_last_run_timestamp_seconds $(date +%s)"
}

push() { # name file
    # PUT replaces the whole group, so a re-run never leaves stale metrics behind.
    curl --fail --silent --show-error --retry 3 --retry-delay 2 --max-time 30 \
        -X PUT -H 'Content-Type: text/plain; version=0.0.4' \
        --data-binary "@$2" "${gateway%/}/metrics/job/$gateway_job/pair/$1"
}

pairs=0
failures=0
while IFS="$tab" read -r name reference distorted || [ -n "${name:-}" ]; do
    case "$name" in '' | '#'*) continue ;; esac
    pairs=$((pairs + 1))
    report="$out_dir/$name.json"
    started=$(date +%s)
    if "$vmafx" -r "$reference" -d "$distorted" --json -o "$report" -q "$@" </dev/null; then
        succeeded=1
        vmaf=$(jq -r '.pooled_metrics.vmaf.mean // "n/a"' "$report")
        echo "vmafx-batch: $name: vmaf mean $vmaf -> $report"
    else
        succeeded=0
        failures=$((failures + 1))
        echo "vmafx-batch: $name: vmafx failed" >&2
    fi
    if [ -n "$gateway" ]; then
        metrics_of "$report" "$succeeded" "$(($(date +%s) - started))" >"$scratch/$name.prom"
        if ! push "$name" "$scratch/$name.prom"; then
            failures=$((failures + 1))
            echo "vmafx-batch: $name: push to $gateway failed" >&2
        fi
    fi
done <"$pairs_file"

echo "vmafx-batch: $pairs pair(s), $failures failure(s)"
[ "$pairs" -gt 0 ] || { echo "vmafx-batch: no pair in $pairs_file" >&2; exit 2; }
[ "$failures" -eq 0 ]
