#!/usr/bin/env bash
# Builds a minimal FFmpeg 5.1 (Debian 12's source package) with the `vmafx` filter
# (ffmpeg/vf_vmafx.c, linked against libvmafx) and checks that the filter scores clips
# exactly as the vmafx CLI does. The same build has FFmpeg's own `libvmaf` filter,
# configured against the drop-in libvmaf (vmafx-libvmaf, its libvmaf.pc); its reports on
# the 8-bit conformance pairs must equal libvmaf's golden JSON (ffmpeg/compare-json.py).
#
# Usage: ffmpeg/build-and-test.sh [--clean]
#   --clean   throw the cached FFmpeg source and build away first
#
# Idempotent: the FFmpeg source, its build and the libvmafx install are cached under
# ${CARGO_TARGET_DIR:-target}/ffmpeg-build (or $VMAFX_FFMPEG_CACHE); a second run only
# rebuilds what changed. Needs cargo, and from Debian: build-essential pkg-config dpkg-dev
# xz-utils (installed with apt-get when missing), plus a deb-src entry for bookworm,
# which it adds (/etc/apt/sources.list.d/vmafx-bookworm-src.sources) when none gives
# FFmpeg 5.1. Conformance pairs come from $VMAFX_CONFORMANCE_DIR or ../shared/conformance;
# with VMAFX_REQUIRE_CONFORMANCE=1 their absence is a failure.
# The last line is `ffmpeg vmafx filter: N passed, M failed`; the exit status is 0 only
# when nothing failed.
set -euo pipefail

started=$SECONDS
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/ffmpeg
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target=$root/$target ;; esac
cache=${VMAFX_FFMPEG_CACHE:-$target/ffmpeg-build}
jobs=${VMAFX_FFMPEG_JOBS:-2}

for arg in "$@"; do
    case "$arg" in
        --clean) rm -rf "$cache" ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "build-and-test.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done
mkdir -p "$cache"

say() { echo "== $*"; }
die() { echo "build-and-test.sh: $*" >&2; echo "ffmpeg vmafx filter: 0 passed, 1 failed"; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}

# Installs the Debian packages whose command is missing; arguments are command:package.
ensure_tools() {
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------------------------------
# FFmpeg's source, from Debian 12's source package, extracted once.
src=$cache/src
download=$cache/download

# The newest 5.1 version of the ffmpeg source package apt knows of, or nothing.
ffmpeg_51_version() {
    { apt-cache showsrc ffmpeg 2>/dev/null || true; } |
        sed -n 's/^Version: \(.*:5\.1\..*\)/\1/p' | sort -V | tail -n 1
}

fetch_source() {
    ensure_tools apt-get:apt dpkg-source:dpkg-dev xz:xz-utils
    local version
    version=$(ffmpeg_51_version)
    if [ -z "$version" ]; then
        # Debian 12 lists its sources in deb822 files (debian.sources); add the source
        # entries next to them in the same format, which apt reads whatever else is used.
        say "adding a deb-src entry for bookworm"
        as_root tee /etc/apt/sources.list.d/vmafx-bookworm-src.sources >/dev/null <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
        as_root apt-get update -qq
        version=$(ffmpeg_51_version)
        [ -n "$version" ] || die "apt has no ffmpeg 5.1 source package even with bookworm's deb-src"
    fi
    say "apt-get source ffmpeg=$version"
    rm -rf "$download" "$src.tmp"
    mkdir -p "$download"
    # --download-only, then dpkg-source: apt would otherwise extract as a user it picks.
    (cd "$download" && apt-get source -qq --download-only "ffmpeg=$version" 2>&1 |
        grep -v 'unsandboxed as root' || true)
    local dsc
    dsc=$(ls "$download"/ffmpeg_*.dsc 2>/dev/null | head -n 1 || true)
    [ -n "$dsc" ] || die "apt-get source ffmpeg=$version downloaded nothing"
    # Its signature check warns without Debian's keyring; apt checked the files' hashes.
    dpkg-source -q -x "$dsc" "$src.tmp" >"$download/dpkg-source.log" 2>&1 || {
        cat "$download/dpkg-source.log"; die "dpkg-source -x $dsc failed"
    }
    echo "$version" > "$src.tmp/.vmafx-debian-version"
    mv "$src.tmp" "$src"
}

# Inserts line $3 after the first line of file $1 that starts with the text $2 (taken
# literally), unless the file already has line $3.
insert_after() {
    local file=$1 prefix=$2 line=$3
    grep -qxF -- "$line" "$file" && return 0
    awk -v prefix="$prefix" -v line="$line" '
        { print }
        !done && index($0, prefix) == 1 { print line; done = 1 }
        END { exit !done }
    ' "$file" > "$file.new" || {
        rm -f "$file.new"
        die "$file: no line starts with '$prefix'; cannot add the filter"
    }
    cat "$file.new" > "$file"
    rm -f "$file.new"
}

# Adds the filter to the source tree: its file, its registration, its build rule, and
# libvmafx as an external library in configure. Every step is skipped when already done.
patch_source() {
    cmp -s "$here/vf_vmafx.c" "$src/libavfilter/vf_vmafx.c" ||
        cp "$here/vf_vmafx.c" "$src/libavfilter/vf_vmafx.c"
    insert_after "$src/libavfilter/allfilters.c" 'extern const AVFilter ff_vf_libvmaf;' \
        'extern const AVFilter ff_vf_vmafx;'
    insert_after "$src/libavfilter/Makefile" 'OBJS-$(CONFIG_LIBVMAF_FILTER) ' \
        'OBJS-$(CONFIG_VMAFX_FILTER)                  += vf_vmafx.o framesync.o'
    insert_after "$src/configure" '  --enable-libvmaf ' \
        '  --enable-libvmafx        enable vmafx filter via libvmafx [no]'
    insert_after "$src/configure" '    libvmaf' '    libvmafx'
    insert_after "$src/configure" 'libvmaf_filter_deps=' 'vmafx_filter_deps="libvmafx"'
    insert_after "$src/configure" 'enabled libvmaf ' \
        'enabled libvmafx          && require_pkg_config libvmafx vmafx vmafx.h vmafx_stream_new'
}

if [ ! -f "$src/.vmafx-debian-version" ]; then
    step_started=$SECONDS
    fetch_source
    echo "FFmpeg source: $((SECONDS - step_started)) s"
fi
patch_source
say "FFmpeg source: Debian $(cat "$src/.vmafx-debian-version") in $src"

# ---------------------------------------------------------------------------------------
# libvmafx and the CLI, installed into a private prefix under the cache.
ensure_tools cc:build-essential make:make pkg-config:pkg-config
command -v cargo >/dev/null || die "cargo is missing"
say "cargo build --release -p vmafx-sys -p vmafx-libvmaf -p vmafx-cli"
(cd "$root" && cargo build --release -q -p vmafx-sys -p vmafx-libvmaf -p vmafx-cli)
cli=$target/release/vmafx
prefix=$cache/vmafx-prefix
# Stage the install, then copy only what changed, so an unchanged library leaves FFmpeg's
# build alone (the filter would otherwise recompile on every run for a new mtime).
stage=$(mktemp -d "${TMPDIR:-/tmp}/vmafx-ffmpeg-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
DESTDIR=$stage "$root/scripts/install-capi.sh" --prefix "$prefix" --no-build >/dev/null
changed=0
mkdir -p "$prefix"
for file in $(cd "$stage$prefix" && find . \( -type f -o -type l \) -print); do
    if [ -L "$stage$prefix/$file" ] || ! cmp -s "$stage$prefix/$file" "$prefix/$file"; then
        [ -L "$stage$prefix/$file" ] && [ "$(readlink "$stage$prefix/$file")" = "$(readlink "$prefix/$file" 2>/dev/null)" ] && continue
        mkdir -p "$(dirname "$prefix/$file")"
        cp -P "$stage$prefix/$file" "$prefix/$file.new"
        mv -f "$prefix/$file.new" "$prefix/$file"
        changed=1
    fi
done
for file in $(cd "$prefix" && find . \( -type f -o -type l \) -print); do
    [ -e "$stage$prefix/$file" ] || [ -L "$stage$prefix/$file" ] || { rm -f "$prefix/$file"; changed=1; }
done
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
say "libvmafx $(pkg-config --modversion vmafx) in $prefix"

# ---------------------------------------------------------------------------------------
# A minimal FFmpeg: the ffmpeg program, y4m in, null out, the vmafx filter, nothing else.
build=$cache/build
configure_args=(
    --disable-everything --disable-doc --disable-programs --enable-ffmpeg
    --disable-autodetect --disable-network --disable-x86asm --disable-debug
    --disable-avdevice --disable-swscale --disable-swresample --disable-postproc
    --enable-pthreads
    --enable-protocol=file,pipe
    --enable-demuxer=yuv4mpegpipe --enable-decoder=rawvideo
    --enable-muxer=null --enable-encoder=wrapped_avframe
    --enable-libvmafx --enable-filter=vmafx
    --enable-libvmaf --enable-filter=libvmaf
    --pkg-config=pkg-config
    "--extra-ldflags=-Wl,-rpath,$prefix/lib"
)
stamp="$(cat "$src/.vmafx-debian-version") ${configure_args[*]}"
build_started=$SECONDS
mkdir -p "$build"
if [ ! -f "$build/ffbuild/config.mak" ] || [ "$(cat "$build/.vmafx-configured" 2>/dev/null)" != "$stamp" ]; then
    say "configure (${configure_args[*]})"
    rm -f "$build/.vmafx-configured"
    (cd "$build" && "$src/configure" "${configure_args[@]}" >"$build/configure.log" 2>&1) || {
        tail -n 30 "$build/configure.log"; tail -n 30 "$build/ffbuild/config.log" 2>/dev/null
        die "FFmpeg's configure failed (log: $build/configure.log, $build/ffbuild/config.log)"
    }
    echo "$stamp" > "$build/.vmafx-configured"
    echo "configure: $((SECONDS - build_started)) s"
fi
grep -q '^CONFIG_VMAFX_FILTER=yes' "$build/ffbuild/config.mak" ||
    die "configure did not enable the vmafx filter (see $build/ffbuild/config.log)"
grep -q '^CONFIG_LIBVMAF_FILTER=yes' "$build/ffbuild/config.mak" ||
    die "configure did not enable the libvmaf filter against the drop-in libvmaf (see $build/ffbuild/config.log)"
say "make -j$jobs"
make_started=$SECONDS
# A new libvmafx (its soname may have changed) gets linked again.
[ "$changed" = 0 ] || rm -f "$build/ffmpeg" "$build/ffmpeg_g"
make -C "$build" -j"$jobs" >"$build/make.log" 2>&1 || {
    tail -n 40 "$build/make.log"
    die "building FFmpeg failed (log: $build/make.log)"
}
ffmpeg=$build/ffmpeg
filters=$("$ffmpeg" -hide_banner -filters 2>/dev/null) || die "$ffmpeg does not run"
grep -q ' vmafx ' <<<"$filters" || die "$ffmpeg has no vmafx filter"
grep -q ' libvmaf ' <<<"$filters" || die "$ffmpeg has no libvmaf filter"
echo "make: $((SECONDS - make_started)) s; FFmpeg build (configure and make): $((SECONDS - build_started)) s"

# ---------------------------------------------------------------------------------------
# Tests: the filter against the CLI, on the sample pair and the conformance pairs.
work=$cache/test
rm -rf "$work"
mkdir -p "$work"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# Value of pooled_metrics.<metric>.<method> in a report in libvmaf's JSON layout.
pooled() {
    awk -v metric="\"$2\": {" -v method="\"$3\":" '
        index($0, "\"pooled_metrics\"") { inside = 1 }
        inside && index($0, metric) { found = 1 }
        found && index($0, method) { gsub(/[ ,]/, ""); split($0, kv, ":"); print kv[2]; exit }
    ' "$1"
}

# A report without the lines that name the program or time the run.
comparable() { grep -v -E '^  "(version|fps|backend)":' "$1"; }

# check NAME REF DIST GOLDEN FILTER_OPTIONS CLI_ARGS...: the filter's logged score, its
# JSON report (every metric of every frame, and the pooled values) and, when GOLDEN is
# not "-", libvmaf's pooled VMAF must equal the CLI's.
check() {
    local name=$1 ref=$2 dist=$3 golden=$4 options=$5
    shift 5
    local out=$work/$name
    mkdir -p "$out"
    if ! "$cli" -q -r "$ref" -d "$dist" --json -o "$out/cli.json" "$@" >"$out/cli.txt" 2>&1; then
        fail "$name: the CLI failed: $(tail -n 1 "$out/cli.txt")"; return
    fi
    local filter="vmafx=log_fmt=json:log_path=$out/filter.json${options:+:$options}"
    if ! "$ffmpeg" -nostdin -hide_banner -nostats -i "$dist" -i "$ref" -lavfi "$filter" \
        -f null - >"$out/ffmpeg.txt" 2>&1; then
        fail "$name: ffmpeg failed: $(grep -m 1 -i 'error\|fail' "$out/ffmpeg.txt" || tail -n 1 "$out/ffmpeg.txt")"
        return
    fi
    local cli_score logged pooled_json
    # The CLI prints the mean, labelled by model version as libvmaf's tool does
    # (`vmaf_v0.6.1: 89.570779`); other pooling methods are read from its report.
    if [ "${pool:-mean}" = mean ]; then
        cli_score=$(sed -nE 's/^[^ ]+: ([0-9.]+)$/\1/p' "$out/cli.txt" | head -n 1)
    else
        cli_score=$(pooled "$out/cli.json" vmaf "$pool")
    fi
    logged=$(sed -n 's/.*VMAF score: //p' "$out/ffmpeg.txt" | head -n 1)
    pooled_json=$(pooled "$out/filter.json" vmaf "${pool:-mean}")
    local golden_score=-
    if [ "$golden" != - ]; then golden_score=$(pooled "$golden" vmaf mean); fi
    echo "$name: filter $logged (report $pooled_json), CLI $cli_score, libvmaf $golden_score"
    if [ -z "$cli_score" ] || [ "$logged" != "$cli_score" ] || [ "$pooled_json" != "$cli_score" ]; then
        fail "$name: the filter's score differs from the CLI's"
    elif ! diff <(comparable "$out/cli.json") <(comparable "$out/filter.json") >"$out/diff.txt"; then
        fail "$name: the filter's report differs from the CLI's (see $out/diff.txt)"
    elif [ "$golden" != - ] && [ "$golden_score" != "$cli_score" ]; then
        fail "$name: libvmaf's golden score is $golden_score"
    else
        pass "$name"
    fi
}

sample_ref=$root/samples/testsrc2_352x288.ref.y4m
sample_dist=$root/samples/testsrc2_352x288.x265_crf32.dist.y4m
check sample_8bit_420 "$sample_ref" "$sample_dist" - ""
# Options: features, two models, subsampling, one thread, a pooling method; the CLI takes
# the same request in its own flags.
pool=harmonic_mean check sample_options "$sample_ref" "$sample_dist" - \
    "model='version=vmaf_v0.6.1|version=vmaf_v0.6.1neg\\:name=vmaf_neg':feature=name=psnr|name=float_ssim:n_subsample=2:n_threads=1:pool=harmonic_mean" \
    -m version=vmaf_v0.6.1 -m version=vmaf_v0.6.1neg:name=vmaf_neg \
    --feature psnr --feature float_ssim --subsample 2 --threads 1

# A named backend: the CPU scores as before; one this build lacks is refused, saying why.
check sample_backend_cpu "$sample_ref" "$sample_dist" - "backend=cpu" --backend cpu
out=$work/backend_missing
mkdir -p "$out"
if "$ffmpeg" -nostdin -hide_banner -nostats -i "$sample_dist" -i "$sample_ref" \
    -lavfi vmafx=backend=cuda -f null - >"$out/ffmpeg.txt" 2>&1; then
    fail "backend_missing: ffmpeg accepted backend=cuda in a build without it"
elif grep -q 'cuda: not compiled in' "$out/ffmpeg.txt"; then
    pass "backend_missing (refused: $(grep -m 1 -o 'cuda: not compiled in[^(]*' "$out/ffmpeg.txt"))"
else
    fail "backend_missing: ffmpeg failed without the expected message (see $out/ffmpeg.txt)"
fi

conformance=${VMAFX_CONFORMANCE_DIR:-$root/../shared/conformance}
clips=$conformance/clips
if [ -d "$clips" ]; then
    for pair in carphone_176x144_yuv420p10le__av1_crf40 gradients_320x240_yuv420p10le__x265_crf30 \
        bikes_320x240_yuv422p__x264_crf30 testsrc2_320x240_yuv444p__x264_crf35 \
        bikes_337x191_yuv420p__x264_crf30; do
        check "$pair" "$clips/${pair%__*}.ref.y4m" "$clips/$pair.dist.y4m" \
            "$clips/$pair.vmaf_v0.6.1.json" ""
    done

    # Refusals: inputs of different bit depths must fail with a message saying so.
    out=$work/mismatch
    mkdir -p "$out"
    if "$ffmpeg" -nostdin -hide_banner -nostats -i "$clips/carphone_176x144_yuv420p10le.ref.y4m" \
        -i "$clips/carphone_176x144_yuv420p.ref.y4m" -lavfi vmafx -f null - >"$out/ffmpeg.txt" 2>&1; then
        fail "mismatch: ffmpeg accepted a 10-bit and an 8-bit input"
    elif grep -q 'the distorted video is yuv420p10le but the reference is yuv420p' "$out/ffmpeg.txt"; then
        pass "mismatch (refused: $(grep -m 1 -o 'the distorted video is .*;' "$out/ffmpeg.txt"))"
    else
        fail "mismatch: ffmpeg failed without the expected message (see $out/ffmpeg.txt)"
    fi
elif [ "${VMAFX_REQUIRE_CONFORMANCE:-0}" = 1 ]; then
    fail "conformance clips missing at $clips"
else
    echo "SKIP conformance pairs: $clips is missing"
fi

# ---------------------------------------------------------------------------------------
# FFmpeg's own libvmaf filter, unchanged, on the drop-in libvmaf: every per-frame and
# pooled value must equal libvmaf's golden JSON as printed, and, without threads, the
# report must be libvmaf's text apart from the version and fps lines.
if [ -d "$clips" ]; then
    ensure_tools python3:python3
    say "FFmpeg's libvmaf filter on the drop-in libvmaf ($(pkg-config --modversion libvmaf))"
    # 8-bit pairs against libvmaf's golden JSON; 10-bit pairs against the same filter
    # linked with the real libvmaf (ffmpeg/expected, see its README).
    while read -r name ref dist golden options compare; do
        out=$work/libvmaf/$name
        mkdir -p "$out"
        if ! "$ffmpeg" -nostdin -hide_banner -nostats -i "$dist" -i "$ref" \
            -lavfi "libvmaf=$options:log_fmt=json:log_path=$out/report.json" \
            -f null - >"$out/ffmpeg.txt" 2>&1; then
            fail "libvmaf $name: ffmpeg failed: $(grep -m 1 -i 'error\|fail' "$out/ffmpeg.txt" || tail -n 1 "$out/ffmpeg.txt")"
            continue
        fi
        if verdict=$(python3 "$here/compare-json.py" "$golden" "$out/report.json" $compare); then
            pass "libvmaf $name ($options): $verdict"
        else
            fail "libvmaf $name ($options): $verdict"
        fi
    done < <(python3 "$here/libvmaf-cases.py" "$conformance"; python3 "$here/libvmaf-cases.py" "$conformance" --10bit)

    # 12-bit video: FFmpeg 5.1's libvmaf filter takes 8- and 10-bit formats only, so
    # FFmpeg itself refuses the pair, whatever library is behind the filter.
    out=$work/libvmaf/12bit
    mkdir -p "$out"
    if "$ffmpeg" -nostdin -hide_banner -nostats -i "$clips/bikes_320x240_yuv420p12le__blur_noise.dist.y4m" \
        -i "$clips/bikes_320x240_yuv420p12le.ref.y4m" -lavfi libvmaf -f null - >"$out/ffmpeg.txt" 2>&1; then
        fail "libvmaf 12bit: ffmpeg accepted 12-bit input"
    else
        pass "libvmaf 12bit (refused by FFmpeg: $(grep -m 1 -i 'error\|impossible\|fail' "$out/ffmpeg.txt" | cut -c1-100))"
    fi
fi

echo "total time: $((SECONDS - started)) s"
echo "ffmpeg vmafx filter: $passed passed, $failed failed"
[ "$failed" = 0 ]
