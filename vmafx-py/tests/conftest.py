"""Fixtures: the conformance corpus, the sample pair and the CLI, found the way the
Rust tests find them."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

REPO = pathlib.Path(__file__).resolve().parents[2]


def _required(variable: str) -> bool:
    return bool(os.environ.get(variable))


@pytest.fixture(scope="session")
def corpus() -> pathlib.Path:
    """The conformance corpus: VMAFX_CONFORMANCE_DIR, else ../shared/conformance beside
    the repository. Tests skip without it, unless VMAFX_REQUIRE_CONFORMANCE is set."""
    candidates = []
    if os.environ.get("VMAFX_CONFORMANCE_DIR"):
        candidates.append(pathlib.Path(os.environ["VMAFX_CONFORMANCE_DIR"]))
    candidates.append(REPO.parent / "shared" / "conformance")
    for directory in candidates:
        if (directory / "manifest.json").is_file():
            return directory
    if _required("VMAFX_REQUIRE_CONFORMANCE"):
        pytest.fail("conformance corpus not found (set VMAFX_CONFORMANCE_DIR)")
    pytest.skip("conformance corpus not found")


@pytest.fixture(scope="session")
def manifest(corpus: pathlib.Path) -> dict:
    return json.loads((corpus / "manifest.json").read_text())


@pytest.fixture(scope="session")
def sample_pair() -> tuple:
    """The repository's sample pair (samples/), 8-bit 4:2:0."""
    directory = REPO / "samples"
    reference = directory / "testsrc2_352x288.ref.y4m"
    distorted = directory / "testsrc2_352x288.x265_crf32.dist.y4m"
    if not (reference.is_file() and distorted.is_file()):
        pytest.skip("samples/ not found")
    return reference, distorted


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The vmafx CLI: VMAFX_CLI, else the workspace's release build, else PATH. Tests
    that compare with it skip without it, unless VMAFX_REQUIRE_CLI is set."""
    candidates = [os.environ.get("VMAFX_CLI"), str(REPO / "target" / "release" / "vmafx")]
    candidates.append(shutil.which("vmafx"))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return pathlib.Path(candidate)
    if _required("VMAFX_REQUIRE_CLI"):
        pytest.fail("vmafx CLI not found (set VMAFX_CLI)")
    pytest.skip("vmafx CLI not found")
