"""Domestic abuse identified at the end of children-in-need assessments.

DfE counts assessment episodes in which domestic abuse was recorded as a factor, separately
for abuse concerning the child, a parent or carer, and another person in the household. One
assessment can record more than one of the three, so they are never added together. Each
count becomes two derived indicators for every area and year:

- ``<factor>_rate``: per 10,000 children, over the ONS population aged 0-17 at the previous
  mid-year (DfE's method for its own rates), to 1 decimal place;
- ``<factor>_share``: a percentage of the assessments that recorded at least one factor.

A suppressed count or denominator gives a derived value with the same symbol (``x`` where the
denominator is missing, ``z`` where it is zero), never a zero. The derived indicators are
added to a copy of the dataset, so ``analyses.models.benchmark`` can compare and profile them.
"""

from __future__ import annotations

import math

import pandas as pd

from analyses.data import derive
from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.data.schema import SYMBOLS
from analyses.models import benchmark

FACTORS = {  # count indicator -> who the abuse concerned
    "da_factor_parent_count": "A parent or carer",
    "da_factor_child_count": "The child",
    "da_factor_other_count": "Another person in the household",
}
ASSESSMENTS = "assessment_factor_episodes_count"
MENTAL_HEALTH = "mh_factor_parent_count"  # the other leading factor, for comparison only
POPULATION = "population_0_17"
KEYS = ["time_period", "geographic_level", "region_code", "old_la_code"]
MEASURES = {  # measure -> (unit, polarity-free label)
    "rate": ("rate_per_10000", "per 10,000 children"),
    "share": ("percent", "% of assessments with a factor"),
}


IMPLAUSIBLY_LOW = 0.25  # assessments below this share of the area's median in its other years look incomplete
USUAL_MINIMUM = 100  # ... in an area whose median is at least this (small areas vary too much to judge)
NOT_AVAILABLE = "x"  # a figure that does not exist; small-number suppression ("c") is not a sign of a gap
RELATED = [*FACTORS, MENTAL_HEALTH]  # counts recorded together at the end of an assessment


def incomplete_zeros(ds: Dataset) -> pd.DataFrame:
    """``find_incomplete_zeros(ds)``, worked out once per dataset (every area's report asks for it)."""
    return ds.derived("incomplete_zeros", find_incomplete_zeros).copy(deep=False)


def find_incomplete_zeros(ds: Dataset) -> pd.DataFrame:
    """Published zeros of the assessment factor counts that sit in a year whose related figures look incomplete.

    A local authority's published 0 for one factor (a domestic abuse factor or parents' mental
    health) is flagged when, in the same year, another of those counts or the assessments
    denominator is missing (no row, or "x": not available), or the assessments denominator is
    below ``IMPLAUSIBLY_LOW`` of the area's median in its other years (where that median is at
    least ``USUAL_MINIMUM``). Small-number suppression ("c") does not flag a zero: it says the
    related counts are small, which a true zero fits. One row per flagged count:
    indicator, old_la_code, la_name, time_period, assessments (that year, NaN if missing),
    usual_low and usual_high (the area's assessments in its other years) and reason
    ("missing" or "low").
    """
    columns = ["indicator", "old_la_code", "la_name", "time_period", "assessments", "usual_low", "usual_high", "reason"]
    known = set(ds.metadata["indicator"])
    related = [i for i in RELATED if i in known]
    if ASSESSMENTS not in known or not related:
        return pd.DataFrame(columns=columns)
    frames = [ds.rows(i) for i in [*related, ASSESSMENTS]]
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[rows["geographic_level"] == "Local authority"]
    # a figure, or a code: -1 not available, -2 withheld (any other symbol); after the pivot NaN means no row
    shown = rows["value"].where(~rows["status"].isin(SYMBOLS), -2.0).where(rows["status"] != NOT_AVAILABLE, -1.0)
    values = rows.assign(shown=shown.fillna(-1.0)).pivot_table(
        index=["old_la_code", "time_period"], columns="indicator", values="shown", aggfunc="first", dropna=False
    )
    values = values.reindex(columns=[*related, ASSESSMENTS])
    names = rows.drop_duplicates("old_la_code").set_index("old_la_code")["la_name"]
    assessments = values[ASSESSMENTS].where(values[ASSESSMENTS] >= 0)
    out = []
    for (code, year), counts in values.iterrows():
        zeros = [i for i in related if counts[i] == 0]
        if not zeros:
            continue
        others = assessments.loc[code].drop(year).dropna()
        usual = others.median() if not others.empty else math.nan
        low = bool(usual >= USUAL_MINIMUM and assessments[(code, year)] < IMPLAUSIBLY_LOW * usual)
        for indicator in zeros:
            others_that_year = counts.drop(indicator)
            missing = bool(((others_that_year == -1) | others_that_year.isna()).any())
            if missing or low:
                out.append(
                    {
                        "indicator": indicator,
                        "old_la_code": code,
                        "la_name": names[code],
                        "time_period": int(year),
                        "assessments": assessments[(code, year)],
                        "usual_low": others.min() if not others.empty else math.nan,
                        "usual_high": others.max() if not others.empty else math.nan,
                        "reason": "low" if low else "missing",
                    }
                )
    return pd.DataFrame(out, columns=columns)


def measure_id(factor: str, measure: str) -> str:
    """Id of a derived indicator: 'da_factor_parent_count', 'rate' -> 'da_factor_parent_rate'."""
    if factor not in FACTORS or measure not in MEASURES:
        raise KeyError(
            f"unknown factor or measure {factor!r}, {measure!r}; expected one of {list(FACTORS)} and {list(MEASURES)}"
        )
    return factor.removesuffix("_count") + f"_{measure}"


def with_measures(ds: Dataset) -> Dataset:
    """A copy of ``ds`` with the rate and share indicators of each domestic abuse factor (made once per dataset)."""
    return ds.derived("domestic_abuse_measures", _add_measures)


METHODS = {
    "rate": "Count / ONS population aged 0-17 at the previous mid-year x 10,000, to 1 decimal place.",
    "share": f"Count / {ASSESSMENTS} x 100, to 1 decimal place.",
}


def _add_measures(ds: Dataset) -> Dataset:
    """The measures of every LA, region and England, and of the councils that were replaced (kept
    apart as in ``ds``, so a successor's trend charts can show its former council's line)."""
    former = ds.former if ds.former is not None else ds.indicators.iloc[0:0]

    def former_rows(indicator: str) -> pd.DataFrame:
        return former[former["indicator"] == indicator]

    rows, former_measures, meta = [ds.indicators], [former], [ds.metadata]
    flagged = incomplete_zeros(ds)
    for factor in FACTORS:
        counts = _without_incomplete_zeros(ds.rows(factor), flagged[flagged["indicator"] == factor])
        title = ds.meta(factor)["title"]
        for measure, (unit, label) in MEASURES.items():
            indicator = measure_id(factor, measure)
            rows.append(_measure(measure, indicator, counts, ds.rows(POPULATION), ds.rows(ASSESSMENTS)))
            former_measures.append(
                _measure(measure, indicator, former_rows(factor), former_rows(POPULATION), former_rows(ASSESSMENTS))
            )
            meta.append(
                pd.DataFrame(
                    [
                        {
                            **ds.meta(factor).to_dict(),
                            "indicator": indicator,
                            "title": f"{title}, {label}",
                            "unit": unit,
                            "polarity": "neither",
                            "method": METHODS[measure],
                            "denominator": factor if measure == "rate" else ASSESSMENTS,
                        }
                    ]
                )
            )
    return Dataset(
        indicators=pd.concat(rows, ignore_index=True),
        las=ds.las,
        metadata=pd.concat(meta, ignore_index=True),
        former=pd.concat(former_measures, ignore_index=True),
    )


def _measure(
    measure: str, indicator: str, counts: pd.DataFrame, population: pd.DataFrame, assessments: pd.DataFrame
) -> pd.DataFrame:
    """One factor's rate per 10,000 children or share of assessments, as rows of ``indicator``."""
    if measure == "rate":
        return derive.rate_per_10000(counts, population, indicator)[counts.columns]
    return derive.ratio(counts, assessments, 100, indicator)[counts.columns]


def _without_incomplete_zeros(counts: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """``counts`` with each flagged zero made "not available" (x), so its rate and share are gaps, not falls to 0."""
    if flagged.empty:
        return counts
    keys = set(zip(flagged["old_la_code"], flagged["time_period"]))
    hit = (counts["geographic_level"] == "Local authority") & pd.Series(
        [key in keys for key in zip(counts["old_la_code"], counts["time_period"])], index=counts.index
    )
    counts = counts.copy()
    counts.loc[hit, "value"] = math.nan
    counts.loc[hit, "status"] = NOT_AVAILABLE
    return counts


def latest_year(ds: Dataset, area: Area) -> int | None:
    """The latest year with any domestic abuse count for ``area`` (published or suppressed)."""
    years = [ds.series(factor, area)["time_period"].max() for factor in FACTORS]
    years = [int(y) for y in years if pd.notna(y)]
    return max(years) if years else None


def _value(ds: Dataset, indicator: str, area: Area, year: int) -> tuple[float, str]:
    """(value, status) of one area and year; (nan, 'x') when there is no row."""
    rows = ds.in_year(indicator, area, year)
    return (float(rows[0][0]), str(rows[0][1])) if rows else (math.nan, "x")


def latest_table(ds: Dataset, area: Area, year: int) -> pd.DataFrame:
    """One row per factor: count, rate and share of ``area`` and England's, and the neighbours' average rate.

    ``ds`` must come from ``with_measures``.
    """
    rows = []
    for factor, who in FACTORS.items():
        count, count_status = _value(ds, factor, area, year)
        row = {"factor": factor, "who": who, "count": count, "count_status": count_status}
        for measure in MEASURES:
            indicator = measure_id(factor, measure)
            row[measure], row[f"{measure}_status"] = _value(ds, indicator, area, year)
            row[f"england_{measure}"] = _value(ds, indicator, ENGLAND, year)[0]
            if not area.is_england:
                region = ds.region_of(area)
                row[f"region_{measure}"] = _value(ds, indicator, region, year)[0]
                average = benchmark.neighbour_average(ds, indicator, area)
                average = average[average["time_period"] == year]["value"]
                row[f"neighbours_{measure}"] = float(average.iloc[0]) if not average.empty else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame, year: int | None) -> dict:
    """Figures for ``publish_summary('domestic_abuse', ...)``: per factor, the count, rate and share."""

    def number(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    out: dict = {"year": year}
    for _, row in table.iterrows():
        key = row["factor"].removeprefix("da_factor_").removesuffix("_count")
        out[key] = {
            "count": number(row["count"]),
            "status": row["count_status"],
            "rate_per_10000": number(row["rate"]),
            "share_of_assessments_pct": number(row["share"]),
            "england_rate_per_10000": number(row["england_rate"]),
            "england_share_pct": number(row["england_share"]),
            "neighbours_rate_per_10000": number(row.get("neighbours_rate", math.nan)),
        }
    return out
