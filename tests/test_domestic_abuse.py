"""Domestic abuse rates and shares against hand-checked values from the bundled DfE tables."""

import math

import pandas as pd
import pytest

from analyses.data import dataset as data
from analyses.data import derive
from analyses.models import benchmark, findings
from analyses.models import domestic_abuse as da
from analyses.views import domestic_abuse as dac
from analyses.views import wording


@pytest.fixture(scope="module")
def dsm(ds):
    return da.with_measures(ds)


def value(ds, indicator, area, year):
    series = ds.series(indicator, area).set_index("time_period")
    return series.loc[year, "value"], series.loc[year, "status"]


def test_rate_uses_the_previous_mid_year_population(dsm):
    # York 2024-25: 252 assessments with abuse concerning a parent; 34,758 children at mid-2024
    york = dsm.area("York")
    assert value(dsm, "da_factor_parent_rate", york, 2025) == (pytest.approx(72.5), "derived")
    assert round(252 / 34_758 * 10_000, 1) == 72.5


def test_share_is_of_assessments_with_a_factor(dsm):
    # England 2024-25: 162,890 of 513,250 assessments that recorded any factor = 31.7%
    assert value(dsm, "da_factor_parent_share", data.ENGLAND, 2025) == (pytest.approx(31.7), "derived")
    # York: 252 of 1,653 = 15.2%
    assert value(dsm, "da_factor_parent_share", dsm.area("York"), 2025)[0] == pytest.approx(15.2)


def test_suppressed_counts_keep_their_symbol_never_zero(dsm):
    london = dsm.area("City of London")  # every 2025 count is suppressed (c)
    for factor in da.FACTORS:
        for measure in da.MEASURES:
            rate, status = value(dsm, da.measure_id(factor, measure), london, 2025)
            assert math.isnan(rate) and status == "c"


def test_denominator_problems_give_symbols(dsm):
    scilly = dsm.area("Isles of Scilly")
    # 2018: a published 0 over suppressed assessments (c) -> c, not 0
    assert value(dsm, "da_factor_parent_share", scilly, 2018)[1] == "c"
    # a genuine published zero stays zero
    assert value(dsm, "da_factor_parent_rate", scilly, 2025) == (0.0, "derived")


def test_zero_denominator_is_not_applicable():
    counts = pd.DataFrame(
        {
            "indicator": ["da_factor_parent_count"],
            "time_period": [2019],
            "geographic_level": ["Local authority"],
            "region_code": [""],
            "old_la_code": ["906"],
            "value": [0.0],
            "status": ["published"],
            "source": ["f"],
        }
    )
    zero = counts.assign(value=0.0)
    derived = derive.ratio(counts, zero, 100, "da_factor_parent_share")
    assert derived["status"].iloc[0] == "z" and math.isnan(derived["value"].iloc[0])
    missing = derive.ratio(counts, zero.iloc[0:0], 100, "da_factor_parent_share")
    assert missing["status"].iloc[0] == "x"


def test_benchmark_profiles_the_derived_indicators(dsm):
    york = dsm.area("York")
    profile = benchmark.profile(dsm, york, [da.measure_id("da_factor_parent_count", "rate")]).iloc[0]
    # Byar interval around 252 events over 34,758 children excludes England's 133.7
    assert profile["ci_low"] == pytest.approx(63.8, abs=0.1) and profile["ci_high"] == pytest.approx(82.0, abs=0.1)
    assert profile["vs_england"] == "lower than England"


def test_latest_table_and_summary(dsm):
    york = dsm.area("York")
    table = da.latest_table(dsm, york, 2025)
    parent = table.set_index("factor").loc["da_factor_parent_count"]
    assert parent["count"] == 252 and parent["england_rate"] == pytest.approx(133.7)
    summary = da.summary(table, 2025)
    assert summary["year"] == 2025 and summary["parent"]["rate_per_10000"] == pytest.approx(72.5)
    london = da.summary(da.latest_table(dsm, dsm.area("City of London"), 2025), 2025)
    assert london["child"]["count"] is None and london["child"]["status"] == "c"


def test_unknown_factor_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown factor"):
        da.measure_id("da_factor_cat_count", "rate")


def test_words_for_sentences():
    assert wording.financial_year(2025) == "2024-25" and wording.financial_year(2010) == "2009-10"
    assert dac.describe(math.nan, "c", "{:.1f}") == "suppressed (c)"
    assert dac.describe(3.14159, "derived", "{:.1f}") == "3.1"


def parent_finding(dsm, area):
    """The chapter's finding on domestic abuse involving a parent, as the chapter makes it."""
    return findings.finding(dsm, findings.DA_PARENT_RATE, area, "da_factor_parent_count")


def test_headline_for_a_published_and_a_suppressed_figure(dsm):
    york = dsm.area("York")
    row = da.latest_table(dsm, york, 2025).iloc[0]
    text = dac.headline(york, row, parent_finding(dsm, york))
    assert text.startswith(
        "**York, year ending 31 March 2025.** Domestic abuse concerning a parent or carer was identified in 252 "
        "assessments: 72.5 per 10,000 children, significantly lower than England (133.7); and 15.2%"
    )
    london = dsm.area("City of London")
    text = dac.headline(london, da.latest_table(dsm, london, 2025).iloc[0], parent_finding(dsm, london))
    assert "is suppressed (c), so its rate and share cannot be shown" in text
    assert "England's rate was 133.7" in text


def test_parental_mental_health_matches_the_published_counts(dsm):
    # DfE C3, England 2022-23: mental health 161,250 against domestic abuse (parent) 160,140 (fact sheet 5.1)
    assert value(dsm, da.MENTAL_HEALTH, data.ENGLAND, 2023) == (161_250, "published")
    assert value(dsm, "da_factor_parent_count", data.ENGLAND, 2023) == (160_140, "published")
    assert value(dsm, da.MENTAL_HEALTH, dsm.area("York"), 2025) == (205, "published")


def test_parent_factors_text_names_the_leader_and_since_when(dsm):
    assert dac.parent_factors_text(dsm, data.ENGLAND) == (
        "England, 2024-25: parents' or carers' mental health was recorded in 171,780 assessments and domestic "
        "abuse concerning a parent or carer in 162,890. Mental health has been the more frequent of the two every "
        "year since 2022-23."
    )
    # York 2024-25: 205 against 252, but 234 against 200 a year earlier
    assert dac.parent_factors_text(dsm, dsm.area("York")).endswith(
        "Domestic abuse was the more frequent of the two, which it was not in 2023-24."
    )


def test_parent_factors_text_with_suppressed_counts_or_no_mental_health_data(dsm, ds):
    text = dac.parent_factors_text(dsm, dsm.area("City of London"))
    assert "suppressed (c)" in text and "cannot be compared" in text and ", 0" not in text
    older = data.Dataset(
        indicators=ds.indicators[ds.indicators["indicator"] != da.MENTAL_HEALTH],
        las=ds.las,
        metadata=ds.metadata[ds.metadata["indicator"] != da.MENTAL_HEALTH],
    )
    assert dac.parent_factors_text(older, data.ENGLAND) == ""


def test_west_sussex_2023_zeros_look_incomplete_and_are_not_drawn(ds, dsm):
    """West Sussex published 0 for abuse concerning a parent in 2022-23, when it recorded 509 assessments with a
    factor against 5,556 to 8,229 in other years: the zero is kept as published but drawn as a gap, with a note."""
    flagged = da.incomplete_zeros(ds)
    sussex = flagged[flagged["la_name"] == "West Sussex"].set_index("indicator")
    assert set(sussex.index) == {"da_factor_parent_count", "da_factor_other_count", "mh_factor_parent_count"}
    assert set(sussex["time_period"]) == {2023} and set(sussex["reason"]) == {"low"}
    assert (
        sussex.loc["da_factor_parent_count", "assessments"],
        sussex.loc["da_factor_parent_count", "usual_low"],
        sussex.loc["da_factor_parent_count", "usual_high"],
    ) == (509, 5556, 8229)
    area = dsm.area("West Sussex")
    assert value(dsm, "da_factor_parent_count", area, 2023) == (0, "published")  # the published figure stays
    rate, status = value(dsm, "da_factor_parent_rate", area, 2023)
    assert math.isnan(rate) and status == "x"
    assert value(dsm, "da_factor_parent_rate", area, 2024) == (pytest.approx(105.2), "derived")
    assert value(dsm, "da_factor_child_rate", area, 2023)[1] == "derived"  # 44, not a zero: drawn
    note = dac.incomplete_note(dsm, area)
    assert note == (
        "West Sussex's 2022-23 figures of 0 for domestic abuse concerning a parent or carer and another "
        "person in the household are shown as gaps: that year it recorded 509 assessments with a factor, "
        "against 5,556 to 8,229 in its other years, so its figures for the year look incomplete."
    )
    fig, _, alt = dac.trend_views(dsm, area)
    assert note in alt
    line = next(trace for trace in fig.data if trace.name == "West Sussex")
    assert dict(zip(line.x, line.y))[2023] is None
    assert any("figure of 0 for domestic abuse" in (a.text or "") for a in fig.layout.annotations)


def test_small_number_suppression_does_not_flag_a_zero(ds):
    """Isles of Scilly's and City of London's zeros sit beside figures withheld as small (c), which a true zero fits."""
    flagged = da.incomplete_zeros(ds)
    assert not set(flagged["la_name"]) & {"Isles of Scilly", "City of London"}
    assert dac.incomplete_note(ds, ds.area("York")) == ""


def test_a_zero_beside_a_missing_figure_is_flagged(ds):
    """A zero in a year whose assessments figure is not available (x) is flagged as 'missing'."""
    york = ds.area("York")
    rows = ds.indicators.copy()
    where = (rows["old_la_code"] == york.old_la_code) & (rows["time_period"] == 2024)
    rows.loc[where & (rows["indicator"] == "da_factor_other_count"), ["value", "status"]] = (0.0, "published")
    rows.loc[where & (rows["indicator"] == da.ASSESSMENTS), ["value", "status"]] = (math.nan, "x")
    changed = data.Dataset(indicators=rows, las=ds.las, metadata=ds.metadata)
    flagged = da.incomplete_zeros(changed)
    flagged = flagged[flagged["la_name"] == "York"]
    assert flagged[["la_name", "indicator", "time_period", "reason"]].values.tolist() == [
        ["York", "da_factor_other_count", 2024, "missing"]
    ]
    assert "is shown as a gap: that year another of the factor counts" in dac.incomplete_note(changed, york)


def test_methods_chapter_states_the_rule_with_its_thresholds(ds):
    from analyses.data.paths import ROOT

    text = " ".join((ROOT / "chapters" / "data_methods.md").read_text(encoding="utf-8").split())
    assert da.IMPLAUSIBLY_LOW == 0.25 and "less than a quarter of the area's median" in text
    assert da.USUAL_MINIMUM == 100 and "whose median is at least 100" in text
    from analyses.views import methods

    assert "Markdown(methods.incomplete_zeros_text(ds))" in text
    assert methods.incomplete_zeros_text(ds) == (
        "In this dataset the rule applies to one area and year. West Sussex in 2022-23: it recorded 509 assessments "
        "with a factor, against 5,556 to 8,229 in its other years, and it published 0 for domestic abuse concerning "
        "a parent or carer, domestic abuse concerning another person in the household and parents' or carers' "
        "mental health."
    )


@pytest.mark.parametrize(
    "la, expected",
    [
        (
            "York",
            "- In York in the year ending 31 March 2025, domestic abuse concerning a parent or carer was identified "
            "in 252 assessments, 72.5 per 10,000 children: significantly lower than England (133.7).",
        ),
        (
            "Isles of Scilly",
            "- In Isles of Scilly in the year ending 31 March 2025, no assessment identified domestic abuse concerning a "
            "parent or carer; England's rate was 133.7 per 10,000 children.",
        ),
        (
            "City of London",
            "- In City of London in the year ending 31 March 2025, the number of assessments identifying domestic abuse "
            "concerning a parent or carer is suppressed (c); England's rate was 133.7 per 10,000 children.",
        ),
        (
            "Cumberland",
            "- In Cumberland in the year ending 31 March 2025, domestic abuse concerning a parent or carer was "
            "identified in 1,063 assessments, 202.5 per 10,000 children: significantly higher than England (133.7).",
        ),
        (
            "England",
            "- In England in the year ending 31 March 2025, domestic abuse concerning a parent or carer was identified in 162,890 "
            "assessments: 133.7 per 10,000 children and 31.7% of assessments that recorded a factor.",
        ),
    ],
)
def test_key_points_work_for_any_area(dsm, la, expected):
    area = data.ENGLAND if la == "England" else dsm.area(la)
    year = da.latest_year(dsm, area)
    mine = da.latest_table(dsm, area, year)
    points = dac.key_points(mine, parent_finding(dsm, area), area).splitlines()
    assert expected in points and 3 <= len(points) <= 5 and all(p.startswith("- ") for p in points)


def test_incomplete_zeros_are_worked_out_once_and_handed_out_as_copies(ds):
    first = da.incomplete_zeros(ds)
    assert not first.empty
    first.loc[:, "reason"] = "changed by a caller"  # which changes nothing for the next caller
    assert da.incomplete_zeros(ds).equals(da.find_incomplete_zeros(ds))
