"""A plotly renderer for the book: offline HTML plus the native plotly JSON.

plotly >= 6 emits only ``application/vnd.plotly.v1+json``, which myst-nb cannot
render. The ``evidence`` renderer adds a ``text/html`` div that expects
``Plotly`` to be loaded by the page (see ``_ext/plotly_assets.py``): no CDN, no
MathJax, and a div id derived from the figure so reruns give identical output.
"""
import hashlib
import json

import plotly.io as pio
from plotly.io.base_renderers import MimetypeRenderer

RENDERER_NAME = "evidence"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def figure_div_id(fig_json: str) -> str:
    """Return a stable HTML id for a figure: a short hash of its JSON text."""
    return "chart-" + hashlib.sha256(fig_json.encode("utf-8")).hexdigest()[:12]


class BookRenderer(MimetypeRenderer):
    """Render a figure as an offline HTML div and as plotly's own JSON."""

    def to_mimebundle(self, fig_dict: dict) -> dict:
        """Return ``text/html`` and ``application/vnd.plotly.v1+json`` for a figure (``fig_dict`` is not changed)."""
        text = pio.to_json(fig_dict, validate=False, pretty=False)
        html = pio.to_html(
            fig_dict,
            config=PLOTLY_CONFIG,
            include_plotlyjs=False,
            include_mathjax=False,
            full_html=False,
            validate=False,
            div_id=figure_div_id(text),
        )
        native = json.loads(text)
        native["config"] = dict(PLOTLY_CONFIG)
        return {"text/html": html, "application/vnd.plotly.v1+json": native}


def use_book_renderer() -> None:
    """Register the ``evidence`` renderer and make it plotly's default."""
    pio.renderers[RENDERER_NAME] = BookRenderer()
    pio.renderers.default = RENDERER_NAME
