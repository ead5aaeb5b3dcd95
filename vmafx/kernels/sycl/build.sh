#!/usr/bin/env bash
# Builds libvmafx_sycl.so, the SYCL backend's kernel library, with Intel's DPC++
# compiler (icpx, from the oneAPI Base Toolkit: `source /opt/intel/oneapi/setvars.sh`).
#
#   vmafx/kernels/sycl/build.sh [output [icpx flags...]]
#
# The default output is target/sycl/libvmafx_sycl.so (git ignores target/).
# Then let vmafx find it: VMAFX_SYCL_LIBRARY=/path/to/libvmafx_sycl.so, or put it on
# LD_LIBRARY_PATH. It needs the oneAPI SYCL runtime (libsycl.so) at run time too.
#
# By default the kernels are compiled to SPIR-V and finished by the driver when first
# launched; flags after the output add ahead-of-time targets, for example
#   vmafx/kernels/sycl/build.sh target/sycl/libvmafx_sycl.so -fsycl-targets=spir64_gen -Xs "-device pvc"
#
# Floating point: the kernels must do the CPU's IEEE operations, so value-changing
# optimisations are off (-ffp-model=precise) and so is contraction into FMA, which
# icpx's precise model would otherwise allow (-ffp-contract=off comes after it).
#
# Not run in CI: the build machines have no DPC++ compiler. vmafx/kernels/sycl/check.sh checks
# the source against the SYCL headers with g++ instead (host side only).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
output=${1:-$here/../../../target/sycl/libvmafx_sycl.so}
shift || true
compiler=${ICPX:-icpx}

if ! command -v "$compiler" >/dev/null 2>&1; then
    echo "vmafx/kernels/sycl/build.sh: $compiler not found (install the oneAPI DPC++ compiler" \
        "and source setvars.sh, or set ICPX)" >&2
    exit 1
fi

mkdir -p "$(dirname "$output")"
"$compiler" -fsycl -std=c++17 -O2 -fPIC -shared \
    -ffp-model=precise -ffp-contract=off -fno-fast-math \
    "$@" -o "$output" "$here/vmafx_sycl.cpp"
echo "built $output"
