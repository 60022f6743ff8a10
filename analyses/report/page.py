"""The per-LA report as HTML, built from executed chapter notebooks.

Only text and outputs reach the page: no code, no stderr, no ``publish_summary`` data.
Cells tagged ``remove-cell`` or ``book-only`` are left out (``report-only`` overrides
``remove-cell``), ``remove-output`` cells lose their outputs. Given the report's
``summary.json``, the page opens with its front page (``analyses.report.front``).

``render`` makes ``report.html``: the plotly.js bundle, the chart access script and the report
stylesheet are inlined once, so the file opens offline and loads nothing from anywhere. The
site's area pages (``analyses.report.areas``) use the same pieces with ``page_html`` and
``linked_assets``: the same files, loaded from the site's ``_static`` folder and cached.
"""

from __future__ import annotations

import base64
import functools
import html
import re

from markdown_it import MarkdownIt

from analyses.report.front import front_page
from analyses.report.markdown import ChapterText
from analyses.report.summary import is_summary_output
from analyses.views import web_assets

MARKDOWN = MarkdownIt("commonmark").enable("table")
EXTERNAL_ASSET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{title}</title>
{assets}
</head>
<body>
{header}<main class="report">
{body}
</main>
{footer}</body>
</html>
"""
FRONT_TAG = "area-front"  # cells an area's site page shows on its front page instead of in the chapter


class ExternalAssetError(ValueError):
    """The page would load something from another host."""


def shown(cell: dict) -> bool:
    """Whether a cell belongs in the report."""
    tags = set(cell.get("metadata", {}).get("tags", []))
    if "report-only" in tags:
        return True
    return not tags & {"remove-cell", "book-only"}


def output_html(output: dict) -> str:
    """One cell output as HTML (rich outputs first), or '' for what the report leaves out."""
    kind = output.get("output_type")
    if kind == "stream":
        return "" if output.get("name") == "stderr" else f"<pre>{html.escape(_text(output.get('text')))}</pre>"
    if kind not in ("display_data", "execute_result") or is_summary_output(output):
        return ""
    data = output.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])
    if "text/markdown" in data:
        return MARKDOWN.render(_text(data["text/markdown"]))
    for mime in ("image/svg+xml", "image/png", "image/jpeg"):
        if mime in data:
            payload = _text(data[mime])
            if mime == "image/svg+xml":
                payload = base64.b64encode(payload.encode()).decode()
            return f'<img alt="" src="data:{mime};base64,{payload.strip()}">'
    if "text/plain" in data:
        return f"<pre>{html.escape(_text(data['text/plain']))}</pre>"
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


def inline_assets(body: str) -> str:
    """The report stylesheet, the smallest plotly bundle for ``body`` and the access script, inlined."""
    css = web_assets.REPORT_CSS.read_text(encoding="utf-8")
    if "plotly-graph-div" not in body:
        return f"<style>{css}</style>"
    scripts = [web_assets.plotly_bundle(body), web_assets.ACCESS_JS]
    return f"<style>{css}</style>\n" + "\n".join(f"<script>{p.read_text(encoding='utf-8')}</script>" for p in scripts)


def linked_assets(body: str, static: str) -> str:
    """The same files as ``inline_assets``, loaded from the site folder ``static`` (e.g. '../../_static/').

    As in the book, only the access script is in the page, deferred: the text paints first, and
    the script fetches the plotly bundle (its ``data-plotly``) when a chart comes near the screen."""
    links = [f'<link rel="stylesheet" href="{static}{web_assets.REPORT_CSS.name}">']
    if "plotly-graph-div" in body:
        bundle = web_assets.site_name(web_assets.plotly_bundle(body))
        links.append(f'<script defer src="{static}{web_assets.ACCESS_JS.name}" data-plotly="{bundle}"></script>')
    return "\n".join(links)


def page_html(title: str, body: str, assets: str, header: str = "", footer: str = "", meta: str = "") -> str:
    """A whole report-style page."""
    return PAGE.format(title=html.escape(title), body=body, assets=assets, header=header, footer=footer, meta=meta)


def render(title: str, notebooks: list[dict] | dict[str, dict], summary: dict | None = None) -> str:
    """The whole self-contained report page for ``notebooks`` (executed chapters, in report order).

    With ``summary`` (the report's summary.json) the page opens with its front page and contents;
    ``notebooks`` is then best a dict by chapter stem, which gives each chapter an anchor.
    """
    named = notebooks if isinstance(notebooks, dict) else {f"chapter-{i}": nb for i, nb in enumerate(notebooks, 1)}
    body = "\n".join(
        f'<section class="chapter" id="{stem}">\n{chapter_html(nb)}\n</section>' for stem, nb in named.items()
    )
    check_local(body)
    if summary is None:
        front = f"<h1>{html.escape(title)}</h1>"
    else:
        contents = [(f"#{stem}", chapter_title(nb) or stem) for stem, nb in named.items()]
        front = front_page(summary, contents, title)
    return page_html(title, f"{front}\n{body}", inline_assets(body))
