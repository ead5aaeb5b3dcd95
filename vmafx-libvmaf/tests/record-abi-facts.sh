#!/usr/bin/env bash
# Records abi_facts.txt: compiles abi_facts.c against libvmaf's own public headers,
# taken from a libvmaf git repository at a tag (nothing else of libvmaf is used), and
# runs it.
#
# Usage: vmafx-libvmaf/tests/record-abi-facts.sh LIBVMAF_GIT_DIR [TAG]   (TAG: v3.2.0)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${1:?usage: record-abi-facts.sh LIBVMAF_GIT_DIR [TAG]}
tag=${2:-v3.2.0}
work=$(mktemp -d "${TMPDIR:-/tmp}/libvmaf-abi.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/include/libvmaf"
for header in libvmaf.h model.h picture.h feature.h libvmaf_cuda.h; do
    git -C "$repo" show "$tag:libvmaf/include/libvmaf/$header" > "$work/include/libvmaf/$header"
done
# abi_facts.txt: the four headers every build installs; abi_facts_cuda.txt: with
# libvmaf_cuda.h too.
for variant in "" _cuda; do
    defines=()
    [ -z "$variant" ] || defines=(-DWITH_CUDA)
    cc -std=c11 -Wall -Wextra -Werror "${defines[@]}" -I"$work/include" -o "$work/abi_facts" "$here/abi_facts.c"
    out=$here/abi_facts$variant.txt
    {
        echo "/* ABI facts of libvmaf $tag's public headers${variant:+ and libvmaf_cuda.h} ($(uname -m), $(cc --version | head -n 1))."
        echo " * Recorded by vmafx-libvmaf/tests/record-abi-facts.sh; do not edit. */"
        "$work/abi_facts"
    } > "$out"
    echo "recorded $(grep -c '^FACT' "$out") facts of libvmaf $tag into $out"
done
