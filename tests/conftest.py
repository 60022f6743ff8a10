"""Shared fixtures: the bundled dataset, the published reference files and the built site."""

import os
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


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site (the book and every area's pages), built once for the whole session: the
    folder ``$EFP_SITE_DIR`` if set (no build), else ``_build/html``, built first by
    ``scripts/build.sh`` unless it is current (``analyses.devtools.browser.ensure_built``)."""
    from analyses.devtools.browser import ensure_built

    folder = os.environ.get("EFP_SITE_DIR")
    return Path(folder) if folder else ensure_built(ROOT)
