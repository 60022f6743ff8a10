"""The importer on the real published files, and on bad input."""

import subprocess
import sys

import pandas as pd
import pytest

from analyses.data import lookups, schema, tables
from analyses.data.paths import ROOT
from analyses.data.schema import DataFileError
from analyses.ingest.importer import import_files

CSC = "dfe-csc-outcomes-enablers"


def value(table, indicator, year, old_la_code="", level="Local authority"):
    rows = table[
        (table.indicator == indicator)
        & (table.time_period == year)
        & (table.geographic_level == level)
        & (table.old_la_code == old_la_code)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.fixture(scope="module")
def cla(reference):
    table, report = import_files([reference / CSC / "cla_number_and_rate_per_10k_children.csv"])
    return table


@pytest.mark.slow
def test_cla_2025_release_spot_values_for_york(cla):
    assert value(cla, "cla_31mar_count", 2025, "816")["value"] == 240
    assert value(cla, "cla_31mar_rate", 2025, "816")["value"] == 69
    assert value(cla, "cla_starts_count", 2025, "816")["value"] == 72
    assert value(cla, "cla_starts_rate", 2025, "816")["value"] == 21
    york = value(cla, "cla_31mar_count", 2025, "816")
    assert (york["new_la_code"], york["la_name"], york["region_name"]) == (
        "E06000014",
        "York",
        "Yorkshire and The Humber",
    )
    assert value(cla, "cla_31mar_count", 2025, level="National")["value"] == 81770


@pytest.mark.slow
def test_suppressed_values_keep_their_symbol_and_never_become_zero(cla):
    scilly = value(cla, "cla_31mar_count", 2025, "420")
    assert scilly["status"] == "z" and pd.isna(scilly["value"])
    assert not ((cla["status"] != "published") & cla["value"].notna()).any()


@pytest.mark.slow
def test_historic_las_are_kept_as_former_councils_and_all_153_current_las_present(reference):
    table, report = import_files([reference / CSC / "b1_children_in_need_2013_to_2025.csv"])
    assert {"Cumbria", "Northamptonshire"} <= set(report.former_councils)
    current = set(lookups.load_local_authorities().query("status == 'current'")["old_la_code"])
    las = table[(table.geographic_level == "Local authority") & table.old_la_code.isin(current)]
    assert las[las.time_period == 2025].old_la_code.nunique() == 153
    # North Yorkshire's rows before its 2023 reorganisation carry its current GSS code.
    assert value(table, "cin_31mar_count", 2020, "815")["new_la_code"] == "E06000065"


@pytest.mark.slow
def test_2024_and_2025_cin_layouts_both_read_and_newer_release_wins(reference):
    old = reference / CSC / "c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv"
    new = reference / CSC / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
    table, _ = import_files([new, old, reference / CSC / "ons_mid-year_population_estimates_2012_to_2024.csv"])
    row = value(table, "referrals_count", 2024, "816")
    assert row["source"] == new.name
    # the 2025 release dropped rates: 2024 rate is published, 2025 rate derived from counts
    assert value(table, "referrals_rate", 2024, "816")["status"] == "published"
    derived = value(table, "referrals_rate", 2025, "816")
    assert derived["status"] == "derived"


@pytest.mark.slow
def test_derived_rate_uses_previous_mid_year_population(reference):
    files = [
        reference / CSC / "b1_children_in_need_2013_to_2024.csv",
        reference / CSC / "b1_children_in_need_2013_to_2025.csv",
        reference / CSC / "ons_mid-year_population_estimates_2012_to_2024.csv",
    ]
    table, _ = import_files(files)
    count = value(table, "cin_31mar_count", 2025, "816")["value"]
    population = value(table, "population_0_17", 2024, "816")["value"]
    assert value(table, "cin_31mar_rate", 2025, "816")["value"] == round(count / population * 10_000, 1)
    # the published 2022 rate equals DfE's method applied to the 2021 mid-year
    nat_count = value(table, "cin_31mar_count", 2022, level="National")["value"]
    nat_pop = value(table, "population_0_17", 2021, level="National")["value"]
    assert value(table, "cin_31mar_rate", 2022, level="National")["value"] == round(nat_count / nat_pop * 10_000, 1)


@pytest.mark.slow
def test_lait_care_applications_and_eyfsp(reference):
    table, _ = import_files(
        [reference / "dfe-lait" / "bds_long_0.parquet", reference / "dfe-eyfsp" / "1_eyfsp_headline_measures_2022.csv"]
    )
    assert value(table, "care_applications_rate", 2025, "816")["value"] == 9.7
    assert value(table, "eyfsp_gld_pct", 2022, "816")["value"] == 70.9


@pytest.mark.slow
def test_bundled_dataset_is_what_the_importer_makes(reference, tmp_path):
    result = subprocess.run(
        ["make", "-s", "data", f"PY={sys.executable}", f"REF={reference}", f"OUT={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for name in ("indicators.csv", "local_authorities.csv", "indicator_metadata.csv", "datapackage.json"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), (
            f"data/{name} differs from a rebuild"
        )


def test_bundled_dataset_covers_every_la_and_validates(ds):
    current = ds.current_las
    assert len(current) == 153
    latest = ds.la_values("cla_31mar_rate", 2025)
    assert set(latest.old_la_code) == set(current.old_la_code)
    assert ds.series("cla_31mar_count", ds.area("York")).set_index("time_period").loc[2025, "value"] == 240


def ees_file(
    tmp_path,
    rows,
    header="time_period,time_identifier,geographic_level,country_code,country_name,"
    "region_code,region_name,old_la_code,new_la_code,la_name,category,CPP_At31",
):
    path = tmp_path / "cpp.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


YORK = "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,816,E06000014,York"


@pytest.mark.slow
def test_bom_crlf_cr_and_cp1252_files_read_the_same(tmp_path):
    plain = ees_file(tmp_path, [f"{YORK},CPP,1234"])
    text = plain.read_text(encoding="utf-8")
    variants = {
        "bom.csv": ("\ufeff" + text).encode("utf-8"),
        "crlf.csv": text.replace("\n", "\r\n").encode("utf-8"),
        "cr.csv": text.replace("\n", "\r").encode("utf-8"),
        "cp1252.csv": text.replace(",CPP,", ",CPP – plans,").encode("cp1252"),
        "excel-thousands.csv": text.replace(",1234", ',"1,234"').encode("cp1252"),
    }
    expected = import_files([plain])[0]
    assert value(expected, "cpp_31mar_count", 2025, "816")["value"] == 1234
    for name, raw in variants.items():
        path = tmp_path / name
        path.write_bytes(raw)
        got = import_files([path])[0]
        assert got["value"].tolist() == expected["value"].tolist(), name


def test_blank_lines_and_excel_empty_rows_are_skipped_and_rows_keep_their_line_numbers(tmp_path):
    path = ees_file(tmp_path, [f"{YORK},CPP,12", "", ",,,,,,,,,,,", f"{YORK.replace('2025', '2024')},CPP,lots"])
    with pytest.raises(DataFileError, match=r"row 5, column 'CPP_At31': found 'lots'"):
        import_files([path])


@pytest.mark.slow
def test_same_inputs_give_byte_identical_datasets(tmp_path, reference):
    files = [
        reference / CSC / "d5_cpps_at31march_by_duration_2013_to_2025.csv",
        reference / CSC / "ons_mid-year_population_estimates_2012_to_2024.csv",
    ]
    for out in ("a", "b"):
        table, _ = import_files(files)
        tables.write_dataset(tmp_path / out, table, lookups.load_local_authorities())
    for name in ("indicators.csv", "datapackage.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_failed_write_leaves_no_folder_and_an_existing_dataset_intact(tmp_path, monkeypatch, ds):
    from pathlib import Path

    table = ds.indicators.head(50)
    real_write = Path.write_text

    def failing(self, text, *args, **kwargs):
        if self.name == "indicator_metadata.csv":
            raise OSError(28, "No space left on device")
        return real_write(self, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(schema.TableError, match=r"new: cannot write the dataset there \(No space left on device\)$"):
        tables.write_dataset(tmp_path / "new", table, ds.las)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    tables.write_dataset(tmp_path / "old", table, ds.las)
    before = {p.name: p.read_bytes() for p in (tmp_path / "old").iterdir()}
    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(schema.TableError):
        tables.write_dataset(tmp_path / "old", ds.indicators, ds.las)
    assert {p.name: p.read_bytes() for p in (tmp_path / "old").iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


@pytest.mark.slow
def test_cli_import_writes_a_complete_dataset_and_fails_cleanly(reference, tmp_path):
    out = tmp_path / "mine"
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyses",
            "import",
            str(reference / CSC / "d5_cpps_at31march_by_duration_2013_to_2025.csv"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert {"indicators.csv", "local_authorities.csv", "indicator_metadata.csv", "datapackage.json"} <= {
        p.name for p in out.iterdir()
    }
    merged = tables.load_indicators_file(out / "indicators.csv")
    assert "cla_31mar_count" in set(merged.indicator)  # merged over the bundled data
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    failed = subprocess.run(
        [sys.executable, "-m", "analyses", "import", str(bad), "--out", str(tmp_path / "none")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr and failed.stderr.count("\n") == 1
    assert not (tmp_path / "none").exists()


def test_lookup_has_neighbours_and_current_codes(reference):
    las = lookups.build_local_authorities(
        reference / CSC / "sn_model_2025_wide.csv", reference / "dfe-lookups" / "las.csv"
    )
    current = las[las.status == "current"]
    assert len(current) == 153 and current.new_la_code.is_unique
    york = current.set_index("old_la_code").loc["816"]
    assert york.new_la_code == "E06000014" and york.sn_1 != ""
    assert current.set_index("old_la_code").loc["370", "new_la_code"] == "E08000016"  # Barnsley as the data use it
