"""Static stand-ins for the workshop widgets, for the published site (no kernel).

Each function precomputes the widget's view at a few settings and puts them behind a plotly
dropdown (``dropdown.combine``), with one data table covering every setting and a text
alternative. Same views as the live widgets, so the book and workshop mode agree.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.models import fgc
from analyses.models import tiers as widget_tiers
from analyses.views import dropdown
from analyses.views import fgc as fgc_words
from analyses.views.wording import children_number, money
from analyses.workshop import fgc as widget_fgc
from analyses.workshop import views as widget_views

Static = tuple[go.Figure, pd.DataFrame, str]  # chart, data table, text alternative

ALREADY_OFFERED = {  # menu label -> share of families offered an FGC now (None: the guide's default, none)
    "None, as in the trial": None,
    "A quarter": 0.25,
    "Half": 0.5,
    "Three quarters": 0.75,
}
SPLITS = {  # budget shares (per cent) by tier: universal, selective, targeted, specialist
    "Even: 25% to each tier": (25, 25, 25, 25),
    "Earlier: 40%, 30%, 20%, 10%": (40, 30, 20, 10),
    "Later: 10%, 20%, 30%, 40%": (10, 20, 30, 40),
}


def randomise_states(true_effect: float = 0.3, families: int = 400) -> Static:
    """Why randomise? at each way support can be handed out."""
    options = sorted(widget_views.REFERRAL_OPTIONS.items(), key=lambda item: -item[1])  # more problems first
    views = {label: widget_views.randomise_view(true_effect, selection, families) for label, selection in options}
    table = pd.concat(
        [v.table.data.assign(**{"Who gets support more often": label}) for label, v in views.items()], ignore_index=True
    )
    table = table[["Who gets support more often", *[c for c in table.columns if c != "Who gets support more often"]]]
    naive = table[table["Design"] == widget_views.NAIVE]["Average estimate"]
    trial = table[table["Design"] == widget_views.TRIAL]["Average estimate"]
    alt = (
        f"Range chart with a menu for who gets support more often. For each choice it shows the average estimate "
        f"and the middle 95% of {widget_views.STUDIES} simulated studies of {families} families, for a naive "
        f"comparison and a randomised trial, against a true effect of {true_effect:.2f}. Naive comparisons "
        f"average from {naive.min():.2f} to {naive.max():.2f} depending on the choice; randomised trials average "
        f"{_span(trial)} whatever the choice. The data table gives every choice."
    )
    return _combine(views, "Who gets support more often:"), table, alt


def fgc_states(ds: Dataset, area: Area, settings: dict | None = None) -> Static:
    """FGC roll-out for an area at several shares of families already offered one now, with the council's
    other settings (``--set``) as the chapter has them; the first entry is the chapter's own estimate (the
    council's share where it set one), so the tool and the chapter show the same figures."""
    settings = {key: value for key, value in (settings or {}).items() if key in fgc.SETTINGS}
    states = dict(ALREADY_OFFERED)
    if settings.get("already_offered") is not None:
        states = {f"The council's setting, {settings['already_offered']:.0%}": settings["already_offered"], **states}
        states = {label: share for label, share in states.items() if share is not None}
    views, tables, words = {}, [], []
    estimates = {
        label: widget_fgc.rollout(ds, area, **{**settings, "already_offered": share}) for label, share in states.items()
    }
    span = fgc_words.money_span(list(estimates.values()))  # one axis and unit for every choice
    first, default = next(iter(estimates.items()))
    for label, estimate in estimates.items():
        views[label] = widget_views.fgc_view(estimate, span=span)
        tables.append(fgc_words.results_table(estimate).assign(**{"Families offered an FGC now": label}))
        change = (
            ""
            if estimate is default
            else f" Against {first[:1].lower()}{first[1:]}: {fgc_words.about_children(estimate.children_avoiding_care.central)}"
            f" avoiding care instead of {fgc_words.about_children(default.children_avoiding_care.central)}, and a net"
            f" saving of {money(estimate.net_saving.central)} instead of {money(default.net_saving.central)}."
        )
        words.append(f"{label}: {fgc_words.figures_plain(estimate)}{change}")
    table = pd.concat(tables, ignore_index=True)
    table = table[["Families offered an FGC now", *[c for c in table.columns if c != "Families offered an FGC now"]]]
    alt = (
        f"Range chart of money a year in {area.name} if every family at pre-proceedings were offered an FGC, with "
        f"a menu for the share of families offered one now. For each share it shows the cost of conferences, the "
        f"saving on care and the net saving: medians and 90% intervals of the simulation. "
        + " ".join(words)
        + " The data table gives every quantity for every share."
    )
    return _combine(views, "Families offered an FGC now:"), table, alt


def compare_states(ds: Dataset, area: Area) -> Static:
    """An area's trend on every comparable indicator, one per menu entry."""
    indicators = widget_views.comparable_indicators(ds)
    views = {title: widget_views.compare_view(ds, area, indicator) for title, indicator in indicators.items()}
    table = pd.concat([v.table.data.assign(Indicator=title) for title, v in views.items()], ignore_index=True)
    table = table[["Indicator", *[c for c in table.columns if c != "Indicator"]]]
    alt = (
        f"Line chart with a menu of {len(views)} indicators. Each shows {area.name}'s trend against the average of "
        f"its statistical neighbours, {area.region_name} and England, each neighbour as a thin grey line. "
        + " ".join(f"{v.title}." for v in views.values())
        + " The data table gives every value."
    )
    return _combine(views, "Indicator:"), table, alt


def tier_states(ds: Dataset, area: Area, budget: float = 5e6, splits: dict[str, tuple] | None = None) -> Static:
    """The tier planner for an area at a few budget splits, with the default costs and take-up."""
    demand = widget_tiers.downstream_demand(ds, area)
    costs = {t: a.cost_per_family for t, a in widget_tiers.DEFAULTS.items()}
    take_up = {t: a.take_up for t, a in widget_tiers.DEFAULTS.items()}
    views, plans = {}, []
    for label, shares in (splits or SPLITS).items():
        plan = widget_tiers.plan(budget, dict(zip(widget_tiers.TIERS, shares)), costs, take_up)
        views[label] = widget_views.tier_view(plan, demand, area.name, budget)
        plans.append(plan.assign(split=label))
    table = pd.concat(plans, ignore_index=True)[["split", "tier", "share_pct", "spend", "places", "families_reached"]]
    table.columns = ["Budget split", "Tier", "Share (%)", "Spend (£)", "Places", "Families reached"]
    alt = (
        f"Bar chart with a menu of budget splits for {money(budget, exact=True)} a year in {area.name}. Each "
        f"shows the families reached at each tier beside the area's latest referrals, children in need, "
        f"protection plans and children looked after. {tier_reach_sentence(plans, budget)} "
        f"{widget_views.looked_after_clause(demand, area.name)}The data table gives every tier for every split."
    )
    return _combine(views, "Budget split:"), table, alt


def tier_reach_sentence(plans: list[pd.DataFrame], budget: float) -> str:
    """One sentence on the families each split reaches, saying the budget once (plans carry a ``split`` column)."""
    parts = []
    for plan in plans:
        total = plan["families_reached"].sum()
        top = plan.loc[plan["families_reached"].idxmax(), "tier"].lower() if total > 0 else None
        name, _, shares = plan["split"].iloc[0].partition(": ")
        parts.append(
            f"about {children_number(total)} families with the {name.lower()} split ({shares})"
            + (f", most at the {top} tier" if top else "")
        )
    return f"A year, {money(budget, exact=True)} reaches " + "; ".join(parts) + "."


def _span(values: pd.Series) -> str:
    low, high = f"{values.min():.2f}", f"{values.max():.2f}"
    return low if low == high else f"from {low} to {high}"


def _combine(views: dict[str, widget_views.View], caption: str) -> go.Figure:
    return dropdown.combine({label: view.figure for label, view in views.items()}, caption)


def tier_assumptions() -> pd.DataFrame:
    """The tier planner's default costs and take-up, with where each comes from (for a table)."""
    return pd.DataFrame(
        [
            {
                "Tier": a.tier,
                "Example from the talk": a.example,
                "Cost per family": money(a.cost_per_family, exact=True),
                "Where the cost comes from": a.cost_source,
                "Take-up": f"{a.take_up:.0%}",
                "Where the take-up comes from": a.take_up_source,
            }
            for a in widget_tiers.DEFAULT_ASSUMPTIONS
        ]
    )
