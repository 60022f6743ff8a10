"""Kinship statistics: exit rates per 10,000 children and England's family-and-friends share."""

import math

import pandas as pd
import pytest

from analyses.data.dataset import Dataset
from analyses.models import kinship
from analyses.views import kinship as kinship_view

COLUMNS = [
    "indicator",
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "value",
    "status",
    "source",
]


@pytest.fixture(scope="module")
def tiny(ds):
    """Three LAs in one region: A's neighbours are B and C; A has no mid-2023 population."""

    def la(code, name, neighbours):
        row = {
            "new_la_code": f"E0600{code}",
            "old_la_code": code,
            "la_name": name,
            "region_code": "E12000099",
            "region_name": "Testshire",
            "status": "current",
            "other_gss_codes": "",
        }
        return {**row, **{f"sn_{i}": (neighbours[i - 1] if i <= len(neighbours) else "") for i in range(1, 11)}}

    las = pd.DataFrame([la("901", "Aton", ["902", "903"]), la("902", "Beeton", ["901"]), la("903", "Ceeton", ["901"])])
    rows = []

    def add(indicator, year, level, code, value, status="published"):
        names = {"901": "Aton", "902": "Beeton", "903": "Ceeton"}
        rows.append(
            [
                indicator,
                year,
                level,
                "" if level == "National" else "E12000099",
                "" if level == "National" else "Testshire",
                code if level == "Local authority" else "",
                f"E0600{code}" if level == "Local authority" else "",
                names.get(code, ""),
                value,
                status,
                "test",
            ]
        )

    for level, code, pops, counts in [
        ("Local authority", "901", {2022: 10_000}, {2023: 5, 2024: 6}),
        ("Local authority", "902", {2022: 20_000, 2023: 20_000}, {2023: 8, 2024: 10}),
        ("Local authority", "903", {2022: 5_000, 2023: 5_000}, {2023: None, 2024: 2}),
        ("Regional", "", {2022: 35_000, 2023: 35_000}, {2023: 13, 2024: 18}),
        ("National", "", {2022: 100_000, 2023: 100_000}, {2023: 40, 2024: 50}),
    ]:
        for year, pop in pops.items():
            add("population_0_17", year, level, code, float(pop))
        for year, count in counts.items():
            add(
                "sgo_exits_count",
                year,
                level,
                code,
                math.nan if count is None else float(count),
                "c" if count is None else "published",
            )
    return Dataset(indicators=pd.DataFrame(rows, columns=COLUMNS), las=las, metadata=ds.metadata)


def test_rates_use_the_previous_mid_year_and_keep_symbols(tiny):
    rates = kinship.rates(tiny, "sgo_exits_count")
    aton = kinship.series(rates, tiny.area("Aton")).set_index("time_period")
    assert aton.loc[2023, "value"] == 5.0  # 5 / 10,000 (mid-2022) x 10,000
    assert aton.loc[2024, "status"] == "x" and math.isnan(aton.loc[2024, "value"])  # no mid-2023 population
    ceeton = kinship.series(rates, tiny.area("Ceeton")).set_index("time_period")
    assert ceeton.loc[2023, "status"] == "c" and math.isnan(ceeton.loc[2023, "value"])
    assert ceeton.loc[2024, "value"] == 4.0  # 2 / 5,000 x 10,000
    region = kinship.series(rates, tiny.region_of(tiny.area("Aton"))).set_index("time_period")
    assert region.loc[2023, "value"] == 3.7  # 13 / 35,000 x 10,000 = 3.71


def test_comparison_averages_the_neighbours_that_have_a_rate(tiny):
    rates = kinship.rates(tiny, "sgo_exits_count")
    frame = kinship.comparison(tiny, rates, tiny.area("Aton"))
    average = frame[frame["role"] == "neighbour average"].set_index("time_period")["value"]
    assert average[2023] == 4.0  # Beeton 4.0; Ceeton suppressed
    assert average[2024] == 4.5  # (5.0 + 4.0) / 2
    assert set(frame["role"]) == {"selected", "region", "neighbour average", "neighbour", "England"}


def test_real_rates_for_york_and_tiny_las(ds):
    rates = kinship.rates(ds, "sgo_exits_count")
    york = kinship.latest(rates, ds.area("York"))
    # 2024-25 from LAIT (DfE's ceased-by-reason file stops at 2023-24): 12 children / 34,758 children
    # (mid-2024) x 10,000 = 3.45; England 4,110 / 12,183,016 x 10,000 = 3.37. The status is the count's.
    assert york == {
        "year": 2025,
        "count": 12,
        "rate": 3.5,
        "status": "published",
        "england_rate": 3.4,
        "england_count": 4110,
        "compared": "similar",
    }
    scilly = kinship.latest(rates, ds.area("Isles of Scilly"))
    assert (
        scilly["status"] == "x" and scilly["rate"] is None and scilly["count"] is None
    )  # LAIT's '-'; DfE's own file says z
    york_series = kinship.series(rates, ds.area("York")).set_index("time_period")
    assert york_series.loc[2022, "status"] == "c"


def test_family_and_friends_share_of_children_looked_after(ds):
    share = kinship.family_and_friends_share(ds).set_index("time_period")
    assert list(share.index) == [2021, 2022, 2023, 2024]  # no looked-after total for 2020 in the data
    # 31 March 2024: 9,310 + 4,360 = 13,670 of 83,530 looked after (16.4%) and of 56,390 fostered (24.2%)
    assert share.loc[2024, ["family_and_friends", "share_of_looked_after", "share_of_fostered"]].tolist() == [
        13670,
        16.4,
        24.2,
    ]
    assert share.loc[2021, "share_of_looked_after"] == 15.4  # 12,450 / 80,780


def test_titles(ds):
    share = kinship.family_and_friends_share(ds)
    assert kinship_view.share_title(share) == (
        "About 1 in 6 children looked after in England lived with relatives or friends as foster carers "
        "on 31 March 2024 (16.4%), up from 15.4% in 2021"
    )
    sgo, cao = kinship.rates(ds, "sgo_exits_count"), kinship.rates(ds, "cao_exits_count")
    york, london = ds.area("York"), ds.area("City of London")
    assert kinship_view.exits_title(york, "special guardianship order", kinship.latest(sgo, york)) == (
        "12 children left York's care on a special guardianship order in the year ending 31 March 2025, 3.5 per "
        "10,000 children, not significantly different from England (3.4)"
    )
    assert kinship_view.exits_title(york, "child arrangements order", kinship.latest(cao, york)) == (
        "York's count for the year ending 31 March 2024 is suppressed (c); in England 1.0 in 10,000 children left care on a child "
        "arrangements order"
    )
    assert kinship_view.exits_title(london, "special guardianship order", kinship.latest(sgo, london)).startswith(
        "No children left City of London's care"
    )
    assert kinship_view.exits_title(
        ds.area("England"), "special guardianship order", kinship.latest(sgo, ds.area("England"))
    ) == (
        "4,110 children left care in England on a special guardianship order in the year ending 31 March 2025, "
        "3.4 per 10,000 children"
    )


def test_summary(ds):
    area = ds.area("York")
    exits = {i: kinship.latest(kinship.rates(ds, i), area) for i in kinship.ORDERS}
    summary = kinship.summary(exits, kinship.family_and_friends_share(ds))
    assert summary["sgo_exits"]["rate_per_10000"] == 3.5 and summary["cao_exits"]["count"] is None
    assert summary["sgo_exits"]["status"] == "published"  # the count's status, as in the profile
    assert summary["cao_exits"]["status"] == "c"
    assert summary["england_family_and_friends_foster_care"] == {
        "year": 2024,
        "children": 13670,
        "share_of_looked_after_pct": 16.4,
    }


def test_own_counts_text(ds):
    def text(name):
        area = ds.area(name)
        return kinship_view.own_counts_text(
            area, {i: kinship.latest(kinship.rates(ds, i), area) for i in kinship.ORDERS}
        )

    assert text("York").startswith(
        "**York:** 12 left on a special guardianship order in the year ending 31 March 2025; the number leaving on "
        "a child arrangements order in the year ending 31 March 2024 is suppressed (c). With counts this small"
    )
    assert text("Isles of Scilly") == (
        "**Isles of Scilly:** the number leaving on a special guardianship order in the year ending 31 March 2025 "
        "is not available (x); the number leaving on a child arrangements order in the year ending 31 March 2024 "
        "is not applicable (z)."
    )
    assert text("England") == ""


@pytest.mark.parametrize(
    "la, expected",
    [
        (
            "York",
            "- 12 children left York's care on a special guardianship order in the year ending 31 March 2025, "
            "3.5 per 10,000 children, not significantly different from England (3.4).",
        ),
        (
            "York",
            "- The number of children leaving York's care on a child arrangements order in the year ending "
            "31 March 2024 is "
            "suppressed (c); England's rate was 1.0 per 10,000 children.",
        ),
        (
            "Isles of Scilly",
            "- The number of children leaving Isles of Scilly's care on a child arrangements order "
            "in the year ending 31 March 2024 is not applicable (z); England's rate was 1.0 per 10,000 children.",
        ),
        (
            "City of London",
            "- No children left City of London's care on a special guardianship order in the year ending "
            "31 March 2025; "
            "England's rate was 3.4 per 10,000 children.",
        ),
        (
            "Cumberland",
            "- 13 children left Cumberland's care on a child arrangements order in the year ending 31 March 2024, "
            "2.5 per 10,000 children, significantly higher than England (1.0).",
        ),
        (
            "England",
            "- 4,110 children left care in England on a special guardianship order in the year ending "
            "31 March 2025, 3.4 per 10,000 children.",
        ),
    ],
)
def test_key_points_work_for_any_area(ds, la, expected):
    from analyses.data import dataset as data

    area = data.ENGLAND if la == "England" else ds.area(la)
    exits = {indicator: kinship.latest(kinship.rates(ds, indicator), area) for indicator in kinship.ORDERS}
    share = kinship.family_and_friends_share(ds)
    points = kinship_view.key_points(area, exits, share).splitlines()
    assert expected in points and 3 <= len(points) <= 5 and all(p.startswith("- ") for p in points)
    assert (
        "- On 31 March 2024, 16.4% of children looked after in England were fostered by relatives or friends; "
        "this is not published for each council."
    ) in points
    small = "- A council's counts are small, so a change of a few children moves its rate a long way."
    assert (small in points) == (la in ("York", "Cumberland"))  # only where the area has a count above zero


def test_england_exits_text_names_each_orders_year_when_they_differ():
    same = {
        "sgo_exits_count": {"year": 2024, "england_count": 3890},
        "cao_exits_count": {"year": 2024, "england_count": 1200},
    }
    assert kinship_view.england_exits_text(same) == (
        "In England, **3,890** children left care on a special guardianship order in the year ending 31 March 2024 "
        "and **1,200** on a child arrangements order: **5,090** in all."
    )
    differ = {**same, "sgo_exits_count": {"year": 2025, "england_count": 4110}}
    text = kinship_view.england_exits_text(differ)
    assert "**4,110** children left care on a special guardianship order in the year ending 31 March 2025" in text
    assert "**1,200** on a child arrangements order in the year ending 31 March 2024" in text and "in all" not in text


def test_exits_charts_and_share_views_come_from_the_data(ds):
    area = ds.area("Cumberland")
    rates = {indicator: kinship.rates(ds, indicator) for indicator in kinship.ORDERS}
    exits = {indicator: kinship.latest(frame, area) for indicator, frame in rates.items()}
    views = kinship_view.exits_charts(ds, area, rates, exits)
    assert len(views) == len(kinship.ORDERS)
    for (fig, table, alt), order in zip(views, kinship.ORDERS.values()):
        assert fig.layout.title.text and order in alt and "Cumberland" in alt
        assert len(table.data) >= 152  # every LA is listed
    share = kinship.family_and_friends_share(ds)
    fig, table, alt = kinship_view.share_chart(share)
    last = share.iloc[-1]
    assert f"{last['share_of_looked_after']:.1f}% in {int(last['time_period'])}" in alt
    assert list(table.data.columns)[0] == "31 March"
    assert f"**{last['family_and_friends']:,.0f}**" in kinship_view.share_text(share)
