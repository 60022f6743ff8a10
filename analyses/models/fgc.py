"""Family Group Conferences at pre-proceedings: what offering them could mean locally.

The model scales the Foundations-commissioned randomised trial (Taylor et al. 2024; Coram for
Foundations 2023) to one area:

1. children entering pre-proceedings a year (set by the council, or estimated from Cafcass care
   applications: applications x children per family / share of pre-proceedings children who reach
   proceedings x share of applications that started in pre-proceedings);
2. children avoiding care = children offered an FGC x the trial's difference in being looked
   after 12 months on (44.8% vs 36.2%);
3. days in care avoided, the cost of conferences and the saving, from named unit costs.

Every number below is a named assumption with its source; the range comes from the
uncertainty in the trial effect and in the pre-proceedings estimate.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area

Z95 = 1.959964


@dataclass(frozen=True)
class Range:
    """A central estimate with a low and a high."""

    low: float
    central: float
    high: float

    def scaled(self, factor: float) -> "Range":
        return Range(self.low * factor, self.central * factor, self.high * factor)

    def as_dict(self, digits: int = 0) -> dict[str, float]:
        return {k: round(v, digits) if digits else int(round(v)) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class TrialResults:
    """Published results of the pre-proceedings FGC trial (FACTS [3.1]-[3.4])."""

    looked_after_fgc: float = 0.362  # looked after 12 months after the pre-proceedings letter
    looked_after_usual: float = 0.448
    proceedings_fgc: float = 0.592  # care proceedings issued
    proceedings_usual: float = 0.717
    days_in_care_fgc: float = 87.0
    days_in_care_usual: float = 115.0
    children: int = 2548  # children analysed (Community Care report of the trial)
    families: int = 1471  # families analysed; the BJSW paper reports 1,511 randomised
    local_authorities: int = 21

    @property
    def effect(self) -> float:
        """Reduction in the share of children looked after at 12 months (0.086)."""
        return self.looked_after_usual - self.looked_after_fgc

    @property
    def children_per_family(self) -> float:
        return self.children / self.families

    def effect_interval(self) -> Range:
        """Approximate 95% interval for the effect: our calculation, not the trial's.

        Conservative: each family counts as one observation (siblings share outcomes), split
        evenly between arms. The trial's own confidence intervals were not available to us.
        """
        per_arm = self.families / 2
        se = math.sqrt(self.looked_after_fgc * (1 - self.looked_after_fgc) / per_arm
                       + self.looked_after_usual * (1 - self.looked_after_usual) / per_arm)
        return Range(self.effect - Z95 * se, self.effect, self.effect + Z95 * se)


TRIAL = TrialResults()


@dataclass(frozen=True)
class Assumptions:
    """Named assumptions of the local estimate; each can be changed by a council."""

    coverage: float = 1.0  # share of pre-proceedings families offered an FGC ("every family")
    share_of_applications_after_pre_proceedings: Range = Range(0.5, 1.0, 1.0)
    # Central: every care application follows pre-proceedings, as the Public Law Outline intends;
    # low: about half did in six LAs studied by Masson and colleagues (FACTS [3.8], secondary, older data).
    cost_per_day_in_care: float = 646 / 7  # £: foster care, £646 a week (PSSRU Unit Costs 2017, FACTS [8.12])
    net_saving_per_child_referred: float = 960.0  # £ in the first year, trial cost analysis (FACTS [3.5])
    effect: float | None = None  # drop in the share looked after; None = the trial's 8.6 points
    conference_cost: float | None = None  # £ per family conference; None = implied (see cost_per_conference)

    @property
    def cost_per_conference(self) -> float:
        """£ per family conference: as set, or implied by the trial's net saving per child at our day cost.

        days saved per child x cost per day - net saving per child = cost per child referred;
        x children per family = cost per conference. An illustration, not a trial figure.
        """
        if self.conference_cost is not None:
            return self.conference_cost
        days_saved = TRIAL.days_in_care_usual - TRIAL.days_in_care_fgc
        return (days_saved * self.cost_per_day_in_care - self.net_saving_per_child_referred) * TRIAL.children_per_family

    def effect_range(self) -> Range:
        """The effect used: the trial's interval, centred on ``effect`` when one is set within it."""
        interval = TRIAL.effect_interval()
        if self.effect is None:
            return interval
        if not round(interval.low, 3) <= self.effect <= round(interval.high, 3):  # to the nearest 0.1 point
            raise ValueError(f"the effect must lie in the trial's range, {interval.low:.1%} to {interval.high:.1%}")
        return Range(interval.low, self.effect, interval.high)


DEFAULTS = Assumptions()


@dataclass(frozen=True)
class Estimate:
    """What offering FGCs at pre-proceedings could mean for one area, per year."""

    area: str
    pre_proceedings_children: Range
    pre_proceedings_source: str
    children_offered: Range
    children_avoiding_care: Range
    days_in_care_avoided: Range
    conference_cost: Range
    gross_saving: Range
    net_saving: Range

    def summary(self) -> dict:
        """Headline figures for summary.json (rounded)."""
        return {
            "pre_proceedings_children_per_year": self.pre_proceedings_children.as_dict(),
            "pre_proceedings_source": self.pre_proceedings_source,
            "children_avoiding_care_per_year": self.children_avoiding_care.as_dict(),
            "days_in_care_avoided_per_year": self.days_in_care_avoided.as_dict(),
            "conference_cost_gbp": self.conference_cost.as_dict(),
            "net_saving_gbp": self.net_saving.as_dict(),
        }

    def table(self) -> pd.DataFrame:
        """The estimate as a table (one row per quantity) for display and download."""
        rows = {
            "Children entering pre-proceedings a year": self.pre_proceedings_children,
            "Children whose families are offered an FGC": self.children_offered,
            "Children avoiding care": self.children_avoiding_care,
            "Days in care avoided": self.days_in_care_avoided,
            "Cost of conferences (£)": self.conference_cost,
            "Saving on care (£)": self.gross_saving,
            "Net saving (£)": self.net_saving,
        }
        return pd.DataFrame([{"Quantity": k, "Low": v.low, "Central": v.central, "High": v.high} for k, v in rows.items()])


def care_applications(ds: Dataset, area: Area) -> tuple[float, str]:
    """Care applications a year in an area, and how they were found.

    The area's Cafcass rate for the latest year England has, x its child population at the
    previous mid-year (the rate's denominator year). Where the area's rate is not published
    (suppressed or not available), England's rate stands in and the method says so.
    """
    national = ds.series("care_applications_rate", ENGLAND).dropna(subset=["value"])
    year = int(national["time_period"].max())
    own = ds.series("care_applications_rate", area)
    own = own[(own["time_period"] == year) & own["value"].notna()]
    if not own.empty:
        rate, whose = float(own["value"].iloc[0]), f"{area.name}'s"
    else:
        rate, whose = float(national["value"].iloc[-1]), f"England's (no {year} rate is published for {area.name})"
    population = ds.series("population_0_17", area).dropna(subset=["value"])
    population = population[population["time_period"] <= year - 1]
    if population.empty:
        raise ValueError(f"no child population is published for {area.name}; set pre_proceedings_children instead")
    pop = float(population["value"].iloc[-1])
    how = (f"{whose} Cafcass care application rate, {rate:g} per 10,000 children in {year - 1}-{str(year)[2:]}, "
           f"x {pop:,.0f} children aged 0-17 (mid-{int(population['time_period'].iloc[-1])})")
    return rate * pop / 10_000, how


def estimate_pre_proceedings_children(applications: float, assumptions: Assumptions = DEFAULTS) -> Range:
    """Children entering pre-proceedings a year, from care applications a year."""
    per_application = TRIAL.children_per_family / TRIAL.proceedings_usual
    return assumptions.share_of_applications_after_pre_proceedings.scaled(applications * per_application)


def estimate(pre_proceedings_children: Range | float, area_name: str, source: str,
             assumptions: Assumptions = DEFAULTS) -> Estimate:
    """Scale the trial to an area with a given number of children entering pre-proceedings."""
    if not isinstance(pre_proceedings_children, Range):
        n = float(pre_proceedings_children)
        pre_proceedings_children = Range(n, n, n)
    if min(asdict(pre_proceedings_children).values()) < 0:
        raise ValueError("children entering pre-proceedings cannot be negative")
    if not 0 <= assumptions.coverage <= 1:
        raise ValueError("coverage must be between 0 and 1")
    if assumptions.cost_per_conference < 0 or assumptions.cost_per_day_in_care < 0:
        raise ValueError("costs cannot be negative")
    effect = assumptions.effect_range()
    offered = pre_proceedings_children.scaled(assumptions.coverage)
    avoiding = Range(offered.low * effect.low, offered.central * effect.central, offered.high * effect.high)
    days_per_child = (TRIAL.days_in_care_usual - TRIAL.days_in_care_fgc) / TRIAL.effect
    days = avoiding.scaled(days_per_child)
    cost = offered.scaled(assumptions.cost_per_conference / TRIAL.children_per_family)
    gross = days.scaled(assumptions.cost_per_day_in_care)
    net = Range(gross.low - cost.low, gross.central - cost.central, gross.high - cost.high)
    return Estimate(area_name, pre_proceedings_children, source, offered, avoiding, days, cost, gross, net)


def estimate_for_area(ds: Dataset, area: Area, pre_proceedings_children: float | None = None,
                      assumptions: Assumptions = DEFAULTS) -> Estimate:
    """The local estimate: from the council's own pre-proceedings count, or estimated from data."""
    if pre_proceedings_children is not None:
        return estimate(pre_proceedings_children, area.name, "set by the user", assumptions)
    applications, how = care_applications(ds, area)
    return estimate(estimate_pre_proceedings_children(applications, assumptions), area.name,
                    f"estimated from {how}", assumptions)


def all_areas(ds: Dataset, assumptions: Assumptions = DEFAULTS) -> pd.DataFrame:
    """The estimate for every current LA (one row each), for the national roll-up.

    Same method as ``care_applications`` and ``estimate_for_area``, over all LAs at once.
    """
    national = ds.series("care_applications_rate", ENGLAND).dropna(subset=["value"])
    year, england_rate = int(national["time_period"].iloc[-1]), float(national["value"].iloc[-1])
    rates = ds.la_values("care_applications_rate", year).set_index("old_la_code")["value"]
    population = ds.rows("population_0_17")
    population = (population[(population["geographic_level"] == "Local authority") & (population["time_period"] <= year - 1)]
                  .dropna(subset=["value"]).sort_values("time_period").groupby("old_la_code")["value"].last())
    rows = []
    for area in ds.areas():
        rate = rates.get(area.old_la_code, float("nan"))
        uses_england = pd.isna(rate)
        applications = (england_rate if uses_england else rate) * population[area.old_la_code] / 10_000
        est = estimate(estimate_pre_proceedings_children(applications, assumptions), area.name, "", assumptions)
        rows.append({"la_name": area.name, "old_la_code": area.old_la_code, "region_name": area.region_name,
                     "pre_proceedings_children": est.pre_proceedings_children.central,
                     "children_avoiding_care": est.children_avoiding_care.central,
                     "children_avoiding_care_low": est.children_avoiding_care.low,
                     "children_avoiding_care_high": est.children_avoiding_care.high,
                     "net_saving": est.net_saving.central,
                     "uses_england_rate": uses_england})
    return pd.DataFrame(rows)


def gbp(amount: float) -> str:
    """Pounds for a sentence: 78193 -> '£78,193'; -22060 -> '−£22,060'."""
    return f"{'−' if amount < 0 else ''}£{abs(amount):,.0f}"


def with_assumptions(**changes) -> Assumptions:
    """Defaults with some assumptions changed (e.g. coverage=0.5)."""
    return replace(DEFAULTS, **changes)
