"""FGC roll-out for the workshop: the FGC model with families, effect and costs set by hand.

The range shows what the same plan gives at the low and high ends of the trial's effect
(our approximate 95% interval, ``fgc.TRIAL.effect_interval``).
"""
from __future__ import annotations

from analyses.models import fgc
from analyses.data.dataset import Dataset
from analyses.data.geography import Area

EFFECT_RANGE = fgc.TRIAL.effect_interval()


def rollout(families_per_year: float, coverage: float, effect: float, cost_per_conference: float,
            cost_per_day_in_care: float, area_name: str = "", source: str = "set by the user") -> fgc.Estimate:
    """A year of offering FGCs at pre-proceedings, with every input set by the user.

    ``effect`` is the drop in the share of children looked after (0.086 in the trial) and must lie
    in the trial's range (3.6 to 13.6 points); ``coverage`` is the share of families offered a conference.
    """
    if families_per_year < 0:
        raise ValueError("families a year cannot be negative")
    assumptions = fgc.with_assumptions(coverage=coverage, effect=effect, conference_cost=cost_per_conference,
                                       cost_per_day_in_care=cost_per_day_in_care)
    return fgc.estimate(families_per_year * fgc.TRIAL.children_per_family, area_name, source, assumptions)


def default_families(ds: Dataset, area: Area) -> tuple[int, str]:
    """Families entering pre-proceedings a year in an area (central estimate) and how it was found."""
    estimate = fgc.estimate_for_area(ds, area)
    families = estimate.pre_proceedings_children.central / fgc.TRIAL.children_per_family
    return int(round(families)), estimate.pre_proceedings_source
