"""Disclosure control for a council's own figures, following DfE's children in need convention.

Rows whose ``source`` starts with ``council: `` hold a council's own figures rather than
published statistics (see the importer). Before they reach a dataset or a report:

1. Primary suppression: a count of 1 to 5 becomes ``c`` (no value).
2. Secondary suppression: where counts add up to a total (a region's LAs to the region, the
   regions or all LAs to England, Inner and Outer London to London), no total-and-parts group
   that includes a council figure may have exactly one unknown cell, or subtraction would
   recover it. The smallest non-zero council count of such a group is suppressed too (the
   total last), and the groups are checked again until none has a lone unknown cell.
3. Rates and percentages: a council's rate or percentage, or one this project derived from a
   council count, is suppressed when the count it is built on is ``c`` or when the count it
   implies (rate x population / 10,000; percentage x base / 100) is 1 to 5.

Published rows are never changed: they keep their published values and symbols.
"""
from __future__ import annotations

import pandas as pd

from .geography import LOCAL, NATIONAL, REGIONAL
from .indicators import INDICATORS
from .tables import COUNCIL, DERIVED

SMALL_MAX = 5  # counts of 1 to SMALL_MAX are suppressed
SUPPRESSED = "c"
LONDON, INNER_LONDON, OUTER_LONDON = "E12000007", "E13000001", "E13000002"
COUNTS = frozenset(ind.indicator for ind in INDICATORS if ind.unit == "count")
BUILT_ON = {ind.indicator: (ind.denominator, ind.unit) for ind in INDICATORS
            if ind.unit in ("rate_per_10000", "percent") and ind.denominator}
Cell = tuple[str, str]  # (geographic_level, region_code or old_la_code)


def is_council(table: pd.DataFrame) -> pd.Series:
    """Rows holding a council's own figures."""
    return table["source"].astype(str).str.startswith(COUNCIL)


def is_small(values: pd.Series) -> pd.Series:
    """Counts (or implied counts, rounded) from 1 to 5."""
    rounded = values.round()
    return (rounded >= 1) & (rounded <= SMALL_MAX)


def protect(table: pd.DataFrame, las: pd.DataFrame) -> pd.DataFrame:
    """Apply primary, secondary and rate/percentage suppression to council rows of a tidy table."""
    council = is_council(table)
    if not council.any():
        return table
    table = table.copy()
    primary = council & table["indicator"].isin(COUNTS) & is_small(table["value"])
    _suppress(table, primary)
    totals = groups(las)
    for _, rows in table[table["indicator"].isin(COUNTS)].groupby(["indicator", "time_period"]):
        if council[rows.index].any():
            _suppress(table, table.index.isin(secondary(rows, council, totals)))
    _suppress(table, dependent(table, council))
    return table


def groups(las: pd.DataFrame) -> list[tuple[Cell, list[Cell]]]:
    """Totals and the cells that add up to them, for one indicator and year."""
    current = las[las["status"] == "current"]
    england: Cell = (NATIONAL, "")
    regions = sorted(current["region_code"].unique())
    out = [(england, [(REGIONAL, r) for r in regions]),
           (england, [(LOCAL, c) for c in sorted(current["old_la_code"])]),
           ((REGIONAL, LONDON), [(REGIONAL, INNER_LONDON), (REGIONAL, OUTER_LONDON)])]
    for region, members in current.groupby("region_code"):
        out.append(((REGIONAL, region), [(LOCAL, c) for c in sorted(members["old_la_code"])]))
    return out


def secondary(rows: pd.DataFrame, council: pd.Series, totals: list[tuple[Cell, list[Cell]]]) -> list:
    """Index labels of council counts (one indicator and year) to suppress so no cell is recoverable."""
    cells = {}
    for label, row in rows.iterrows():
        code = row["old_la_code"] if row["geographic_level"] == LOCAL else row["region_code"]
        cells[(row["geographic_level"], code if row["geographic_level"] != NATIONAL else "")] = label
    known = {cell: pd.notna(rows.at[label, "value"]) or rows.at[label, "status"] == "z" for cell, label in cells.items()}
    chosen = []
    changed = True
    while changed:
        changed = False
        for total, parts in totals:
            group = [total, *parts]
            unknown = [cell for cell in group if not known.get(cell, False)]
            candidates = [cell for cell in group if known.get(cell, False) and council[cells[cell]]
                          and pd.notna(rows.at[cells[cell], "value"])]
            if len(unknown) == 1 and candidates:
                value = lambda cell: rows.at[cells[cell], "value"]
                pick = min(candidates, key=lambda cell: (cell == total, value(cell) == 0, value(cell), cell))
                known[pick] = False
                chosen.append(cells[pick])
                changed = True
    return chosen


def dependent(table: pd.DataFrame, council: pd.Series) -> pd.Series:
    """Shown rates and percentages built on a suppressed or small council count."""
    key = ["time_period", "geographic_level", "region_code", "old_la_code"]
    derived = table["source"].astype(str).str.startswith(DERIVED)
    population = table.loc[table["indicator"] == "population_0_17", key + ["value"]]
    population = population.assign(time_period=population["time_period"] + 1).rename(columns={"value": "population"})
    out = pd.Series(False, index=table.index)
    candidates = table[table["value"].notna() & (council | derived) & table["indicator"].isin(BUILT_ON)]
    for indicator, rows in candidates.groupby("indicator"):
        base_id, unit = BUILT_ON[indicator]
        base = table.loc[table["indicator"] == base_id, key + ["value", "status"]].assign(base_council=council)
        merged = rows[key + ["value"]].reset_index().merge(
            base.rename(columns={"value": "base", "status": "base_status"}), on=key, how="left")
        merged = merged.merge(population, on=key, how="left").set_index("index")
        relevant = council[merged.index] | (derived[merged.index] & merged["base_council"].eq(True))
        if unit == "percent":
            implied = merged["value"] * merged["base"] / 100
        else:
            implied = merged["base"].fillna(merged["value"] * merged["population"] / 10_000)
        hit = relevant & ((merged["base_status"] == SUPPRESSED) | is_small(implied))
        out[hit[hit].index] = True
    return out


def _suppress(table: pd.DataFrame, mask) -> None:
    table.loc[mask, "value"] = float("nan")
    table.loc[mask, "status"] = SUPPRESSED
