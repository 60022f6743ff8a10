"""FGC roll-out for the workshop: the FGC model with the effect and conference cost set by hand.

``fgc.estimate`` always uses the trial's effect and derives the cost of a conference from the
trial's net saving. In a workshop the trainer sets both, so ``rollout`` follows the same steps
(children offered, children avoiding care, days in care, cost and saving) with those two
numbers as inputs. The range shows what the same plan gives at the low and high ends of the
trial's effect (our approximate 95% interval, ``fgc.TRIAL.effect_interval``).
"""
from __future__ import annotations

from . import fgc
from .data import Dataset
from .geography import Area

EFFECT_RANGE = fgc.TRIAL.effect_interval()
# Days in care avoided for each child who avoids care: the trial's 28 fewer days per child
# referred, divided by its 8.6-point effect (the same step as fgc.estimate).
DAYS_PER_CHILD_AVOIDING_CARE = (fgc.TRIAL.days_in_care_usual - fgc.TRIAL.days_in_care_fgc) / fgc.TRIAL.effect


def _flat(value: float) -> fgc.Range:
    return fgc.Range(value, value, value)


def rollout(families_per_year: float, coverage: float, effect: float, cost_per_conference: float,
            cost_per_day_in_care: float, area_name: str = "", source: str = "set by the user") -> fgc.Estimate:
    """A year of offering FGCs at pre-proceedings, with every input set by the user.

    ``effect`` is the drop in the share of children looked after (0.086 in the trial) and must lie
    in the trial's range (3.6 to 13.6 points); ``coverage`` is the share of families offered a conference.
    """
    if families_per_year < 0:
        raise ValueError("families a year cannot be negative")
    if not 0 <= coverage <= 1:
        raise ValueError("coverage must be between 0 and 1")
    if not round(EFFECT_RANGE.low, 3) <= effect <= round(EFFECT_RANGE.high, 3):  # to the nearest 0.1 point
        raise ValueError(f"the effect must lie in the trial's range, {EFFECT_RANGE.low:.1%} to {EFFECT_RANGE.high:.1%}")
    if cost_per_conference < 0 or cost_per_day_in_care < 0:
        raise ValueError("costs cannot be negative")
    children = families_per_year * fgc.TRIAL.children_per_family
    offered = children * coverage
    avoiding = fgc.Range(offered * EFFECT_RANGE.low, offered * effect, offered * EFFECT_RANGE.high)
    days = avoiding.scaled(DAYS_PER_CHILD_AVOIDING_CARE)
    cost = families_per_year * coverage * cost_per_conference
    gross = days.scaled(cost_per_day_in_care)
    net = fgc.Range(gross.low - cost, gross.central - cost, gross.high - cost)
    return fgc.Estimate(area_name, _flat(children), source, _flat(offered), avoiding, days, _flat(cost), gross, net)


def default_families(ds: Dataset, area: Area) -> tuple[int, str]:
    """Families entering pre-proceedings a year in an area (central estimate) and how it was found."""
    estimate = fgc.estimate_for_area(ds, area)
    families = estimate.pre_proceedings_children.central / fgc.TRIAL.children_per_family
    return int(round(families)), estimate.pre_proceedings_source
