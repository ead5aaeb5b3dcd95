#!/usr/bin/env bash
# The C API's end-to-end check: builds libvmafx and installs it into a temporary prefix,
# builds the C tests against it with meson (pkg-config), runs them natively and under
# valgrind, and checks that a C program prints the same VMAF as the vmafx CLI.
#
# Usage: ffi-tests/run.sh [--no-valgrind] [--keep]
#   --no-valgrind  skip the valgrind pass (it is on by default, and required in CI)
#   --keep         keep the temporary prefix and build folder, and print where they are
# Needs cargo, cc, c++, meson, ninja, pkg-config and valgrind.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
valgrind=1
keep=0
for arg in "$@"; do
    case "$arg" in
        --no-valgrind) valgrind=0 ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

missing=()
for tool in cargo cc c++ meson ninja pkg-config; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "$valgrind" = 1 ] && ! command -v valgrind >/dev/null; then
    missing+=(valgrind)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: missing tools: ${missing[*]} (Debian: apt-get install meson ninja-build pkg-config valgrind g++)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vmafx-ffi.XXXXXX")
if [ "$keep" = 1 ]; then
    echo "== work folder: $work"
else
    trap 'rm -rf "$work"' EXIT
fi
prefix=$work/prefix
build=$work/build

echo "== build libvmafx, the drop-in libvmaf and the vmafx CLI (one cargo run, so they share their build)"
(cd "$root" && cargo build --release -p vmafx-sys -p vmafx-libvmaf -p vmafx-cli)

echo "== install libvmafx into $prefix"
"$root/scripts/install-capi.sh" --prefix "$prefix" --no-build
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
pkg-config --modversion vmafx

echo "== the installed header alone compiles as C99, C11, C++11 and C++17"
header=$prefix/include/vmafx.h
for std in c99 c11; do
    cc -std=$std -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c "$header"
done
for std in c++11 c++17; do
    c++ -std=$std -Wall -Wextra -Wpedantic -Werror -fsyntax-only -x c++ "$header"
done
echo "header: 4 passed, 0 failed"

echo "== meson setup and compile (C99 and C++11, warnings are errors)"
meson setup "$build" "$root" >"$work/meson-setup.log" || { cat "$work/meson-setup.log"; exit 1; }
meson compile -C "$build"

. "$root/ffi-tests/meson-tests.sh"
run_meson_tests "$build" "$valgrind" 4

echo "== the C API and the CLI agree on the sample pair"
ref=$root/samples/testsrc2_352x288.ref.y4m
dist=$root/samples/testsrc2_352x288.x265_crf32.dist.y4m
# The CLI names the model as libvmaf's tool does (`vmaf_v0.6.1: ...`), the C program
# prints its report name (`vmaf: ...`): the values are compared.
from_c=$("$build/vmafx-score-c" "$ref" "$dist" | sed -n 's/^vmaf: //p')
from_cli=$("${CARGO_TARGET_DIR:-$root/target}/release/vmafx" -q -r "$ref" -d "$dist" |
    sed -n 's/^vmaf_v0\.6\.1: //p')
echo "C API: $from_c"
echo "CLI:   $from_cli"
if [ -z "$from_c" ] || [ "$from_c" != "$from_cli" ]; then
    echo "run.sh: the C API and the CLI disagree" >&2
    exit 1
fi
# One closing line in the form test runners use: meson tests (native and valgrind runs),
# the four header compilations and the CLI comparison.
passed=5
for json in "$build"/meson-logs/testlog*.json; do
    passed=$((passed + $(grep -c '"result": "OK"' "$json" || true)))
done
echo "ffi-tests: $passed passed, 0 failed"
