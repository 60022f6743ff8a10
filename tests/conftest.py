"""Shared fixtures: the bundled dataset, the published reference files, the built site, its server and
the browser; and how tests are grouped when pytest-xdist runs them on several workers."""

import os
import re
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
    its code), or taken from ``$EFP_REPORTS_DIR/<la>/<slug>/`` when that is set. Under pytest-xdist
    the first worker to ask makes them in the run's shared temporary folder and the others wait
    for it (``browser.one_at_a_time``)."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from analyses.devtools.browser import one_at_a_time

    given = os.environ.get("EFP_REPORTS_DIR")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder; each worker's own is a folder in it
    base = Path(given) if given else shared / "cli-reports"
    queries = {"York": "York", "Isles of Scilly": "E06000053"}

    def report(la: str) -> Path:
        out = base / la.lower().replace(" ", "-")
        if not given and not any(out.glob("*/report.html")):
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

    with one_at_a_time(shared / "cli-reports.lock"), ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(REPORT_LAS, pool.map(report, REPORT_LAS)))


@pytest.fixture(scope="session")
def width_views(chromium):
    """``browser.width_views`` of a URL, each page loaded at its widths once for the whole session
    (the chart-size, phone and text-geometry tests read the same views), in one browser context."""
    from analyses.devtools.browser import width_views as views_of

    context = chromium.new_context()
    seen: dict[str, dict] = {}

    def views(url: str) -> dict[str, dict]:
        if url not in seen:
            seen[url] = views_of(context, url)
        return seen[url]

    yield views
    context.close()


# The browser tests of one page, across tests/test_site.py and tests/test_text_geometry.py: the
# parameter id names the page ("site:chapters/fgc", "report:York", "chapters/fgc", "areas/york/fgc"),
# after a phone test's width ("-390").
PAGE_TEST = re.compile(r"^tests/test_(?:site|text_geometry)\.py::\w+\[(?:site:)?(?P<page>.+?)(?:-\d+)?\]$")


def worker_group(nodeid: str) -> str:
    """The group a test runs in under pytest-xdist: tests that share an expensive fixture run on one
    worker, so it is made once. The browser tests of one page go together, across modules (the page
    is opened once: ``visits``, ``width_views``); every other test goes with its module (its module
    fixtures: a book built, a workshop server, reports made)."""
    page = PAGE_TEST.match(nodeid)
    return f"page:{page['page']}" if page else nodeid.split("::")[0]


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: scripts/test.sh runs the tests on 2 workers
def pytest_xdist_make_scheduler(config, log):
    """Hand out whole groups (``worker_group``) to the workers, in the order they were collected."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return GroupScheduling(config, log)
