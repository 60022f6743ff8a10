"""Browser tooling for the site tests and the benchmarks.

Debian's Chromium driven by Playwright, a static server on 127.0.0.1 for the
built site, the pages of the table of contents, and a recorder of what a page
asks the network for. Nothing here downloads anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import functools
import http.server
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from analyses.data.fingerprint import SITE_INPUTS, digest, inputs
from analyses.data.paths import ROOT

# The tests' browser: Debian's chromium-headless-shell, Chromium's own engine (Blink, V8) run headless
# without the desktop browser's display compositor, as Playwright runs headless by default. In the
# browser tests it used a third of the CPU of the full chromium, whose browser process drew every frame
# of every page in software (measured on York's ten pages of chart views: 31 s of CPU against 86 s).
CHROMIUM = os.environ.get("EFP_CHROMIUM", "/usr/lib/chromium/chromium-headless-shell")
# A reader's browser, the full chromium: what the benchmarks time and Lighthouse scores.
READER_CHROMIUM = "/usr/bin/chromium"
# A projector at 1024x768, and a 1366x768 laptop at 150% zoom in full screen: 911x512 CSS px.
PROJECTOR_SIZES = [(1024, 768), (911, 512)]
# A phone, and the narrowest (WCAG 2.2 reflow: 320 CSS px), as a workshop participant's browser.
PHONE_SIZES = [(390, 844), (320, 640)]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Page weight targets, in bytes fetched on a first visit with an empty cache (uncompressed).
CHART_PAGE_HTML_MAX = 400_000
CHART_PAGE_FIRST_VISIT_MAX = 6_000_000
TEXT_PAGE_FIRST_VISIT_MAX = 2_500_000
SITE_STAMP = ".efp-site-inputs"  # written by scripts/build.sh after a successful build


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Document names in the table of contents, in reading order (root first)."""
    spec = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def walk(node: dict) -> Iterator[str]:
        if "file" in node:
            yield str(Path(node["file"]).with_suffix(""))
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                yield from walk(child)

    return [str(Path(spec["root"]).with_suffix("")), *walk(spec)]


@contextlib.contextmanager
def one_at_a_time(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` while in the block: of the processes that ask at
    once (pytest-xdist's workers, two test runs), one makes the shared thing and the others wait,
    then find it made."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_built(root: Path = ROOT) -> Path:
    """``_build/html`` under ``root`` with its area pages, built first by the README's
    ``bash scripts/build.sh`` (warnings as errors) unless that build is current: the fingerprint of
    its inputs (``analyses.data.fingerprint.SITE_INPUTS``) is the one saved after the last build.
    One process builds at a time; the others wait and then find the build current."""
    html = root / "_build" / "html"
    stamp = root / "_build" / SITE_STAMP
    with one_at_a_time(root / "_build" / ".efp-build.lock"):
        built = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
        if built == digest(inputs(SITE_INPUTS, root)) and (html / "areas" / "index.html").is_file():
            return html
        result = subprocess.run(
            ["bash", str(root / "scripts" / "build.sh")], cwd=root, capture_output=True, text=True, timeout=3600
        )
    if result.returncode != 0:
        raise RuntimeError("scripts/build.sh failed:\n" + (result.stdout + result.stderr)[-6000:])
    return html


class _StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Files as a static host serves them: cacheable for 10 minutes, as on GitHub Pages; no log."""

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - signature set by the base class
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) while in the block; yields the base URL ending in '/'."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_StaticHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch(playwright, executable: str = CHROMIUM):
    """Chromium (by default the tests', ``CHROMIUM``), headless, with no background traffic."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@dataclasses.dataclass
class Traffic:
    """What one page load asked for and what went wrong, as the browser saw it."""

    origin: str  # "http://127.0.0.1:PORT" or "file://"
    requests: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)
    console_errors: list[str] = dataclasses.field(default_factory=list)

    def foreign_url(self, url: str) -> bool:
        """True for a URL off the page's own origin (data:, blob: and about: URLs stay in the page)."""
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob", "about") and f"{parts.scheme}://{parts.netloc}" != self.origin

    def foreign(self) -> list[str]:
        """Requests to anywhere but the page's own origin."""
        return [url for url in self.requests if self.foreign_url(url)]

    def problems(self) -> list[str]:
        """Every console error, failed or refused request, and request to another host."""
        return (
            [f"console: {text}" for text in self.console_errors]
            + [f"failed: {item}" for item in self.failed]
            + [f"other host: {url}" for url in self.foreign()]
        )


def record(page, origin: str) -> Traffic:
    """Start recording ``page``'s requests, failures and console errors; requests off ``origin`` are refused."""
    traffic = Traffic(origin)

    # Only requests off the origin are intercepted (routing every request would slow pages and
    # turn off the cache); file: URLs cannot be routed, but nothing leaves the machine from them.
    local = "|".join(re.escape(prefix) for prefix in (f"{origin}/", "data:", "blob:", "about:", "file:"))
    page.route(re.compile(f"^(?!{local})"), lambda route: route.abort("blockedbyclient"))
    page.on("request", lambda request: traffic.requests.append(request.url))
    page.on("requestfailed", lambda request: traffic.failed.append(f"{request.url} ({request.failure})"))
    page.on(
        "response",
        lambda response: response.status >= 400 and traffic.failed.append(f"{response.url} (HTTP {response.status})"),
    )
    page.on("console", lambda message: message.type == "error" and traffic.console_errors.append(message.text))
    page.on("pageerror", lambda error: traffic.console_errors.append(f"uncaught {error}"))
    return traffic


# Every chart's drawn size, and how wide the page is against the window.
CHART_SIZES = """() => [...document.querySelectorAll('.plotly-graph-div')].map(gd => {
  const box = gd.getBoundingClientRect();
  return {id: gd.id, height: Math.round(box.height), width: Math.round(box.width), right: Math.round(box.right)};
})"""
PAGE_WIDTH = """() => ({page: document.documentElement.scrollWidth, window: document.documentElement.clientWidth})"""
# Elements that stick out past the window's right edge, other than data tables (whose own
# container may scroll sideways: WCAG 1.4.10 excepts them) and what is hidden or clipped.
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('table, .efp-table-scroll, .pst-scrollable-table-container, .table-wrapper, svg')) continue;
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let clipped = false;
    for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible' && up.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
    }
    if (!clipped && getComputedStyle(e).visibility !== 'hidden') out.push(`${e.tagName.toLowerCase()}.${e.className} ends at ${Math.round(box.right)}px`);
  }
  return out.slice(0, 8);
}"""


# Resolves once the page's layout has stopped changing: the page's width and every chart's box and
# number of text elements the same for SETTLED_FRAMES animation frames in a row (a chart resized is
# redrawn in the frame after the resize, chart_access.js), or after SETTLE_MAX_MS.
SETTLED_FRAMES, SETTLE_MAX_MS = 3, 3000
SETTLE = f"""() => new Promise(resolve => {{
  const shape = () => JSON.stringify([document.documentElement.scrollWidth,
    ...[...document.querySelectorAll('.js-plotly-plot, .plotly-graph-div')].map(gd => {{
      const box = gd.getBoundingClientRect();
      return [box.width, box.height, gd.querySelectorAll('svg text').length];
    }})]);
  const start = performance.now();
  let last = null, same = 0;
  const frame = () => {{
    const now = shape();
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= {SETTLED_FRAMES} || performance.now() - start > {SETTLE_MAX_MS}) resolve();
    else requestAnimationFrame(frame);
  }};
  requestAnimationFrame(frame);
}})"""


def settle(page) -> None:
    """Wait until ``page``'s charts and width stop changing (``SETTLE``): a few frames, not a fixed pause."""
    page.evaluate(SETTLE)


def draw_charts(page) -> None:
    """Draw every chart now (the book draws a chart when it comes near the screen) and wait for it."""
    page.evaluate("() => window.efpCharts ? window.efpCharts.drawAll() : null")
    settle(page)


@dataclasses.dataclass
class Load:
    """Bytes a browser fetched over the network for one page visit (cache hits excluded)."""

    url: str
    total_bytes: int
    requests: int


def weigh(context, url: str) -> Load:
    """Visit ``url`` in ``context`` (its cache as it is) and add up what came over the network."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cached, fetched = set(), {}

    def received(event):
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache") or response.get("fromServiceWorker"):
            cached.add(event["requestId"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
    cdp.on("Network.loadingFinished", lambda event: fetched.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="networkidle")
    page.close()
    network = {request: size for request, size in fetched.items() if request not in cached}
    return Load(url, sum(network.values()), len(network))


# Text in each drawn chart that is outside its own svg or printed over other text: for every chart,
# its id and the problems found ("outside: <text>" / "over: <text> | <text>"). Text that is not
# shown (empty, hidden, or transparent, as a narrow chart's slider step labels) is not counted.
TEXT_GEOMETRY = """() => {
  const OVERLAP = 1 / 3, SLACK = 1;  // overlap share of the smaller box; px allowed past the edge
  const shown = text => {
    if (!text.textContent.trim()) return false;
    for (let e = text; e && e.tagName !== 'svg'; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false;
    }
    const fill = getComputedStyle(text).fill;
    return !/rgba\\(.*,\\s*0\\)$/.test(fill) && fill !== 'none';
  };
  return [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    const frame = gd.querySelector('.svg-container').getBoundingClientRect();
    const boxes = [...gd.querySelectorAll('svg text')].filter(shown).map(text => {
      const b = text.getBoundingClientRect();
      return {text: text.textContent.trim().slice(0, 50), left: b.left, right: b.right, top: b.top, bottom: b.bottom,
              area: b.width * b.height};
    }).filter(b => b.area > 0);
    const problems = [];
    boxes.forEach(b => {
      if (b.left < frame.left - SLACK || b.right > frame.right + SLACK || b.top < frame.top - SLACK
          || b.bottom > frame.bottom + SLACK) problems.push(`outside: ${b.text}`);
    });
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0 && h > 0 && w * h > OVERLAP * Math.min(a.area, b.area)) problems.push(`over: ${a.text} | ${b.text}`);
    }));
    return {id: gd.id, problems};
  });
}"""


FRESH_WIDTHS = (1366, 1024, 390, 320)  # desktop, small laptop, phone, narrowest phone (WCAG reflow)
RESIZED_TO = (1024, 390)  # the 1366 px page, resized in turn (a window resize, zoom or rotation)


def width_views(context, url: str) -> dict[str, dict]:
    """The page at ``url`` as readers see it at each width, every chart drawn: loaded afresh (a new
    tab of ``context``, whose cache a reader's browser would have too) at each of ``FRESH_WIDTHS``
    (views "1366", "1024", "390", "320"), and the 1366 px page resized in turn to each of
    ``RESIZED_TO`` ("1366->1024", "1366->1024->390"). Each view holds its charts' sizes
    (``CHART_SIZES``), the page's and the window's width (``PAGE_WIDTH``), the elements wider than
    the window (``WIDE_ELEMENTS``) and each chart's text problems (``TEXT_GEOMETRY``).

    One load per width serves every check of layout at that width (the tests share it)."""
    views = {}
    for width in FRESH_WIDTHS:
        page = context.new_page()
        try:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url, wait_until="load")
            draw_charts(page)
            label = str(width)
            views[label] = layout_of(page)
            if width == FRESH_WIDTHS[0]:
                for resized in RESIZED_TO:
                    page.set_viewport_size({"width": resized, "height": 900})
                    settle(page)
                    label = f"{label}->{resized}"
                    views[label] = layout_of(page)
        finally:
            page.close()
    return views


def layout_of(page) -> dict:
    """A drawn page's layout at its present width: one view of ``width_views``."""
    return page.evaluate(
        f"() => ({{charts: ({CHART_SIZES})(), width: ({PAGE_WIDTH})(), wide: ({WIDE_ELEMENTS})(), text: ({TEXT_GEOMETRY})()}})"
    )
