"""Present ``analyses.models.benchmark.profile``: a table in words, neighbour charts and summary figures.

The profile puts an LA beside its ten statistical neighbours and England on every bundled
indicator. This module turns it into things a reader can use without relying on colour: a
table whose every judgement is written out (trend, rank, LAIT quartile band, confidence
interval, comparison with England), bar charts of the LA and its neighbours and of every LA
for each rate or percentage (chosen from a dropdown), and compact figures for ``summary.json``.
"""

from __future__ import annotations

import html
import math
import textwrap
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.data.schema import SYMBOLS
from analyses.views import dropdown, ranking
from analyses.views.charts import PALETTE, figure, reference_line, value_axis
from analyses.views.ranking import ordinal
from analyses.views.wording import missing_phrase

NAME_WIDTH = 18  # characters per line of an LA name beside a bar
UNIT_FORMATS = {"count": "{:,.0f}", "rate_per_10000": "{:,.1f}", "percent": "{:.1f}%"}
SERIES_BREAKS = {"eyfsp_gld_pct": 2022}  # first year of a new series: earlier years are not comparable
BAND_WORDS = {
    "A": "A: best quarter of LAs",
    "B": "B: second best quarter",
    "C": "C: second worst quarter",
    "D": "D: worst quarter of LAs",
    "Q1": "Q1: lowest quarter of LAs",
    "Q2": "Q2: second lowest quarter",
    "Q3": "Q3: second highest quarter",
    "Q4": "Q4: highest quarter of LAs",
}


DIRECTION_WORDS = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neither": "neither: higher or lower, no better or worse",
}


def polarity_table() -> pd.DataFrame:
    """Each indicator's direction (polarity) and why: LAIT's data dictionary, or the reason where LAIT has none.

    Only an indicator with a direction gets "better"/"worse", a rank with 1st = best and an A-D band.
    """
    from analyses.data.indicators import INDICATORS, POLARITY_BASIS

    return pd.DataFrame(
        {
            "Indicator": [ind.title for ind in INDICATORS],
            "Which direction is better": [DIRECTION_WORDS[ind.polarity] for ind in INDICATORS],
            "Why": [POLARITY_BASIS[ind.indicator] for ind in INDICATORS],
        }
    )


def format_value(value: float, status: str, unit: str) -> str:
    """A value in its unit's format, or what its suppression symbol means."""
    if status in SYMBOLS:
        return missing_phrase(status)
    if pd.isna(value):
        return "no value"
    return UNIT_FORMATS.get(unit, "{:,.1f}").format(value)


def trend_text(ds: Dataset, area: Area, row: pd.Series) -> str:
    """Change from the previous published value, judged by polarity: 'up from 70.0 in 2024 (better)'."""
    if pd.isna(row["value"]):
        return "no latest value"
    series = ds.series(row["indicator"], area)
    earlier = series[(series["time_period"] < row["year"]) & series["value"].notna()]
    start = SERIES_BREAKS.get(row["indicator"])
    if start is not None and row["year"] >= start:
        if earlier.empty or earlier["time_period"].iloc[-1] < start:
            return f"first year of a new series ({start} onwards); not comparable with earlier years"
    if earlier.empty:
        return "no earlier value"
    before, year = earlier["value"].iloc[-1], int(earlier["time_period"].iloc[-1])
    shown = format_value(before, "published", row["unit"])
    if before == row["value"]:
        return f"no change from {year}"
    up = row["value"] > before
    direction = f"{'up' if up else 'down'} from {shown} in {year}"
    if row["polarity"] == "neither":
        return direction
    better = up == (row["polarity"] == "higher_is_better")
    return f"{direction} ({'better' if better else 'worse'})"


DASH = "-"  # a cell that cannot be computed; ``dash_note`` says why
QUARTILE_WORDS = {"Q1": "Q1 (lowest quarter)", "Q2": "Q2", "Q3": "Q3", "Q4": "Q4 (highest quarter)"}
BETTER_WORDS = {"higher_is_better": "higher", "lower_is_better": "lower", "neither": "neither"}


def rank_text(row: pd.Series) -> str:
    """'79th of 151', counting from the lowest value whatever the indicator's polarity; a dash if not ranked."""
    rank = row.get("rank_lowest", row["rank"] if row["polarity"] == "neither" else math.nan)
    if pd.isna(rank):
        return DASH
    return f"{ordinal(int(rank))} of {int(row['of'])}"


def interval_text(row: pd.Series) -> str:
    """The 95% confidence interval in the indicator's unit, or a dash where it cannot be computed."""
    if pd.isna(row["ci_low"]):
        return DASH
    fmt = UNIT_FORMATS.get(row["unit"], "{:,.1f}").replace(",.0f", ",.1f")
    # Counts, rates and percentages cannot fall below zero; and a bound that rounds to zero is 0, never -0.
    low, high = (max(0.0, bound) + 0.0 for bound in (row["ci_low"], row["ci_high"]))
    return f"{fmt.format(low)} to {fmt.format(high)}"


def profile_tables(ds: Dataset, area: Area, profile: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The profile's rates and percentages in words, as two narrow tables (one row per indicator).

    The first gives the latest value, its change, the neighbours' average and England; the second
    the rank (1st = lowest), the quartile band (Q1 lowest to Q4 highest), the 95% confidence
    interval and the comparison with England (None for England). Counts are left out: they
    mostly reflect an area's size. A cell that cannot be computed is a dash (see ``dash_note``).
    """
    values, benchmarks = [], []
    for _, row in profile[profile["unit"] != "count"].iterrows():
        latest = f"{format_value(row['value'], row['status'], row['unit'])} ({int(row['year'])})"
        values.append({"Indicator": row["title"], area.name: latest, "Change": trend_text(ds, area, row)})
        if area.is_england:
            continue
        average = row["neighbour_average"]
        values[-1].update(
            {
                "Neighbours' average": DASH if pd.isna(average) else format_value(average, "derived", row["unit"]),
                "England": format_value(row["england"], "published", row["unit"]),
            }
        )
        quartile = row.get("quartile", row["band"] if row["polarity"] == "neither" else "")
        benchmarks.append(
            {
                "Indicator": row["title"],
                "Which is better": BETTER_WORDS[row["polarity"]],
                "Rank among LAs (1st = lowest)": rank_text(row),
                "Quartile band (Q1 = lowest)": QUARTILE_WORDS.get(quartile, DASH),
                "95% confidence interval": interval_text(row),
                "Compared with England": DASH if row["vs_england"] == "not tested" else row["vs_england"],
            }
        )
    return pd.DataFrame(values), (pd.DataFrame(benchmarks) if benchmarks else None)


def dash_note(benchmarks: pd.DataFrame | None) -> str:
    """The footnote for the dashes in the second profile table, naming only the reasons that apply ("" if none)."""
    if benchmarks is None or not (benchmarks == DASH).any().any():
        return ""
    reasons = []
    if (benchmarks["Rank among LAs (1st = lowest)"] == DASH).any():
        reasons.append("there is no rank or band where the area's latest value is not published")
    if (benchmarks["95% confidence interval"] == DASH).any():
        reasons.append(
            "there is no confidence interval, and so no comparison with England, where the data do not "
            "hold the count and population (or total) behind the figure"
        )
    return "A dash (-) means the figure cannot be worked out: " + "; ".join(reasons) + "."


def _number(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def summary(profile: pd.DataFrame, area: Area) -> dict:
    """Compact per-indicator figures for ``publish_summary('profile', ...)``.

    For England the comparisons with LAs and with England itself are left empty (None).
    """

    def record(row: pd.Series) -> dict:
        out = {
            "year": int(row["year"]),
            "value": _number(row["value"]),
            "status": row["status"],
            "neighbour_average": _number(row["neighbour_average"]),
            "england": _number(row["england"]),
            "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
            "of": int(row["of"]),
            "band": row["band"] or None,
            "ci_low": _number(row["ci_low"]),
            "ci_high": _number(row["ci_high"]),
            "vs_england": row["vs_england"],
        }
        if area.is_england:
            out.update(dict.fromkeys(("neighbour_average", "rank", "band", "ci_low", "ci_high", "vs_england")))
        return out

    return {row["indicator"]: record(row) for _, row in profile.iterrows()}


def significance_counts(profile: pd.DataFrame) -> dict[str, int]:
    """How many indicators fall in each comparison with England (tested ones only)."""
    tested = profile[profile["vs_england"] != "not tested"]
    return tested["vs_england"].value_counts().to_dict()


def neighbour_values(ds: Dataset, area: Area, indicator: str, year: int) -> pd.DataFrame:
    """The LA and its neighbours in one year (old_la_code, la_name, value, status, selected): those with a
    value highest first (ties in the data's order), then the rest in the data's order, then any with no row."""
    codes = [area.old_la_code, *area.neighbours]
    wanted = set(codes)
    rows = [row for row in _la_value_rows(ds, indicator, year) if row[0] in wanted]
    found = {row[0] for row in rows}
    names = ds.kept(("la_names",), lambda: dict(zip(ds.las["old_la_code"], ds.las["la_name"])))
    rows += [(code, names.get(code, code), math.nan, "x") for code in codes if code not in found]
    shown, unshown = [], []
    for row in rows:
        (unshown if math.isnan(row[2]) or row[3] in SYMBOLS else shown).append(row)
    rows = sorted(shown, key=lambda row: row[2], reverse=True) + unshown
    frame = pd.DataFrame(rows, columns=["old_la_code", "la_name", "value", "status"]).astype({"value": float})
    frame["selected"] = frame["old_la_code"] == area.old_la_code
    return frame


def _la_value_rows(ds: Dataset, indicator: str, year: int) -> list[tuple]:
    """Every LA's (old_la_code, la_name, value, status) in one year (``Dataset.la_values``), made once per dataset."""

    def rows() -> list[tuple]:
        values = ds.la_values(indicator, year)
        return list(zip(values["old_la_code"], values["la_name"], values["value"].tolist(), values["status"]))

    return ds.kept(("la_value_rows", indicator, int(year)), rows)


def plain_title(fig: go.Figure) -> str:
    """A chart's title as plain text (titles are HTML-escaped for plotly): for alt text, escaped once where shown."""
    return html.unescape((fig.layout.title.text or "").replace("<br>", " "))


def neighbour_title(frame: pd.DataFrame, area: Area, row: pd.Series) -> str:
    """A title stating where the LA sits among its neighbours on one indicator."""
    rows = list(zip(frame["value"], frame["status"], frame["selected"]))
    value, status = next((value, status) for value, status, selected in rows if selected)
    label = f"{row['title']}, {int(row['year'])}"
    england = format_value(row["england"], "published", row["unit"])
    if pd.isna(value) or status in SYMBOLS:
        return f"{label}: {area.name}'s value is {format_value(value, status, row['unit'])} (England {england})"
    shown = [selected for value, status, selected in rows if pd.notna(value) and status not in SYMBOLS]
    position = shown.index(True) + 1
    place = "highest" if position == 1 else "lowest" if position == len(shown) else f"{ordinal(position)} highest"
    return (
        f"{label}: {area.name} {format_value(value, status, row['unit'])}, "
        f"{place} of {len(shown)} with its neighbours (England {england})"
    )


def neighbour_bars(frame: pd.DataFrame, area: Area, row: pd.Series) -> go.Figure:
    """Horizontal bars of the LA (dark, solid) and its neighbours (hatched), with England as a dashed line."""
    value_format = UNIT_FORMATS.get(row["unit"], "{:,.1f}")
    names = [
        "<br>".join(f"<b>{line}</b>" if s else line for line in textwrap.wrap(html.escape(n), NAME_WIDTH))
        for n, s in zip(frame["la_name"], frame["selected"])
    ]
    labels = [format_value(v, s, row["unit"]) for v, s in zip(frame["value"], frame["status"])]
    plotted = [math.nan if pd.isna(v) or s in SYMBOLS else float(v) for v, s in zip(frame["value"], frame["status"])]
    bars = {
        "type": "bar",
        "x": [None if math.isnan(v) else v for v in plotted],
        "y": names,
        "orientation": "h",
        "marker": {
            "color": [PALETTE[0] if s else PALETTE[1] for s in frame["selected"]],
            "pattern": {"shape": ["" if s else "/" for s in frame["selected"]], "fgcolor": "#FFFFFF"},
        },
        "text": [lab if pd.notna(v) else "" for lab, v in zip(labels, plotted)],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": [f"{html.escape(n)}: {lab}" for n, lab in zip(frame["la_name"], labels)],
        "hoverinfo": "text",
    }
    top = max([v for v in plotted if pd.notna(v)] + [row["england"] if pd.notna(row["england"]) else 0, 0])
    annotations = [
        {
            "x": 0,
            "xref": "x",
            "xanchor": "left",
            "y": name,
            "yref": "y",
            "showarrow": False,
            "text": html.escape(label),
            "font": {"size": 14},
        }
        for name, label, v in zip(names, labels, plotted)
        if pd.isna(v)
    ]
    shapes = []
    if pd.notna(row["england"]):
        shapes.append(reference_line(row["england"], "x"))
        annotations.append(
            {
                "x": row["england"],
                "xref": "x",
                "xanchor": "left",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
                "text": f"England {format_value(row['england'], 'published', row['unit'])}",
            }
        )
    return figure(
        [bars],
        neighbour_title(frame, area, row),
        xaxis=value_axis(row["title"], value_format, range=[0, (top or 1) * 1.3]),
        yaxis={"autorange": "reversed", "showgrid": False},
        annotations=annotations,
        shapes=shapes,
        hovermode="closest",
        height=560,
        margin={"l": 170, "r": 40, "t": 110, "b": 80},
    )


def neighbour_chart(ds: Dataset, area: Area, profile: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """One chart per rate or percentage, behind a dropdown; and its data table (indicators x areas).

    Counts are left out: they mostly reflect an area's size, so they do not compare across areas.
    """
    views, table = {}, []
    for _, row in profile[profile["unit"] != "count"].iterrows():
        frame = neighbour_values(ds, area, row["indicator"], int(row["year"]))
        views[row["title"].replace(" per 10,000 children", " (per 10,000)")] = neighbour_bars(frame, area, row)
        cells = {
            n: format_value(v, s, row["unit"]) for n, v, s in zip(frame["la_name"], frame["value"], frame["status"])
        }
        table.append(
            {
                "Indicator": row["title"],
                "Year": str(int(row["year"])),
                area.name: cells[area.name],
                **{n: c for n, c in cells.items() if n != area.name},
                "England": format_value(row["england"], "published", row["unit"]),
            }
        )
    return dropdown.combine(views, "Indicator:"), pd.DataFrame(table)


def local_rows(profile: pd.DataFrame) -> pd.DataFrame:
    """Profile rows of indicators published for LAs (national-only series have no LA rank)."""
    return profile[profile["of"] > 0].reset_index(drop=True)


def _column(frame: pd.DataFrame, unit: str) -> pd.Series:
    """Every LA's value in an LA ranking (``ranking.la_ranked``) as words, by name: the same whatever the area."""
    return pd.Series(
        [format_value(v, s, unit) for v, s in zip(frame["value"], frame["status"])], index=frame["la_name"]
    )


def ranking_views(ds: Dataset, area: Area, profile: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame, str]:
    """Every LA on each rate or percentage, lowest to highest, behind a dropdown; a table of every LA.

    The table has one row per LA and one column per indicator (values, or their symbols).
    """
    views, columns = {}, {}
    for _, row in profile[profile["unit"] != "count"].iterrows():
        year, value_format = int(row["year"]), UNIT_FORMATS.get(row["unit"], "{:,.1f}")
        frame = ranking.la_ranked(ds, row["indicator"], year, area)
        what = row["title"][0].lower() + row["title"][1:]
        title = ranking.ranking_title(frame, area, what, str(year), value_format)
        label = row["title"].replace(" per 10,000 children", " (per 10,000)")
        views[label] = ranking.ranking_chart(
            frame, area.name, title, row["title"], value_format, reference=row["england"]
        )
        columns[f"{label}, {year}"] = ds.kept(
            ("ranking_column", row["indicator"], year), partial(_column, frame, row["unit"])
        )
    regions = ds.current_las.set_index("la_name")["region_name"].sort_index()
    table = pd.DataFrame({"Region": regions, **columns}).rename_axis("Local authority").reset_index()
    first = next(iter(views.values()))
    alt = (
        f"Bar chart with a menu of {len(views)} rates and percentages. Each view shows every local authority with "
        f"a value in the latest year, lowest to highest, with {area.name if not area.is_england else 'no area'} "
        f"highlighted, its statistical neighbours hatched and England's value as a dashed line. It opens on: "
        f"{plain_title(first)}. The data table gives every local authority's value "
        f"of every indicator, with values that were not published shown in words."
    )
    return dropdown.combine(views, "Indicator:"), table, alt
