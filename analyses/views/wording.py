"""Plain-English pieces of computed findings: reporting years, missing values, text alternatives."""
from __future__ import annotations

import pandas as pd

from analyses.data.schema import NO_FIGURE, SYMBOLS, has_figure


def financial_year(year: int) -> str:
    """The year to 31 March ``year`` as DfE writes it: 2024 -> '2023-24'."""
    return f"{year - 1}-{str(year)[2:]}"


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
