"""Static stand-ins for the workshop widgets: one plotly figure holding precomputed states.

A plotly slider or dropdown switches between the states with no kernel, so the control works
on the published site. Each state keeps its own computed title, labels, shapes and axis
ranges; the caller gives one data table covering every state as the text alternative.
"""
from __future__ import annotations

import plotly.graph_objects as go

CONTROL_SPACE = 110  # extra bottom margin (px) for the control under the chart


def _layout_of(fig: go.Figure) -> dict:
    """The parts of a state's layout that change between states."""
    layout = {
        "title.text": fig.layout.title.text,
        "annotations": [a.to_plotly_json() for a in fig.layout.annotations],
        "shapes": [s.to_plotly_json() for s in fig.layout.shapes],
    }
    for axis in ("xaxis", "yaxis"):
        fixed = fig.layout[axis].range
        if fixed is not None:
            layout.update({f"{axis}.range": list(fixed), f"{axis}.autorange": False})
        else:
            layout.update({f"{axis}.range": None, f"{axis}.autorange": fig.layout[axis].autorange or True})
    return layout


def states_figure(states: dict[str, go.Figure], label: str, control: str = "slider") -> go.Figure:
    """Combine figures (one per state, e.g. per setting of a widget) behind a slider or dropdown.

    The first state shows first. ``label`` names the setting (e.g. "Share of families offered").
    The control sits under everything the states draw; the chart grows to make room for it.
    """
    if not states:
        raise ValueError("states_figure needs at least one state")
    if control not in ("slider", "dropdown"):
        raise ValueError("control must be 'slider' or 'dropdown'")
    figures = list(states.values())
    combined = go.Figure(layout=figures[0].layout)
    owner = []
    for index, fig in enumerate(figures):
        for trace in fig.data:
            combined.add_trace(trace.update(visible=index == 0))
            owner.append(index)
    height, margin = combined.layout.height or 450, combined.layout.margin
    top, bottom = margin.t or 100, margin.b or 80
    below = -bottom / (height - top - bottom)  # paper y just under the original bottom margin
    caption = {"text": f"<b>{label}:</b>", "x": 0, "xref": "paper", "xanchor": "left", "y": below, "yref": "paper",
               "yanchor": "top", "showarrow": False, "font": {"size": 16}}
    steps = []
    for index, (name, fig) in enumerate(states.items()):
        layout = _layout_of(fig)
        if control == "dropdown":
            layout["annotations"].append(caption)
        steps.append({"label": name, "method": "update", "args": [{"visible": [o == index for o in owner]}, layout]})
    combined.update_layout(height=height + CONTROL_SPACE, margin={"b": bottom + CONTROL_SPACE},
                           annotations=steps[0]["args"][1]["annotations"])
    if control == "slider":
        combined.update_layout(sliders=[{
            "active": 0, "steps": steps, "x": 0, "len": 1, "y": below, "yanchor": "top", "pad": {"t": 10},
            "currentvalue": {"prefix": f"{label}: ", "font": {"size": 16}},
        }])
    else:
        combined.update_layout(updatemenus=[{
            "type": "dropdown", "direction": "up", "buttons": steps, "active": 0, "showactive": True,
            "x": 0.3, "xanchor": "left", "y": below, "yanchor": "top", "font": {"size": 15},
        }])
    return combined
