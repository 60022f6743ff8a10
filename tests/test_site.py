"""The published site and the per-LA reports, as a reader's browser (Debian's Chromium headless shell) sees them.

Every page of the table of contents is served from 127.0.0.1 and visited: it loads with no
console error, failed request or request to another host; every chart draws with data and has
a text alternative; hovering shows a tooltip; axe-core finds nothing serious against WCAG 2.2 AA;
a keyboard reaches and works every control; print has no navigation and no cut-off chart; and
the page weighs what the targets allow. The per-LA reports (York and one other) open from disk
with the same guarantees.

The site is the session's ``site`` fixture (tests/conftest.py): ``$EFP_SITE_DIR`` if set (no
build), else ``_build/html``, built once first if it is not current. The reports are the session's
``cli_reports`` (conftest.py): made by the CLI once, or taken from ``$EFP_REPORTS_DIR``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_FILE_PATH
from conftest import REPORT_LAS
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_helpers import check_links

from analyses.devtools.browser import (
    CHART_PAGE_FIRST_VISIT_MAX,
    CHART_PAGE_HTML_MAX,
    TEXT_PAGE_FIRST_VISIT_MAX,
    Load,
    draw_charts,
    layout_of,
    record,
    settle,
    toc_pages,
    weigh,
)

pytestmark = [pytest.mark.browser, pytest.mark.build]

PAGES = toc_pages()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TABLE_ROWS = 12
UI_WAIT_MS = 10_000  # a control's effect shows in a frame or two (on a loaded machine, later); one that does nothing fails after this
MIN_CHART_HEIGHT = 150  # px: a chart shorter than this has collapsed
DOUBLED_YEAR = re.compile(r"\b((?:19|20)\d\d)\.\s+\1\.")
# A4 portrait at 96 px per inch with 10 mm margins: 190 x 277 mm.
PRINT_WIDTH_PX, PRINT_HEIGHT_PX = 718, 1047

# Elements a reader can operate: native controls and plotly's SVG menus and sliders.
CONTROLS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1']), "
    "g.updatemenu-header-group, g.updatemenu-button, rect.slider-grip-rect, g.legendtoggle"
)
# Site chrome that has no place on paper.
PRINT_CHROME = (
    "nav, [role=navigation], [role=search], form, button, .bd-header, .bd-header-article, "
    ".prev-next-area, .bd-sidebar-primary, .bd-sidebar-secondary, .modebar-container"
)

MARK_CONTROLS = """selector => {
  const out = [];
  document.querySelectorAll(selector).forEach((element, index) => {
    if (element.disabled || !element.checkVisibility({visibilityProperty: true})) return;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    element.setAttribute('data-efp-control', String(index));
    const name = element.getAttribute('aria-label') || element.textContent.trim().slice(0, 40);
    out.push([String(index), `${element.tagName.toLowerCase()}.${element.getAttribute('class') || ''} "${name}"`]);
  });
  return out;
}"""
# Records the control each focus change lands on ("unlisted <tag>" for one MARK_CONTROLS left out),
# until focus comes back to the first: from then on Tab is held, so the walk ends there.
TAB_WALK = """() => {
  const walk = window.efpTabWalk = {order: [], done: false};
  walk.focused = () => {
    const element = document.activeElement;
    if (walk.done || !element || element === document.body) return;
    const key = element.getAttribute('data-efp-control') || `unlisted ${element.tagName.toLowerCase()}`;
    walk.done = walk.order.length > 0 && key === walk.order[0];
    if (!walk.done) walk.order.push(key);
  };
  walk.hold = event => { if (walk.done && event.key === 'Tab') event.preventDefault(); };
  document.addEventListener('focusin', walk.focused, true);
  window.addEventListener('keydown', walk.hold, true);
}"""
TAB_WALK_END = """() => {
  const walk = window.efpTabWalk;
  document.removeEventListener('focusin', walk.focused, true);
  window.removeEventListener('keydown', walk.hold, true);
  return walk.order;
}"""
TABS_PER_LOOK = 10  # Tab presses between looks at whether the walk is done
CHART_STATE = """() => [...document.querySelectorAll('.plotly-graph-div')].map(gd => ({
  id: gd.id,
  svg: gd.querySelectorAll('svg.main-svg').length,
  traces: (gd.data || []).length,
  drawn: gd.querySelectorAll('.scatterlayer .trace path, .barlayer .trace path, .pielayer .slice path').length,
  values: (gd.data || []).reduce((n, t) => n + ((t.y || t.values || t.x || []).filter(v => v !== null).length), 0),
}))"""
# Every chart must be followed, before the next chart, by a non-empty text alternative and a data table.
TEXT_ALTERNATIVES = """() => {
  const items = [...document.querySelectorAll('.plotly-graph-div, .chart-alt, table.chart-table')];
  const missing = [];
  items.forEach((item, i) => {
    if (!item.classList.contains('plotly-graph-div')) return;
    const next = [];
    for (const after of items.slice(i + 1)) { if (after.classList.contains('plotly-graph-div')) break; next.push(after); }
    const alt = next.find(e => e.classList.contains('chart-alt'));
    if (!alt || alt.textContent.trim().length < 20) missing.push(`${item.id}: no text alternative`);
    if (!next.some(e => e.tagName === 'TABLE')) missing.push(`${item.id}: no data table`);
  });
  return missing;
}"""
PRINT_PROBLEMS = """([chrome, pageHeight]) => {
  const problems = [];
  const shown = e => e.checkVisibility({visibilityProperty: true}) && e.getBoundingClientRect().height > 0;
  document.querySelectorAll(chrome).forEach(e => {
    // .onlyprint holds the chapter's own contents list, which the theme prints on purpose.
    if (shown(e) && !e.closest('.plotly-graph-div, .onlyprint')) problems.push(`prints ${e.tagName.toLowerCase()}.${e.className}`);
  });
  const width = document.documentElement.clientWidth;
  document.querySelectorAll('.plotly-graph-div').forEach(gd => {
    const box = gd.getBoundingClientRect();
    const svg = gd.querySelector('svg.main-svg').getBoundingClientRect();
    if (box.right > width + 1 || svg.right > box.right + 1) problems.push(`${gd.id} is cut off at the right`);
    if (box.height > pageHeight) problems.push(`${gd.id} is taller than a page`);
    for (let up = gd.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      // On paper nothing scrolls: a container that does not show overflow cuts the chart off.
      if (style.overflowX !== 'visible' && up.getBoundingClientRect().right + 1 < svg.right) { problems.push(`${gd.id} clipped by ${up.className}`); break; }
    }
    if (getComputedStyle(gd).breakInside !== 'avoid') problems.push(`${gd.id} may split across pages`);
  });
  return problems;
}"""


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def reports(cli_reports) -> dict[str, Path]:
    """report.html of each LA in REPORT_LAS (the session's ``cli_reports``)."""
    return {la: folder / "report.html" for la, folder in cli_reports.items()}


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


class Visit:
    """One page open in the browser, with what it requested and logged."""

    def __init__(self, context, url: str, origin: str):
        self.page = context.new_page()
        self.traffic = record(self.page, origin)
        self.page.goto(url, wait_until="load")
        draw_charts(self.page)


TARGETS = [("site", name) for name in PAGES] + [("report", la) for la in REPORT_LAS]


@pytest.fixture(scope="session")
def visits(chromium):
    """Pages opened so far, one browser context each, kept open for the whole session."""
    opened: dict[tuple[str, str], Visit] = {}
    yield opened
    for visit in opened.values():
        visit.page.context.close()


@pytest.fixture(params=TARGETS, ids=[f"{kind}:{name}" for kind, name in TARGETS])
def any_page(request, chromium, visits) -> Visit:
    """Each page of the table of contents served on 127.0.0.1, then each report opened from disk.

    A page is opened once and the tests below run on it in the order they are written (loading
    a chart page costs about two seconds): checks that only look come first, then the keyboard
    checks, then axe (which opens every disclosure), then print (which changes the layout).
    """
    if request.param not in visits:
        kind, name = request.param
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        if kind == "site":
            base_url = request.getfixturevalue("base_url")
            visits[request.param] = Visit(context, f"{base_url}{name}.html", base_url.rstrip("/"))
        else:
            visits[request.param] = Visit(context, request.getfixturevalue("reports")[name].as_uri(), "file://")
    return visits[request.param]


# ---------------------------------------------------------------- checks shared by pages and reports


def hover_shows_tooltip(page) -> bool:
    """Move the mouse over the biggest data points of each chart until plotly shows a hover label."""
    for chart in page.locator(".plotly-graph-div").all():
        boxes = chart.evaluate("""gd => {
          gd.scrollIntoView({block: 'center'});
          return [...gd.querySelectorAll('.scatterlayer .point, .barlayer .point path')]
            .map(e => e.getBoundingClientRect()).map(r => [r.x + r.width / 2, r.y + r.height / 2, r.width * r.height]);
        }""")
        for x, y, _ in sorted(boxes, key=lambda box: box[2], reverse=True)[:5]:
            page.mouse.move(x, y)
            try:
                chart.locator(".hoverlayer .hovertext").first.wait_for(state="visible", timeout=1000)
                return True
            except PlaywrightTimeout:
                continue
    return False


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 AA violations, with every disclosure opened first.

    Long tables are cut to their first rows first: their rows are alike, and checking the colour
    contrast of every cell of a 153-row table takes axe about ten seconds.
    """
    page.evaluate(f"""() => {{
      document.querySelectorAll('details').forEach(d => {{ d.open = true; }});
      document.querySelectorAll('tbody').forEach(body => [...body.rows].slice({AXE_TABLE_ROWS}).forEach(r => r.remove()));
    }}""")
    page.add_script_tag(path=str(AXE_FILE_PATH))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def unreachable_controls(page) -> list[str]:
    """Visible controls that pressing Tab through the whole page never focuses.

    A control counts if it is shown both before and after the walk: the theme's contents list
    folds sections away as the page scrolls, and a folded link is not a control at that moment.
    The page records where each press lands (``TAB_WALK``), so the walk needs no look per press.
    """
    page.evaluate("window.scrollTo(0, 0)")
    controls = dict(page.evaluate(MARK_CONTROLS, CONTROLS))
    page.evaluate(TAB_WALK)
    for _ in range(0, len(controls) * 2 + 20, TABS_PER_LOOK):
        for _ in range(TABS_PER_LOOK):
            page.keyboard.press("Tab")
        if page.evaluate("() => window.efpTabWalk.done"):
            break
    seen = set(page.evaluate(TAB_WALK_END))
    still_shown = set(dict(page.evaluate(MARK_CONTROLS, CONTROLS)))
    return sorted(description for key, description in controls.items() if key not in seen and key in still_shown)


def becomes(page, condition: str, arg) -> bool:
    """Whether ``condition`` (a JavaScript function of ``arg``) holds within ``UI_WAIT_MS``."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=UI_WAIT_MS, polling="raf")
        return True
    except PlaywrightTimeout:
        return False


SLIDER_AT = "([id, index, step]) => document.getElementById(id).layout.sliders[index].active === step"
# Open, and the keyboard's focus on a choice (chart_access.js moves it there on the next frame).
MENUS_OPEN = (
    "id => { const gd = document.getElementById(id), now = document.activeElement;"
    " return gd.querySelectorAll('g.updatemenu-dropdown-button').length >= 2"
    " && gd.contains(now) && now.matches('g.updatemenu-dropdown-button'); }"
)
MENUS_CHOSEN = "gd => JSON.stringify(gd.layout.updatemenus.map(m => m.active || 0))"
MENUS_CHANGED = f"([id, before]) => ({MENUS_CHOSEN})(document.getElementById(id)) !== before"


def chart_controls_problems(page) -> list[str]:
    """Work every plotly slider and dropdown with the keyboard; say what did not respond."""
    problems = []
    for chart in page.locator(".plotly-graph-div").all():
        chart_id = chart.get_attribute("id")
        for index, grip in enumerate(chart.locator("rect.slider-grip-rect").all()):
            steps = chart.evaluate(f"gd => gd.layout.sliders[{index}].steps.length")
            grip.focus()
            page.keyboard.press("End")
            if not becomes(page, SLIDER_AT, [chart_id, index, steps - 1]):
                problems.append(f"{chart_id}: End did not move slider {index} to its last step")
            page.keyboard.press("Home")
            if not becomes(page, SLIDER_AT, [chart_id, index, 0]):
                problems.append(f"{chart_id}: Home did not move slider {index} to its first step")
        for header in chart.locator("g.updatemenu-header-group").all():
            before = chart.evaluate(MENUS_CHOSEN)
            header.focus()
            page.keyboard.press("Enter")
            if not becomes(page, MENUS_OPEN, chart_id):
                problems.append(f"{chart_id}: Enter did not open a dropdown with the focus on its choices")
                continue
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            if not becomes(page, MENUS_CHANGED, [chart_id, before]):
                problems.append(f"{chart_id}: choosing a dropdown item by keyboard changed nothing")
            settle(page)
    if page.locator('.modebar-btn[data-title="Share chart..."]').count():
        problems.append("a chart offers 'Share chart', which needs plotly's cloud")
    summary = page.locator("details > summary").first
    if summary.count():
        summary.focus()
        page.keyboard.press("Enter")
        if not summary.evaluate("s => s.parentElement.open"):
            problems.append("Enter on a disclosure (details/summary) did not open it")
    return problems


def print_problems(page) -> list[str]:
    """Lay the page out for A4 print as Chromium does before printing; report chrome and cut-off charts."""
    page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": PRINT_HEIGHT_PX})
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    settle(page)
    return page.evaluate(PRINT_PROBLEMS, [PRINT_CHROME, PRINT_HEIGHT_PX])


def printed_pages(page) -> int:
    """Print to PDF with Chromium (A4, 10 mm margins) and count the pages."""
    pdf = page.pdf(format="A4", margin={side: "10mm" for side in ("top", "right", "bottom", "left")})
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


# ---------------------------------------------------------------- every page and both reports


def test_loads_with_no_errors_and_nothing_from_another_host(any_page):
    any_page.page.wait_for_load_state("networkidle")
    assert any_page.traffic.problems() == []


def test_every_chart_draws_with_data(any_page):
    charts = any_page.page.evaluate(CHART_STATE)
    assert [c for c in charts if not (c["svg"] and c["traces"] and c["drawn"] and c["values"])] == []


def test_hovering_shows_a_tooltip(any_page):
    if not any_page.page.locator(".plotly-graph-div").count():
        pytest.skip("no chart on this page")
    assert hover_shows_tooltip(any_page.page)


def test_every_chart_has_a_text_alternative_and_table(any_page):
    assert any_page.page.evaluate(TEXT_ALTERNATIVES) == []


def test_keyboard_reaches_every_control(any_page):
    assert unreachable_controls(any_page.page) == []


def test_keyboard_works_chart_controls_and_disclosures(any_page):
    assert chart_controls_problems(any_page.page) == []


def test_no_serious_accessibility_violations(any_page):
    assert axe_problems(any_page.page) == []


def test_prints_without_chrome_or_cut_off_charts(any_page):
    assert print_problems(any_page.page) == []
    assert printed_pages(any_page.page) >= 1


def test_no_doubled_years_in_the_text(any_page):
    text = any_page.page.evaluate("document.body.innerText")
    assert [m.group(0) for m in DOUBLED_YEAR.finditer(text)] == []


def test_every_chapter_leads_with_one_list_of_key_points(any_page):
    if not any_page.page.url.startswith("http") or "/chapters/" not in any_page.page.url:
        pytest.skip("chapters only: a report has one list per chapter")
    text = any_page.page.evaluate("document.querySelector('main').innerText")
    assert text.count("Key points") == 1
    assert text.index("Key points") < 1500  # on the first screen, before any chart


# ---------------------------------------------------------------- reflow: widths, resizes, zoom


def target_url(request, kind: str, name: str) -> str:
    if kind == "site":
        return f"{request.getfixturevalue('base_url')}{name}.html"
    return request.getfixturevalue("reports")[name].as_uri()


def chart_size_problems(view: dict, when: str) -> list[str]:
    """Charts that collapsed (under MIN_CHART_HEIGHT px tall) or are wider than the window."""
    window = view["width"]["window"]
    return [
        f"{when}: {c['id']} is {c['width']} x {c['height']} px in a {window} px window"
        for c in view["charts"]
        if c["height"] < MIN_CHART_HEIGHT or c["width"] > window or c["right"] > window + 1
    ]


@pytest.mark.parametrize("target", TARGETS, ids=[f"{kind}:{name}" for kind, name in TARGETS])
def test_charts_keep_their_size_through_resizes(target, width_views, request):
    """Loaded at 1366 px, then resized to 1024 and 390 px (a window resize, zoom or rotation):
    every chart is redrawn to the new width and keeps a real height."""
    views = width_views(target_url(request, *target))
    problems = [
        p for label in ("1366", "1366->1024", "1366->1024->390") for p in chart_size_problems(views[label], label)
    ]
    assert problems == []


@pytest.mark.parametrize("width", (390, 320))
@pytest.mark.parametrize("target", TARGETS, ids=[f"{kind}:{name}" for kind, name in TARGETS])
def test_fits_a_phone_screen(target, width, width_views, request):
    """Loaded on a phone: charts keep a real height and fit the screen, and nothing but a data
    table is wider than the window (WCAG 2.2 1.4.10 Reflow: 320 CSS px)."""
    view = width_views(target_url(request, *target))[str(width)]
    assert chart_size_problems(view, f"loaded at {width}") == []
    assert view["width"]["page"] <= view["width"]["window"], view["wide"]


def test_text_zoomed_to_200_percent_stays_in_the_window(chromium, base_url):
    """WCAG 1.4.4 Resize text: at 200% zoom (a 1366 px window seen as 683 CSS px) the longest text
    page still reflows into the window."""
    context = chromium.new_context(viewport={"width": 683, "height": 450}, device_scale_factor=2)
    try:
        for name in PAGES:
            visit = Visit(context, f"{base_url}{name}.html", base_url.rstrip("/"))
            view = layout_of(visit.page)
            assert view["width"]["page"] <= view["width"]["window"], (name, view["wide"])
            assert chart_size_problems(view, f"{name} at 200%") == []
            visit.page.close()
    finally:
        context.close()


# ---------------------------------------------------------------- the site as a whole


def test_search_finds_the_kinship_chapter(context, base_url):
    visit = Visit(context, f"{base_url}{PAGES[0]}.html", base_url.rstrip("/"))
    page = visit.page
    page.keyboard.press("Control+k")
    field = page.locator("input[name=q]:visible").first
    field.wait_for(state="visible", timeout=5000)
    field.type("kinship")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=kinship"))
    page.locator("ul.search li a").first.wait_for(timeout=10_000)
    hits = page.locator("ul.search li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(href.split("?")[0].endswith("chapters/kinship.html") for href in hits), hits
    assert visit.traffic.problems() == []


def test_internal_links_and_anchors_resolve(site):
    report = check_links(site)
    assert report.broken == []
    assert all(url.startswith(("https://", "http://", "mailto:")) for url in report.external), report.external


@pytest.mark.parametrize("la", REPORT_LAS)
def test_report_links_and_anchors_resolve(la, reports):
    assert check_links(reports[la].parent).broken == []


def test_link_check_finds_a_broken_anchor_and_a_missing_page(tmp_path):
    (tmp_path / "a.html").write_text(
        '<p id="here"></p><a href="#here">ok</a><a href="#gone">x</a>'
        '<a href="b.html">y</a><a href="https://example.org/">z</a>'
    )
    report = check_links(tmp_path)
    assert report.broken == ["a.html: #gone (no anchor #gone)", "a.html: b.html (no such file)"]
    assert report.external == {"https://example.org/": ["a.html"]}


@pytest.mark.parametrize("name", PAGES)
def test_page_weight_is_within_target(name, chromium, base_url, site):
    context = chromium.new_context()
    try:
        first: Load = weigh(context, f"{base_url}{name}.html")
    finally:
        context.close()
    html = (site / f"{name}.html").read_bytes()
    if b"plotly-graph-div" in html:
        assert len(html) <= CHART_PAGE_HTML_MAX, f"{name}.html is {len(html):,} bytes"
        assert first.total_bytes <= CHART_PAGE_FIRST_VISIT_MAX, f"first visit fetches {first.total_bytes:,} bytes"
    else:
        assert first.total_bytes <= TEXT_PAGE_FIRST_VISIT_MAX, f"first visit fetches {first.total_bytes:,} bytes"
