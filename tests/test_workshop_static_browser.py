"""An area's workshop.html opened from a folder (file://) in Debian's Chromium headless shell: all four tools run,
every control changes its chart, nothing is fetched from elsewhere, and the page's figures are the
Python models' (the FGC roll-out against ``analyses.workshop.fgc.rollout`` on a grid of settings,
the rounding against ``analyses.views.wording``, the tier arithmetic against ``tiers.plan``).

The pages are the site's own when a built site with workshop pages is there (``$EFP_SITE_DIR`` or
``_build/html``, as the site tests use it); otherwise only these areas' pages are made.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analyses.data.fingerprint import SITE_INPUTS, digest, inputs
from analyses.devtools.browser import CHROMIUM, CHROMIUM_ARGS, PROJECTOR_SIZES, ROOT, SITE_STAMP, record, serve
from analyses.models import tiers
from analyses.views import web_assets, wording
from analyses.workshop import fgc as widget_fgc
from analyses.workshop import static_page

pytestmark = pytest.mark.browser

AREAS = ("York", "Isles of Scilly", "England")
TOOLS = ("ws-randomise", "ws-fgc", "ws-compare", "ws-tiers")
SIGNATURE = """(id) => {
  const gd = document.getElementById(id + '-chart');
  return JSON.stringify([document.getElementById(id + '-finding').textContent,
    (gd.data || []).map(t => [t.x, t.y, t.error_x ? [t.error_x.array, t.error_x.arrayminus] : null]),
    (gd.layout.shapes || []).map(s => s.x0)]);
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    stamp = ROOT / "_build" / SITE_STAMP  # the suite's own build, when it is up to date with its sources
    current = stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest(inputs(SITE_INPUTS, ROOT))
    for folder in (os.environ.get("EFP_SITE_DIR"), ROOT / "_build" / "html" if current else None):
        if folder and all((Path(folder) / "areas" / slug / static_page.PAGE).exists() for slug in ("york", "england")):
            return Path(folder)
    folder = tmp_path_factory.mktemp("site")
    (folder / "_static").mkdir()
    shutil.copyfile(web_assets.BASIC_JS, folder / "_static" / web_assets.site_name(web_assets.BASIC_JS))
    shutil.copyfile(web_assets.REPORT_CSS, folder / "_static" / web_assets.REPORT_CSS.name)
    for name in AREAS:
        static_page.write_page(folder, name)
    return folder


@pytest.fixture(scope="module")
def pages(site, chromium, ds):
    """Each area's page, opened once from the folder, with what it asked the network for."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    opened = {}
    for name in AREAS:
        page = context.new_page()
        traffic = record(page, "file://")
        slug = "england" if name == "England" else ds.area(name).slug
        page.goto((site / "areas" / slug / static_page.PAGE).as_uri())
        page.wait_for_function("() => document.querySelectorAll('.ws-chart .main-svg').length >= 3")
        opened[name] = (page, traffic)
    yield opened
    context.close()


def _change(page, control) -> None:
    """Give one control a value other than its present one, as a person would."""
    kind = control.evaluate("c => c.tagName === 'SELECT' ? 'select' : c.type")
    if kind == "select":
        count = control.evaluate("c => c.options.length")
        current = int(control.input_value())
        control.select_option(str((current + 1) % count))
    elif kind == "checkbox":
        control.evaluate("c => { c.click(); }")
    elif kind == "range":
        control.evaluate(
            "c => { const v = +c.value, max = +c.max, min = +c.min, step = +c.step || 1;"
            " c.value = String(v + step <= max ? v + step : v - step); c.dispatchEvent(new Event('input')); }"
        )
    else:  # a number box, perhaps inside closed details
        control.evaluate(
            "c => { c.value = String(Math.max(1, Math.round(+c.value / 2))); c.dispatchEvent(new Event('input')); }"
        )


@pytest.mark.parametrize("name", AREAS)
def test_every_control_changes_its_chart_and_nothing_comes_from_elsewhere(pages, name):
    page, traffic = pages[name]
    tools = [t for t in TOOLS if page.locator(f"#{t}").count()]
    assert tools == [t for t in TOOLS if not (name == "England" and t == "ws-compare")]
    for tool in tools:
        controls = page.locator(f"#{tool} .ws-controls").locator("input, select")
        assert controls.count() >= 3, tool
        page.locator(f"#{tool} .ws-reset").click()
        if tool == "ws-fgc":  # the children box takes a number once "my own count" is ticked
            page.locator("#ws-fgc-own").check()
        for i in range(controls.count()):
            control = controls.nth(i)
            if control.is_disabled():
                continue
            before = page.evaluate(SIGNATURE, tool)
            _change(page, control)
            label = control.evaluate("c => c.id")
            assert page.evaluate(SIGNATURE, tool) != before, f"{name}: {label} did not change its chart"
        page.locator(f"#{tool} .ws-reset").click()
    assert traffic.problems() == []
    assert all(url.startswith("file://") for url in traffic.requests)


TOOL_GEOMETRY = """(id) => {
  const box = (node) => { const r = node.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const tool = document.getElementById(id);
  return {controls: box(tool.querySelector('.ws-controls')), finding: box(tool.querySelector('.ws-chart-title')),
          chart: box(tool.querySelector('.ws-chart .main-svg')), scrolled: document.documentElement.scrollWidth - innerWidth};
}"""


@pytest.mark.parametrize("name", AREAS)
def test_each_tool_and_its_controls_fit_a_projector_screen(pages, name):
    """Issue 23: at 1024x768 and at 1366x768 with 150% zoom, a tool scrolled to shows every control, its
    finding and its chart on one screen, beside each other, with nothing wider than the window."""
    page, _ = pages[name]
    tools = [tool for tool in TOOLS if page.locator(f"#{tool}").count()]
    opened_at = page.viewport_size
    try:
        for width, height in PROJECTOR_SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for tool in tools:
                page.locator(f"#{tool} .ws-body").evaluate("body => body.scrollIntoView({block: 'start'})")
                page.wait_for_function("id => document.querySelector(`#${id}-chart .main-svg`)", arg=tool)
                page.wait_for_timeout(300)  # the chart redrawn at the column's new width
                found = page.evaluate(TOOL_GEOMETRY, tool)
                where = f"{name}, {tool} at {width}x{height}"
                assert found["scrolled"] <= 0, f"{where}: the page scrolls sideways"
                for part in ("controls", "finding", "chart"):
                    left, top, right, bottom = found[part]
                    assert left >= -1 and top >= -1 and right <= width + 1 and bottom <= height + 1, (
                        f"{where}: {part} {found[part]}"
                    )
                assert found["controls"][2] <= found["chart"][0], f"{where}: the controls are not beside the chart"
    finally:
        page.set_viewport_size(opened_at)


def test_on_the_site_each_chart_is_drawn_as_it_comes_near_the_screen(site, chromium):
    """Served (not from file:), the page loads no plotly.js and draws no chart far down the page at
    load (a phone's main thread stays free); a chart scrolled to is drawn, and a control then
    changes it at once."""
    context = chromium.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    with serve(site) as url:
        traffic = record(page, url.rstrip("/"))
        page.goto(f"{url}areas/york/{static_page.PAGE}", wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("() => !document.querySelector('#ws-tiers-chart .main-svg')")
        for tool in TOOLS:
            page.locator(f"#{tool}-chart").scroll_into_view_if_needed()
            page.wait_for_function("id => document.querySelector(`#${id} .main-svg`)", arg=f"{tool}-chart")
        before = page.evaluate(SIGNATURE, "ws-tiers")
        _change(page, page.locator("#ws-tiers .ws-controls input[type=range]").first)
        assert page.evaluate(SIGNATURE, "ws-tiers") != before
        assert traffic.problems() == []
    context.close()


def test_fgc_figures_are_the_models_on_a_grid_of_settings(pages, ds):
    """Every state the page shows, including a council's own count of children and a share offered
    now that scale precomputed states, equals ``rollout`` with the same settings."""
    for name in AREAS:
        page, _ = pages[name]
        area = ds.area(name)
        data = page.evaluate("() => JSON.parse(document.getElementById('ws-data').textContent).fgc")
        grid = itertools.product(
            (None, 7, data["children_limit"]),
            range(len(data["coverage"])),
            range(len(data["already"])),
            (0, 3),
        )
        for children, coverage, already, cost in list(grid)[::5]:
            state = {"children": children, "coverage": coverage, "already": already, "cost": cost}
            shown = page.evaluate("([F, s]) => window.EFP_WORKSHOP.fgcFigures(F, s)", [data, state])
            share = data["already"][already]
            model = widget_fgc.rollout(
                ds,
                area,
                pre_proceedings_children=children,
                coverage=data["coverage"][coverage] / 100,
                already_offered=None if share is None else share / 100,
                conference_cost=data["costs"][cost],
            )
            for key, interval in model.figures.items():
                expected = [interval.central, interval.low, interval.high]
                assert shown[key] == pytest.approx(expected, rel=1e-6, abs=1e-6), (name, state, key)
            assert shown["chance"] == pytest.approx(model.probability_positive, abs=1e-9), (name, state)


def test_the_page_rounds_as_the_guide_does(pages):
    page, _ = pages["York"]
    values = [0, 0.004, 0.3, 0.995, 1, 1.49, 1.5, 2.5, 12.5, 99.5, 2281.2, 78193, -44210, 5849.9, 1.63e6, 2.5e9, -0.7]
    shown = page.evaluate(
        "(vs) => vs.map(v => [EFP_WORKSHOP.childrenNumber(v), EFP_WORKSHOP.money(v), EFP_WORKSHOP.money(v, false, true),"
        " EFP_WORKSHOP.aboutCount(v)])",
        values,
    )
    expected = [
        [wording.children_number(v), wording.money(v), wording.money(v, exact=True), wording.about_count(v)]
        for v in values
    ]
    assert shown == expected
    chances = [0, 0.001, 0.004, 0.5, 0.986, 0.996, 1]
    assert page.evaluate("(ps) => ps.map(EFP_WORKSHOP.chance)", chances) == [wording.chance(p) for p in chances]


def test_tier_arithmetic_and_rebalancing_are_the_models(pages):
    page, _ = pages["Isles of Scilly"]
    shares = dict(zip(tiers.TIERS, (40, 30, 20, 10)))
    costs = {t: a.cost_per_family for t, a in tiers.DEFAULTS.items()}
    take_up = {t: a.take_up for t, a in tiers.DEFAULTS.items()}
    for budget, eligible in ((5e6, 319.0), (48_000.0, 319.0), (1e3, 1e9)):
        model = tiers.plan(budget, shares, costs, take_up, eligible)
        shown = page.evaluate(
            "([b, s, c, u, e]) => EFP_WORKSHOP.plan(b, s, c, u, e)", [budget, shares, costs, take_up, eligible]
        )
        assert [r["reached"] for r in shown] == pytest.approx(list(model["families_reached"]))
        assert [r["capped"] for r in shown] == list(model["capped"])
    for tier, value in (("Universal", 70), ("Targeted", 0), ("Specialist", 33)):
        start = {"Universal": 40, "Selective": 30, "Targeted": 20, "Specialist": 10}
        assert page.evaluate("([s, t, v]) => EFP_WORKSHOP.rebalance(s, t, v)", [start, tier, value]) == tiers.rebalance(
            start, tier, value
        )


def test_tier_planner_fits_the_area(pages):
    """Isles of Scilly's default budget is scaled to its children, and no tier reaches more families
    than it has children; the page names each tier's evidence."""
    page, _ = pages["Isles of Scilly"]
    data = page.evaluate("() => JSON.parse(document.getElementById('ws-data').textContent).tiers")
    assert data["budget"] < 100_000 and data["eligible"] < 400
    page.locator("#ws-tiers .ws-reset").click()
    page.locator("#ws-tiers-budget").evaluate("c => { c.value = c.max; c.dispatchEvent(new Event('input')); }")
    reached = page.evaluate("() => document.getElementById('ws-tiers-chart').data[0].x")
    assert max(reached) <= data["eligible"] and math.isclose(max(reached), data["eligible"])
    assert "Capped" in page.locator("#ws-tiers .ws-message").text_content()
    assert page.locator("#ws-tiers .ws-words").text_content().count("Evidence:") == 4


def test_fgc_refuses_and_questions_a_count_in_plain_words(pages):
    page, _ = pages["York"]
    page.locator("#ws-fgc .ws-reset").click()
    page.locator("#ws-fgc-own").check()
    box, message = page.locator("#ws-fgc-children"), page.locator("#ws-fgc .ws-message")
    box.fill("99999999")
    assert "Not used" in message.text_content() and "34,758" in message.text_content()
    box.fill("1000")
    assert "looked after" in message.text_content()
    box.fill("12")
    assert message.text_content() == ""
    page.locator("#ws-fgc .ws-reset").click()
    assert page.locator("#ws-fgc-already").input_value() == "0"  # the guide's assumption, with a value
    assert "guide's settings" in page.locator("#ws-fgc .ws-words").text_content()


@pytest.mark.parametrize("name", ["workshop-handout", "workshop-capture-sheet"])
def test_handout_and_capture_sheet_print_on_one_a4_page(tmp_path, name):
    pdf = tmp_path / f"{name}.pdf"
    source = ROOT / "workshop" / "print" / f"{name}.html"
    subprocess.run(
        [CHROMIUM, "--headless", *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", source.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    text = pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", text)) == 1
    box = sorted(round(float(v)) for v in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", text).groups())
    assert box == [595, 842]  # A4
    assert not re.search(r"(?:src|href)=\"https?:", source.read_text(encoding="utf-8"))
