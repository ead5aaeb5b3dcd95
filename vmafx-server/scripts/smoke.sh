#!/usr/bin/env bash
# Smoke test of the release binary as deployed: configured by VMAFX_* variables only,
# on a loopback port, driven with curl. Scores the sample pair by URI, checks the VMAF
# against libvmaf's 89.570779, then stops the server with SIGTERM and expects a clean exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${CARGO_TARGET_DIR:-target}/release/vmafx-server
[ -x "$bin" ] || cargo build --release -p vmafx-server
if ! command -v curl >/dev/null; then
    echo "server smoke: skipped (curl is not installed)"
    exit 0
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
token="smoke-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
VMAFX_API_TOKENS="$token" VMAFX_LISTEN=127.0.0.1:0 VMAFX_DATA_DIR="$work/data" \
VMAFX_ROOTS="$PWD/samples" VMAFX_SHUTDOWN_GRACE=5 \
    "$bin" serve >"$work/stdout" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/stdout" && break
    sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/stdout")
[ -n "$url" ] || { echo "server did not start"; cat "$work/log"; exit 1; }
curl -fsS "$url/readyz" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/models")
[ "$code" = 401 ] || { echo "expected 401 without a token, got $code"; exit 1; }
body=$(curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"reference\":\"file://$PWD/samples/testsrc2_352x288.ref.y4m\",\"distorted\":\"file://$PWD/samples/testsrc2_352x288.x265_crf32.dist.y4m\"}" \
    "$url/v1/score")
vmaf=$(grep -o '"vmaf":[0-9.]*' <<<"$body" | sed -n '1s/.*://p')
[ "$(printf '%.6f' "$vmaf")" = 89.570779 ] || { echo "unexpected VMAF: $body"; exit 1; }
metrics=$(curl -fsS "$url/metrics")
grep -qx 'vmafx_frames_scored_total 10' <<<"$metrics" || { echo "metrics: $metrics"; exit 1; }
kill -TERM "$pid"
wait "$pid"
grep -q 'stopped' "$work/log"
echo "server smoke: VMAF $vmaf over HTTP, clean SIGTERM shutdown"
