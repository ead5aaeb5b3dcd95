#!/bin/sh
# Scale-out scoring of one video for the vmafx chart's IndexedJob workload: an
# Indexed Job scores one segment per index, a second Job merges the parts.
#
#   vmafx-scale-out.sh count              how many segments the video has
#   vmafx-scale-out.sh range INDEX        the frames of segment INDEX, as START..END
#   vmafx-scale-out.sh segment [ARGS...]  scores segment $JOB_COMPLETION_INDEX into
#                                         $VMAFX_SCALE_OUT_DIR/part-<index>.json
#   vmafx-scale-out.sh merge              waits for every part, merges them into
#                                         $VMAFX_SCALE_OUT_REPORT
#
# ARGS go to vmafx unchanged (models, features, --threads). The segment arithmetic is
# here and nowhere else: segment i is frames [i*S, min((i+1)*S, F)) of a video of
# F = $VMAFX_SCALE_OUT_FRAMES frames, S = $VMAFX_SCALE_OUT_SEGMENT_FRAMES.
#
# Retries are safe. vmafx writes a part atomically (temporary file, then rename), so
# a part that exists is whole: a retried index keeps it and scores nothing again.
# The merge writes its report beside the final path and renames it, so a retried
# merge replaces the report with the same bytes.
#
# When $VMAFX_PUSHGATEWAY_URL is set, each segment pushes its outcome under
# /metrics/job/<job>/pair/<name>/segment/<index> and the merge pushes the pooled
# scores under /metrics/job/<job>/pair/<name>, as the batch Job does for a pair.
#
# Needs a POSIX sh, jq and curl (for the push): the runtime image has all three.
set -eu

vmafx=${VMAFX_BIN:-vmafx}
name=${VMAFX_SCALE_OUT_NAME:-video}
gateway=${VMAFX_PUSHGATEWAY_URL:-}
gateway_job=${VMAFX_PUSHGATEWAY_JOB:-vmafx-batch}

fail() {
    echo "vmafx-scale-out: $*" >&2
    exit 2
}

# A non-negative integer from the environment, or a clear failure.
whole_number() { # variable-name value
    case "$2" in
    '' | *[!0-9]*) fail "$1 must be a whole number (got '$2')" ;;
    esac
    echo "$2"
}

frames=$(whole_number VMAFX_SCALE_OUT_FRAMES "${VMAFX_SCALE_OUT_FRAMES:-}")
segment_frames=$(whole_number VMAFX_SCALE_OUT_SEGMENT_FRAMES "${VMAFX_SCALE_OUT_SEGMENT_FRAMES:-}")
[ "$frames" -gt 0 ] || fail "VMAFX_SCALE_OUT_FRAMES must be above 0"
[ "$segment_frames" -gt 0 ] || fail "VMAFX_SCALE_OUT_SEGMENT_FRAMES must be above 0"

segment_count() {
    echo $(((frames + segment_frames - 1) / segment_frames))
}

range_of() { # index
    index=$(whole_number "the segment index" "$1")
    [ "$index" -lt "$(segment_count)" ] ||
        fail "segment $index does not exist: $frames frames in segments of $segment_frames make $(segment_count)"
    start=$((index * segment_frames))
    end=$((start + segment_frames))
    [ "$end" -le "$frames" ] || end=$frames
    echo "$start..$end"
}

push() { # group-path file
    # PUT replaces the whole group, so a re-run never leaves stale metrics behind.
    curl --fail --silent --show-error --retry 3 --retry-delay 2 --max-time 30 \
        -X PUT -H 'Content-Type: text/plain; version=0.0.4' \
        --data-binary "@$2" "${gateway%/}/metrics/job/$gateway_job/pair/$1"
}

scratch_file() {
    mktemp "${TMPDIR:-/tmp}/vmafx-scale-out.XXXXXX"
}

run_segment() {
    dir=${VMAFX_SCALE_OUT_DIR:?VMAFX_SCALE_OUT_DIR names the shared parts folder}
    index=${JOB_COMPLETION_INDEX:?JOB_COMPLETION_INDEX is set by an Indexed Job}
    range=$(range_of "$index")
    part="$dir/part-$index.json"
    mkdir -p "$dir"
    started=$(date +%s)
    succeeded=1
    if [ -s "$part" ]; then
        echo "vmafx-scale-out: segment $index (frames $range): $part is already there, kept"
    elif "$vmafx" -r "${VMAFX_SCALE_OUT_REFERENCE:?}" -d "${VMAFX_SCALE_OUT_DISTORTED:?}" \
        --frames "$range" -o "$part" -q "$@" </dev/null; then
        echo "vmafx-scale-out: segment $index (frames $range) -> $part"
    else
        succeeded=0
        echo "vmafx-scale-out: segment $index (frames $range): vmafx failed" >&2
    fi
    if [ -n "$gateway" ]; then
        metrics=$(scratch_file)
        {
            echo "# TYPE vmafx_scale_out_segment_success gauge"
            echo "vmafx_scale_out_segment_success $succeeded"
            echo "# TYPE vmafx_scale_out_segment_frames gauge"
            echo "vmafx_scale_out_segment_frames $((${range#*..} - ${range%..*}))"
            echo "# TYPE vmafx_scale_out_segment_duration_seconds gauge"
            echo "vmafx_scale_out_segment_duration_seconds $(($(date +%s) - started))"
        } >"$metrics"
        # A failed push fails the pod: its retry keeps the part and pushes again.
        push "$name/segment/$index" "$metrics" || { succeeded=0; echo "vmafx-scale-out: push to $gateway failed" >&2; }
        rm -f "$metrics"
    fi
    [ "$succeeded" = 1 ]
}

# The parts not there yet, as "index index ...".
missing_parts() { # dir
    count=$(segment_count)
    i=0
    missing=""
    while [ "$i" -lt "$count" ]; do
        [ -s "$1/part-$i.json" ] || missing="$missing $i"
        i=$((i + 1))
    done
    echo "${missing# }"
}

run_merge() {
    dir=${VMAFX_SCALE_OUT_DIR:?VMAFX_SCALE_OUT_DIR names the shared parts folder}
    report=${VMAFX_SCALE_OUT_REPORT:?VMAFX_SCALE_OUT_REPORT names the merged report}
    format=${VMAFX_SCALE_OUT_FORMAT:-json}
    case "$format" in json | xml | csv) ;; *) fail "VMAFX_SCALE_OUT_FORMAT must be json, xml or csv" ;; esac
    wait_seconds=$(whole_number VMAFX_SCALE_OUT_WAIT_SECONDS "${VMAFX_SCALE_OUT_WAIT_SECONDS:-0}")
    poll=$(whole_number VMAFX_SCALE_OUT_POLL_SECONDS "${VMAFX_SCALE_OUT_POLL_SECONDS:-10}")
    started=$(date +%s)
    # The parts appear as the Indexed Job's pods finish; a shared volume may show a
    # new file late, so the merge polls rather than trusting one listing.
    while :; do
        missing=$(missing_parts "$dir")
        [ -n "$missing" ] || break
        [ $(($(date +%s) - started)) -lt "$wait_seconds" ] || break
        sleep "$poll"
    done
    parts=""
    i=0
    while [ "$i" -lt "$(segment_count)" ]; do
        [ -s "$dir/part-$i.json" ] && parts="$parts $dir/part-$i.json"
        i=$((i + 1))
    done
    if [ -n "$missing" ]; then
        for i in $missing; do
            echo "vmafx-scale-out: part-$i.json (frames $(range_of "$i")) is missing after ${wait_seconds} s" >&2
        done
    fi
    [ -n "$parts" ] || fail "no part in $dir"
    mkdir -p "$(dirname "$report")"
    partial="$report.partial"
    # vmafx merge checks that the parts tile the video and names any gap itself.
    # shellcheck disable=SC2086 # the part paths have no spaces: the chart makes them
    if ! "$vmafx" merge $parts -o "$partial" "--$format" </dev/null; then
        rm -f "$partial"
        echo "vmafx-scale-out: vmafx merge failed" >&2
        return 1
    fi
    mv -f "$partial" "$report"
    echo "vmafx-scale-out: $(segment_count) segment(s) of $frames frames -> $report"
    if [ -n "$gateway" ]; then
        metrics=$(scratch_file)
        {
            echo "# TYPE vmafx_pooled_score gauge"
            if [ "$format" = json ]; then
                jq -r '
                    (.pooled_metrics // {}) | to_entries[] | .key as $metric
                    | .value | to_entries[]
                    | "vmafx_pooled_score{metric=\"\($metric)\",pool=\"\(.key)\"} \(.value)"' "$report"
            fi
            echo "# TYPE vmafx_scale_out_segments gauge"
            echo "vmafx_scale_out_segments $(segment_count)"
            echo "# TYPE vmafx_batch_frames_scored gauge"
            echo "vmafx_batch_frames_scored $frames"
            echo "# TYPE vmafx_batch_success gauge"
            echo "vmafx_batch_success 1"
            echo "# TYPE vmafx_batch_last_run_timestamp_seconds gauge"
            echo "vmafx_batch_last_run_timestamp_seconds $(date +%s)"
        } >"$metrics"
        push "$name" "$metrics" || { rm -f "$metrics"; fail "push to $gateway failed"; }
        rm -f "$metrics"
    fi
}

command=${1:-}
[ $# -eq 0 ] || shift
case "$command" in
count) segment_count ;;
range) range_of "${1:-}" ;;
segment) run_segment "$@" ;;
merge) run_merge ;;
*) fail "usage: vmafx-scale-out.sh count | range INDEX | segment [VMAFX ARGS...] | merge" ;;
esac
