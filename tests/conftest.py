"""Shared fixtures: the bundled dataset, the published reference files, the built site, its server and\nthe browser."""

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


@pytest.fixture(scope="session")
def base_url(site):
    """The built site served on 127.0.0.1, for the whole session."""
    from analyses.devtools.browser import serve

    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian chromium for every browser test of the session. Playwright's sync API
    allows one instance per thread at a time, so no test module starts its own (a test that must,
    as the live workshop's, drives it from a thread of its own)."""
    from playwright.sync_api import sync_playwright

    from analyses.devtools.browser import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


REPORT_LAS = ("York", "Isles of Scilly")  # reports made through the CLI, as an analyst makes them


@pytest.fixture(scope="session")
def cli_reports(tmp_path_factory) -> dict[str, Path]:
    """The report folder (report.html, summary.json, the CSVs) of each LA in ``REPORT_LAS``, made
    once for the session by ``python -m analyses run`` (two at a time; Isles of Scilly asked for by
    its code), or taken from ``$EFP_REPORTS_DIR/<la>/<slug>/`` when that is set."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    given = os.environ.get("EFP_REPORTS_DIR")
    base = Path(given) if given else tmp_path_factory.mktemp("cli-reports")
    queries = {"York": "York", "Isles of Scilly": "E06000053"}

    def report(la: str) -> Path:
        out = base / la.lower().replace(" ", "-")
        if not given:
            result = subprocess.run(
                [sys.executable, "-m", "analyses", "run", "--la", queries[la], "--out", str(out)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, f"report for {la} failed:\n{result.stderr[-3000:]}"
        (folder,) = sorted(page.parent for page in out.glob("*/report.html"))
        return folder

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(REPORT_LAS, pool.map(report, REPORT_LAS)))


@pytest.fixture(scope="session")
def width_views(chromium):
    """``browser.width_views`` of a URL, each page loaded at its widths once for the whole session
    (the chart-size, phone and text-geometry tests read the same views)."""
    from analyses.devtools.browser import width_views as views_of

    seen: dict[str, dict] = {}

    def views(url: str) -> dict[str, dict]:
        if url not in seen:
            seen[url] = views_of(chromium, url)
        return seen[url]

    return views
