"""Demand further down the line, against hand-checked values from the bundled DfE/ONS data."""

import pytest

from analyses.models import demand
from analyses.views import demand as demand_view


@pytest.fixture(scope="module")
def areas(ds):
    return {name: ds.area(name) for name in ("York", "Isles of Scilly", "City of London", "Birmingham", "England")}


def test_child_population_and_ten_year_change(ds, areas):
    # ONS mid-2024 34,758; mid-2014 36,043: 34,758 / 36,043 - 1 = -3.57%
    assert demand.child_population(ds, areas["York"]) == {
        "year": 2024,
        "children": 34758,
        "earlier_year": 2014,
        "earlier_children": 36043,
        "change_pct": -3.6,
    }


def test_latest_rates_compared_with_england_by_interval(ds, areas):
    york = demand.latest(ds, areas["York"]).set_index("key")
    assert york.loc["referrals", ["year", "value", "england"]].tolist() == [2025, 528.5, 519.4]
    assert york.loc["children_looked_after", "value"] == 69.0
    # 240 children looked after: Byar's interval 60.6 to 78.4 holds England's 67
    assert york.loc["children_looked_after", "compared"] == "similar"
    birmingham = demand.latest(ds, areas["Birmingham"]).set_index("key")
    assert birmingham.loc["child_protection_plans", ["value", "compared"]].tolist() == [57.3, "higher"]


def test_funnel_keeps_suppressed_values_as_symbols(ds, areas):
    frame = demand.funnel(ds, areas["Isles of Scilly"])
    own = frame[frame["role"] == "selected"].set_index("label")
    assert list(own.index) == [s.label for s in demand.STAGES]
    assert own.loc["On a child protection plan", "status"] == "c"
    assert own.loc["Looked after", "status"] == "z"
    assert list(frame["role"].drop_duplicates()) == ["selected", "neighbour average", "region", "England"]
    table = demand_view.funnel_table(frame).set_index("Stage")
    assert table.loc["Looked after", "Isles of Scilly"] == "z"
    assert table.loc["Looked after", "England"] == 67.0


def test_funnel_chart_labels_suppressed_values_instead_of_drawing_zero(ds, areas):
    frame = demand.funnel(ds, areas["Isles of Scilly"])
    fig = demand_view.funnel_chart(frame, "title")
    own = fig.data[0]
    assert own.name == "Isles of Scilly"
    assert own.x[2] is None and own.x[3] is None
    notes = [a.text for a in fig.layout.annotations]
    assert notes == ["Isles of Scilly: suppressed (c)", "Isles of Scilly: not applicable (z)"]
    assert "England: 519.4" in fig.data[3].text


def test_titles_state_the_finding(ds, areas):
    york = demand.latest(ds, areas["York"])
    assert demand_view.funnel_title(areas["York"], york) == (
        "York's referral rate in the year ending 31 March 2025 was 528.5, not significantly different from "
        "England (519.4); its rate of children looked after at 31 March 2025 was 69.0, not significantly "
        "different from England (67.0)"
    )
    scilly = demand.latest(ds, areas["Isles of Scilly"])
    assert demand_view.funnel_title(areas["Isles of Scilly"], scilly) == (
        "Isles of Scilly's referral rate in the year ending 31 March 2025 was 1,003.1, significantly higher than "
        "England (519.4); its rate of children looked after at 31 March 2025 is not applicable (z)"
    )
    plans = scilly.set_index("key").loc["child_protection_plans"]
    assert demand_view.trend_title(areas["Isles of Scilly"], plans) == (
        "Isles of Scilly's rate of child protection plans at 31 March 2025 is suppressed (c); England's was 40.6"
    )
    england = demand.latest(ds, areas["England"]).set_index("key").loc["referrals"]
    assert (
        demand_view.trend_title(areas["England"], england)
        == "England's referral rate was 519.4 per 10,000 children in the year ending 31 March 2025"
    )


def test_summary_publishes_none_for_suppressed(ds, areas):
    scilly = demand.summary(
        demand.child_population(ds, areas["Isles of Scilly"]), demand.latest(ds, areas["Isles of Scilly"])
    )
    assert scilly["child_population"] == 319 and scilly["child_population_mid_year"] == 2024
    looked_after = scilly["rates_per_10000"]["children_looked_after"]
    assert (
        looked_after["value"] is None
        and looked_after["status"] == "z"
        and looked_after["compared_with_england"] is None
    )
    assert looked_after["england"] == 67.0
    england = demand.summary(demand.child_population(ds, areas["England"]), demand.latest(ds, areas["England"]))
    assert england["rates_per_10000"]["referrals"]["region"] is None


def test_funnel_alt_text_reads_every_value(ds, areas):
    text = demand_view.funnel_alt_text(demand.funnel(ds, areas["City of London"]))
    assert "On a child protection plan (2025): City of London suppressed (c)" in text
    assert "England 67.0." in text


def test_population_text(ds, areas):
    england = demand.child_population(ds, areas["England"])
    assert england["change_pct"] == 5.6  # 12,183,016 / 11,535,489 - 1
    assert demand_view.population_text(areas["York"], demand.child_population(ds, areas["York"]), england) == (
        "**York** had **34,758** children aged 0 to 17 in mid-2024 (ONS estimate), 3.6% fewer than in mid-2014; "
        "over the same years England's child population changed by +5.6%."
    )
    new_council = {"year": 2024, "children": 1000, "earlier_year": 2014, "earlier_children": None, "change_pct": None}
    assert demand_view.population_text(areas["York"], new_council, england).endswith("(ONS estimate).")
    same = {**new_council, "earlier_children": 1000, "change_pct": 0.0}
    assert "as many as in mid-2014" in demand_view.population_text(areas["York"], same, england)


@pytest.mark.parametrize(
    "la, expected",
    [
        (
            "York",
            "- York's referral rate in the year ending 31 March 2025 was 528.5 per 10,000 children, not "
            "significantly different from England (519.4).",
        ),
        (
            "Cumberland",
            "- Cumberland's rate of children looked after at 31 March 2025 was 87.0 per 10,000 children, "
            "significantly higher than England (67.0).",
        ),
        ("Isles of Scilly", "- Isles of Scilly's rate of children looked after at 31 March 2025 is not published."),
        ("City of London", "- City of London's rate of children looked after at 31 March 2025 is not published."),
        ("England", "- England's referral rate in the year ending 31 March 2025 was 519.4 per 10,000 children."),
    ],
)
def test_key_points_work_for_any_area(ds, la, expected):
    from analyses.data import dataset as data
    from analyses.views import demand as demand_view

    area = data.ENGLAND if la == "England" else ds.area(la)
    points = demand_view.key_points(area, demand.latest(ds, area)).splitlines()
    assert expected in points and 3 <= len(points) <= 5 and all(p.startswith("- ") for p in points)


def test_trend_views_note_a_reorganised_area_under_the_first_chart_only(ds):
    for name, noted in (("Cumberland", True), ("York", False)):
        area = ds.area(name)
        views = demand_view.trend_views(ds, area, demand.latest(ds, area))
        assert len(views) == len(demand.STAGES)
        notes = [note for *_, note in views]
        assert bool(notes[0]) is noted and not any(notes[1:])
        assert all(name in alt for _, _, alt, _ in views)
