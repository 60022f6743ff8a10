"""Derived figures, one way: a count over a denominator, with DfE's symbols carried through.

A rate per 10,000 children divides a count for the year to 31 March by the ONS population aged
0-17 at the previous mid-year (DfE's own method), to 1 decimal place. A share divides by
another count. The importer uses this for rates DfE did not publish; chapters use it for the
measures they add to a dataset (``Dataset.derived``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyses.data.schema import DERIVED, SYMBOLS

CELL = ["time_period", "geographic_level", "region_code", "old_la_code"]  # one area in one year
POPULATION = "population_0_17"


def previous_mid_year_population(table: pd.DataFrame) -> pd.DataFrame:
    """The population aged 0-17 that a year's rates divide by (``CELL`` columns, value, status):
    the mid-year before the year to 31 March, so its time_period is shifted on by one."""
    rows = table[table["indicator"] == POPULATION]
    return rows[[*CELL, "value", "status"]].assign(time_period=rows["time_period"] + 1)


def ratio(
    counts: pd.DataFrame, denominators: pd.DataFrame, scale: float, indicator: str, source: str | None = None
) -> pd.DataFrame:
    """``counts`` rows as count / denominator x scale to 1 decimal place, for the same area and year.

    The status is ``derived``, or the count's own symbol when it is suppressed, ``x`` when there
    is no denominator, the denominator's symbol when it is suppressed, and ``z`` when it is zero;
    such rows have no value. Returns ``counts``' columns with ``indicator``, value, status and source
    replaced, plus ``count`` and ``denominator`` (the inputs, for intervals and disclosure checks).
    """
    merged = counts.merge(denominators[[*CELL, "value", "status"]], on=CELL, how="left", suffixes=("", "_den"))
    symbols = list(SYMBOLS)
    status = np.select(
        [
            merged["status"].isin(symbols),
            merged["status_den"].isna(),
            merged["status_den"].isin(symbols),
            merged["value_den"] == 0,
            merged["value"].isna(),
        ],
        [merged["status"], "x", merged["status_den"], "z", "x"],
        default="derived",
    )
    value = (merged["value"] / merged["value_den"] * scale).round(1).where(status == "derived")
    origin = counts["indicator"].iloc[0] if len(counts) else ""
    return merged[counts.columns].assign(
        indicator=indicator,
        value=value.astype(float),
        status=status,
        source=source or f"{DERIVED}{origin}",
        count=merged["value"].where(~merged["status"].isin(symbols)),
        denominator=merged["value_den"],
    )


def rate_per_10000(
    counts: pd.DataFrame, table: pd.DataFrame, indicator: str, source: str | None = None
) -> pd.DataFrame:
    """``ratio`` of ``counts`` over the previous mid-year population in ``table``, per 10,000 children."""
    return ratio(counts, previous_mid_year_population(table), 10_000, indicator, source)
