"""Interaction that works on the static site and in report.html: plotly's own sliders.

ipywidgets need a running kernel; a plotly slider does not. Each step carries everything it
changes (precomputed trace data and layout), so moving the slider only redraws.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

from analyses.views.charts import FONT, TEXT_COLOUR


@dataclass(frozen=True)
class Step:
    """One slider position: its label, trace updates (plotly restyle) and layout updates (relayout).

    ``data`` maps a trace property to one value per trace, e.g. ``{"y": [ys_trace0, ys_trace1]}``;
    ``layout`` uses plotly's dotted paths, e.g. ``{"title.text": "..."}``.
    """

    label: str
    data: dict = field(default_factory=dict)
    layout: dict = field(default_factory=dict)


def nested(dotted: dict) -> dict:
    """Plotly's dotted layout paths as nested dicts: {"title.text": t} -> {"title": {"text": t}}."""
    out: dict = {}
    for path, value in dotted.items():
        *parents, leaf = path.split(".")
        node = out
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return out


def add_slider(fig: go.Figure, steps: list[Step], active: int, prefix: str) -> go.Figure:
    """Add a slider over ``steps`` below the plot and draw the figure at step ``active``."""
    if not steps:
        raise ValueError("a slider needs at least one step")
    if not 0 <= active < len(steps):
        raise ValueError(f"active step {active} is outside 0..{len(steps) - 1}")
    start = steps[active]
    fig.plotly_restyle(start.data)
    fig.update_layout(nested(start.layout))
    fig.update_layout(
        sliders=[
            {
                "active": active,
                "currentvalue": {"prefix": prefix, "font": {"family": FONT, "size": 16, "color": TEXT_COLOUR}},
                "pad": {"t": 60},
                "font": {"family": FONT, "size": 14, "color": TEXT_COLOUR},
                "steps": [{"method": "update", "label": s.label, "args": [s.data, s.layout]} for s in steps],
            }
        ]
    )
    return fig
