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
from analyses.models import benchmark
from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area

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


def measure_id(factor: str, measure: str) -> str:
    """Id of a derived indicator: 'da_factor_parent_count', 'rate' -> 'da_factor_parent_rate'."""
    if factor not in FACTORS or measure not in MEASURES:
        raise KeyError(f"unknown factor or measure {factor!r}, {measure!r}; expected one of {list(FACTORS)} "
                       f"and {list(MEASURES)}")
    return factor.removesuffix("_count") + f"_{measure}"


def with_measures(ds: Dataset) -> Dataset:
    """A copy of ``ds`` with the rate and share indicators of each domestic abuse factor (made once per dataset)."""
    return ds.derived("domestic_abuse_measures", _add_measures)


def _add_measures(ds: Dataset) -> Dataset:
    assessments = ds.rows(ASSESSMENTS)
    rows, meta = [ds.indicators], [ds.metadata]
    for factor in FACTORS:
        counts = ds.rows(factor)
        title = ds.meta(factor)["title"]
        for measure, (unit, label) in MEASURES.items():
            indicator = measure_id(factor, measure)
            if measure == "rate":
                rows.append(derive.rate_per_10000(counts, ds.rows(POPULATION), indicator)[counts.columns])
                method = "Count / ONS population aged 0-17 at the previous mid-year x 10,000, to 1 decimal place."
            else:
                rows.append(derive.ratio(counts, assessments, 100, indicator)[counts.columns])
                method = f"Count / {ASSESSMENTS} x 100, to 1 decimal place."
            meta.append(pd.DataFrame([{
                **ds.meta(factor).to_dict(), "indicator": indicator, "title": f"{title}, {label}", "unit": unit,
                "polarity": "neither", "method": method, "denominator": factor if measure == "rate" else ASSESSMENTS,
            }]))
    return Dataset(indicators=pd.concat(rows, ignore_index=True), las=ds.las,
                   metadata=pd.concat(meta, ignore_index=True))


def latest_year(ds: Dataset, area: Area) -> int | None:
    """The latest year with any domestic abuse count for ``area`` (published or suppressed)."""
    years = [ds.series(factor, area)["time_period"].max() for factor in FACTORS]
    years = [int(y) for y in years if pd.notna(y)]
    return max(years) if years else None


def _value(ds: Dataset, indicator: str, area: Area, year: int) -> tuple[float, str]:
    """(value, status) of one area and year; (nan, 'x') when there is no row."""
    series = ds.series(indicator, area)
    row = series[series["time_period"] == year]
    return (float(row["value"].iloc[0]), str(row["status"].iloc[0])) if not row.empty else (math.nan, "x")


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
            "count": number(row["count"]), "status": row["count_status"],
            "rate_per_10000": number(row["rate"]), "share_of_assessments_pct": number(row["share"]),
            "england_rate_per_10000": number(row["england_rate"]),
            "england_share_pct": number(row["england_share"]),
            "neighbours_rate_per_10000": number(row.get("neighbours_rate", math.nan)),
        }
    return out


