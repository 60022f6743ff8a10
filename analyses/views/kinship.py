"""Kinship chapter views of ``analyses.models.kinship``: chart titles and sentences."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.data.indicators import period_label
from analyses.models import kinship
from analyses.models.kinship import ORDERS
from analyses.views import charts, every_la
from analyses.views.findings import comparison_phrase, when
from analyses.views.wording import missing_phrase, trend_alt_text


def _period(year: int) -> str:
    """Exits are counted over the year to 31 March: one label style with every other figure."""
    return period_label("sgo_exits_count", year)


def _versus(figures: dict) -> str:
    """The comparison with England in the findings' one wording."""
    return comparison_phrase(figures["compared"], figures["compared"], f"{figures['england_rate']:,.1f}")


def exits_title(area: Area, order: str, figures: dict) -> str:
    """The finding of an exits chart, from ``latest``."""
    year = _period(figures["year"])
    if area.is_england:
        return (
            f"{figures['england_count']:,} children left care in England on a {order} {when(year)}, "
            f"{figures['england_rate']:,.1f} per 10,000 children"
        )
    england = f"in England {figures['england_rate']:,.1f} in 10,000 children left care on a {order}"
    if figures["rate"] is None:
        return f"{area.name}'s count for the {year} is {missing_phrase(figures['status'])}; {england}"
    if figures["count"] == 0:
        return f"No children left {area.name}'s care on a {order} {when(year)}; {england}"
    children = "child" if figures["count"] == 1 else "children"
    return (
        f"{figures['count']:,} {children} left {area.name}'s care on a {order} {when(year)}, "
        f"{figures['rate']:,.1f} per 10,000 children, {_versus(figures)}"
    )


def own_counts_text(area: Area, exits: dict[str, dict]) -> str:
    """A sentence on the area's own latest counts of each order ('' for England)."""
    if area.is_england:
        return ""
    parts = []
    years = {figures["year"] for figures in exits.values()}
    for indicator, order in ORDERS.items():
        figures = exits[indicator]
        during = f" {when(_period(figures['year']))}" if len(years) > 1 else ""  # the orders' latest years differ
        if figures["count"] is None:
            parts.append(f"the number leaving on a {order}{during} is {missing_phrase(figures['status'])}")
        else:
            parts.append(f"{figures['count']:,} left on a {order}{during}")
    heading = area.name if len(years) > 1 else f"{area.name}, {_period(next(iter(years)))}"
    text = f"**{heading}:** " + "; ".join(parts) + "."
    if any(figures["count"] is not None for figures in exits.values()):
        text += " With counts this small, a change of a few children moves the rate a long way, so look at several years together."
    return text


def share_title(share: pd.DataFrame) -> str:
    """The finding of the national share chart: the latest share and its change."""
    first, last = share.iloc[0], share.iloc[-1]
    in_n = round(100 / last["share_of_looked_after"])
    change = "up from" if last["share_of_looked_after"] > first["share_of_looked_after"] else "against"
    return (
        f"About 1 in {in_n} children looked after in England lived with relatives or friends as foster carers "
        f"on 31 March {int(last['time_period'])} ({last['share_of_looked_after']:.1f}%), {change} "
        f"{first['share_of_looked_after']:.1f}% in {int(first['time_period'])}"
    )


def _exits_point(area: Area, order: str, figures: dict) -> str:
    """One key point on leaving care on ``order``, from ``latest``: the area's count and rate against England's."""
    year = _period(figures["year"])
    if area.is_england:
        return (
            f"- {figures['england_count']:,} children left care in England on a {order} {when(year)}, "
            f"{figures['england_rate']:,.1f} per 10,000 children."
        )
    england = f"England's rate was {figures['england_rate']:,.1f} per 10,000 children"
    if figures["rate"] is None:
        return (
            f"- The number of children leaving {area.name}'s care on a {order} {when(year)} is "
            f"{missing_phrase(figures['status'])}; {england}."
        )
    if figures["count"] == 0:
        return f"- No children left {area.name}'s care on a {order} {when(year)}; {england}."
    children = "child" if figures["count"] == 1 else "children"
    return (
        f"- {figures['count']:,} {children} left {area.name}'s care on a {order} {when(year)}, "
        f"{figures['rate']:,.1f} per 10,000 children, {_versus(figures)}."
    )


def key_points(area: Area, exits: dict[str, dict], share: pd.DataFrame) -> str:
    """The kinship chapter's key points (a Markdown list) for ``area``: ``exits`` as the chapter's (indicator ->
    ``latest``), ``share`` from ``family_and_friends_share``."""
    last = share.iloc[-1]
    points = [
        "- Support for kinship carers should fit their particular needs, rest on one-to-one casework and tell "
        "them what they are entitled to.",
        *(_exits_point(area, order, exits[indicator]) for indicator, order in ORDERS.items()),
        f"- On 31 March {int(last['time_period'])}, {last['share_of_looked_after']:.1f}% of children looked after in "
        f"England were fostered by relatives or friends; this is not published for each council.",
    ]
    if not area.is_england and any(figures["count"] for figures in exits.values()):
        points.append("- A council's counts are small, so a change of a few children moves its rate a long way.")
    return "\n".join(points)


def england_exits_text(exits: dict[str, dict]) -> str:
    """England's latest counts of children leaving care on each order (each with its own year when they differ)."""
    sgo, cao = exits["sgo_exits_count"], exits["cao_exits_count"]
    year = _period(sgo["year"])
    if sgo["year"] == cao["year"]:
        return (
            f"In England, **{sgo['england_count']:,}** children left care on a special guardianship order {when(year)} "
            f"and **{cao['england_count']:,}** on a child arrangements order: "
            f"**{sgo['england_count'] + cao['england_count']:,}** in all."
        )
    return (
        f"In England, **{sgo['england_count']:,}** children left care on a special guardianship order {when(year)}, "
        f"and **{cao['england_count']:,}** on a child arrangements order {when(_period(cao['year']))}, the "
        "latest year published for those orders."
    )


def exits_charts(
    ds: Dataset, area: Area, rates: dict[str, pd.DataFrame], exits: dict[str, dict]
) -> list[tuple[go.Figure, charts.ChartTable, str]]:
    """One trend chart per order (area, neighbours, region, England), with its every-LA table and text alternative."""
    out = []
    for indicator, order in ORDERS.items():
        frame = kinship.comparison(ds, rates[indicator], area)
        fig = charts.trend_chart(frame, exits_title(area, order, exits[indicator]), "Per 10,000 children")
        table = every_la.every_la_table(frame, kinship.all_las(rates[indicator]))
        alt = trend_alt_text(frame, f"children leaving care on a {order}, per 10,000 children")
        out.append((fig, charts.chart_table(table), alt))
    return out


SHARE_COLUMNS = {
    "time_period": "31 March",
    "inside": "Inside the council's area",
    "outside": "Outside the council's area",
    "family_and_friends": "Fostered by family or friends",
    "looked_after": "All children looked after",
    "fostered": "All children in foster care",
    "share_of_looked_after": "% of children looked after",
    "share_of_fostered": "% of children in foster care",
}


def share_chart(share: pd.DataFrame) -> tuple[go.Figure, charts.ChartTable, str]:
    """England's share of looked-after children fostered by relatives or friends: chart, table, text alternative."""
    frame = share.assign(area="England", role="England", value=share["share_of_looked_after"], status="published")
    fig = charts.trend_chart(frame, share_title(share), "% of children looked after", value_format="{:.1f}")
    table = charts.chart_table(share.rename(columns=SHARE_COLUMNS), value_format="{:,.1f}")
    years = ", ".join(f"{s:.1f}% in {int(y)}" for y, s in zip(share["time_period"], share["share_of_looked_after"]))
    alt = (
        "Line chart of the share of children looked after in England who were fostered by relatives or friends, "
        f"{int(share['time_period'].iloc[0])} to {int(share['time_period'].iloc[-1])}: {years}. "
        "England only: the department does not publish this split for each council."
    )
    return fig, table, alt


def share_text(share: pd.DataFrame) -> str:
    """The latest year's children fostered by relatives or friends in England, and their shares."""
    last = share.iloc[-1]
    return (
        f"On 31 March {int(last['time_period'])}, **{last['family_and_friends']:,.0f}** children looked after in "
        f"England were fostered by relatives or friends: **{last['share_of_looked_after']:.1f}%** of all children "
        f"looked after and **{last['share_of_fostered']:.1f}%** of those in foster care."
    )
