"""The front page and the finder in a real browser, without building the site.

The front page of areas nobody named, rendered from the bundled data as the runner renders it,
prints its findings on one A4 page at 11 pt and fits a 320 px phone; the site's finder script
ranks what a reader types exactly as ``geography.match_areas`` (the rule ``--la`` uses) does,
and Enter opens the best match.
"""

from __future__ import annotations

import json

import pytest
from test_site import PRINT_HEIGHT_PX, PRINT_WIDTH_PX

from analyses.data import geography
from analyses.models import findings
from analyses.report import areas, front
from analyses.views import web_assets

pytestmark = pytest.mark.browser

AREAS = ("Isles of Scilly", "City of London", "Bournemouth, Christchurch and Poole", "Rutland", "Wigan", "England")
QUERIES = (
    "York",
    "City of York",
    "Yrok",
    "Hull",
    "BCP",
    "Bournemouth",
    "Cumbria",
    "909",
    "E06000014",
    "e0600001",
    "816",
    "north york",
    "st. helens",
    "Kingston",
    "Birmingam",
    "Tower",
    "Scilly",
    "xyzzy",
    "  westmorland  ",
    "Brighton & Hove",
)


def front_page_file(ds, name: str, folder) -> str:
    """The area's front page as a report shows it (the report stylesheet inline), as a file URL."""
    area = ds.area(name)
    summary = {
        "la": {
            "name": area.name,
            "slug": area.slug,
            "level": area.level,
            "new_la_code": area.code,
            "old_la_code": area.old_la_code,
            "region_name": area.region_name,
        },
        "findings": findings.summary(findings.headline_findings(ds, area)),
        "fgc": {
            "children_avoiding_care_per_year": {"central": 12.4, "low": 5.1, "high": 21.0},
            "net_saving_gbp": {"central": 410000, "low": 98000, "high": 840000},
            "care_application_rate_of": "England",
        },
        "chapters": ["fgc"],
        "generated_at": "2026-12-06",
        "generated_from": front.data_provenance(None),
    }
    body = front.front_page(summary, [("fgc.html", "Family Group Conferences")], f"Evidence for Prevention: {name}")
    css = web_assets.REPORT_CSS.read_text(encoding="utf-8")
    path = folder / f"{area.slug}.html"
    path.write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{name}</title><style>{css}</style></head><body><main class='report'>{body}</main></body></html>",
        encoding="utf-8",
    )
    return path.as_uri()


@pytest.mark.parametrize("name", AREAS)
def test_front_page_prints_on_one_a4_page_and_fits_a_phone(chromium, ds, tmp_path, name):
    url = front_page_file(ds, name, tmp_path)
    page = chromium.new_page(viewport={"width": PRINT_WIDTH_PX, "height": PRINT_HEIGHT_PX})
    page.goto(url)
    page.emulate_media(media="print")
    top = page.locator(".front-page").bounding_box()["y"]
    address = page.locator(".front-address").bounding_box()
    assert address["y"] + address["height"] - top <= PRINT_HEIGHT_PX, "page one runs onto a second sheet"
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.front-page table.findings *, .front-page p')]"
        ".filter(e => e.offsetParent && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 11 * 96 / 72 - 0.01, f"smallest printed text is {smallest:.1f} px"
    page.emulate_media(media="screen")
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("table.findings tr.finding").first.bounding_box()["y"] < 800  # findings on screen one
    page.close()


def test_finder_script_ranks_as_match_areas_does(chromium, ds, tmp_path):
    path = tmp_path / "finder.html"
    path.write_text(f"<!doctype html><html lang='en'><body>{areas.finder_html(ds)}</body></html>", encoding="utf-8")
    page = chromium.new_page()
    page.goto(path.as_uri())
    entries = geography.finder_entries(ds.las)
    shown = page.evaluate(  # every query in one call
        "([queries, entries]) => queries.map(q => window.efpMatchAreas(q, entries).map(p => [p[0], p[1].code]))",
        [list(QUERIES), json.loads(json.dumps(entries))],
    )
    for query, ranked in zip(QUERIES, shown, strict=True):
        assert ranked == [[tier, entry["code"]] for tier, entry in geography.match_areas(query, entries)], query
    page.locator("#finder-input").fill("Yrok")
    assert "Did you mean York?" in page.locator("#finder-count").text_content()
    page.locator("#finder-input").fill("City of York")
    with page.expect_request("**/york/index.html"):  # the page itself is not in this folder
        page.keyboard.press("Enter")
    page.close()
