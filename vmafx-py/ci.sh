#!/usr/bin/env bash
# The Python package in CI: lint the extension crate, build one release wheel, install it
# into a fresh virtual environment and run the pytest suite against the installed package.
#
# Reuses the workspace's target directory (CARGO_TARGET_DIR, else ../target), so the
# core library's dependencies are not built again; the conformance corpus is found at
# ../shared/conformance or VMAFX_CONFORMANCE_DIR, and its absence fails the run.
set -euo pipefail
cd "$(dirname "$0")"
here=$PWD
repo=$(cd .. && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS

echo "-- format and lint (vmafx-py is outside the workspace: its own Cargo.lock)"
cargo fmt --check
PYO3_BUILD_EXTENSION_MODULE=1 cargo clippy --locked --release --all-targets -- -D warnings

echo "-- the CLI the writer tests compare with"
(cd "$repo" && cargo build --release --locked -p vmafx-cli)

echo "-- maturin (kept between runs in the target directory)"
tools=$CARGO_TARGET_DIR/python-tools
if [ ! -x "$tools/bin/maturin" ]; then
    "$python" -m venv "$tools"
    "$tools/bin/pip" install --quiet "maturin>=1.7,<2"
fi

echo "-- one release wheel (abi3: CPython 3.9 and later)"
"$tools/bin/maturin" build --release --locked --out "$work/wheels"
wheel=$(ls "$work"/wheels/vmafx-*.whl)
echo "wheel: $(basename "$wheel"), $(du -k "$wheel" | cut -f1) KiB"

echo "-- a fresh virtual environment with the wheel, numpy, pandas and pytest"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$wheel" pytest pandas

echo "-- pytest against the installed package"
# Run from outside the checkout so that `import vmafx` finds the installed wheel.
cd "$work"
VMAFX_REQUIRE_CONFORMANCE=1 VMAFX_REQUIRE_CLI=1 VMAFX_CLI="$CARGO_TARGET_DIR/release/vmafx" \
    "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$here/tests"
echo "vmafx-py: done in $((SECONDS - started)) s"
