"""The real per-LA report, end to end through the CLI, for large and tiny LAs."""

import html
import json
import re
import subprocess
import sys

import pytest

from analyses.data.paths import ROOT
from analyses.models import findings
from analyses.views import findings as words

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return tmp_path_factory.mktemp("reports")


@pytest.mark.parametrize(
    "query, slug",
    [
        ("York", "york"),
        ("birmingham", "birmingham"),
        ("E06000053", "isles-of-scilly"),
        ("201", "city-of-london"),
        ("england", "england"),
    ],
)
def test_the_cli_finds_an_area_by_name_or_code_in_any_case(query, slug):
    from analyses.data import lookups
    from analyses.data.geography import resolve_area

    assert resolve_area(query, lookups.lookup_of(None)).slug == slug


def assert_report(summary: dict, page: str, findings_csv: bytes) -> None:
    """What every report states, on whichever pages it is read: the FGC range in order, the findings
    worded once (``assert_one_wording``), no unresolved citation, and one findings.csv row each."""
    avoiding = summary["fgc"]["children_avoiding_care_per_year"]
    assert avoiding["low"] <= avoiding["central"] <= avoiding["high"]
    assert "plotly-graph-div" in page and '<script src="http' not in page
    assert "{footcite" not in page and "footbibliography" not in page
    assert_one_wording(summary, page)
    assert findings_csv.count(b"\r\n") == len(summary["findings"]) + 1


@pytest.mark.parametrize("la", ["York", "Isles of Scilly"])
def test_report_made_by_the_cli(cli_reports, la):
    """report.html as an analyst gets it from ``python -m analyses run`` (Isles of Scilly asked for by code)."""
    folder = cli_reports[la]
    summary = json.loads((folder / "summary.json").read_text())
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert f"Evidence for Prevention: {summary['la']['name']}" in page
    assert_report(summary, page, (folder / "findings.csv").read_bytes())


@pytest.mark.build
@pytest.mark.parametrize("slug", ["birmingham", "city-of-london", "england"])
def test_report_on_the_site(site, slug):
    """The same report as the site's area pages (the site build runs it for every area): the largest
    LA, the smallest with suppressed figures, and England; front page and chapters read together."""
    folder = site / "areas" / slug
    summary = json.loads((folder / "summary.json").read_text())
    pages = ["index", *summary["chapters"]]
    page = "\n".join((folder / f"{name}.html").read_text(encoding="utf-8") for name in pages)
    assert f"Evidence for Prevention: {summary['la']['name']}" in page
    assert_report(summary, page, (folder / "findings.csv").read_bytes())


# The findings the chapters state in words, beside the front page: each must read the same in both.
STATED_IN_CHAPTERS = ("referrals_rate", "cla_31mar_rate", "da_factor_parent_rate", "sgo_exits_rate")


def assert_one_wording(summary: dict, page: str) -> None:
    """No verdict differs between the front page and the chapters: each finding the chapters state is
    worded there exactly as ``views.findings`` words it, and no other comparison of it appears."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    for f in findings.from_summary(summary["findings"]):
        row = re.search(rf'data-indicator="{f.indicator}".*?</tr>', page, re.S).group(0)
        assert html.escape(words.verdict_label(f)) in row or summary["la"]["level"] == "National"
        if f.indicator not in STATED_IN_CHAPTERS or f.comparison not in ("higher", "lower", "similar"):
            continue
        said = words.verdict_phrase(f)
        assert said in text or not f.count, (f.indicator, said)  # a count of 0 is said as "no children", no test
        for other in {"higher", "lower", "similar"} - {f.comparison}:
            contrary = words.comparison_phrase(other, other, words.number(f, f.england))
            assert contrary not in text.replace(said, ""), (f.indicator, contrary)


def test_unknown_la_suggests_close_matches(reports):
    result = subprocess.run(
        [sys.executable, "-m", "analyses", "run", "--la", "Birmingam", "--out", str(reports)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Birmingham" in result.stderr and "Traceback" not in result.stderr


def test_council_settings_change_the_fgc_estimate(reports):
    """``--set`` reaches every page of the report: the chapter, summary.json and the static roll-out tool."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyses",
            "run",
            "--la",
            "North Yorkshire",
            "--out",
            str(reports / "set"),
            "--set",
            "pre_proceedings_children=200",
            "--set",
            "coverage=0.5",
            "--set",
            "already_offered=0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "Unable to parse" not in result.stderr + result.stdout
    summary = json.loads((reports / "set" / "north-yorkshire" / "summary.json").read_text())
    assert summary["settings"] == {"pre_proceedings_children": 200, "coverage": 0.5, "already_offered": 0}
    from analyses.data.dataset import load
    from analyses.models import fgc as fgc_model
    from analyses.views import fgc as fgc_words

    ds = load()
    estimate = fgc_model.estimate(ds, ds.area("North Yorkshire"), summary["settings"])
    page = (reports / "set" / "north-yorkshire" / "report.html").read_text(encoding="utf-8")
    tool = html.unescape(page[page.index("Families offered an FGC now") :])
    assert f"The council's setting, 0%: {fgc_words.figures_plain(estimate)}" in tool  # the tool's first state
    fgc = summary["fgc"]
    assert fgc["pre_proceedings_source"] == "set by the council"
    assert fgc["children_avoiding_care_per_year"]["central"] == pytest.approx(200 * 0.5 * 0.086, rel=0.02)
    assert fgc["assumptions"]["already_offered"] == {
        "value": 0,
        "low": 0,
        "high": 0,
        "distribution": "fixed",
        "source": "council",
        "range_source": "",
        "source_gives": "Set by the council.",
        "price_year": None,
    }


@pytest.mark.parametrize(
    "setting, named",
    [
        ("pre_proceedings_children=1e9", "from 0 to 34,758"),
        ("coverage=1.5", "from 0 to 1"),
        ("coverage=nan", "from 0 to 1"),
        ("conference_cost=-1", "from 0 to 50,000"),
    ],
)
def test_out_of_range_fgc_settings_are_refused_before_anything_runs(reports, setting, named):
    result = subprocess.run(
        [sys.executable, "-m", "analyses", "run", "--la", "York", "--out", str(reports / "bad"), "--set", setting],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    name = setting.split("=")[0]
    assert line.startswith((f"error: {name} must be a number", f"error: --set {name}=")) and named in line
    assert not (reports / "bad").exists()
