"""Shared fixtures: the bundled dataset and the published reference files."""

from pathlib import Path

import pytest

from analyses.data import dataset as data
from analyses.data.paths import ROOT

REFERENCE = Path(__import__("os").environ.get("EFP_REFERENCE_DATA", ROOT.parent / "shared" / "reference-data"))
CSC = REFERENCE / "dfe-csc-outcomes-enablers"


@pytest.fixture(scope="session")
def ds():
    return data.load()


@pytest.fixture(scope="session")
def reference():
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE} (set EFP_REFERENCE_DATA)")
    return REFERENCE
