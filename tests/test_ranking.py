"""Ranking every LA: order, groups, and suppressed values kept out of the bars but in the table."""

import math

import pandas as pd

from analyses.data.geography import ENGLAND, Area
from analyses.views import ranking


def values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "la_name": ["York", "Leeds", "Hull", "Wakefield", "Selby"],
            "region_name": ["YH"] * 5,
            "value": [30.0, 10.0, math.nan, 20.0, 10.0],
            "status": ["derived", "derived", "c", "derived", "derived"],
        }
    )


def test_ranked_orders_lowest_first_with_ties_sharing_a_rank():
    frame = ranking.ranked(values(), "York", {"Leeds"})
    assert list(frame["la_name"]) == ["Leeds", "Selby", "Wakefield", "York", "Hull"]
    assert list(frame["rank"].astype("object").where(frame["rank"].notna(), None)) == [1, 1, 3, 4, None]
    assert list(frame["group"]) == ["neighbour", "other", "other", "selected", "other"]


def test_table_shows_the_symbol_not_zero():
    table = ranking.ranking_table(ranking.ranked(values(), "York", set()), "Rate")
    hull = table[table["Local authority"] == "Hull"].iloc[0]
    assert hull["Rate"] == "c" and hull["Rank (1 = lowest)"] == "-"


def test_chart_draws_no_bar_for_a_suppressed_value_and_says_so():
    frame = ranking.ranked(values(), "Hull", {"York"})
    fig = ranking.ranking_chart(frame, "Hull", "title", "Rate", reference=15.0)
    drawn = [label.split(":")[0] for trace in fig.data for label in trace.customdata]
    assert "Hull" not in drawn and len(drawn) == 4
    assert sorted(x for trace in fig.data for x in trace.x) == [0, 1, 2, 3]
    texts = " ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations)
    assert "including Hull, whose figure is suppressed (c)" in texts and "England 15.0" in texts


def test_selected_la_is_labelled_with_its_value():
    fig = ranking.ranking_chart(ranking.ranked(values(), "York", set()), "York", "title", "Rate")
    label = next(a for a in fig.layout.annotations if a.showarrow)
    assert label.text == "<b>York</b><br>30.0"
    york = next(trace for trace in fig.data if trace.name == "selected")
    assert list(york.x) == [label.x] and york.customdata[0].startswith("York: 30.0 (rank")


def test_ordinals():
    assert [ranking.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


def test_ranking_title_for_an_la_england_and_a_missing_value():
    frame = ranking.ranked(values(), "York", set())
    york = Area(level="Local authority", name="York")
    assert (
        ranking.ranking_title(frame, york, "the rate", "2025", "{:.1f}")
        == "York was 4th lowest of 4 local authorities for the rate in 2025, at 30.0"
    )
    assert (
        ranking.ranking_title(frame, ENGLAND, "the rate", "2025", "{:.1f}")
        == "In 2025, local authorities ranged from 10.0 to 30.0 for the rate"
    )
    hull = Area(level="Local authority", name="Hull")
    assert (
        ranking.ranking_title(frame, hull, "the rate", "2025", "{:.1f}")
        == "Hull's figure for the rate in 2025 is suppressed (c); 4 local authorities published one"
    )
