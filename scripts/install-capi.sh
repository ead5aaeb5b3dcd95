#!/usr/bin/env bash
# Builds the VMAFX C libraries and installs them for C and C++ programs:
#   PREFIX/include/vmafx.h
#   PREFIX/lib/libvmafx.so.X.Y.Z, libvmafx.so.ABI, libvmafx.so, libvmafx.a
#   PREFIX/lib/pkgconfig/vmafx.pc
# and the drop-in libvmaf (crate vmafx-libvmaf, libvmaf 3.x's API and ABI):
#   PREFIX/include/libvmaf/{libvmaf,model,picture,feature,version}.h
#   PREFIX/lib/libvmaf.so.3.2.0, libvmaf.so.3, libvmaf.so, libvmaf.a
#   PREFIX/lib/pkgconfig/libvmaf.pc (version 3.2.0)
#
# Usage: scripts/install-capi.sh [--prefix DIR] [--libdir DIR] [--no-build]
#   --prefix DIR   install root (default /usr/local)
#   --libdir DIR   library folder, absolute or relative to the prefix (default lib)
#   --no-build     install what target/release already holds
# DESTDIR is honoured, as in `make install`; VMAFX_FEATURES adds Cargo features (e.g.
# `vmafx/cuda` for the CUDA backend, `vmafx-libvmaf/cuda` for the drop-in's
# libvmaf_cuda.h entry points). Needs cargo, a C toolchain and coreutils.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
libdir=lib
build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --libdir) libdir=${2:?--libdir needs a folder}; shift 2 ;;
        --libdir=*) libdir=${1#--libdir=}; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "install-capi.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
case "$prefix" in
    /*) ;;
    *) prefix=$(pwd)/$prefix ;;
esac
case "$libdir" in
    /*) ;;
    *) libdir=$prefix/$libdir ;;
esac
includedir=$prefix/include

if [ "$build" = 1 ]; then
    (cd "$root" && cargo build --release -p vmafx-sys -p vmafx-libvmaf ${VMAFX_FEATURES:+--features "$VMAFX_FEATURES"})
fi
target=${CARGO_TARGET_DIR:-$root/target}/release
for file in libvmafx.so libvmafx.a libvmaf.so libvmaf.a; do
    [ -f "$target/$file" ] || { echo "install-capi.sh: $target/$file is missing" >&2; exit 1; }
done

# Version and ABI name, as vmafx-sys/build.rs sets the soname: 0.MINOR before 1.0.
version=$(cd "$root" && cargo pkgid -p vmafx-sys | sed 's/.*[#@]//')
major=${version%%.*}
minor=${version#*.}; minor=${minor%%.*}
if [ "$major" = 0 ]; then abi=0.$minor; else abi=$major; fi

# The system libraries a Rust static library needs, as rustc reports them for this
# target (the same for every staticlib that uses only std).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo 'pub fn unused() {}' > "$scratch/probe.rs"
private_libs=$(rustc --crate-type staticlib --print native-static-libs \
    -o "$scratch/libprobe.a" "$scratch/probe.rs" 2>&1 |
    sed -n 's/.*native-static-libs: //p' | tail -n 1)

dest_lib=${DESTDIR:-}$libdir
dest_include=${DESTDIR:-}$includedir
install -d "$dest_lib/pkgconfig" "$dest_include"
install -m 644 "$root/include/vmafx.h" "$dest_include/vmafx.h"
install -m 755 "$target/libvmafx.so" "$dest_lib/libvmafx.so.$version"
ln -sf "libvmafx.so.$version" "$dest_lib/libvmafx.so.$abi"
ln -sf "libvmafx.so.$abi" "$dest_lib/libvmafx.so"
install -m 644 "$target/libvmafx.a" "$dest_lib/libvmafx.a"

# Paths under the prefix are written relative to ${prefix}, so a moved tree still works
# with pkg-config --define-prefix.
pc_libdir=$libdir
pc_includedir=$includedir
case "$libdir" in "$prefix"/*) pc_libdir="\${prefix}${libdir#"$prefix"}" ;; esac
case "$includedir" in "$prefix"/*) pc_includedir="\${prefix}${includedir#"$prefix"}" ;; esac
cat > "$dest_lib/pkgconfig/vmafx.pc" <<PC
prefix=$prefix
libdir=$pc_libdir
includedir=$pc_includedir

Name: vmafx
Description: VMAF video quality scores equal to libvmaf's (VMAFX C API)
Version: $version
Libs: -L\${libdir} -lvmafx
Libs.private: $private_libs
Cflags: -I\${includedir}
PC

# The drop-in libvmaf: libvmaf's file names, soname (libvmaf.so.3, set by
# vmafx-libvmaf/build.rs) and pkg-config module at the libvmaf API version it implements.
libvmaf_version=3.2.0
install -d "$dest_include/libvmaf"
for header in "$root"/vmafx-libvmaf/include/libvmaf/*.h; do
    # As libvmaf, the CUDA header comes only with a library that has the CUDA entry
    # points (built with the feature vmafx-libvmaf/cuda).
    if [ "$(basename "$header")" = libvmaf_cuda.h ] &&
        ! nm -D --defined-only "$target/libvmaf.so" 2>/dev/null | grep -q ' vmaf_cuda_state_init$'; then
        continue
    fi
    install -m 644 "$header" "$dest_include/libvmaf/$(basename "$header")"
done
install -m 755 "$target/libvmaf.so" "$dest_lib/libvmaf.so.$libvmaf_version"
ln -sf "libvmaf.so.$libvmaf_version" "$dest_lib/libvmaf.so.${libvmaf_version%%.*}"
ln -sf "libvmaf.so.${libvmaf_version%%.*}" "$dest_lib/libvmaf.so"
install -m 644 "$target/libvmaf.a" "$dest_lib/libvmaf.a"
cat > "$dest_lib/pkgconfig/libvmaf.pc" <<PC
prefix=$prefix
libdir=$pc_libdir
includedir=$pc_includedir

Name: libvmaf
Description: VMAF video quality metric, libvmaf $libvmaf_version API (computed by VMAFX $version)
Version: $libvmaf_version
Libs: -L\${libdir} -lvmaf
Libs.private: $private_libs
Cflags: -I\${includedir} -I\${includedir}/libvmaf
PC

echo "installed vmafx $version into ${DESTDIR:-}$prefix and the drop-in libvmaf $libvmaf_version (headers $includedir, libraries $libdir)"
