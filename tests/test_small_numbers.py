"""Small numbers in words and on axes: halves round up, tiny answers keep distinct axis ticks."""

import re

import pytest

from analyses.models import fgc
from analyses.models import tiers as widget_tiers
from analyses.views import fgc as fgc_view
from analyses.views.wording import about_count, money, significant
from analyses.workshop import views as widget_views


def _ticks_differ(axis: dict) -> bool:
    """Six ticks across the axis range, written with the axis's d3 format, are all different."""
    decimals = int(re.fullmatch(r",?\.(\d+)f", axis["tickformat"]).group(1))
    low, high = axis["range"]
    ticks = [f"{low + i * (high - low) / 5:,.{decimals}f}" for i in range(6)]
    return len(set(ticks)) == len(ticks)


@pytest.mark.parametrize(
    ("span", "expected"),
    [(700, "{:,.0f}"), (5, "{:,.0f}"), (4.9, "{:,.1f}"), (0.7, "{:,.1f}"), (0.03, "{:,.3f}"), (0, "{:,.1f}")],
)
def test_axis_format_has_decimals_below_a_span_of_5(span, expected):
    assert fgc_view.axis_format(span) == expected


def test_isles_of_scilly_fgc_axes_show_distinct_ticks(ds):
    est = fgc.estimate(ds, ds.area("Isles of Scilly"))
    assert est.children_avoiding_care.high < 1  # the smallest council: the answer is a fraction of a child
    tornado = fgc_view.tornado(est)[0].to_dict()
    views = {b["label"]: b["args"][1]["xaxis"] for b in tornado["layout"]["updatemenus"][0]["buttons"]}
    children_axis = views["Children avoiding care a year"]
    assert children_axis["tickformat"] != ",.0f" and _ticks_differ(children_axis)
    assert _ticks_differ(views["Net saving a year (£)"])
    money_axis = fgc_view.money_chart(est)[0].to_dict()["layout"]["xaxis"]
    assert money_axis["tickformat"] == ",.1f"  # Scilly's money is below £5 thousand a year


def test_fgc_money_axes_read_in_their_unit(ds):
    """£ thousand in whole numbers; £ million (a large council, Kent) to one decimal place, never 0 to 1 in
    whole millions."""
    for name, unit, tickformat in (("York", "£ thousand", ",.0f"), ("Kent", "£ million", ",.1f")):
        axis = fgc_view.money_chart(fgc.estimate(ds, ds.area(name)))[0].to_dict()["layout"]["xaxis"]
        assert axis["title"]["text"].startswith(unit) and axis["tickformat"] == tickformat, name


def test_halves_round_up_in_estimates():
    assert significant(12.5) == 13 and about_count(12.5) == "13"
    assert significant(78_500) == 79_000 and money(78_500) == "about £79,000"
    assert significant(-44_210) == -44_000 and significant(0.045) == 0.045 and about_count(0.4) == "0.4"


def test_tier_planner_says_the_same_families_it_worked_on(ds):
    """£5,000 at £400 a family is 12.5 places; with full take-up, 12.5 families: 'about 13', never 'about 12'
    (whole numbers, halves up, as wording.children_number writes every whole count)."""
    costs = {tier: 400 for tier in widget_tiers.TIERS}
    plan = widget_tiers.plan(20_000, widget_tiers.DEFAULT_SHARES, costs, {tier: 1.0 for tier in widget_tiers.TIERS})
    assert plan["families_reached"].iloc[0] == 12.5
    view = widget_views.tier_view(plan, widget_tiers.downstream_demand(ds, ds.area("York")), "York", 20_000)
    assert "about 13 places at £400 each" in view.summary_html and "about <b>13</b> families" in view.summary_html
    assert view.figure.layout.title.text.startswith("£20,000 reaches about 50 families a year")
    assert "Universal about 13" in view.alt_text and " 12" not in view.alt_text.split("Latest")[0]
    bars = [t for trace in view.figure.to_dict()["data"] for t in trace.get("text", [])]
    assert "about 13 families" in bars
