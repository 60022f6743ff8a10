"""The benchmarking profile in words, charts and summary figures, against hand-checked values."""

import json
import math

import pytest

from analyses.data import dataset as data
from analyses.data.schema import SYMBOLS
from analyses.models import benchmark
from analyses.views import profile as pv


@pytest.fixture(scope="module")
def york_profile(ds):
    return benchmark.profile(ds, ds.area("York"))


def row_of(profile, indicator):
    return (
        profile.set_index("indicator")
        .loc[indicator]
        .rename(indicator)
        .to_frame()
        .T.reset_index(names="indicator")
        .iloc[0]
    )


@pytest.mark.parametrize(
    "value, status, unit, expected",
    [
        (1234.0, "published", "count", "1,234"),
        (69.04, "published", "rate_per_10000", "69.0"),
        (23.15, "published", "percent", "23.1%"),
        (math.nan, "c", "count", "suppressed (c)"),
        (math.nan, "published", "percent", "no value"),
    ],
)
def test_format_value(value, status, unit, expected):
    assert pv.format_value(value, status, unit) == expected


def test_trend_respects_polarity(ds, york_profile):
    york = ds.area("York")
    # York looked after rate: 70 (2024) -> 69 (2025); LAIT gives it no polarity, so no "better"
    assert pv.trend_text(ds, york, row_of(york_profile, "cla_31mar_rate")) == "down from 70.0 in 2024"
    # re-referrals 23.0% -> 23.2%, lower is better
    assert pv.trend_text(ds, york, row_of(york_profile, "rereferrals_pct")) == "up from 23.0% in 2024 (worse)"
    # referrals rate has no polarity: direction only
    assert pv.trend_text(ds, york, row_of(york_profile, "referrals_rate")) == "up from 466.3 in 2024"


def test_trend_skips_gaps_and_stops_at_a_series_break(ds, york_profile):
    york = ds.area("York")
    # City of London's re-referral rate has no 2022-2024 value: the change is from 2021
    london = benchmark.profile(ds, ds.area("City of London"), ["rereferrals_pct"]).iloc[0]
    assert pv.trend_text(ds, ds.area("City of London"), london) == "up from 11.3% in 2021 (worse)"
    # EYFSP in 2022 (new framework) is not compared with 2019
    eyfsp = row_of(york_profile, "eyfsp_gld_pct").copy()
    eyfsp["year"], eyfsp["value"] = 2022, 70.9
    assert pv.trend_text(ds, york, eyfsp).startswith("first year of a new series (2022 onwards)")


def test_tables_write_every_judgement_out(ds, york_profile):
    values, benchmarks = pv.profile_tables(ds, ds.area("York"), york_profile)
    rate = values.set_index("Indicator").loc["Children looked after at 31 March per 10,000 children"]
    assert rate["York"] == "69.0 (2025)" and rate["England"] == "67.0" and rate["Neighbours' average"] == "57.4"
    bench = benchmarks.set_index("Indicator").loc["Children looked after at 31 March per 10,000 children"]
    assert bench["Rank among LAs (1st = lowest)"] == "79th of 151"
    assert bench["Quartile band (Q1 = lowest)"] == "Q3" and bench["Which is better"] == "neither"
    assert bench["95% confidence interval"] == "60.6 to 78.4"
    assert bench["Compared with England"] == "similar to England"


def test_profile_uses_one_rank_and_band_convention_and_no_counts(ds, york_profile):
    """Higher is better for the good level of development, yet the rank still counts from the lowest value
    (LAIT's own rank, 1 = best, is 26th) and the band is Q4, not A; counts (240 against 81,770) are left out."""
    values, benchmarks = pv.profile_tables(ds, ds.area("York"), york_profile)
    assert "Children looked after at 31 March" not in set(values["Indicator"])
    assert not values.apply(lambda col: col.astype(str).str.contains("81,770")).any().any()
    eyfsp = benchmarks.set_index("Indicator").loc["Good level of development at age 5 (%)"]
    assert row_of(york_profile, "eyfsp_gld_pct")["rank"] == 26  # LAIT's convention, kept for summary.json
    assert eyfsp["Rank among LAs (1st = lowest)"] == "127th of 153" and eyfsp["Which is better"] == "higher"
    assert eyfsp["Quartile band (Q1 = lowest)"] == "Q4 (highest quarter)"
    assert eyfsp["95% confidence interval"] == "-" and eyfsp["Compared with England"] == "-"
    bands = set(benchmarks["Quartile band (Q1 = lowest)"])
    assert bands <= {"Q1 (lowest quarter)", "Q2", "Q3", "Q4 (highest quarter)", "-"}
    assert not any("not computed" in c or "not tested" in c for c in benchmarks.to_numpy().ravel())
    assert pv.dash_note(benchmarks) == (
        "A dash (-) means the figure cannot be worked out: there is no confidence interval, and so no comparison "
        "with England, where the data do not hold the count and population (or total) behind the figure."
    )


def test_suppressed_latest_value_is_shown_as_suppressed(ds):
    london = ds.area("City of London")
    values, benchmarks = pv.profile_tables(ds, london, benchmark.profile(ds, london, ["cla_31mar_rate"]))
    assert values.iloc[0]["City of London"] == "suppressed (c) (2025)"
    assert values.iloc[0]["Change"] == "no latest value"
    assert benchmarks.iloc[0]["Rank among LAs (1st = lowest)"] == "-"
    assert pv.dash_note(benchmarks).startswith("A dash (-) means the figure cannot be worked out: there is no rank")


def test_england_gets_values_only(ds):
    values, benchmarks = pv.profile_tables(ds, data.ENGLAND, benchmark.profile(ds, data.ENGLAND, ["cla_31mar_rate"]))
    assert list(values.columns) == ["Indicator", "England", "Change"] and benchmarks is None


def test_summary_is_compact_and_json_safe(ds):
    london = ds.area("City of London")
    summary = pv.summary(benchmark.profile(ds, london, ["cla_31mar_rate", "cla_starts_rate"]), london)
    assert summary["cla_31mar_rate"]["value"] is None and summary["cla_31mar_rate"]["status"] == "c"
    assert summary["cla_31mar_rate"]["rank"] is None and summary["cla_31mar_rate"]["band"] is None
    starts = summary["cla_starts_rate"]
    assert (starts["value"], starts["rank"], starts["of"], starts["band"]) == (177.0, 152, 152, "Q4")
    assert starts["ci_low"] == pytest.approx(99.05, abs=0.01) and starts["vs_england"] == "higher than England"


def test_england_summary_has_no_comparisons_with_itself(ds):
    summary = pv.summary(benchmark.profile(ds, data.ENGLAND, ["cla_31mar_rate"]), data.ENGLAND)["cla_31mar_rate"]
    assert summary["value"] == 67.0 and summary["rank"] is None and summary["vs_england"] is None


def test_neighbour_values_keep_suppressed_neighbours_last(ds):
    york = ds.area("York")
    frame = pv.neighbour_values(ds, york, "cao_exits_count", 2024)
    assert len(frame) == 11 and frame["selected"].sum() == 1
    york_row = frame[frame["selected"]].iloc[0]
    assert york_row["status"] == "c" and frame.index[frame["selected"]][0] >= frame["value"].notna().sum()


def test_neighbours_are_highest_first_and_equal_values_keep_the_datas_order(ds):
    """The order of equal values is the data's, not whatever a sort happens to give (Gloucestershire and
    Warwickshire, both 68.6% for York's first measure of 2025, among others)."""
    york = ds.area("York")
    ties = 0
    for indicator in ds.metadata["indicator"]:
        for year in (2024, 2025):
            frame = pv.neighbour_values(ds, york, indicator, year)
            data_order = list(ds.la_values(indicator, year)["old_la_code"])
            shown = frame[frame["value"].notna() & ~frame["status"].isin(list(SYMBOLS))]
            assert list(shown["value"]) == sorted(shown["value"], reverse=True)
            for _, equal in shown.groupby("value"):
                ties += len(equal) > 1
                assert list(equal["old_la_code"]) == sorted(equal["old_la_code"], key=data_order.index)
    assert ties > 0


def test_neighbour_chart_title_and_counts_left_out(ds, york_profile):
    york = ds.area("York")
    fig, table = pv.neighbour_chart(ds, york, pv.local_rows(york_profile))
    assert "Children looked after at 31 March" not in set(table["Indicator"])  # a count
    assert len(fig.layout.updatemenus[0].buttons) == len(table)
    assert fig.layout.title.text.replace("<br>", " ") == (
        "Children looked after at 31 March per 10,000 children, 2025: York 69.0, 2nd highest of 11 with its "
        "neighbours (England 67.0)"
    )


def test_ranking_views_cover_every_la_and_rate(ds, york_profile):
    fig, table, alt = pv.ranking_views(ds, ds.area("York"), pv.local_rows(york_profile))
    assert len(table) == 153 and len(fig.layout.updatemenus[0].buttons) == len(table.columns) - 2
    london = table.set_index("Local authority").loc["City of London"]
    assert london["Children looked after at 31 March (per 10,000), 2025"] == "suppressed (c)"
    assert london["Care applications (per 10,000), 2025"] == "not available (x)"
    assert fig.layout.title.text.replace("<br>", " ") == (
        "York was 79th lowest of 151 local authorities for children looked after at 31 March per 10,000 children "
        "in 2025, at 69.0"
    )


@pytest.mark.build
def test_city_of_london_report_shows_suppression_and_leaves_out_yorks_story(site):
    """The York chapter in another LA's report (the site's area page): its profile, with suppressed
    values, and none of York's story."""
    folder = site / "areas" / "city-of-london"
    page = (folder / "york.html").read_text(encoding="utf-8")
    assert "Benchmarking profile" in page and "suppressed (c) (2025)" in page
    for york_only in ("Case study: City of York", "Early Talk for York", "Huntington Research School"):
        assert york_only not in page
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["profile"]["cla_31mar_rate"]["value"] is None
    assert summary["profile"]["cla_31mar_rate"]["status"] == "c"
    assert summary["domestic_abuse"]["parent"]["rate_per_10000"] is None


def test_polarity_follows_lait_and_says_why():
    from analyses.views.profile import polarity_table

    table = polarity_table().set_index("Indicator")
    assert table.loc["Children looked after at 31 March per 10,000 children", "Which direction is better"].startswith(
        "neither"
    )
    assert table.loc["Re-referrals within 12 months (%)", "Which direction is better"] == "lower is better"
    assert table.loc["Good level of development at age 5 (%)", "Which direction is better"] == "higher is better"
    assert "LAIT" in table.loc["Care applications per 10,000 children", "Why"]
    assert table["Why"].str.len().min() > 20
