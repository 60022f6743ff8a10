"""A map of England's 153 local authorities as an inline SVG, shaded by a rate the reader picks.

The outlines come from ONS's "Counties and Unitary Authorities (December 2023) Boundaries UK
BSC" (the English features are 1.2 MB as published). ``simplify`` keeps England's features,
simplifies each ring (Douglas-Peucker, 400 m) and drops specks, and ``data/maps/`` holds the
result with its attribution (``make map`` rebuilds it). ``map_html`` draws it as an SVG with
no script library and nothing loaded from anywhere: each area is a link to its page with a
``<title>``, filled from a colour-blind-safe sequential palette (viridis, five classes), with
a legend and a switch between rates (a small inline script recolours it; without scripts the
first rate shows). London's boroughs are also drawn enlarged beside the map, and listed under
it with their figures, as links at least 24 px tall: on a phone a borough on the map is a few
pixels wide, so the list is its equivalent tap target (WCAG 2.2, 2.5.8). Each area's label
(what a screen reader says, and the tooltip) names the figure it is shaded by, and follows the
switch.

The finder's list (``analyses.report.areas``) is the keyboard and screen-reader equivalent of
the map. The map's links are in the tab order too; the enlarged London copies are not.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
from markupsafe import Markup

from analyses.data.dataset import Dataset
from analyses.data.paths import DATA_DIR
from analyses.views import markup

BOUNDARIES = DATA_DIR / "maps" / "local_authorities_2023.geojson"
SOURCE_NAME = "Counties and Unitary Authorities (December 2023) Boundaries UK BSC"
ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right 2024."
)
TOLERANCE_KM = 0.4
MIN_RING_KM2 = 0.5
# Viridis in five classes, light (low) to dark (high): readable with every common colour vision deficiency.
PALETTE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
NO_DATA = "#d9d9d9"
RATES = {  # switch label -> indicator
    "Children looked after": "cla_31mar_rate",
    "Children in need": "cin_31mar_rate",
    "Children on a child protection plan": "cpp_31mar_rate",
    "Care applications (Cafcass)": "care_applications_rate",
}
LAT0 = 52.5  # the map's projection: equirectangular, true to scale at this latitude
KM_PER_DEGREE = 111.2
UNIT_KM = 0.5  # one SVG unit
LONDON_SCALE = 4  # the London inset, times the main map's scale
INSET_GAP = 30
TEMPLATES = markup.environment("analyses.report")  # templates/map.html.j2, escaped as the views' HTML is
ASSETS = Path(__file__).parent / "assets"
MAP_CSS = (ASSETS / "map.css").read_text(encoding="utf-8")


# ---------------------------------------------------------------- simplifying the published boundaries


def _km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.column_stack([lon * KM_PER_DEGREE * math.cos(math.radians(LAT0)), lat * KM_PER_DEGREE])


def _douglas_peucker(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the points kept (iterative Douglas-Peucker); first and last always kept."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        a, b = points[start], points[end]
        segment = points[start + 1 : end]
        ab = b - a
        length = math.hypot(*ab)
        if length == 0:
            distances = np.hypot(*(segment - a).T)
        else:
            distances = np.abs(ab[0] * (segment[:, 1] - a[1]) - ab[1] * (segment[:, 0] - a[0])) / length
        worst = int(np.argmax(distances))
        if distances[worst] > tolerance:
            middle = start + 1 + worst
            keep[middle] = True
            stack += [(start, middle), (middle, end)]
    return np.flatnonzero(keep)


def _ring_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def simplify(source: Path, out: Path = BOUNDARIES, tolerance_km: float = TOLERANCE_KM) -> dict:
    """Write England's features of the ONS file, simplified, to ``out``; returns the GeoJSON written."""
    published = json.loads(Path(source).read_text(encoding="utf-8"))
    features = []
    for feature in published["features"]:
        props = feature["properties"]
        if not props["CTYUA23CD"].startswith("E"):
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [
            (np.asarray(ring, dtype=float), index == 0) for polygon in polygons for index, ring in enumerate(polygon)
        ]
        areas = [_ring_area(_km(r[:, 0], r[:, 1])) for r, _ in rings]
        largest = int(np.argmax(areas))
        kept = []
        for number, ((ring, _), area) in enumerate(zip(rings, areas, strict=True)):
            if number != largest and area < MIN_RING_KM2:
                continue
            indices = _douglas_peucker(_km(ring[:, 0], ring[:, 1]), tolerance_km)
            if len(indices) < 4:
                indices = np.linspace(0, len(ring) - 1, 4).astype(int) if len(ring) >= 4 else np.arange(len(ring))
            kept.append([[round(x, 4), round(y, 4)] for x, y in ring[indices]])
        features.append(
            {
                "type": "Feature",
                "properties": {"code": props["CTYUA23CD"], "name": props["CTYUA23NM"]},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in kept]},
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    collection = {
        "type": "FeatureCollection",
        "name": "English counties and unitary authorities, December 2023",
        "source": f"ONS Open Geography Portal, {SOURCE_NAME}, simplified (Douglas-Peucker, "
        f"{tolerance_km * 1000:.0f} m; rings under {MIN_RING_KM2} km2 dropped) by "
        "analyses/report/areas_map.py",
        "attribution": ATTRIBUTION,
        "licence": "Open Government Licence v3.0",
        "features": features,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    out.write_text(text.replace('{"type":"Feature"', '\n{"type":"Feature"') + "\n", encoding="utf-8")
    return collection


# ---------------------------------------------------------------- drawing


@lru_cache(maxsize=1)
def boundaries(path: Path = BOUNDARIES) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _project(ring: list) -> np.ndarray:
    points = np.asarray(ring, dtype=float)
    return _km(points[:, 0], points[:, 1]) / UNIT_KM * np.array([1, -1])


def _path(rings: list[np.ndarray], origin: np.ndarray, scale: float) -> str:
    """SVG path data with integer relative moves."""
    parts = []
    for ring in rings:
        points = np.rint((ring - origin) * scale).astype(int)
        steps = np.diff(points, axis=0)
        steps = steps[(steps != 0).any(axis=1)]
        parts.append(f"M{points[0, 0]} {points[0, 1]}l" + " ".join(f"{dx} {dy}" for dx, dy in steps) + "z")
    return "".join(parts)


def breaks(values: list[float], classes: int = len(PALETTE)) -> list[float]:
    """Upper bounds of equal-count classes (quantiles), rounded to a readable step."""
    data = np.sort(np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float))
    if not len(data):
        return []
    cuts = [float(np.quantile(data, q)) for q in np.linspace(0, 1, classes + 1)[1:-1]]
    step = 10 if data.max() >= 200 else 1
    return [round(c / step) * step for c in cuts]


def colour(value: float | None, bounds: list[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    return PALETTE[sum(value > b for b in bounds)]


def rate_values(ds: Dataset) -> dict[str, dict]:
    """For each rate of the switch: its title, latest year, breaks, and each LA's value (None when missing)."""
    out = {}
    for label, indicator in RATES.items():
        rows = ds.rows(indicator)
        rows = rows[rows["geographic_level"] == "Local authority"]
        year = int(rows.loc[rows["value"].notna(), "time_period"].max())
        latest = ds.la_values(indicator, year)
        values = {
            row["new_la_code"]: (None if pata(row["value"]) else round(float(row["value"]), 1))
            for _, row in latest.iterrows()
        }
        title = ds.metadata.set_index("indicator").loc[indicator, "title"]
        out[indicator] = {
            "label": label,
            "title": title,
            "year": year,
            "values": values,
            "breaks": breaks(list(values.values())),
        }
    return out


def pata(value) -> bool:
    """True for a missing value."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def legend_items(bounds: list[float]) -> list[tuple[str, str]]:
    """(colour, label) for each class and for 'no figure'."""

    def show(v: float) -> str:
        return f"{v:,.0f}"

    labels = (
        [f"under {show(bounds[0])}"]
        + [f"{show(a)} to {show(b)}" for a, b in pairwise(bounds)]
        + [f"{show(bounds[-1])} or more"]
        if bounds
        else []
    )
    return list(zip(PALETTE, labels, strict=False)) + [(NO_DATA, "no figure")]


def map_html(ds: Dataset, href=lambda code, name: f"{code}.html") -> str:
    """The map, its rate switch and legend, as one block of HTML with its script (works from file://)."""
    rates = rate_values(ds)
    first = next(iter(rates))
    features = boundaries()["features"]
    projected = {
        f["properties"]["code"]: [_project(ring) for polygon in f["geometry"]["coordinates"] for ring in polygon]
        for f in features
    }
    names = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    every = np.vstack([ring for rings in projected.values() for ring in rings])
    origin, size = every.min(axis=0), every.max(axis=0) - every.min(axis=0)
    london = [code for code in projected if code.startswith("E09")]
    inner = np.vstack([ring for code in london for ring in projected[code]])
    l_origin, l_size = inner.min(axis=0), (inner.max(axis=0) - inner.min(axis=0)) * LONDON_SCALE
    inset_x = size[0] + INSET_GAP
    width, height = math.ceil(inset_x + l_size[0] + 10), math.ceil(max(size[1], l_size[1] + 40)) + 2
    la_names = dict(zip(ds.current_las["new_la_code"], ds.current_las["la_name"], strict=False))

    def name(code: str) -> str:
        return la_names.get(code, names[code])

    shown = rates[first]
    shift = origin - l_origin
    scilly = "E06000053"
    s_origin = np.vstack(projected[scilly]).min(axis=0)
    s_at = np.array([10.0, size[1] - 330])  # the open sea west of Cornwall
    payload = {
        key: {
            "title": info["title"],
            "year": info["year"],
            "breaks": info["breaks"],
            "values": info["values"],
            "legend": legend_items(info["breaks"]),
        }
        for key, info in rates.items()
    }
    return TEMPLATES.get_template("map.html.j2").render(
        css=Markup(MAP_CSS),
        switch=[(key, info["label"], key == first) for key, info in rates.items()],
        caption=_caption(shown),
        width=width,
        height=height,
        areas=[
            {
                "href": href(code, name(code)),
                "label": _label(name(code), shown["values"].get(code), shown),
                "code": code,
                "path": _path(rings, origin, 1),
                "fill": colour(shown["values"].get(code), shown["breaks"]),
            }
            for code, rings in projected.items()
        ],
        # London again, enlarged: copies (<use>) of the same paths, so they take the same colours; a
        # click follows the area's link (the main map and the list are the keyboard's way in).
        london=[(code, name(code)) for code in london],
        inset_x=inset_x,
        scale=LONDON_SCALE,
        london_shift=shift,
        scilly=scilly,
        scilly_at=s_at,
        scilly_shift=origin - s_origin,
        legend=legend_items(shown["breaks"]),
        boroughs=[
            (href(code, name(code)), code, name(code), _shown(shown["values"].get(code)))
            for code in sorted(london, key=name)
        ],
        attribution=ATTRIBUTION,
        source_name=SOURCE_NAME,
        rates=Markup(json.dumps(payload, separators=(",", ":"))),
        script=Markup(MAP_SCRIPT),
    )


def _shown(value: float | None) -> str:
    return "no figure" if value is None else f"{value:,.1f}"


def _label(name: str, value: float | None, info: dict) -> str:
    return f"{name}: {_shown(value)} ({info['title']}, {info['year']})"


def _caption(info: dict) -> str:
    return (
        f"Map of England's 153 local authorities shaded by {info['title'][0].lower()}{info['title'][1:]}, "
        f"{info['year']}: darker is higher."
    )


# The switch's script (assets/map.js), its two names for this module's palette filled in.
MAP_SCRIPT = (
    (ASSETS / "map.js")
    .read_text(encoding="utf-8")
    .replace("MAP_PALETTE", json.dumps(list(PALETTE)))
    .replace("MAP_NO_DATA", repr(NO_DATA))
)


if __name__ == "__main__":
    import sys

    written = simplify(Path(sys.argv[1]))
    print(f"Wrote {len(written['features'])} areas to {BOUNDARIES} ({BOUNDARIES.stat().st_size:,} bytes)")
