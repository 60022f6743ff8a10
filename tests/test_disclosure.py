"""Disclosure control on councils' own figures: hand-worked cases of the DfE convention."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyses.data import dataset as data
from analyses.data import disclosure, lookups, schema, tables
from analyses.data.schema import COUNCIL
from analyses.ingest.importer import import_files

LAS = lookups.load_local_authorities()
YORKSHIRE = LAS[(LAS.status == "current") & (LAS.region_code == "E12000003")].sort_values("old_la_code")


def row(
    indicator, value, level="Local authority", code="", region="", status=None, source=COUNCIL + "mine.csv", year=2026
):
    status = status or ("published" if value is not None else "c")
    return {
        "indicator": indicator,
        "time_period": year,
        "geographic_level": level,
        "region_code": region,
        "region_name": "",
        "old_la_code": code,
        "new_la_code": "",
        "la_name": "",
        "value": np.nan if value is None else float(value),
        "status": status,
        "source": source,
    }


def table(rows):
    return pd.DataFrame(rows, columns=schema.INDICATOR_COLUMNS)


def cell(frame, indicator, code="", level="Local authority", region=""):
    match = frame[
        (frame.indicator == indicator)
        & (frame.geographic_level == level)
        & (frame.old_la_code == code)
        & ((frame.region_code == region) | (level == "Local authority"))
    ]
    assert len(match) == 1
    return match.iloc[0]


def yorkshire(values, total, source=COUNCIL + "mine.csv"):
    """Council counts for every LA of Yorkshire and The Humber and the region total."""
    rows = [
        row("cpp_31mar_count", v, code=c, region="E12000003", source=source)
        for c, v in zip(YORKSHIRE.old_la_code, values)
    ]
    return table(rows + [row("cpp_31mar_count", total, level="Regional", region="E12000003", source=source)])


def test_council_counts_of_1_to_5_are_suppressed_and_0_or_6_are_not():
    got = disclosure.protect(
        table([row("cpp_31mar_count", v, code=c) for v, c in [(1, "370"), (5, "371"), (6, "372"), (0, "373")]]), LAS
    )
    assert got.set_index("old_la_code").status.to_dict() == {
        "370": "c",
        "371": "c",
        "372": "published",
        "373": "published",
    }
    assert got[got.status == "c"].value.isna().all()


def test_published_rows_are_never_changed():
    published = table(
        [
            row("cpp_31mar_count", 3, code="816", source="d5.csv"),
            row("cpp_31mar_count", 4, code="370", status="published"),
        ]
    )
    got = disclosure.protect(published, LAS)
    assert cell(got, "cpp_31mar_count", "816").value == 3  # a published 3 stays (DfE's own decision)
    assert cell(got, "cpp_31mar_count", "370").status == "c"


def test_secondary_suppression_hides_the_next_smallest_count_of_the_region():
    # 15 LAs; Calderdale (381) has 3; the smallest other non-zero is Wakefield (384) with 7; Leeds has 0.
    values = [40, 20, 30, 50, 60, 3, 25, 0, 7, 44, 31, 12, 18, 90, 11]
    got = disclosure.protect(yorkshire(values, sum(values)), LAS)
    suppressed = set(got.loc[got.status == "c", "old_la_code"])
    assert suppressed == {"381", "384"}
    assert cell(got, "cpp_31mar_count", level="Regional", region="E12000003").value == sum(values)


def test_no_secondary_suppression_when_a_second_cell_is_already_unknown():
    values = [40, 20, 30, 50, 60, 3, 25, 0, 7, 44, 31, 12, 18, 90, 11]
    rows = yorkshire(values, sum(values))
    rows = rows[rows.old_la_code != "384"]  # Wakefield not supplied: already unknown
    got = disclosure.protect(rows, LAS)
    assert set(got.loc[got.status == "c", "old_la_code"]) == {"381"}


def test_the_total_is_suppressed_when_no_other_council_count_can_be():
    # every other LA is published: only the council's own region total can hide the 4
    rows = yorkshire([10] * 15, 144)
    rows.loc[rows.old_la_code != "370", "source"] = "published.csv"
    rows.loc[rows.old_la_code == "370", "value"] = 4.0
    rows.loc[rows.geographic_level == "Regional", "source"] = COUNCIL + "mine.csv"
    got = disclosure.protect(rows, LAS)
    assert cell(got, "cpp_31mar_count", "370").status == "c"
    assert cell(got, "cpp_31mar_count", level="Regional", region="E12000003").status == "c"
    assert (got[got.source == "published.csv"].status == "published").all()


def test_a_lone_unknown_among_published_figures_only_is_left_alone():
    # the total and the other LAs are published: subtraction gives only the published figure
    rows = yorkshire([10] * 15, 150, source="published.csv")
    rows.loc[rows.old_la_code == "370", ["value", "source"]] = [2.0, COUNCIL + "mine.csv"]
    got = disclosure.protect(rows, LAS)
    assert list(got.loc[got.status == "c", "old_la_code"]) == ["370"]


def test_a_council_figure_that_would_reveal_a_dfe_suppressed_cell_is_suppressed():
    # DfE suppressed Barnsley (a small count) and Doncaster (secondary); the council supplies Doncaster's
    # figure, which would leave Barnsley as the region's only unknown cell.
    rows = yorkshire([10] * 15, 150, source="published.csv")
    rows.loc[rows.old_la_code.isin(["370", "371"]), ["value", "status"]] = [np.nan, "c"]
    rows.loc[rows.old_la_code == "371", ["value", "status", "source"]] = [10.0, "published", COUNCIL + "mine.csv"]
    got = disclosure.protect(rows, LAS)
    assert cell(got, "cpp_31mar_count", "371").status == "c"
    assert (got[got.source == "published.csv"].status == rows[rows.source == "published.csv"].status).all()


def test_a_council_count_that_repeats_a_published_figure_reveals_nothing_new():
    # Barnsley is DfE's lone suppressed cell of the region; the council resupplies Doncaster's published figure
    published = yorkshire([10] * 15, 150, source="published.csv")
    published.loc[published.old_la_code == "370", ["value", "status"]] = [np.nan, "c"]
    rows = published.copy()
    rows.loc[rows.old_la_code == "371", "source"] = COUNCIL + "mine.csv"
    assert cell(disclosure.protect(rows, LAS, published), "cpp_31mar_count", "371").value == 10
    assert cell(disclosure.protect(rows, LAS), "cpp_31mar_count", "371").status == "c"  # without the reference


def test_inner_and_outer_london_add_up_to_london():
    rows = table(
        [
            row("referrals_count", 5, level="Regional", region="E13000001"),
            row("referrals_count", 900, level="Regional", region="E13000002"),
            row("referrals_count", 905, level="Regional", region="E12000007"),
        ]
    )
    got = disclosure.protect(rows, LAS).set_index("region_code").status
    assert got.to_dict() == {"E13000001": "c", "E13000002": "c", "E12000007": "published"}


def test_rates_and_percentages_built_on_small_counts_are_suppressed():
    rows = table(
        [
            row("population_0_17", 40_000, code="816", year=2025, source="ons.csv"),
            row("cin_31mar_count", 4, code="816"),  # derived rate from it: suppressed
            row("referrals_count", 20, code="816"),
            row("rereferrals_pct", 20.0, code="816"),  # 20% of 20 = 4 re-referrals: suppressed
            row("referrals_count", 20, code="370"),
            row("rereferrals_pct", 50.0, code="370"),  # 10 re-referrals: shown
            row("cla_31mar_rate", 1.0, code="816"),  # no count: 1.0 x 40,000 / 10,000 = 4 children
            row("cla_starts_rate", 10.0, code="816"),  # 40 children: shown
        ]
    )
    from analyses.ingest.importer import derive_rates

    got = disclosure.protect(derive_rates(rows), LAS)
    assert cell(got, "cin_31mar_rate", "816").status == "c"
    assert cell(got, "rereferrals_pct", "816").status == "c"
    assert cell(got, "rereferrals_pct", "370").value == 50.0
    assert cell(got, "cla_31mar_rate", "816").status == "c"
    assert cell(got, "cla_starts_rate", "816").value == 10.0


def test_protection_is_idempotent():
    values = [40, 20, 30, 50, 60, 3, 25, 0, 7, 44, 31, 12, 18, 90, 11]
    once = disclosure.protect(yorkshire(values, sum(values)), LAS)
    pd.testing.assert_frame_equal(disclosure.protect(once, LAS), once)


def tidy_file(path, rows):
    frame = table(rows)
    frame["value"] = frame["value"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    frame.to_csv(path, index=False)
    return path


def test_import_marks_a_councils_tidy_rows_and_suppresses_them(tmp_path, ds):
    mine = tidy_file(
        tmp_path / "mine.csv",
        [
            row("cpp_31mar_count", 3, code="816", source="Mosaic export", year=2024),
            row("cpp_31mar_count", 250, code="370", source="", year=2025),
        ],
    )
    got, report = import_files([mine], base=ds.indicators)
    york = cell(got[got.time_period == 2024], "cpp_31mar_count", "816").to_dict()
    assert (york["status"], york["source"], york["la_name"]) == ("c", "council: Mosaic export", "York")
    assert cell(got[got.time_period == 2024], "cpp_31mar_rate", "816").status == "c"
    got = got[got.time_period == 2025]
    assert cell(got, "cpp_31mar_count", "370").source == "council: mine.csv"
    population = cell(ds.indicators[ds.indicators.time_period == 2024], "population_0_17", "370").value
    assert cell(got, "cpp_31mar_rate", "370").value == round(250 / population * 10_000, 1)
    assert (report.council_rows, report.suppressed_rows) == (2, 2)


def test_a_tidy_copy_of_published_rows_stays_published(tmp_path, ds):
    copy = ds.indicators[ds.indicators.indicator == "sgo_exits_count"]
    tables.write_dataset(tmp_path / "folder", copy, LAS)
    got, report = import_files([tmp_path / "folder" / "indicators.csv"], base=None)
    assert report.council_rows == 0
    pd.testing.assert_frame_equal(got.reset_index(drop=True), tables.sort_indicators(copy).reset_index(drop=True))


def test_dfe_layout_file_with_small_counts_is_treated_as_council_figures(tmp_path):
    path = tmp_path / "cpp.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,new_la_code,la_name,CPP_At31\n"
        "2026,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,"
        "816,E06000014,York,3\n"
        "2026,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,"
        "370,E08000016,Barnsley,120\n",
        encoding="utf-8",
    )
    got, _ = import_files([path])
    assert cell(got, "cpp_31mar_count", "816").status == "c"
    assert cell(got, "cpp_31mar_count", "370").source == "council: cpp.csv"


def test_loader_applies_disclosure_control_to_a_hand_edited_folder(tmp_path):
    edited = table([row("cpp_31mar_count", 2, code="816"), row("cpp_31mar_count", 2, code="370", source="d5.csv")])
    tables.write_dataset(tmp_path, edited, LAS)
    loaded = data.load(tmp_path).indicators
    assert cell(loaded, "cpp_31mar_count", "816").status == "c"
    assert cell(loaded, "cpp_31mar_count", "370").value == 2


CELL_VALUES = st.one_of(st.none(), st.integers(0, 12), st.sampled_from(["c", "x", "z"]))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(CELL_VALUES, min_size=15, max_size=15),
    total=st.one_of(st.none(), st.just("sum"), CELL_VALUES),
    council=st.lists(st.booleans(), min_size=16, max_size=16),
)
@pytest.mark.slow
def test_no_council_count_of_1_to_5_is_shown_or_recoverable_by_subtraction(values, total, council):
    def make(indicator_value, source, **where):
        if indicator_value is None:
            return None
        if isinstance(indicator_value, str):
            return row("cpp_31mar_count", None, status=indicator_value, source=source, **where)
        return row("cpp_31mar_count", indicator_value, source=source, **where)

    sources = [COUNCIL + "mine.csv" if c else "published.csv" for c in council]
    if total == "sum":
        total = sum(v for v in values if isinstance(v, int))
    rows = [make(v, s, code=c, region="E12000003") for v, s, c in zip(values, sources, YORKSHIRE.old_la_code)]
    rows.append(make(total, sources[15], level="Regional", region="E12000003"))
    given_rows = table([r for r in rows if r is not None])
    got = disclosure.protect(given_rows, LAS)

    is_council = got.source.str.startswith(COUNCIL)
    assert not (is_council & got.value.between(1, 5)).any()
    published = ~is_council
    pd.testing.assert_frame_equal(got[published], given_rows[published])
    shown = got.value.notna() | (got.status == "z")
    cells = 16
    unknown = cells - int(shown.sum())
    assert unknown != 1 or not (is_council & got.value.notna()).any()
    pd.testing.assert_frame_equal(disclosure.protect(got, LAS), got)


@pytest.mark.slow
def test_import_and_load_agree_and_repeating_published_context_reveals_nothing(tmp_path, ds):
    # In 2025 the City of London is the only LA whose parent count DfE suppressed, so as far as sums go
    # England minus the published LAs already gives it; York's own 40 and 12 add nothing, so they are shown.
    mine = tidy_file(
        tmp_path / "mine.csv",
        [
            row("da_factor_child_count", 3, code="816", year=2025),
            row("da_factor_parent_count", 40, code="816", year=2025),
            row("da_factor_other_count", 12, code="816", year=2025),
        ],
    )
    got, _ = import_files([mine], base=ds.indicators)
    york = got[(got.time_period == 2025) & (got.old_la_code == "816")].set_index("indicator")
    assert york.loc["da_factor_child_count", "status"] == "c"
    assert york.loc[["da_factor_parent_count", "da_factor_other_count"], "value"].tolist() == [40, 12]
    tables.write_dataset(tmp_path / "mine", got, LAS)
    pd.testing.assert_frame_equal(data.load(tmp_path / "mine").indicators, got)
