#!/usr/bin/env bash
# Packages the publishable crates, vmafx and vmafx-sys, as `cargo publish` would, then
# unpacks the .crate files and builds them with every feature: the packages must hold
# everything their builds read (kernels, SPIR-V, models), and nothing outside them.
#
#   scripts/package-check.sh [cargo package arguments, e.g. --allow-dirty]
#
# The unpacked crates form a scratch workspace in which [patch.crates-io] points
# vmafx-sys's `vmafx` dependency at the unpacked vmafx. It builds with the workspace's
# Cargo.lock and release profile, and with the workspace's target folder as cargo's
# build directory, so the dependencies built by earlier steps are reused and only the
# two crates compile; their final artifacts go to a folder of their own, leaving the
# workspace's target/release/libvmafx.* alone. The build must not change the
# unpacked sources (a build script writing next to its sources would).
# Network: crates.io only (its index, and dependencies not yet in cargo's cache).
set -euo pipefail
cd "$(dirname "$0")/.."

workspace=$PWD
target=${CARGO_TARGET_DIR:-$workspace/target}
crates=(vmafx vmafx-sys)

echo "-- cargo package -p vmafx -p vmafx-sys"
# No verify build: it would build the default features only, in the debug profile;
# the build below covers every feature.
cargo package -p vmafx -p vmafx-sys --no-verify "$@"

scratch=$target/package-check
rm -rf "$scratch"
mkdir -p "$scratch"
members=()
for crate in "${crates[@]}"; do
    version=$(cargo pkgid -p "$crate" | sed 's/.*[#@]//')
    archive=$target/package/$crate-$version.crate
    echo "$(du -k "$archive" | cut -f1) KiB  $archive ($(tar -tzf "$archive" | wc -l) files)"
    tar -xzf "$archive" -C "$scratch"
    members+=("$crate-$version")
done

# The scratch workspace: both crates, vmafx patched in from its unpacked folder, and
# the workspace's [profile.*] tables verbatim (artifacts are only reused when the
# profile is the same).
{
    echo "[workspace]"
    echo 'resolver = "2"'
    echo "members = [\"${members[0]}\", \"${members[1]}\"]"
    echo
    echo "[patch.crates-io]"
    echo "vmafx = { path = \"${members[0]}\" }"
    echo
    awk '/^\[/ { keep = ($0 ~ /^\[profile\./) } keep' Cargo.toml
} >"$scratch/Cargo.toml"
cp Cargo.lock "$scratch/Cargo.lock"

fingerprint() {
    (cd "$scratch" && find "${members[@]}" -type f -print0 | sort -z | xargs -0 sha256sum)
}
before=$(fingerprint)

echo "-- cargo build --release --workspace --all-features (the unpacked crates)"
(
    cd "$scratch"
    CARGO_BUILD_BUILD_DIR=$target CARGO_TARGET_DIR=$scratch/target \
        cargo build --release --workspace --all-features
)

if [ "$(fingerprint)" != "$before" ]; then
    echo "package-check: building changed the packaged sources:" >&2
    diff <(echo "$before") <(fingerprint) >&2 || true
    exit 1
fi
echo "package-check: vmafx and vmafx-sys build from their packages with every feature"
