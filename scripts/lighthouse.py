"""Lighthouse's mobile scores for every page of the built site, served gzipped (a benchmark, not a test).

    .venv/bin/python scripts/lighthouse.py [_build/html] [--pages chapters/york,areas/york/index]
        [--areas york,england,kent] [--runs 3]

By default: every page of the table of contents (the finder, ``areas/index``, among them), then
every page of York's and England's area pages: ``areas/<slug>/index``, one per report chapter
and ``workshop``. ``--areas`` names other areas by their folder (``areas/<slug>/``); ``--pages``
names the pages themselves.

Serves the site on 127.0.0.1 with gzip, as a static host would, and runs Lighthouse
(``LIGHTHOUSE_VERSION`` from npm, through ``npx``; the first run downloads it) with its default
mobile preset (simulated slow 4G and a 4x slower CPU) against Debian's chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``). Prints a Markdown table: performance and
accessibility scores, first and largest contentful paint, total blocking time, layout shift.
Scores vary by a few points from run to run on a shared machine.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from analyses.devtools.browser import CHROMIUM_ARGS, READER_CHROMIUM, ROOT, toc_pages
from analyses.report.area_pages import AREAS
from analyses.report.config import REPORT_CHAPTERS
from analyses.workshop.static_page import PAGE as WORKSHOP_PAGE

LIGHTHOUSE_VERSION = "12.8.2"
AREA_STEMS = ("index", *REPORT_CHAPTERS, Path(WORKSHOP_PAGE).stem)
DEFAULT_AREAS = "york,england"  # an LA's pages and England's (no region: its tables keep every row)
COMPRESSIBLE = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it (text types only), cacheable for 10 minutes."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (
            path.suffix not in COMPRESSIBLE
            or not path.is_file()
            or "gzip" not in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)

    def log_message(self, format, *args):  # noqa: A002 - signature set by the base class
        pass


class _Body:
    """A bytes body that ``copyfile`` can read."""

    def __init__(self, data: bytes):
        self._data, self._done = data, False

    def read(self, size: int = -1) -> bytes:
        if self._done:
            return b""
        self._done = True
        return self._data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve_gzipped(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile preset) of ``url``; its JSON report."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        "npx",
        "--yes",
        f"lighthouse@{LIGHTHOUSE_VERSION}",
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", READER_CHROMIUM)}
    subprocess.run(command, check=True, env=env, timeout=300, capture_output=True)
    return json.loads(out.read_text(encoding="utf-8"))


def row(name: str, reports: list[dict]) -> str:
    """A table row: each column the median over ``reports``; several runs' performance scores in brackets."""

    def median(values: list[float]) -> float:
        return statistics.median(values)

    def score(category: str) -> int:
        return round(median([r["categories"][category]["score"] * 100 for r in reports]))

    def audit(name: str) -> float:
        return median([r["audits"][name]["numericValue"] for r in reports])

    runs = f" ({', '.join(str(round(r['categories']['performance']['score'] * 100)) for r in reports)})"
    return (
        f"| {name} | {score('performance')}{runs if len(reports) > 1 else ''} | {score('accessibility')} | "
        f"{audit('first-contentful-paint') / 1000:.1f} s | {audit('largest-contentful-paint') / 1000:.1f} s | "
        f"{audit('total-blocking-time'):.0f} ms | {audit('cumulative-layout-shift'):.3f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--pages", help="comma-separated page names (default: the table of contents and area pages)")
    parser.add_argument(
        "--areas", default=DEFAULT_AREAS, help=f"comma-separated areas' folders for the default pages ({DEFAULT_AREAS})"
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the row is each column's median")
    args = parser.parse_args()
    areas = [f"{AREAS}/{slug}/{stem}" for slug in args.areas.split(",") for stem in AREA_STEMS]
    pages = args.pages.split(",") if args.pages else toc_pages() + areas
    missing = [name for name in pages if not (Path(args.site) / f"{name}.html").is_file()]
    if missing:
        print(f"error: not in {args.site}: {', '.join(f'{name}.html' for name in missing)}", file=sys.stderr)
        return 2
    print(f"Lighthouse {LIGHTHOUSE_VERSION}, mobile preset, served gzipped\n")
    print("| page | performance | accessibility | FCP | LCP | TBT | CLS |\n|---|---:|---:|---:|---:|---:|---:|")
    with serve_gzipped(Path(args.site)) as base, tempfile.TemporaryDirectory() as tmp:
        for name in pages:
            reports = [lighthouse(f"{base}{name}.html", Path(tmp) / "report.json") for _ in range(args.runs)]
            print(row(name, reports), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
