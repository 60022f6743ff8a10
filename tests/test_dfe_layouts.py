"""Issue 21: real DfE downloads read or fairly refused, nothing overwritten, nothing misreported.

The files in tests/fixtures/dfe are in DfE's (and OHID's) published layouts; most are trimmed from
the published files, byte for byte (tests/fixtures/README.md says where each comes from).
"""

import shutil

import pandas as pd
import pytest
from test_release_precedence import cell  # one tidy-table cell, as the precedence tests read it

from analyses import cli
from analyses.data import derive
from analyses.data.paths import DATA_DIR, ROOT
from analyses.data.schema import DataFileError, SettingError, UnrecognisedFileError
from analyses.ingest import privacy
from analyses.ingest.importer import display_names, import_files
from analyses.ingest.rawfiles import read_table

DFE = ROOT / "tests" / "fixtures" / "dfe"
CLA = "cla_number_and_rate_per_10k_children.csv"
TIDY = (
    "indicator,time_period,geographic_level,region_code,region_name,old_la_code,new_la_code,la_name,value,status,source"
)


def refusal(paths, **options) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        import_files(paths, **options)
    assert "\n" not in str(info.value)
    return info.value


# 1. Exact layouts: the national time series has several "looked after on 31 March" measures


def test_the_national_time_series_reads_its_own_measures_and_leaves_the_others():
    table, report = import_files([DFE / "national_cla_time_series_1994_to_2025.csv"])
    assert cell(table, "cla_31mar_count", 2025, level="National").value == 81770  # not the UASC 6,540
    assert cell(table, "cla_starts_count", 2025, level="National").value == 32270
    assert cell(table, "cla_ceased_count", 2025, level="National").value == 34450
    assert set(table.indicator) == {"cla_31mar_count", "cla_starts_count", "cla_ceased_count"}
    assert report.files[0].rows == 3


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("csww_indicators_2017_to_2025.csv", "the children's social work workforce"),
        ("la_children_who_started_to_be_looked_after_during_the_year.csv", "children who started to be looked after"),
        ("sen2_ceased_plans.csv", "education, health and care plans (DfE's SEN2 statistics)"),
    ],
)
def test_published_files_the_guide_does_not_use_are_named_by_their_own_topic(name, topic):
    error = refusal([DFE / name])
    assert f"not a layout this guide uses: {topic}" in str(error)
    for wrong in ("pupils' education", "care leavers", "identify children", "ceased to be looked after"):
        assert wrong not in str(error)


def test_a_renamed_value_column_is_named_and_stops_even_a_skipping_batch():
    renamed = DFE / "renamed" / CLA
    alone = refusal([renamed])
    batch = refusal([renamed, DFE / "csww_indicators_2017_to_2025.csv"], skip_unrecognised=True)
    for error in (alone, batch):
        assert not isinstance(error, UnrecognisedFileError)
        message = str(error)
        assert message.startswith(f"{CLA}: row 1: closest to the layout 'Children looked after: numbers and rates")
        assert "column 'children_count' (or 'number') is missing" in message
        assert "it has 'number_of_children', which that layout does not" in message


# 2. Personal data: area hierarchies are geography; an R export's row numbers are an index


def test_fingertips_parent_area_columns_are_geography_and_the_file_is_skipped_not_refused():
    path = DFE / "fingertips_hospital_admissions_children_0_14.csv"
    privacy.check(path.name, read_table(path))  # Parent Code/Parent Name beside Area Code: no refusal
    table, report = import_files([path, DFE / "national_cla_time_series_1994_to_2025.csv"], skip_unrecognised=True)
    assert len(report.skipped) == 1 and "an OHID Fingertips export: Hospital admissions" in report.skipped[0]
    assert len(table)
    people = pd.DataFrame({"Parent Name": ["Sam Smith"], "Parent Code": ["P1"], "Area Code": ["E06000014"]})
    with pytest.raises(DataFileError, match="'Parent Name' looks like it holds names"):
        privacy.check("carers.csv", people)


def test_an_r_export_with_row_numbers_reads_like_the_published_file():
    table, _ = import_files([DFE / "d5_cpps_r_export.csv"])
    published = (
        pd.read_csv(
            ROOT.parent
            / "shared"
            / "reference-data"
            / "dfe-csc-outcomes-enablers"
            / "d5_cpps_at31march_by_duration_2013_to_2025.csv",
            dtype=str,
        )
        if (ROOT.parent / "shared" / "reference-data").is_dir()
        else None
    )
    york = cell(table, "cpp_31mar_count", 2025)
    if published is not None:
        row = published[(published.time_period == "2025") & (published.old_la_code == "816")]
        assert york.value == float(row.CPP_At31.iloc[0])
    assert set(table.time_period) == {2025}


# 4. Releases: stated, in a column, from DfE's data guidance, from the column names


def test_a_year_filtered_download_of_the_2025_release_is_the_2025_release(ds):
    path = DFE / "filtered" / CLA
    table, report = import_files([path], base=ds.indicators)
    assert report.files[0].release == 2025 and "first release with its column names" in report.files[0].release_from
    assert "kept" not in report.changes.get("cla_31mar_count", {})  # no false "newer release holds them"
    assert cell(table, "cla_31mar_count", 2023).release == 2025


def test_dfe_data_guidance_in_the_same_download_names_the_release(tmp_path):
    inside = DFE / "ees-download" / "data" / "b1_children_in_need_2013_to_2025.csv"
    _, report = import_files([inside])
    assert (report.files[0].release, report.files[0].release_from) == (
        2025,
        "from DfE's data guidance (Reporting year 2025)",
    )
    alone = tmp_path / inside.name
    shutil.copy(inside, alone)
    assert import_files([alone])[1].files[0].release == 2022  # nothing says otherwise: its latest year


@pytest.mark.slow
def test_a_release_column_and_file_at_year_are_honoured_for_dfe_layouts(tmp_path):
    frame = pd.read_csv(DFE / "filtered" / CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.assign(release="2026").to_csv(tmp_path / CLA, index=False)
    _, report = import_files([tmp_path / CLA])
    assert (report.files[0].release, report.files[0].release_from) == (2026, "from its release column")
    _, report = import_files([DFE / "filtered" / CLA], releases={str(DFE / "filtered" / CLA): 2027})
    assert (report.files[0].release, report.files[0].release_from) == (2027, "as stated on the command line")
    error = refusal([DFE / CLA], releases={str(DFE / CLA): 2024})
    assert f"{CLA}@2024: the file has figures for 2025" in str(error)


# 5. Same-named files are told apart, in messages and in the source column


def test_same_named_files_are_told_apart_by_their_folders(tmp_path):
    for folder, value in (("2025", None), ("copy", "999")):
        frame = pd.read_csv(DFE / CLA, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if value:
            york = (frame.old_la_code == "816") & (frame.time_period == "2024")
            frame.loc[york & frame.population_type.str.startswith("Children looked after"), "children_count"] = value
        (tmp_path / folder).mkdir()
        frame.to_csv(tmp_path / folder / CLA, index=False)
    paths = [tmp_path / "2025" / CLA, tmp_path / "copy" / CLA]
    assert display_names(paths) == {str(paths[0]): f"2025/{CLA}", str(paths[1]): f"copy/{CLA}"}
    message = str(refusal(paths))
    assert f"2025/{CLA} and copy/{CLA} are both the 2025 release" in message and "999 in copy/" in message
    table, report = import_files(paths[:1])
    assert cell(table, "cla_31mar_count", 2024).source == CLA  # one file: its own name
    assert display_names([DFE / CLA, DFE / CLA]) == {str(DFE / CLA): CLA}


# 6. Councils' rows against their council's life; rates rebuilt from councils' own counts


def tidy(tmp_path, *rows, name="own.csv"):
    path = tmp_path / name
    path.write_text(TIDY + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "cla_31mar_count,2026,Local authority,,,909,,,35,published,Cumbria CLA",
            "Cumbria has no figures for 2026: it was replaced on 1 April 2023",
        ),
        (
            "cla_31mar_count,2022,Local authority,,,942,,,35,published,Cumberland CLA",
            "Cumberland has no figures for 2022: it began on 1 April 2023 (its first year is the year to "
            "31 March 2024); earlier years belong to Cumbria",
        ),
    ],
)
def test_a_councils_figures_outside_its_life_are_refused(tmp_path, ds, row, said):
    error = refusal([tidy(tmp_path, row)], base=ds.indicators, published=ds.indicators)
    assert said in str(error) and "row 2, column 'time_period'" in str(error)


@pytest.mark.slow
def test_a_councils_own_count_rebuilds_the_rate_or_says_why_not(tmp_path, ds):
    own = tidy(
        tmp_path,
        "cla_31mar_count,2025,Local authority,,,816,,York,35,published,York CLA",
        "cla_31mar_count,2026,Local authority,,,816,,York,36,published,York CLA",
    )
    table, report = import_files([own], base=ds.indicators, published=ds.indicators)
    rate = cell(table, "cla_31mar_rate", 2025)
    population = cell(ds.indicators, derive.POPULATION, 2024).value
    assert (rate.status, rate.value) == ("derived", round(35 / population * 10_000, 1))
    assert any(line.startswith("not shown: cla_31mar_count for 2026 (York): no rate") for line in report.lines())
    without_population = ds.indicators[
        ~((ds.indicators.indicator == derive.POPULATION) & (ds.indicators.old_la_code == "816"))
    ]
    table, report = import_files([own], base=without_population, published=ds.indicators)
    assert cell(table, "cla_31mar_rate", 2025).status == "published"
    assert any(
        "the published rate (69) rests on DfE's count, not on your cla_31mar_count (35)" in w for w in report.warnings
    )


@pytest.mark.slow
def test_a_number_where_the_data_said_not_applicable_is_warned_of(tmp_path, ds):
    scilly = cell(ds.indicators, "cla_31mar_count", 2025, "420")
    assert scilly.status == "z"
    own = tidy(tmp_path, "cla_31mar_count,2025,Local authority,,,420,,,0,published,Scilly CLA")
    _, report = import_files([own], base=ds.indicators, published=ds.indicators, prefer_imported=True)
    assert any("'z' (not applicable) became 0" in w for w in report.warnings)


# 7. The summary says only what changed; counts are plural only when they are


@pytest.mark.slow
def test_reimporting_the_bundled_source_says_nothing_changed(ds):
    _, report = import_files([DFE / CLA], base=ds.indicators)
    lines = report.lines()
    assert not any(line.startswith(("Derived", "Kept the rows of former councils")) for line in lines), lines
    assert all("added" not in line and "replaced" not in line for line in lines[1:]), lines
    one = import_files([DFE / "national_cla_time_series_1994_to_2025.csv"])[1].lines()[0]
    assert "(3 rows, 2025 release" in one


# 3 and 7. The command line: --out guarded before anything is read; messages fit the file


def test_out_is_never_an_inputs_folder_the_bundled_data_or_under_a_file(tmp_path, capsys):
    own = tmp_path / "mine"
    own.mkdir()
    shutil.copy(DFE / CLA, own / CLA)
    (tmp_path / "notes.txt").write_text("notes")
    before = {p.name: p.read_bytes() for p in DATA_DIR.iterdir() if p.is_file()}
    for out, said in (
        (own, f"{own / CLA} is in that folder"),
        (DATA_DIR, "this is the guide's bundled data folder"),
        (tmp_path / "notes.txt" / "out", "cannot be made: " + str(tmp_path / "notes.txt") + " is a file"),
    ):
        assert cli.main(["import", str(own / CLA), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and said in err and "File exists" not in err, err
    assert sorted(p.name for p in own.iterdir()) == [CLA]
    assert {p.name: p.read_bytes() for p in DATA_DIR.iterdir() if p.is_file()} == before


def test_file_at_year_on_the_command_line_and_the_manifest(tmp_path, capsys):
    import json

    out = tmp_path / "out"
    assert cli.main(["import", f"{DFE / 'filtered' / CLA}@2025", "--out", str(out), "--no-base"]) == 0
    printed = capsys.readouterr().out
    assert f"{CLA}: Children looked after" in printed and "2025 release, as stated on the command line" in printed
    manifest = json.loads((out / "import_manifest.json").read_text())
    entry = manifest["files"][0]
    assert (entry["name"], entry["release"], entry["rows"]) == (CLA, 2025, 36)
    assert len(entry["sha256"]) == 64 and manifest["imported"]


def test_a_pdf_is_told_it_is_a_pdf(tmp_path):
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    message = str(refusal([pdf]))
    assert "a PDF document" in message and "Excel" not in message and "download the data as CSV" in message


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ("conference_cost=3,000", {"conference_cost": 3000}),
        ("pre_proceedings_children=1,200", {"pre_proceedings_children": 1200}),
    ],
)
def test_set_reads_thousands_separators_as_the_importer_does(pair, expected):
    assert cli.parse_settings([pair]) == expected


@pytest.mark.parametrize(
    ("pair", "said"),
    [
        (
            "pre_proceedings_children=80.5",
            "expected a whole number of children a year, e.g. --set pre_proceedings_children=120",
        ),
        ("conference_cost=lots", "expected a number from 0 to 50,000, e.g. --set conference_cost=3,000"),
        ("already_offered=1,5", "e.g. --set already_offered=0.2"),
    ],
)
def test_set_refusals_give_an_example_for_the_setting_at_hand(pair, said):
    with pytest.raises(SettingError) as info:
        cli.parse_settings([pair])
    assert said in str(info.value) and "or None" not in str(info.value)
