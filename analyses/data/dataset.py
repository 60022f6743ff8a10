"""Load the tidy dataset and pull out the series the chapters need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analyses.data import cache, lookups, tables
from analyses.data.fingerprint import digest
from analyses.data.geography import (
    ENGLAND,
    LOCAL,
    NATIONAL,
    REGIONAL,
    Area,
    Predecessor,
    current_areas,
    finder_entries,
    predecessors,
    resolve_area,
)
from analyses.data.paths import DATA_DIR

NOT_YET = ("z", "x")  # not applicable, not available: how DfE and LAIT fill a new council's earlier years
T = TypeVar("T")
LA_VALUE_COLUMNS = ["old_la_code", "new_la_code", "la_name", "region_code", "region_name", "value", "status"]


@dataclass(frozen=True)
class Dataset:
    """The indicators, LA lookup and indicator metadata of one data folder.

    ``indicators`` holds England, the regions and the current LAs; ``former`` the rows of
    councils abolished since 2009 (e.g. Cumbria to March 2023), read only as their successors'
    earlier years (``predecessor_series``).
    """

    indicators: pd.DataFrame
    las: pd.DataFrame
    metadata: pd.DataFrame
    former: pd.DataFrame | None = field(default=None, compare=False)
    # The fingerprint of the data folder and code it was made from (``analyses.data.cache``): set
    # by ``load``, so what is derived from it is kept on disk for the next report.
    version: str | None = field(default=None, compare=False, repr=False)

    @cached_property
    def current_las(self) -> pd.DataFrame:
        return self.las[self.las["status"] == "current"].reset_index(drop=True)

    @cached_property
    def _areas_by_query(self) -> dict[str, Area]:
        return {}

    @cached_property
    def _by_indicator(self) -> dict[str, pd.DataFrame]:
        return {name: rows for name, rows in self.indicators.groupby("indicator", sort=False)}

    @cached_property
    def _sorted(self) -> pd.DataFrame:
        return self.indicators.sort_values("time_period", kind="stable")[["time_period", "value", "status"]]

    @cached_property
    def _series_index(self) -> dict[tuple[str, str, str], object]:
        """(indicator, level, code) -> row positions in ``_sorted`` (code: LA or region code)."""
        frame = self.indicators.loc[self._sorted.index]
        key = frame["old_la_code"].where(frame["geographic_level"] == LOCAL, frame["region_code"])
        return frame.groupby([frame["indicator"], frame["geographic_level"], key], sort=False).indices

    def area(self, query: str) -> Area:
        """Resolve a user's LA name or code (or 'England'); remembered per query."""
        if query not in self._areas_by_query:
            self._areas_by_query[query] = resolve_area(query, self.las, self.finder_entries)
        return self._areas_by_query[query]

    @cached_property
    def finder_entries(self) -> list[dict]:
        """The table every finder matches against (``geography.finder_entries``), made once."""
        return finder_entries(self.las)

    def areas(self) -> list[Area]:
        """Every current LA, in name order."""
        return list(self._areas)

    @cached_property
    def _areas(self) -> tuple[Area, ...]:
        return tuple(current_areas(self.las))

    def rows(self, indicator: str) -> pd.DataFrame:
        """All rows of one indicator."""
        if indicator not in self._known_indicators:
            raise KeyError(f"unknown indicator {indicator!r}")
        rows = self._by_indicator.get(indicator)
        return rows if rows is not None else self.indicators.iloc[0:0]

    @cached_property
    def _known_indicators(self) -> frozenset[str]:
        return frozenset(self.metadata["indicator"])

    def series(self, indicator: str, area: Area) -> pd.DataFrame:
        """One area's rows of an indicator (time_period, value, status), oldest first."""
        key = self._series_key(indicator, area)

        def rows() -> pd.DataFrame:
            self.rows(indicator)  # unknown indicator -> KeyError
            return self._sorted.iloc[self._series_index.get(key, [])].reset_index(drop=True)

        return self.kept(("series", *key), rows).copy(deep=False)  # copy-on-write: the caller's to change

    def in_year(self, indicator: str, area: Area, time_period: int) -> list[tuple[float, str]]:
        """One area's rows of an indicator in one year, as (value, status), in ``series`` order."""

        def by_year() -> dict[int, list[tuple[float, str]]]:
            series = self.series(indicator, area)
            years: dict[int, list[tuple[float, str]]] = {}
            for year, value, status in zip(series["time_period"], series["value"], series["status"]):
                years.setdefault(int(year), []).append((value, status))
            return years

        return self.kept(("in_year", *self._series_key(indicator, area)), by_year).get(int(time_period), [])

    @staticmethod
    def _series_key(indicator: str, area: Area) -> tuple[str, str, str]:
        """(indicator, level, code) of ``_series_index``: no code for England, a region's or an LA's."""
        return indicator, area.level, {NATIONAL: "", REGIONAL: area.code}.get(area.level, area.old_la_code)

    def provenance(self, indicator: str, area: Area, time_period: int) -> tuple[str, str] | None:
        """(source, release) of one area's row of an indicator in one year, or None if there is none."""
        years, sources, releases = self._provenance_columns
        positions = self._series_index.get(self._series_key(indicator, area), [])
        found = [p for p in positions if years[p] == int(time_period)]
        if not found:
            return None
        release = releases[found[-1]]
        return str(sources[found[-1]]), "" if pd.isna(release) else str(release)

    @cached_property
    def _provenance_columns(self) -> tuple[list, list, list]:
        """Every row's year, source and release, in ``_sorted``'s order (the positions of ``_series_index``)."""
        rows = self.indicators.loc[self._sorted.index]
        releases = rows["release"].tolist() if "release" in rows else [""] * len(rows)
        return rows["time_period"].tolist(), rows["source"].tolist(), releases

    def predecessor_series(self, indicator: str, area: Area) -> list[tuple[Predecessor, pd.DataFrame]]:
        """The series of the councils ``area`` replaced (``geography.predecessors``), for the years
        before it existed and before its own series of ``indicator`` starts (a ``z`` or ``x``
        row, as DfE writes for a council that did not yet exist, does not start it); each
        (time_period, value, status), oldest first. Only those with rows in the data."""
        formers = predecessors(area)
        if not formers or self.former is None or self.former.empty:
            return []
        series = self.series(indicator, area)
        own = series.loc[~series["status"].isin(NOT_YET), "time_period"]  # its years with a figure or a suppression
        out = []
        for former in formers:
            until = former.last_year if own.empty else min(former.last_year, int(own.min()) - 1)
            rows = self.former[
                (self.former["indicator"] == indicator)
                & (self.former["old_la_code"] == former.old_la_code)
                & (self.former["time_period"] <= until)
            ]
            if not rows.empty:
                rows = rows.sort_values("time_period", kind="stable")[["time_period", "value", "status"]]
                out.append((former, rows.reset_index(drop=True)))
        return out

    def latest(self, indicator: str, area: Area) -> pd.Series | None:
        """The most recent row (time_period, value, status) for an area, or None."""
        series = self.series(indicator, area)
        return None if series.empty else series.iloc[-1]

    def la_values(self, indicator: str, time_period: int) -> pd.DataFrame:
        """Every current LA's row for one year (old_la_code, la_name, region_name, value, status)."""

        def rows() -> pd.DataFrame:
            rows = self.rows(indicator)
            rows = rows[(rows["geographic_level"] == LOCAL) & (rows["time_period"] == time_period)]
            return rows[LA_VALUE_COLUMNS].reset_index(drop=True)

        return self.kept(("la_values", indicator, int(time_period)), rows).copy(deep=False)

    def region_of(self, area: Area) -> Area:
        """The region an LA belongs to, as an Area."""
        return Area(level=REGIONAL, name=area.region_name, code=area.region_code)

    def meta(self, indicator: str) -> pd.Series:
        """Metadata row of one indicator (KeyError if unknown)."""
        return self._meta_rows[indicator].copy(deep=False)

    @cached_property
    def _meta_rows(self) -> dict[str, pd.Series]:
        return dict(iter(self.metadata.set_index("indicator").iterrows()))

    def derived(self, name: str, build: Callable[[Dataset], T]) -> T:
        """``build(self)``, such as this dataset with indicators a chapter derives; made once per dataset
        and, for a loaded one, once per version of its data and code (kept on disk for every report).

        Text columns a build makes take pandas' string storage of the moment (a chapter's kernel sets
        it, ``views.session``), which may not be the one the dataset was loaded with: it is part of
        the key, so a result is only ever read back with the storage it was made with."""
        storage = pd.get_option("mode.string_storage")

        def made() -> T:
            if self.version is None:
                return build(self)
            version = f"{self.version}/{name}/{storage}"
            result = cache.cached_pickle(f"derived-{name}", digest([], version), lambda: build(self))
            if isinstance(result, Dataset):
                object.__setattr__(result, "version", digest([], version))
            return result

        return self.kept(("derived", name, storage), made)

    def kept(self, key: tuple, build: Callable[[], T]) -> T:
        """``build()``, made once per dataset and kept in memory with it under ``key`` (a report's kernel
        keeps the dataset from area to area): what is the same for every area, or asked for by several
        chapters of one. The result is shared, so it must not be changed."""
        if key not in self._kept:
            self._kept[key] = build()
        return self._kept[key]

    @cached_property
    def _kept(self) -> dict[tuple, object]:
        return {}


def load(data_dir: str | Path | None = None) -> Dataset:
    """Load and validate a data folder (default: the bundled ``data/``).

    Cached per folder while its files are unchanged, so the chapters of one report that run
    in the same kernel share one load.
    """
    folder = (Path(data_dir) if data_dir else DATA_DIR).resolve()
    stamps = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.csv")))
    return _load(folder, stamps)


@lru_cache(maxsize=4)
def _load(folder: Path, stamps: tuple) -> Dataset:
    """The dataset of ``folder``, read once per version of its files and of the code (kept on disk:
    a report's kernel reads the tables back instead of parsing and checking the CSV files again)."""
    # The frames' string columns depend on pandas' string storage (``views.session`` sets it).
    version = digest([], cache.data_version(folder) + pd.get_option("mode.string_storage"))
    frames = cache.cached_pickle("dataset", version, lambda: _read(folder))
    return Dataset(**frames, version=version)


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables of ``folder``, read and checked."""
    indicators = tables.load_indicators_file(folder / "indicators.csv")
    las = lookups.load_local_authorities(folder)
    metadata = pd.read_csv(folder / "indicator_metadata.csv", dtype=str, keep_default_na=False)
    historic = set(las.loc[las["status"] == "historic", "old_la_code"])
    former = (indicators["geographic_level"] == LOCAL) & indicators["old_la_code"].isin(historic)
    return {
        "indicators": indicators[~former].reset_index(drop=True),
        "las": las,
        "metadata": metadata,
        "former": indicators[former].reset_index(drop=True),
    }


__all__ = ["Dataset", "load", "ENGLAND"]
