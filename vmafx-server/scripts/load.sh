#!/usr/bin/env bash
# Bounded load test on loopback: 64 clients score a 64x64, 3-frame pair against a
# freshly started vmafx-server, first as multipart uploads, then by file:// URI, and
# print requests/s, p50/p99 latency and the error count for each.
#   REQUESTS=5000 CLIENTS=64 SECONDS_CAP=60 vmafx-server/scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export VMAFX_LOAD_REQUESTS="${REQUESTS:-5000}"
export VMAFX_LOAD_CLIENTS="${CLIENTS:-64}"
export VMAFX_LOAD_SECONDS="${SECONDS_CAP:-60}"
exec cargo test --release -p vmafx-server --test load -- --nocapture
