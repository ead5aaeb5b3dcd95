#!/usr/bin/env bash
# Packs what the GPU checks need into one folder for a GPU machine that has a driver but
# no Rust toolchain: the test binaries and vmafx-bench built here with a backend's
# feature, the conformance corpus, and run.sh, which runs them there.
#
#   scripts/gpu-bundle.sh [BACKEND [OUT_DIR]]     # BACKEND: cuda (default), hip or sycl
#   ... copy OUT_DIR to the GPU machine, then there:
#   OUT_DIR/run.sh [RESULTS_DIR]
#
# run.sh runs, on the first device of the backend:
#   1. the backend's unit tests with its device tests required (copies, launches, motion
#      against the CPU);
#   2. the GPU test suite: every conformance pair on the GPU against the CPU, bit for bit
#      (VMAFX_REQUIRE_GPU, so a backend that cannot start fails instead of skipping);
#   3. vmafx-bench backends: the whole scorer on the GPU and on the CPU over the same
#      in-memory frames at 1080p and 2160p, then the device alone on resident frames.
# Everything it prints is also written to RESULTS_DIR (default: OUT_DIR/results).
#
# NVRTC: the CUDA backend opens libnvrtc.so.12 (or libnvrtc.so). Where only a newer
# NVRTC is installed (e.g. CUDA 13's libnvrtc.so.13 from the nvidia-cuda-nvrtc wheel),
# run.sh links it as libnvrtc.so in a folder on LD_LIBRARY_PATH; set VMAFX_NVRTC to its
# path if run.sh cannot find it.
set -euo pipefail
cd "$(dirname "$0")/.."

backend=${1:-cuda}
out=${2:-target/gpu-bundle-$backend}
case "$backend" in
    cuda | hip | sycl) ;;
    *) echo "backend must be cuda, hip or sycl, not '$backend'" >&2; exit 2 ;;
esac
corpus=${VMAFX_CONFORMANCE_DIR:-../shared/conformance}
[ -f "$corpus/manifest.json" ] || { echo "conformance corpus not found at $corpus" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/bin"

# The test binaries' paths, from cargo's JSON messages.
test_binaries() {
    cargo test --release -p vmafx --features "$backend" --no-run --message-format=json "$@" |
        python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message.get("executable") \
            and message["profile"]["test"]:
        print(message["target"]["name"], message["executable"])
'
}
test_binaries --lib --test gpu | while read -r name path; do
    cp "$path" "$out/bin/$name-tests"
done
cargo build --release -p vmafx-bench --features "$backend"
cp target/release/vmafx-bench "$out/bin/"

tar -C "$corpus/.." -cJf "$out/conformance.tar.xz" "$(basename "$corpus")"
echo "$backend" >"$out/backend"

cat >"$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the GPU checks of this bundle (see scripts/gpu-bundle.sh in the repository).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
backend=$(cat "$here/backend")
results=${1:-$here/results}
mkdir -p "$results"
work=$(mktemp -d)
tar -C "$work" -xJf "$here/conformance.tar.xz"
export VMAFX_CONFORMANCE_DIR="$work/$(ls "$work")"

if [ "$backend" = cuda ] && ! ldconfig -p | grep -qE 'libnvrtc\.so(\.12)? '; then
    nvrtc=${VMAFX_NVRTC:-$(python3 -c 'import nvidia, pathlib; p = pathlib.Path(nvidia.__path__[0]); print(next(iter(sorted(p.rglob("libnvrtc.so.1[2-9]"))), ""))' 2>/dev/null || true)}
    if [ -n "$nvrtc" ]; then
        mkdir -p "$work/lib"
        ln -s "$nvrtc" "$work/lib/libnvrtc.so"
        export LD_LIBRARY_PATH="$work/lib:$(dirname "$nvrtc")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        echo "NVRTC: $nvrtc"
    fi
fi

status=0
# step LABEL COMMAND...: runs COMMAND, its whole output into RESULTS_DIR/LABEL.log and
# the lines that matter into RESULTS_DIR/summary.txt.
step() {
    local label=$1
    shift
    echo "== $label: $*" | tee -a "$results/summary.txt"
    "$@" >"$results/$label.log" 2>&1 || status=1
    grep -E 'test result|skipped|equal to the CPU|^\||panicked|Error' "$results/$label.log" |
        tee -a "$results/summary.txt"
}
upper=$(echo "$backend" | tr '[:lower:]' '[:upper:]')
export "VMAFX_REQUIRE_$upper=1" VMAFX_REQUIRE_GPU="$backend"
nvidia-smi -L 2>/dev/null | tee -a "$results/summary.txt" || true
step unit "$here/bin/vmafx-tests" --test-threads 1 "backend::$backend"
step suite "$here/bin/gpu-tests" --nocapture
step scorer "$here/bin/vmafx-bench" backends --backend "$backend" --sizes 1080p,2160p --frames 24 --laps 10
step resident "$here/bin/vmafx-bench" backends --backend "$backend" --resident --sizes 1080p,2160p --laps 1000 --threads 8
echo "exit status $status" | tee -a "$results/summary.txt"
rm -rf "$work"
exit $status
RUN
chmod +x "$out/run.sh"
du -sh "$out"
echo "bundle ready: $out (run $out/run.sh on the GPU machine)"
