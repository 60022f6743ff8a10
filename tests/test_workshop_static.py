"""An area's workshop.html, from Python: what the page carries and the models it rests on (the page
running in a browser: ``test_workshop_static_browser.py``)."""

from __future__ import annotations

import json
import math
import re

import pytest

from analyses.data.geography import ENGLAND
from analyses.models import benchmark, findings, tiers
from analyses.report import area_pages
from analyses.views import findings as finding_words
from analyses.views import randomisation
from analyses.workshop import fgc as widget_fgc
from analyses.workshop import static_page
from analyses.workshop import views as widget_views


def page_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="ws-data">(.*?)</script>', html, re.S)[1])


@pytest.fixture(scope="module")
def york_page(ds) -> str:
    return static_page.page_html(ds, ds.area("York"), "ab12")


def test_page_carries_every_tool_loads_only_the_sites_files_and_is_small(york_page):
    scripts = re.findall(r'(?:src|href)="([^"]+)"', york_page)
    assert all(not re.match(r"[a-z]+:", link) or link.startswith("#") for link in scripts), scripts
    assert {"../../_static/workshop.js", "../../_static/workshop_randomise.js"} <= set(scripts)
    # plotly.js (1.2 MB) is not loaded with the page: workshop.js fetches it when a chart comes near the screen
    assert "../../_static/plotly.min.js" not in scripts
    assert re.search(r'<script src="../../_static/workshop.js" data-plotly="plotly.min.js" defer>', york_page)
    assert '<meta name="efp-fingerprint" content="ab12">' in york_page
    assert len(york_page.encode()) < 150_000
    data = page_data(york_page)
    assert set(data) == {"area", "fgc", "compare", "tiers"} and data["area"] == "York"


def test_fgc_default_state_is_the_chapters_estimate(ds, york_page):
    data = page_data(york_page)["fgc"]
    chapter = widget_fgc.rollout(ds, ds.area("York"))
    everyone = data["coverage"].index(100)
    base = data["guide"]["base"][everyone]
    for key in ("pre_proceedings_children", "children_avoiding_care", "gross_saving", "conference_cost"):
        expected = [getattr(chapter.figures[key], end) for end in ("central", "low", "high")]
        assert base[key] == pytest.approx(expected, rel=1e-8)
    assert data["guide"]["net"][everyone][0] == pytest.approx(
        [chapter.net_saving.central, chapter.net_saving.low, chapter.net_saving.high], rel=1e-8
    )
    assert data["already"][0] is None and data["already"][1:] == [25, 50, 75, 100]  # quarters, as the live tool
    assert data["children_limit"] == 34_758 and data["looked_after"][0] > 0


def test_compare_verdicts_are_the_front_pages_findings(ds, york_page):
    york = ds.area("York")
    compare = page_data(york_page)["compare"]
    indicators = widget_views.comparable_indicators(ds)
    assert [c["title"] for c in compare] == list(indicators)
    measures = findings.with_headline_measures(ds)
    counts = dict(findings.HEADLINES)
    for item, indicator in zip(compare, indicators.values()):
        found = findings.finding(measures, indicator, york, counts.get(indicator, ""))
        assert item["verdict"] == finding_words.verdict_phrase(found)
        assert item["finding"] + "." == finding_words.sentence(found, york.name)
        roles = {s["role"] for s in item["series"].values()}
        assert {"selected", "neighbour average", "region", "England", "neighbour"} <= roles


def test_own_count_states_are_every_areas_own(ds):
    """Made once for every area: the same as the per-area estimate with the council's count set."""
    for name in ("Isles of Scilly", "Cumberland"):
        own = widget_fgc.rollout(ds, ds.area(name), pre_proceedings_children=1)
        assert static_page._fgc_mode(own) == static_page.own_count_states()


def test_compare_tool_reads_the_reports_findings_and_every_areas_lines_as_the_model_has_them(ds):
    """The trend lines (made for every area at once) are ``benchmark.comparison``'s, and the page
    made with the findings its report published (read back from summary.json) is the page made
    with findings worked out afresh."""
    for name in ("Cumberland", "City of London"):
        area = ds.area(name)
        published = json.loads(json.dumps(findings.summary(findings.headline_findings(ds, area))))
        compare = static_page.compare_data(ds, area, findings.from_summary(published))
        assert compare == static_page.compare_data(ds, area)
        for item, indicator in zip(compare, widget_views.comparable_indicators(ds).values()):
            frame = benchmark.comparison(ds, indicator, area)
            assert list(item["series"]) == list(dict.fromkeys(frame["area"]))
            for line, rows in frame.groupby("area", sort=False):
                assert item["series"][line]["x"] == rows["time_period"].tolist()
                values = [None if math.isnan(v) else v for v in rows["value"]]
                assert item["series"][line]["y"] == values and item["series"][line]["status"] == rows["status"].tolist()


def test_tier_defaults_scale_with_the_area_and_reach_is_capped(ds):
    york = static_page.tier_data(ds, ds.area("York"))
    scilly = static_page.tier_data(ds, ds.area("Isles of Scilly"))
    assert 4e6 < york["budget"] < 6e6 and scilly["budget"] < york["budget"] / 50
    assert scilly["eligible"] < 400
    assert [t["evidence_source"] for t in york["tiers"]] == ["f1-15b", "f2-7", "f1-15a", "f2-21"]
    plan = tiers.plan(
        york["budget"] * 100,
        tiers.DEFAULT_SHARES,
        {t: a.cost_per_family for t, a in tiers.DEFAULTS.items()},
        {t: a.take_up for t, a in tiers.DEFAULTS.items()},
        york["eligible"],
    )
    assert plan["families_reached"].max() == york["eligible"] and plan["capped"].any()
    assert tiers.default_budget(0) == 1000.0 and tiers.default_budget(34_758) == 5_200_000


@pytest.mark.slow
def test_randomise_states_keep_one_scale_and_never_call_no_effect_helpful():
    data = static_page.randomise_data()
    low, high = data["range"]
    for key, state in data["states"].items():
        assert low <= min(state[1], state[4]) and max(state[2], state[5]) <= high, key
        if key.split("|")[1] == "0":
            assert "helpful support" not in state[8] and "understate" not in state[8], state[8]
    assert "support that does nothing look harmful" in randomisation.finding(1.0, -0.5, 0.0, 0.0)


def test_england_page_has_no_compare_tool(ds):
    assert page_data(static_page.page_html(ds, ENGLAND))["compare"] == []


def test_area_front_page_links_its_workshop_page():
    from test_areas import SUMMARY

    index = area_pages.area_pages(SUMMARY, {})["index.html"]
    assert f'<a href="{static_page.PAGE}">Workshop tools' in index
