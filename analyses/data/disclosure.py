"""Disclosure control for a council's own figures, following DfE's children in need convention.

Rows whose ``source`` starts with ``council: `` hold a council's own figures rather than
published statistics (see the importer). Before they reach a dataset or a report:

1. Primary suppression: a count of 1 to 5 becomes ``c`` (no value).
2. Secondary suppression: where counts add up to a total (a region's LAs to the region, the
   regions or all LAs to England, Inner and Outer London to London), a group with exactly one
   unknown cell must not show a council total, or a council count that is not already in the
   published data, or subtraction would recover the unknown cell. The smallest such non-zero
   count is suppressed too (the total last), and the groups are checked again until none is left.
3. Rates and percentages: a council's rate or percentage, or one this project derived from a
   council count, is suppressed when the count it is built on is ``c`` or when the count it
   implies (rate x population / 10,000; percentage x base / 100) is 1 to 5.

Published rows are never changed: they keep their published values and symbols.
"""

from __future__ import annotations

import pandas as pd

from analyses.data import derive
from analyses.data.geography import LOCAL, NATIONAL, REGIONAL
from analyses.data.indicators import INDICATORS
from analyses.data.schema import COUNCIL, DERIVED, SUPPRESSED
from analyses.data.schema import PRIMARY_KEY as KEY

SMALL_MAX = 5  # counts of 1 to SMALL_MAX are suppressed
LONDON, INNER_LONDON, OUTER_LONDON = "E12000007", "E13000001", "E13000002"
COUNTS = frozenset(ind.indicator for ind in INDICATORS if ind.unit == "count")
BUILT_ON = {
    ind.indicator: (ind.denominator, ind.unit)
    for ind in INDICATORS
    if ind.unit in ("rate_per_10000", "percent") and ind.denominator
}
Cell = tuple[str, str]  # (geographic_level, region_code or old_la_code)


def is_council(table: pd.DataFrame) -> pd.Series:
    """Rows holding a council's own figures."""
    return table["source"].astype(str).str.startswith(COUNCIL)


def is_small(values: pd.Series) -> pd.Series:
    """Counts (or implied counts, rounded) from 1 to 5."""
    rounded = values.round()
    return (rounded >= 1) & (rounded <= SMALL_MAX)


def protect(table: pd.DataFrame, las: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Apply primary, secondary and rate/percentage suppression to council rows of a tidy table.

    ``published`` is the published dataset an onlooker also has (the bundled data): a council
    count that only repeats a figure shown there reveals nothing new. Without it every council
    count is treated as new (more is suppressed, never less).
    """
    council = is_council(table)
    if not council.any():
        return table
    table = table.copy()
    primary = council & table["indicator"].isin(COUNTS) & is_small(table["value"])
    _suppress(table, primary)
    totals = groups(las)
    already_shown = (
        set()
        if published is None
        else set(
            map(
                tuple,
                published.loc[
                    published["indicator"].isin(COUNTS) & published["value"].notna() & ~is_council(published), KEY
                ].values,
            )
        )
    )
    for _, rows in table[table["indicator"].isin(COUNTS)].groupby(["indicator", "time_period"]):
        if council[rows.index].any():
            new = council[rows.index] & ~pd.Series(
                [tuple(k) in already_shown for k in rows[KEY].values], index=rows.index
            )
            _suppress(table, table.index.isin(secondary(rows, council, new, totals)))
    _suppress(table, dependent(table, council))
    return table


def groups(las: pd.DataFrame) -> list[tuple[Cell, list[Cell]]]:
    """Totals and the cells that add up to them, for one indicator and year."""
    current = las[las["status"] == "current"]
    england: Cell = (NATIONAL, "")
    regions = sorted(current["region_code"].unique())
    out = [
        (england, [(REGIONAL, r) for r in regions]),
        (england, [(LOCAL, c) for c in sorted(current["old_la_code"])]),
        ((REGIONAL, LONDON), [(REGIONAL, INNER_LONDON), (REGIONAL, OUTER_LONDON)]),
    ]
    for region, members in current.groupby("region_code"):
        out.append(((REGIONAL, region), [(LOCAL, c) for c in sorted(members["old_la_code"])]))
    return out


def secondary(rows: pd.DataFrame, council: pd.Series, new: pd.Series, totals: list[tuple[Cell, list[Cell]]]) -> list:
    """Index labels of council counts (one indicator and year) to suppress so that no cell is recoverable.

    A group with one unknown cell is a risk when it shows a council total or a council count
    that is ``new`` (not already published); such a count, or else the total, is suppressed.
    """
    cells = {}
    for label, row in rows.iterrows():
        level = row["geographic_level"]
        cells[(level, {LOCAL: row["old_la_code"], REGIONAL: row["region_code"]}.get(level, ""))] = label
    shown = {cell: pd.notna(rows.at[label, "value"]) for cell, label in cells.items()}
    known = {cell: shown[cell] or rows.at[label, "status"] == "z" for cell, label in cells.items()}

    def value(cell: Cell) -> float:
        return rows.at[cells[cell], "value"]

    chosen = []
    changed = True
    while changed:
        changed = False
        for total, parts in totals:
            if sum(not known.get(cell, False) for cell in (total, *parts)) != 1:
                continue
            risky = [
                cell
                for cell in (total, *parts)
                if known.get(cell, False)
                and shown[cell]
                and council[cells[cell]]
                and (cell == total or new[cells[cell]])
            ]
            if risky:
                pick = min(risky, key=lambda cell: (cell == total, value(cell) == 0, value(cell), cell))
                known[pick] = shown[pick] = False
                chosen.append(cells[pick])
                changed = True
    return chosen


def dependent(table: pd.DataFrame, council: pd.Series) -> pd.Series:
    """Shown rates and percentages built on a suppressed or small council count."""
    key = derive.CELL
    derived = table["source"].astype(str).str.startswith(DERIVED)
    population = derive.previous_mid_year_population(table)[[*key, "value"]].rename(columns={"value": "population"})
    out = pd.Series(False, index=table.index)
    candidates = table[table["value"].notna() & (council | derived) & table["indicator"].isin(BUILT_ON)]
    for indicator, rows in candidates.groupby("indicator"):
        base_id, unit = BUILT_ON[indicator]
        base = table.loc[table["indicator"] == base_id, key + ["value", "status"]].assign(base_council=council)
        merged = (
            rows[key + ["value"]]
            .reset_index()
            .merge(base.rename(columns={"value": "base", "status": "base_status"}), on=key, how="left")
        )
        merged = merged.merge(population, on=key, how="left").set_index("index")
        relevant = council[merged.index] | (derived[merged.index] & merged["base_council"].eq(True))
        if unit == "percent":
            implied = merged["value"] * merged["base"] / 100
        else:
            implied = merged["base"].fillna(merged["value"] * merged["population"] / 10_000)
        hit = relevant & ((merged["base_status"] == SUPPRESSED) | is_small(implied))
        out[hit[hit].index] = True
    return out


def _suppress(table: pd.DataFrame, mask: pd.Series) -> None:
    table.loc[mask, "value"] = float("nan")
    table.loc[mask, "status"] = SUPPRESSED
