"""What each workshop widget shows for one set of inputs: chart, summary, text alternative, table.

Pure functions (no ipywidgets), so the live widgets, the static chapter and the tests share
them. Every chart title states the finding, computed from the inputs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.models import benchmark, fgc, findings
from analyses.models.findings import Finding
from analyses.models.simulation import Scenario, simulate, summarise
from analyses.models.tiers import DEFAULTS as TIER_DEFAULTS
from analyses.views import charts, markup, randomisation
from analyses.views import fgc as fgc_words
from analyses.views import findings as findings_words
from analyses.views.wording import children_number, missing_phrase, money

STUDIES = 300  # simulated studies behind each "why randomise?" picture
NAIVE, TRIAL = randomisation.DESIGNS
REFERRAL_OPTIONS = {  # who gets support more often -> Scenario.selection
    "Families with fewer problems, strongly": -2.0,
    "Families with fewer problems": -1.0,
    "No link to how many problems a family has": 0.0,
    "Families with more problems": 1.0,
    "Families with more problems, strongly": 2.0,
}
RANGE_MARGIN = {"l": 170, "r": 190}  # the range charts' labels are short: more room for the ranges


@dataclass(frozen=True)
class View:
    """One state of a widget: the chart, a short HTML summary, the chart's text alternative and data."""

    figure: go.Figure
    summary_html: str
    alt_text: str
    table: charts.ChartTable

    @property
    def title(self) -> str:
        return html.unescape((self.figure.layout.title.text or "").replace("<br>", " "))


def summary_text(tool: str, *args: object) -> str:
    """The words beside a tool's chart (or why it shows none): its macro in ``templates/summaries.html.j2``."""
    macros = markup.environment("analyses.workshop").get_template("summaries.html.j2").module
    return str(getattr(macros, tool)(*args))


# 1. Why randomise? ------------------------------------------------------------------------------


def randomise_summary(true_effect: float, selection: float, families: int, studies: int = STUDIES) -> pd.DataFrame:
    """Per design (naive, then trial): average estimate, middle 95% and share showing harm over the studies."""
    scenario = Scenario(true_effect=true_effect, selection=selection, families=families, studies=studies)
    return summarise(simulate(scenario), true_effect).set_index("design").loc[[NAIVE, TRIAL]].reset_index()


def randomise_view(true_effect: float, selection: float, families: int, studies: int = STUDIES) -> View:
    """Naive comparison against randomised trial over many simulated studies."""
    summary = randomise_summary(true_effect, selection, families, studies)
    means = summary.set_index("design")["mean_estimate"]
    finding = randomisation.finding(selection, means[NAIVE], means[TRIAL], true_effect)
    fig = charts.estimate_range_chart(
        list(summary["design"]),
        list(summary["mean_estimate"]),
        list(summary["low_2_5"]),
        list(summary["high_97_5"]),
        title=finding,
        x_title="Estimated effect (score points; above 0 = helpful)",
        value_format="{:.2f}",
        reference=true_effect,
        reference_label=f"True effect {true_effect:.2f}",
    )
    fig.update_layout(margin={**RANGE_MARGIN, "t": 150}, height=400)  # room for a three-line finding
    summary_html = summary_text("randomise", list(summary.set_index("design").iterrows()), studies, families)
    alt = (
        f"Range chart with one row per design. Each diamond is the average estimate over {studies} simulated studies "
        f"and its bar covers the middle 95% of them; a dashed line marks the true effect of {true_effect:.2f}. "
        + " ".join(
            f"{d}: average {r.mean_estimate:.2f}, from {r.low_2_5:.2f} to {r.high_97_5:.2f}."
            for d, r in summary.set_index("design").iterrows()
        )
    )
    table = summary.rename(
        columns={
            "design": "Design",
            "mean_estimate": "Average estimate",
            "low_2_5": "Low (2.5%)",
            "high_97_5": "High (97.5%)",
            "bias": "Average error",
            "share_showing_harm": "Share of studies showing harm",
        }
    )
    table["Share of studies showing harm"] = table["Share of studies showing harm"].map("{:.0%}".format)
    return View(fig, summary_html, alt, charts.chart_table(table, value_format="{:.2f}"))


# 2. FGC roll-out ---------------------------------------------------------------------------------


def fgc_view(
    estimate: fgc.Estimate, warnings: list[str] | None = None, span: tuple[float, float] | None = None
) -> View:
    """What offering FGCs means for one area: the chapter's figures, chart and words (``analyses.views.fgc``);
    ``span``: one money axis shared with other settings (``fgc_words.money_span``)."""
    fig, table, alt = fgc_words.money_chart(estimate, span)
    fig.update_layout(margin=RANGE_MARGIN)
    summary_html = summary_text(
        "fgc",
        Markup(fgc_words.figures_html(estimate)),
        warnings or [],
        fgc_words.offer_text(estimate),
        fgc_words.demand_text(estimate),
        estimate.draws,
    )
    return View(fig, summary_html, alt, table)


# 3. Compare my LA --------------------------------------------------------------------------------


def comparable_indicators(ds: Dataset) -> dict[str, str]:
    """Indicators that compare fairly between areas (rates and percentages with LA data): title -> id."""
    meta = ds.metadata[ds.metadata["unit"].isin(["rate_per_10000", "percent"])]
    with_las = set(ds.indicators.loc[ds.indicators["geographic_level"] == "Local authority", "indicator"])
    return {row.title: row.indicator for row in meta.itertuples() if row.indicator in with_las}


def _value_format(unit: str) -> str:
    return "{:.1f}" if unit == "percent" else "{:,.1f}"


BAND_MEANING = {
    "higher_is_better": "A is the best quarter of councils and D the worst (here higher is better)",
    "lower_is_better": "A is the best quarter of councils and D the worst (here lower is better)",
    "neither": "Q1 is the lowest quarter of councils and Q4 the highest (neither is better)",
}


def compare_finding(f: Finding, area_name: str) -> str:
    """One sentence: the area's latest value against England (the findings' one wording), with its band."""
    if f.value is None:
        return (
            f"{area_name}: the figure {findings_words.when(f.period)} is {findings_words.value_text(f)}; "
            "the chart shows earlier years and the comparators"
        )
    band = f"; quartile band {f.band}" if f.band else ""
    return (
        f"{area_name}: {findings_words.value_text(f)} {findings_words.when(f.period)}, "
        f"{findings_words.verdict_phrase(f)}{band}"
    )


def compare_view(ds: Dataset, area: Area, indicator: str) -> View:
    """Trend of one indicator for an LA against its statistical neighbours, region and England."""
    frame = benchmark.comparison(ds, indicator, area)
    meta = ds.meta(indicator)
    found = findings.finding(ds, indicator, area, meta["denominator"] or "")
    profile = benchmark.profile(ds, area, [indicator])
    value_format = _value_format(meta["unit"])
    if profile.empty or found is None:
        finding = f"{area.name} has no published figures for this indicator"
        items = []
    else:
        row = profile.iloc[0]
        finding = compare_finding(found, area.name)

        def fmt(value: float) -> str:
            return "no value" if pd.isna(value) else value_format.format(value)

        region = frame[(frame["role"] == "region") & (frame["time_period"] == row["year"])]["value"]
        items = [
            (
                f"{area.name}, {int(row['year'])}",
                fmt(row["value"]) + (f" ({row['status']})" if pd.isna(row["value"]) else ""),
            ),
            ("Previous year with a value", fmt(row["previous_value"])),
            (Markup("Statistical neighbours' average"), fmt(row["neighbour_average"])),
            (area.region_name, fmt(region.iloc[0] if not region.empty else float("nan"))),
            ("England", fmt(row["england"])),
            (
                "Quartile band",
                f"{row['band'] or 'none'} ({BAND_MEANING[row['polarity']]}); "
                f"rank {row['rank'] if row['rank'] is not None else 'none'} of {row['of']}",
            ),
            ("Against England", findings_words.verdict_phrase(found)),
        ]
    fig = charts.trend_chart(frame, finding, meta["title"], value_format=value_format)
    years = frame["time_period"]
    alt = (
        f"Line chart of {meta['title']} from {years.min()} to {years.max()} for {area.name}, the average of its "
        f"statistical neighbours, {area.region_name} and England; each neighbour is a thin grey line. {finding}. "
        f"The data table gives every value, neighbours included."
    )
    return View(fig, summary_text("compare", items), alt, charts.chart_table(frame, value_format=value_format))


# 4. Prevention tier planner ----------------------------------------------------------------------


def demand_label(row: pd.Series) -> str:
    """'Children looked after at 31 March, 2025'."""
    return row["measure"] + ("" if pd.isna(row["year"]) else f", {int(row['year'])}")


def demand_value(row: pd.Series) -> str:
    """'240', or why there is no number: 'suppressed (c)'."""
    return missing_phrase(row["status"]) if row["value"] is None or pd.isna(row["value"]) else f"{row['value']:,.0f}"


def looked_after_clause(demand: pd.DataFrame, area_name: str) -> str:
    """'York had 240 children looked after in 2025. ' from ``tiers.downstream_demand``; "" with no published figure."""
    looked_after = demand[(demand["indicator"] == "cla_31mar_count") & demand["value"].notna()]
    if looked_after.empty:
        return ""
    return (
        f"{area_name} had {looked_after['value'].iloc[0]:,.0f} children looked after in "
        f"{int(looked_after['year'].iloc[0])}. "
    )


def tier_view(plan: pd.DataFrame, demand: pd.DataFrame, area_name: str, budget: float) -> View:
    """Families reached per tier (``widget_tiers.plan``) beside the area's demand further down the line."""
    total = plan["families_reached"].sum()
    top = plan.loc[plan["families_reached"].idxmax(), "tier"] if total > 0 else None
    title = f"{money(budget, exact=True)} reaches about {children_number(total)} families a year" + (
        f", most at the {top.lower()} tier" if top else ""
    )
    if clause := looked_after_clause(demand, area_name):
        title += f"; {clause.removesuffix('. ')}"
    tiers = list(plan["tier"])
    reached = [float(v) for v in plan["families_reached"]]
    counts = [None if v is None or pd.isna(v) else float(v) for v in demand["value"]]
    fig = _tier_chart(plan, demand, area_name, title)
    rows = [
        {
            "tier": r.tier,
            "example": TIER_DEFAULTS[r.tier].example,
            "share": f"{r.share_pct:g}",
            "spend": money(r.spend, exact=True),
            "places": children_number(r.places),
            "cost": money(r.cost_per_family, exact=True),
            "take_up": f"{r.take_up:.0%}",
            "reached": children_number(r.families_reached),
        }
        for r in plan.itertuples()
    ]
    summary_html = summary_text(
        "tiers", rows, [(demand_label(r), demand_value(r)) for _, r in demand.iterrows()], area_name
    )
    alt = (
        f"Bar chart. Families reached a year with {money(budget, exact=True)}: "
        + "; ".join(f"{t} about {children_number(v)}" for t, v in zip(tiers, reached))
        + f". Latest published figures for {area_name}: "
        + "; ".join(f"{demand_label(r)} {demand_value(r)}" for _, r in demand.iterrows())
        + "."
    )
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "Row": [f"{t} support" for t in tiers],
                    "Spend (£)": plan["spend"],
                    "Places": plan["places"],
                    "Take-up": plan["take_up"].map("{:.0%}".format),
                    "Families or children": plan["families_reached"],
                }
            ),
            pd.DataFrame(
                {
                    "Row": [demand_label(r) for _, r in demand.iterrows()],
                    "Spend (£)": None,
                    "Places": None,
                    "Take-up": None,
                    "Families or children": [c if c is not None else s for c, s in zip(counts, demand["status"])],
                }
            ),
        ],
        ignore_index=True,
    )
    return View(fig, summary_html, alt, charts.chart_table(table, value_format="{:,.0f}"))


def _tier_chart(plan: pd.DataFrame, demand: pd.DataFrame, area_name: str, title: str) -> go.Figure:
    """Horizontal bars: families reached per tier (solid), then the area's demand (hatched, or a note if missing)."""
    rows = [
        (f"{r.tier} support", r.families_reached, f"about {children_number(r.families_reached)} families", 0)
        for r in plan.itertuples()
    ]
    for _, r in demand.iterrows():
        unit = "referrals" if r["indicator"].startswith("referrals") else "children"
        value = None if r["value"] is None or pd.isna(r["value"]) else float(r["value"])
        rows.append((demand_label(r), value, demand_value(r) + ("" if value is None else f" {unit}"), 1))
    names = [charts.chart_text(label, 30) for label, *_ in rows]
    traces = []
    for kind, series in ((0, "Families reached a year with this plan"), (1, f"{area_name}, latest published figure")):
        mine = [(name, value, text) for name, (_, value, text, k) in zip(names, rows) if k == kind]
        traces.append(
            {
                "type": "bar",
                "y": [n for n, _, _ in mine],
                "x": [v for _, v, _ in mine],
                "orientation": "h",
                "name": html.escape(series),
                "marker": {
                    "color": charts.PALETTE[kind],
                    "pattern": {"shape": charts.BAR_PATTERNS[kind], "fgcolor": "#FFFFFF"},
                },
                "text": ["" if v is None else html.escape(t) for _, v, t in mine],
                # A plan's long bar holds its label (white on dark blue); a short one and the hatched
                # demand bars have it beyond their end.
                "textposition": "auto" if kind == 0 else "outside",
                "insidetextfont": {"color": "#FFFFFF"},
                "cliponaxis": False,
                "constraintext": "none",
                "hovertext": [f"{n}: {html.escape(t)}" for n, _, t in mine],
                "hoverinfo": "text",
            }
        )
    notes = [
        {
            "x": 0,
            "xref": "x",
            "xanchor": "left",
            "y": name,
            "yref": "y",
            "showarrow": False,
            "font": {"size": 15},
            "text": html.escape(text),
        }
        for name, (_, value, text, _) in zip(names, rows)
        if value is None
    ]
    top = max([v for _, v, _, _ in rows if v is not None] + [1])
    return charts.figure(
        traces,
        title,
        xaxis=charts.value_axis("Families or children", "{:,.0f}", range=[0, top * 1.45]),
        yaxis={"autorange": "reversed", "showgrid": False, "tickfont": {"size": 13}},  # two-line names in a row
        annotations=notes,
        barmode="overlay",
        hovermode="closest",
        height=170 + 55 * len(rows),
        margin={"l": 220, "r": 30, "t": 110, "b": 70},
    )
