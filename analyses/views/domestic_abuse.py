"""The domestic abuse chapter's charts and tables, built from ``analyses.models.domestic_abuse``.

Each function returns what ``analyses.views.charts.show`` needs (figure, data table, text
alternative) or a table for ``show_table``, so the chapter's cells only call and display.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.data.schema import SYMBOLS
from analyses.models import benchmark
from analyses.models.domestic_abuse import FACTORS, MEASURES, MENTAL_HEALTH, incomplete_zeros, measure_id
from analyses.models.findings import Finding
from analyses.views import charts, dropdown, ranking
from analyses.views.findings import verdict_phrase, when
from analyses.views.profile import interval_text
from analyses.views.ranking import ordinal
from analyses.views.wording import financial_year, missing_phrase

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
        return f"England, {financial_year(year)}: domestic abuse concerning {who}, {describe(row['value'], row['status'], value_format)}"
    mine = (
        describe(latest.loc["selected", "value"], latest.loc["selected", "status"], value_format)
        if "selected" in latest.index
        else "no value"
    )
    england = (
        describe(latest.loc["England", "value"], latest.loc["England", "status"], value_format)
        if "England" in latest.index
        else "no value"
    )
    return f"{area.name}, {financial_year(year)}: domestic abuse concerning {who}, {mine} (England {england})"


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
        title = (
            f"{area.name}, {period}: domestic abuse concerning {FACTORS[first['factor']].lower()} was identified at "
            f"{first['rate']:.1f} per 10,000 children, against {first['england_rate']:.1f} in England"
        )
    else:
        title = (
            f"{area.name}, {period}: the figure for abuse concerning {FACTORS[first['factor']].lower()} is "
            f"{cells[area.name][0]}; England {first['england_rate']:.1f} per 10,000 children"
        )
    fig = charts.comparison_bar(
        categories,
        {name: list(v_s[0]) for name, v_s in values.items()},
        title=title,
        value_format="{:.1f}",
        y_title="Assessments per 10,000 children",
    )
    missing = [who for who, status in zip(categories, table["rate_status"]) if status != "derived"]
    alt = (
        f"Grouped bar chart of assessments in {period} that identified domestic abuse, per 10,000 children, by whom "
        f"the abuse concerned, for {', '.join(values)}. "
        + " ".join(
            f"{who}: {area.name} {cells[area.name][i]}, England {cells['England'][i]}."
            for i, who in enumerate(categories)
        )
        + (
            f" No bar is drawn for {area.name} where its figure is not published: {', '.join(missing)}."
            if missing
            else ""
        )
    )
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
            views[name] = charts.trend_chart(
                frame,
                trend_title(frame, area, factor, measure),
                SHARE_AXIS if share else RATE_AXIS,
                value_format="{:.1f}%" if share else "{:.1f}",
                note=incomplete_note(ds, area, [factor]),
            )
            frames.append(charts.chart_table(frame).data.assign(Measure=name))
    table = pd.concat(frames, ignore_index=True)
    table = table[["Measure", *[c for c in table.columns if c != "Measure"]]]
    years = [c for c in table.columns if isinstance(c, int)]
    first = next(iter(views.values()))
    alt = (
        f"Line chart with a menu of {len(views)} measures, {min(years)} to {max(years)}: domestic abuse identified "
        f"in assessments per 10,000 children and as a share of assessments with a factor, for each of the three "
        f"people the abuse can concern, for {area.name} against its statistical neighbours, region and England. "
        f"It opens on: {html.unescape(first.layout.title.text.replace('<br>', ' '))}. The data table gives every value of "
        f"every measure."
    )
    if note := incomplete_note(ds, area):
        alt += " " + note
    return dropdown.combine(views, "Show:"), table, alt


def incomplete_note(ds: Dataset, area: Area, factors: list[str] | None = None) -> str:
    """A footnote for the trend charts: which of the area's published zeros are drawn as gaps, and why ("" if none).

    The rule is ``domestic_abuse.incomplete_zeros``; e.g. "West Sussex's 2022-23 figures of 0 for domestic
    abuse concerning a parent or carer and another person in the household are shown as gaps: ..."
    Made once per dataset, area and factors (each of the area's trend charts asks).
    """
    factors = tuple(factors or FACTORS)
    return ds.kept(("incomplete_note", area, factors), lambda: _incomplete_note(ds, area, factors))


def _incomplete_note(ds: Dataset, area: Area, factors: tuple[str, ...]) -> str:
    flagged = incomplete_zeros(ds)
    flagged = flagged[(flagged["old_la_code"] == area.old_la_code) & flagged["indicator"].isin(factors)]
    notes = []
    for year, rows in flagged.groupby("time_period", sort=True):
        whom = [FACTORS[i].lower() for i in FACTORS if i in set(rows["indicator"])]
        listed = whom[0] if len(whom) == 1 else ", ".join(whom[:-1]) + " and " + whom[-1]
        plural = len(whom) > 1
        first = rows.iloc[0]
        if first["reason"] == "low":
            why = (
                f"that year it recorded {first['assessments']:,.0f} assessments with a factor, against "
                f"{first['usual_low']:,.0f} to {first['usual_high']:,.0f} in its other years"
            )
        else:
            why = "that year another of the factor counts, or the number of assessments, is not available"
        notes.append(
            f"{area.name}'s {financial_year(int(year))} figure{'s' if plural else ''} of 0 for domestic abuse "
            f"concerning {listed} {'are' if plural else 'is'} shown as {'gaps' if plural else 'a gap'}: "
            f"{why}, so its figures for the year look incomplete."
        )
    return " ".join(notes)


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
            rows.append(
                {
                    "Domestic abuse concerning": who,
                    "Measure": label,
                    area.name: describe(p["value"], p["status"], value_format),
                    "95% confidence interval": interval_text(p),
                    "England": value_format.format(p["england"]),
                    "Compared with England": "-" if area.is_england else p["vs_england"],
                    "Rank among LAs (1st = lowest)": f"{ordinal(int(p['rank']))} of {p['of']}" if ranked else "-",
                }
            )
    return pd.DataFrame(rows)


def ranking_view(
    ds: Dataset, area: Area, year: int, factor: str = "da_factor_parent_count"
) -> tuple[go.Figure, pd.DataFrame, str]:
    """Every LA's rate for one factor in ``year``, lowest to highest; the table lists every LA."""
    indicator = measure_id(factor, "rate")
    frame = ranking.la_ranked(ds, indicator, year, area)
    plotted = int(frame["rank"].notna().sum())
    england = ds.series(indicator, ENGLAND).set_index("time_period")["value"].get(year)
    who, period = FACTORS[factor].lower(), financial_year(year)
    title = ranking.ranking_title(frame, area, f"domestic abuse concerning {who}", period, "{:.1f} per 10,000 children")
    fig = ranking.ranking_chart(frame, area.name, title, RATE_AXIS, "{:.1f}", reference=england)
    alt = (
        f"Bar chart of all {plotted} local authorities with a published value in {period}, lowest to highest, for "
        f"assessments identifying domestic abuse concerning {who} per 10,000 children. England's rate, "
        f"{england:.1f}, is a dashed line. {title}. The data table lists every local authority, with values "
        f"that were not published shown by their symbol."
    )
    return fig, ranking.ranking_table(frame, "Per 10,000 children"), alt


def describe(value: float, status: str, value_format: str) -> str:
    """A value for a sentence: the number, or what its suppression symbol means."""
    if status in SYMBOLS:
        return missing_phrase(status)
    return "not available" if pd.isna(value) else value_format.format(value)


def headline(area: Area, row: pd.Series, finding: Finding) -> str:
    """The chapter's headline sentence (Markdown) for one factor's row of ``latest_table``, with the
    finding of its rate (``findings.finding``) for the year and the comparison with England."""
    who = FACTORS[row["factor"]].lower()
    lead = f"**{area.name}, {finding.period}.** "
    if area.is_england:
        return (
            lead + f"Domestic abuse concerning {who} was identified in {row['count']:,.0f} assessments: "
            f"{row['rate']:.1f} per 10,000 children and {row['share']:.1f}% of assessments that recorded a factor."
        )
    england = (
        f"England's rate was {row['england_rate']:.1f} per 10,000 children ({row['england_share']:.1f}% of "
        f"assessments that recorded a factor), and the average of {area.name}'s statistical neighbours "
        f"{describe(row['neighbours_rate'], 'derived', '{:.1f}')}."
    )
    if row["count_status"] in SYMBOLS or pd.isna(row["count"]):
        return (
            lead + f"The number of assessments identifying domestic abuse concerning {who} is "
            f"{describe(row['count'], row['count_status'], '{:,.0f}')}, so its rate and share cannot be shown. "
            + england
        )
    return (
        lead + f"Domestic abuse concerning {who} was identified in {row['count']:,.0f} assessments: "
        f"{describe(row['rate'], row['rate_status'], '{:.1f}')} per 10,000 children, {verdict_phrase(finding)}; "
        f"and {describe(row['share'], row['share_status'], '{:.1f}%')} of its assessments that recorded "
        f"a factor. " + england
    )


def key_points(mine: pd.DataFrame, finding: Finding, area: Area) -> str:
    """The chapter's key points (a Markdown list) for ``area``, from the same ``latest_table`` and finding as
    ``parent_headline``: abuse concerning a parent or carer, with its rate against England's."""
    row = mine.set_index("factor", drop=False).loc["da_factor_parent_count"]
    period = finding.period
    who = FACTORS[row["factor"]].lower()
    england = f"England's rate was {row['england_rate']:.1f} per 10,000 children"
    if area.is_england:
        local = (
            f"- In England {when(period)}, domestic abuse concerning {who} was identified in {row['count']:,.0f} "
            f"assessments: {row['rate']:.1f} per 10,000 children and {row['share']:.1f}% of assessments that "
            f"recorded a factor."
        )
    elif row["count_status"] in SYMBOLS or pd.isna(row["count"]):
        local = (
            f"- In {area.name} {when(period)}, the number of assessments identifying domestic abuse concerning {who} "
            f"is {describe(row['count'], row['count_status'], '{:,.0f}')}; {england}."
        )
    elif row["count"] == 0:
        local = f"- In {area.name} {when(period)}, no assessment identified domestic abuse concerning {who}; {england}."
    else:
        local = (
            f"- In {area.name} {when(period)}, domestic abuse concerning {who} was identified in {row['count']:,.0f} "
            f"assessments, {describe(row['rate'], row['rate_status'], '{:.1f}')} per 10,000 children: "
            f"{verdict_phrase(finding)}."
        )
    return "\n".join(
        [
            "- Since the Domestic Abuse Act 2021, a child who sees, hears or experiences the effects of domestic "
            "abuse is a victim in their own right.",
            "- Domestic abuse is one of the two factors social workers record most often at the end of "
            "children-in-need assessments; parents' mental health is the other.",
            local,
            "- Most of the services Foundations mapped for these children have never been evaluated, and its "
            "REACH plan aims to build the evidence.",
            "- These are recording data: read a high or low figure as a prompt for local questions, not as a "
            "measure of performance.",
        ]
    )


def parent_factors_text(ds: Dataset, area: Area) -> str:
    """A sentence comparing the two leading assessment factors about a parent or carer, their mental
    health and domestic abuse, in the latest year both were published for ``area`` ("" if never)."""
    if MENTAL_HEALTH not in set(ds.metadata["indicator"]):
        return ""  # a data folder imported before the guide read this factor
    counts = {
        key: ds.series(indicator, area).set_index("time_period")
        for key, indicator in (("mh", MENTAL_HEALTH), ("da", "da_factor_parent_count"))
    }
    years = sorted(set(counts["mh"].index) & set(counts["da"].index))
    if not years:
        return ""

    def published(year: int) -> tuple[float, float] | None:
        rows = [counts[key].loc[year] for key in ("mh", "da")]
        shown = all(r["status"] not in SYMBOLS and pd.notna(r["value"]) for r in rows)
        return (float(rows[0]["value"]), float(rows[1]["value"])) if shown else None

    latest = years[-1]
    values = published(latest)
    if values is None:
        mh, da = (counts[key].loc[latest] for key in ("mh", "da"))
        return (
            f"{area.name}, {financial_year(latest)}: assessments recording parents' or carers' mental health, "
            f"{describe(mh['value'], mh['status'], '{:,.0f}')}; recording domestic abuse concerning a parent or "
            f"carer, {describe(da['value'], da['status'], '{:,.0f}')}. The two cannot be compared."
        )
    mh, da = values
    text = (
        f"{area.name}, {financial_year(latest)}: parents' or carers' mental health was recorded in {mh:,.0f} "
        f"assessments and domestic abuse concerning a parent or carer in {da:,.0f}. "
    )

    def leader(year: int) -> str | None:
        """The factor recorded more often in ``year``: "level", or None where either count is unpublished."""
        pair = published(year)
        return (
            None
            if pair is None
            else "level"
            if pair[0] == pair[1]
            else "Mental health"
            if pair[0] > pair[1]
            else "Domestic abuse"
        )

    leaders = [leader(year) for year in years]
    now = leaders[-1]
    if now == "level":
        return text + "The two were level."
    first = len(years) - 1  # the first year of the latest run of years with the same leader
    while first > 0 and leaders[first - 1] == now:
        first -= 1
    if first < len(years) - 1:
        since = "in every year of these figures" if first == 0 else f"every year since {financial_year(years[first])}"
        return text + f"{now} has been the more frequent of the two {since}."
    if first > 0 and leaders[first - 1] is not None:
        return text + f"{now} was the more frequent of the two, which it was not in {financial_year(years[first - 1])}."
    return text + f"{now} was the more frequent of the two."


def national_text(ds: Dataset, england: pd.DataFrame, period: str) -> str:
    """Where the national figure comes from: the 2022-23 count quoted in the chapter and the latest year's share.

    ``england`` is ``latest_table`` for England indexed by factor."""
    parent_2023 = ds.series("da_factor_parent_count", ENGLAND).set_index("time_period")["value"].get(2023)
    latest = england.loc["da_factor_parent_count"]
    return (
        "The bundled DfE table shows where the domestic abuse figure comes from. DfE records three domestic abuse "
        "factors, by whom the abuse concerned: the child, a parent or carer, or another person in the household. "
        f"The national count for 2022-23 of abuse concerning a parent or carer is {parent_2023:,.0f}, the figure "
        f"quoted above. In {period} that factor was recorded in {latest['count']:,.0f} assessments, "
        f"{latest['share']:.1f}% of the assessments that recorded any factor, "
        f"{'less' if latest['share'] < 100 / 3 else 'more'} than a third. The share for domestic abuse of any "
        "kind is higher, but it cannot be worked out from the published counts, because one assessment can record "
        "more than one of the three."
    )


def mental_health_text(ds: Dataset, area: Area) -> str:
    """Parents' mental health against domestic abuse concerning a parent, for England and the area ('' if never published)."""
    national = parent_factors_text(ds, ENGLAND)
    if not national:
        return ""
    local = "" if area.is_england else parent_factors_text(ds, area)
    return (
        "The same DfE table counts parents' and carers' mental health too, so the two factors can be compared "
        f"directly. {national} {local}"
    ).strip()


def parent_headline(mine: pd.DataFrame, finding: Finding, area: Area) -> str:
    """``headline`` for abuse concerning a parent or carer, with the finding of its rate."""
    row = mine.set_index("factor", drop=False).loc["da_factor_parent_count"]
    return headline(area, row, finding)
