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
from analyses.views.charts import ROLE_ORDER, table_cell

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
    """``charts.table_cell`` for each row of a frame with ``value`` and ``status`` columns."""
    shown = [table_cell(v, s) for v, s in zip(frame["value"].tolist(), frame["status"].tolist(), strict=True)]
    return pd.Series(shown, index=frame.index, dtype=object)


def every_la_table(comparison: pd.DataFrame, all_las: pd.DataFrame) -> pd.DataFrame:
    """Wide table: ``Area``, ``Group``, then one column per year.

    ``comparison`` is a trend frame (area, role, time_period, value, status), e.g. from
    ``benchmark.comparison``; ``all_las`` holds every LA's rows (la_name, time_period, value,
    status). Rows: the comparison's areas in chart order, then the other LAs A to Z. (Built in
    Python: for a table of every LA, pandas' concat and pivot cost several times more.)
    """
    unknown = set(comparison["role"]) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; expected {list(GROUPS)}")
    rows: dict[tuple[int, str, str], dict] = {}

    def add(keys: list[tuple[int, str, str]], frame: pd.DataFrame) -> None:
        columns = (frame[c].tolist() for c in ("time_period", "value", "status"))
        for key, year, value, status in zip(keys, *columns, strict=True):
            row = rows.setdefault(key, {})
            if year in row:
                raise ValueError(f"{key[1]} has two rows for {year}")
            row[year] = table_cell(value, status)

    roles = comparison["role"].tolist()
    add(
        [(ROLE_ORDER.index(r), a, GROUPS[r]) for r, a in zip(roles, comparison["area"].tolist(), strict=True)],
        comparison,
    )
    others = all_las[~all_las["la_name"].isin(set(comparison["area"]))]
    add([(len(ROLE_ORDER), name, OTHER) for name in others["la_name"].tolist()], others)
    years = sorted({year for row in rows.values() for year in row})
    table = [[area, group, *(row.get(year) for year in years)] for (_, area, group), row in sorted(rows.items())]
    return pd.DataFrame(table, columns=["Area", "Group", *years], dtype=object)


def la_rows(ds: Dataset, indicator: str) -> pd.DataFrame:
    """Every LA's rows of a dataset indicator (la_name, time_period, value, status), for ``every_la_table``;
    made once per dataset."""

    def build() -> pd.DataFrame:
        rows = ds.rows(indicator)
        return rows[rows["geographic_level"] == LOCAL][["la_name", "time_period", "value", "status"]]

    return ds.kept(("la_rows", indicator), build).copy(deep=False)
