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
# the workspace's profiles (artifacts are only reused when the profile is the same).
python3 - "$workspace/Cargo.toml" "$scratch/Cargo.toml" "${members[@]}" <<'PY'
import json, sys, tomllib

source, output, members = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(source, "rb") as f:
    profiles = tomllib.load(f).get("profile", {})

def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, str)):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise SystemExit(f"package-check: unsupported profile value {v!r}")

def table(name, entries, lines):
    lines.append(f"\n[{name}]")
    nested = []
    for key, v in entries.items():
        if isinstance(v, dict):
            nested.append((f"{name}.{json.dumps(key)}", v))
        else:
            lines.append(f"{json.dumps(key)} = {value(v)}")
    for name, entries in nested:
        table(name, entries, lines)

lines = [
    "[workspace]",
    'resolver = "2"',
    "members = [" + ", ".join(json.dumps(m) for m in members) + "]",
    "",
    "[patch.crates-io]",
    "vmafx = { path = " + json.dumps(members[0]) + " }",
]
for name, entries in profiles.items():
    table(f"profile.{name}", entries, lines)
with open(output, "w") as f:
    f.write("\n".join(lines) + "\n")
PY
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
