"""The 'why randomise?' simulation."""

import pytest

from analyses.models.simulation import Scenario, simulate, summarise


def test_randomised_trial_is_unbiased_and_naive_comparison_is_not():
    scenario = Scenario(true_effect=0.3, selection=1.5, studies=400)
    summary = summarise(simulate(scenario), scenario.true_effect).set_index("design")
    assert summary.loc["Randomised trial", "bias"] == pytest.approx(0, abs=0.02)
    # needier families are referred more, so support looks harmful in a naive comparison
    assert summary.loc["Naive comparison", "mean_estimate"] < 0


def test_no_selection_means_no_bias():
    scenario = Scenario(selection=0.0, studies=400)
    summary = summarise(simulate(scenario), scenario.true_effect).set_index("design")
    assert summary.loc["Naive comparison", "bias"] == pytest.approx(0, abs=0.02)


def test_seeded_and_reproducible():
    assert simulate(Scenario(studies=20)).equals(simulate(Scenario(studies=20)))
