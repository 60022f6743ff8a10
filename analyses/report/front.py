"""The front page of every report, and the same headline figures as one flat CSV.

Both are built from ``summary.json`` (what the chapters published, see
``analyses.report.summary``) so the page, the CSV and the JSON always agree:

- ``headlines(summary)``: 5 to 8 findings, each a plain sentence with its comparison
  (statistical neighbours, region, England; whether the difference from England is
  statistically significant), then the Family Group Conference estimate with its range;
- ``front_page(summary, contents)``: the first screen of a report (area, region, date,
  the data it rests on, the findings, a contents list, how to cite and reuse it);
- ``summary_csv(summary)``: ``key,value,status,year,comparison`` rows that open in Excel.

``data_provenance(data_dir)`` says what a report rests on (each source with its latest year,
or the council's own data folder, when it was imported and the files in it); the runner
stores it in ``summary.json`` under ``generated_from``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analyses.data.paths import DATA_DIR
from analyses.models.fgc import Interval
from analyses.views.fgc import interval_text

CITATION = (
    "Evidence for Prevention: {name}. Generated on {date} from official statistics. "
    "Text CC BY 4.0, code MIT, data Open Government Licence v3.0."
)
LICENCES = (
    "Reuse it freely with attribution. The text is under the Creative Commons Attribution 4.0 licence "
    "(CC BY 4.0) and the code under the MIT licence. The data: Department for Education; Office for National "
    "Statistics; Cafcass data via DfE's Local Authority Interactive Tool; all under the Open Government Licence "
    "v3.0."
)
# The four rates of the demand chapter, in the order a reader meets them (key, profile indicator, words).
RATES = (
    ("children_looked_after", "cla_31mar_rate", "children looked after", "were looked after"),
    ("children_in_need", "cin_31mar_rate", "children in need", "were children in need"),
    (
        "child_protection_plans",
        "cpp_31mar_rate",
        "children on a child protection plan",
        "were on a child protection plan",
    ),
    ("referrals", "referrals_rate", "referrals to children's social care", "referrals were made"),
)
CSV_COLUMNS = ("key", "value", "status", "year", "comparison")


@dataclass(frozen=True)
class Headline:
    """One headline figure: its summary key, value, status, year, comparison and sentence."""

    key: str
    value: float | None
    status: str
    year: str
    comparison: str
    sentence: str


# ---------------------------------------------------------------- words and numbers


def _number(value: float | None, digits: int = 1) -> str:
    return "no figure" if value is None else f"{value:,.{digits}f}"


def significance(value: float | None, low: float | None, high: float | None, england: float | None) -> str:
    """Words for an area's value against England's, from its 95% interval."""
    if value is None or england is None:
        return "not compared with England"
    if low is None or high is None:
        return "not tested for a significant difference from England"
    if low > england:
        return "significantly higher than England"
    if high < england:
        return "significantly lower than England"
    return "not significantly different from England"


def _comparison(figures: dict, area: dict) -> str:
    """'neighbours 57.4; Yorkshire and The Humber 77.0; England 67.0' (what exists)."""
    parts = []
    if figures.get("neighbour_average") is not None:
        parts.append(f"statistical neighbours {_number(figures['neighbour_average'])}")
    if figures.get("region") is not None and area.get("region_name"):
        parts.append(f"{area['region_name']} {_number(figures['region'])}")
    if figures.get("england") is not None:
        parts.append(f"England {_number(figures['england'])}")
    return "; ".join(parts)


def _status_words(status: str) -> str:
    return {
        "c": "suppressed to protect confidentiality",
        "x": "not available",
        "z": "not applicable",
        "k": "fewer than half a unit",
        "low": "fewer than half a unit",
        "u": "of low reliability",
    }.get(status, "not available")


# ---------------------------------------------------------------- the findings


def _rate_headline(summary: dict, key: str, indicator: str, noun: str, verb: str) -> Headline | None:
    area = summary.get("la", {})
    rates = summary.get("demand", {}).get("rates_per_10000", {})
    figures = dict(rates.get(key) or {})
    profile = summary.get("profile", {}).get(indicator, {})
    if not figures and not profile:
        return None
    for name in ("year", "value", "status", "neighbour_average", "england"):
        if figures.get(name) is None and profile.get(name) is not None:
            figures[name] = profile[name]
    year, value, status = figures.get("year"), figures.get("value"), figures.get("status") or "x"
    name = area.get("name", "this area")
    england_area = area.get("level") == "National"
    if england_area:
        sentence = (
            f"In {year}, {_number(value)} {noun} per 10,000 children in England."
            if key == "referrals"
            else f"In {year}, {_number(value)} in every 10,000 children in England {verb}."
        )
        return Headline(f"demand.rates_per_10000.{key}", value, status, str(year), "", sentence)
    verdict = significance(value, profile.get("ci_low"), profile.get("ci_high"), figures.get("england"))
    comparison = _comparison(figures, area)
    if value is None:
        sentence = f"{name}'s rate of {noun} for {year} is {_status_words(status)}; England's was {_number(figures.get('england'))}."
    else:
        subject = (
            f"there were {_number(value)} referrals for every 10,000 children"
            if key == "referrals"
            else f"{_number(value)} in every 10,000 children {verb}"
        )
        sentence = f"In {year}, {subject} in {name}: {verdict} ({comparison})."
        comparison = f"{comparison}; {verdict}" if comparison else verdict
    return Headline(f"demand.rates_per_10000.{key}", value, status, str(year), comparison, sentence)


def _care_applications(summary: dict) -> Headline | None:
    figures = summary.get("profile", {}).get("care_applications_rate")
    if not figures:
        return None
    area = summary.get("la", {})
    value, year = figures.get("value"), figures.get("year")
    period = f"{int(year) - 1}-{str(year)[-2:]}" if year else "the latest year"
    if area.get("level") == "National":
        return Headline(
            "profile.care_applications_rate",
            value,
            figures.get("status") or "x",
            str(year),
            "",
            f"In {period}, Cafcass received {_number(value)} care applications for every 10,000 children in England.",
        )
    comparison = _comparison(figures, area)
    if value is None:
        sentence = (
            f"{area.get('name')}'s rate of care applications for {period} is {_status_words(figures.get('status'))}."
        )
    else:
        sentence = (
            f"In {period}, Cafcass received {_number(value)} care applications for every 10,000 children in "
            f"{area.get('name')} ({comparison}; published without the counts needed to test the difference)."
        )
    return Headline(
        "profile.care_applications_rate",
        value,
        figures.get("status") or "x",
        str(year),
        f"{comparison}; not tested" if comparison else "not tested",
        sentence,
    )


def _domestic_abuse(summary: dict) -> Headline | None:
    section = summary.get("domestic_abuse", {})
    parent = section.get("parent")
    if not parent:
        return None
    area = summary.get("la", {})
    year, value = section.get("year"), parent.get("rate_per_10000")
    period = f"{int(year) - 1}-{str(year)[-2:]}" if year else "the latest year"
    if area.get("level") == "National":
        sentence = (
            f"In {period}, domestic abuse involving a parent was identified at the end of "
            f"{_number(parent.get('share_of_assessments_pct'))}% of assessments in England."
        )
        return Headline(
            "domestic_abuse.parent.rate_per_10000", value, parent.get("status") or "x", str(year), "", sentence
        )
    parts = (
        [f"statistical neighbours {_number(parent['neighbours_rate_per_10000'])}"]
        if parent.get("neighbours_rate_per_10000") is not None
        else []
    )
    if parent.get("england_rate_per_10000") is not None:
        parts.append(f"England {_number(parent['england_rate_per_10000'])}")
    comparison = "; ".join(parts)
    if value is None:
        sentence = f"{area.get('name')}'s count of assessments identifying domestic abuse involving a parent is {_status_words(parent.get('status'))}."
    else:
        sentence = (
            f"In {period}, assessments in {area.get('name')} identified domestic abuse involving a parent for "
            f"{_number(value)} in every 10,000 children, {_number(parent.get('share_of_assessments_pct'))}% of "
            f"assessments ({comparison}; not tested for significance)."
        )
    return Headline(
        "domestic_abuse.parent.rate_per_10000",
        value,
        parent.get("status") or "x",
        str(year),
        f"{comparison}; not tested" if comparison else "not tested",
        sentence,
    )


def _kinship(summary: dict) -> Headline | None:
    figures = summary.get("kinship", {}).get("sgo_exits")
    if not figures:
        return None
    area = summary.get("la", {})
    value, year = figures.get("rate_per_10000"), figures.get("year")
    england = figures.get("england_rate_per_10000")
    if area.get("level") == "National":
        sentence = (
            f"In {year}, {_number(figures.get('count'), 0)} children left care on a special guardianship "
            f"order in England, {_number(value)} in every 10,000 children."
        )
        return Headline(
            "kinship.sgo_exits.rate_per_10000", value, figures.get("status") or "x", str(year), "", sentence
        )
    compared = figures.get("compared_with_england")
    comparison = f"England {_number(england)}" + (f"; {compared} England" if compared else "")
    if value is None:
        sentence = (
            f"The number of children leaving {area.get('name')}'s care on a special guardianship order in "
            f"{year} is {_status_words(figures.get('status'))}; England's rate was {_number(england)}."
        )
    else:
        verdict = {
            "similar to": "not significantly different from",
            "higher than": "significantly higher than",
            "lower than": "significantly lower than",
        }.get(compared, "compared with")
        sentence = (
            f"In {year}, {_number(figures.get('count'), 0)} children left {area.get('name')}'s care on a "
            f"special guardianship order, {_number(value)} in every 10,000 children: {verdict} England "
            f"({_number(england)})."
        )
    return Headline(
        "kinship.sgo_exits.rate_per_10000", value, figures.get("status") or "x", str(year), comparison, sentence
    )


def _interval(figures: dict) -> Interval:
    """summary.json's ``central``, ``low`` and ``high`` as the model's interval, to be worded as the chapter words it."""
    return Interval(figures["central"], figures["low"], figures["high"])


def _fgc(summary: dict) -> Headline | None:
    """The FGC estimate with its range (``fgc.children_avoiding_care_per_year``, ``fgc.net_saving_gbp``)."""
    section = summary.get("fgc", {})
    avoiding = section.get("children_avoiding_care_per_year")
    if not avoiding:
        return None
    name = summary.get("la", {}).get("name", "this area")
    saving = section.get("net_saving_gbp")
    coverage = summary.get("settings", {}).get("coverage", 1.0)
    who = "every family" if coverage == 1 else f"{coverage:.0%} of families"
    children = interval_text(_interval(avoiding), "children")
    sentence = f"Family Group Conferences: if {who} entering pre-proceedings in {name} were offered one, {children}"
    sentence += " a year could avoid care"
    sentence += f", a net saving of {interval_text(_interval(saving), 'money')} a year." if saving else "."
    comparison = "the estimate's 90% interval; see the FGC chapter's method"
    return Headline(
        "fgc.children_avoiding_care_per_year.central", avoiding.get("central"), "derived", "", comparison, sentence
    )


def headlines(summary: dict) -> list[Headline]:
    """The report's headline findings (at most 8), the FGC estimate last."""
    found = [_rate_headline(summary, *rate) for rate in RATES]
    found += [_care_applications(summary), _domestic_abuse(summary), _kinship(summary)]
    found = [h for h in found if h is not None][:7]
    fgc = _fgc(summary)
    return found + ([fgc] if fgc else [])


# ---------------------------------------------------------------- what the report rests on


@lru_cache(maxsize=8)
def _sources(folder: str, stamp: float) -> tuple[tuple[str, str, int], ...]:
    """(source, licence, latest year) for each source in a data folder's indicators."""
    path = Path(folder)
    rows = pd.read_csv(path / "indicators.csv", usecols=["indicator", "time_period"], dtype=str, encoding="utf-8-sig")
    meta_path = path / "indicator_metadata.csv"
    meta = pd.read_csv(
        meta_path if meta_path.is_file() else DATA_DIR / "indicator_metadata.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )[["indicator", "source", "licence"]]
    rows = rows.merge(meta, on="indicator")
    rows["year"] = pd.to_numeric(rows["time_period"].str[:4], errors="coerce")
    latest = rows.groupby(["source", "licence"])["year"].max().dropna().astype(int)
    return tuple((source, licence, int(year)) for (source, licence), year in latest.items())


@lru_cache(maxsize=8)
def _files(folder: str, stamp: float) -> frozenset[str]:
    """The distinct values of a folder's ``source`` column (published file names, ``council: ...``)."""
    rows = pd.read_csv(
        Path(folder) / "indicators.csv", usecols=["source"], dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    return frozenset(rows["source"])


def _period(source: str, year: int) -> str:
    return f"mid-{year}" if source.startswith("ONS") else f"{year - 1}-{str(year)[-2:]}"


def data_provenance(data_dir: str | Path | None) -> dict:
    """What a report rests on, for ``summary.json``: sources with their latest year; own data when given."""
    folder = Path(data_dir).resolve() if data_dir else DATA_DIR
    indicators = folder / "indicators.csv"
    stamp = indicators.stat().st_mtime
    out = {
        "sources": [
            {"source": source, "latest": _period(source, year), "licence": licence}
            for source, licence, year in _sources(str(folder), stamp)
        ]
    }
    if folder != DATA_DIR.resolve():
        bundled = DATA_DIR / "indicators.csv"
        own = sorted(_files(str(folder), stamp) - _files(str(DATA_DIR), bundled.stat().st_mtime))
        out["own_data"] = {
            "folder": str(folder),
            "imported": dt.date.fromtimestamp(stamp).isoformat(),
            "files": [name for name in own if not name.startswith("derived:")],
        }
    return out


# ---------------------------------------------------------------- the page


def _date(iso: str | None) -> str:
    try:
        day = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%B %Y}"


def _data_html(summary: dict) -> str:
    given = summary.get("generated_from", {})
    sources = "; ".join(
        f"{html.escape(s['source'])} (latest {html.escape(s['latest'])})" for s in given.get("sources", [])
    )
    own = given.get("own_data")
    if own:
        files = ", ".join(html.escape(name) for name in own.get("files", [])) or "no files beyond the bundled ones"
        return (
            f'<p class="front-data"><strong>Data:</strong> your own data from <code>{html.escape(own["folder"])}</code>, '
            f"imported on {_date(own.get('imported'))}. The council's sources: {files}. "
            f"Everything else as bundled with the guide: {sources}.</p>"
        )
    return f'<p class="front-data"><strong>Data:</strong> {sources or "the data bundled with the guide"}.</p>'


def front_page(summary: dict, contents: list[tuple[str, str]], title: str, extra_contents: str = "") -> str:
    """The report's first screen (printed: page one), then its contents list.

    ``contents`` is ``[(href, chapter title), ...]``; ``extra_contents`` is any further list item HTML.
    """
    area = summary.get("la", {})
    generated = _date(summary.get("generated_at") or dt.date.today().isoformat())
    if area.get("level") == "National":
        where = "England: all 153 local authorities"
    else:
        codes = ", ".join(
            f"{label} {html.escape(code)}"
            for label, code in (("GSS code", area.get("new_la_code")), ("DfE code", area.get("old_la_code")))
            if code
        )
        where = f"Local authority in {html.escape(area.get('region_name') or 'England')} ({codes})"
    findings = "\n".join(f"<li>{html.escape(h.sentence)}</li>" for h in headlines(summary))
    chapters = "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>' for href, text in contents)
    cite = html.escape(CITATION.format(name=area.get("name") or "", date=generated))
    return f"""<section class="front-page" aria-labelledby="front-title">
<p class="front-kicker">Evidence for Prevention: a report on preventing harm to children</p>
<h1 id="front-title">{html.escape(title)}</h1>
<p class="front-meta">{where}. Generated on {generated}.</p>
{_data_html(summary)}
<h2>Headline findings</h2>
<ul class="front-findings">
{findings}
</ul>
<p class="front-note">Rates are per 10,000 children aged 0 to 17. "Significantly" means England's figure lies outside the
area's 95% confidence interval; statistical neighbours are the ten councils most like it in DfE's model.</p>
<h2>Contents</h2>
<ol class="front-contents">
{chapters}
{extra_contents}
</ol>
<p class="front-cite"><strong>Cite and reuse:</strong> {cite} {html.escape(LICENCES)}</p>
</section>"""


# ---------------------------------------------------------------- the CSV


def summary_rows(summary: dict) -> list[dict]:
    """The headline findings, then every other figure of ``summary.json``, as flat rows."""
    rows = [
        {"key": h.key, "value": h.value, "status": h.status, "year": h.year, "comparison": h.comparison}
        for h in headlines(summary)
    ]
    done = {row["key"] for row in rows}
    skip = {"la", "chapters", "generated_from", "fingerprint", "settings", "generated_at"}

    def walk(prefix: str, node: object, year: str, status: str) -> None:
        if isinstance(node, dict):
            year = str(node.get("year", year) or year)
            status = str(node.get("status", status) or status)
            for key, value in node.items():
                if key not in ("year", "status"):
                    walk(f"{prefix}.{key}", value, year, status)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(f"{prefix}.{index}", item, year, status)
        elif prefix not in done:
            rows.append(
                {
                    "key": prefix,
                    "value": node,
                    "status": status if status else ("derived" if isinstance(node, (int, float)) else ""),
                    "year": year,
                    "comparison": "",
                }
            )

    for section, figures in summary.items():
        if section not in skip:
            walk(section, figures, "", "")
    for name, value in (summary.get("la") or {}).items():
        rows.append({"key": f"la.{name}", "value": value, "status": "", "year": "", "comparison": ""})
    return rows


def summary_csv(summary: dict) -> str:
    """``summary.csv``: UTF-8 with a byte order mark and CRLF line ends, so Excel opens it as written."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in summary_rows(summary):
        value = row["value"]
        if isinstance(value, float):
            value = "" if math.isnan(value) else f"{value:.10g}"
        writer.writerow({**row, "value": "" if value is None else value})
    return "\ufeff" + out.getvalue()
