"""Findings: an area's headline indicators, each worked out once and read everywhere.

A ``Finding`` is one indicator of one area in its latest year: the value and the count behind
it, the year in one label style, statistical neighbours, region and England, the comparison
with England (a significance test where the data hold the count and population, with the
reason where they do not), the verdict by LAIT's polarity, rank and quartile band, the last
five years, and where the figure came from (publication, release, file and row).

The front page, the chapters' key points, ``summary.json``, ``findings.csv`` and the workshop
read these objects (or their ``as_dict`` form in ``summary.json``); the words for a finding
are made in one place, ``analyses.views.findings``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields

import pandas as pd

from analyses.data import derive
from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.data.indicators import RATE_METHOD, period_label
from analyses.data.schema import has_figure
from analyses.models import benchmark, domestic_abuse
from analyses.models.benchmark import NOT_COMPARED, compare, verdict

SGO_RATE = "sgo_exits_rate"
DA_PARENT_RATE = domestic_abuse.measure_id("da_factor_parent_count", "rate")
# The front page's findings, in the order a reader meets them: demand from first contact to care,
# then the courts, then the spotlights. Each is (indicator, the count it is built on or "").
HEADLINES = (
    ("referrals_rate", "referrals_count"),
    ("rereferrals_pct", "referrals_count"),
    ("cin_31mar_rate", "cin_31mar_count"),
    ("cpp_31mar_rate", "cpp_31mar_count"),
    ("cla_31mar_rate", "cla_31mar_count"),
    ("cla_starts_rate", "cla_starts_count"),
    ("care_applications_rate", ""),
    (DA_PARENT_RATE, "da_factor_parent_count"),
    (SGO_RATE, "sgo_exits_count"),
    ("eyfsp_gld_pct", ""),
)
TREND_YEARS = 5
# ONS flags rates built on fewer than 20 events as unreliable: the finding says so beside the figure.
SMALL_COUNT = 20
OWN_PREFIX = "council:"
DERIVED_PREFIX = "derived:"


@dataclass(frozen=True)
class Source:
    """Where one figure came from: publication, release, file and row; or the council's own data."""

    publication: str
    url: str
    release: str  # the release year the row came from ('' where not recorded)
    file: str  # the published file (or 'council: ...' for a council's own figures)
    row: str  # 'cla_31mar_rate, 2025, York (816)'
    own: bool = False
    built_from: tuple[Source, ...] = ()  # a derived figure's inputs (a count and a population)


@dataclass(frozen=True)
class Finding:
    """One headline indicator of one area in its latest year (see the module docstring)."""

    indicator: str
    title: str
    unit: str  # rate_per_10000 | percent
    polarity: str
    year: int
    period: str  # 'year ending 31 March 2025', 'at 31 March 2025', '2024/25 school year'
    value: float | None
    status: str
    count: float | None  # the events behind the figure (children, referrals, re-referrals)
    base: float | None  # what the figure is a share of (children aged 0-17, or all referrals)
    neighbours: float | None
    region: float | None
    region_name: str
    england: float | None
    low: float | None  # 95% interval
    high: float | None
    comparison: str  # higher | lower | similar | not tested | not compared
    reason: str  # why the difference from England was not tested ('' when tested)
    verdict: str  # better | worse | similar, or higher | lower where no direction is better; else as comparison
    rank: int | None  # 1 = best (or lowest, with no polarity), as LAIT
    of: int
    band: str  # A-D with a polarity (A best), Q1-Q4 without (Q1 lowest)
    trend: tuple[tuple[int, float | None, str], ...]  # (year, value, status), oldest first
    change: str  # up | down | same | '' against the previous year
    small: bool  # built on fewer than SMALL_COUNT events
    source: Source | None = field(default=None)

    def as_dict(self) -> dict:
        """Plain JSON data for ``summary.json`` (read back with ``from_dict``)."""
        out = asdict(self)
        out["trend"] = [list(point) for point in self.trend]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["trend"] = tuple(tuple(point) for point in data.get("trend", ()))
        data["source"] = _source_from_dict(data.get("source"))
        return cls(**data)


def _source_from_dict(data: dict | None) -> Source | None:
    if not data:
        return None
    return Source(**{**data, "built_from": tuple(_source_from_dict(s) for s in data.get("built_from", ()))})


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def with_headline_measures(ds: Dataset) -> Dataset:
    """``ds`` with the derived indicators some findings use (domestic abuse rates, SGO exit rate); made once."""
    return ds.derived("headline_measures", _add_sgo_rate)


def _add_sgo_rate(ds: Dataset) -> Dataset:
    base = domestic_abuse.with_measures(ds)
    rows = derive.rate_per_10000(base.rows("sgo_exits_count"), base.rows(derive.POPULATION), SGO_RATE)
    meta = {
        **base.meta("sgo_exits_count").to_dict(),
        "indicator": SGO_RATE,
        "title": "Children leaving care on a special guardianship order per 10,000 children",
        "unit": "rate_per_10000",
        "method": RATE_METHOD,
        "denominator": "sgo_exits_count",
    }
    return Dataset(
        indicators=pd.concat([base.indicators, rows[base.indicators.columns]], ignore_index=True),
        las=base.las,
        metadata=pd.concat([base.metadata, pd.DataFrame([meta])], ignore_index=True),
        former=base.former,
    )


def source_of(ds: Dataset, indicator: str, area: Area, year: int) -> Source | None:
    """Where the row of ``indicator`` for ``area`` and ``year`` came from (None if there is no row)."""
    found = ds.provenance(indicator, area, year)
    if found is None:
        return None
    meta = ds.meta(indicator)
    where = area.name if not area.old_la_code else f"{area.name} ({area.old_la_code})"
    file, release = found
    built: tuple[Source, ...] = ()
    if file.startswith(DERIVED_PREFIX) and meta["denominator"]:
        parts = [source_of(ds, meta["denominator"], area, year)]
        if meta["unit"] == "rate_per_10000":
            parts.append(source_of(ds, derive.POPULATION, area, year - 1))
        built = tuple(p for p in parts if p is not None)
    own = file.startswith(OWN_PREFIX)
    return Source(
        publication="The council's own data" if own else str(meta["source"]),
        url="" if own else str(meta["source_url"]),
        release=release,
        file=file.removeprefix(OWN_PREFIX).strip() if own else file,
        row=f"{indicator}, {year}, {where}",
        own=own,
        built_from=built,
    )


def _count(ds: Dataset, indicator: str, area: Area, year: int) -> float | None:
    if not indicator:
        return None
    rows = ds.in_year(indicator, area, year)
    if not rows or not has_figure(*rows[0]):
        return None
    return float(rows[0][0])


def _value_in(ds: Dataset, indicator: str, area: Area, year: int) -> float | None:
    rows = ds.in_year(indicator, area, year)
    return _number(rows[0][0]) if rows else None


def finding(ds: Dataset, indicator: str, area: Area, count_indicator: str = "") -> Finding | None:
    """The finding for one indicator of ``area`` in its latest year (None if the area has no row);
    made once per dataset, as several chapters of a report state the same one.

    ``ds`` must hold the indicator (``with_headline_measures`` for the derived ones).
    """
    return ds.kept(
        ("finding", indicator, area, count_indicator), lambda: _finding(ds, indicator, area, count_indicator)
    )


def _finding(ds: Dataset, indicator: str, area: Area, count_indicator: str) -> Finding | None:
    series = ds.series(indicator, area)
    if series.empty:
        return None
    meta = ds.meta(indicator)
    latest = series.iloc[-1]
    year, status = int(latest["time_period"]), str(latest["status"])
    value = _number(latest["value"]) if has_figure(latest["value"], status) else None
    england = None if area.is_england else _value_in(ds, indicator, ENGLAND, year)
    region = neighbours = None
    if not area.is_england:
        region = _value_in(ds, indicator, ds.region_of(area), year)
        mine = benchmark.neighbours_in_year(ds, indicator, year, area, published_only=True)
        neighbours = None if mine.empty else round(float(mine.mean()), 1)  # as benchmark.neighbour_average
    count = _count(ds, count_indicator, area, year)
    base = None
    if meta["unit"] == "percent" and count is not None:
        base, count = count, (None if value is None else round(value / 100 * count))
    elif meta["unit"] == "rate_per_10000":
        base = _count(ds, derive.POPULATION, area, year - 1)
    if area.is_england:
        comparison, reason, low, high = NOT_COMPARED, "England is the comparator", math.nan, math.nan
    elif value is None:
        comparison, reason, low, high = NOT_COMPARED, "the area's figure is not published", math.nan, math.nan
    else:
        low, high = benchmark.interval(ds, indicator, area, year, value)
        why = "" if count_indicator else "published without the counts needed to test the difference"
        comparison, reason = compare(low, high, england, why)
    spread = benchmark.la_spread(ds, indicator, year, published_only=True)
    trend_rows = series.tail(TREND_YEARS)
    trend = tuple(
        (int(y), _number(v) if has_figure(v, s) else None, str(s))
        for y, v, s in zip(trend_rows["time_period"], trend_rows["value"], trend_rows["status"])
    )
    earlier = [v for y, v, _ in trend[:-1] if v is not None]
    change = (
        ""
        if value is None or not earlier
        else "same"
        if earlier[-1] == value
        else "up"
        if value > earlier[-1]
        else "down"
    )
    return Finding(
        indicator=indicator,
        title=str(meta["title"]),
        unit=str(meta["unit"]),
        polarity=str(meta["polarity"]),
        year=year,
        period=period_label(indicator, year),
        value=value,
        status=status,
        count=count,
        base=base,
        neighbours=neighbours,
        region=region,
        region_name=area.region_name,
        england=england,
        low=_number(low),
        high=_number(high),
        comparison=comparison,
        reason=reason,
        verdict=verdict(comparison, str(meta["polarity"])),
        rank=None if area.is_england or value is None else spread.rank(value, meta["polarity"]),
        of=0 if area.is_england else len(spread.values),
        band="" if area.is_england or value is None else spread.band(value, meta["polarity"]),
        trend=trend,
        change=change,
        small=count is not None and count < SMALL_COUNT,
        source=source_of(ds, indicator, area, year),
    )


def headline(ds: Dataset, indicator: str, area: Area) -> Finding | None:
    """One of the ``HEADLINES`` findings, as the front page has it: the one call a chapter makes."""
    count = dict(HEADLINES)[indicator]
    return finding(with_headline_measures(ds), indicator, area, count)


def headline_findings(ds: Dataset, area: Area) -> list[Finding]:
    """The area's headline findings (``HEADLINES``), those the data hold."""
    measures = with_headline_measures(ds)
    found = (finding(measures, indicator, area, count) for indicator, count in HEADLINES)
    return [f for f in found if f is not None]


def summary(found: list[Finding]) -> dict:
    """Findings for ``publish_summary('findings', ...)``: each as a dict, keyed by indicator."""
    return {f.indicator: f.as_dict() for f in found}


def from_summary(section: dict) -> list[Finding]:
    """The findings of ``summary.json``'s ``findings`` section, in ``HEADLINES`` order."""
    order = [indicator for indicator, _ in HEADLINES]
    keys = sorted(section, key=lambda k: order.index(k) if k in order else len(order))
    return [Finding.from_dict(section[k]) for k in keys]
