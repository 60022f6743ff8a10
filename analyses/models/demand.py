"""Demand further down the line: referrals, children in need, protection plans, children looked after.

Each stage is a rate per 10,000 children aged 0 to 17, for an area against its statistical
neighbours, its region and England: over time (``benchmark.comparison``) and, for the latest
year, as a 'funnel' from the front door (referrals in the year) to care (looked after on
31 March). Referrals count contacts in a year; the other stages count children on one day,
so the funnel compares scale, not the path of individual children.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.data.schema import has_figure
from analyses.models import benchmark
from analyses.models.benchmark import compare


@dataclass(frozen=True)
class Stage:
    """One stage of demand: its rate indicator and how to name it."""

    indicator: str
    key: str  # name in summary.json
    label: str  # short, for the funnel's categories
    rate_name: str  # "referral rate", for sentences


STAGES = (
    Stage("referrals_rate", "referrals", "Referrals in the year", "referral rate"),
    Stage("cin_31mar_rate", "children_in_need", "Children in need", "rate of children in need"),
    Stage("cpp_31mar_rate", "child_protection_plans", "On a child protection plan", "rate of child protection plans"),
    Stage("cla_31mar_rate", "children_looked_after", "Looked after", "rate of children looked after"),
)
FUNNEL_ROLES = ("selected", "neighbour average", "region", "England")


def child_population(ds: Dataset, area: Area, span: int = 10) -> dict:
    """Children aged 0-17 at the latest mid-year and ``span`` years before, with the % change.

    Keys: year, children, earlier_year, earlier_children, change_pct (None when the earlier
    year is not published, e.g. for an authority created since).
    """
    series = ds.series("population_0_17", area).dropna(subset=["value"]).set_index("time_period")["value"]
    if series.empty:
        raise ValueError(f"no child population is published for {area.name}")
    year = int(series.index.max())
    earlier = series.get(year - span)
    return {
        "year": year,
        "children": int(series[year]),
        "earlier_year": year - span,
        "earlier_children": None if earlier is None else int(earlier),
        "change_pct": None if earlier is None else round(100 * float(series[year] / earlier - 1), 1),
    }


def latest(ds: Dataset, area: Area) -> pd.DataFrame:
    """One row per stage for the area's latest year: benchmark.profile plus a region value.

    Adds ``stage``, ``key``, ``label``, ``rate_name``, ``region`` and ``compared``
    (``benchmark.compare``: 'higher', 'lower', 'similar' or 'not tested'; None when the area's
    value is not published or the area is England).
    """
    profile = benchmark.profile(ds, area, [s.indicator for s in STAGES]).set_index("indicator")
    rows = []
    for stage in STAGES:
        row = profile.loc[stage.indicator]
        region = math.nan
        if not area.is_england:
            found = ds.in_year(stage.indicator, ds.region_of(area), row["year"])
            match = [value for value, status in found if status in ("published", "derived")]
            region = float(match[0]) if match else math.nan
        compared = None
        if not area.is_england and has_figure(row["value"], row["status"]) and not math.isnan(row["england"]):
            compared = compare(row["ci_low"], row["ci_high"], row["england"])[0]
        rows.append(
            {
                **row.to_dict(),
                "indicator": stage.indicator,
                "key": stage.key,
                "label": stage.label,
                "rate_name": stage.rate_name,
                "region": region,
                "compared": compared,
            }
        )
    return pd.DataFrame(rows)


def funnel(ds: Dataset, area: Area) -> pd.DataFrame:
    """Latest-year rates of every stage for the area, its neighbours' average, region and England.

    Columns: label, year, area, role, value, status (suppressed values keep their symbol).
    """
    parts = []
    for stage in STAGES:
        frame = benchmark.comparison(ds, stage.indicator, area)
        frame = frame[frame["role"].isin(FUNNEL_ROLES)]
        year = int(ds.series(stage.indicator, area)["time_period"].max())
        parts.append(frame[frame["time_period"] == year].assign(label=stage.label, year=year))
    out = pd.concat(parts, ignore_index=True)
    out["rank"] = out["role"].map(FUNNEL_ROLES.index)
    return out.sort_values("rank", kind="stable")[["label", "year", "area", "role", "value", "status"]].reset_index(
        drop=True
    )


def summary(population: dict, rows: pd.DataFrame) -> dict:
    """Headline figures for summary.json: the child population and each stage's latest rate."""

    def clean(value: float) -> float | None:
        return None if value is None or math.isnan(value) else float(value)

    return {
        "child_population": population["children"],
        "child_population_mid_year": population["year"],
        "rates_per_10000": {
            row["key"]: {
                "year": int(row["year"]),
                "value": clean(row["value"]) if has_figure(row["value"], row["status"]) else None,
                "status": row["status"],
                "neighbour_average": clean(row["neighbour_average"]),
                "region": clean(row["region"]),
                "england": clean(row["england"]),
                "compared_with_england": None if pd.isna(row["compared"]) else row["compared"],
            }
            for _, row in rows.iterrows()
        },
    }
