"""One area's pages on the site: ``areas/<slug>/`` made from its executed report notebooks.

- ``index.html``: the report's front page (``analyses.report.front``), its contents, the
  workshop's FGC roll-out for the area (cells tagged ``area-front``) and the downloads;
- ``<chapter>.html``: each report chapter, linking to the same chapter in the guide;
- ``workshop.html``: the four workshop tools for the area, running in the browser
  (``analyses.workshop.static_page``);
- ``findings.csv`` (the front page's table), ``summary.json`` and ``summary.csv``.

A chart's data table that lists every local authority (``analyses.views.every_la``, and the
tables with a row per LA and its region) shows, on these pages, only the rows about the area:
itself, its statistical neighbours, its region (or the councils in it) and England, with a link
to the section of the guide's chapter where the full table is (``local_tables``). Those rows
are the same on every area's pages; ``report.html`` and the book keep the full tables.

They are ``analyses.report.page``'s pieces with the site's files linked instead of inlined
(``_static/report.css``, the plotly bundle, ``chart_access.js``: loaded once, then cached),
and carry the report fingerprint they were made from (``<meta name="efp-fingerprint">``).
The runner's workers write them (``run_all(site_dir=...)``); ``analyses.report.areas``
drives the whole site.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

from docutils.nodes import make_id
from markupsafe import Markup

from analyses.report import front, page
from analyses.views.every_la import GROUPS, OTHER
from analyses.workshop import static_page

AREAS = "areas"
STATIC = "../../_static/"
STAMP = re.compile(r'<meta name="efp-fingerprint" content="([0-9a-f]+)">')
CHAPTER_IN_GUIDE = "../../chapters/{stem}.html"
EVERY_LA_ROWS = 100  # a table with more rows than this, one per LA, lists every LA
_HEADING_OR_TABLE = re.compile(
    r'<h([1-6])[^>]*>(?P<heading>.*?)</h\1>|(?P<open><div class="efp-table-scroll"[^>]*><table class="table chart-table">)'
    r"<thead><tr>(?P<head>.*?)</tr></thead><tbody>(?P<rows>.*?)</tbody></table></div>",
    re.S,
)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_ROW = re.compile(r"<tr>.*?</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    if "<" in fragment:
        fragment = _TAG.sub("", fragment)
    return html.unescape(fragment).strip() if "&" in fragment else fragment.strip()


def _cells(row: str, *at: int) -> list[str]:
    """The text of a table row's cells at the positions ``at``."""
    cells = _CELL.findall(row)
    return [_text(cells[i]) for i in at]


def _headings_and_tables(body: str) -> list[re.Match]:
    """A chapter body's headings and chart data tables, in order: found once, read by
    ``neighbour_names`` and cut by ``local_tables``."""
    return list(_HEADING_OR_TABLE.finditer(body))


def neighbour_names(bodies: list[list[re.Match]]) -> set[str]:
    """The area's statistical neighbours, as its every-LA trend tables name them (``bodies``: each
    chapter's ``_headings_and_tables``)."""
    names = set()
    for found in bodies:
        for match in found:
            if match["open"] and [_text(c) for c in _CELL.findall(match["head"])][:2] == ["Area", "Group"]:
                for row in _area_rows(match["rows"]):
                    name, group = _cells(row, 0, 1)
                    if group == GROUPS["neighbour"]:
                        names.add(name)
    return names


def _area_rows(rows: str) -> list[str]:
    """The rows of an every-LA trend table about the area (``every_la.every_la_table`` puts them
    before the other LAs): those before the first "Other local authority" row."""
    kept = []
    for row in _ROW.finditer(rows):
        if _cells(row.group(0), 1)[0] == OTHER:
            break
        kept.append(row.group(0))
    return kept


def local_tables(
    body: str, found: list[re.Match], area: str, region: str | None, neighbours: set[str], guide: str
) -> str:
    """``body`` with each every-LA table cut to the rows about ``area``, followed by a link to
    the full table in the guide (``guide``: its chapter page; the link goes to the section the
    table is in). ``found``: the body's ``_headings_and_tables``. England's pages (no region) keep
    every row."""
    if not region:
        return body
    heading = ""

    def cut(match: re.Match) -> str:
        nonlocal heading
        if match["heading"] is not None:
            heading = _text(match["heading"])
            return match.group(0)
        head = [_text(c) for c in _CELL.findall(match["head"])]
        count = match["rows"].count("<tr>")
        if count <= EVERY_LA_ROWS:
            return match.group(0)
        if head[:2] == ["Area", "Group"]:
            keep = _area_rows(match["rows"])
            shown = "its statistical neighbours, its region and England"
        elif "Local authority" in head and "Region" in head:
            name_at, region_at = head.index("Local authority"), head.index("Region")

            def local(row: str) -> bool:
                name, row_region = _cells(row, name_at, region_at)
                return name in {area, *neighbours} or row_region == region

            keep = [row for row in _ROW.findall(match["rows"]) if local(row)]
            shown = f"its statistical neighbours and the other councils in {region}"
        else:
            return match.group(0)
        anchor = f"#{make_id(heading)}" if heading else ""
        note = page.TEMPLATES.get_template("every_la_note.html.j2").render(
            area=area, shown=shown, kept=len(keep), rows=count, guide=f"{guide}{anchor}"
        )
        table = match.group(0).replace(match["rows"], "".join(keep), 1)
        return table + note

    pieces, end = [], 0
    for match in found:
        pieces += [body[end : match.start()], cut(match)]
        end = match.end()
    return "".join([*pieces, body[end:]])


def _crumbs(area_name: str, here: str | None = None) -> list[tuple[str, str]]:
    """The breadcrumb trail of an area's page, ending with the page itself."""
    crumbs = [
        ("../../index.html", "Evidence for Prevention"),
        ("../index.html", "Your area"),
        ("index.html", area_name),
    ]
    return crumbs + ([("", here)] if here else [])


def area_pages(summary: dict, notebooks: dict[str, dict]) -> dict[str, str]:
    """File name -> HTML of one area's site pages (index.html and one per chapter)."""
    name = summary["la"]["name"]
    title = f"Evidence for Prevention: {name}"
    stems = list(notebooks)
    titles = {stem: page.chapter_title(nb) or stem for stem, nb in notebooks.items()}
    pages = {}
    bodies = {stem: page.chapter_html(notebooks[stem], without=page.FRONT_TAG) for stem in stems}
    found = {stem: _headings_and_tables(body) for stem, body in bodies.items()}
    neighbours = neighbour_names(list(found.values()))
    region = summary["la"].get("region_name")
    chapter = page.TEMPLATES.get_template("area_chapter.html.j2")
    for index, stem in enumerate(stems):
        guide = CHAPTER_IN_GUIDE.format(stem=stem)
        body = local_tables(bodies[stem], found[stem], name, region, neighbours, guide)
        page.check_local(body, f"the {name} page")
        before = stems[index - 1] if index else None
        after = stems[index + 1] if index + 1 < len(stems) else None
        pager = {
            "area": name,
            "back_href": f"{before}.html" if before else "index.html",
            "back": titles[before] if before else f"{name}, front page",
            "ahead_href": f"{after}.html" if after else "../index.html",
            "ahead": titles[after] if after else "every area",
        }
        section = chapter.render(stem=stem, body=Markup(body), guide=guide, title=titles[stem])
        pages[f"{stem}.html"] = page.page_html(
            f"{titles[stem]}: {name}",
            section,
            page.linked_assets(body, STATIC),
            _crumbs(name, titles[stem]),
            pager,
            summary["fingerprint"],
        )
    workshop = "\n".join(page.chapter_html(nb, only=page.FRONT_TAG) for nb in notebooks.values()).strip()
    contents = [(f"{stem}.html", titles[stem]) for stem in stems]
    if workshop:
        contents.append(("#workshop", "For a workshop: the Family Group Conference roll-out for this area"))
    contents += [
        (
            static_page.PAGE,
            "Workshop tools: why randomise?, FGC roll-out, compare, tier planner (all four, in the browser)",
        ),
        ("#downloads", "Downloads: the headline figures for a committee paper"),
    ]
    front_page = front.front_page(summary, contents, title)
    body = page.TEMPLATES.get_template("area_front.html.j2").render(front=Markup(front_page), workshop=Markup(workshop))
    page.check_local(body, f"the {name} page")
    pages["index.html"] = page.page_html(
        title, body, page.linked_assets(body, STATIC), _crumbs(name), None, summary["fingerprint"]
    )
    return pages


def downloads(summary: dict) -> dict[str, str]:
    """File name -> text of an area's downloads (as its report folder has them)."""
    return {
        "summary.json": json.dumps(summary, indent=2, allow_nan=False) + "\n",
        "summary.csv": front.summary_csv(summary),
        "findings.csv": front.findings_csv(summary),
    }


def write_area_pages(
    summary: dict, notebooks: dict[str, dict], site: Path, files: dict[str, str] | None = None
) -> Path:
    """Write one area's pages into ``site/areas/<slug>/`` (index.html last, as the mark of a whole set),
    with its ``downloads`` (``files``, if the caller has made them already)."""
    folder = site / AREAS / summary["la"]["slug"]
    folder.mkdir(parents=True, exist_ok=True)
    pages = area_pages(summary, notebooks)
    index = pages.pop("index.html")
    for name, text in (files or downloads(summary)).items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    if not summary.get("settings"):  # the workshop's page is the guide's settings
        static_page.write_page(
            site,
            summary["la"]["name"],
            summary["generated_from"].get("data_dir"),
            summary["fingerprint"],
            front.findings_of(summary),  # the compare tool's findings, as the front page has them
        )
    for name, text in [*pages.items(), ("index.html", index)]:
        partial = folder / f".{name}.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, folder / name)
    return folder


def page_stamp(folder: Path) -> str | None:
    """The fingerprint an area's pages were made from, or None."""
    try:
        with (folder / "index.html").open(encoding="utf-8") as handle:
            match = STAMP.search(handle.read(2000))
    except OSError:
        return None
    return match.group(1) if match else None
