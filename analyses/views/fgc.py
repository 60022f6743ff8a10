"""Words, tables and charts for the FGC estimate (``analyses.models.fgc``).

The chapter, the workshop's live and static tools and the per-LA report all show an estimate
through these functions, so the same inputs give the same words everywhere. Rounding is done
only by ``analyses.views.wording`` (children to whole numbers, money and days to two
significant figures).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analyses.models import fgc
from analyses.views import charts, dropdown, markup
from analyses.views.wording import about_count, chance, children, children_number, financial_year, money, significant

FOUNDATIONS_CHILDREN = 2000  # "more than 2,000 children a year" [3.3]
FOUNDATIONS_SAVING_TWO_YEARS = 150e6  # "over £150m within two years" [3.3]

LABELS = {
    "care_application_rate": "Care applications per 10,000 children (Cafcass, last three years)",
    "pre_proceedings_children": "Children entering pre-proceedings a year (set by the council)",
    "effect": "Fewer children looked after 12 months on (trial)",
    "proceedings_share": "Share of pre-proceedings children whose families reached proceedings (trial, usual services)",
    "proceedings_share_fgc": "Share of pre-proceedings children whose families reached proceedings (trial, referred for an FGC)",
    "children_per_family": "Children per family (trial)",
    "share_after_pre_proceedings": "Share of care applications that followed pre-proceedings",
    "already_offered": "Share of families already offered an FGC at pre-proceedings",
    "days_avoided_per_child": "Fewer days in care per child referred, in the first year after referral (trial)",
    "foster_week": "Foster care, £ a week",
    "residential_week": "Children's home, £ a week",
    "residential_share": "Share of the avoided days that would have been in a children's home",
    "conference_cost": "Cost of a conference, £ a family",
}
SHORT = {  # for chart rows
    "care_application_rate": "Care applications a year (area's last three years)",
    "pre_proceedings_children": "Children entering pre-proceedings",
    "effect": "Trial effect on being in care",
    "proceedings_share": "Share reaching proceedings (trial, usual)",
    "proceedings_share_fgc": "Share reaching proceedings (trial, FGC)",
    "children_per_family": "Children per family",
    "share_after_pre_proceedings": "Applications after pre-proceedings",
    "already_offered": "Families already offered an FGC",
    "days_avoided_per_child": "Days in care avoided per child",
    "foster_week": "Foster care cost",
    "residential_week": "Children's home cost",
    "residential_share": "Share in a children's home",
    "conference_cost": "Cost of a conference",
}
PER = {"foster_week": " a week", "residential_week": " a week", "conference_cost": " a family"}  # money rows' units
SOURCE_NAMES = {
    "f3-1": "Taylor et al. 2024, the trial (BJSW)",
    "f3-2": "Foundations' report page on the trial",
    "f3-4": "Community Care, 13 June 2023",
    "f3-19": "HM Treasury GDP deflators, March 2026",
    "f3-8": "Masson and colleagues 2013",
    "f3-9": "Foundations 2024, FGC data in councils",
    "f8-2": "DfE, children looked after 2024",
    "f8-7": "National Audit Office 2025",
    "f8-10": "CMA market study 2021",
    "f8-11": "DfE parliamentary answer, 2016",
    "f8-12": "PSSRU Unit Costs 2017",
    "data": "Cafcass via DfE LAIT (the bundled data)",
    "council": "set by the council",
    fgc.OURS: "ours (see the method)",
}
SHAPES = {"normal": "normal; range = 90% interval", "triangular": "triangular; range = limits", "fixed": "fixed"}


def input_value(name: str, value: float) -> str:
    """One input's value as people read it."""
    if name in (
        "effect",
        "proceedings_share",
        "proceedings_share_fgc",
        "share_after_pre_proceedings",
        "already_offered",
        "residential_share",
    ):
        return f"{value:.1%}" if name in ("effect", "proceedings_share", "proceedings_share_fgc") else f"{value:.0%}"
    if name in ("foster_week", "residential_week", "conference_cost"):
        return money(value, exact=True)
    if name == "children_per_family":
        return f"{value:.2f}"
    if name == "care_application_rate":
        return f"{value:.1f}"
    if name == "days_avoided_per_child":
        return f"{value:.0f}"
    return f"{value:,.0f}"


def sources_text(keys: tuple[str, ...]) -> str:
    return "; ".join(SOURCE_NAMES.get(k, k) for k in keys) or "none"


# Words -------------------------------------------------------------------------------------------------


def demand_text(est: fgc.Estimate) -> str:
    """How the children entering pre-proceedings were found (plain text)."""
    if est.demand is None:
        return "set by the council"
    d = est.demand
    whose = (
        "England's (none is published for this area)" if d.uses_england_rate and d.area != "England" else f"{d.area}'s"
    )
    years = (
        f"{financial_year(d.years[0])} to {financial_year(d.years[-1])}"
        if len(d.years) > 1
        else financial_year(d.years[0])
    )
    rates = ", ".join(f"{r:g}" for r in d.rates)
    return (
        f"estimated from {whose} Cafcass care application rate in {years} ({rates} per 10,000 children) "
        f"and {d.population:,.0f} children aged 0 to 17 (mid-{d.population_year})"
    )


def offer_text(est: fgc.Estimate) -> str:
    """Who is offered a conference, in words."""
    coverage = est.settings.coverage
    who = "every family at pre-proceedings" if coverage == 1 else f"{coverage:.0%} of families at pre-proceedings"
    return f"an FGC offered to {who} ({already_text(est)})"


def already_text(est: fgc.Estimate) -> str:
    """Who is offered one now, in words: the trial's starting point unless the council set its share."""
    if est.settings.already_offered is None:
        return "none offered one now, as in the trial"
    return f"{est.inputs['already_offered'].central:.0%} of families offered one now"


def about_children(n: float) -> str:
    """'about 12 children', 'fewer than 1 child'."""
    text = children(n)
    return text if text.startswith("fewer") else f"about {text}"


def interval_text(interval: fgc.Interval, kind: str) -> str:
    """'about £26,000 (90% interval £5,800 to £58,000)'; kind is 'money', 'children' or 'count'."""
    if kind == "money":
        return f"{money(interval.central)} (90% interval {money(interval.low, about=False)} to {money(interval.high, about=False)})"
    if kind == "children":
        return (
            f"{children(interval.central)} (90% interval {children_number(interval.low)} to "
            f"{children_number(interval.high)})"
        )
    return f"about {about_count(interval.central)} (90% interval {about_count(interval.low)} to {about_count(interval.high)})"


def figure_lines(est: fgc.Estimate) -> list[tuple[str, str]]:
    """The headline figures as (label, text) pairs: the same everywhere the estimate is shown."""
    return [
        (
            "Children entering pre-proceedings a year",
            interval_text(est.pre_proceedings_children, "count")
            if est.demand is not None
            else f"{est.pre_proceedings_children.central:,.0f} (set by the council)",
        ),
        ("Children avoiding care a year", interval_text(est.children_avoiding_care, "children")),
        ("Days in care avoided a year", interval_text(est.days_in_care_avoided, "count")),
        ("Cost of conferences a year", interval_text(est.conference_cost, "money")),
        ("Net saving a year", interval_text(est.net_saving, "money")),
        ("Chance that the net saving is above zero", chance(est.probability_positive)),
    ]


def figures_markdown(est: fgc.Estimate) -> str:
    return "\n".join(f"- **{label}:** {text}" for label, text in figure_lines(est))


def figures_html(est: fgc.Estimate) -> str:
    return markup.render("figures.html.j2", lines=figure_lines(est))


def figures_plain(est: fgc.Estimate) -> str:
    return " ".join(f"{label}: {text}." for label, text in figure_lines(est))


def headline(est: fgc.Estimate) -> str:
    """The local result as a Markdown paragraph and list."""
    return (
        f"**{est.area}.** With {offer_text(est)}, and every other input over its range, the simulation "
        f"({est.draws:,} draws) gives these medians and 90% intervals. Children entering pre-proceedings "
        f"are {demand_text(est)}.\n\n" + figures_markdown(est)
    )


def key_points(est: fgc.Estimate, trial: fgc.TrialResults = fgc.TRIAL) -> str:
    """The chapter's key points (a Markdown list): the trial, then the area's estimate in the headline's words."""
    effect_points = round(trial.effect * 100, 1)
    points = [
        f"- In a randomised trial in {trial.local_authorities} councils, children whose families were referred for "
        f"an FGC at pre-proceedings were {effect_points:g} percentage points less likely to be in care a year later "
        f"({trial.looked_after_fgc:.1%} against {trial.looked_after_usual:.1%}).",
        f"- With {offer_text(est)}, the estimate for {est.area} is "
        f"{interval_text(est.children_avoiding_care, 'children')} avoiding care a year.",
        f"- The net saving is {interval_text(est.net_saving, 'money')} a year after paying for the conferences, "
        f"and the chance that it is above zero is {chance(est.probability_positive)}.",
    ]
    d = est.demand
    if d is None:
        points.append(f"- The number of children entering pre-proceedings in {est.area} was set by the council.")
    elif d.uses_england_rate and d.area != "England":
        points.append(f"- {est.area} publishes no Cafcass care application rate, so the estimate uses England's.")
    else:
        points.append(
            f"- Children entering pre-proceedings are estimated from {d.area}'s own Cafcass care application rates "
            f"for {financial_year(d.years[0])} to {financial_year(d.years[-1])}."
            if len(d.years) > 1
            else f"- Children entering pre-proceedings are estimated from {d.area}'s own Cafcass care application "
            f"rate for {financial_year(d.years[0])}."
        )
    if est.settings.already_offered is None:
        points.append(
            "- This is the trial-comparable estimate: as in the trial, no family is taken to be offered an FGC now. "
            "A council that already offers them to some families gains less, and should set its own share."
        )
    return "\n".join(points)


def finding(est: fgc.Estimate) -> str:
    """A chart title: the finding in one sentence."""
    net = est.net_saving
    verb = "saving" if net.central >= 0 else "costing"
    return (
        f"{est.area}: {about_children(est.children_avoiding_care.central)} a year could avoid care, "
        f"{verb} {money(abs(net.central))} net a year (90% interval {money(net.low, about=False)} to "
        f"{money(net.high, about=False)})"
    )


# Tables --------------------------------------------------------------------------------------------------

QUANTITIES = {
    "pre_proceedings_children": "Children entering pre-proceedings a year",
    "children_offered": "Children newly offered an FGC a year",
    "children_avoiding_care": "Children avoiding care a year",
    "days_in_care_avoided": "Days in care avoided a year",
    "gross_saving": "Saving on care a year (£)",
    "conference_cost": "Cost of conferences a year (£)",
    "net_saving": "Net saving a year (£)",
}


def _rounded(name: str, value: float) -> float:
    """Children to two decimals (the words then round to whole numbers); money and days to two significant figures."""
    return float(round(value, 2)) if name.startswith("children") else significant(value)


def results_table(est: fgc.Estimate) -> pd.DataFrame:
    """Median and 90% interval of every output, rounded as the text rounds them."""
    return pd.DataFrame(
        [
            {
                "Quantity": label,
                "Median": _rounded(k, est.figures[k].central),
                "5th percentile": _rounded(k, est.figures[k].low),
                "95th percentile": _rounded(k, est.figures[k].high),
            }
            for k, label in QUANTITIES.items()
            if k in est.figures
        ]
    )


def _cost_text(cost: fgc.Cost) -> str:
    year = f"{cost.price_year} prices{' (our reading of its date)' if cost.price_year_is_ours else ''}"
    amount = money(cost.amount, exact=True)
    return f"{amount} ({year}), {money(cost.uprated, exact=True)} in {fgc.PRICE_YEAR} prices"


def _given() -> dict[str, str]:
    """What each national input's source actually gives, and what the guide chose (plain text)."""
    t = fgc.TRIAL
    nao = fgc.RESIDENTIAL_YEAR_NAO_2024
    return {
        "effect": (
            f"The trial: {t.looked_after_fgc:.1%} of children referred and {t.looked_after_usual:.1%} with usual "
            f"services were looked after 12 months after the letter. No confidence interval is published; the "
            f"range is ours (see the method)."
        ),
        "proceedings_share": (
            f"The trial: care proceedings were issued for {t.proceedings_usual:.1%} of children with usual services. "
            f"The range is ours."
        ),
        "proceedings_share_fgc": (
            f"The trial: care proceedings were issued for {t.proceedings_fgc:.1%} of children referred for an FGC. "
            f"The range is ours."
        ),
        "children_per_family": (
            f"{t.children:,} children in {t.families:,} families analysed (Community Care); {t.families_randomised:,} "
            f"families randomised (the article)."
        ),
        "share_after_pre_proceedings": (
            "Pre-proceedings had been used in about half of the care cases in six authorities (Masson and "
            "colleagues, 2013). The range is ours."
        ),
        "already_offered": (
            f"None of the {t.local_authorities} trial councils offered FGCs at pre-proceedings before the trial, so "
            f"0 is the trial-comparable value. No source gives a share for today; a council sets its own."
        ),
        "days_avoided_per_child": (
            f"The trial: {t.days_in_care_fgc:.0f} against {t.days_in_care_usual:.0f} days in care on average. "
            f"Foundations' page says the six months after referral; the 12-month window and the range are ours."
        ),
        "foster_week": (
            "PSSRU 2017: "
            + _cost_text(fgc.FOSTER_WEEK_PSSRU_2017)
            + " a week; DfE answer: "
            + _cost_text(fgc.FOSTER_WEEK_DFE_2016)
            + "; CMA, largest independent agencies: "
            + _cost_text(fgc.FOSTER_WEEK_CMA_2021)
            + "."
        ),
        "residential_week": (
            f"NAO: {_cost_text(nao)} a year for an average place; DfE answer, council home: "
            + _cost_text(fgc.RESIDENTIAL_WEEK_DFE_2016)
            + " a week; CMA, largest private providers: "
            + _cost_text(fgc.RESIDENTIAL_WEEK_CMA_2021)
            + " a week. The newest figure is the peak."
        ),
        "residential_share": (
            f"{fgc.RESIDENTIAL_SHARE_ALL_CLA_2024:.0%} of all looked-after children were in secure or children's "
            f"homes on 31 March 2024 (the upper limit); the central value, half of that, is ours."
        ),
        "conference_cost": "No cost per conference in the sources we could read; the value and the range are ours.",
    }


def source_gives(est: fgc.Estimate, name: str) -> str:
    """What an input's source gives, in plain text (a council's own value says so)."""
    item = est.inputs[name]
    if "council" in item.sources:
        return "Set by the council."
    if name == "care_application_rate":
        d = est.demand
        whose = (
            "England's (none published for the area)" if d.uses_england_rate and d.area != "England" else "The area's"
        )
        rates = ", ".join(f"{r:g}" for r in d.rates)
        return (
            f"{whose} Cafcass care applications per 10,000 children aged 0 to 17, "
            f"{financial_year(d.years[0])} to {financial_year(d.years[-1])}: {rates} (DfE LAIT)."
        )
    return _given()[name]


def assumptions_table(est: fgc.Estimate) -> pd.DataFrame:
    """Every input of a run: central value, range, its shape and where the value and the range come from."""
    rows = []
    for name, item in est.inputs.items():
        rows.append(
            {
                "Input": LABELS[name],
                "Central": input_value(name, item.central),
                "Range": "none (fixed)"
                if item.shape == "fixed"
                else f"{input_value(name, item.low)} to {input_value(name, item.high)}",
                "Distribution": SHAPES[item.shape],
                "Source of the value": sources_text(item.sources),
                "Source of the range": "" if item.shape == "fixed" else sources_text(item.range_sources),
                "What the source gives": source_gives(est, name),
                "Price year": item.price_year or "",
            }
        )
    return pd.DataFrame(rows)


def summary(est: fgc.Estimate) -> dict:
    """summary.json's ``fgc`` section, rounded so that the words made from it are the page's words: money and
    days to two significant figures, children to two decimals (so small areas are not 0)."""

    def block(key: str) -> dict:
        return _block(key, est.figures[key])

    return {
        "price_year": fgc.PRICE_YEAR,
        "pre_proceedings_children_per_year": block("pre_proceedings_children"),
        "pre_proceedings_source": demand_text(est),
        # whose Cafcass care application rate the estimate rests on: the area's own, or England's where none is published
        "care_application_rate_of": "England" if est.demand is not None and est.demand.uses_england_rate else est.area,
        "children_avoiding_care_per_year": block("children_avoiding_care"),
        "days_in_care_avoided_per_year": block("days_in_care_avoided"),
        "conference_cost_gbp": block("conference_cost"),
        "net_saving_gbp": {**block("net_saving"), "probability_positive": round(est.probability_positive, 4)},
        "draws": est.draws,
        "seed": est.seed,
        "assumptions": {
            name: {
                "value": round(item.central, 4),
                "low": round(item.low, 4),
                "high": round(item.high, 4),
                "distribution": item.shape,
                "source": ", ".join(item.sources),
                "range_source": ", ".join(item.range_sources),
                "source_gives": source_gives(est, name),
                "price_year": item.price_year,
            }
            for name, item in est.inputs.items()
        },
        "by_already_offered": [
            {
                "share": share,
                "children": _block("children_avoiding_care", figures["children_avoiding_care"]),
                "net_saving_gbp": _block("net_saving", figures["net_saving"]),
            }
            for share, figures in fgc.by_already_offered(est)
        ],
    }


def _block(key: str, f: fgc.Interval) -> dict:
    return {"central": _rounded(key, f.central), "low": _rounded(key, f.low), "high": _rounded(key, f.high)}


# Charts ----------------------------------------------------------------------------------------------------


def _money_scale(values: list[float]) -> tuple[float, str]:
    """Pounds in millions, thousands or (for the smallest councils, e.g. Isles of Scilly) pounds."""
    top = max(abs(v) for v in values) if values else 0
    return (1e6, "£ million a year") if top >= 1e6 else (1e3, "£ thousand a year") if top >= 1e3 else (1, "£ a year")


def axis_format(span: float) -> str:
    """A value format whose axis ticks differ across ``span``: whole numbers from 5 up, else enough
    decimals for ticks about a sixth of the span apart (0.7 -> one decimal, 0.02 -> three), never
    '0 0 0 0 0' for an answer below 1 (Isles of Scilly's children avoiding care)."""
    if not math.isfinite(span) or span >= 5:
        return "{:,.0f}"
    decimals = 1 if span <= 0 else max(1, -math.floor(math.log10(span / 6)))
    return f"{{:,.{min(decimals, 6)}f}}"


MONEY_KEYS = ("conference_cost", "gross_saving", "net_saving")


def money_span(estimates: list[fgc.Estimate]) -> tuple[float, float]:
    """The lowest and highest money figure (£) of several estimates: one axis for all of them."""
    values = [v for est in estimates for k in MONEY_KEYS for v in (est.figures[k].low, est.figures[k].high)]
    return min([*values, 0.0]), max([*values, 0.0])


def money_chart(est: fgc.Estimate, span: tuple[float, float] | None = None):
    """Range chart of conference cost, saving on care and net saving (median and 90% interval); with
    ``span`` (``money_span`` of several estimates) the unit and the axis are that span's, so charts
    of several settings share one scale."""
    keys = MONEY_KEYS
    rows = ["Cost of conferences", "Saving on care", "Net saving"]
    own = [est.figures[k].high for k in keys] + [est.figures[k].low for k in keys]
    scale, unit = _money_scale(list(span) if span else own)
    ends = [v / scale for v in (span or own)] + [0.0]
    fmt = "{:,.1f}" if scale == 1e6 else axis_format(max(ends) - min(ends))
    fig = charts.estimate_range_chart(
        rows,
        [significant(est.figures[k].central) / scale for k in keys],
        [significant(est.figures[k].low) / scale for k in keys],
        [significant(est.figures[k].high) / scale for k in keys],
        title=finding(est),
        x_title=unit,
        value_format=fmt,
        reference=0,
        reference_label="Break even",
    )
    if span:
        pad = (max(ends) - min(ends)) * 0.05
        fig.update_xaxes(range=[min(ends) - pad, max(ends) * 1.35 + pad], autorange=False)
    alt = (
        f"Range chart of money a year in {est.area}: each row shows the median of {est.draws:,} simulated draws "
        f"and a bar for the 90% interval; a dashed line marks break even. "
        f"Cost of conferences {interval_text(est.conference_cost, 'money')}. "
        f"Saving on care {interval_text(est.gross_saving, 'money')}. Net saving {interval_text(est.net_saving, 'money')}; "
        f"the chance that it is above zero is {chance(est.probability_positive)}."
    )
    return fig, charts.chart_table(results_table(est), value_format="{:,.10g}"), alt


OUTPUT_WORDS = {
    "net_saving": ("net saving", "Net saving a year (£)"),
    "children_avoiding_care": ("number of children avoiding care", "Children avoiding care a year"),
}


def _output_value(output: str, value: float) -> str:
    return money(value, about=False) if output == "net_saving" else children_number(value)


def tornado_figure(est: fgc.Estimate, sens: pd.DataFrame, output: str) -> go.Figure:
    """Bars from the median outwards: the output's median with each input held at its low and at its high."""
    sens = sens[sens["swing"] > 0]
    base = float(est.figures[output].central)
    words, axis = OUTPUT_WORDS[output]
    names = [charts.chart_text(SHORT[n], 26) for n in sens["input"]]
    traces = []
    for index, (end, at) in enumerate((("low", "at_low"), ("high", "at_high"))):
        texts = [
            f"{end} {input_value(n, v)}{PER.get(n, '')}: {_output_value(output, r)}"
            for n, v, r in zip(sens["input"], sens[end], sens[at])
        ]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": names,
                "x": [r - base for r in sens[at]],
                "base": base,
                "name": f"Input at the {end} end of its range",
                "marker": {
                    "color": charts.PALETTE[index],
                    "pattern": {"shape": charts.BAR_PATTERNS[index], "fgcolor": "#FFFFFF"},
                },
                "text": [html.escape(t) for t in texts],
                "textposition": "outside",
                "cliponaxis": False,
                "constraintext": "none",
                "hovertext": [f"{n}: {html.escape(t)}" for n, t in zip(names, texts)],
                "hoverinfo": "text",
            }
        )
    if sens.empty:
        title = f"{est.area}: no input changes the {words}"
    else:
        top = sens.iloc[0]
        low, high = sorted((top["at_low"], top["at_high"]))
        title = (
            f"{est.area}: the {SHORT[top['input']].lower()} moves the {words} most, from "
            f"{_output_value(output, low)} to {_output_value(output, high)}"
        )
    ends = list(sens["at_low"]) + list(sens["at_high"]) + [base]
    span = (max(ends) - min(ends)) or 1
    annotations = [charts.reference_caption(base, html.escape(f"Median {_output_value(output, base)}"))]
    return charts.figure(
        traces,
        title,
        barmode="overlay",
        hovermode="closest",
        xaxis=charts.value_axis(
            axis, axis_format(1.9 * span), range=[min(ends) - 0.45 * span, max(ends) + 0.45 * span]
        ),
        yaxis={"autorange": "reversed", "showgrid": False},
        shapes=[charts.reference_line(base, "x", width=1.5)],
        annotations=annotations,
        height=170 + 48 * max(len(names), 1),
        margin={"l": 230, "r": 40, "t": 120, "b": 70},
    )


def tornado(est: fgc.Estimate):
    """Which input moves the answer most: net saving and children avoiding care, behind a menu."""
    views, tables, lines = {}, [], []
    for output in ("net_saving", "children_avoiding_care"):
        sens = fgc.sensitivity(est, output)
        words, axis = OUTPUT_WORDS[output]
        views[axis] = tornado_figure(est, sens, output)
        moving = sens[sens["swing"] > 0]
        tables.append(
            pd.DataFrame(
                {
                    "Answer": axis,
                    "Input": [LABELS[n] for n in moving["input"]],
                    "Low end": [input_value(n, v) for n, v in zip(moving["input"], moving["low"])],
                    "Median with the input at its low end": [_output_value(output, v) for v in moving["at_low"]],
                    "High end": [input_value(n, v) for n, v in zip(moving["input"], moving["high"])],
                    "Median with the input at its high end": [_output_value(output, v) for v in moving["at_high"]],
                }
            )
        )
        order = ", ".join(SHORT[n][0].lower() + SHORT[n][1:] for n in moving["input"].head(3))
        lines.append(
            f"{axis}: median {_output_value(output, est.figures[output].central)}; the inputs that move it "
            f"most are {order}."
        )
    fig = dropdown.combine(views, "Answer:")
    alt = (
        f"Tornado chart for {est.area} with a menu for the answer shown. For each input a bar runs from the "
        f"median of the answer with that input at the low end of its range to the median with it at the high end, "
        f"every other input varying as in the simulation; the longest bar is at the top. "
        + " ".join(lines)
        + " Inputs that do not change an answer are left out. The data table gives every bar."
    )
    return fig, charts.chart_table(pd.concat(tables, ignore_index=True)), alt


def national_chart(nat: fgc.National):
    """England's own run beside the sum of the LAs' runs, with Foundations' headline marked."""
    rows = {
        "England's own run": nat.england.figures["children_avoiding_care"],
        f"Sum of the {len(nat.areas)} local authorities": nat.sum_of_areas["children_avoiding_care"],
    }
    e = nat.england.children_avoiding_care
    fig = charts.estimate_range_chart(
        list(rows),
        [r.central for r in rows.values()],
        [r.low for r in rows.values()],
        [r.high for r in rows.values()],
        title=(
            f"England: {about_children(e.central)} a year could avoid care (90% interval {children_number(e.low)} "
            f"to {children_number(e.high)}), below Foundations' headline of more than 2,000"
        ),
        x_title="Children avoiding care a year",
        value_format="{:,.0f}",
        reference=FOUNDATIONS_CHILDREN,
        reference_label="Foundations: more than 2,000",
    )
    table = pd.DataFrame(
        [
            {"Run": k, "Median": round(v.central), "5th percentile": round(v.low), "95th percentile": round(v.high)}
            for k, v in rows.items()
        ]
    )
    alt = (
        f"Range chart of children avoiding care a year in England. England's own run: {interval_text(e, 'children')}. "
        f"The sum of the {len(nat.areas)} local authority runs: "
        f"{interval_text(nat.sum_of_areas['children_avoiding_care'], 'children')}. A dashed line marks Foundations' "
        f"headline of more than 2,000 children a year."
    )
    return fig, charts.chart_table(table, value_format="{:,.0f}"), alt


def la_chart(nat: fgc.National, count: int = 15):
    """The LAs with the most children avoiding care (median and 90% interval); the table has every LA."""
    top = nat.areas.sort_values("children_avoiding_care", ascending=False)
    head = top.head(count)
    fig = charts.estimate_range_chart(
        list(head["la_name"]),
        [round(v, 1) for v in head["children_avoiding_care"]],
        [round(v, 1) for v in head["children_avoiding_care_low"]],
        [round(v, 1) for v in head["children_avoiding_care_high"]],
        title=(
            f"The largest councils account for the most children: {top['la_name'].iloc[0]} leads with about "
            f"{children(top['children_avoiding_care'].iloc[0])} a year"
        ),
        x_title="Children a year avoiding care (median and 90% interval)",
        value_format="{:,.0f}",
    )
    table = pd.DataFrame(
        {
            "Local authority": top["la_name"],
            "Region": top["region_name"],
            "Children entering pre-proceedings (median)": top["pre_proceedings_children"].map(significant),
            "Children avoiding care (median)": top["children_avoiding_care"].round(1),
            "5th percentile": top["children_avoiding_care_low"].round(1),
            "95th percentile": top["children_avoiding_care_high"].round(1),
            "Net saving (£, median)": top["net_saving"].map(significant),
            "Uses England's rate": top["uses_england_rate"].map({True: "yes", False: "no"}),
        }
    )
    alt = (
        f"Range chart of the {count} local authorities with the most children estimated to avoid care a year, "
        f"median and 90% interval. The data table lists every local authority in England, largest first."
    )
    return fig, charts.chart_table(table, value_format="{:,.10g}"), alt


# Foundations' headline ----------------------------------------------------------------------------------


def headline_conditions(est: fgc.Estimate) -> str:
    """What our model would need for Foundations' 2,000 children a year and £150m within two years (Markdown)."""
    e = est.children_avoiding_care
    p2000 = fgc.probability_at_least(est, "children_avoiding_care", FOUNDATIONS_CHILDREN)
    old = {"share_after_pre_proceedings": 1.0, "already_offered": 0.0}
    old_children = fgc.median_with(est, "children_avoiding_care", old)
    old_net_two = 2 * fgc.median_with(est, "net_saving", old)
    need_children = fgc.needed_for(
        est, "children_avoiding_care", FOUNDATIONS_CHILDREN, ("effect", "share_after_pre_proceedings")
    )
    need_money = fgc.needed_for(
        est, "net_saving", FOUNDATIONS_SAVING_TWO_YEARS / 2, ("days_avoided_per_child", "foster_week")
    )
    effect = est.inputs["effect"]
    parts = [
        f"Our median for England is {children(e.central)} a year (90% interval {children_number(e.low)} to "
        f"{children_number(e.high)}), with {already_text(est)}; {chance(p2000)} of the draws reach 2,000. Our figure "
        f"is not evidence for or against Foundations' headline, because we do not know how it was made. What we "
        f"can say is what our model would need to reach it:\n",
        f"- **Every care application preceded by pre-proceedings.** With that, and no family offered an FGC today, "
        f"the median becomes {children(old_children)} a year, and the net saving over two years "
        f"{money(old_net_two)}. No source says that every application follows pre-proceedings; urgent cases go "
        f"straight to court.",
    ]
    if need_children.get("effect") is not None:
        parts.append(
            f"- **Or a larger effect.** With every other input over its range, the trial's effect would "
            f"have to be about {need_children['effect']:.0%} rather than {effect.central:.1%}, well outside "
            f"our 90% interval for it ({effect.low:.1%} to {effect.high:.1%})."
        )
    if "share_after_pre_proceedings" in need_children and need_children["share_after_pre_proceedings"] is None:
        parts.append(f"- No value of the {LABELS['share_after_pre_proceedings'].lower()} reaches 2,000 on its own.")
    days, foster = need_money.get("days_avoided_per_child"), need_money.get("foster_week")
    money_needs = []
    if days is not None:
        money_needs.append(
            f"each child referred spending about {days:.0f} fewer days in care rather than "
            f"{est.inputs['days_avoided_per_child'].central:.0f}"
        )
    if foster is not None:
        money_needs.append(f"foster care costing about {money(foster, about=False)} a week")
    parts.append(
        f"- **£150 million within two years.** Our median net saving is {money(2 * est.net_saving.central)} over two "
        f"years of referrals, counting only the days in care avoided in the first year after each referral, in "
        f"{fgc.PRICE_YEAR} prices. "
        + (
            f"To reach £150 million with the other inputs over their ranges would need {' or '.join(money_needs)}; "
            if money_needs
            else ""
        )
        + "savings after the first year, which the trial summaries we could read do not report, or the legal cost "
        "of proceedings avoided, which we leave out, would be other routes, but without Foundations' method we "
        "cannot say which it used."
    )
    return "\n".join(parts)


def trial_interval_text(trial: fgc.TrialResults = fgc.TRIAL) -> str:
    """How the effect's interval and the days' spread are computed (Markdown, numbers from the model)."""
    effect, days = fgc.NATIONAL_INPUTS["effect"], fgc.NATIONAL_INPUTS["days_avoided_per_child"]
    return (
        f"The trial's summaries give no confidence interval, so the interval is ours, from the two arms' "
        f"proportions ({trial.looked_after_usual:.1%} and {trial.looked_after_fgc:.1%}). Brothers and sisters share "
        f"a family's outcome, so we treat each family as a cluster: the design effect is 1 + (m − 1) × ICC with "
        f"m = {trial.children_per_family:.2f} children per family and an intra-family correlation of 1, that is "
        f"{trial.design_effect:.2f}, which leaves an effective sample of {trial.children / trial.design_effect:,.0f} "
        f"(the number of families), taken as split evenly between the arms. The standard error of the difference "
        f"is then {trial.effect_se * 100:.1f} points and the 90% interval {effect.low:.1%} to {effect.high:.1%}. "
        f"The two arms' shares reaching care proceedings take their ranges the same way, each from its own "
        f"proportion on the same effective sample. "
        f"For the days in care the spread is not published either; we use the largest standard deviation a count "
        f"of days between 0 and {trial.window_days:.0f} with these averages can have, on the same effective sample, "
        f"which gives a 90% interval of {days.low:.0f} to {days.high:.0f} days per child referred. The effect and "
        f"the days come from the same children, so a draw with a larger effect also has more days avoided: both "
        f"are drawn from one standard normal (a correlation of 1, the most the two can move together)."
    )


def per_child(est: fgc.Estimate) -> dict[str, float]:
    """Medians per child newly offered a conference: saving on care, conference cost, net saving."""
    offered = est.results["children_offered"]
    keep = offered > 0
    return {
        key: float(np.median(est.results[key][keep] / offered[keep])) if keep.any() else math.nan
        for key in ("gross_saving", "conference_cost", "net_saving")
    }


def reconciliation(est: fgc.Estimate) -> str:
    """Our net saving per child beside the trial's £960 per child referred in the first year, in plain words."""
    each = per_child(est)
    trial = fgc.FOUNDATIONS_SAVING_PER_CHILD
    cost_for_trial = (each["gross_saving"] - trial) * fgc.NATIONAL_INPUTS["children_per_family"].central
    return (
        f"Per child newly offered a conference, our model saves {money(each['gross_saving'])} on care in the first "
        f"year and spends {money(each['conference_cost'])} on conferences, a net saving of "
        f"{money(each['net_saving'])}. The trial's own economic analysis gives {money(trial, about=False)} per child "
        f"referred in the first year. The two are not the same sum. Ours is in {fgc.PRICE_YEAR} prices, with the "
        f"newest cost of a children's home (the National Audit Office's for 2023-24); the trial's figure comes from "
        f"its own cost analysis, whose costs of care and of conferences, and whose price year, the summaries we "
        f"could read do not set out. Our saving would fall to "
        f"{money(trial, about=False)} if a conference cost {money(cost_for_trial)} a family, so the cost of a "
        f"conference, which is our own assumption, could account for the whole gap; so could a cheaper day in care. "
        f"We do not tune either to match: the £960 is a check, not an input."
    )


def by_share_chart(est: fgc.Estimate):
    """Children avoiding care at 0%, 25%, 50% and 75% of families already offered an FGC (median, 90% interval)."""
    rows = fgc.by_already_offered(est)
    labels = [f"{share:.0%} offered one now" for share, _ in rows]
    kids = [figures["children_avoiding_care"] for _, figures in rows]
    nets = [figures["net_saving"] for _, figures in rows]
    first, last = kids[0], kids[-1]
    decimals = 0 if first.high >= 5 else 1 if first.high >= 0.5 else 2  # Isles of Scilly's are hundredths
    fig = charts.estimate_range_chart(
        labels,
        [round(k.central, decimals) for k in kids],
        [round(k.low, decimals) for k in kids],
        [round(k.high, decimals) for k in kids],
        title=(
            f"{est.area}: {about_children(first.central)} a year could avoid care if no family is offered an FGC now, "
            f"{about_children(last.central)} if three in four already are"
        ),
        x_title="Children avoiding care a year (median and 90% interval)",
        value_format=f"{{:,.{decimals}f}}",
    )
    table = pd.DataFrame(
        {
            "Families offered an FGC now": [f"{share:.0%}" for share, _ in rows],
            "Children avoiding care a year": [interval_text(k, "children") for k in kids],
            "Net saving a year": [interval_text(n, "money") for n in nets],
        }
    )
    alt = (
        f"Range chart for {est.area}: children avoiding care a year if every family at pre-proceedings were offered "
        f"an FGC, by the share of families offered one now. "
        + " ".join(
            f"{share:.0%}: {interval_text(k, 'children')}, net saving {interval_text(n, 'money')}."
            for (share, _), k, n in zip(rows, kids, nets)
        )
    )
    return fig, charts.chart_table(table), alt


#: England's figures from the model before the Children's Wellbeing and Schools Act update (commit 288808c,
#: 6 December 2026): children avoiding care and the net saving a year, median and 90% interval.
PREVIOUS_ENGLAND = {
    "children_avoiding_care": fgc.Interval(589.0, 263.0, 1098.0),
    "net_saving": fgc.Interval(12.4e6, 2.9e6, 26.7e6),
}


def changes_text(england: fgc.Estimate) -> str:
    """What changed in England's estimate and why (Markdown list)."""
    old_c, old_n = PREVIOUS_ENGLAND["children_avoiding_care"], PREVIOUS_ENGLAND["net_saving"]
    return "\n".join(
        [
            f"- **Before:** {interval_text(old_c, 'children')} avoiding care a year in England and a net saving of "
            f"{interval_text(old_n, 'money')}, with half of families (a quarter to three quarters) assumed to be "
            f"offered an FGC already.",
            f"- **Now:** {interval_text(england.children_avoiding_care, 'children')} and "
            f"{interval_text(england.net_saving, 'money')}, with {already_text(england)}.",
            "- **Why.** The share already offered had been attributed to a source that gives no share; it is now the "
            "trial's starting point, 0, and the chart above shows 25%, 50% and 75%. The conversion from care "
            "applications to families at pre-proceedings now blends the trial's two arms by that share. The days "
            "in care avoided are read as a first-year figure, with a wider spread, and drawn together with the "
            "effect. Every cost is now in " + fgc.PRICE_YEAR + " prices (HM Treasury's GDP deflator), and the "
            "children's home cost peaks at the newest figure, the National Audit Office's for 2023-24.",
        ]
    )


def national_text(nat: fgc.National) -> str:
    """England's own run beside the sum of the LAs (Markdown)."""
    e, total = nat.england, nat.sum_of_areas
    borrowed = int(nat.areas["uses_england_rate"].sum())
    return (
        f"England's own run gives {interval_text(e.children_avoiding_care, 'children')} avoiding care a year and a net "
        f"saving of {interval_text(e.net_saving, 'money')} a year. Adding up the {len(nat.areas)} local authorities' "
        f"runs gives {interval_text(total['children_avoiding_care'], 'children')} and "
        f"{interval_text(total['net_saving'], 'money')}. The two differ a little because each council's own rates "
        f"and populations are used, and {borrowed} areas with no published rate borrow England's. The chance that "
        f"the net saving is above zero is {chance(e.probability_positive)} in both, for the reason given above."
    )
