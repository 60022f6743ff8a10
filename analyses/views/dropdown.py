"""One chart that shows several views in turn, picked from a plotly dropdown.

Plotly's own menus work on the static site (no kernel). Each view is a finished figure from
``analyses.views.charts`` (its title, direct labels and axes); the combined figure holds every
view's traces and switches traces, title, labels, axes and size together. The menu sits
above the title, so the title always states the finding of the view on show.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from analyses.views.renderer import figure_json

MENU_SPACE_PX = 72  # room above the title for the menu (about 32px tall) and a gap
CAPTION_LINE_PX = 24  # height of the caption line above the menu
SWITCHED = ("annotations", "shapes", "xaxis", "yaxis", "margin")


def _view_layout(layout: dict, caption: str) -> dict:
    """The layout a view needs when chosen (from its own ``layout``), with room and a place for the menu.

    A caption sits on its own line above the menu, so a long menu label never runs past the
    chart's right edge.
    """
    view = {key: layout.get(key, [] if key in ("annotations", "shapes") else {}) for key in SWITCHED}
    space = MENU_SPACE_PX + (CAPTION_LINE_PX if caption else 0)
    height = int(layout.get("height", 500)) + space
    margin = {"b": 80, **view["margin"]}
    margin["t"] = int(margin.get("t", 80)) + space
    plot_px = height - margin["t"] - margin["b"]
    top = 1 + (margin["t"] - 6) / plot_px  # 6px below the top edge, in paper units
    menu_y = top - (CAPTION_LINE_PX / plot_px if caption else 0)
    view.update(height=height, margin=margin, **{"updatemenus[0].y": menu_y})
    view["title"] = {**layout.get("title", {}), "y": 1 - space / height, "yref": "container", "yanchor": "top"}
    if caption:
        view["annotations"] = [
            *view["annotations"],
            {
                "text": html.escape(caption),
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": top,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 14},
            },
        ]
    return view


def combine(views: dict[str, go.Figure], caption: str = "") -> go.Figure:
    """A figure showing the first of ``views`` with a dropdown to choose any of them.

    ``views`` maps a menu label to a figure; all should be the same kind of chart, with the same
    template (the first view's is kept). ``caption`` is a short text printed before the menu (e.g. "Indicator:").
    The combined figure is made in one step from the views' JSON, without plotly's validation
    (as ``charts.figure``; tests validate the result).
    """
    if not views:
        raise ValueError("combine() needs at least one view")
    figures = list(views.values())
    shown = [figure_json(fig) for fig in figures]
    layouts = [{k: v for k, v in fig["layout"].items() if k != "template"} for fig in shown]
    chosen = [_view_layout(layout, caption) for layout in layouts]
    counts = [len(fig["data"]) for fig in shown]
    traces = [{**trace, "visible": index == 0} for index, fig in enumerate(shown) for trace in fig["data"]]
    buttons = [
        {
            "label": html.escape(label),
            "method": "update",
            "args": [{"visible": [i == index for i, n in enumerate(counts) for _ in range(n)]}, layout],
        }
        for index, (label, layout) in enumerate(zip(views, chosen))
    ]
    first = {key: value for key, value in chosen[0].items() if key != "updatemenus[0].y"}
    menu = {
        "type": "dropdown",
        "buttons": buttons,
        "active": 0,
        "showactive": True,
        "direction": "down",
        "x": 0,
        "xanchor": "left",
        "y": chosen[0]["updatemenus[0].y"],
        "yanchor": "top",
        "font": {"size": 14},
        "bgcolor": "#FFFFFF",
        "bordercolor": "#505A5F",
    }
    template = figures[0].layout.template  # the views' look (the menu's layouts leave it out)
    layout = {"template": template, **layouts[0], **first, "updatemenus": [menu]}
    return go.Figure(data=traces, layout=layout, _validate=False)
