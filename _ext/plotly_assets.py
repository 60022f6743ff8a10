"""Serve plotly.js from the book itself, and only on pages that draw a chart.

Charts are emitted by ``analyses.plotly_renderer`` as divs that expect a global
``Plotly``. On a page whose body holds a plotly div this extension copies, into
``_static``, and loads:

- ``plotly.min.js``: plotly's *basic* bundle (scatter, bar and pie traces, about
  1.2 MB instead of 4.8 MB), vendored in ``assets/`` from the npm package
  ``plotly.js-basic-dist-min`` at the plotly.js version that plotly.py ships. A
  page with any other trace type gets the full bundle (``plotly-full.min.js``)
  from the installed plotly package instead;
- ``chart_access.js``: keyboard access to the charts' controls, a print layout, and no
  "Share chart" button (it needs plotly's cloud). It must run before the charts are drawn.

(Files in an ``html_static_path`` folder would load on every page.) A vendored
bundle whose version differs from plotly.py's is reported as a build warning.
"""
import json
import re
import shutil
from pathlib import Path

import plotly
from sphinx.util import logging

ASSETS = Path(__file__).parent / "assets"
BASIC_JS = ASSETS / "plotly-basic.min.js"
FULL_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ACCESS_JS = ASSETS / "chart_access.js"
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
CHART_MARKER = "plotly-graph-div"
NEW_PLOT = re.compile(r"Plotly\.newPlot\(\s*\"[^\"]*\",\s*")
VERSION = re.compile(r"plotly\.js[^\n]*?v(\d+\.\d+\.\d+)")

logger = logging.getLogger(__name__)


def bundle_version(path: Path) -> str:
    """The plotly.js version named in a bundle's header comment."""
    with path.open(encoding="utf-8") as handle:
        match = VERSION.search(handle.read(300))
    if not match:
        raise ValueError(f"{path}: no plotly.js version in the header")
    return match.group(1)


def trace_types(body: str) -> set[str]:
    """Trace types drawn by the ``Plotly.newPlot`` calls in a page body (scatter when unset)."""
    decoder = json.JSONDecoder()
    types = set()
    for match in NEW_PLOT.finditer(body):
        traces, _ = decoder.raw_decode(body, match.end())
        types.update(trace.get("type", "scatter") for trace in traces)
    return types


def _copy(source: Path, outdir: Path, name: str) -> None:
    """Copy ``source`` to ``outdir/_static/name`` unless an identical-size copy is there."""
    target = outdir / "_static" / name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def add_plotly_to_chart_pages(app, pagename, templatename, context, doctree) -> None:
    """On a page with a chart, serve the smallest plotly bundle that draws it, then the access script."""
    body = context.get("body", "")
    if CHART_MARKER not in body:
        return
    outdir = Path(app.builder.outdir)
    source, name = (BASIC_JS, "plotly.min.js") if trace_types(body) <= BASIC_TRACES else (FULL_JS, "plotly-full.min.js")
    _copy(source, outdir, name)
    _copy(ACCESS_JS, outdir, ACCESS_JS.name)
    # Both load without defer, in this order: each chart's inline script calls Plotly.newPlot
    # at once, with the defaults the access script sets.
    app.add_js_file(name, priority=500)
    app.add_js_file(ACCESS_JS.name, priority=501)


def check_bundle_version(app, config) -> None:
    """Warn when the vendored basic bundle is not the plotly.js version plotly.py expects."""
    vendored, expected = bundle_version(BASIC_JS), bundle_version(FULL_JS)
    if vendored != expected:
        logger.warning("vendored %s is plotly.js %s but plotly.py ships %s: replace it with "
                       "plotly-basic.min.js from the npm package plotly.js-basic-dist-min@%s",
                       BASIC_JS.name, vendored, expected, expected)


def setup(app):
    app.connect("config-inited", check_bundle_version)
    app.connect("html-page-context", add_plotly_to_chart_pages)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
