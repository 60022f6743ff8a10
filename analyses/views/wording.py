"""Plain-English pieces of computed findings: reporting years, missing values, text alternatives."""
from __future__ import annotations

import math

import pandas as pd

from analyses.data.schema import NO_FIGURE, SYMBOLS, has_figure


def financial_year(year: int) -> str:
    """The year to 31 March ``year`` as DfE writes it: 2024 -> '2023-24'."""
    return f"{year - 1}-{str(year)[2:]}"


def round_half_up(value: float) -> int:
    """12.5 -> 13 (Python's round() gives 12): the one rounding for whole numbers of people."""
    return int(math.floor(value + 0.5))


def about_count(value: float, singular: str = "child", plural: str = "children", bold: bool = False) -> str:
    """An estimate of people in whole numbers with a noun that agrees: 'fewer than 1 child',
    'around 1 child', 'around 13 children' (12.5 rounds half up)."""
    mark = "**" if bold else ""
    if 0 < value < 0.5:
        return f"fewer than {mark}1{mark} {singular}"
    n = round_half_up(value)
    return f"around {mark}{n:,}{mark} {singular if n == 1 else plural}"


def missing_phrase(status: str) -> str:
    """Why there is no number, with DfE's symbol: 'suppressed (c)', 'not applicable (z)', 'not published'."""
    if status not in SYMBOLS:
        return "not published"
    words = SYMBOLS[status] if status in NO_FIGURE else "withheld as unreliable" if status == "u" else "suppressed"
    return f"{words} ({status})"


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
        shown = value_format.format(value) if has_figure(value, status) else missing_phrase(status)
        return f"{shown} in {year}"

    neighbours = (frame["role"] == "neighbour").any()
    names = ", ".join(labelled[:-1]) + (" and " if len(labelled) > 1 else "") + labelled[-1]
    return (f"Line chart of {measure} from {first} to {last} for {names}"
            + (", with each statistical neighbour as a grey line. " if neighbours else ". ")
            + " ".join(f"{a}: {point(a, first)}, {point(a, last)}." for a in labelled)
            + " Gaps are suppressed or unpublished values. The data table lists every local authority.")
