"""Plain-English pieces of computed findings."""

import math

import pandas as pd
import pytest

from analyses.data import schema
from analyses.models import benchmark
from analyses.views import wording


@pytest.mark.parametrize("year, text", [(2024, "2023-24"), (2000, "1999-00"), (2010, "2009-10")])
def test_financial_year(year, text):
    assert wording.financial_year(year) == text


@pytest.mark.parametrize(
    "status, text",
    [("c", "suppressed (c)"), ("z", "not applicable (z)"), ("x", "not available (x)"), ("published", "not published")],
)
def test_missing_phrase_names_the_symbol(status, text):
    assert wording.missing_phrase(status) == text


def test_is_shown_only_for_published_or_derived_numbers():
    assert schema.has_figure(3.0, "published") and schema.has_figure(0.0, "derived")
    assert not schema.has_figure(math.nan, "derived")
    assert not schema.has_figure(3.0, "c")


def test_versus_england_is_the_interval_test_or_says_why_there_is_none():
    assert benchmark.compare(45, 55, 40) == ("higher", "")
    assert benchmark.compare(25, 35, 40) == ("lower", "")
    assert benchmark.compare(38, 62, 40) == ("similar", "")  # the interval holds England's 40
    assert benchmark.compare(math.nan, math.nan, 40) == (
        "not tested",
        "the data do not hold the count and population behind the figure",
    )  # never an arithmetic "higher than"
    assert benchmark.compare(45, 55, None, "no England figure") == ("not compared", "no England figure")


def test_the_verdict_reads_the_comparison_through_the_polarity():
    assert benchmark.verdict("higher", "lower_is_better") == "worse"
    assert benchmark.verdict("lower", "lower_is_better") == "better"
    assert benchmark.verdict("higher", "higher_is_better") == "better"
    assert benchmark.verdict("higher", "neither") == "higher"
    assert benchmark.verdict("not tested", "lower_is_better") == "not tested"


def test_trend_alt_text_names_areas_and_end_values():
    frame = pd.DataFrame(
        {
            "area": ["Camden"] * 2 + ["England"] * 2 + ["Islington"] * 2,
            "role": ["selected"] * 2 + ["England"] * 2 + ["neighbour"] * 2,
            "time_period": [2021, 2022] * 3,
            "value": [10.0, math.nan, 20.0, 21.5, 5.0, 6.0],
            "status": ["published", "c", "published", "derived", "published", "published"],
        }
    )
    text = wording.trend_alt_text(frame, "the rate")
    assert text.startswith("Line chart of the rate from 2021 to 2022 for Camden and England, with each statistical")
    assert "Camden: 10.0 in 2021, suppressed (c) in 2022." in text
    assert "England: 20.0 in 2021, 21.5 in 2022." in text
    assert "Islington" not in text  # neighbours are grey lines, named on hover


def test_whole_children_and_plurals_that_agree():
    from analyses.views.wording import children

    assert children(0.3) == "fewer than 1 child"
    assert children(1.2) == "1 child"
    assert children(12.5) == "13 children"  # half up, not Python's round-half-even (12)
    assert children(0) == "0 children"


def test_an_interval_never_shows_minus_zero_or_falls_below_zero():
    import pandas as pd

    from analyses.views.profile import interval_text

    assert interval_text(pd.Series({"ci_low": -0.04, "ci_high": 10.43, "unit": "percent"})) == "0.0% to 10.4%"
    assert interval_text(pd.Series({"ci_low": -0.0, "ci_high": 2.0, "unit": "rate_per_10000"})) == "0.0 to 2.0"


def test_alt_text_titles_are_escaped_once(ds):
    from analyses.models import benchmark
    from analyses.views import profile as pv

    area = ds.area("Isles of Scilly")
    fig, _ = pv.neighbour_chart(ds, area, pv.local_rows(benchmark.profile(ds, area)))
    assert "Isles of Scilly's value is" in pv.plain_title(fig) and "&#x27;" not in pv.plain_title(fig)
