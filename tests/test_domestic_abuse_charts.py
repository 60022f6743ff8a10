"""The domestic abuse chapter's charts and tables: titles, suppressed values and every LA listed."""

import html
import re

import pytest

from analyses.data import dataset as data
from analyses.models import benchmark, findings
from analyses.models import domestic_abuse as da
from analyses.views import domestic_abuse as dac
from analyses.views import ranking


@pytest.fixture(scope="module")
def dsm(ds):
    return da.with_measures(ds)


def test_trend_title_states_the_latest_values(dsm):
    york = dsm.area("York")
    frame = benchmark.comparison(dsm, "da_factor_parent_share", york)
    title = dac.trend_title(frame, york, "da_factor_parent_count", "share")
    assert title == "York, 2024-25: domestic abuse concerning a parent or carer, 15.2% (England 31.7%)"


def test_rate_bars_title_and_table(dsm):
    york = dsm.area("York")
    fig, table, alt = dac.rate_bars(york, da.latest_table(dsm, york, 2025), "2024-25")
    assert fig.layout.title.text.replace("<br>", " ") == (
        "York, 2024-25: domestic abuse concerning a parent or carer was identified at 72.5 per 10,000 children, "
        "against 133.7 in England"
    )
    assert list(table.columns) == [
        "Domestic abuse concerning",
        "York",
        "Statistical neighbours (average)",
        "Yorkshire and The Humber",
        "England",
    ]
    assert table.iloc[0]["York"] == "72.5" and "No bar" not in alt


def test_rate_bars_for_a_suppressed_area_draw_no_bar_and_say_why(dsm):
    london = dsm.area("City of London")
    fig, table, alt = dac.rate_bars(london, da.latest_table(dsm, london, 2025), "2024-25")
    assert fig.data[0].y == (None, None, None)
    assert set(table["City of London"]) == {"suppressed (c)"}
    assert fig.layout.title.text.replace("<br>", " ") == (
        "City of London, 2024-25: the figure for abuse concerning a parent or carer is suppressed (c); "
        "England 133.7 per 10,000 children"
    )
    assert "No bar is drawn for City of London" in alt


def test_trend_views_has_six_measures_and_all_years(dsm):
    fig, table, alt = dac.trend_views(dsm, dsm.area("York"))
    assert len(fig.layout.updatemenus[0].buttons) == 6 and table["Measure"].nunique() == 6
    assert "2018 to 2025" in alt


def test_interval_table_for_england_has_no_self_comparison(dsm):
    derived = [da.measure_id(f, m) for f in da.FACTORS for m in da.MEASURES]
    profile = benchmark.profile(dsm, data.ENGLAND, derived).set_index("indicator")
    table = dac.interval_table(profile, data.ENGLAND)
    assert set(table["Compared with England"]) == {"-"} and set(table["Rank among LAs (1st = lowest)"]) == {"-"}
    york = dsm.area("York")
    profile = benchmark.profile(dsm, york, derived).set_index("indicator")
    table = dac.interval_table(profile, york)
    rates = dsm.la_values(derived[0], int(profile.iloc[0]["year"]))
    shown = rates[rates["status"].isin(["published", "derived"])]
    expected = int((shown["value"] < profile.iloc[0]["value"]).sum()) + 1  # ties share the better rank
    assert table.iloc[0]["Rank among LAs (1st = lowest)"] == f"{ranking.ordinal(expected)} of {len(shown)}"
    assert table.iloc[1]["95% confidence interval"] == "13.6% to 17.0%"


def test_ranking_view_lists_every_la(dsm):
    fig, table, alt = dac.ranking_view(dsm, dsm.area("York"), 2025)
    assert len(table) == 153 and table["Per 10,000 children"].isin(["c", "u", "x", "z"]).sum() >= 1
    published = int((~table["Per 10,000 children"].isin(["c", "u", "x", "z"])).sum())
    assert re.match(
        rf"York was \d+(st|nd|rd|th) lowest of {published} local authorities",
        fig.layout.title.text.replace("<br>", " "),
    )
    london = dac.ranking_view(dsm, dsm.area("City of London"), 2025)[0]
    assert html.unescape(london.layout.title.text.replace("<br>", " ")) == (
        "City of London's figure for domestic abuse concerning a parent or carer in 2024-25 is suppressed "
        "(c); 152 local authorities published one"
    )


def test_chapter_sentences_come_from_the_data(dsm):
    year = da.latest_year(dsm, data.ENGLAND)
    england = da.latest_table(dsm, data.ENGLAND, year).set_index("factor")
    text = dac.national_text(dsm, england, "2024-25")
    count_2023 = dsm.series("da_factor_parent_count", data.ENGLAND).set_index("time_period")["value"][2023]
    assert f"is {count_2023:,.0f}, the figure quoted above" in text
    assert f"{england.loc['da_factor_parent_count', 'share']:.1f}% of the assessments" in text
    # DfE's own 2024-25 share for abuse concerning a parent (31.7%) is below the "more than a third" quoted
    assert "31.7% of the assessments that recorded any factor, less than a third." in text
    york = dsm.area("York")
    both = dac.mental_health_text(dsm, york)
    assert both.startswith("The same DfE table counts parents'") and "York" in both
    assert "York" not in dac.mental_health_text(dsm, data.ENGLAND)
    mine = da.latest_table(dsm, york, year)
    parent = findings.finding(dsm, findings.DA_PARENT_RATE, york, "da_factor_parent_count")
    headline = dac.parent_headline(mine, parent, york)
    assert headline.startswith("**York, year ending 31 March 2025.** Domestic abuse concerning a parent or carer")
