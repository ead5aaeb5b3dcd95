#!/usr/bin/env bash
# Compiles the CUDA kernels with NVRTC for sm_80 and sm_90 and assembles their PTX with
# ptxas, through the CUDA backend's tests; no GPU needed (tests that need one skip).
#
#   bash vmafx/kernels/cuda/check.sh [TOOLS_DIR] [cargo test arguments, e.g. -- --nocapture]
#
# NVRTC and ptxas come from NVIDIA's PyPI wheels, installed into TOOLS_DIR (default
# target/cuda-tools) with `pip install --target` unless already there. cudarc opens
# NVRTC as libnvrtc.so.12 (among other names) from the loader's path, so the wheel's
# lib folder goes on LD_LIBRARY_PATH; ptxas goes on PATH.
set -euo pipefail
cd "$(dirname "$0")/../../.."

tools="target/cuda-tools"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    tools="$1"
    shift
fi
mkdir -p "$tools"
tools="$(cd "$tools" && pwd)"

# The versions the tests were verified with; CUDA 12 matches cudarc's cuda-12000 feature.
packages=(nvidia-cuda-nvrtc-cu12==12.9.86 nvidia-cuda-nvcc-cu12==12.9.86)
nvrtc_lib="$tools/nvidia/cuda_nvrtc/lib"
ptxas_dir="$tools/nvidia/cuda_nvcc/bin"

if [ ! -e "$nvrtc_lib/libnvrtc.so.12" ] || [ ! -x "$ptxas_dir/ptxas" ]; then
    echo "installing ${packages[*]} into $tools"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --upgrade \
        --target "$tools" "${packages[@]}"
fi

export LD_LIBRARY_PATH="$nvrtc_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PATH="$ptxas_dir:$PATH"
# Fail instead of skipping when NVRTC or ptxas cannot be found after all.
export VMAFX_REQUIRE_NVRTC=1 VMAFX_REQUIRE_PTXAS=1
# VMAFX_CHECK_FEATURES lets CI reuse the build of its other GPU steps (it must hold cuda).
cargo test -p vmafx --release --features "${VMAFX_CHECK_FEATURES:-cuda}" --lib backend::cuda "$@"
