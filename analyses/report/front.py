"""The front page of every report: a committee brief, one row per finding; and the same as CSV.

Everything here reads ``summary.json``: its ``findings`` section (``analyses.models.findings``,
published by the area profile chapter), its ``fgc`` section and what the report rests on
(``generated_from``). The words for a finding come from ``analyses.views.findings``; nothing
here words a verdict, a year or a source of its own.

- ``front_page(summary, contents, title)``: the first screen of a report (printed: page one):
  a table with the area's count and rate, a five-year trend, neighbours, region and England,
  the comparison with England (a word and a colour, never colour alone) and the source of every
  row, then the Family Group Conference estimate, the data it rests on, contents and citation;
- ``findings_csv(summary)``: the same table for a committee paper, one plain-English row per finding;
- ``summary_csv(summary)``: every figure of ``summary.json`` as ``key,value,status,year,comparison`` rows;
- ``data_provenance(data_dir)``: the sources a data folder rests on and, for a council's own
  folder, which of its rows differ from the bundled data, file by file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from functools import lru_cache
from pathlib import Path

import jinja2
import pandas as pd

from analyses.data.paths import DATA_DIR
from analyses.data.schema import COUNCIL
from analyses.models.benchmark import BETTER, HIGHER, LOWER, SIMILAR, WORSE
from analyses.models.fgc import Interval
from analyses.models.findings import Finding, Source, from_summary
from analyses.views import findings as words
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
NOTE = (
    "Rates are per 10,000 children aged 0 to 17. Higher, lower or similar: England's figure lies above, below or "
    "inside the area's 95% confidence interval (not tested where the data hold no count behind the figure); "
    "better or worse only where DfE's LAIT says which direction is better. Neighbours: the ten councils most "
    "like the area in DfE's model."
)
CSV_COLUMNS = ("key", "value", "status", "year", "comparison")
FINDINGS_COLUMNS = (
    "Measure",
    "Period",
    "Area",
    "Value",
    "Count",
    "Last 5 years",
    "Statistical neighbours",
    "Region",
    "England",
    "Compared with England",
    "Rank among councils",
    "Caution",
    "Source",
)
VERDICT_CLASSES = {BETTER: "better", WORSE: "worse", SIMILAR: "similar", HIGHER: "higher", LOWER: "lower"}
SHORT_SOURCES = {
    "DfE, Children in need": "DfE: Children in need",
    "DfE, Children looked after in England including adoptions": "DfE: Children looked after",
    "ONS mid-year population estimates, in DfE's EES layout": "ONS: population",
    "Cafcass, via DfE Local Authority Interactive Tool (LAIT)": "Cafcass, via DfE's LAIT",
    "DfE, Early years foundation stage profile results (EES; LAIT for the time series)": "DfE: Early years profile",
}
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("analyses.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


# ---------------------------------------------------------------- one finding, as the page and the CSV show it


def _spark(f: Finding, width: int = 84, height: int = 24, pad: float = 3.0) -> dict | None:
    """A small line of the last five years' values (None with fewer than two)."""
    points = [(i, v) for i, (_, v, _) in enumerate(f.trend) if v is not None]
    if len(points) < 2:
        return None
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(f.trend) - 1, 1)
    xy = [(pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)) for i, v in points]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in xy),
        "last_x": f"{xy[-1][0]:.1f}",
        "last_y": f"{xy[-1][1]:.1f}",
    }


def _change(f: Finding) -> str:
    earlier = [(y, v) for y, v, _ in f.trend[:-1] if v is not None]
    if not f.change or not earlier:
        return ""
    year, before = earlier[-1]
    if f.change == "same":
        return f"no change from {year}"
    return f"{f.change} from {words.number(f, before)} in {year}"


def _source_name(f: Finding) -> str:
    if f.source is None:
        return "No source row"
    if f.source.own:
        return "Your council's own data"
    if f.source.built_from:
        names = dict.fromkeys(
            "Your council's own data" if s.own else SHORT_SOURCES.get(s.publication, s.publication)
            for s in f.source.built_from
        )
        return " + ".join(names)
    return SHORT_SOURCES.get(f.source.publication, f.source.publication)


def _is_own(source: Source) -> bool:
    """A figure that is, or is built on, the council's own data (never linked to a DfE publication)."""
    return source.own or any(_is_own(s) for s in source.built_from)


def _row(f: Finding) -> dict:
    """One finding as the table's cells (the template escapes them)."""
    return {
        "indicator": f.indicator,
        "name": words.name(f),
        "period": f.period,
        "value": words.number(f, f.value) if f.value is not None else words.value_text(f),
        "unit": "" if f.value is None or f.unit == "percent" else "per 10,000 children",
        "count": words.count_text(f),
        "caution": words.caution(f),
        "spark": _spark(f),
        "trend": "Last 5 years: " + words.trend_text(f),
        "change": _change(f),
        "neighbours": words.number(f, f.neighbours),
        "region": words.number(f, f.region),
        "england": words.number(f, f.england),
        "verdict": f.verdict,
        "verdict_class": VERDICT_CLASSES.get(f.verdict, "none"),
        "verdict_label": words.verdict_label(f),
        "rank": words.rank_text(f),
        "source_name": _source_name(f),
        "source_text": words.source_text(f.source),
        "source_url": "" if f.source is None or _is_own(f.source) else f.source.url,
    }


def _summary_line(found: list[Finding], area_name: str) -> str:
    """'Compared with England, York is significantly higher on 1 measure ... Worse than England: ...'."""
    tested = [f for f in found if f.verdict in VERDICT_CLASSES]
    if not tested:
        return ""
    counts = []
    for verdict, label in ((WORSE, "worse"), (BETTER, "better"), (HIGHER, "higher"), (LOWER, "lower")):
        n = sum(f.verdict == verdict for f in tested)
        if n:
            counts.append(f"significantly {label} on {n} measure{'s' if n > 1 else ''}")
    similar = sum(f.verdict == SIMILAR for f in tested)
    if similar:
        counts.append(f"not significantly different on {similar}")
    untested = len(found) - len(tested)
    line = f"Compared with England, {area_name} is " + "; ".join(counts)
    line += f" ({untested} not tested or not published)." if untested else "."
    worse = [words.name(f) for f in found if f.verdict == WORSE]
    if worse:
        line += " Worse than England: " + "; ".join(worse) + "."
    return line


def _fgc(summary: dict, href: str) -> dict | None:
    """The FGC estimate as the chapter words it (whole children, money to two significant figures);
    ``href`` is the FGC chapter's place in the report (its contents entry)."""
    section = summary.get("fgc", {})
    avoiding, saving = section.get("children_avoiding_care_per_year"), section.get("net_saving_gbp")
    if not avoiding:
        return None
    coverage = summary.get("settings", {}).get("coverage", 1.0)
    already = summary.get("settings", {}).get("already_offered")
    england = summary.get("la", {}).get("level") == "National"
    now = "none offered one now, as in the trial" if already is None else f"{already:.0%} offered one now"
    return {
        "who": ("if every family is offered one" if coverage == 1 else f"if {coverage:.0%} of families are offered one")
        + f" ({now})",
        "children": interval_text(_interval(avoiding), "children"),
        "saving": interval_text(_interval(saving), "money") if saving else "not estimated",
        "note": (
            "This area's own Cafcass care application rate is not published, so England's is used."
            if section.get("care_application_rate_of") == "England" and not england
            else ""
        ),
        "href": href,
    }


def _interval(figures: dict) -> Interval:
    """summary.json's ``central``, ``low`` and ``high`` as the model's interval, to be worded as the chapter words it."""
    return Interval(figures["central"], figures["low"], figures["high"])


def findings_of(summary: dict) -> list[Finding]:
    """The report's findings, read back from ``summary.json``."""
    return from_summary(summary.get("findings", {}))


# ---------------------------------------------------------------- what the report rests on


@lru_cache(maxsize=8)
def _rows(folder: str, stamp: float) -> pd.DataFrame:
    """A data folder's ``indicators.csv`` as text, joined to each indicator's publication and licence."""
    path = Path(folder)
    rows = pd.read_csv(path / "indicators.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    meta_path = path / "indicator_metadata.csv"
    meta = pd.read_csv(
        meta_path if meta_path.is_file() else DATA_DIR / "indicator_metadata.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )[["indicator", "source", "licence"]].rename(columns={"source": "publication"})
    return rows.merge(meta, on="indicator", how="left")


def _folder_rows(folder: Path) -> pd.DataFrame:
    return _rows(str(folder), (folder / "indicators.csv").stat().st_mtime)


def _period(source: str, year: int) -> str:
    return f"mid-{year}" if source.startswith("ONS") else f"{year - 1}-{str(year)[-2:]}"


def _years(years: pd.Series) -> str:
    first, last = int(years.min()), int(years.max())
    return str(first) if first == last else f"{first} to {last}"


@lru_cache(maxsize=8)
def _latest_sources(folder: str, stamp: float) -> list[dict]:
    """Each publication in a data folder with its latest year, over published rows only; worked out
    once per version of the folder's indicators (a worker asks for every report it writes)."""
    rows = _rows(folder, stamp)
    published = rows[~rows["source"].str.startswith(COUNCIL.strip())]
    years = pd.to_numeric(published["time_period"].str[:4], errors="coerce")
    latest = years.groupby([published["publication"], published["licence"]]).max().dropna().astype(int)
    return [
        {"source": source, "latest": _period(source, year), "licence": licence}
        for (source, licence), year in latest.items()
    ]


def data_provenance(data_dir: str | Path | None) -> dict:
    """What a report rests on, for ``summary.json``.

    ``sources``: each publication with its latest year, over published rows only (a council's own
    figures never make a publication look newer). With a council's own folder, ``own_data`` lists,
    file by file (the ``source`` column), the rows that differ from the bundled data: a re-download
    that keeps DfE's file name is listed when its rows are new, and the council's own figures are
    marked as such.
    """
    folder = Path(data_dir).resolve() if data_dir else DATA_DIR.resolve()
    latest = _latest_sources(str(folder), (folder / "indicators.csv").stat().st_mtime)
    out: dict = {"sources": [dict(source) for source in latest]}
    if folder != DATA_DIR.resolve():
        rows = _folder_rows(folder)
        bundled = _folder_rows(DATA_DIR.resolve())
        keys = ["indicator", "time_period", "geographic_level", "region_code", "old_la_code", "value", "status"]
        keys += ["source", "release"] if "release" in rows and "release" in bundled else ["source"]
        new = rows.merge(bundled[keys].drop_duplicates(), on=keys, how="left", indicator=True)
        new = new[new["_merge"] == "left_only"]
        new = new[~new["source"].str.startswith("derived:")]
        files = []
        for source, group in new.groupby("source", sort=True):
            own = source.startswith(COUNCIL.strip())
            files.append(
                {
                    "file": source.removeprefix(COUNCIL.strip()).strip() if own else source,
                    "own": own,
                    "rows": len(group),
                    "years": _years(pd.to_numeric(group["time_period"].str[:4])),
                }
            )
        manifest = folder / "import_manifest.json"  # written by the importer beside indicators.csv
        imported = json.loads(manifest.read_text(encoding="utf-8")).get("imported") if manifest.is_file() else None
        out["own_data"] = {
            "folder": str(folder),
            "imported": imported or dt.date.fromtimestamp((folder / "indicators.csv").stat().st_mtime).isoformat(),
            "files": files,
        }
    return out


# ---------------------------------------------------------------- the page


def _date(iso: str | None) -> str:
    try:
        day = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{day.day} {day:%B %Y}"


def _own_text(own: dict) -> str:
    """'the council's own figures from Mosaic export (1 row, 2025); cla_....csv (812 rows, 2019 to 2025)'."""
    parts = []
    for item in own.get("files", []):
        rows = f"{item['rows']:,} row{'s' if item['rows'] != 1 else ''}, {item['years']}"
        parts.append(
            f"the council's own figures from {item['file']} ({rows})" if item["own"] else f"{item['file']} ({rows})"
        )
    return ("; ".join(parts) or "no rows that differ from the bundled data") + "."


def _data_to(found: list[Finding]) -> str:
    years = [f.year for f in found if "31 March" in f.period]
    return f"31 March {max(years)}" if years else "the latest published year"


def front_page(summary: dict, contents: list[tuple[str, str]], title: str) -> str:
    """The report's first screen (printed: page one), then its contents list.

    ``contents`` is ``[(href, text), ...]``: the chapters, then anything else the page offers.
    """
    area = summary.get("la", {})
    name = area.get("name") or ""
    generated = _date(summary.get("generated_at") or dt.date.today().isoformat())
    england = area.get("level") == "National"
    if england:
        where = "England: all 153 local authorities"
    else:
        codes = ", ".join(
            f"{label} {code}"
            for label, code in (("GSS code", area.get("new_la_code")), ("DfE code", area.get("old_la_code")))
            if code
        )
        where = f"Local authority in {area.get('region_name') or 'England'} ({codes})"
    found = findings_of(summary)
    given = summary.get("generated_from", {})
    own = given.get("own_data")
    sources = "; ".join(f"{s['source']} (latest {s['latest']})" for s in given.get("sources", []))
    return TEMPLATES.get_template("front.html.j2").render(
        title=title,
        where=where,
        generated=generated,
        data_to=_data_to(found),
        area_name=name,
        region_name=area.get("region_name") or "",
        comparators=not england,
        summary_line="" if england else _summary_line(found, name),
        rows=[_row(f) for f in found],
        fgc=_fgc(summary, next((href for href, _ in contents if "fgc" in href), "#fgc")),
        note=NOTE,
        data_text=sources or "the data bundled with the guide",
        own={"folder": own["folder"], "imported": _date(own.get("imported")), "text": _own_text(own)} if own else None,
        address=f"areas/{area.get('slug', '')}/index.html",
        contents=contents,
        cite=CITATION.format(name=name, date=generated),
        licences=LICENCES,
    )


# ---------------------------------------------------------------- the CSVs


def _excel_csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    """UTF-8 with a byte order mark and CRLF line ends, so Excel opens it as written."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def findings_rows(summary: dict) -> list[dict]:
    """``findings.csv``: one plain-English row per finding, the front page's columns."""
    area = summary.get("la", {}).get("name") or ""
    rows = []
    for f in findings_of(summary):
        row = _row(f)
        rows.append(
            {
                "Measure": row["name"],
                "Period": f.period,
                "Area": area,
                "Value": row["value"],
                "Count": row["count"],
                "Last 5 years": words.trend_text(f),
                "Statistical neighbours": row["neighbours"],
                "Region": row["region"],
                "England": row["england"],
                "Compared with England": words.verdict_phrase(f),
                "Rank among councils": row["rank"],
                "Caution": row["caution"],
                "Source": row["source_text"],
            }
        )
    return rows


def findings_csv(summary: dict) -> str:
    """``findings.csv`` for a committee paper (opens in Excel)."""
    return _excel_csv(findings_rows(summary), FINDINGS_COLUMNS)


def summary_rows(summary: dict) -> list[dict]:
    """Every figure of ``summary.json`` as flat rows (the technical companion of ``findings.csv``)."""
    rows: list[dict] = []
    skip = {"la", "chapters", "generated_from", "fingerprint", "settings", "generated_at"}

    def walk(prefix: str, node: object, year: str, status: str) -> None:
        if isinstance(node, dict):
            year = str(node.get("year", year) or year)
            status = str(node.get("status", status) or status)
            for key, value in node.items():
                if key not in ("year", "status"):
                    walk(f"{prefix}.{key}", value, year, status)
        elif isinstance(node, list):
            walk(prefix, {str(i): item for i, item in enumerate(node)}, year, status)
        else:
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
    """``summary.csv``: every figure of ``summary.json``, one ``key,value,status,year,comparison`` row each."""
    rows = []
    for row in summary_rows(summary):
        value = row["value"]
        if isinstance(value, float):
            value = "" if math.isnan(value) else f"{value:.10g}"
        rows.append({**row, "value": "" if value is None else value})
    return _excel_csv(rows, CSV_COLUMNS)
