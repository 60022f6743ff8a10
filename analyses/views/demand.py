"""Prevention tiers chapter views of ``analyses.models.demand``: sentences, titles, the funnel chart and table."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.data.indicators import period_label
from analyses.data.schema import has_figure
from analyses.models import benchmark
from analyses.models.demand import FUNNEL_ROLES
from analyses.views import charts, every_la, wording
from analyses.views.charts import ROLE_STYLES, chart_text, figure
from analyses.views.every_la import cells
from analyses.views.findings import comparison_phrase, when
from analyses.views.wording import missing_phrase

FUNNEL_PATTERNS = {"selected": "", "neighbour average": "/", "region": ".", "England": "x"}
SHORT_NAMES = {"neighbour average": "Neighbours (average)"}  # bar labels must fit beside short bars
GROUP_THICKNESS = 0.8  # share of each stage's band taken by its bars


def population_text(area: Area, population: dict, england: dict) -> str:
    """A sentence on the child population and its change, against England's change."""
    text = f"**{area.name}** had **{population['children']:,}** children aged 0 to 17 in mid-{population['year']} (ONS estimate)"
    if population["change_pct"] is None:
        return text + "."
    if population["change_pct"] == 0:
        text += f", as many as in mid-{population['earlier_year']}"
    else:
        direction = "more" if population["change_pct"] > 0 else "fewer"
        text += f", {abs(population['change_pct']):.1f}% {direction} than in mid-{population['earlier_year']}"
    if area.is_england or england["change_pct"] is None:
        return text + "."
    return text + f"; over the same years England's child population changed by {england['change_pct']:+.1f}%."


def funnel_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars, one group per stage (first stage at the top), one bar per area.

    Every bar is labelled with its area and value; a suppressed value has no bar and is
    labelled with its symbol instead. Areas differ in colour and fill pattern.
    """
    labels = list(dict.fromkeys(frame["label"]))
    roles = [r for r in FUNNEL_ROLES if r in set(frame["role"])]
    thickness = GROUP_THICKNESS / len(roles)
    traces, annotations = [], []
    for i, role in enumerate(roles):
        rows = frame[frame["role"] == role].set_index("label").reindex(labels)
        name = html.escape(SHORT_NAMES.get(role, str(rows["area"].dropna().iloc[0])))
        shown = cells(rows.reset_index())
        y = [s + (i - (len(roles) - 1) / 2) * thickness for s in range(len(labels))]
        values = [v if isinstance(v, float) else None for v in shown]
        texts = [
            f"{name}: {v:,.1f}" if isinstance(v, float) else f"{name}: {missing_phrase(str(v or ''))}" for v in shown
        ]
        traces.append(
            {
                "type": "bar",
                "x": values,
                "y": y,
                "orientation": "h",
                "width": thickness * 0.9,
                "name": name,
                "marker": {
                    "color": ROLE_STYLES[role]["color"],
                    "pattern": {"shape": FUNNEL_PATTERNS[role], "fgcolor": "#FFFFFF"},
                },
                "text": [t if v is not None else "" for t, v in zip(texts, values)],
                "textposition": "outside",
                "textfont": {"size": 13},
                "cliponaxis": False,
                "hovertext": [f"{label}, {t}" for label, t in zip(labels, texts)],
                "hoverinfo": "text",
            }
        )
        annotations += [
            {"x": 0, "y": yy, "xanchor": "left", "showarrow": False, "text": t, "font": {"size": 13}}
            for yy, t, v in zip(y, texts, values)
            if v is None
        ]
    top = pd.to_numeric(frame["value"], errors="coerce").max()
    return figure(
        traces,
        title,
        xaxis={
            "title": {"text": "Per 10,000 children aged 0 to 17"},
            "range": [0, (top if top > 0 else 1) * 2],
            "gridcolor": "#E0E0E0",
            "tickformat": ",.0f",
        },
        yaxis={
            "tickvals": list(range(len(labels))),
            "autorange": "reversed",
            "showgrid": False,
            "ticklabelstandoff": 8,
            "ticktext": [chart_text(label, 14) for label in labels],
        },
        font={"size": 14},
        barmode="overlay",
        hovermode="closest",
        annotations=annotations,
        height=160 + len(labels) * (25 * len(roles) + 40),
        margin={"l": 120, "r": 20, "t": 110, "b": 70},
    )


def funnel_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel as a table: one row per stage, one column per area; symbols where suppressed."""
    table = frame.assign(cell=cells(frame)).pivot(index=["label", "year"], columns="area", values="cell")
    order = list(dict.fromkeys(frame["area"]))
    table = table.reindex(index=list(dict.fromkeys(zip(frame["label"], frame["year"]))), columns=order)
    table = table.rename_axis(index=["Stage", "Year"], columns=None).reset_index()
    return table.astype(object).where(table.notna(), None)


def funnel_alt_text(frame: pd.DataFrame) -> str:
    """Text alternative of the funnel: every stage's value for every area drawn."""
    parts = []
    for label, rows in frame.groupby("label", sort=False):
        values = [
            f"{area} {v:,.1f}" if isinstance(v, float) else f"{area} {missing_phrase(str(v or ''))}"
            for area, v in zip(rows["area"], cells(rows))
        ]
        parts.append(f"{label} ({int(rows['year'].iloc[0])}): " + ", ".join(values) + ".")
    return "Bar chart of rates per 10,000 children aged 0 to 17 at each stage. " + " ".join(parts)


def _when(row: pd.Series) -> str:
    """The row's year in the findings' one label style, inside a sentence: 'at 31 March 2025'."""
    return when(period_label(row["indicator"], int(row["year"])))


def _versus(row: pd.Series) -> str:
    """The comparison with England in the findings' one wording (the rates have no better direction)."""
    return comparison_phrase(row["compared"], row["compared"], f"{row['england']:,.1f}")


def trend_title(area: Area, row: pd.Series) -> str:
    """The finding of one stage's trend chart, from its ``latest`` row."""
    rate = row["rate_name"]
    if area.is_england:
        return f"England's {rate} was {row['value']:,.1f} per 10,000 children {_when(row)}"
    if not has_figure(row["value"], row["status"]):
        return (
            f"{area.name}'s {rate} {_when(row)} is {missing_phrase(row['status'])}; England's was {row['england']:,.1f}"
        )
    return f"{area.name}'s {rate} {_when(row)} was {row['value']:,.1f} per 10,000 children, {_versus(row)}"


def funnel_title(area: Area, rows: pd.DataFrame) -> str:
    """The finding of the funnel: the front door (referrals) against the end of the line (care)."""
    first, last = rows.iloc[0], rows.iloc[-1]
    if area.is_england:
        return (
            f"In England there were {first['value']:,.0f} referrals for every 10,000 children in the year to "
            f"31 March {int(first['year'])}, and {last['value']:,.0f} in every 10,000 children were looked after "
            f"{_when(last)}"
        )

    def clause(row: pd.Series, subject: str) -> str:
        if pd.isna(row["compared"]):
            return f"{subject} {_when(row)} is {missing_phrase(row['status'])}"
        return f"{subject} {_when(row)} was {row['value']:,.1f}, {_versus(row)}"

    start = clause(first, f"{area.name}'s referral rate")
    return f"{start}; its rate of children looked after {clause(last, '').strip()}"


def key_points(area: Area, rows: pd.DataFrame) -> str:
    """The prevention tiers chapter's key points (a Markdown list) for ``area``; ``rows`` from ``demand.latest``."""
    points = [
        "- The talk sets out support in four tiers: universal, selective, targeted and specialist.",
        "- A good theory of change says, before a service starts, what it does, why and how you will know it worked.",
    ]
    for key in ("referrals", "children_looked_after"):
        row = rows.set_index("key").loc[key] if key in set(rows["key"]) else None
        if row is None:
            continue
        what = row["rate_name"]
        if pd.isna(row["value"]):
            points.append(f"- {area.name}'s {what} {_when(row)} is not published.")
        elif area.is_england:
            points.append(f"- England's {what} {_when(row)} was {row['value']:,.1f} per 10,000 children.")
        else:
            points.append(
                f"- {area.name}'s {what} {_when(row)} was {row['value']:,.1f} per 10,000 children, {_versus(row)}."
            )
    points.append("- These figures show the scale of need further down the line, not whether prevention works.")
    return "\n".join(points)


def trend_views(ds: Dataset, area: Area, latest: pd.DataFrame) -> list[tuple]:
    """Each stage's trend chart (from ``demand.latest`` rows): (figure, table, text alternative, note).

    The note, under the first chart only, says when a reorganised area was created and whose
    earlier figures it shows ('' otherwise)."""
    views = []
    for n, (_, row) in enumerate(latest.iterrows()):
        frame = benchmark.comparison(ds, row["indicator"], area)
        fig = charts.trend_chart(frame, trend_title(area, row), "Per 10,000 children")
        table = charts.chart_table(every_la.every_la_table(frame, every_la.la_rows(ds, row["indicator"])))
        alt = wording.trend_alt_text(frame, f"the {row['rate_name']} per 10,000 children")
        views.append((fig, table, alt, wording.reorganisation_note(area, frame) if n == 0 else ""))
    return views
