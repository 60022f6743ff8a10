"""A plotly renderer for the book: offline HTML plus the native plotly JSON.

plotly >= 6 emits only ``application/vnd.plotly.v1+json``, which myst-nb cannot
render. The ``evidence`` renderer adds a ``text/html`` output that needs no script
of its own to run while the page loads:

- a wrapper whose height is reserved from the figure's layout (``--efp-h``; CSS in
  ``_static/custom.css`` and ``_ext/assets/report.css``), so text does not move when the
  chart is drawn;
- the chart's div (``plotly-graph-div``, with an id derived from the figure so reruns
  give identical output);
- the figure as JSON in a ``<script type="application/json" data-efp-chart>``.

``_ext/assets/chart_access.js`` draws each chart from its JSON once plotly.js has arrived
(loaded deferred, when a chart comes near the screen), at the width of its column, and
redraws it whenever that width changes (resize, zoom, rotation), with a narrow layout
below 480 px. Plotly's own ``responsive`` mode is off in the page: with a height from
CSS it collapsed every chart to a 30 px strip after a resize. No CDN, no MathJax.
"""

import hashlib
import json
import os

import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.io.base_renderers import MimetypeRenderer

from analyses.views import markup

RENDERER_NAME = "evidence"
# Set (to "1") in the environment of the report runner's kernels: charts are then written only as
# the page's HTML, as nothing reads the plotly JSON of a report's notebooks.
PAGE_OUTPUT = "EFP_PAGE_OUTPUT"
# For JupyterLab's native plotly output; the book's pages size charts in chart_access.js.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
PAGE_CONFIG = {"displaylogo": False, "responsive": False}
TOOLBAR_PX = 30  # the strip above each chart that holds plotly's toolbar (chart_access.js)
DEFAULT_HEIGHT = 450  # plotly's default when a layout gives none


def figure_div_id(fig_json: str) -> str:
    """Return a stable HTML id for a figure: a short hash of its JSON text."""
    return "chart-" + hashlib.sha256(fig_json.encode("utf-8")).hexdigest()[:12]


def script_json(value: dict) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<`` can close it or open a comment."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


def chart_html(fig_dict: dict, div_id: str, max_height: int | None = None) -> str:
    """The page's HTML for one figure: reserved space, the chart div and the figure's JSON; with
    ``max_height``, ``chart_access.js`` keeps the chart no taller than that outside a phone's layout."""
    layout = fig_dict.get("layout", {})
    height = int(layout.get("height") or DEFAULT_HEIGHT)
    spec = {"data": fig_dict.get("data", []), "layout": layout, "config": PAGE_CONFIG}
    if max_height:
        spec["maxHeight"] = max_height
    return markup.render("chart.html.j2", height=height + TOOLBAR_PX, div_id=div_id, spec=Markup(script_json(spec)))


class BookRenderer(MimetypeRenderer):
    """Render a figure as an offline HTML div and as plotly's own JSON."""

    def to_mimebundle(self, fig_dict: dict) -> dict:
        """Return ``text/html`` and ``application/vnd.plotly.v1+json`` for a figure (``fig_dict`` is not
        changed); only ``text/html`` where ``PAGE_OUTPUT`` is set."""
        text = pio.to_json(fig_dict, validate=False, pretty=False)
        native = json.loads(text)
        html = chart_html(native, figure_div_id(text))
        if os.environ.get(PAGE_OUTPUT) == "1":
            return {"text/html": html}
        native["config"] = dict(PLOTLY_CONFIG)
        return {"text/html": html, "application/vnd.plotly.v1+json": native}


def figure_json(fig: go.Figure) -> dict:
    """``fig.to_plotly_json()`` without its copy: the figure's own ``data`` and ``layout``, to read, not
    change. Plotly's method deep-copies every trace and walks it for numpy arrays to encode, which cost
    more than drawing up most charts; the guide's figures hold lists, and each is read once, when it is
    shown or combined (``tests/test_charts.py`` holds the two to each other)."""
    return {"data": fig._data, "layout": fig._layout}


def use_book_renderer() -> None:
    """Register the ``evidence`` renderer and make it plotly's default."""
    pio.renderers[RENDERER_NAME] = BookRenderer()
    pio.renderers.default = RENDERER_NAME
