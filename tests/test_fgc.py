"""The FGC local estimate against hand-checked values."""
import math

import pytest

from analyses.models import fgc


def test_trial_effect_and_conservative_interval():
    assert fgc.TRIAL.effect == pytest.approx(0.086)
    # by hand: families 1471 -> 735.5 per arm; se = sqrt(.362*.638/735.5 + .448*.552/735.5) = 0.02552
    interval = fgc.TRIAL.effect_interval()
    assert interval.low == pytest.approx(0.086 - 1.959964 * 0.025520, abs=1e-4)
    assert interval.high == pytest.approx(0.086 + 1.959964 * 0.025520, abs=1e-4)


def test_estimate_with_a_council_count_by_hand():
    est = fgc.estimate(1000, "Test", "set by the user")
    interval = fgc.TRIAL.effect_interval()
    assert est.children_avoiding_care.central == pytest.approx(86)
    assert est.children_avoiding_care.low == pytest.approx(1000 * interval.low)
    # 28 fewer days per child referred (115 - 87)
    assert est.days_in_care_avoided.central == pytest.approx(28_000)
    # the trial's net saving per child referred is reproduced at default costs
    assert est.net_saving.central == pytest.approx(960 * 1000)


def test_coverage_scales_everything_and_is_bounded():
    half = fgc.estimate(1000, "Test", "user", fgc.with_assumptions(coverage=0.5))
    assert half.children_avoiding_care.central == pytest.approx(43)
    with pytest.raises(ValueError):
        fgc.estimate(1000, "Test", "user", fgc.with_assumptions(coverage=1.5))
    with pytest.raises(ValueError):
        fgc.estimate(-5, "Test", "user")


def test_pre_proceedings_estimate_from_applications_by_hand():
    got = fgc.estimate_pre_proceedings_children(1000)
    per_application = (2548 / 1471) / 0.717
    assert got.central == pytest.approx(1000 * per_application)
    assert got.low == pytest.approx(500 * per_application)


def test_england_roll_up_is_over_2000_and_matches_sum_of_las(ds):
    england = fgc.estimate_for_area(ds, ds.area("England"))
    assert england.children_avoiding_care.central > 2000
    assert england.children_avoiding_care.low < 2000 < england.children_avoiding_care.high
    total = fgc.all_areas(ds)["children_avoiding_care"].sum()
    assert total == pytest.approx(england.children_avoiding_care.central, rel=0.03)


def test_york_by_hand(ds):
    york = fgc.estimate_for_area(ds, ds.area("York"))
    applications = 9.7 * 34758 / 10_000  # York's 2024-25 rate x mid-2024 children
    assert york.pre_proceedings_children.central == pytest.approx(applications * (2548 / 1471) / 0.717)
    assert "York's Cafcass" in york.pre_proceedings_source


def test_la_without_a_published_rate_uses_england_and_says_so(ds):
    scilly = fgc.estimate_for_area(ds, ds.area("Isles of Scilly"))
    assert "England's" in scilly.pre_proceedings_source
    assert all(math.isfinite(v) for v in scilly.summary()["children_avoiding_care_per_year"].values())


def test_user_count_overrides_data(ds):
    est = fgc.estimate_for_area(ds, ds.area("York"), pre_proceedings_children=200)
    assert est.pre_proceedings_children.central == 200 and est.pre_proceedings_source == "set by the user"


def test_all_areas_agrees_with_the_one_area_estimate(ds):
    table = fgc.all_areas(ds).set_index("la_name")
    for name in ("York", "Birmingham", "Isles of Scilly"):
        one = fgc.estimate_for_area(ds, ds.area(name))
        assert table.loc[name, "children_avoiding_care"] == pytest.approx(one.children_avoiding_care.central)
    assert table["uses_england_rate"].sum() == 7


def test_pounds_in_sentences():
    assert fgc.gbp(78193.4) == "£78,193" and fgc.gbp(-22060) == "−£22,060"
