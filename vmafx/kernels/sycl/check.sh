#!/usr/bin/env bash
# Host-side check of the SYCL kernel library without a DPC++ compiler: parses
# vmafx_sycl.cpp (and through it vmafx/kernels/cuda/*) against the SYCL headers of Intel's
# `intel-sycl-rt` wheel from PyPI, with a plain C++17 compiler (g++ by default; set CXX
# to use another, e.g. clang++-15).
#
# What it checks: the C ABI code, the launch dispatch for every kernel in the
# VMAFX_*_KERNELS lists (a host compile instantiates each parallel_for body, so each
# kernel's call with its unpacked parameters is type-checked) and that the kernels
# parse as SYCL host code with portable.h's SYCL branch. What it cannot check: the
# device compilation (SPIR-V generation, device restrictions such as no function
# pointers or recursion); that needs DPC++ (vmafx/kernels/sycl/build.sh).
#
# The headers are downloaded once (about 170 MB wheel, 8 MB kept) into
# VMAFX_SYCL_HEADERS_CACHE (default: ~/.cache/vmafx/intel-sycl-rt-<version>).
set -euo pipefail

version=2026.2.0
here=$(cd "$(dirname "$0")" && pwd)
cache=${VMAFX_SYCL_HEADERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmafx/intel-sycl-rt-$version}
include=$cache/include

if [ ! -f "$include/sycl/sycl.hpp" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --dest "$work" "intel-sycl-rt==$version"
    # Only the headers; into a temporary folder first so that an interrupted run
    # leaves no half-filled cache.
    python3 - "$work"/intel_sycl_rt-*.whl "$work/include" <<'PY'
import sys, zipfile, pathlib
wheel, target = sys.argv[1], pathlib.Path(sys.argv[2])
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        marker = ".data/data/include/"
        if marker not in name or name.endswith("/"):
            continue
        relative = name.split(marker, 1)[1]
        out = target / relative
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(z.read(name))
PY
    mkdir -p "$cache"
    rm -rf "$include"
    mv "$work/include" "$include"
fi

# SYCL_LANGUAGE_VERSION is what DPC++ defines for SYCL sources (portable.h selects its
# SYCL branch on it). With it, the headers spell deprecations as attributes that only
# clang accepts in class heads; SYCL2020_DISABLE_DEPRECATION_WARNINGS leaves them out.
"${CXX:-g++}" -std=c++17 -fsyntax-only -Wall -Wextra -Werror \
    -DSYCL_LANGUAGE_VERSION=202012L -DSYCL2020_DISABLE_DEPRECATION_WARNINGS \
    -isystem "$include" "$here/vmafx_sycl.cpp"
echo "vmafx/kernels/sycl/check.sh: vmafx_sycl.cpp parses as SYCL host code" \
    "(intel-sycl-rt $version headers, ${CXX:-g++})"
