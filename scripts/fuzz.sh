#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for a while each and prints executions per second.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 60 seconds, every target)
#
# Needs a nightly toolchain (libFuzzer's instrumentation). Installs cargo-fuzz into
# target/tools when it is not on PATH. The committed seeds in fuzz/corpus/<target> are
# only read; what the fuzzer learns goes to target/fuzz-corpus/<target>, so reruns
# start from it. A crash leaves its input in fuzz/artifacts/<target>/ and makes the
# script fail (after every target has run). See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-60}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
    exit 2
fi

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzzing needs a nightly toolchain: rustup toolchain install nightly" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    export PATH="$root/target/tools/bin:$PATH"
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "installing cargo-fuzz into target/tools"
        cargo install --locked --root "$root/target/tools" cargo-fuzz
    fi
fi

# Debug assertions on: arithmetic overflow is a finding too.
fuzz_flags=(+nightly fuzz)
build_flags=(--debug-assertions)

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cd fuzz && cargo "${fuzz_flags[@]}" list)
fi

start=$(date +%s)
# One build of every target, with the flags `cargo fuzz run` uses below (so it only
# checks that the build is current).
(cd fuzz && cargo "${fuzz_flags[@]}" build "${build_flags[@]}")
echo "build: $(( $(date +%s) - start )) s"

dict_for() {
    case "$1" in
        y4m_reader) echo fuzz/dict/y4m.dict ;;
        model_json | server_request) echo fuzz/dict/json.dict ;;
        feature_option | model_spec | server_paths | capi_options) echo fuzz/dict/options.dict ;;
        *) echo "" ;;
    esac
}

# Scratch files the targets create (the server_paths sandbox) stay inside target/.
export TMPDIR="$root/target/fuzz-tmp"
mkdir -p "$TMPDIR" "$root/target/fuzz-logs"
failed=()
summary=()
for target in "${targets[@]}"; do
    corpus="$root/target/fuzz-corpus/$target"
    mkdir -p "$corpus"
    args=(
        -max_total_time="$seconds"
        -rss_limit_mb=2048
        -malloc_limit_mb=2048
        -timeout=10
        -print_final_stats=1
    )
    dict=$(dict_for "$target")
    [ -n "$dict" ] && args+=(-dict="$root/$dict")
    log="$root/target/fuzz-logs/$target.log"
    echo "== $target ($seconds s)"
    status=0
    (cd fuzz && cargo "${fuzz_flags[@]}" run "${build_flags[@]}" "$target" \
        "$corpus" "$root/fuzz/corpus/$target" -- "${args[@]}") >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written|artifact_prefix' "$log" \
            | head -20 || true
        echo "   (full log: $log)"
    fi
    summary+=("$(printf '%-16s %10s execs %8s exec/s  cov %6s  %s' "$target" "${runs:-?}" \
        "${rate:-?}" "${cov:-?}" "$([ "$status" -eq 0 ] && echo ok || echo FAILED)")")
done

echo
echo "== fuzzing summary ($seconds s per target, $(( $(date +%s) - start )) s in all)"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "failed: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
    exit 1
fi
