"""Plain-English pieces of computed findings: reporting years, missing values, text alternatives."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from analyses.data.geography import Area, predecessors
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
    points = list(zip(frame["area"], frame["role"], frame["time_period"].tolist(), frame["value"], frame["status"]))
    years = sorted({year for _, _, year, _, _ in points})
    first, last = int(years[0]), int(years[-1])
    labelled = [
        a
        for role in ("selected", "predecessor", "neighbour average", "region", "England")
        for a in dict.fromkeys(area for area, role_of, *_ in points if role_of == role)
    ]
    former = list(dict.fromkeys(area for area, role, *_ in points if role == "predecessor"))
    first_role: dict[str, str] = {}
    rows: dict[tuple[str, int], tuple[float, str]] = {}  # (area, year) -> its first (value, status)
    for area, role, year, value, status in points:
        first_role.setdefault(area, role)
        rows.setdefault((area, int(year)), (value, status))

    def span(area: str) -> tuple[int, int]:
        """A former council's line, and the area that replaced it, are described over their own years."""
        if not former or first_role[area] not in ("selected", "predecessor"):
            return first, last
        every = [(year, status) for name, _, year, _, status in points if name == area]
        own = [year for year, status in every if status not in ("z", "x")]  # a new council's earlier years are z or x
        own = own or [year for year, _ in every]
        return int(min(own)), int(max(own))

    def point(area: str, year: int) -> str:
        if (area, year) not in rows:
            return f"no figure in {year}"
        value, status = rows[(area, year)]
        shown = value_format.format(value) if has_figure(value, status) else missing_phrase(status)
        return f"{shown} in {year}"

    neighbours = any(role == "neighbour" for _, role, *_ in points)
    names = ", ".join(labelled[:-1]) + (" and " if len(labelled) > 1 else "") + labelled[-1]
    before = (
        f" The line of {' and '.join(former)} is the former council{'s' if len(former) > 1 else ''}, for "
        f"the years before the selected area existed."
        if former
        else ""
    )
    return (
        f"Line chart of {measure} from {first} to {last} for {names}"
        + (", with each statistical neighbour as a grey line." if neighbours else ".")
        + before
        + " "
        + " ".join(
            f"{a}: {point(a, start)}, {point(a, end)}." for a, (start, end) in zip(labelled, map(span, labelled))
        )
        + " Gaps are suppressed or unpublished values. The data table lists every local authority."
    )


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]


def reorganisation_note(area: Area, frame: pd.DataFrame | None = None) -> str:
    """When a reorganised area was created and whose figures come before it; '' for any other area.

    'Cumberland was created on 1 April 2023 from part of Cumbria; figures before 2023-24 are
    Cumbria's, for the whole former council area (the grey dashed line), and compare with
    Cumberland's as rates, not as counts.' With a ``benchmark.comparison`` ``frame`` that holds
    no former council's rows, the second half says the chart shows the area's own figures only.
    """
    former = predecessors(area)
    if not former:
        return ""
    names = _and([f.name for f in former])
    made = (
        f"{area.name} was created on {former[0].date} from part of {names}"
        if former[0].shared
        else f"{area.name} was created on {former[0].date}, replacing {names}"
    )
    if frame is not None and not (frame["role"] == "predecessor").any():
        return f"{made}. This chart shows {area.name}'s own figures only."
    whose = _and([f"{f.name}'s" for f in former])
    where = "the whole former council area" if former[0].shared else "the former council's area"
    return (
        f"{made}; figures before {financial_year(former[0].last_year + 1)} are {whose}, for {where} "
        f"(the grey dashed line), and compare with {area.name}'s as rates, not as counts."
    )


# Rounding of estimates, stated once: children to whole numbers ("fewer than 1" below one); money,
# days and other estimated counts to two significant figures ("about £78,000").


def significant(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures, halves up: 78193 -> 78000.0, 12.5 -> 13.0
    (Python's round() gives 12: "about 12" beside figures worked on 12.5); 0.0 stays 0.0."""
    if value == 0 or not math.isfinite(value):
        return value
    step = Decimal(1).scaleb(math.floor(math.log10(abs(value))) - digits + 1)
    return float(
        Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)
    )  # halves away from zero: 12.5 -> 13


def _pounds(value: float) -> str:
    sign = "−" if value < 0 else ""
    value = abs(value)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{sign}£{f'{value / size:,.2f}'.rstrip('0').rstrip('.')} {word}"
    return f"{sign}£{value:,.0f}"


def money(value: float, about: bool = True, exact: bool = False) -> str:
    """The one money formatter. Estimates to two significant figures: 78193 -> 'about £78,000',
    -44210 -> 'about −£44,000', 1.63e12 -> 'about £1.6 billion' (``about=False`` drops 'about').
    ``exact=True`` is for stated inputs such as a unit cost: 499 -> '£499', never 'about'."""
    if exact:
        return _pounds(round(value))
    text = _pounds(significant(value))
    return f"about {text}" if about else text


def children_number(n: float) -> str:
    """Children as a whole number: 0 -> '0', 0.7 -> 'fewer than 1', 12.5 -> '13', 2281.2 -> '2,281'.

    ``n`` is first rounded to two decimals, as summary.json stores it, so both give the same words."""
    n = round(n, 2)
    if 0 < n < 1:
        return "fewer than 1"
    whole = math.floor(abs(n) + 0.5)
    return f"{'−' if n < 0 and whole else ''}{whole:,}"


def children(n: float) -> str:
    """'fewer than 1 child', '1 child', '12 children', '0 children'."""
    number = children_number(n)
    return f"{number} child" if number in ("fewer than 1", "1") else f"{number} children"


def about_count(n: float) -> str:
    """An estimated count to two significant figures: 2281 -> '2,300'; 14591 -> '15,000'; 0.4 -> '0.4'."""
    rounded = significant(n)
    return f"{rounded:,.0f}" if abs(rounded) >= 10 else f"{rounded:g}"


def chance(p: float) -> str:
    """A probability in words: 0.9863 -> '99%', 0.9999 -> 'more than 99%', 0.0001 -> 'less than 1%'."""
    if p >= 0.995:
        return "more than 99%" if p < 1 else "100%"
    if p < 0.005:
        return "less than 1%" if p > 0 else "0%"
    return f"{p:.0%}"
