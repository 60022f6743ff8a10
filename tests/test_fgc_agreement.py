"""One model, one set of figures: York's FGC figures read from the built FGC chapter, the built workshop
chapter (static stand-in), the live workshop widget and a York report (report.html and summary.json) agree.

The site is the session's ``site`` fixture (tests/conftest.py: the book and the area pages, built
once). The York report is the session's ``cli_reports`` (conftest.py), made once by the CLI.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from analyses.models import fgc
from analyses.views import fgc as fgc_view
from analyses.views.wording import chance

pytestmark = pytest.mark.build

KINDS = {
    "Children avoiding care a year": ("children_avoiding_care_per_year", "children"),
    "Days in care avoided a year": ("days_in_care_avoided_per_year", "count"),
    "Cost of conferences a year": ("conference_cost_gbp", "money"),
    "Net saving a year": ("net_saving_gbp", "money"),
}
CHANCE = "Chance that the net saving is above zero"


@pytest.fixture(scope="module")
def york_report(cli_reports) -> Path:
    """The folder of a York report (summary.json and report.html) made with the guide's defaults."""
    return cli_reports["York"]


def page_text(path: Path) -> str:
    """A page's visible words: no scripts or styles, no tags, entities decoded, spaces collapsed."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", raw)))


def first_figure(text: str, label: str) -> str:
    """The words after the first '<label>:' on a page, up to the interval's closing bracket (or the percentage)."""
    pattern = r"(\S+%)" if label == CHANCE else r"((?:about |fewer )?[^()]*?\(90% interval [^)]*\))"
    match = re.search(re.escape(label) + r":\s*" + pattern, text)
    assert match, f"no '{label}:' on the page"
    return match.group(1).strip()


def expected_from_summary(summary: dict) -> dict[str, str]:
    """The words the summary.json figures make through the one set of formatters."""
    figures = summary["fgc"]
    words = {
        label: fgc_view.interval_text(fgc.Interval(**{k: figures[key][k] for k in ("central", "low", "high")}), kind)
        for label, (key, kind) in KINDS.items()
    }
    words[CHANCE] = chance(figures["net_saving_gbp"]["probability_positive"])
    return words


@pytest.fixture(scope="module")
def expected(york_report) -> dict[str, str]:
    return expected_from_summary(json.loads((york_report / "summary.json").read_text()))


def test_the_report_summary_is_the_models_estimate(expected, ds):
    est = fgc.estimate(ds, ds.area("York"))
    assert expected == {label: text for label, text in fgc_view.figure_lines(est) if label in expected}


@pytest.mark.parametrize("where", ["chapters/fgc.html", "chapters/workshop.html", "report"])
def test_york_figures_agree_on_every_page(where, site, york_report, expected):
    path = york_report / "report.html" if where == "report" else site / where
    text = page_text(path)
    for label, words in expected.items():
        assert first_figure(text, label) == words, (where, label)


def test_the_live_workshop_widget_shows_the_same_figures(ds, expected):
    from analyses.workshop.widgets import FgcRollout

    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", FgcRollout(ds).view.summary_html)))
    for label, words in expected.items():
        assert first_figure(text, label) == words, label


def shares_from_summary(summary: dict) -> list[str]:
    """The chart's words for each share already offered, made from summary.json's ``fgc.by_already_offered``."""
    return [
        f"{row['share']:.0%}: {fgc_view.interval_text(fgc.Interval(**row['children']), 'children')}, net saving "
        f"{fgc_view.interval_text(fgc.Interval(**row['net_saving_gbp']), 'money')}."
        for row in summary["fgc"]["by_already_offered"]
    ]


def test_the_report_summary_has_the_models_estimate_by_share_already_offered(york_report, ds):
    summary = json.loads((york_report / "summary.json").read_text())
    model = fgc_view.summary(fgc.estimate(ds, ds.area("York")))
    assert summary["fgc"]["by_already_offered"] == model["by_already_offered"]
    assert summary["fgc"]["price_year"] == "2024-25"
    assert {k: v["price_year"] for k, v in summary["fgc"]["assumptions"].items() if v["price_year"]} == {
        "foster_week": "2024-25",
        "residential_week": "2024-25",
        "conference_cost": "2024-25",
    }
    head = summary["fgc"]["by_already_offered"][0]  # the headline is the trial-comparable case, none offered now
    assert head["share"] == 0 and head["children"] == summary["fgc"]["children_avoiding_care_per_year"]


@pytest.mark.parametrize("where", ["chapters/fgc.html", "report"])
def test_the_estimate_by_share_already_offered_agrees_on_every_page(where, site, york_report):
    path = york_report / "report.html" if where == "report" else site / where
    text = page_text(path)
    for words in shares_from_summary(json.loads((york_report / "summary.json").read_text())):
        assert words in text, (where, words)


def test_the_front_page_states_the_headlines_assumption_and_figures(york_report, expected):
    text = page_text(york_report / "report.html")
    front = text[: text.index("Key points")]  # the front page comes before the chapters
    assert "if every family is offered one (none offered one now, as in the trial)" in front
    assert expected["Children avoiding care a year"] in front and expected["Net saving a year"] in front
