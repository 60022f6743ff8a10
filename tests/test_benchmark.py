"""Benchmarking functions against hand-checked values."""

import math

import pandas as pd
import pytest

from analyses.models import benchmark


def test_wilson_interval_by_hand():
    # 10 of 50: the Wilson 95% interval is 11.24% to 33.04% (textbook value)
    low, high = benchmark.wilson_interval(10, 50)
    assert low == pytest.approx(11.24, abs=0.01) and high == pytest.approx(33.04, abs=0.01)
    assert benchmark.wilson_interval(0, 20)[0] == pytest.approx(0, abs=1e-9)


def test_byar_interval_by_hand():
    # 10 events: Byar gives 4.787 to 18.39 (exact Poisson 4.795 to 18.39), per 10,000 of 10,000 people
    low, high = benchmark.byar_interval(10, 10_000)
    assert low == pytest.approx(4.787, abs=0.005) and high == pytest.approx(18.39, abs=0.01)
    assert benchmark.byar_interval(0, 1000)[0] == 0


@pytest.mark.parametrize(
    "value, polarity, band",
    [
        (1, "lower_is_better", "A"),
        (1, "higher_is_better", "D"),
        (1, "neither", "Q1"),
        (8, "lower_is_better", "D"),
        (8, "higher_is_better", "A"),
        (8, "neither", "Q4"),
        (4.5, "lower_is_better", "B"),
        (math.nan, "neither", ""),
    ],
)
def test_quartile_band_respects_polarity(value, polarity, band):
    values = pd.Series([1, 2, 3, 4, 5, 6, 7, 8])  # quartiles at 2.75, 4.5, 6.25
    assert benchmark.quartile_band(values, value, polarity) == band


def test_rank_respects_polarity_and_ties():
    values = pd.Series([10, 20, 20, 30, None])
    assert benchmark.rank(values, 10, "lower_is_better") == 1
    assert benchmark.rank(values, 10, "higher_is_better") == 4
    assert benchmark.rank(values, 20, "higher_is_better") == 2


@pytest.mark.parametrize(
    "low, high, polarity, expected",
    [
        (70, 80, "lower_is_better", "worse than England"),
        (40, 50, "lower_is_better", "better than England"),
        (55, 65, "lower_is_better", "similar to England"),
        (70, 80, "neither", "higher than England"),
        (math.nan, 80, "neither", "not tested"),
    ],
)
def test_significance_against_england(low, high, polarity, expected):
    assert benchmark.significance(low, high, 60, polarity) == expected


def test_neighbour_average_is_mean_of_the_ten(ds):
    york = ds.area("York")
    average = benchmark.neighbour_average(ds, "cla_31mar_rate", york).set_index("time_period")
    values = ds.la_values("cla_31mar_rate", 2025)
    expected = values[values.old_la_code.isin(york.neighbours)]["value"].mean()
    assert average.loc[2025, "value"] == pytest.approx(round(expected, 1))


def test_comparison_has_every_role(ds):
    frame = benchmark.comparison(ds, "cla_31mar_rate", ds.area("York"))
    assert set(frame.role) == {"selected", "region", "neighbour average", "neighbour", "England"}
    assert frame[frame.role == "neighbour"].area.nunique() == 10


def test_profile_for_york_and_a_tiny_la(ds):
    york = benchmark.profile(ds, ds.area("York")).set_index("indicator")
    row = york.loc["cla_31mar_rate"]
    assert row["value"] == 69 and row["year"] == 2025 and row["band"] in ("Q1", "Q2", "Q3", "Q4")
    low, high = benchmark.byar_interval(240, 34758)
    assert row["ci_low"] == pytest.approx(low) and row["ci_high"] == pytest.approx(high)
    scilly = benchmark.profile(ds, ds.area("Isles of Scilly")).set_index("indicator")
    assert scilly.loc["cla_31mar_rate", "status"] == "z" and scilly.loc["cla_31mar_rate", "band"] == ""


# A reorganised area (predecessor lines), the two smallest, a London borough, a large county and England.
EVERY_KIND = ("Cumberland", "Isles of Scilly", "City of London", "Hackney", "Kent", "York", "England")


def test_comparisons_of_every_area_are_comparison_area_by_area(ds):
    """The all-areas table (the workshop pages' trend lines, and every report's ``comparison``) holds,
    for each area, exactly the rows worked out for that area alone (``_comparison``): rates with
    predecessors, a percentage and a count (no predecessors). ``comparison`` gives those rows, and
    ``neighbour_average`` its neighbours' average among them."""
    indicators = ["cla_31mar_rate", "rereferrals_pct", "cla_31mar_count"]
    tables = benchmark.comparisons(ds, indicators)
    for indicator, table in tables.items():
        assert table["selected_area"].unique().tolist() == [a.name for a in ds.areas()] + ["England"]
        rows = table.groupby("selected_area", sort=False).indices
        for name in EVERY_KIND:
            area = ds.area(name)
            alone = benchmark._comparison(ds, indicator, area, with_neighbours=True)
            mine = table.iloc[rows[area.name]].drop(columns="selected_area").reset_index(drop=True)
            pd.testing.assert_frame_equal(mine, alone, check_exact=True)
            pd.testing.assert_frame_equal(benchmark.comparison(ds, indicator, area), alone, check_exact=True)
            average = alone[alone["role"] == "neighbour average"]
            assert benchmark.neighbour_average(ds, indicator, area)["value"].tolist() == average["value"].tolist()
    roles = tables["cla_31mar_rate"].query("selected_area == 'Cumberland'")["role"]
    assert "predecessor" in set(roles)


def test_a_measure_no_council_publishes_has_an_empty_spread(ds):
    """England-only figures (children in kinship foster care) have no council values to band, published or not."""
    for published_only in (False, True):
        spread = benchmark.la_spread(ds, "cla_kin_foster_inside_count", 2024, published_only=published_only)
        assert len(spread.values) == 0 and spread.quartiles is None
        assert spread.band(5.0, "neither") == ""
