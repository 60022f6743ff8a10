"""The domestic abuse chapter's charts and tables, built from ``analyses.models.domestic_abuse``.

Each function returns what ``analyses.views.charts.show`` needs (figure, data table, text
alternative) or a table for ``show_table``, so the chapter's cells only call and display.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analyses.models import benchmark
from analyses.views import charts, dropdown, ranking
from analyses.data.dataset import Dataset
from analyses.models.domestic_abuse import FACTORS, MEASURES, describe, measure_id, period_label
from analyses.data.geography import ENGLAND, Area
from analyses.views.profile import interval_text
from analyses.views.ranking import ordinal

RATE_AXIS = "Assessments per 10,000 children"
SHARE_AXIS = "Share of assessments with a factor (%)"


def trend_title(frame: pd.DataFrame, area: Area, factor: str, measure: str) -> str:
    """A chart title stating the latest finding of a ``benchmark.comparison`` frame."""
    year = int(frame["time_period"].max())
    latest = frame[frame["time_period"] == year].set_index("role")
    value_format = "{:.1f}%" if measure == "share" else "{:,.1f} per 10,000 children"
    who = FACTORS[factor].lower()
    if area.is_england:
        row = latest.loc["selected"]
        return f"England, {period_label(year)}: domestic abuse concerning {who}, {describe(row['value'], row['status'], value_format)}"
    mine = describe(latest.loc["selected", "value"], latest.loc["selected", "status"], value_format) \
        if "selected" in latest.index else "no value"
    england = describe(latest.loc["England", "value"], latest.loc["England", "status"], value_format) \
        if "England" in latest.index else "no value"
    return f"{area.name}, {period_label(year)}: domestic abuse concerning {who}, {mine} (England {england})"


def rate_bars(area: Area, table: pd.DataFrame, period: str) -> tuple[go.Figure, pd.DataFrame, str]:
    """Bars of each factor's rate for the area and its comparators; the chart's data and text alternative."""
    categories = [FACTORS[f] for f in table["factor"]]
    values = {area.name: (table["rate"], table["rate_status"])}
    if not area.is_england:
        values["Statistical neighbours (average)"] = (table["neighbours_rate"], ["derived"] * len(table))
        values[area.region_name] = (table["region_rate"], ["derived"] * len(table))
    values["England"] = (table["england_rate"], ["derived"] * len(table))
    cells = {name: [describe(v, s, "{:.1f}") for v, s in zip(v_s[0], v_s[1])] for name, v_s in values.items()}
    first = table.iloc[0]
    if first["rate_status"] == "derived":
        title = (f"{area.name}, {period}: domestic abuse concerning {FACTORS[first['factor']].lower()} was identified at "
                 f"{first['rate']:.1f} per 10,000 children, against {first['england_rate']:.1f} in England")
    else:
        title = (f"{area.name}, {period}: the figure for abuse concerning {FACTORS[first['factor']].lower()} is "
                 f"{cells[area.name][0]}; England {first['england_rate']:.1f} per 10,000 children")
    fig = charts.comparison_bar(categories, {name: list(v_s[0]) for name, v_s in values.items()}, title=title,
                                value_format="{:.1f}", y_title="Assessments per 10,000 children")
    missing = [who for who, status in zip(categories, table["rate_status"]) if status != "derived"]
    alt = (f"Grouped bar chart of assessments in {period} that identified domestic abuse, per 10,000 children, by whom "
           f"the abuse concerned, for {', '.join(values)}. "
           + " ".join(f"{who}: {area.name} {cells[area.name][i]}, England {cells['England'][i]}."
                      for i, who in enumerate(categories))
           + (f" No bar is drawn for {area.name} where its figure is not published: {', '.join(missing)}." if missing else ""))
    return fig, pd.DataFrame({"Domestic abuse concerning": categories, **cells}), alt


def trend_views(ds: Dataset, area: Area) -> tuple[go.Figure, pd.DataFrame, str]:
    """Trend charts of every factor and measure behind one dropdown; their data and text alternative.

    ``ds`` must come from ``domestic_abuse.with_measures``.
    """
    views, frames = {}, []
    for factor, who in FACTORS.items():
        for measure, (_, label) in MEASURES.items():
            frame = benchmark.comparison(ds, measure_id(factor, measure), area)
            share = measure == "share"
            name = f"{who}, {label}"
            views[name] = charts.trend_chart(frame, trend_title(frame, area, factor, measure),
                                             SHARE_AXIS if share else RATE_AXIS,
                                             value_format="{:.1f}%" if share else "{:.1f}")
            frames.append(charts.chart_table(frame).data.assign(Measure=name))
    table = pd.concat(frames, ignore_index=True)
    table = table[["Measure", *[c for c in table.columns if c != "Measure"]]]
    years = [c for c in table.columns if isinstance(c, int)]
    first = next(iter(views.values()))
    alt = (f"Line chart with a menu of {len(views)} measures, {min(years)} to {max(years)}: domestic abuse identified "
           f"in assessments per 10,000 children and as a share of assessments with a factor, for each of the three "
           f"people the abuse can concern, for {area.name} against its statistical neighbours, region and England. "
           f"It opens on: {first.layout.title.text.replace('<br>', ' ')}. The data table gives every value of "
           f"every measure.")
    return dropdown.combine(views, "Show:"), table, alt


def interval_table(profile: pd.DataFrame, area: Area) -> pd.DataFrame:
    """Each factor and measure: the latest value, its 95% interval, England, the comparison and the rank.

    ``profile`` is ``benchmark.profile`` of the derived indicators, indexed by indicator.
    """
    rows = []
    for factor, who in FACTORS.items():
        for measure, (_, label) in MEASURES.items():
            p = profile.loc[measure_id(factor, measure)]
            value_format = "{:.1f}%" if measure == "share" else "{:.1f}"
            ranked = not area.is_england and pd.notna(p["rank"])
            rows.append({
                "Domestic abuse concerning": who, "Measure": label,
                area.name: describe(p["value"], p["status"], value_format),
                "95% confidence interval": interval_text(p),
                "England": value_format.format(p["england"]),
                "Compared with England": "-" if area.is_england else p["vs_england"],
                "Rank among LAs (1st = lowest)": f"{ordinal(int(p['rank']))} of {p['of']}" if ranked else "-",
            })
    return pd.DataFrame(rows)


def ranking_view(ds: Dataset, area: Area, year: int, factor: str = "da_factor_parent_count"
                 ) -> tuple[go.Figure, pd.DataFrame, str]:
    """Every LA's rate for one factor in ``year``, lowest to highest; the table lists every LA."""
    indicator = measure_id(factor, "rate")
    values = ds.la_values(indicator, year)
    neighbours = set(values.loc[values["old_la_code"].isin(area.neighbours), "la_name"])
    frame = ranking.ranked(values, area.name, neighbours)
    plotted = int(frame["rank"].notna().sum())
    england = ds.series(indicator, ENGLAND).set_index("time_period")["value"].get(year)
    who, period = FACTORS[factor].lower(), period_label(year)
    title = ranking.ranking_title(frame, area, f"domestic abuse concerning {who}", period,
                                  "{:.1f} per 10,000 children")
    fig = ranking.ranking_chart(frame, area.name, title, RATE_AXIS, "{:.1f}", reference=england)
    alt = (f"Bar chart of all {plotted} local authorities with a published value in {period}, lowest to highest, for "
           f"assessments identifying domestic abuse concerning {who} per 10,000 children. England's rate, "
           f"{england:.1f}, is a dashed line. {title}. The data table lists every local authority, with values "
           f"that were not published shown by their symbol.")
    return fig, ranking.ranking_table(frame, "Per 10,000 children"), alt
