"""Kinship care in the statistics: leaving care to family and friends, and kinship foster care.

DfE publishes, for every LA, how many children stopped being looked after because a special
guardianship order (SGO) or a child arrangement order (CAO) was made. The counts are small, so
this module turns them into rates per 10,000 children aged 0 to 17, using the ONS population at
the previous mid-year (DfE's own denominator for the year to 31 March). A suppressed count keeps
its symbol and gives no rate. How many looked-after children live with relatives or friends as
foster carers is published for England only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyses.data import derive
from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, LOCAL, NATIONAL, REGIONAL, Area
from analyses.data.schema import has_figure
from analyses.models.benchmark import NEIGHBOUR_AVERAGE, NOT_COMPARED, average_by_year, byar_interval, compare

ORDERS = {"sgo_exits_count": "special guardianship order", "cao_exits_count": "child arrangements order"}
KEYS = {"sgo_exits_count": "sgo_exits", "cao_exits_count": "cao_exits"}
KIN_FOSTER = ("cla_kin_foster_inside_count", "cla_kin_foster_outside_count")


def _area_key(rows: pd.DataFrame) -> pd.Series:
    """One code per row naming its area: the LA code, the region code, or 'E' for England."""
    level = rows["geographic_level"]
    return np.select([level == LOCAL, level == REGIONAL], [rows["old_la_code"], rows["region_code"]], "E")


def rates(ds: Dataset, indicator: str) -> pd.DataFrame:
    """Every area's count and rate per 10,000 children for a count indicator, every year.

    Columns: geographic_level, key, la_name, region_code, time_period, count, value (the rate,
    1 decimal place), status ('derived'; the count's own symbol when it is suppressed; 'x'
    when there is no population for the previous mid-year). Made once per dataset.
    """
    return ds.kept(("kinship.rates", indicator), lambda: _rates(ds, indicator)).copy(deep=False)


def _rates(ds: Dataset, indicator: str) -> pd.DataFrame:
    rates = derive.rate_per_10000(ds.rows(indicator), ds.rows(derive.POPULATION), indicator)
    return (
        pd.DataFrame(
            {
                "geographic_level": rates["geographic_level"],
                "key": _area_key(rates),
                "la_name": rates["la_name"],
                "region_code": rates["region_code"],
                "time_period": rates["time_period"],
                "count": rates["count"],
                "population": rates["denominator"],
                "value": rates["value"],
                "status": rates["status"],
                # the count's own status (published, or its symbol): one value, one status
                "count_status": np.where(rates["count"].notna(), "published", rates["status"]),
            }
        )
        .sort_values(["geographic_level", "key", "time_period"])
        .reset_index(drop=True)
    )


SERIES_COLUMNS = ["time_period", "value", "status", "count", "population", "count_status"]


def _key(area: Area) -> tuple[str, str]:
    """(geographic_level, key) of an area's rows in a ``rates`` frame."""
    if area.level == NATIONAL:
        return NATIONAL, "E"
    return (REGIONAL, area.code) if area.level == REGIONAL else (LOCAL, area.old_la_code)


def _series(frame: pd.DataFrame, level: str, key: str) -> pd.DataFrame:
    rows = frame[(frame["geographic_level"] == level) & (frame["key"] == key)]
    return rows[SERIES_COLUMNS].reset_index(drop=True)


def series(frame: pd.DataFrame, area: Area) -> pd.DataFrame:
    """One area's rows of a ``rates`` frame (time_period, value, status, count, population)."""
    return _series(frame, *_key(area))


def _each_series(frame: pd.DataFrame, areas: list[Area]) -> list[pd.DataFrame]:
    """``series`` of each of ``areas``, picked from ``frame`` in one pass rather than one pass an area."""
    wanted = {_key(area) for area in areas}
    rows = frame[frame["key"].isin({key for _, key in wanted})]
    found = rows.groupby([rows["geographic_level"], rows["key"]], sort=False).indices
    picked, empty = rows[SERIES_COLUMNS], np.arange(0)
    return [picked.iloc[found.get(_key(area), empty)].reset_index(drop=True) for area in areas]


def comparison(ds: Dataset, frame: pd.DataFrame, area: Area) -> pd.DataFrame:
    """Trend rows of a ``rates`` frame in the layout of ``benchmark.comparison``.

    Roles: selected, region, neighbour average (simple mean of the neighbours' rates, as LAIT;
    'x' in a year none has one), England, and each neighbour.
    """
    if area.is_england:
        parts = [(area.name, "selected", series(frame, area))]
    else:
        region = ds.region_of(area)
        neighbours = [ds.area(code) for code in area.neighbours]
        own, regional, england, *theirs = _each_series(frame, [area, region, ENGLAND, *neighbours])
        parts = [(area.name, "selected", own), (region.name, "region", regional)]
        if theirs:
            parts.append((NEIGHBOUR_AVERAGE, "neighbour average", average_by_year(theirs)))
            parts += [(n.name, "neighbour", rows) for n, rows in zip(neighbours, theirs)]
        parts.append(("England", "England", england))
    out = pd.concat([rows[["time_period", "value", "status"]] for *_, rows in parts], ignore_index=True)
    sizes = [len(rows) for *_, rows in parts]
    out.insert(0, "role", np.repeat([role for _, role, _ in parts], sizes))
    out.insert(0, "area", np.repeat([name for name, _, _ in parts], sizes))
    return out


def all_las(frame: pd.DataFrame) -> pd.DataFrame:
    """Every LA's rows of a ``rates`` frame, for ``every_la.every_la_table``."""
    return frame[frame["geographic_level"] == LOCAL][["la_name", "time_period", "value", "status"]]


def latest(frame: pd.DataFrame, area: Area) -> dict:
    """The area's latest year of a ``rates`` frame, against England, with a 95% interval.

    Keys: year, count, rate, status, england_rate, england_count, compared (``benchmark.compare``'s
    'higher', 'lower' or 'similar', from Byar's interval; None if not published or England).
    """
    own = series(frame, area).iloc[-1]
    england = series(frame, ENGLAND)
    england = england[england["time_period"] == own["time_period"]].iloc[0]
    shown = has_figure(own["value"], own["status"])
    compared = None
    if shown and not area.is_england:
        compared = compare(*byar_interval(own["count"], own["population"]), england["value"])[0]
        compared = None if compared == NOT_COMPARED else compared
    return {
        "year": int(own["time_period"]),
        "count": int(own["count"]) if shown else None,
        "rate": float(own["value"]) if shown else None,
        "status": own["count_status"] if shown else own["status"],  # the count's status: one value, one status
        "england_rate": float(england["value"]),
        "england_count": int(england["count"]),
        "compared": compared,
    }


def family_and_friends_share(ds: Dataset) -> pd.DataFrame:
    """England: looked-after children fostered by relatives or friends, and their share.

    One row per year in which all parts are published: inside and outside the council's
    boundary, their total, all children looked after and all in foster care on 31 March, and
    the total as a % of each (1 decimal place). Made once per dataset.
    """
    return ds.kept(("kinship.family_and_friends_share",), lambda: _family_and_friends_share(ds)).copy(deep=False)


def _family_and_friends_share(ds: Dataset) -> pd.DataFrame:
    def values(indicator: str) -> pd.Series:
        rows = ds.series(indicator, ENGLAND)
        rows = rows[rows["status"].isin(("published", "derived"))]
        return rows.set_index("time_period")["value"]

    table = pd.DataFrame(
        {
            "inside": values(KIN_FOSTER[0]),
            "outside": values(KIN_FOSTER[1]),
            "looked_after": values("cla_31mar_count"),
            "fostered": values("cla_foster_count"),
        }
    ).dropna()
    table["family_and_friends"] = table["inside"] + table["outside"]
    table["share_of_looked_after"] = (100 * table["family_and_friends"] / table["looked_after"]).round(1)
    table["share_of_fostered"] = (100 * table["family_and_friends"] / table["fostered"]).round(1)
    return table.rename_axis("time_period").reset_index().astype({"time_period": int})


def summary(exits: dict[str, dict], share: pd.DataFrame) -> dict:
    """Headline figures for summary.json: each order's latest exits, and England's kinship share."""
    last = share.iloc[-1]
    out = {
        KEYS[indicator]: {
            "year": f["year"],
            "count": f["count"],
            "status": f["status"],
            "rate_per_10000": f["rate"],
            "england_rate_per_10000": f["england_rate"],
            "compared_with_england": f["compared"],
        }
        for indicator, f in exits.items()
    }
    out["england_family_and_friends_foster_care"] = {
        "year": int(last["time_period"]),
        "children": int(last["family_and_friends"]),
        "share_of_looked_after_pct": float(last["share_of_looked_after"]),
    }
    return out
