"""Plain-English pieces of computed findings: years, suppressed values, comparisons with England."""
from __future__ import annotations

import math

import pandas as pd

from analyses.models.benchmark import significance
from analyses.data.schema import PLOTTED_STATUSES


def financial_year(year: int) -> str:
    """The year to 31 March ``year`` as DfE writes it: 2024 -> '2023-24'."""
    return f"{year - 1}-{str(year)[2:]}"


def is_shown(value: float | None, status: str) -> bool:
    """True when a value is published or derived and finite (so it can be plotted or quoted)."""
    return status in PLOTTED_STATUSES and value is not None and not math.isnan(value)


MISSING = {"c": "suppressed", "k": "suppressed", "low": "suppressed", "x": "not available",
           "z": "not applicable", "u": "withheld as unreliable"}


def missing_phrase(status: str) -> str:
    """Why there is no number, with DfE's symbol: 'suppressed (c)', 'not applicable (z)'."""
    return f"{MISSING[status]} ({status})" if status in MISSING else "not published"


def versus_england(value: float, england: float, low: float = math.nan, high: float = math.nan) -> str:
    """'higher than', 'lower than' or 'similar to' England.

    With a 95% interval (``low``, ``high``) the comparison is statistical: 'similar to' when
    the interval holds England's value. Without one it is arithmetic ('the same as' on a tie).
    """
    if math.isnan(value) or math.isnan(england):
        raise ValueError("versus_england needs the area's and England's values")
    if not (math.isnan(low) or math.isnan(high)):
        verdict = significance(low, high, england, "neither")
        return {"similar to England": "similar to", "higher than England": "higher than"}.get(verdict, "lower than")
    if value == england:
        return "the same as"
    return "higher than" if value > england else "lower than"


def trend_alt_text(frame: pd.DataFrame, measure: str, value_format: str = "{:,.1f}") -> str:
    """Text alternative of a trend chart (a ``benchmark.comparison`` frame): who is drawn, first and last values."""
    years = sorted(frame["time_period"].unique())
    first, last = int(years[0]), int(years[-1])
    labelled = [a for role in ("selected", "neighbour average", "region", "England")
                for a in dict.fromkeys(frame.loc[frame["role"] == role, "area"])]

    def point(area: str, year: int) -> str:
        row = frame[(frame["area"] == area) & (frame["time_period"] == year)]
        if row.empty:
            return f"no figure in {year}"
        value, status = row["value"].iloc[0], row["status"].iloc[0]
        shown = value_format.format(value) if is_shown(value, status) else missing_phrase(status)
        return f"{shown} in {year}"

    neighbours = (frame["role"] == "neighbour").any()
    names = ", ".join(labelled[:-1]) + (" and " if len(labelled) > 1 else "") + labelled[-1]
    return (f"Line chart of {measure} from {first} to {last} for {names}"
            + (", with each statistical neighbour as a grey line. " if neighbours else ". ")
            + " ".join(f"{a}: {point(a, first)}, {point(a, last)}." for a in labelled)
            + " Gaps are suppressed or unpublished values. The data table lists every local authority.")
