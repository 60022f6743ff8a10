"""Serve plotly.js from the book itself, and only on pages that draw a chart.

Charts are emitted by ``analyses.plotly_renderer`` as divs that expect a global
``Plotly``. This extension copies ``plotly.min.js`` from the installed plotly
package into ``_static`` and adds its script tag to pages whose body holds a
plotly div. (A file in an ``html_static_path`` folder would load on every page.)
"""
import shutil
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CHART_MARKER = "plotly-graph-div"


def _copy_plotly_js(outdir: Path) -> None:
    """Copy plotly.min.js into ``outdir/_static`` unless an identical-size copy is there."""
    target = outdir / "_static" / PLOTLY_JS.name
    if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PLOTLY_JS, target)


def add_plotly_to_chart_pages(app, pagename, templatename, context, doctree) -> None:
    """On a page with a chart, make sure plotly.js is in _static and load it in the head."""
    if CHART_MARKER not in context.get("body", ""):
        return
    _copy_plotly_js(Path(app.builder.outdir))
    # Loaded without defer: each chart's inline script calls Plotly.newPlot at once.
    app.add_js_file(PLOTLY_JS.name)


def setup(app):
    app.connect("html-page-context", add_plotly_to_chart_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
