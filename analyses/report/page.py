"""The per-LA report as one self-contained HTML page, built from executed chapter notebooks.

Only text and outputs reach the page: no code, no stderr, no ``publish_summary`` data.
Cells tagged ``remove-cell`` or ``book-only`` are left out (``report-only`` overrides
``remove-cell``), ``remove-output`` cells lose their outputs. The plotly.js bundle, the chart
access script and the report stylesheet are inlined once, so the file opens offline and
loads nothing from anywhere.
"""
from __future__ import annotations

import base64
import html
import re

from markdown_it import MarkdownIt

from analyses.views import web_assets
from analyses.report.summary import is_summary_output
from analyses.report.markdown import ChapterText

MARKDOWN = MarkdownIt("commonmark").enable("table")
EXTERNAL_ASSET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)
PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<script>{plotly_js}</script>
<script>{access_js}</script>
</head>
<body>
<main class="report">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


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


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def chapter_html(notebook: dict) -> str:
    """A chapter's text and outputs, in order."""
    text = ChapterText()
    parts = []
    for cell in notebook["cells"]:
        if not shown(cell):
            continue
        if cell["cell_type"] == "markdown":
            parts.append(MARKDOWN.render(text.rewrite(_text(cell["source"]))))
        elif cell["cell_type"] == "code" and "remove-output" not in cell.get("metadata", {}).get("tags", []):
            parts.extend(output_html(output) for output in cell.get("outputs", []))
    return "\n".join(part for part in parts if part)


def render(title: str, notebooks: list[dict]) -> str:
    """The whole report page for ``notebooks`` (executed chapters, in report order)."""
    body = "\n".join(f'<section class="chapter">\n{chapter_html(nb)}\n</section>' for nb in notebooks)
    if match := EXTERNAL_ASSET.search(body):
        raise ExternalAssetError(f"report.html would load from another host: {match.group(0)[:80]}")
    assets = {"plotly_js": web_assets.plotly_bundle(body), "access_js": web_assets.ACCESS_JS,
              "css": web_assets.REPORT_CSS}
    text = {name: path.read_text(encoding="utf-8") for name, path in assets.items()}
    return PAGE.format(title=html.escape(title), body=body, **text)
