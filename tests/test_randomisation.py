"""The 'why randomise?' slider: the simulation swept over selection strength."""

import numpy as np
import pandas as pd
import pytest

from analyses.models import simulation
from analyses.models.simulation import Scenario
from analyses.views import randomisation

SCENARIO = Scenario(studies=60, families=200)


@pytest.fixture(scope="module")
def estimates():
    return simulation.sweep(SCENARIO, selections=(-1.0, 0.0, 1.0))


def test_sweep_runs_every_strength_and_design(estimates):
    counts = estimates.groupby(["selection", "design"]).size()
    assert len(counts) == 6 and (counts == SCENARIO.studies).all()


def test_summary_shows_bias_only_in_naive_comparisons(estimates):
    table = simulation.sweep_summary(estimates, SCENARIO.true_effect).set_index(["selection", "design"])
    assert table.loc[(1.0, "Naive comparison"), "mean_estimate"] < 0 < SCENARIO.true_effect
    assert table.loc[(-1.0, "Naive comparison"), "mean_estimate"] > SCENARIO.true_effect + 0.3
    for selection in (-1.0, 0.0, 1.0):
        assert table.loc[(selection, "Randomised trial"), "bias"] == pytest.approx(0, abs=0.05)


def test_bins_cover_every_estimate_on_multiples_of_the_width():
    frame = pd.DataFrame({"estimate": [-0.12, 0.0, 0.31]})
    edges = randomisation.bins(frame, width=0.05)
    assert edges[0] == pytest.approx(-0.15) and edges[-1] == pytest.approx(0.35)
    assert np.allclose(np.diff(edges), 0.05)


@pytest.mark.parametrize("selection, label", [(-2.0, "-2"), (0.5, "+0.5"), (0.0, "0")])
def test_strength_label(selection, label):
    assert randomisation.strength_label(selection) == label


@pytest.mark.parametrize(
    "selection, naive, start, verdict",
    [
        (
            1.0,
            -0.53,
            "When families with more difficulties are likelier",
            "make helpful support look harmful (average -0.53",
        ),
        (
            0.5,
            0.12,
            "When families with more difficulties are likelier",
            "understate what support achieves (average 0.12",
        ),
        (-1.0, 1.12, "When families doing better are likelier", "overstate what support achieves (average 1.12"),
        (0.0, 0.29, "When support is unrelated to need", "both find the true effect of 0.30 on average"),
    ],
)
def test_finding_states_what_the_naive_comparison_did(selection, naive, start, verdict):
    title = randomisation.finding(selection, naive, 0.30, 0.30)
    assert title.startswith(start) and verdict in title


def test_slider_chart_has_a_step_per_strength_and_starts_at_plus_one(estimates):
    fig = randomisation.slider_chart(estimates, SCENARIO.true_effect, active=1.0)
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["-1", "0", "+1"] and slider.active == 2
    for step in slider.steps:
        naive, trial = step.args[0]["y"]
        assert sum(naive) == sum(trial) == SCENARIO.studies  # every study falls in a bin
    assert "look harmful" in fig.layout.title.text
    assert len(fig.layout.shapes) == 4  # true effect and average, in both panels


def test_alt_text_and_table_give_every_strength(estimates):
    table = simulation.sweep_summary(estimates, SCENARIO.true_effect)
    text = randomisation.alt_text(table, SCENARIO.true_effect, SCENARIO.studies)
    assert "from 60 simulated studies" in text and "from -1 to +1" in text and "true effect is 0.30" in text
    shown = randomisation.display_table(table)
    assert list(shown["Selection strength"]) == ["-1", "-1", "0", "0", "+1", "+1"]
    assert shown["Studies wrongly showing harm"].str.endswith("%").all()


def test_selection_text_reads_the_sweep():
    scenario = Scenario(studies=40)
    table = simulation.sweep_summary(simulation.sweep(scenario), scenario.true_effect)
    text = randomisation.selection_text(table, scenario.true_effect, scenario.families)
    naive = table[(table["selection"] == 1.0) & (table["design"] == "Naive comparison")].iloc[0]
    assert f"**{naive['mean_estimate']:.2f}** on average" in text and f"{scenario.families} families" in text
