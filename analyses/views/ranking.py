"""Where one LA sits among all LAs: a ranked bar chart and its table.

Every LA with a value is a bar, lowest to highest, named on hover; the selected LA and its
statistical neighbours differ from the rest in colour and fill pattern and are labelled, and
England is a labelled dashed line. Suppressed values have no bar: they are counted in a note
and listed with their symbol in the table, never drawn as zero.
"""

from __future__ import annotations

import html
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.data.schema import SYMBOLS
from analyses.views.charts import LABEL_BACKGROUND, NEIGHBOUR_GREY, PALETTE, figure, reference_line, value_axis
from analyses.views.wording import missing_phrase

GROUPS = {  # group -> (colour, fill pattern, key text)
    "other": (NEIGHBOUR_GREY, "", "other LAs"),
    "neighbour": (PALETTE[1], "/", "statistical neighbours"),
    "selected": (PALETTE[0], "", ""),
}


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ranked(values: pd.DataFrame, selected: str, neighbours: set[str]) -> pd.DataFrame:
    """``values`` (la_name, region_name, value, status) sorted lowest first, with rank and group.

    Rank 1 is the lowest value; LAs without a value come last with no rank.
    """
    return grouped(ordered(values), selected, neighbours)


def ordered(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` sorted lowest first, with rank (``ranked`` before any LA is picked out: all "other")."""
    frame = values.copy()
    frame["group"] = "other"
    has_value = frame["value"].notna() & ~frame["status"].isin(SYMBOLS)
    frame = pd.concat([frame[has_value].sort_values(["value", "la_name"]), frame[~has_value].sort_values("la_name")])
    frame["rank"] = frame["value"].where(has_value).rank(method="min").astype("Int64")
    return frame.reset_index(drop=True)


def grouped(frame: pd.DataFrame, selected: str, neighbours: set[str]) -> pd.DataFrame:
    """An ``ordered`` frame with ``selected`` and its ``neighbours`` (names) picked out in ``group``."""
    names = frame["la_name"].tolist()
    groups = ["selected" if n == selected else "neighbour" if n in neighbours else "other" for n in names]
    return frame.assign(group=groups)


def la_ranked(ds: Dataset, indicator: str, year: int, area: Area) -> pd.DataFrame:
    """``ranked`` for every LA's value of ``indicator`` in ``year`` (``Dataset.la_values``), with ``area`` and
    its statistical neighbours picked out; the order is made once per dataset."""
    order = ds.kept(("ranked", indicator, int(year)), lambda: ordered(ds.la_values(indicator, year)))
    neighbours = set(order.loc[order["old_la_code"].isin(area.neighbours), "la_name"])
    return grouped(order, area.name, neighbours)


def ranking_table(frame: pd.DataFrame, value_label: str) -> pd.DataFrame:
    """The chart's data table: rank, LA, region, value (or its suppression symbol) and group."""
    cells = frame["value"].astype(object).where(~frame["status"].isin(SYMBOLS), frame["status"])
    labels = {"selected": "selected", "neighbour": "statistical neighbour", "other": ""}
    return pd.DataFrame(
        {
            "Rank (1 = lowest)": frame["rank"].astype(object).where(frame["rank"].notna(), "-").astype(str),
            "Local authority": frame["la_name"],
            "Region": frame["region_name"],
            value_label: cells.where(cells.notna(), None),
            "Group": frame["group"].map(labels),
        }
    )


def ranking_title(frame: pd.DataFrame, area: Area, what: str, when: str, value_format: str) -> str:
    """A title stating where ``area`` ranks (``frame`` from ``ranked``), or why it cannot."""
    rows = list(zip(frame["la_name"], frame["value"].tolist(), frame["rank"].tolist(), frame["status"]))
    plotted = [value for _, value, rank, _ in rows if not pd.isna(rank)]
    if area.is_england:
        low, high = (min(plotted), max(plotted)) if plotted else (math.nan, math.nan)
        return (
            f"In {when}, local authorities ranged from {value_format.format(low)} to "
            f"{value_format.format(high)} for {what}"
        )
    mine = next((row for row in rows if row[0] == area.name), None)
    if mine is not None and not pd.isna(mine[2]):
        return (
            f"{area.name} was {ordinal(int(mine[2]))} lowest of {len(plotted)} local authorities "
            f"for {what} in {when}, at {value_format.format(mine[1])}"
        )
    status = mine[3] if mine is not None and mine[3] in SYMBOLS else None
    shown = missing_phrase(status) if status else "missing"
    return f"{area.name}'s figure for {what} in {when} is {shown}; {len(plotted)} local authorities published one"


def ranking_chart(
    frame: pd.DataFrame,
    selected: str,
    title: str,
    y_title: str,
    value_format: str = "{:,.1f}",
    reference: float | None = None,
    reference_label: str = "England",
) -> go.Figure:
    """Bars for every LA with a value, lowest to highest (``frame`` from ``ranked``).

    A bar's x is its place in that order (the axis has no labels); its name is in its hover label.
    """
    rows = list(zip(frame["la_name"], frame["value"].tolist(), frame["rank"].tolist(), frame["status"], frame["group"]))
    plotted = [row for row in rows if not pd.isna(row[2])]
    names, values, ranks, _, groups = (list(column) for column in zip(*plotted)) if plotted else [[] for _ in range(5)]
    traces = []
    for group, (colour, pattern, _) in GROUPS.items():
        positions = [i for i, g in enumerate(groups) if g == group]  # in the order, lowest first
        traces.append(
            {
                "type": "bar",
                "x": positions,
                "y": [values[i] for i in positions],
                "name": group,
                "marker": {"color": colour, "pattern": {"shape": pattern, "fgcolor": "#FFFFFF"}, "line": {"width": 0}},
                "customdata": [
                    f"{html.escape(names[i])}: {value_format.format(values[i])} (rank {ranks[i]} of {len(plotted)})"
                    for i in positions
                ],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    xaxis = {
        "range": [-0.5, max(len(plotted), 1) - 0.5],
        "showticklabels": False,
        "showgrid": False,
        "zeroline": False,
        "title": {"text": f"{len(plotted)} local authorities, lowest to highest"},
    }
    chosen = groups.index("selected") if "selected" in groups else None
    annotations = [_key(selected if any(row[4] == "selected" for row in rows) else None)]
    if chosen is not None:
        annotations.append(
            {
                "x": chosen,
                "y": values[chosen],
                "ax": 0,
                "ay": -60,
                "text": f"<b>{html.escape(selected)}</b><br>{value_format.format(values[chosen])}",
                "showarrow": True,
                "arrowhead": 2,
                "arrowwidth": 2,
                "arrowcolor": PALETTE[0],
                "font": {"size": 15},
                "bgcolor": LABEL_BACKGROUND,
            }
        )
    missing = [row for row in rows if pd.isna(row[2])]
    if missing:
        own = [row for row in missing if row[0] == selected]
        note = f"{len(missing)} LA value{'s are' if len(missing) > 1 else ' is'} suppressed or missing and not shown"
        if own:
            status = own[0][3]
            note += (
                f", including {selected}, whose figure is {missing_phrase(status) if status in SYMBOLS else 'missing'}"
            )
        annotations.append(
            {
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": -0.16,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "align": "left",
                "font": {"size": 13},
                "text": "<br>".join(textwrap.wrap(html.escape(note + "."), 100)),
            }
        )
    shapes = []
    if reference is not None and pd.notna(reference):
        shapes.append(reference_line(reference, "y"))
        annotations.append(
            {
                "x": 1,
                "xref": "paper",
                "xanchor": "right",
                "y": reference,
                "yref": "y",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
                "bgcolor": LABEL_BACKGROUND,
                "text": f"{html.escape(reference_label)} {value_format.format(reference)}",
            }
        )
    high = max(max(values) if values else 1.0, reference or 0.0) * 1.25 or 1.0
    return figure(
        traces,
        title,
        xaxis=xaxis,
        yaxis=value_axis(y_title, value_format, range=[0, high]),
        annotations=annotations,
        shapes=shapes,
        bargap=0.15,
        hovermode="closest",
        height=500,
        margin={"l": 80, "r": 30, "t": 125, "b": 110},
    )


def _key(selected: str | None) -> dict:
    """A key above the bars naming each group by colour and pattern (no selected LA for England)."""
    parts = [
        f'<span style="color:{PALETTE[1]}">▨</span> {GROUPS["neighbour"][2]}',
        f'<span style="color:{NEIGHBOUR_GREY}">■</span> {GROUPS["other"][2]}',
    ]
    if selected is not None:
        parts.insert(0, f'<span style="color:{PALETTE[0]}">■</span> {html.escape(selected)}')
    else:
        parts = parts[1:]
    return {
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": 1.03,
        "yref": "paper",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 14},
        "text": "   ".join(parts),
    }
