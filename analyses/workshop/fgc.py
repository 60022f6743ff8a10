"""FGC roll-out for the workshop: the one FGC estimate (``analyses.models.fgc.estimate``) with the
settings a trainer changes, and the bounds of those settings for an area."""

from __future__ import annotations

from analyses.data.dataset import Dataset
from analyses.data.geography import Area
from analyses.models import fgc


def rollout(
    ds: Dataset,
    area: Area,
    pre_proceedings_children: float | None = None,
    coverage: float = 1.0,
    already_offered: float | None = None,
    conference_cost: float | None = None,
) -> fgc.Estimate:
    """The estimate for an area with the workshop's settings (None: the guide's estimate and range)."""
    return fgc.estimate(
        ds,
        area,
        {
            "pre_proceedings_children": pre_proceedings_children,
            "coverage": coverage,
            "already_offered": already_offered,
            "conference_cost": conference_cost,
        },
    )


def default_children(ds: Dataset, area: Area) -> int:
    """The median of children entering pre-proceedings a year, as a whole number (the control's start)."""
    return round(fgc.estimate(ds, area).pre_proceedings_children.central)


def children_limit(ds: Dataset, area: Area) -> int:
    """The most children a year the control allows: the area's children aged 0 to 17."""
    population = fgc.child_population(ds, area)
    return int(population) if population else 0
