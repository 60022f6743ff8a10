"""Prevention tier planner: split a budget across four tiers of support and count families reached.

Money buys places at each tier (budget share / cost per place); take-up decides how many
families use them. Next to that plan sits the demand further down the line in the chosen
area, from the data: referrals, children in need, protection plans and children looked after.
The planner does not claim what support at one tier does to demand at another: that is the
question impact evidence answers.

Default costs and take-up are published figures, some for the talk's examples and some borrowed
from other services (each source says which); a council replaces them with its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.models import fgc

TIERS = ("Universal", "Selective", "Targeted", "Specialist")


@dataclass(frozen=True)
class TierAssumption:
    """Cost of a place and take-up at one tier, with where the defaults come from."""

    tier: str
    example: str
    cost_per_family: float  # £ per place offered
    take_up: float  # share of places that families take up
    cost_source: str
    take_up_source: str


RPC_REFERRED, RPC_STARTED = 6110, 4802  # DWP Reducing Parental Conflict evaluation [2.22]

DEFAULT_ASSUMPTIONS = (  # fact sheet ids: costs [1.15b] [2.12] [1.15a]; FGC cost assumed (see models/fgc.py); take-up [2.14] [2.14] [2.22]
    TierAssumption(
        "Universal",
        "antenatal co-parenting classes",
        100.0,
        0.95,
        "Upper limit of EIF cost rating 1 (under £100 a unit), the rating of Family Foundations",
        "Borrowed from another service: take-up of the universal 15 hours of early education by 3 and 4 "
        "year olds, January 2024 (no take-up figure for antenatal classes)",
    ),
    TierAssumption(
        "Selective",
        "intensive home visiting from birth to two",
        3200.0,
        0.75,
        "Average local cost of a Family Nurse Partnership place a year, from the provider",
        "Take-up of the 15 hours for disadvantaged two-year-olds, January 2024 (the talk's other selective "
        "example: enriching childcare through the two-year-old offer)",
    ),
    TierAssumption(
        "Targeted",
        "parenting support for behaviour difficulties at age 2+",
        499.0,
        round(RPC_STARTED / RPC_REFERRED, 2),
        "Upper limit of EIF cost rating 2 (£100 to £499 a unit), the rating of Incredible Years Preschool",
        f"Borrowed from another service: parents who started Reducing Parental Conflict support, "
        f"{RPC_STARTED:,} of {RPC_REFERRED:,} referred (no take-up figure for behaviour parenting programmes)",
    ),
    TierAssumption(
        "Specialist",
        "infant-parent psychotherapy for caregivers at risk of maltreating their children",
        fgc.NATIONAL_INPUTS["conference_cost"].central,
        1.0,
        "Stand-in: no cost is cited for infant-parent psychotherapy, so the FGC chapter's assumed cost of a "
        "Family Group Conference",
        "Assumption: every family offered a place takes part",
    ),
)
DEFAULTS = {a.tier: a for a in DEFAULT_ASSUMPTIONS}
DEFAULT_SHARES = {tier: 25 for tier in TIERS}  # per cent of the budget


@dataclass(frozen=True)
class Evidence:
    """What the guide's sources say about the evidence for a tier's example (chapters/prevention_tiers.md)."""

    rating: str
    source: str  # key of references.bib


EVIDENCE = {  # fact sheet ids [1.15b] [2.7] [1.15a] [2.21]
    "Universal": Evidence("Family Foundations: Guidebook evidence rating 4", "f1-15b"),
    "Selective": Evidence(
        "Family Nurse Partnership: its English trial found no benefit on any of its four main outcomes", "f2-7"
    ),
    "Targeted": Evidence("Incredible Years Preschool: Guidebook evidence rating 4", "f1-15a"),
    "Specialist": Evidence(
        "Toddler-Parent Psychotherapy: in the Guidebook; its rating is not given in this guide", "f2-21"
    ),
}
BUDGET_PER_CHILD = 150.0  # £ a year per child aged 0 to 17: a starting point for discussion (York: about £5 million)


def default_budget(child_population: float) -> float:
    """A starting budget scaled to the area: ``BUDGET_PER_CHILD`` a child, to two significant figures (£1,000 at least)."""
    if not child_population or child_population <= 0:
        return 1000.0
    raw = BUDGET_PER_CHILD * child_population
    step = 10 ** (math.floor(math.log10(raw)) - 1)
    return max(1000.0, round(raw / step) * step)


def eligible_families(child_population: float | None) -> float:
    """The most families one tier can reach: at most one for each child aged 0 to 17 in the area."""
    return float(child_population or 0)


DEMAND = (
    ("referrals_count", "Referrals in the year"),
    ("cin_31mar_count", "Children in need at 31 March"),
    ("cpp_31mar_count", "Children on a protection plan at 31 March"),
    ("cla_31mar_count", "Children looked after at 31 March"),
)


def _check_tiers(mapping: Mapping[str, float], what: str) -> None:
    if set(mapping) != set(TIERS):
        raise ValueError(f"{what} must give a value for each tier: {', '.join(TIERS)}")


def plan(
    budget: float,
    shares: Mapping[str, float],
    costs: Mapping[str, float],
    take_up: Mapping[str, float],
    eligible: float | None = None,
) -> pd.DataFrame:
    """Places and families reached per tier for a budget split by ``shares`` (per cent, adding to 100);
    with ``eligible`` (``eligible_families``), no tier reaches more families than that (``capped``)."""
    for mapping, what in ((shares, "shares"), (costs, "costs"), (take_up, "take-up")):
        _check_tiers(mapping, what)
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    if abs(sum(shares.values()) - 100) > 0.5 or min(shares.values()) < 0:
        raise ValueError(f"shares must be 0 or more and add up to 100 (they add up to {sum(shares.values()):g})")
    if min(costs.values()) <= 0:
        raise ValueError("every cost per family must be more than £0")
    if not all(0 <= t <= 1 for t in take_up.values()):
        raise ValueError("take-up must be between 0 and 1")
    rows = []
    for tier in TIERS:
        spend = budget * shares[tier] / 100
        places = spend / costs[tier]
        reached = places * take_up[tier]
        capped = eligible is not None and reached > eligible
        rows.append(
            {
                "tier": tier,
                "share_pct": shares[tier],
                "spend": spend,
                "cost_per_family": costs[tier],
                "places": places,
                "take_up": take_up[tier],
                "families_reached": min(reached, eligible) if capped else reached,
                "capped": capped,
            }
        )
    return pd.DataFrame(rows)


def rebalance(shares: Mapping[str, int], tier: str, value: int) -> dict[str, int]:
    """Set one tier's share (per cent) and spread the rest over the others in their current proportions.

    Whole numbers that always add up to 100 (largest remainders get the spare points); if the
    other tiers all had 0, they share the rest equally.
    """
    _check_tiers(shares, "shares")
    if not 0 <= value <= 100:
        raise ValueError("a share must be between 0 and 100 per cent")
    others = [t for t in TIERS if t != tier]
    weights = {t: shares[t] for t in others}
    total = sum(weights.values())
    if total <= 0:
        weights, total = {t: 1 for t in others}, len(others)
    rest = 100 - value
    exact = {t: rest * weights[t] / total for t in others}
    result = {t: int(exact[t]) for t in others}
    spare = rest - sum(result.values())
    for t in sorted(others, key=lambda t: exact[t] - result[t], reverse=True)[:spare]:
        result[t] += 1
    result[tier] = value
    return {t: result[t] for t in TIERS}


def downstream_demand(ds: Dataset, area: Area) -> pd.DataFrame:
    """The area's latest referrals, children in need, protection plans and children looked after.

    Columns: measure, indicator, year, value, status. A suppressed value keeps its status
    and has no value; a measure with no data at all has status "x".
    """
    rows = []
    for indicator, measure in DEMAND:
        latest = ds.latest(indicator, area)
        if latest is None:
            rows.append({"measure": measure, "indicator": indicator, "year": None, "value": None, "status": "x"})
            continue
        value = latest["value"] if pd.notna(latest["value"]) else None
        rows.append(
            {
                "measure": measure,
                "indicator": indicator,
                "year": int(latest["time_period"]),
                "value": value,
                "status": latest["status"],
            }
        )
    return pd.DataFrame(rows)
