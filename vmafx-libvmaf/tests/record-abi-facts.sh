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
for header in libvmaf.h model.h picture.h feature.h; do
    git -C "$repo" show "$tag:libvmaf/include/libvmaf/$header" > "$work/include/libvmaf/$header"
done
cc -std=c11 -Wall -Wextra -Werror -I"$work/include" -o "$work/abi_facts" "$here/abi_facts.c"
{
    echo "/* ABI facts of libvmaf $tag's public headers ($(uname -m), $(cc --version | head -n 1))."
    echo " * Recorded by vmafx-libvmaf/tests/record-abi-facts.sh; do not edit. */"
    "$work/abi_facts"
} > "$here/abi_facts.txt"
echo "recorded $(grep -c '^FACT' "$here/abi_facts.txt") facts of libvmaf $tag into $here/abi_facts.txt"
