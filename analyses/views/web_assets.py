"""The browser files a page with charts needs: a plotly.js bundle, chart access script, report CSS.

Shared by the book (``_ext/plotly_assets.py``) and the per-LA report (``analyses.report.runner``).
The basic bundle (scatter, bar and pie traces; 1.2 MB instead of 4.8 MB) is vendored in
``_ext/assets`` from the npm package ``plotly.js-basic-dist-min`` at the plotly.js version
that plotly.py ships; a page with any other trace type gets plotly.py's full bundle.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly

from analyses.data.paths import ROOT

ASSETS = ROOT / "_ext" / "assets"
BASIC_JS = ASSETS / "plotly-basic.min.js"
FULL_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ACCESS_JS = ASSETS / "chart_access.js"
REPORT_CSS = ASSETS / "report.css"
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
NEW_PLOT = re.compile(r"Plotly\.newPlot\(\s*\"[^\"]*\",\s*")  # plotly.py's own HTML
CHART_SPEC = re.compile(r"<script type=\"application/json\" data-efp-chart=\"[^\"]*\">")  # analyses.views.renderer


def trace_types(html: str) -> set[str]:
    """Trace types drawn by the charts in a page (scatter when unset): the renderer's figure JSON
    and any ``Plotly.newPlot`` calls."""
    decoder = json.JSONDecoder()
    types = set()
    for match in NEW_PLOT.finditer(html):
        traces, _ = decoder.raw_decode(html, match.end())
        types.update(trace.get("type", "scatter") for trace in traces)
    for match in CHART_SPEC.finditer(html):
        spec, _ = decoder.raw_decode(html, match.end())
        types.update(trace.get("type", "scatter") for trace in spec.get("data", []))
    return types


def site_name(bundle: Path) -> str:
    """The name a bundle is served under in the site's ``_static`` folder."""
    return "plotly.min.js" if bundle == BASIC_JS else "plotly-full.min.js"


def plotly_bundle(html: str) -> Path:
    """The smallest plotly.js bundle that draws every chart in ``html``."""
    return BASIC_JS if trace_types(html) <= BASIC_TRACES else FULL_JS
