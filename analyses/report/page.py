"""The per-LA report as HTML, built from executed chapter notebooks.

Only text and outputs reach the page: no code, no stderr, no ``publish_summary`` data.
Cells tagged ``remove-cell`` or ``book-only`` are left out (``report-only`` overrides
``remove-cell``), ``remove-output`` cells lose their outputs. Given the report's
``summary.json``, the page opens with its front page (``analyses.report.front``).

``render`` makes ``report.html``: the plotly.js bundle, the chart access script and the report
stylesheet are inlined once, so the file opens offline and loads nothing from anywhere. The
site's area pages (``analyses.report.areas``) use the same pieces with ``page_html`` and
``linked_assets``: the same files, loaded from the site's ``_static`` folder and cached. The
page's HTML is the Jinja2 template ``templates/page.html.j2``; the CSS and JS are their own files
(``analyses.views.web_assets``).
"""

from __future__ import annotations

import base64
import functools
import re

from markdown_it import MarkdownIt
from markupsafe import Markup

from analyses.report.front import TEMPLATES, front_page
from analyses.report.markdown import ChapterText
from analyses.report.summary import is_summary_output
from analyses.views import web_assets

MARKDOWN = MarkdownIt("commonmark").enable("table")
EXTERNAL_ASSET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
BOOK_ONLY = "book-only"  # cells only the book shows (York's own story); a report keeps them unrun
FRONT_TAG = "area-front"  # cells an area's site page shows on its front page instead of in the chapter


class ExternalAssetError(ValueError):
    """The page would load something from another host."""


def shown(cell: dict) -> bool:
    """Whether a cell belongs in the report."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if "report-only" in tags:
        return True
    return not tags & {"remove-cell", BOOK_ONLY}


@functools.lru_cache(maxsize=2048)
def _markdown_html(text: str) -> str:
    """Markdown as HTML, each text rendered once per process (two fifths of a report's are the
    same in every area's: a worker renders them once)."""
    return MARKDOWN.render(text)


def output_html(output: dict) -> str:
    """One cell output as HTML (rich outputs first), or '' for what the report leaves out."""
    kind = output.get("output_type")
    if kind == "stream":
        return "" if output.get("name") == "stderr" else Markup("<pre>{}</pre>").format(_text(output.get("text")))
    if kind not in ("display_data", "execute_result") or is_summary_output(output):
        return ""
    data = output.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])
    if "text/markdown" in data:
        return _markdown_html(_text(data["text/markdown"]))
    for mime in ("image/svg+xml", "image/png", "image/jpeg"):
        if mime in data:
            payload = _text(data[mime])
            if mime == "image/svg+xml":
                payload = base64.b64encode(payload.encode()).decode()
            return Markup('<img alt="" src="data:{};base64,{}">').format(mime, payload.strip())
    if "text/plain" in data:
        return Markup("<pre>{}</pre>").format(_text(data["text/plain"]))
    return ""


@functools.lru_cache(maxsize=1024)
def _markdown_html(markdown: str) -> str:
    """A markdown cell as HTML; remembered, as the chapters' prose is the same in every area's report."""
    return MARKDOWN.render(markdown)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def chapter_title(notebook: dict) -> str:
    """The chapter's first level-one heading ('' if it has none)."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _text(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def chapter_html(notebook: dict, only: str | None = None, without: str | None = None) -> str:
    """A chapter's text and outputs, in order: only cells tagged ``only``, or none tagged ``without``."""
    text = ChapterText()
    parts = []
    for cell in notebook["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if not shown(cell) or (only and only not in tags) or (without and without in tags):
            continue
        if cell["cell_type"] == "markdown":
            parts.append(_markdown_html(text.rewrite(_text(cell["source"]))))
        elif cell["cell_type"] == "code" and "remove-output" not in cell.get("metadata", {}).get("tags", []):
            parts.extend(output_html(output) for output in cell.get("outputs", []))
    return "\n".join(part for part in parts if part)


def check_local(body: str, what: str = "report.html") -> None:
    """Raise ExternalAssetError if ``body`` would load anything from another host."""
    if match := EXTERNAL_ASSET.search(body):
        raise ExternalAssetError(f"{what} would load from another host: {match.group(0)[:80]}")


def inline_assets(body: str) -> dict:
    """The report stylesheet, the smallest plotly bundle for ``body`` and the access script, to inline."""
    scripts = [web_assets.plotly_bundle(body), web_assets.ACCESS_JS] if "plotly-graph-div" in body else []
    return {
        "inline": True,
        "css": Markup(web_assets.REPORT_CSS.read_text(encoding="utf-8")),
        "scripts": [Markup(path.read_text(encoding="utf-8")) for path in scripts],
    }


def linked_assets(body: str, static: str) -> dict:
    """The same files as ``inline_assets``, loaded from the site folder ``static`` (e.g. '../../_static/').

    As in the book, only the access script is in the page, deferred: the text paints first, and
    the script fetches the plotly bundle (its ``data-plotly``) when a chart comes near the screen."""
    charts = "plotly-graph-div" in body
    return {
        "inline": False,
        "static": static,
        "css": web_assets.REPORT_CSS.name,
        "access_js": web_assets.ACCESS_JS.name if charts else "",
        "plotly": web_assets.site_name(web_assets.plotly_bundle(body)) if charts else "",
    }


def page_html(
    title: str,
    body: str,
    assets: dict,
    crumbs: list[tuple[str, str]] | None = None,
    pager: dict | None = None,
    fingerprint: str | None = None,
) -> str:
    """A whole report-style page (``templates/page.html.j2``): ``body`` is HTML made here; ``crumbs``
    (href, text) end with the page itself; ``pager`` links the pages before and after."""
    page = TEMPLATES.get_template("page.html.j2").render(
        title=title, body=Markup(body), crumbs=crumbs, pager=pager, fingerprint=fingerprint, **assets
    )
    return page + "\n"


def render(title: str, notebooks: list[dict] | dict[str, dict], summary: dict | None = None) -> str:
    """The whole self-contained report page for ``notebooks`` (executed chapters, in report order).

    With ``summary`` (the report's summary.json) the page opens with its front page and contents;
    ``notebooks`` is then best a dict by chapter stem, which gives each chapter an anchor.
    """
    named = notebooks if isinstance(notebooks, dict) else {f"chapter-{i}": nb for i, nb in enumerate(notebooks, 1)}
    chapters = [(stem, Markup(chapter_html(nb))) for stem, nb in named.items()]
    body = TEMPLATES.get_template("report_chapters.html.j2").render(chapters=chapters).rstrip("\n")
    check_local(body)
    if summary is None:
        front = Markup("<h1>{}</h1>").format(title)
    else:
        contents = [(f"#{stem}", chapter_title(nb) or stem) for stem, nb in named.items()]
        front = front_page(summary, contents, title)
    return page_html(title, f"{front}\n{body}", inline_assets(body))
