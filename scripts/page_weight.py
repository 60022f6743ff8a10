"""Bytes a reader's browser fetches for each page of the built site, cold and warm.

    .venv/bin/python scripts/page_weight.py [_build/html]

Serves the site on 127.0.0.1 (cacheable for 10 minutes, as a static host would) and opens
each page of the table of contents in Debian's chromium: once with an empty cache (first
visit), and once just after the page before it in reading order (warm cache). Prints a
Markdown table and the issue's targets; exits 1 if a page is over its target.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from analyses.devtools.browser import (
    CHART_PAGE_FIRST_VISIT_MAX,
    CHART_PAGE_HTML_MAX,
    ROOT,
    TEXT_PAGE_FIRST_VISIT_MAX,
    launch,
    serve,
    toc_pages,
    weigh,
)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.2f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


def measure(site: Path) -> tuple[list[str], list[str]]:
    """Markdown table rows for every page, and the pages over target."""
    pages = toc_pages()
    rows, over = [], []
    with sync_playwright() as playwright, serve(site) as base:
        browser = launch(playwright)
        for index, name in enumerate(pages):
            other = pages[index - 1] if index else pages[1]  # the page a reader comes from
            cold = browser.new_context()
            first = weigh(cold, f"{base}{name}.html")
            cold.close()
            warm = browser.new_context()
            weigh(warm, f"{base}{other}.html")
            again = weigh(warm, f"{base}{name}.html")
            warm.close()
            html = (site / f"{name}.html").read_bytes()
            charts = html.count(b'class="plotly-graph-div"')
            limit = CHART_PAGE_FIRST_VISIT_MAX if charts else TEXT_PAGE_FIRST_VISIT_MAX
            if first.total_bytes > limit or (charts and len(html) > CHART_PAGE_HTML_MAX):
                over.append(name)
            rows.append(
                f"| {name} | {charts} | {_size(len(html))} | {_size(first.total_bytes)} ({first.requests}) "
                f"| {_size(again.total_bytes)} ({again.requests}) |"
            )
        browser.close()
    return rows, over


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else ROOT / "_build" / "html"
    if not (site / "index.html").is_file():
        print(f"error: no built site at {site} (build it with: bash scripts/build.sh)", file=sys.stderr)
        return 2
    rows, over = measure(site)
    print("| page | charts | HTML | first visit (requests) | after the previous page (requests) |")
    print("|---|---:|---:|---:|---:|")
    print(*rows, sep="\n")
    print(
        f"\nTargets: chart page HTML <= {_size(CHART_PAGE_HTML_MAX)}, first visit of a chart page <= "
        f"{_size(CHART_PAGE_FIRST_VISIT_MAX)}, of a text-only page <= {_size(TEXT_PAGE_FIRST_VISIT_MAX)}. "
        "Bytes as fetched (the local server does not compress)."
    )
    if over:
        print("Over target:", ", ".join(over), file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
