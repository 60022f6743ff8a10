"""Every area on the published site, in a real browser (Debian's Chromium headless shell, as tests/test_site.py).

The finder (``areas/index.html``) is opened from disk (``file://``, as from a shared drive) and
served: typing names, codes, short and former names filters the list; a map area links to its
page; the rate switch reshades the map. The pages of York, Isles of Scilly, City of London and
England load with no console error and no request to another host, every chart draws, and the
front page states the date and the data and is page one on A4.

The site is the session's ``site`` fixture (tests/conftest.py): ``$EFP_SITE_DIR`` if set, else
``_build/html``, built once first if it is not current (the book and the area pages).
"""

from __future__ import annotations

import re

import pytest
from test_site import CHART_STATE, PRINT_HEIGHT_PX, PRINT_WIDTH_PX

from analyses.devtools.browser import ROOT, draw_charts, record

pytestmark = [pytest.mark.browser, pytest.mark.build]

AREA_PAGES = ("york", "isles-of-scilly", "city-of-london", "england")
AREA_PAGE_HTML_MAX = 400_000
AREA_FIRST_VISIT_MAX = 3_000_000
VISIBLE_AREAS = """() => [...document.querySelectorAll('.area-finder li')].filter(li => !li.hidden)
  .map(li => li.querySelector('a').textContent)"""


@pytest.fixture(scope="module")
def finder(chromium, site):
    """The finder opened from disk, as from a folder or a shared drive."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    traffic = record(page, "file://")
    page.goto((site / "areas" / "index.html").as_uri(), wait_until="load")
    yield page, traffic
    context.close()


def typed(page, text: str) -> list[str]:
    field = page.locator("#finder-input")
    field.fill("")
    field.type(text)
    return page.evaluate(VISIBLE_AREAS)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("York", {"York"}),
        ("E06000014", {"York"}),
        ("816", {"York"}),
        ("isles of", {"Isles of Scilly"}),
        ("E09000001", {"City of London"}),
        ("hull", {"Kingston upon Hull, City of"}),
        ("BCP", {"Bournemouth, Christchurch and Poole"}),
        ("Cumbria", {"Cumberland", "Westmorland and Furness"}),
        ("E10000021", {"North Northamptonshire", "West Northamptonshire"}),
        ("England", {"England"}),
    ],
)
def test_finder_filters_by_names_codes_short_and_former_names(finder, text, expected):
    page, traffic = finder
    shown = set(typed(page, text))
    assert expected <= shown and len(shown) <= 6, shown
    count = page.locator("#finder-count").text_content()
    assert count.startswith(f"{len(shown)} areas. Best match: " if len(shown) != 1 else "1 area. Best match: ")
    assert traffic.problems() == []


def test_finder_lists_154_areas_by_region_with_nothing_typed(finder):
    page, _ = finder
    assert len(typed(page, "")) == 154
    assert page.locator(".finder-region h3").count() == 10


@pytest.mark.parametrize(
    "text, slug", [("Scilly", "isles-of-scilly"), ("York", "york"), ("City of York", "york"), ("Yrok", "york")]
)
def test_enter_opens_the_best_match(chromium, site, text, slug):
    context = chromium.new_context()
    page = context.new_page()
    page.goto((site / "areas" / "index.html").as_uri())
    page.locator("#finder-input").type(text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"areas/{slug}/index\.html$"))
    context.close()


@pytest.mark.parametrize(
    "text, slug",
    [("Hull", "kingston-upon-hull-city-of"), ("City of York", "york"), ("BCP", "bournemouth-christchurch-and-poole")],
)
def test_the_guides_front_page_finds_your_council(chromium, site, text, slug):
    """ "Find your council" on the first page opens an exact name, code or short name at once (the finder's rule)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto((site / "chapters" / "intro.html").as_uri())
    field = page.locator("#intro-finder-input")
    assert field.bounding_box()["y"] < 844  # on the first screen of a phone
    field.fill(text)
    field.press("Enter")
    page.wait_for_url(re.compile(rf"areas/{slug}/index\.html$"))
    context.close()


def test_map_area_links_to_its_page(chromium, base_url):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    traffic = record(page, base_url.rstrip("/"))
    page.goto(f"{base_url}areas/index.html", wait_until="load")
    assert page.locator(".map-areas a[href]").count() == 153
    page.locator('.map-areas a[data-code="E06000014"]').click()
    page.wait_for_url(re.compile(r"areas/york/index\.html$"))
    assert "York" in page.locator("h1").first.text_content()
    assert traffic.problems() == []
    context.close()


def test_map_switch_reshades_the_map_and_its_legend(finder):
    page, traffic = finder
    fills = "() => [...document.querySelectorAll('.map-areas path')].map(p => p.getAttribute('fill')).join()"
    legend = "() => document.getElementById('map-legend').textContent"
    before, key_before = page.evaluate(fills), page.evaluate(legend)
    page.select_option("#map-rate", "care_applications_rate")
    assert page.evaluate(fills) != before and page.evaluate(legend) != key_before
    assert (
        "Care applications" in page.locator("#map-caption").text_content()
        or "care applications" in page.locator("#map-caption").text_content()
    )
    # What a screen reader says of each area, and London's list, follow the shading.
    york = page.locator('.map-areas a[data-code="E06000014"]')
    assert "Care applications" in york.get_attribute("aria-label") == york.locator("title").text_content()
    camden = page.locator('.map-london-list a[data-code="E09000007"] + .map-value').text_content()
    assert camden in page.locator('.map-areas a[data-code="E09000007"]').get_attribute("aria-label")
    assert traffic.problems() == []


def test_map_fits_a_320_px_phone_with_london_as_a_list_of_tap_targets(chromium, base_url):
    """At 320 px the rate menu fits the window, and London's 33 boroughs (a few px each on the map)
    are links at least 24 x 24 px in the list under it (WCAG 2.2, 2.5.8 Target size)."""
    context = chromium.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}areas/index.html", wait_until="load")
    menu = page.locator("#map-rate").bounding_box()
    assert menu["x"] >= 0 and menu["x"] + menu["width"] <= 320
    page.locator(".map-london-list summary").click()
    boxes = page.locator(".map-london-list a").evaluate_all(
        "links => links.map(a => { const b = a.getBoundingClientRect(); return [a.textContent, b.width, b.height]; })"
    )
    assert len(boxes) == 33 and all(w >= 24 and h >= 24 for _, w, h in boxes), boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


@pytest.mark.parametrize("slug", AREA_PAGES)
def test_area_pages_load_clean_draw_every_chart_and_state_date_and_sources(chromium, base_url, site, slug):
    folder = site / "areas" / slug
    pages = ["index.html", *sorted(p.name for p in folder.glob("*.html") if p.name != "index.html")]
    assert len(pages) >= 6
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    for name in pages:
        page = context.new_page()
        traffic = record(page, base_url.rstrip("/"))
        page.goto(f"{base_url}areas/{slug}/{name}", wait_until="networkidle")
        draw_charts(page)  # charts are drawn as they come near the screen, as a reader scrolls
        assert traffic.problems() == [], name
        charts = page.evaluate(CHART_STATE)
        assert [c for c in charts if not (c["svg"] and c["traces"] and c["drawn"] and c["values"])] == [], name
        assert len((folder / name).read_bytes()) <= AREA_PAGE_HTML_MAX, name
        if name == "index.html":
            first = page.locator(".front-page").text_content()
            assert re.search(r"Generated on \d{1,2} \w+ 20\d\d", first)
            assert "Data:" in first and "latest 2024-25" in first
            assert "Headline findings" in first and page.locator("table.findings tr.finding").count() >= 5
            assert page.locator("table.findings details.finding-source").count() >= 5  # a source on every row
            assert page.locator("#workshop .plotly-graph-div").count() == 1  # the FGC roll-out with its menu
            assert page.locator("#workshop .plotly-graph-div").evaluate("gd => gd.layout.updatemenus.length") >= 1
        page.close()
    context.close()


@pytest.mark.parametrize("slug", ["york", "isles-of-scilly", "england"])
def test_area_front_page_is_page_one_on_a4_at_11_pt(chromium, base_url, slug):
    """The brief (findings, FGC, data, address) fits A4 page one at 11 pt or more; the contents follow."""
    context = chromium.new_context(viewport={"width": PRINT_WIDTH_PX, "height": PRINT_HEIGHT_PX})
    page = context.new_page()
    page.goto(f"{base_url}areas/{slug}/index.html", wait_until="load")
    page.emulate_media(media="print")
    top = page.locator(".front-page").bounding_box()["y"]
    address = page.locator(".front-address")
    bottom = address.bounding_box()["y"] + address.bounding_box()["height"]
    assert bottom - top <= PRINT_HEIGHT_PX, f"page one is {bottom - top:.0f} px tall in print"
    assert address.evaluate("e => getComputedStyle(e).breakAfter") == "page"
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.front-page table.findings *, .front-page p')]"
        ".filter(e => e.offsetParent && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 11 * 96 / 72 - 0.01, f"smallest text {min(sizes):.1f} px"
    assert "/areas/" in address.text_content() and "31 March 2025" in page.locator(".front-meta").text_content()
    context.close()


def test_area_first_visit_is_within_target(chromium, base_url):
    from analyses.devtools.browser import weigh

    context = chromium.new_context()
    load = weigh(context, f"{base_url}areas/york/index.html")
    context.close()
    assert load.total_bytes <= AREA_FIRST_VISIT_MAX, f"first visit fetches {load.total_bytes:,} bytes"


def test_every_page_that_shows_york_says_where_every_area_is(site):
    shows_york = [
        path.stem
        for path in sorted((ROOT / "chapters").glob("*.md"))
        if re.search(r'^la = "York"', path.read_text(encoding="utf-8"), re.M)
    ]
    assert len(shows_york) >= 6
    for stem in shows_york:
        text = (site / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
        assert re.search(r'<a class="reference internal" href="../areas/index.html">Your area</a>', text), stem
