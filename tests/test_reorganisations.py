"""Areas created in a reorganisation: their former council's series, labelled, before they existed."""

import pandas as pd
import pytest

import analyses.views.charts as charts
from analyses.data import dataset as data
from analyses.data.geography import REORGANISATIONS, predecessors
from analyses.ingest.importer import import_files
from analyses.models import benchmark, domestic_abuse
from analyses.views import every_la, wording

CUMBRIA_NOTE = (
    "Cumberland was created on 1 April 2023 from part of Cumbria; figures before 2023-24 are Cumbria's, for the "
    "whole former council area (the grey dashed line), and compare with Cumberland's as rates, not as counts."
)


def _published(ds, indicator, code, year):
    rows = ds.former if code in set(ds.former["old_la_code"]) else ds.indicators
    row = rows[(rows["indicator"] == indicator) & (rows["old_la_code"] == code) & (rows["time_period"] == year)]
    assert len(row) == 1
    return row.iloc[0]


def test_predecessors_come_from_reorganisations(ds):
    cumberland = predecessors(ds.area("Cumberland"))
    assert [(p.old_la_code, p.name, p.date, p.shared) for p in cumberland] == [("909", "Cumbria", "1 April 2023", True)]
    assert cumberland[0].label == "Cumbria (until March 2023)" and cumberland[0].last_year == 2023
    assert [p.name for p in predecessors(ds.area("West Northamptonshire"))] == ["Northamptonshire"]
    assert [p.name for p in predecessors(ds.area("BCP"))] == ["Bournemouth", "Poole"]
    assert not predecessors(ds.area("York")) and not predecessors(data.ENGLAND)
    # North Yorkshire and Somerset kept their 3-digit codes: their own series runs across April 2023.
    for name in ("North Yorkshire", "Somerset"):
        area = ds.area(name)
        assert not predecessors(area)
        years = set(ds.series("referrals_rate", area)["time_period"])
        assert {2022, 2023, 2024} <= years
    assert {c for r in REORGANISATIONS if r.code_kept for c in r.successors} == {"815", "933"}


def test_former_councils_are_kept_apart_from_the_current_las(ds):
    assert set(ds.former["old_la_code"]) == {"909", "928", "835", "836", "837"}
    assert not ds.indicators["old_la_code"].isin(set(ds.former["old_la_code"])).any()
    las = ds.indicators[ds.indicators["geographic_level"] == "Local authority"]
    assert las["old_la_code"].nunique() == 153
    # an abolished council's "not applicable" years are not kept
    assert not (ds.former["status"] == "z").any()


def test_comparison_adds_cumbria_before_cumberland_existed(ds):
    frame = benchmark.comparison(ds, "referrals_rate", ds.area("Cumberland"))
    former = frame[frame["role"] == "predecessor"]
    assert set(former["area"]) == {"Cumbria (until March 2023)"}
    assert former["time_period"].min() == 2013 and former["time_period"].max() == 2023
    assert frame.loc[frame["role"] == "selected", "time_period"].min() == 2024
    last = former[former["time_period"] == 2023].iloc[0]
    assert last["value"] == _published(ds, "referrals_rate", "909", 2023)["value"] == pytest.approx(330.4)


def test_a_new_councils_not_applicable_years_do_not_hide_its_predecessor(ds):
    """DfE back-fills Cumberland's children looked after rows for 2021-2023 with z: Cumbria's rates show there."""
    area = ds.area("Cumberland")
    assert set(ds.series("cla_31mar_rate", area).query("time_period < 2024")["status"]) == {"z"}
    former = benchmark.comparison(ds, "cla_31mar_rate", area).query("role == 'predecessor'")
    assert list(former["time_period"]) == [2021, 2022, 2023]
    # a predecessor never overlaps years with the successor's own figures (LAIT back-casts EYFSP)
    eyfsp = benchmark.comparison(ds, "eyfsp_gld_pct", area)
    own = eyfsp.query("role == 'selected' and status not in ('x', 'z')")["time_period"].min()
    assert eyfsp.query("role == 'predecessor'")["time_period"].max() < own


def test_counts_of_the_former_council_are_not_drawn(ds):
    frame = benchmark.comparison(ds, "referrals_count", ds.area("Cumberland"))
    assert "predecessor" not in set(frame["role"])
    assert not ds.former.query("indicator == 'referrals_count' and old_la_code == '909'").empty


def test_areas_not_reorganised_get_the_same_frames_as_without_former_councils(ds):
    without = data.Dataset(ds.indicators, ds.las, ds.metadata)
    for name in ("York", "North Yorkshire", "Lancashire"):
        area = ds.area(name)
        for indicator in ("referrals_rate", "cla_31mar_rate", "eyfsp_gld_pct"):
            pd.testing.assert_frame_equal(
                benchmark.comparison(ds, indicator, area), benchmark.comparison(without, indicator, area)
            )


def test_trend_chart_draws_the_former_council_as_a_labelled_dashed_line(ds):
    frame = benchmark.comparison(ds, "referrals_rate", ds.area("Cumberland"))
    fig = charts.trend_chart(frame, "Title", "Per 10,000 children").to_dict()
    line = next(t for t in fig["data"] if t["name"].startswith("Cumbria"))
    assert line["line"]["dash"] == "longdash" and line["x"][-1] == 2023
    own = next(t for t in fig["data"] if t["name"] == "Cumberland")
    assert line["line"]["dash"] != own["line"]["dash"] and line["marker"]["symbol"] != own["marker"]["symbol"]
    labels = [a["text"] for a in fig["layout"]["annotations"]]
    assert any("Cumbria (until March" in text for text in labels)
    table = every_la.every_la_table(frame, every_la.la_rows(ds, "referrals_rate"))
    row = table[table["Area"] == "Cumbria (until March 2023)"].iloc[0]
    assert row["Group"].startswith("Former council") and row[2023] == pytest.approx(330.4) and row[2025] is None


def test_alt_text_and_note_name_the_former_council(ds):
    area = ds.area("Cumberland")
    frame = benchmark.comparison(ds, "referrals_rate", area)
    alt = wording.trend_alt_text(frame, "referrals per 10,000 children")
    assert "for Cumberland, Cumbria (until March 2023), " in alt
    assert "Cumbria (until March 2023) is the former council" in alt
    assert "Cumberland: 458.7 in 2024, 641.5 in 2025." in alt
    assert "Cumbria (until March 2023): 519.2 in 2013, 330.4 in 2023." in alt
    assert wording.reorganisation_note(area, frame) == wording.reorganisation_note(area) == CUMBRIA_NOTE
    bcp = ds.area("BCP")
    assert wording.reorganisation_note(bcp).startswith(
        "Bournemouth, Christchurch and Poole was created on 1 April 2019, replacing Bournemouth and Poole; "
        "figures before 2019-20 are Bournemouth's and Poole's"
    )
    no_former = benchmark.comparison(ds, "referrals_count", area)
    assert wording.reorganisation_note(area, no_former).endswith("This chart shows Cumberland's own figures only.")
    york = ds.area("York")
    assert wording.reorganisation_note(york) == ""
    assert "former council" not in wording.trend_alt_text(benchmark.comparison(ds, "referrals_rate", york), "x")


@pytest.mark.slow
def test_importer_keeps_former_councils_rows_but_not_their_not_applicable_years(reference):
    table, report = import_files([reference / "dfe-csc-outcomes-enablers" / "cla_number_and_rate_per_10k_children.csv"])
    assert {"Cumbria", "Northamptonshire"} <= set(report.former_councils)
    cumbria = table[(table["old_la_code"] == "909") & (table["indicator"] == "cla_31mar_rate")]
    assert list(cumbria["time_period"]) == [2021, 2022, 2023] and (cumbria["status"] == "published").all()
    assert cumbria["la_name"].unique().tolist() == ["Cumbria"]
    assert any(line.startswith("Kept the rows of former councils") for line in report.lines())


def test_domestic_abuse_trends_show_the_former_council_too(ds):
    """The domestic abuse measures are derived for the replaced councils as well, from their own counts."""
    measures = domestic_abuse.with_measures(ds)
    rate = domestic_abuse.measure_id("da_factor_parent_count", "rate")
    frame = benchmark.comparison(measures, rate, ds.area("Cumberland"))
    former = frame[frame["role"] == "predecessor"]
    assert set(former["area"]) == {"Cumbria (until March 2023)"} and former["time_period"].max() == 2023
    cumbria = ds.former[(ds.former["la_name"] == "Cumbria")].set_index(["indicator", "time_period"])["value"]
    expected = round(10_000 * cumbria[("da_factor_parent_count", 2023)] / cumbria[("population_0_17", 2022)], 1)
    assert former.set_index("time_period").loc[2023, "value"] == expected
    assert "predecessor" not in set(benchmark.comparison(measures, rate, ds.area("York"))["role"])
