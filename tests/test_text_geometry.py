"""Chart text that reads at every width: nothing cut off at a chart's edge, nothing printed over text.

Every chart on every page of the table of contents and on the pages of three areas (York; Tower
Hamlets, a London borough with a long region name; Westmorland and Furness, a long name and a
former council) is drawn at 1366, 1024 (loaded there, and resized to it from 1366), 390 and 320
px. In each of these chart views no ``svg text`` box may reach outside the chart's own svg, and
no two text boxes may overlap by more than a third of the smaller (``browser.TEXT_GEOMETRY``).
The views are the session's ``width_views`` (conftest.py), which the site tests' size and phone
checks read too: each page is loaded at each width once.

The site is the one the other browser tests read: ``$EFP_SITE_DIR`` if set, else ``_build/html``,
built once for the whole session (the ``site`` fixture in ``conftest.py``).
"""

from __future__ import annotations

import pytest

from analyses.devtools.browser import toc_pages
from analyses.report.config import REPORT_CHAPTERS

pytestmark = [pytest.mark.browser, pytest.mark.build]

AREAS = ("york", "tower-hamlets", "westmorland-and-furness")
PAGES = toc_pages() + [f"areas/{slug}/{stem}" for slug in AREAS for stem in ("index", *REPORT_CHAPTERS)]
CHECKED = ("1366", "1366->1024", "1024", "390", "320")  # views of ``browser.width_views``


@pytest.mark.parametrize("name", PAGES)
def test_chart_text_stays_inside_its_chart_and_clear_of_other_text(name, width_views, base_url):
    views = width_views(f"{base_url}{name}.html")
    failing = [
        f"{label} px, {chart['id']}: {'; '.join(chart['problems'])}"
        for label in CHECKED
        for chart in views[label]["text"]
        if chart["problems"]
    ]
    assert failing == []
