"""Per-LA reports: analyses.report.runner and analyses.report.summary, run on a fixture chapter.

The fixture (tests/fixtures/report_chapter.md) follows the chapter contract and
raises when the environment variable EVIDENCE_TEST_FAIL_LA names its area.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import papermill
import pytest

from analyses import cli
from analyses.data import dataset as data
from analyses.data import fingerprint
from analyses.data.paths import DATA_DIR, ROOT
from analyses.report import build, config, runner
from analyses.report import summary as report
from analyses.report.config import RunConfig
from analyses.views import web_assets

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
CHAPTER = "report_chapter"
FAIL_ENV = "EVIDENCE_TEST_FAIL_LA"
HANG_ENV = "EVIDENCE_TEST_HANG_LA"
TIMEOUT = 60


def use_fixture_chapter(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(config, "CHAPTERS_DIR", FIXTURES)
    mp.setattr(config, "REPORT_CHAPTERS", [CHAPTER])
    mp.delenv(FAIL_ENV, raising=False)
    mp.delenv(HANG_ENV, raising=False)


@pytest.fixture(autouse=True)
def fixture_chapter(monkeypatch):
    use_fixture_chapter(monkeypatch)


@pytest.fixture(scope="module")
def york(tmp_path_factory):
    """A York report, asked for by GSS code: (exit code, reports folder)."""
    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        use_fixture_chapter(mp)
        return cli.report_one("E06000014", RunConfig(out_dir=out, timeout=TIMEOUT)), out


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_york_by_gss_code_writes_one_folder(york):
    code, out = york
    assert code == 0
    assert [p.name for p in out.iterdir()] == ["york"]  # no temporary folders left
    assert sorted(p.name for p in (out / "york").iterdir()) == [
        "findings.csv",
        "report.html",
        f"{CHAPTER}.ipynb",
        "summary.csv",
        "summary.json",
    ]


def test_summary_json(york):
    summary = json.loads((york[1] / "york" / "summary.json").read_text())
    assert list(summary) == ["la", "fixture", "chapters", "generated_at", "generated_from", "settings", "fingerprint"]
    assert summary["la"] == {
        "name": "York",
        "slug": "york",
        "level": "Local authority",
        "new_la_code": "E06000014",
        "old_la_code": "816",
        "region_code": "E12000003",
        "region_name": "Yorkshire and The Humber",
    }
    assert summary["chapters"] == [CHAPTER]
    given = summary["generated_from"]
    assert {key: given[key] for key in ("data_dir", "indicators_sha256")} == {
        "data_dir": str(DATA_DIR),
        "indicators_sha256": fingerprint.file_sha256(DATA_DIR / "indicators.csv"),
    }
    assert {"source": "DfE, Children in need", "latest": "2024-25", "licence": "Open Government Licence v3.0"} in given[
        "sources"
    ]
    assert "own_data" not in given
    assert summary["fingerprint"] == config.fingerprint(None, [FIXTURES / f"{CHAPTER}.md"])
    assert summary["fixture"]["area_code"] == "E06000014"
    assert isinstance(summary["fixture"]["cla_rate"]["value"], float)


def test_report_html_is_self_contained(york):
    page = (york[1] / "york" / "report.html").read_text()
    assert "<title>Evidence for Prevention: York</title>" in page
    assert ">Evidence for Prevention: York<" in page
    assert not re.search(r"<(script|link)[^>]*(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert "<script src" not in page
    assert page.count(web_assets.BASIC_JS.read_text()[:300]) == 1  # the fixture draws a scatter chart
    assert page.count(web_assets.ACCESS_JS.read_text()[:300]) == 1
    assert 'id="chart-' in page and "data-efp-chart=" in page
    assert "publish_summary" not in page and "dataset.area" not in page  # no input code
    assert report.SUMMARY_MIME not in page


def test_executed_notebook_is_kept_with_parameters(york):
    nb = nbformat.read(york[1] / "york" / f"{CHAPTER}.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert 'la = "E06000014"' in injected[0].source and "data_dir = None" in injected[0].source
    assert report.collect_summaries([nb])["fixture"]["area_code"] == "E06000014"
    # the report's kernel writes each chart once, as the page's HTML (renderer.PAGE_OUTPUT)
    drawn = [o["data"] for c in nb.cells for o in c.get("outputs", []) if "data-efp-chart" in str(o.get("data"))]
    assert drawn and all(set(data) == {"text/html"} for data in drawn)


def test_lower_case_name_and_progress_lines(tmp_path, capsys):
    assert cli.report_one("isles of scilly", RunConfig(out_dir=tmp_path, timeout=TIMEOUT)) == 0
    summary = json.loads((tmp_path / "isles-of-scilly" / "summary.json").read_text())
    assert summary["la"]["name"] == "Isles of Scilly"
    assert "Evidence for Prevention: Isles of Scilly" in (tmp_path / "isles-of-scilly" / "report.html").read_text()
    out = capsys.readouterr().out
    assert re.fullmatch(r"Isles of Scilly: wrote \S+/isles-of-scilly/report\.html \([\d.]+ s\)\n", out), out


def test_unknown_la_exits_2_and_suggests(tmp_path, capsys):
    out = tmp_path / "reports"
    assert cli.report_one("Yrok", RunConfig(out_dir=out, timeout=TIMEOUT)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "York" in err
    assert not out.exists()


def test_failed_chapter_keeps_previous_report(york, tmp_path, monkeypatch, capsys):
    out = tmp_path / "reports"
    shutil.copytree(york[1], out)
    before = tree(out)
    monkeypatch.setenv(FAIL_ENV, "York")
    assert cli.report_one("York", RunConfig(out_dir=out, timeout=TIMEOUT)) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"error: York: chapter {CHAPTER} failed: RuntimeError: fixture told to fail for York"
    )
    assert "Traceback" not in err
    assert tree(out) == before


def test_chapter_without_parameters_cell_leaves_no_folder(tmp_path, monkeypatch, capsys):
    source = (FIXTURES / f"{CHAPTER}.md").read_text().replace(":tags: [parameters]\n", "")
    (tmp_path / "bare.md").write_text(source)
    monkeypatch.setattr(config, "CHAPTERS_DIR", tmp_path)
    monkeypatch.setattr(config, "REPORT_CHAPTERS", ["bare"])
    out = tmp_path / "reports"
    assert cli.report_one("York", RunConfig(out_dir=out, timeout=TIMEOUT)) == 1
    assert "error: York: chapter bare failed: no cell tagged 'parameters'" in capsys.readouterr().err
    assert not out.exists()  # the run made the folder, and removed it again


def test_run_all_continues_past_failures_then_skips_up_to_date(tmp_path, monkeypatch, capsys):
    dataset = data.load()
    subset = [dataset.area(name) for name in ("York", "Rutland", "Isles of Scilly")]
    monkeypatch.setattr(runner, "areas", lambda data_dir=None: [*subset, data.ENGLAND])
    monkeypatch.setenv(FAIL_ENV, "Rutland")
    out = tmp_path / "reports"

    assert cli.report_all(RunConfig(out_dir=out, jobs=2, timeout=TIMEOUT)) == 1
    assert sorted(p.name for p in out.iterdir()) == ["england", "isles-of-scilly", "york"]
    err = capsys.readouterr().err
    assert f"Rutland: chapter {CHAPTER} failed: RuntimeError: fixture told to fail for Rutland" in err

    written = tree(out)
    monkeypatch.delenv(FAIL_ENV)
    assert cli.report_all(RunConfig(out_dir=out, jobs=2, timeout=TIMEOUT)) == 0
    assert "3 of 4 reports up to date, skipped" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["england", "isles-of-scilly", "rutland", "york"]
    assert {k: v for k, v in tree(out).items() if not k.startswith("rutland/")} == written


def test_run_all_reuses_a_kernel_but_no_variables_between_areas(tmp_path, monkeypatch):
    dataset = data.load()
    monkeypatch.setattr(
        runner, "areas", lambda data_dir=None: [*[dataset.area("York"), dataset.area("Rutland")], data.ENGLAND]
    )
    assert cli.report_all(RunConfig(out_dir=tmp_path, jobs=1, timeout=TIMEOUT)) == 0
    summaries = [
        json.loads((tmp_path / slug / "summary.json").read_text())["fixture"] for slug in ("york", "rutland", "england")
    ]
    assert len({s["kernel_pid"] for s in summaries}) == 1  # one worker kernel ran all three
    assert [s["earlier_area"] for s in summaries] == [None, None, None]
    for slug in ("york", "rutland", "england"):
        nb = nbformat.read(tmp_path / slug / f"{CHAPTER}.ipynb", as_version=4)
        assert not any(build.RUNNER_CELL in c.metadata or "reset(" in c.source for c in nb.cells)


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": build.KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) if s else nbformat.v4.new_markdown_cell("Prose.") for s in sources]
    return nb


def test_cells_run_in_one_request_keep_their_own_outputs_counts_and_times():
    executed = build._papermill(
        _notebook(
            "print('first')\nx + 1",
            "",
            "import sys\nfrom IPython.display import HTML, display\ndisplay(HTML('<p>shown</p>'))\nprint('late', file=sys.stderr)",
            "y = x * 10",
            "y",
        ),
        {"x": 2},
        TIMEOUT,
        None,
    )
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert [cell.metadata.get("tags") for cell in code[:2]] == [["parameters"], ["injected-parameters"]]
    assert [cell.execution_count for cell in code] == [1, 2, 3, 4, 5, 6]
    assert [[o.output_type for o in cell.outputs] for cell in code] == [
        [],
        [],
        ["stream", "execute_result"],
        ["display_data", "stream"],
        [],
        ["execute_result"],
    ]
    assert code[2].outputs[0].text == "first\n" and code[2].outputs[1].data["text/plain"] == "3"
    assert code[3].outputs[0].data["text/html"] == "<p>shown</p>" and code[3].outputs[1].name == "stderr"
    assert code[5].outputs[0].data["text/plain"] == "20"
    times = [cell.metadata.papermill for cell in code]
    assert all(t["status"] == "completed" and not t["exception"] and t["duration"] >= 0 for t in times)
    assert all(a["end_time"] == b["start_time"] for a, b in zip(times, times[1:]))


def test_a_failing_cell_stops_the_cells_after_it(tmp_path):
    after = tmp_path / "ran"
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        build._papermill(
            _notebook("y = 2", "raise ValueError('stop here')", f"open({str(after)!r}, 'w')"), {}, TIMEOUT, None
        )
    assert (raised.value.ename, raised.value.evalue, raised.value.exec_count) == ("ValueError", "stop here", 4)
    assert not after.exists()


def test_a_cell_that_clears_the_outputs_before_it_is_refused():
    with pytest.raises(config.ReportError, match="clear_output"):
        build._papermill(
            _notebook("print('kept?')", "from IPython.display import clear_output\nclear_output()"), {}, TIMEOUT, None
        )


def test_a_hanging_cell_is_stopped_at_the_time_limit(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(HANG_ENV, "York")
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=2)) == 1
    assert "error: York: a cell ran for longer than the 2 s limit (--timeout)" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_hanging_cell_is_stopped_and_the_next_area_gets_a_fresh_kernel(tmp_path, monkeypatch, capsys):
    dataset = data.load()
    monkeypatch.setattr(
        runner, "areas", lambda data_dir=None: [*[dataset.area("York"), dataset.area("Rutland")], data.ENGLAND]
    )
    monkeypatch.setenv(HANG_ENV, "York")
    # A limit the fresh kernel's first cell (the chapters' imports and the data's load) keeps on a loaded machine.
    assert cli.report_all(RunConfig(out_dir=tmp_path, jobs=1, timeout=15)) == 1
    assert "York: a cell ran for longer than the 15 s limit (--timeout)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["england", "rutland"]


def test_cli_unknown_la_is_one_line(tmp_path):
    out = tmp_path / "reports"
    result = subprocess.run(
        [sys.executable, "-m", "analyses", "run", "--la", "Yrok", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "York" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_publish_summary_bundle(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "display", lambda obj, raw: shown.append(obj))
    report.publish_summary(
        "fgc",
        {
            "per_year": {"central": np.float64(1.5), "low": np.int64(1), "high": None},
            "unit": "children",
            "by_share": [{"share": 0.25, "small": np.bool_(True)}],
        },
    )
    assert shown == [
        {
            report.SUMMARY_MIME: {
                "fgc": {
                    "per_year": {"central": 1.5, "low": 1, "high": None},
                    "unit": "children",
                    "by_share": [{"share": 0.25, "small": True}],
                }
            }
        }
    ]
    assert type(shown[0][report.SUMMARY_MIME]["fgc"]["per_year"]["low"]) is int


@pytest.mark.parametrize(
    "section, figures, error",
    [
        ("fgc", {"x": float("nan")}, ValueError),
        ("fgc", {"x": {"y": np.inf}}, ValueError),
        ("fgc", {"x": {1, 2}}, TypeError),
        ("fgc", {"x": [1, float("nan")]}, ValueError),
        ("fgc", {1: 2}, TypeError),
        ("la", {"x": 1}, ValueError),
        ("", {"x": 1}, ValueError),
        ("fgc", 3, TypeError),
    ],
)
def test_publish_summary_rejects(monkeypatch, section, figures, error):
    monkeypatch.setattr(report, "display", lambda obj, raw: pytest.fail("displayed a bad summary"))
    with pytest.raises(error):
        report.publish_summary(section, figures)


def test_collect_summaries_merges_by_section():
    def nb(*payloads):
        outputs = [{"output_type": "display_data", "data": {report.SUMMARY_MIME: p}, "metadata": {}} for p in payloads]
        return {"cells": [{"cell_type": "code", "outputs": outputs}, {"cell_type": "markdown"}]}

    merged = report.collect_summaries([nb({"a": {"x": 1}}, {"b": {"y": 2}}), nb({"a": {"z": 3, "x": 4}})])
    assert merged == {"a": {"x": 4, "z": 3}, "b": {"y": 2}}


def test_run_all_outer_timeout_kills_worker(tmp_path, monkeypatch, capsys):
    york = data.load().area("York")
    monkeypatch.setattr(runner, "areas", lambda data_dir=None: [*[york], data.ENGLAND])
    monkeypatch.setattr(runner, "WORKER_GRACE_SECONDS", 0.2)  # limit 0.2 s: killed while starting up
    out = tmp_path / "reports"
    assert cli.report_all(RunConfig(out_dir=out, jobs=2, timeout=0)) == 1
    err = capsys.readouterr().err
    assert "York: timed out after 0.2 s" in err and "England: timed out after 0.2 s" in err
    assert not out.exists() or list(out.iterdir()) == []


def test_settings_reach_the_chapter_and_the_summary(tmp_path):
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT, settings={"scale": 2.5})) == 0
    summary = json.loads((tmp_path / "york" / "summary.json").read_text())
    assert summary["settings"] == {"scale": 2.5}
    assert summary["fixture"]["scale"] == 2.5  # published by the chapter itself, so it ran with the setting


def test_unknown_setting_is_refused(tmp_path, capsys):
    assert cli.report_one("York", RunConfig(out_dir=tmp_path, timeout=TIMEOUT, settings={"nonsense": 1})) == 1
    assert "unknown setting nonsense" in capsys.readouterr().err
    assert not (tmp_path / "york").exists()
