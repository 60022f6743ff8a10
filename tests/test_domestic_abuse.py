"""Domestic abuse rates and shares against hand-checked values from the bundled DfE tables."""
import math

import pandas as pd
import pytest

from analyses.models import benchmark
from analyses.views import wording
from analyses.views import domestic_abuse as dac
from analyses.data import dataset as data, derive
from analyses.models import domestic_abuse as da


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
    counts = pd.DataFrame({"indicator": ["da_factor_parent_count"], "time_period": [2019],
                           "geographic_level": ["Local authority"], "region_code": [""], "old_la_code": ["906"],
                           "value": [0.0], "status": ["published"], "source": ["f"]})
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
    assert dac.significance_words("lower than England") == "significantly lower than"
    assert dac.significance_words("not tested") == "not tested against"



def test_headline_for_a_published_and_a_suppressed_figure(dsm):
    york = dsm.area("York")
    row = da.latest_table(dsm, york, 2025).iloc[0]
    text = dac.headline(york, row, "2024-25", "lower than England")
    assert text.startswith("**York, 2024-25.** Domestic abuse concerning a parent or carer was identified in 252 "
                           "assessments: 72.5 per 10,000 children, significantly lower than England's, and 15.2%")
    london = dsm.area("City of London")
    text = dac.headline(london, da.latest_table(dsm, london, 2025).iloc[0], "2024-25", "not tested")
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
        "year since 2022-23.")
    # York 2024-25: 205 against 252, but 234 against 200 a year earlier
    assert dac.parent_factors_text(dsm, dsm.area("York")).endswith(
        "Domestic abuse was the more frequent of the two, which it was not in 2023-24.")


def test_parent_factors_text_with_suppressed_counts_or_no_mental_health_data(dsm, ds):
    text = dac.parent_factors_text(dsm, dsm.area("City of London"))
    assert "suppressed (c)" in text and "cannot be compared" in text and ", 0" not in text
    older = data.Dataset(indicators=ds.indicators[ds.indicators["indicator"] != da.MENTAL_HEALTH], las=ds.las,
                         metadata=ds.metadata[ds.metadata["indicator"] != da.MENTAL_HEALTH])
    assert dac.parent_factors_text(older, data.ENGLAND) == ""
