"""The real per-LA report, end to end through the CLI, for large and tiny LAs."""
import json
import subprocess
import sys

import pytest

from analyses.data.paths import ROOT


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return tmp_path_factory.mktemp("reports")


@pytest.mark.parametrize("la, slug", [("York", "york"), ("birmingham", "birmingham"), ("E06000053", "isles-of-scilly"),
                                      ("201", "city-of-london"), ("England", "england")])
def test_report_for_la(reports, la, slug):
    result = subprocess.run([sys.executable, "-m", "analyses", "run", "--la", la, "--out", str(reports)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    folder = reports / slug
    summary = json.loads((folder / "summary.json").read_text())
    avoiding = summary["fgc"]["children_avoiding_care_per_year"]
    assert avoiding["low"] <= avoiding["central"] <= avoiding["high"]
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert f"Evidence for Prevention: {summary['la']['name']}" in page
    assert "plotly-graph-div" in page and "<script src=\"http" not in page
    assert "{footcite" not in page and "footbibliography" not in page


def test_unknown_la_suggests_close_matches(reports):
    result = subprocess.run([sys.executable, "-m", "analyses", "run", "--la", "Birmingam", "--out", str(reports)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Birmingham" in result.stderr and "Traceback" not in result.stderr


def test_council_settings_change_the_fgc_estimate(reports):
    result = subprocess.run([sys.executable, "-m", "analyses", "run", "--la", "York", "--out", str(reports / "set"),
                             "--set", "pre_proceedings_children=200", "--set", "coverage=0.5"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    summary = json.loads((reports / "set" / "york" / "summary.json").read_text())
    assert summary["settings"] == {"pre_proceedings_children": 200, "coverage": 0.5}
    assert summary["fgc"]["pre_proceedings_source"] == "set by the user"
    assert summary["fgc"]["children_avoiding_care_per_year"]["central"] == round(200 * 0.5 * 0.086)
