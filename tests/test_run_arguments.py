"""Issue 11, items 5, 6, 7 and 11: run arguments checked before any kernel starts, quiet output,
nothing left behind, areas found by their other names, and a fingerprint of everything a report uses."""

import errno
import os
import subprocess
import sys

import pytest
from test_runner import CHAPTER, FAIL_ENV, TIMEOUT, use_fixture_chapter

from analyses import cli
from analyses.data import lookups
from analyses.data.geography import UnknownAreaError, area_aliases, resolve_area
from analyses.data.paths import ROOT
from analyses.report import build, config
from analyses.report.config import RunConfig

LAS = lookups.load_local_authorities()


@pytest.fixture(autouse=True)
def fixture_chapter(monkeypatch):
    use_fixture_chapter(monkeypatch)


def everything(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "analyses", "run", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def assert_one_line(result, *parts):
    assert result.returncode == 2, result
    assert result.stdout == "" and result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr, (part, result.stderr)


def test_out_that_is_a_file_is_refused_before_any_kernel(tmp_path, monkeypatch, capsys):
    afile = tmp_path / "afile.txt"
    afile.write_text("keep me")
    for start in ("report_one", "report_all"):  # where reporting (kernels) would start
        monkeypatch.setattr(cli, start, lambda *args, name=start: pytest.fail(f"{name} called"))
    assert cli.main(["run", "--la", "York", "--out", str(afile)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and captured.err.startswith("error: ")
    assert "afile.txt" in captured.err and "is a file" in captured.err
    assert afile.read_text() == "keep me" and everything(tmp_path) == ["afile.txt"]


def test_an_area_folder_that_is_a_file_is_refused_never_replaced(tmp_path, capsys):
    (tmp_path / "york").write_text("mine")
    assert cli.main(["run", "--la", "York", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "york: is a file where the report folder goes" in err
    assert (tmp_path / "york").read_text() == "mine" and everything(tmp_path) == ["york"]


@pytest.mark.slow
def test_an_area_folder_that_is_a_file_is_refused_by_the_runner_too(tmp_path, capsys):
    (tmp_path / "york").write_text("mine")
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT)) == 1
    assert "is not a folder" in capsys.readouterr().err
    assert (tmp_path / "york").read_text() == "mine" and everything(tmp_path) == ["york"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs a read-only /proc")
def test_out_that_cannot_be_written_is_refused(tmp_path, capsys):
    assert cli.main(["run", "--la", "York", "--out", "/proc/evidence-reports"]) == 2
    assert "cannot write in /proc" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["50%", "abc", "inf", "-inf", "nan", "1e999", "", "None", "0x10", "[1]"])
def test_every_set_value_must_be_a_finite_number(value, tmp_path, capsys):
    assert cli.main(["run", "--la", "York", "--out", str(tmp_path / "out"), "--set", f"coverage={value}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: --set coverage=") and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_set_values_keep_their_kind():
    assert cli.parse_settings(["pre_proceedings_children=120", "coverage=0.5", "x=1e3"]) == {
        "pre_proceedings_children": 120,
        "coverage": 0.5,
        "x": 1000.0,
    }
    assert type(cli.parse_settings(["n=120"])["n"]) is int


def test_unknown_setting_is_refused_before_any_kernel(tmp_path):
    result = run_cli("--la", "York", "--out", str(tmp_path / "out"), "--set", "nosuch=1")
    assert_one_line(result, "--set nosuch: unknown setting", "coverage")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_area_name_gets_one_clear_message(name, tmp_path, capsys):
    assert cli.main(["run", "--la", name, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: No area given") and "City of London" not in err


@pytest.mark.slow
def test_a_failed_run_with_a_new_out_leaves_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(FAIL_ENV, "York")
    out = tmp_path / "new" / "reports"
    assert cli.report_one("York", RunConfig(out_dir=out, timeout=TIMEOUT)) == 1
    assert everything(tmp_path) == []


@pytest.mark.slow
def test_a_full_disk_mid_run_is_one_line_naming_the_folder_and_keeps_the_old_report(tmp_path, monkeypatch, capfd):
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT)) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "york").iterdir()}
    capfd.readouterr()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build, "write_notebook", full)
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT)) == 2
    captured = capfd.readouterr()
    assert captured.err == f"error: York: cannot write the report to {tmp_path / 'york'} (No space left on device)\n"
    assert {p: p.read_bytes() for p in (tmp_path / "york").iterdir()} == before
    assert everything(tmp_path) == sorted(["york", *[f"york/{p.name}" for p in before]])  # no hidden folder


@pytest.mark.slow
def test_a_run_prints_one_line_and_no_papermill_or_kernel_noise(tmp_path, capfd):
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT, settings={})) == 0
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out.count("\n") == 1 and captured.out.startswith("York: wrote ")


@pytest.mark.slow
def test_verbose_shows_the_chapters_line(tmp_path, capfd):
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT, verbose=True)) == 0
    assert f"York: {CHAPTER} done in" in capfd.readouterr().err


@pytest.mark.parametrize(
    "query, name",
    [
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("Bournemouth", "Bournemouth, Christchurch and Poole"),
        ("poole", "Bournemouth, Christchurch and Poole"),
        ("Telford", "Telford and Wrekin"),
        ("E10000023", "North Yorkshire"),
        ("E10000027", "Somerset"),
        ("e10000023", "North Yorkshire"),
        ("Hull", "Kingston upon Hull, City of"),
        ("York", "York"),
        ("816", "York"),
    ],
)
def test_areas_by_short_and_former_names_and_codes(query, name):
    assert resolve_area(query, LAS).name == name


@pytest.mark.parametrize(
    "query, successors",
    [
        ("Cumbria", ["Cumberland", "Westmorland and Furness"]),
        ("E10000006", ["Cumberland", "Westmorland and Furness"]),
        ("Northamptonshire", ["North Northamptonshire", "West Northamptonshire"]),
        ("E10000021", ["North Northamptonshire", "West Northamptonshire"]),
    ],
)
def test_a_council_replaced_by_two_names_both(query, successors):
    with pytest.raises(UnknownAreaError) as info:
        resolve_area(query, LAS)
    message = str(info.value)
    assert all(name in message for name in successors) and "replaced on 1 April" in message


@pytest.mark.parametrize(
    "query, suggestion",
    [
        ("Bornemouth", "Bournemouth, Christchurch and Poole"),
        ("Telfrd", "Telford and Wrekin"),
        ("Yrok", "York"),
        ("Kingston", "Kingston upon Thames"),
    ],
)
def test_fuzzy_matching_covers_aliases(query, suggestion):
    with pytest.raises(UnknownAreaError, match="Did you mean: .*" + suggestion.split(",")[0]):
        resolve_area(query, LAS)


def test_area_aliases_is_one_table_of_current_codes():
    aliases = area_aliases(LAS)
    current = set(LAS.loc[LAS.status == "current", "old_la_code"])
    assert aliases["Cumbria"] == ("942", "943") and aliases["BCP"] == ("839",) and aliases["E10000023"] == ("815",)
    assert all(set(codes) <= current for codes in aliases.values())


def test_fingerprint_covers_the_package_chapters_bib_assets_and_data():
    labels = {label for label, _ in config.fingerprint_files(None, config.chapter_paths())}
    for label in (
        "references.bib",
        "_ext/assets/report.css",
        "_ext/assets/chart_access.js",
        "analyses/data/geography.py",
        "analyses/report/runner.py",
        "data/datapackage.json",
        "data/indicators.csv",
        f"chapters/{CHAPTER}.md",
    ):
        assert label in labels, label
    assert not any("__pycache__" in label for label in labels)


def test_fingerprint_changes_when_the_bib_or_an_asset_changes(tmp_path, monkeypatch):
    (tmp_path / "_ext" / "assets").mkdir(parents=True)
    (tmp_path / "references.bib").write_text("@book{a}")
    (tmp_path / "_ext" / "assets" / "report.css").write_text("body{}")
    monkeypatch.setattr(config, "ROOT", tmp_path)
    chapters = config.chapter_paths()
    first = config.fingerprint(None, chapters)
    (tmp_path / "references.bib").write_text("@book{b}")
    second = config.fingerprint(None, chapters)
    (tmp_path / "_ext" / "assets" / "report.css").write_text("body{color:red}")
    third = config.fingerprint(None, chapters)
    assert len({first, second, third}) == 3
