#!/usr/bin/env bash
# Records ffmpeg/expected/*.json: the reports of FFmpeg 5.1's libvmaf filter linked with
# the REAL libvmaf 3.2 on the 10-bit conformance pairs, the reference for the drop-in
# libvmaf there (FFmpeg 5.1 copies only the first `w` bytes of each 10-bit row, so
# libvmaf's golden JSON, made by its CLI, does not apply).
#
# Usage: ffmpeg/record-expected.sh FFMPEG_WITH_REAL_LIBVMAF [CONFORMANCE_DIR]
# How that FFmpeg was built: libvmaf v3.2.0 from Netflix's repository (meson,
# -Denable_float=true -Denable_asm=false, installed under /tmp), and the same FFmpeg 5.1
# source and configure options as ffmpeg/build-and-test.sh, with --enable-libvmaf and
# --enable-filter=libvmaf instead of the vmafx filter, PKG_CONFIG_PATH at that install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ffmpeg=${1:?usage: record-expected.sh FFMPEG_WITH_REAL_LIBVMAF [CONFORMANCE_DIR]}
conformance=${2:-${VMAFX_CONFORMANCE_DIR:-$here/../../shared/conformance}}
mkdir -p "$here/expected"
while read -r name ref dist expected options compare; do
    "$ffmpeg" -nostdin -hide_banner -nostats -loglevel error -i "$dist" -i "$ref" \
        -lavfi "libvmaf=$options:log_fmt=json:log_path=$expected" -f null -
    echo "recorded $(basename "$expected") ($options)"
done < <(python3 "$here/libvmaf-cases.py" "$conformance" --10bit)
