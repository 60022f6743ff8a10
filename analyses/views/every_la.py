"""Chart data tables that list every local authority, so any LA can be found on a static page.

A trend chart draws the selected area, its comparators and its statistical neighbours. Its
data table (collapsed under the chart, with a CSV download) goes further: the same rows first,
then every other local authority from A to Z. Cells hold the value, or the suppression symbol
as published (``c``, ``z``...), never zero.
"""

from __future__ import annotations

import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.geography import LOCAL
from analyses.data.schema import PLOTTED_STATUSES, SYMBOLS
from analyses.views.charts import ROLE_ORDER

GROUPS = {
    "selected": "Selected area",
    "predecessor": "Former council (before the selected area existed)",
    "neighbour average": "Statistical neighbours (average)",
    "region": "Region",
    "England": "England",
    "neighbour": "Statistical neighbour",
}
OTHER = "Other local authority"


def cells(frame: pd.DataFrame) -> pd.Series:
    """What a table shows for each row: the number, the suppression symbol, or None (no value)."""
    shown = frame["status"].isin(PLOTTED_STATUSES) & frame["value"].notna()
    symbol = frame["status"].where(frame["status"].isin(SYMBOLS))
    out = frame["value"].astype(object).where(shown, symbol.astype(object))
    return out.where(out.notna(), None)


def every_la_table(comparison: pd.DataFrame, all_las: pd.DataFrame) -> pd.DataFrame:
    """Wide table: ``Area``, ``Group``, then one column per year.

    ``comparison`` is a trend frame (area, role, time_period, value, status), e.g. from
    ``benchmark.comparison``; ``all_las`` holds every LA's rows (la_name, time_period, value,
    status). Rows: the comparison's areas in chart order, then the other LAs A to Z.
    """
    unknown = set(comparison["role"]) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; expected {list(GROUPS)}")
    shown = comparison.assign(rank=comparison["role"].map(ROLE_ORDER.index), group=comparison["role"].map(GROUPS))
    others = all_las[~all_las["la_name"].isin(set(comparison["area"]))]
    others = others.rename(columns={"la_name": "area"}).assign(rank=len(ROLE_ORDER), group=OTHER)
    rows = pd.concat([shown, others], ignore_index=True)
    rows = rows.assign(cell=cells(rows))
    table = (
        rows.pivot(index=["rank", "area", "group"], columns="time_period", values="cell")
        .reset_index()
        .sort_values(["rank", "area"], kind="stable")
        .drop(columns="rank")
        .rename(columns={"area": "Area", "group": "Group"})
        .rename_axis(columns=None)
        .reset_index(drop=True)
    )
    return table.astype(object).where(table.notna(), None)


def la_rows(ds: Dataset, indicator: str) -> pd.DataFrame:
    """Every LA's rows of a dataset indicator (la_name, time_period, value, status), for ``every_la_table``;
    made once per dataset."""

    def build() -> pd.DataFrame:
        rows = ds.rows(indicator)
        return rows[rows["geographic_level"] == LOCAL][["la_name", "time_period", "value", "status"]]

    return ds.kept(("la_rows", indicator), build).copy(deep=False)
