"""Why randomise? Simulated studies comparing a naive comparison with a randomised trial.

Each simulated family has a level of difficulty (need). Need makes a poor outcome more
likely and, unless support is allocated at random, also makes referral to support more or
less likely. Support lowers the outcome score by the true effect. A naive study compares
families who got support with those who did not; a trial allocates support by coin toss.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

NEED_ON_OUTCOME = 1.0  # outcome score points per standard deviation of need
NOISE = 1.0


@dataclass(frozen=True)
class Scenario:
    """One set of simulation settings (outcome in standard-deviation units; lower is better)."""

    true_effect: float = 0.3  # reduction in the difficulties score caused by support
    selection: float = 1.0  # log-odds of referral per SD of need (+ more needy referred; - less)
    families: int = 400  # families per study
    studies: int = 500
    seed: int = 20240613


def simulate(scenario: Scenario) -> pd.DataFrame:
    """Estimated effect of support in each simulated study, by design (naive, randomised).

    Returns columns ``study``, ``design``, ``estimate``; a positive estimate means support
    looked helpful. Seeded: same scenario, same result.
    """
    rng = np.random.default_rng(scenario.seed)
    shape = (scenario.studies, scenario.families)
    need = rng.standard_normal(shape)
    noise = rng.standard_normal(shape) * NOISE
    referred = rng.random(shape) < 1 / (1 + np.exp(-scenario.selection * need))
    randomised = rng.random(shape) < 0.5
    estimates = {}
    for design, treated in (("Naive comparison", referred), ("Randomised trial", randomised)):
        outcome = NEED_ON_OUTCOME * need - scenario.true_effect * treated + noise
        estimates[design] = _difference(outcome, treated)
    frame = pd.DataFrame(estimates).rename_axis("study").reset_index()
    return frame.melt(id_vars="study", var_name="design", value_name="estimate").dropna()


def _difference(outcome: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Mean outcome without support minus with support, per study (NaN if a group is empty)."""
    n_treated = treated.sum(axis=1)
    n_control = (~treated).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        treated_mean = np.where(treated, outcome, 0).sum(axis=1) / n_treated
        control_mean = np.where(~treated, outcome, 0).sum(axis=1) / n_control
    return control_mean - treated_mean


def summarise(estimates: pd.DataFrame, true_effect: float) -> pd.DataFrame:
    """Per design: mean estimate, bias, middle 95% of estimates, share wrongly showing harm or no benefit."""
    grouped = estimates.groupby("design")["estimate"]
    out = pd.DataFrame(
        {
            "mean_estimate": grouped.mean(),
            "low_2_5": grouped.quantile(0.025),
            "high_97_5": grouped.quantile(0.975),
            "share_showing_harm": grouped.apply(lambda s: float((s < 0).mean())),
        }
    )
    out["bias"] = out["mean_estimate"] - true_effect
    return out.reset_index()


SELECTIONS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)


def sweep(base: Scenario = Scenario(), selections: tuple[float, ...] = SELECTIONS) -> pd.DataFrame:
    """Every simulated study's estimate at each selection strength (selection, study, design, estimate)."""
    return pd.concat([simulate(replace(base, selection=s)).assign(selection=s) for s in selections], ignore_index=True)


def sweep_summary(estimates: pd.DataFrame, true_effect: float) -> pd.DataFrame:
    """``simulation.summarise`` for each selection strength (one row per strength and design)."""
    parts = [summarise(group, true_effect).assign(selection=s) for s, group in estimates.groupby("selection")]
    return pd.concat(parts, ignore_index=True)[
        ["selection", "design", "mean_estimate", "bias", "low_2_5", "high_97_5", "share_showing_harm"]
    ]
