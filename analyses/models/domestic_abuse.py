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

import numpy as np
import pandas as pd

from analyses.models import benchmark
from analyses.data.schema import SYMBOLS
from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.views.methods import symbol_text

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


def _derive(counts: pd.DataFrame, denominators: pd.DataFrame, scale: float, indicator: str) -> pd.DataFrame:
    """count / denominator x scale to 1 dp for every row of ``counts``, carrying symbols through."""
    merged = counts.merge(denominators[[*KEYS, "value", "status"]], on=KEYS, how="left", suffixes=("", "_den"))
    symbols = list(SYMBOLS)
    status = np.select(
        [merged["status"].isin(symbols), merged["status_den"].isna(), merged["status_den"].isin(symbols),
         merged["value_den"] == 0, merged["value"].isna()],
        [merged["status"], "x", merged["status_den"], "z", "x"], default="derived")
    value = (merged["value"] / merged["value_den"] * scale).round(1).where(status == "derived")
    return merged[counts.columns].assign(indicator=indicator, value=value.astype(float), status=status,
                                         source=f"derived: {counts['indicator'].iloc[0]}")


def with_measures(ds: Dataset) -> Dataset:
    """A copy of ``ds`` with the rate and share indicators of each domestic abuse factor (made once per dataset)."""
    return ds.derived("domestic_abuse_measures", _add_measures)


def _add_measures(ds: Dataset) -> Dataset:
    population = ds.rows(POPULATION).assign(time_period=lambda f: f["time_period"] + 1)
    assessments = ds.rows(ASSESSMENTS)
    rows, meta = [ds.indicators], [ds.metadata]
    for factor, who in FACTORS.items():
        counts = ds.rows(factor)
        title = ds.meta(factor)["title"]
        for measure, (unit, label) in MEASURES.items():
            indicator = measure_id(factor, measure)
            if measure == "rate":
                rows.append(_derive(counts, population, 10_000, indicator))
                method = "Count / ONS population aged 0-17 at the previous mid-year x 10,000, to 1 decimal place."
            else:
                rows.append(_derive(counts, assessments, 100, indicator))
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


def describe(value: float, status: str, value_format: str) -> str:
    """A value for a sentence: the number, or what its suppression symbol means."""
    if status in SYMBOLS:
        return symbol_text(status)
    return "not available" if pd.isna(value) else value_format.format(value)


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


def period_label(year: int) -> str:
    """DfE's reporting year as readers know it: 2025 -> '2024-25' (the year to 31 March 2025)."""
    return f"{year - 1}-{year % 100:02d}"


def versus_england(significance: str) -> str:
    """Words for a sentence from ``benchmark.significance``: 'lower than England' -> 'significantly lower than'."""
    words = {"higher than England": "significantly higher than", "lower than England": "significantly lower than",
             "similar to England": "not significantly different from"}
    return words.get(significance, "not tested against")


def headline(area: Area, row: pd.Series, period: str, significance: str) -> str:
    """The chapter's headline sentence (Markdown) for one factor's row of ``latest_table``."""
    who = FACTORS[row["factor"]].lower()
    lead = f"**{area.name}, {period}.** "
    if area.is_england:
        return (lead + f"Domestic abuse concerning {who} was identified in {row['count']:,.0f} assessments: "
                f"{row['rate']:.1f} per 10,000 children and {row['share']:.1f}% of assessments that recorded a factor.")
    england = (f"England's rate was {row['england_rate']:.1f} per 10,000 children ({row['england_share']:.1f}% of "
               f"assessments that recorded a factor), and the average of {area.name}'s statistical neighbours "
               f"{describe(row['neighbours_rate'], 'derived', '{:.1f}')}.")
    if row["count_status"] in SYMBOLS or pd.isna(row["count"]):
        return (lead + f"The number of assessments identifying domestic abuse concerning {who} is "
                f"{describe(row['count'], row['count_status'], '{:,.0f}')}, so its rate and share cannot be shown. "
                + england)
    return (lead + f"Domestic abuse concerning {who} was identified in {row['count']:,.0f} assessments: "
            f"{describe(row['rate'], row['rate_status'], '{:.1f}')} per 10,000 children, {versus_england(significance)} "
            f"England's, and {describe(row['share'], row['share_status'], '{:.1f}%')} of its assessments that recorded "
            f"a factor. " + england)



def parent_factors_text(ds: Dataset, area: Area) -> str:
    """A sentence comparing the two leading assessment factors about a parent or carer, their mental
    health and domestic abuse, in the latest year both were published for ``area`` ("" if never)."""
    if MENTAL_HEALTH not in set(ds.metadata["indicator"]):
        return ""  # a data folder imported before the guide read this factor
    counts = {key: ds.series(indicator, area).set_index("time_period")
              for key, indicator in (("mh", MENTAL_HEALTH), ("da", "da_factor_parent_count"))}
    years = sorted(set(counts["mh"].index) & set(counts["da"].index))
    if not years:
        return ""

    def published(year: int) -> tuple[float, float] | None:
        rows = [counts[key].loc[year] for key in ("mh", "da")]
        shown = all(r["status"] not in SYMBOLS and pd.notna(r["value"]) for r in rows)
        return (float(rows[0]["value"]), float(rows[1]["value"])) if shown else None

    latest = years[-1]
    values = published(latest)
    if values is None:
        mh, da = (counts[key].loc[latest] for key in ("mh", "da"))
        return (f"{area.name}, {period_label(latest)}: assessments recording parents' or carers' mental health, "
                f"{describe(mh['value'], mh['status'], '{:,.0f}')}; recording domestic abuse concerning a parent or "
                f"carer, {describe(da['value'], da['status'], '{:,.0f}')}. The two cannot be compared.")
    mh, da = values
    text = (f"{area.name}, {period_label(latest)}: parents' or carers' mental health was recorded in {mh:,.0f} "
            f"assessments and domestic abuse concerning a parent or carer in {da:,.0f}. ")

    def leader(year: int) -> str | None:
        """The factor recorded more often in ``year``: "level", or None where either count is unpublished."""
        pair = published(year)
        return None if pair is None else "level" if pair[0] == pair[1] else \
            "Mental health" if pair[0] > pair[1] else "Domestic abuse"

    leaders = [leader(year) for year in years]
    now = leaders[-1]
    if now == "level":
        return text + "The two were level."
    first = len(years) - 1  # the first year of the latest run of years with the same leader
    while first > 0 and leaders[first - 1] == now:
        first -= 1
    if first < len(years) - 1:
        since = "in every year of these figures" if first == 0 else f"every year since {period_label(years[first])}"
        return text + f"{now} has been the more frequent of the two {since}."
    if first > 0 and leaders[first - 1] is not None:
        return text + f"{now} was the more frequent of the two, which it was not in {period_label(years[first - 1])}."
    return text + f"{now} was the more frequent of the two."
