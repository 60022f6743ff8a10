"""Issue 11, items 1 to 4: the newest release wins, conflicts are caught, every file's problem is listed.

On the real published files in ../shared/reference-data (the 2024 and 2025 releases of CIN table
B1 are both there), plus small files written in DfE's own layouts where no real one is at hand.
"""

import hashlib
import re
import shutil

import pandas as pd
import pytest

from analyses.cli import main
from analyses.data import dataset, lookups, tables
from analyses.data.paths import DATA_DIR
from analyses.data.schema import DataFileError
from analyses.ingest.importer import import_files

CSC = "dfe-csc-outcomes-enablers"
B1_2024 = "b1_children_in_need_2013_to_2024.csv"
B1_2025 = "b1_children_in_need_2013_to_2025.csv"
LAS = lookups.load_local_authorities()
EES = "time_period,time_identifier,geographic_level,country_code,country_name,"


def cell(table, indicator, year, code="816", level="Local authority"):
    rows = table[
        (table.indicator == indicator)
        & (table.time_period == year)
        & (table.geographic_level == level)
        & (table.old_la_code == (code if level == "Local authority" else ""))
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def edited(reference, tmp_path, name, year, old_la_code, new_value, out_name=None):
    """A copy of a published file with one LA's at-31-March count changed (a 'revised' figure)."""
    frame = pd.read_csv(reference / CSC / name, dtype=str, keep_default_na=False)
    column = next(c for c in frame.columns if c.lower() in ("at31_episodes", "at31_episodes_count"))
    where = (
        (frame.time_period == str(year))
        & (frame.old_la_code == old_la_code)
        & (frame.geographic_level == "Local authority")
    )
    assert where.sum() == 1
    frame.loc[where, column] = str(new_value)
    path = tmp_path / (out_name or name)
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_the_2025_b1_release_wins_the_years_it_shares_with_2024_in_either_order(reference, order):
    files = [reference / CSC / B1_2024, reference / CSC / B1_2025]
    table, _ = import_files(files if order == "older first" else files[::-1])
    for year in (2013, 2020, 2023, 2024):
        row = cell(table, "cin_31mar_count", year)
        assert (row.source, row.release) == (B1_2025, 2025), (year, row)
    assert cell(table, "cin_31mar_count", 2025).release == 2025
    # The 2024 release's published rates (dropped in 2025) are still taken: nothing newer holds them.
    assert cell(table, "cin_31mar_rate", 2020).source == B1_2024


@pytest.mark.slow
@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_a_revised_figure_in_the_newer_release_is_kept_in_either_order(reference, tmp_path, order):
    older = edited(reference, tmp_path, B1_2024, 2023, "816", 9999)
    files = [older, reference / CSC / B1_2025]
    table, _ = import_files(files if order == "older first" else files[::-1])
    newer_value = cell(import_files([reference / CSC / B1_2025])[0], "cin_31mar_count", 2023).value
    assert cell(table, "cin_31mar_count", 2023).value == newer_value != 9999


@pytest.mark.slow
def test_an_older_release_over_the_bundled_data_adds_years_but_never_replaces_newer_ones(reference, tmp_path, ds):
    older = edited(reference, tmp_path, B1_2024, 2023, "816", 9999)
    table, report = import_files([older], base=ds.indicators)
    bundled = cell(ds.indicators, "cin_31mar_count", 2023)
    got = cell(table, "cin_31mar_count", 2023)
    assert (got.value, got.release, got.source) == (bundled.value, 2025, B1_2025)
    assert report.changes["cin_31mar_count"]["kept"] == (1, 2023, 2023)
    assert any(
        line.startswith("cin_31mar_count: ") and "not taken because a newer release" in line for line in report.lines()
    )


@pytest.mark.slow
def test_prefer_imported_lets_an_analyst_override_on_purpose(reference, tmp_path, ds):
    older = edited(reference, tmp_path, B1_2024, 2023, "816", 9999)
    table, report = import_files([older], base=ds.indicators, prefer_imported=True)
    assert cell(table, "cin_31mar_count", 2023).value == 9999
    assert report.changes["cin_31mar_count"]["replaced"][0] == 1


@pytest.mark.slow
def test_an_older_time_series_adds_englands_looked_after_counts_back_to_1994(tmp_path, ds):
    # DfE's national CLA time series (counts only, no rates), in EES's layout.
    path = tmp_path / "national_cla_time_series_1994_to_2023.csv"
    label = "Children looked after at 31 March each year"
    path.write_text(
        EES
        + "population_count,number\n"
        + "".join(
            f"{year},Reporting year,National,E92000001,England,{label},{n}\n"
            for year, n in ((1994, 49300), (1995, 49800), (2023, 83840))
        )
    )
    table, report = import_files([path], base=ds.indicators)
    england = table[(table.indicator == "cla_31mar_count") & (table.geographic_level == "National")]
    assert england.time_period.min() == 1994
    assert cell(table, "cla_31mar_count", 2023, level="National").value == 83750  # the 2025 release's figure
    assert report.changes["cla_31mar_count"]["added"] == (2, 1994, 1995)


@pytest.mark.slow
def test_a_councils_own_row_wins_over_a_newer_published_release(tmp_path, ds):
    mine = tmp_path / "york_own.csv"
    row = cell(ds.indicators, "cin_31mar_count", 2024).to_dict()
    pd.DataFrame([{**row, "value": "1200", "source": "York CIN census", "release": "2024"}]).to_csv(mine, index=False)
    table, _ = import_files([mine], base=ds.indicators)
    got = cell(table, "cin_31mar_count", 2024)
    assert (got.value, got.source) == (1200, "council: York CIN census")


@pytest.mark.slow
def test_two_files_of_the_same_release_that_disagree_are_refused_naming_both(reference, tmp_path):
    changed = edited(reference, tmp_path, B1_2025, 2023, "816", 1234, out_name="b1_copy.csv")
    with pytest.raises(DataFileError) as info:
        import_files([reference / CSC / B1_2025, changed])
    message = str(info.value)
    assert "\n" not in message
    for part in (B1_2025, "b1_copy.csv", "2025 release", "cin_31mar_count", "York, 2023", "1,234 in b1_copy.csv"):
        assert part in message, (part, message)


@pytest.mark.slow
def test_the_same_file_twice_is_no_conflict(reference):
    table, _ = import_files([reference / CSC / B1_2025, reference / CSC / B1_2025])
    assert cell(table, "cin_31mar_count", 2025).release == 2025


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_cli_conflict_and_many_problems_are_all_listed_and_nothing_is_written(reference, tmp_path, capsys):
    bundled = _digest(DATA_DIR)
    changed = edited(reference, tmp_path, B1_2025, 2023, "816", 1234, out_name="b1_copy.csv")
    out = tmp_path / "out"
    assert main(["import", str(reference / CSC / B1_2025), str(changed), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "b1_copy.csv" in err and "Traceback" not in err
    assert not out.exists()

    notes = tmp_path / "notes.txt"
    notes.write_text("just; some; notes\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        EES + "population_type,children_count,rate_per_10000\n"
        "2025,Reporting year,National,E92000001,England,Children looked after on 31 March each year,lots,70\n"
    )
    assert main(["import", str(bad), str(notes), str(reference / CSC / B1_2025), "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("error: ") for line in lines), lines
    assert "bad.csv" in lines[0] and "notes.txt" in lines[1] and "nothing was written" in lines[2]
    assert not out.exists() and _digest(DATA_DIR) == bundled


@pytest.mark.slow
def test_cli_skip_unrecognised_imports_the_rest_and_lists_each_skipped_file(reference, tmp_path, capsys):
    leavers = tmp_path / "care_leavers_in_touch.csv"
    leavers.write_text(
        EES + "region_code,region_name,old_la_code,la_name,new_la_code,age,cl_in_touch,number,percentage\n"
        "2024,Reporting year,National,E92000001,England,,,,,,19 to 21 years,In touch,30000,88\n"
    )
    pdf = tmp_path / "guidance.pdf"
    pdf.write_bytes(b"%PDF-1.4 binary")
    out = tmp_path / "out"
    args = ["import", str(leavers), str(pdf), str(reference / CSC / B1_2025), "--out", str(out)]
    assert main(args) == 2
    assert not out.exists()
    capsys.readouterr()
    assert main([*args, "--skip-unrecognised"]) == 0
    printed = capsys.readouterr().out
    assert (
        "skipped "
        + leavers.name
        + ": a published aggregate file, but not a layout this guide uses: care leavers in touch"
        in printed
    )
    assert "skipped " + pdf.name + ": this is a PDF document" in printed
    assert (out / "indicators.csv").is_file()
    # the bundled data keeps the rows of the five councils that were replaced; they are not LAs today
    assert re.search(r"^Wrote [\d,]+ rows \(\d+ indicators, 153 LAs and 5 former councils\) to ", printed, re.M)


def test_care_leavers_in_touch_is_refused_as_unused_not_as_personal_data(tmp_path):
    leavers = tmp_path / "la_care_leavers_in_touch.csv"
    leavers.write_text(
        EES + "region_code,region_name,old_la_code,la_name,new_la_code,age,cl_in_touch,number,percentage\n"
        "2024,Reporting year,National,E92000001,England,,,,,,17 to 18 years,In touch,28000,90\n"
        "2024,Reporting year,National,E92000001,England,,,,,,19 to 21 years,In touch,30000,88\n"
    )
    with pytest.raises(DataFileError) as info:
        import_files([leavers])
    assert "not a layout this guide uses: care leavers in touch" in str(info.value)
    assert "one row per child" not in str(info.value)


@pytest.mark.slow
def test_a_folder_without_the_release_column_still_loads(tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(DATA_DIR, folder)
    frame = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False).drop(columns="release")
    frame.to_csv(folder / "indicators.csv", index=False)
    ds = dataset.load(folder)
    assert set(ds.indicators.loc[ds.indicators.source == B1_2024, "release"]) == {2024}
    assert set(ds.indicators.loc[ds.indicators.source == B1_2025, "release"]) == {2025}


def test_bundled_data_records_each_rows_release(ds):
    assert ds.indicators["release"].notna().all()
    assert set(ds.indicators.loc[ds.indicators.source == B1_2024, "release"]) == {2024}
    assert tables.datapackage()["resources"][0]["schema"]["fields"][-1]["name"] == "release"


def test_sgo_exits_2024_25_come_from_lait_where_dfes_file_stops(ds):
    rows = ds.indicators[(ds.indicators.indicator == "sgo_exits_count") & (ds.indicators.old_la_code == "816")]
    by_year = rows.set_index("time_period")
    assert by_year.loc[2025, "source"] == "bds_long_0.parquet" and by_year.loc[2025, "value"] == 12
    # LAIT holds each year as last revised (the 2025 release), so it wins over DfE's 2024 file...
    england = ds.indicators[
        (ds.indicators.indicator == "sgo_exits_count") & (ds.indicators.geographic_level == "National")
    ].set_index("time_period")
    assert (
        england.loc[2024, "value"] == 3890 and england.loc[2024, "source"] == "bds_long_0.parquet"
    )  # DfE's 2024 file: 3,860
    # ...but LAIT marks every missing figure '-' (x): DfE's own c and z stay.
    assert (
        by_year.loc[2022, "status"] == "c"
        and by_year.loc[2022, "source"] == "la_children_who_ceased_during_the_year.csv"
    )
    cumberland = ds.indicators[(ds.indicators.indicator == "sgo_exits_count") & (ds.indicators.old_la_code == "942")]
    assert set(cumberland[cumberland.time_period.between(2020, 2023)]["status"]) == {"z"}  # created in April 2023
