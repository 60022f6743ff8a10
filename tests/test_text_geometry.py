"""Chart text that reads at every width: nothing cut off at a chart's edge, nothing printed over text.

Every chart on every page of the table of contents and on the pages of three areas (York; Tower
Hamlets, a London borough with a long region name; Westmorland and Furness, a long name and a
former council) is drawn at 1366, 1024 (loaded there, and resized to it from 1366), 390 and 320
px. In each of these chart views no ``svg text`` box may reach outside the chart's own svg, and
no two text boxes may overlap by more than a third of the smaller (``browser.TEXT_GEOMETRY``).

The site is the one the other browser tests read: ``$EFP_SITE_DIR`` if set, else ``_build/html``,
built once for the whole session (the ``site`` fixture in ``conftest.py``).
"""

from __future__ import annotations

import pytest

from analyses.devtools.browser import TEXT_GEOMETRY, draw_charts, toc_pages
from analyses.report.config import REPORT_CHAPTERS

pytestmark = [pytest.mark.browser, pytest.mark.build]

AREAS = ("york", "tower-hamlets", "westmorland-and-furness")
PAGES = toc_pages() + [f"areas/{slug}/{stem}" for slug in AREAS for stem in ("index", *REPORT_CHAPTERS)]
LOADED_AT = (1366, 1024, 390, 320)  # each a fresh load; the 1366 px page is then resized to 1024
REDRAW_MS = 500  # a resized chart is redrawn in the next frame (chart_access.js)


def chart_views(chromium, url: str) -> list[tuple[str, str, list[str]]]:
    """(width, chart id, its text problems) for every chart view of the page at ``url``."""
    views = []
    for width in LOADED_AT:
        context = chromium.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(url, wait_until="load")
            draw_charts(page)
            page.wait_for_timeout(REDRAW_MS)
            views += [(str(width), chart["id"], chart["problems"]) for chart in page.evaluate(TEXT_GEOMETRY)]
            if width == 1366:
                page.set_viewport_size({"width": 1024, "height": 900})
                page.wait_for_timeout(REDRAW_MS)
                views += [("1366->1024", c["id"], c["problems"]) for c in page.evaluate(TEXT_GEOMETRY)]
        finally:
            context.close()
    return views


@pytest.mark.parametrize("name", PAGES)
def test_chart_text_stays_inside_its_chart_and_clear_of_other_text(name, chromium, base_url):
    failing = [
        f"{width} px, {chart}: {'; '.join(problems)}"
        for width, chart, problems in chart_views(chromium, f"{base_url}{name}.html")
        if problems
    ]
    assert failing == []
