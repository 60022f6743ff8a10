"""Benchmarking an LA: neighbours, region and England; ranks, quartile bands and intervals.

Follows DfE's LAIT (quartile bands and ranks that respect each indicator's polarity) and
OHID Fingertips (95% confidence intervals: Wilson for proportions, Byar for rates, and a
significance flag against England).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.data.schema import PLOTTED_STATUSES, has_figure

Z95 = 1.959964
BANDS_BEST_FIRST = ("A", "B", "C", "D")  # LAIT: A = best quartile, D = worst
NEIGHBOUR_AVERAGE = "Statistical neighbours (average)"


def wilson_interval(successes: float, total: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as a percentage (low, high)."""
    if total <= 0:
        return (math.nan, math.nan)
    p = successes / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (100 * (centre - spread) / denominator, 100 * (centre + spread) / denominator)


def byar_interval(count: float, population: float, per: float = 10_000, z: float = Z95) -> tuple[float, float]:
    """Byar's approximation to the exact Poisson interval for a rate per ``per`` (low, high)."""
    if population <= 0 or count < 0:
        return (math.nan, math.nan)
    low = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    upper_count = count + 1
    high = upper_count * (1 - 1 / (9 * upper_count) + z / (3 * math.sqrt(upper_count))) ** 3
    return (low / population * per, high / population * per)


@dataclass(frozen=True)
class Spread:
    """Values of all LAs (missing ones dropped), sorted lowest first, with their quartiles: what a rank
    and a quartile band are read from, made once per indicator and year (``la_spread``)."""

    values: np.ndarray
    quartiles: tuple[float, float, float] | None

    @classmethod
    def of(cls, values: pd.Series) -> Spread:
        ordered = np.sort(pd.Series(values, dtype=float).dropna().to_numpy())
        return cls(ordered, tuple(np.percentile(ordered, [25, 50, 75])) if len(ordered) else None)

    def band(self, value: float, polarity: str) -> str:
        """``quartile_band`` of ``value`` among these values."""
        if pd.isna(value) or self.quartiles is None:
            return ""
        q1, q2, q3 = self.quartiles
        quartile = 1 if value <= q1 else 2 if value <= q2 else 3 if value <= q3 else 4  # 1 = lowest values
        if polarity == "lower_is_better":
            return BANDS_BEST_FIRST[quartile - 1]
        if polarity == "higher_is_better":
            return BANDS_BEST_FIRST[4 - quartile]
        return f"Q{quartile}"

    def rank(self, value: float, polarity: str) -> int | None:
        """``rank`` of ``value`` among these values."""
        if pd.isna(value):
            return None
        if polarity == "higher_is_better":  # how many are higher
            return len(self.values) - int(np.searchsorted(self.values, value, side="right")) + 1
        return int(np.searchsorted(self.values, value, side="left")) + 1  # how many are lower


def quartile_band(values: pd.Series, value: float, polarity: str) -> str:
    """Quartile band of ``value`` among ``values``.

    With a polarity, A is the best quartile and D the worst (as LAIT). With none, Q1 is the
    lowest quartile and Q4 the highest. Empty when the value is missing.
    """
    return Spread.of(values).band(value, polarity)


def rank(values: pd.Series, value: float, polarity: str) -> int | None:
    """Rank of ``value`` among ``values``: 1 = best (or lowest, with no polarity); ties share."""
    return Spread.of(values).rank(value, polarity)


def la_spread(ds: Dataset, indicator: str, year: int, published_only: bool = False) -> Spread:
    """The ``Spread`` of every LA's value of ``indicator`` in ``year`` (only those with a published
    figure, ``schema.has_figure``, where ``published_only``), made once per dataset."""

    def build() -> Spread:
        rows = ds.la_values(indicator, year)
        values = rows["value"]
        if published_only:  # a mask of the values, not the frame: a frame reads an empty list as no columns
            values = values[[has_figure(v, s) for v, s in zip(rows["value"], rows["status"])]]
        return Spread.of(values)

    return ds.kept(("la_spread", indicator, int(year), published_only), build)


def comparison(ds: Dataset, indicator: str, area: Area, with_neighbours: bool = True) -> pd.DataFrame:
    """Trend rows for an LA, its neighbours' average, its region and England (``_comparison``); made once
    per dataset, as several charts and tables of a report draw the same one. A current LA's or England's
    (with neighbours) are its rows of ``comparisons``, every area's made in one pass per indicator and
    kept on disk per version of the data and code: picked, they cost a report about a fifth of making its own."""

    def made() -> pd.DataFrame:
        if with_neighbours and _selected(ds).get(area.name) == area:
            every, rows = _every_comparison(ds, indicator)
            return every.iloc[rows[area.name]].drop(columns="selected_area").reset_index(drop=True)
        return _comparison(ds, indicator, area, with_neighbours)

    return ds.kept(("comparison", indicator, area, with_neighbours), made).copy(deep=False)


def _comparison(ds: Dataset, indicator: str, area: Area, with_neighbours: bool) -> pd.DataFrame:
    """Trend rows for an LA, its neighbours' average, its region and England.

    Columns: area, time_period, value, status, role (selected, predecessor, neighbour average,
    region, England, neighbour). Individual neighbours are included with role "neighbour". An
    LA created in a reorganisation (Cumberland, from April 2023) has its former council's series
    for the years before it existed, as role "predecessor" named e.g. "Cumbria (until March
    2023)": for rates and percentages only, as counts of a different area do not compare.
    """
    parts = [(area.name, "selected", ds.series(indicator, area))]
    if ds.meta(indicator)["unit"] != "count":
        parts += [
            (former.label, "predecessor", rows)
            for former, rows in ds.predecessor_series(indicator, area)
            if (rows["status"].isin(PLOTTED_STATUSES) & rows["value"].notna()).any()
        ]
    if not area.is_england:
        region = ds.region_of(area)
        parts.append((region.name, "region", ds.series(indicator, region)))
        if with_neighbours and area.neighbours:
            neighbours = [ds.area(code) for code in area.neighbours]
            average = average_by_year([ds.series(indicator, neighbour) for neighbour in neighbours])
            parts.append((NEIGHBOUR_AVERAGE, "neighbour average", average))
            parts += [(neighbour.name, "neighbour", ds.series(indicator, neighbour)) for neighbour in neighbours]
        parts.append(("England", "England", ds.series(indicator, ENGLAND)))
    parts = [(name, role, rows) for name, role, rows in parts if not rows.empty]
    if not parts:
        return pd.DataFrame(columns=["area", "role", "time_period", "value", "status"])
    frame = pd.concat([rows for *_, rows in parts], ignore_index=True)[["time_period", "value", "status"]]
    sizes = [len(rows) for *_, rows in parts]
    frame.insert(0, "role", np.repeat([role for _, role, _ in parts], sizes))
    frame.insert(0, "area", np.repeat([name for name, _, _ in parts], sizes))
    return frame


def comparisons(ds: Dataset, indicators: list[str]) -> dict[str, pd.DataFrame]:
    """``comparison`` of each indicator for every current LA and then England, one after another,
    with the selected area's name in a first column ``selected_area``: the same rows, made in one
    pass per indicator, once per version of the data and code (``Dataset.derived``).

    Each area's series is read once (an LA is the neighbour of many), every neighbours' average is
    taken in one grouping over the same values in the same order as ``average_by_year`` takes them, and
    the rows are picked from those in one step; ``tests/test_benchmark.py`` holds it to
    ``_comparison`` area by area."""
    return {indicator: _every_comparison(ds, indicator)[0].copy(deep=False) for indicator in indicators}


def _selected(ds: Dataset) -> dict[str, Area]:
    """The areas ``comparisons`` has rows for, by name: every current LA, then England."""
    return ds.kept(("comparison_areas",), lambda: {area.name: area for area in [*ds.areas(), ENGLAND]})


def _every_comparison(ds: Dataset, indicator: str) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """``comparisons``' table of one indicator and each selected area's row positions in it."""

    def made(ds: Dataset) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        selected = list(_selected(ds).values())
        neighbours = {area.name: [ds.area(code) for code in area.neighbours] for area in selected}
        table = _comparisons(ds, indicator, selected, neighbours)
        return table, table.groupby("selected_area", sort=False).indices

    return ds.derived(f"comparisons-{indicator}", made)


def _comparisons(ds: Dataset, indicator: str, selected: list[Area], neighbours: dict[str, list[Area]]) -> pd.DataFrame:
    by_rate = ds.meta(indicator)["unit"] != "count"
    pieces: dict[tuple, pd.DataFrame] = {}  # every series a comparison shows, each once

    def read(key: tuple, rows: pd.DataFrame) -> tuple:
        pieces.setdefault(key, rows)
        return key

    def of(area: Area) -> tuple:
        key = (area.level, area.code, area.old_la_code)
        return key if key in pieces else read(key, ds.series(indicator, area))

    shown = {}  # area -> [(name, role, key of its rows)], in ``comparison``'s order
    for area in selected:
        mine = [(area.name, "selected", of(area))]
        if by_rate:
            mine += [
                (former.label, "predecessor", read(("predecessor", area.name, former.old_la_code), rows))
                for former, rows in ds.predecessor_series(indicator, area)
                if (rows["status"].isin(PLOTTED_STATUSES) & rows["value"].notna()).any()
            ]
        if not area.is_england:
            mine.append((area.region_name, "region", of(ds.region_of(area))))
            if neighbours[area.name]:
                mine.append((NEIGHBOUR_AVERAGE, "neighbour average", ("average", area.name)))
                mine += [(neighbour.name, "neighbour", of(neighbour)) for neighbour in neighbours[area.name]]
            mine.append((ENGLAND.name, "England", of(ENGLAND)))
        shown[area.name] = mine
    starts = dict(zip(pieces, np.cumsum([0] + [len(rows) for rows in pieces.values()])))
    at = {key: np.arange(starts[key], starts[key] + len(rows)) for key, rows in pieces.items()}
    every = pd.concat(pieces.values(), ignore_index=True)
    # the neighbours' averages: area by area, neighbour by neighbour, as ``average_by_year`` pools them
    pooled = [(area.name, at[of(n)]) for area in selected for n in neighbours[area.name]]
    pool = every.iloc[np.concatenate([rows for _, rows in pooled])][["time_period", "value"]]
    pool.insert(0, "selected_area", np.repeat([name for name, _ in pooled], [len(rows) for _, rows in pooled]))
    grouped = pool.groupby(["selected_area", "time_period"], sort=True)["value"]
    averages = pd.DataFrame({"value": grouped.mean().round(1), "n": grouped.count()}).reset_index()
    averages["status"] = np.where(averages["n"] > 0, "derived", "x")
    for name, rows in averages.groupby("selected_area", sort=False).indices.items():
        at[("average", name)] = len(every) + rows
    every = pd.concat([every, averages[["time_period", "value", "status"]]], ignore_index=True)
    parts = [
        (area, name, role, at.get(key, np.arange(0)))
        for area, mine in shown.items()
        for name, role, key in mine
        if len(at.get(key, ()))
    ]
    frame = every.iloc[np.concatenate([rows for *_, rows in parts])].reset_index(drop=True)
    sizes = [len(rows) for *_, rows in parts]
    for column, index in (("role", 2), ("area", 1), ("selected_area", 0)):
        frame.insert(0, column, np.repeat([part[index] for part in parts], sizes))
    return frame


def neighbours_in_year(ds: Dataset, indicator: str, year: int, area: Area, published_only: bool = False) -> pd.Series:
    """The values of ``area``'s statistical neighbours in one year, in ``Dataset.la_values``' order (only
    those with a published figure, ``schema.has_figure``, where ``published_only``)."""
    codes, values, statuses = ds.kept(
        ("la_value_lists", indicator, int(year)), lambda: _la_value_lists(ds, indicator, year)
    )
    theirs = set(area.neighbours)
    kept = [
        value
        for code, value, status in zip(codes, values, statuses)
        if code in theirs and (not published_only or has_figure(value, status))
    ]
    return pd.Series(kept, dtype=float, name="value")


def _la_value_lists(ds: Dataset, indicator: str, year: int) -> tuple[list, list, list]:
    """``Dataset.la_values``' codes, values and statuses as lists, read once (each area's profile reads them)."""
    rows = ds.la_values(indicator, year)
    return rows["old_la_code"].tolist(), rows["value"].tolist(), rows["status"].tolist()


def neighbour_average(ds: Dataset, indicator: str, area: Area) -> pd.DataFrame:
    """Simple mean of the statistical neighbours' values per year (as LAIT), over those with a value:
    ``comparison``'s rows of it (time_period, value, status, area, role)."""
    rows = comparison(ds, indicator, area)
    rows = rows.loc[rows["role"] == "neighbour average", ["time_period", "value", "status", "area", "role"]]
    return rows.reset_index(drop=True)


def average_by_year(series: list[pd.DataFrame]) -> pd.DataFrame:
    """Per year: the mean of the values (1 dp), status "derived"; "x" where no area has a value."""
    rows = pd.concat(series, ignore_index=True) if series else pd.DataFrame(columns=["time_period", "value"])
    grouped = rows.groupby("time_period")["value"]
    out = pd.DataFrame({"value": grouped.mean().round(1), "n": grouped.count()}).reset_index()
    out["status"] = np.where(out["n"] > 0, "derived", "x")
    return out.drop(columns="n")


def interval(ds: Dataset, indicator: str, area: Area, year: int, value: float) -> tuple[float, float]:
    """The 95% interval of one value, where its numerator and denominator are in the data."""
    meta = ds.meta(indicator)
    count_id = meta["denominator"]
    if not count_id or pd.isna(value):
        return (math.nan, math.nan)
    count_rows = ds.in_year(count_id, area, year)
    if not count_rows or pd.isna(count_rows[0][0]):
        return (math.nan, math.nan)
    count = float(count_rows[0][0])
    if meta["unit"] == "rate_per_10000":
        pop = [value for value, _ in ds.in_year("population_0_17", area, year - 1) if pd.notna(value)]
        return byar_interval(count, float(pop[0])) if pop else (math.nan, math.nan)
    if meta["unit"] == "percent":
        return wilson_interval(value / 100 * count, count)
    return (math.nan, math.nan)


# The comparison with England as the test finds it; ``verdict`` reads it through the polarity.
HIGHER, LOWER, SIMILAR, NOT_TESTED, NOT_COMPARED = "higher", "lower", "similar", "not tested", "not compared"
BETTER, WORSE = "better", "worse"


def compare(low: float, high: float, england: float, reason: str = "") -> tuple[str, str]:
    """(comparison, reason): England's value against an area's 95% interval. The one significance rule.

    ``reason`` says why there is no test (the caller's reason wins over the generic one)."""
    if england is None or pd.isna(england):
        return NOT_COMPARED, reason or "England has no figure for this year"
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return NOT_TESTED, reason or "the data do not hold the count and population behind the figure"
    if low <= england <= high:
        return SIMILAR, ""
    return (HIGHER if low > england else LOWER), ""


def verdict(comparison: str, polarity: str) -> str:
    """A comparison read through LAIT's polarity: better/worse where one direction is better."""
    if comparison not in (HIGHER, LOWER) or polarity == "neither":
        return comparison
    return BETTER if (comparison == HIGHER) == (polarity == "higher_is_better") else WORSE


def significance(low: float, high: float, england: float, polarity: str) -> str:
    """``compare`` and ``verdict`` as a table cell: 'similar to England', 'worse than England', 'not tested'."""
    found = verdict(compare(low, high, england)[0], polarity)
    if found in (NOT_TESTED, NOT_COMPARED):
        return NOT_TESTED
    return "similar to England" if found == SIMILAR else f"{found} than England"


def profile(ds: Dataset, area: Area, indicators: list[str] | None = None) -> pd.DataFrame:
    """One row per indicator: latest value, trend, rank, quartile band, interval and significance.

    ``rank`` and ``band`` follow LAIT (1 and A = best where the indicator has a polarity);
    ``rank_lowest`` and ``quartile`` are always from the lowest value (1, Q1).
    """
    chosen = indicators or [i for i in ds.metadata["indicator"] if i != "population_0_17"]
    rows = [ds.kept(("profile", i, area), lambda i=i: _profile_row(ds, i, area)) for i in chosen]
    return pd.DataFrame([row for row in rows if row is not None])


def _profile_row(ds: Dataset, indicator: str, area: Area) -> dict | None:
    """``profile``'s row for one indicator (None where the area has no row of it), made once per dataset."""
    meta = ds.meta(indicator)
    series = ds.series(indicator, area)
    if series.empty:
        return None
    years, values = series["time_period"].tolist(), series["value"].to_numpy()
    year, value, status = int(years[-1]), values[-1], series["status"].iat[-1]
    spread = la_spread(ds, indicator, year)
    england = ds.in_year(indicator, ENGLAND, year)
    england_value = float(england[0][0]) if england else math.nan
    neighbours = neighbours_in_year(ds, indicator, year, area)
    low, high = interval(ds, indicator, area, year, value)
    previous = [v for y, v in zip(years, values) if y < year and not math.isnan(v)]
    return {
        "indicator": indicator,
        "title": meta["title"],
        "unit": meta["unit"],
        "polarity": meta["polarity"],
        "year": year,
        "value": value,
        "status": status,
        "previous_value": previous[-1] if previous else math.nan,
        "neighbour_average": round(neighbours.mean(), 1) if neighbours.notna().any() else math.nan,
        "england": england_value,
        "rank": spread.rank(value, meta["polarity"]),
        "of": len(spread.values),
        "band": spread.band(value, meta["polarity"]),
        # the same, in one convention whatever the polarity: 1 = lowest value, Q1 = lowest quarter
        "rank_lowest": spread.rank(value, "neither"),
        "quartile": spread.band(value, "neither"),
        "ci_low": low,
        "ci_high": high,
        "vs_england": significance(low, high, england_value, meta["polarity"]),
    }
