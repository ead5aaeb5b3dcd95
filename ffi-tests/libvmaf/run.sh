#!/usr/bin/env bash
# The drop-in libvmaf's end-to-end check: builds it (crate vmafx-libvmaf) and installs it
# with scripts/install-capi.sh into a temporary prefix, compiles the installed headers
# alone, builds the C tests in this folder with meson against pkg-config's `libvmaf`,
# runs them natively and under valgrind, and checks that an application of the libvmaf
# API writes the same report as the vmafx CLI (with and without threads/subsampling).
#
# Usage: ffi-tests/libvmaf/run.sh [--no-valgrind] [--keep]
# Needs cargo, cc, c++, meson, ninja, pkg-config and valgrind. The last line is
# `libvmaf-tests: N passed, M failed`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
valgrind=1
keep=0
for arg in "$@"; do
    case "$arg" in
        --no-valgrind) valgrind=0 ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vmafx-libvmaf.XXXXXX")
if [ "$keep" = 1 ]; then echo "== work folder: $work"; else trap 'rm -rf "$work"' EXIT; fi
prefix=$work/prefix
build=$work/build
passed=0
failed=0

echo "== build the drop-in libvmaf, libvmafx and the vmafx CLI"
(cd "$root" && cargo build --release -p vmafx-sys -p vmafx-libvmaf -p vmafx-cli)
"$root/scripts/install-capi.sh" --prefix "$prefix" --no-build
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
echo "libvmaf.pc: $(pkg-config --modversion libvmaf); soname: $(readelf -d "$prefix/lib/libvmaf.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
[ "$(pkg-config --modversion libvmaf)" = 3.2.0 ] || { echo "run.sh: libvmaf.pc is not 3.2.0" >&2; exit 1; }

echo "== each installed API header alone compiles as C99, C11, C++11 and C++17"
# (version.h holds only macros: alone it is an empty translation unit.)
for header in "$prefix"/include/libvmaf/{libvmaf,model,picture,feature}.h; do
    for std in c99 c11; do
        cc -std=$std -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$prefix/include" -x c "$header"
    done
    for std in c++11 c++17; do
        c++ -std=$std -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$prefix/include" -x c++ "$header"
    done
    passed=$((passed + 4))
done

echo "== libvmaf_cuda.h (installed only by CUDA builds) has libvmaf 3.2's ABI too"
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -DWITH_CUDA \
    -I"$root/vmafx-libvmaf/include" -I"$root/vmafx-libvmaf/tests" "$here/test_abi.c"
passed=$((passed + 1))

echo "== meson setup and compile"
meson setup "$build" "$here" >"$work/meson-setup.log" || { cat "$work/meson-setup.log"; exit 1; }
meson compile -C "$build"
. "$root/ffi-tests/meson-tests.sh"
run_meson_tests "$build" "$valgrind" 8
for json in "$build"/meson-logs/testlog*.json; do
    passed=$((passed + $(grep -c '"result": "OK"' "$json" || true)))
done

echo "== an application of the libvmaf API and the vmafx CLI write the same report"
ref=$root/samples/testsrc2_352x288.ref.y4m
dist=$root/samples/testsrc2_352x288.x265_crf32.dist.y4m
cli=${CARGO_TARGET_DIR:-$root/target}/release/vmafx
comparable() { grep -v -E '^  "(version|fps|backend)":' "$1"; }
# threads subsample: the CLI's --threads N (N >= 1) is libvmaf's n_threads ordering.
for run in "0 1" "2 1" "1 3"; do
    set -- $run
    app_score=$("$build/libvmaf-score" "$ref" "$dist" "$work/app.json" "$1" "$2")
    cli_args=(--subsample "$2")
    [ "$1" = 0 ] || cli_args+=(--threads "$1")
    cli_score=$("$cli" -q -r "$ref" -d "$dist" --feature psnr --feature float_ssim \
        "${cli_args[@]}" --json -o "$work/cli.json" | sed -n 's/^vmaf_v0\.6\.1: /vmaf: /p')
    # The CLI names the model by its version, as libvmaf's tool does; the application
    # prints the report name: the sed above puts both in one form.
    if [ -n "$app_score" ] && [ "$app_score" = "$cli_score" ] && diff <(comparable "$work/cli.json") <(comparable "$work/app.json") >/dev/null; then
        passed=$((passed + 1)); echo "PASS n_threads=$1 n_subsample=$2: $app_score, reports equal"
    else
        failed=$((failed + 1)); echo "FAIL n_threads=$1 n_subsample=$2: application $app_score, CLI $cli_score"
    fi
done
echo "libvmaf-tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
