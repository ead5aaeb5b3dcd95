#!/usr/bin/env bash
# Regenerates the committed SPIR-V of every compute kernel: spv/<name>.spv.
#
#   vmafx/kernels/vulkan/build.sh            rebuild spv/ in place
#   vmafx/kernels/vulkan/build.sh --check    rebuild into a temporary folder and compare
#
# Needs glslc (Debian/Ubuntu package `glslc`). The flags are pinned; the compiler version
# used last is recorded in spv/GLSLC_VERSION, and --check only compares bytes when the
# installed glslc reports the same version (other versions may encode differently).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
flags=(--target-env=vulkan1.1 -O -Werror -x glsl -fshader-stage=compute)

if ! command -v glslc >/dev/null; then
    echo "glslc not found: install the glslc package" >&2
    exit 2
fi
version="$(glslc --version)"

compile_all() {
    local out="$1"
    mkdir -p "$out"
    for source in "$here"/*.comp; do
        name="$(basename "$source" .comp)"
        glslc "${flags[@]}" -I "$here" -o "$out/$name.spv" "$source"
    done
}

if [[ "${1:-}" == "--check" ]]; then
    if [[ "$version" != "$(cat "$here/spv/GLSLC_VERSION")" ]]; then
        echo "skipped: glslc differs from the one that built spv/ (see spv/GLSLC_VERSION)"
        exit 0
    fi
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    compile_all "$tmp"
    status=0
    for built in "$tmp"/*.spv; do
        name="$(basename "$built")"
        if ! cmp -s "$built" "$here/spv/$name"; then
            echo "differs: spv/$name" >&2
            status=1
        fi
    done
    for committed in "$here"/spv/*.spv; do
        [[ -e "$tmp/$(basename "$committed")" ]] || { echo "stale: $committed" >&2; status=1; }
    done
    [[ $status == 0 ]] && echo "spv/ is up to date"
    exit $status
fi

rm -f "$here"/spv/*.spv
compile_all "$here/spv"
echo "$version" > "$here/spv/GLSLC_VERSION"
