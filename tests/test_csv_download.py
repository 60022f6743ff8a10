"""The "Download this data (CSV)" link, in the browser (Debian's Chromium headless shell): chart_access.js makes
the CSV from the table when it is clicked, byte for byte the CSV pandas writes from the chart's
data (formulas defused, UTF-8), from a page opened from disk with no network."""

from __future__ import annotations

import html

import pandas as pd
import pytest
from test_charts import AWKWARD, trend_frame

from analyses.views import charts, web_assets

pytestmark = pytest.mark.browser

FRAMES = {
    "awkward": AWKWARD,
    "trend": trend_frame(),
    "wide": pd.DataFrame({"Local authority": ["Barking and Dagenham", "York"], "Rate": [10234.25, 3.0]}),
}


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    """A page of chart extras for each frame, with the access script inlined (as report.html has it)."""
    parts = [
        f'<section id="{name}">{charts.chart_extras_html(charts.chart_table(frame), "Alt text.", f"{name}.csv")}</section>'
        for name, frame in FRAMES.items()
    ]
    script = web_assets.ACCESS_JS.read_text(encoding="utf-8")
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape("CSV")}</title></head>'
        f"<body>{''.join(parts)}<script>{script}</script></body></html>"
    )
    path = tmp_path_factory.mktemp("csv") / "page.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser_page(page_file, chromium):
    context = chromium.new_context(accept_downloads=True, offline=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    yield page, requests
    context.close()


@pytest.mark.parametrize("name", FRAMES)
def test_download_is_the_csv_of_the_data(name, browser_page):
    page, requests = browser_page
    link = page.locator(f"#{name} a[data-efp-csv]")
    assert link.is_visible(), "the script shows the link"
    for _ in range(2):  # a second click gives the same file
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == f"{name}.csv"
        data = open(download.path(), "rb").read()
        assert data == charts.csv_text(charts.chart_table(FRAMES[name]).data).encode("utf-8")
    assert [url for url in requests if not url.startswith(("file:", "blob:", "data:"))] == []


def test_link_stays_hidden_without_the_script(page_file, chromium, tmp_path):
    without = tmp_path / "bare.html"
    without.write_text(page_file.read_text(encoding="utf-8").split("<script>")[0], encoding="utf-8")
    page = chromium.new_page()
    page.goto(without.as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.locator("a[data-efp-csv]").first.is_hidden()
    page.close()
