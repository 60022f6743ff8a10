"""Accessible plotly charts, following the Analysis Function data visualisation guidance.

Titles state the finding (the caller writes them), lines and bars carry direct
labels (grouped bars: a legend names the series, each bar says its value), and no
meaning rests on colour alone: lines differ in dash and marker, bars in fill pattern.
Where titles and labels go at each width is decided in the page's script
(``_ext/assets/chart_access.js``), one set of rules for every chart. Suppressed values are gaps, never zero.
All text that reaches a chart or the page is HTML-escaped, as area names may
come from user files. Importing this module makes the book renderer plotly's
default, so a notebook needs only ``import analyses.views.charts``.
"""

import base64
import csv
import html
import io
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import HTML, display

from analyses.data.dataset import Dataset
from analyses.data.schema import PLOTTED_STATUSES, SYMBOLS
from analyses.views import markup
from analyses.views.renderer import BookRenderer, figure_json

# Analysis Function accessible categorical palette.
PALETTE = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
NEIGHBOUR_GREY = "#BFBFBF"
LABEL_BACKGROUND = "rgba(255,255,255,0.85)"  # behind a label that may cross a line or bar
TEXT_COLOUR = "#0B0C0C"
FONT = "Arial, Helvetica, sans-serif"

# Labelled lines of a trend chart, drawn last-to-first so "selected" is on top.
ROLE_STYLES = {
    "selected": {"color": PALETTE[0], "dash": "solid", "symbol": "circle", "glyph": "●", "width": 4},
    # A reorganised area's former council (e.g. Cumbria before Cumberland): grey, long dashes, open markers.
    "predecessor": {"color": "#505A5F", "dash": "longdash", "symbol": "circle-open", "glyph": "○", "width": 2.5},
    "neighbour average": {"color": PALETTE[1], "dash": "dash", "symbol": "square", "glyph": "■", "width": 2.5},
    "region": {"color": PALETTE[2], "dash": "dot", "symbol": "diamond", "glyph": "◆", "width": 2.5},
    "England": {"color": PALETTE[4], "dash": "dashdot", "symbol": "triangle-up", "glyph": "▲", "width": 2.5},
}
ROLE_ORDER = (*ROLE_STYLES, "neighbour")
BAR_PATTERNS = ("", "/", ".", "x", "-", "|")
LABEL_LINE_PX = 19  # height of one line of a 15px end label
# Room a title takes at the top: above it, per line (20px text, plotly's 1.3 line height), below it. The
# page's script (_ext/assets/chart_access.js: layoutTop) rewraps the title to the chart's width and
# reserves the same, so what a figure's top margin holds beyond this is its own (a caption, a key).
TITLE_PAD_PX, TITLE_LINE_PX, TITLE_GAP_PX = 10, 26, 20
LEGEND_PX = 36  # one row of legend between the title and the plot (chart_access.js measures the rows)


def chart_text(value: object, width: int | None = None) -> str:
    """Escape text for a chart, wrapping it onto ``<br>``-separated lines."""
    lines = textwrap.wrap(str(value), width) if width else [str(value)]
    return "<br>".join(html.escape(line) for line in lines)


TRACE_TYPES = ("bar", "scatter")  # the only kinds of trace the guide draws


def _template() -> go.layout.Template:
    """The guide's look: palette, fonts, no legend. Set on each figure (not as plotly's global
    default, so importing this module changes no settings of plotly's).

    Plotly's "plotly_white" cut to the two kinds of trace the guide draws and to flat x-y charts:
    its styles for 3-D scenes, polar and ternary plots, maps and colour scales are two thirds of
    its 7 KB, which every chart on every page would otherwise carry."""
    white = pio.templates["plotly_white"].to_plotly_json()
    layout = {
        k: v
        for k, v in white["layout"].items()
        if k not in ("scene", "polar", "ternary", "geo", "colorscale", "coloraxis")
    }
    data = {k: v for k, v in white["data"].items() if k in TRACE_TYPES}
    template = go.layout.Template({"layout": layout, "data": data}, _validate=False)  # plotly's own, already valid
    template.layout.update(
        colorway=list(PALETTE),
        font={"family": FONT, "size": 16, "color": TEXT_COLOUR},
        hoverlabel={"font": {"family": FONT, "size": 15}},
        showlegend=False,
    )
    return template


TEMPLATE = _template()
RENDERER = BookRenderer()


def figure(traces: Sequence[dict], title: str, **layout) -> go.Figure:
    """A chart made in one step: trace dicts (each with its ``type``), the finding as the title,
    then any other layout (axes, annotations, size). The template gives palette, fonts and no
    legend.

    Plotly's property validation is skipped: it cost more than the rest of a report's chart
    building. ``tests/test_charts.py`` validates every kind of chart the package makes instead.
    """
    text = chart_text(title, 70)
    # The title hangs from the top edge; the top margin grows (and the chart with it) to hold every
    # line, so a long title is never cut off at the top or drawn over the plot.
    title_layout = {
        "text": text,
        "x": 0,
        "xanchor": "left",
        "font": {"size": 20},
        "yref": "container",
        "y": 1,
        "yanchor": "top",
        "pad": {"t": TITLE_PAD_PX},
    }
    margin = layout.get("margin")
    if margin is not None and "t" in margin:
        needed = TITLE_PAD_PX + (text.count("<br>") + 1) * TITLE_LINE_PX + TITLE_GAP_PX
        if margin["t"] < needed:
            layout = {**layout, "margin": {**margin, "t": needed}}
            if "height" in layout:
                layout["height"] = int(layout["height"]) + needed - margin["t"]
    return go.Figure(data=list(traces), layout={"template": TEMPLATE, "title": title_layout, **layout}, _validate=False)


TITLE_CHAR_EM = 0.5  # a wide average character of Arial, in ems: how many fit on a line of given width


def fit(layout: dict, width: int, height: int) -> dict:
    """A figure's layout (plotly JSON) sized to ``width`` x ``height`` px for a page where
    ``chart_access.js`` does not run (a live tool in JupyterLab): the title wrapped to the width and hung
    inside the chart with room for every line (``TITLE_PAD_PX``, ``TITLE_LINE_PX``, ``TITLE_GAP_PX``,
    as ``figure`` and that script reserve), what the top margin holds beyond the title kept, the plot
    taking the height that is left, the value axis's name rewrapped to the plot's height, labels at
    the lines' ends nudged apart again for it, and a note below the plot rewrapped to the plot's width."""
    layout = {**layout, "width": width, "height": height}
    title = dict(layout.get("title") or {})
    margin = {"t": 100, **(layout.get("margin") or {})}
    if title.get("text"):
        font = (title.get("font") or {}).get("size", 20)
        before = title["text"].count("<br>") + 1
        own = max(0, margin["t"] - (TITLE_PAD_PX + before * TITLE_LINE_PX + TITLE_GAP_PX))
        plain = html.unescape(title["text"].replace("<br>", " "))
        title["text"] = chart_text(plain, int((width - 16) / (font * TITLE_CHAR_EM)))
        margin["t"] = TITLE_PAD_PX + (title["text"].count("<br>") + 1) * TITLE_LINE_PX + TITLE_GAP_PX + own
        # Plotly hangs a title's first line about 0.9 em above a bottom-anchored position.
        title.update(
            x=4 / width,
            xref="container",
            xanchor="left",
            y=1 - (TITLE_PAD_PX + 0.9 * font) / height,
            yref="container",
            yanchor="bottom",
            pad={"t": 0, "b": 0, "l": 0, "r": 0},
        )
        layout["title"] = title
    plot_px = height - margin["t"] - margin.get("b", 80)
    yaxis = dict(layout.get("yaxis") or {})
    title_y = dict(yaxis.get("title") or {})
    if title_y.get("text"):  # the value axis's name along the plot's new height
        size = (title_y.get("font") or {}).get("size", 16)
        plain = html.unescape(title_y["text"].replace("<br>", " "))
        title_y["text"] = chart_text(plain, int(plot_px / (size * TITLE_CHAR_EM)))
        layout["yaxis"] = {**yaxis, "title": title_y}
    notes = []
    ends = [n for n in layout.get("annotations") or [] if n.get("xref") == "paper" and n.get("x", 0) > 1]
    if ends and yaxis.get("range") and all(n.get("yref") == "y" for n in ends):  # end labels, apart again
        low, high = yaxis["range"]
        ends.sort(key=lambda n: n["y"])
        spread = _spread([n["y"] for n in ends], [n["text"] for n in ends], high, (high - low) / plot_px)
        moved = {id(n): y for n, y in zip(ends, spread)}
        layout["annotations"] = [{**n, "y": moved[id(n)]} if id(n) in moved else n for n in layout["annotations"]]
    for note in layout.get("annotations") or []:
        if note.get("xref") == "paper" and note.get("x") == 0 and note.get("y", 1) < 0:  # from the plot's left edge
            size = (note.get("font") or {}).get("size", 16)
            plain = html.unescape(note["text"].replace("<br>", " "))
            room = width - margin.get("l", 80) - 16
            note = {**note, "text": chart_text(plain, int(room / (size * TITLE_CHAR_EM)))}
        notes.append(note)
    if notes:
        layout["annotations"] = notes
    layout["margin"] = margin
    return layout


def reference_line(value: float, axis: str = "x", **line) -> dict:
    """A dashed line across the plot at ``value`` on the ``axis`` axis ("x": vertical), as a layout shape."""
    across = "y" if axis == "x" else "x"
    return {
        "type": "line",
        f"{axis}ref": axis,
        f"{axis}0": value,
        f"{axis}1": value,
        f"{across}ref": f"{across} domain",
        f"{across}0": 0,
        f"{across}1": 1,
        "line": {"dash": "dash", "color": PALETTE[4], "width": 2, **line},
    }


def reference_caption(value: float, text: str) -> dict:
    """A caption above the plot at ``value`` on the x axis, naming a vertical reference line
    (``text`` already escaped for the chart)."""
    return {
        "x": value,
        "xref": "x",
        "xanchor": "center",
        "y": 1,
        "yref": "y domain",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
        "text": text,
    }


def _point_text(value: float, status: str, value_format: str) -> str:
    """Describe one data point: the number, or why there is none."""
    if status in SYMBOLS:
        return f"suppressed ({status})"
    if status not in PLOTTED_STATUSES or pd.isna(value):
        return "no value"
    suffix = " (derived)" if status == "derived" else ""
    return value_format.format(value) + suffix


class _Point(NamedTuple):
    """One row of a trend frame, as a trend chart draws it: ``plotted`` is the value drawn, or None (a gap)."""

    area: str
    year: int
    role: str
    value: float
    status: str
    plotted: float | None


def _trend_points(frame: pd.DataFrame, highlight: str | None) -> list[_Point]:
    """A trend frame's rows by area, then year, with ``highlight`` (if given) as the only selected
    area; a value is drawn if it is published or derived and finite."""
    unknown = set(frame["role"]) - set(ROLE_ORDER)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; expected {list(ROLE_ORDER)}")
    areas, roles = frame["area"].tolist(), frame["role"].tolist()
    if highlight is not None:
        if highlight not in set(areas):
            raise ValueError(f"highlight area {highlight!r} is not in the data")
        roles = ["selected" if a == highlight else "neighbour" if r == "selected" else r for a, r in zip(areas, roles)]
    values = pd.to_numeric(frame["value"], errors="coerce").astype(float).tolist()
    statuses = frame["status"].fillna("published").astype(str).tolist()
    points = [
        _Point(area, year, role, value, status, value if status in PLOTTED_STATUSES and not math.isnan(value) else None)
        for area, year, role, value, status in zip(
            areas, frame["time_period"].tolist(), roles, values, statuses, strict=True
        )
    ]
    return sorted(points, key=lambda point: (point.area, point.year))


def _axis_format(value_format: str) -> str | None:
    """The d3 tick format matching a plain Python format such as "{:,.1f}" or "{:.0%}"."""
    match = re.fullmatch(r"\{:([^{}]*)\}", value_format)
    return match.group(1) if match else None


def value_axis(title: str, value_format: str, **settings) -> dict:
    """The value axis: gridlines, a visible zero line, ticks formatted like the labels; then ``settings``."""
    axis = {"title": {"text": chart_text(title, 40)}, "gridcolor": "#E0E0E0", "zerolinecolor": "#B1B4B6"}
    if tick_format := _axis_format(value_format):
        axis["tickformat"] = tick_format
    return {**axis, **settings}


def _trend_trace(area: str, points: list[tuple], role: str, value_format: str) -> dict:
    """One area's line from its (year, value, status, plotted) points: styled by role, with a hover
    label for every year."""
    style = ROLE_STYLES.get(role)
    if style:
        line = {"color": style["color"], "width": style["width"], "dash": style["dash"]}
        marker = {"size": 9, "color": style["color"], "symbol": style["symbol"]}
    else:
        line = {"color": NEIGHBOUR_GREY, "width": 1}
        marker = {"size": 4, "color": NEIGHBOUR_GREY}
    return {
        "type": "scatter",
        "x": [int(year) for year, *_ in points],
        "y": [plotted for *_, plotted in points],
        "mode": "lines+markers",
        "name": chart_text(area),
        "line": line,
        "marker": marker,
        # The area and year are filled in by plotly, so each point carries only its value's words.
        "text": [_point_text(value, status, value_format) for _, value, status, _ in points],
        "hovertemplate": f"{chart_text(area)}<br>%{{x}}: %{{text}}<extra></extra>",
        "connectgaps": False,
    }


# Why a value is not drawn, in words (singular, plural), after "York's figure for 2019 ...".
GAP_REASONS = {
    "c": ("is withheld to protect confidentiality", "are withheld to protect confidentiality"),
    "x": ("is not available", "are not available"),
    "z": ("does not apply", "do not apply"),
    "k": ("is a low figure that rounds to zero", "are low figures that round to zero"),
    "low": ("rounds to zero but is not zero", "round to zero but are not zero"),
    "u": ("is marked by DfE as of low reliability", "are marked by DfE as of low reliability"),
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _suppression_note(points: list[_Point]) -> str:
    """A plain-words note on the gaps in the lines: whose figure for which year, and why it is not drawn.

    e.g. "Gaps in the lines: York's figure for 2019 is withheld to protect confidentiality; one
    neighbouring area's figure is marked by DfE as of low reliability."
    """
    suppressed = [point for point in points if point.status in SYMBOLS]
    parts = []
    for status in sorted({point.status for point in suppressed}):
        one, many = GAP_REASONS.get(status, (f"is marked {SYMBOLS[status]}", f"are marked {SYMBOLS[status]}"))
        rows = [point for point in suppressed if point.status == status]
        named = [point for point in rows if point.role != "neighbour"]
        for area in sorted({point.area for point in named}):
            listed = [str(int(y)) for y in sorted(point.year for point in named if point.area == area)]
            when = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
            parts.append(
                f"{chart_text(area)}'s figure{'s' if len(listed) > 1 else ''} for {when} "
                f"{one if len(listed) == 1 else many}"
            )
        count = len(rows) - len(named)
        if count:
            number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else f"{count:,}"
            parts.append(
                f"{number} neighbouring area's figure {one}"
                if count == 1
                else f"{number} figures of neighbouring areas {many}"
            )
    return "Gaps in the lines: " + "; ".join(parts) + "." if parts else ""


def _spread(centres: list[float], texts: list[str], high: float, per_px: float) -> list[float]:
    """End labels' centres (ascending, in axis units) nudged apart so none overlap, and down from ``high``."""
    heights = [(text.count("<br>") + 1) * LABEL_LINE_PX * per_px for text in texts]
    centres = list(centres)
    for i in range(1, len(centres)):
        centres[i] = max(centres[i], centres[i - 1] + (heights[i - 1] + heights[i]) / 2 + 3 * per_px)
    if centres:
        overflow = max(0.0, centres[-1] + heights[-1] / 2 - high)
        centres = [c - overflow for c in centres]
    return centres


def _end_labels(labels: list[tuple[float, dict, str]], low: float, high: float, plot_px: int) -> list[dict]:
    """Right-edge labels at each line's last value, nudged apart so none overlap."""
    per_px = (high - low) / plot_px
    labels = sorted(labels, key=lambda label: label[0])
    texts = [
        f'<span style="color:{style["color"]}">{style["glyph"]}</span> {chart_text(area, 20)}'
        for _, style, area in labels
    ]
    centres = _spread([y for y, _, _ in labels], texts, high, per_px)
    return [
        {
            "x": 1.01,
            "xref": "paper",
            "xanchor": "left",
            "y": y,
            "yref": "y",
            "showarrow": False,
            "align": "left",
            "font": {"size": 15},
            "text": text,
        }
        for y, text in zip(centres, texts)
    ]


def trend_chart(
    frame: pd.DataFrame,
    title: str,
    y_title: str,
    highlight: str | None = None,
    value_format: str = "{:,.1f}",
    note: str = "",
) -> go.Figure:
    """Line chart of an area against its comparators over time.

    ``frame`` has columns ``area``, ``time_period`` (year), ``value``, ``status``
    and ``role`` ("selected", "predecessor", "neighbour average", "region",
    "England" or "neighbour"). ``highlight`` names the area to emphasise; by
    default the area whose role is "selected". A "predecessor" (the former council
    of a reorganised area, for the years before it) is a grey long-dashed line.
    Comparator lines are labelled at the right edge;
    individual neighbours are thin grey lines named on hover. Suppressed values
    are gaps and are listed in a note under the chart, followed by ``note`` (e.g. why a
    published figure is drawn as a gap).
    """
    rows = _trend_points(frame, highlight)
    lines: dict[tuple[str, str], list[tuple]] = {}  # (role, area) -> its points, oldest first
    for point in rows:
        lines.setdefault((point.role, point.area), []).append((point.year, point.value, point.status, point.plotted))
    traces, labels = [], []
    for role in reversed(ROLE_ORDER):
        for area in sorted(area for line_role, area in lines if line_role == role):
            points = lines[(role, area)]
            traces.append(_trend_trace(area, points, role, value_format))
            drawn = [plotted for *_, plotted in points if plotted is not None]
            if role in ROLE_STYLES and drawn:
                labels.append((float(drawn[-1]), ROLE_STYLES[role], area))
    note = " ".join(part for part in (_suppression_note(rows), note) if part)
    note_lines = textwrap.wrap(note, 100, break_long_words=False)
    height = 520 + 18 * max(0, len(note_lines) - 2)  # a longer note gets room below the plot, not over it
    margin = {"l": 80, "r": 200, "t": 90, "b": 104 + 18 * len(note_lines) if note else 70}
    values = [point.plotted for point in rows if point.plotted is not None]
    low, high = (min(min(values), 0.0), max(values)) if values else (0.0, 1.0)
    high += 0.08 * ((high - low) or 1.0)
    annotations = _end_labels(labels, low, high, height - margin["t"] - margin["b"])
    if note:
        annotations.append(
            {
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": -0.25,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "align": "left",
                "font": {"size": 13},
                "text": "<br>".join(note_lines),
            }
        )
    xaxis = {"tickformat": "d", "title": {"text": "Year"}, "showgrid": False}
    if len({point.year for point in rows}) <= 12:
        xaxis["dtick"] = 1
    return figure(
        traces,
        title,
        xaxis=xaxis,
        yaxis=value_axis(y_title, value_format, range=[low, high]),
        annotations=annotations,
        hovermode="closest",
        height=height,
        margin=margin,
    )


def _finite(values: Sequence[float]) -> list[float | None]:
    """Floats, with missing or non-finite values as None (no bar, no point)."""
    return [float(v) if v is not None and pd.notna(v) and math.isfinite(v) else None for v in values]


ROLE_PATTERNS = {"selected": "", "neighbour average": "/", "region": ".", "England": "x"}


def series_looks(names: Sequence[str]) -> list[tuple[str, str]]:
    """Colour and bar pattern of each series, so England, the area and its neighbours look the same
    on every page: with a series named "England", that one is England (dark grey), a name with
    "neighbour" the neighbours' average, the first other series the area and the next its region.
    Other series take the palette in order."""
    if "England" not in names:
        return [(PALETTE[i % len(PALETTE)], BAR_PATTERNS[i % len(BAR_PATTERNS)]) for i in range(len(names))]
    others = iter(("selected", "region"))
    looks = []
    for index, name in enumerate(names):
        role = (
            "England"
            if name == "England"
            else "neighbour average"
            if "neighbour" in name.lower()
            else next(others, None)
        )
        looks.append(
            (ROLE_STYLES[role]["color"], ROLE_PATTERNS[role])
            if role
            else (PALETTE[(index + 3) % len(PALETTE)], BAR_PATTERNS[index % len(BAR_PATTERNS)])
        )
    return looks


def comparison_bar(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    title: str,
    value_format: str = "{:,.1f}",
    y_title: str = "",
) -> go.Figure:
    """Grouped bars, e.g. trial arms per outcome: a legend under the title names the series (a
    name on every bar ran into its neighbours') and each bar says its value.

    Series differ in colour and fill pattern; missing values leave no bar. When a series is
    England, the series keep the colours of the trend charts' roles (``series_looks``).
    """
    traces, tops = [], [0.0]
    looks = series_looks(list(series))
    for (name, raw), (colour, pattern) in zip(series.items(), looks):
        values = _finite(raw)
        tops += [v for v in values if v is not None]
        traces.append(
            {
                "type": "bar",
                "x": [chart_text(c, 16) for c in categories],
                "y": values,
                "name": chart_text(name),
                "marker": {"color": colour, "pattern": {"shape": pattern, "fgcolor": "#FFFFFF"}},
                "text": ["" if v is None else value_format.format(v) for v in values],
                "textposition": "outside",
                "cliponaxis": False,
                "hovertext": [
                    f"{chart_text(name)}, {chart_text(c)}: {'no value' if v is None else value_format.format(v)}"
                    for c, v in zip(categories, values)
                ],
                "hoverinfo": "text",
            }
        )
    yaxis = value_axis(y_title, value_format, rangemode="tozero")
    if max(tops) > 0:
        yaxis["range"] = [min(tops), max(tops) * 1.3]
    return figure(
        traces,
        title,
        yaxis=yaxis,
        barmode="group",
        bargap=0.3,
        hovermode="closest",
        showlegend=True,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
        height=480 + LEGEND_PX,
        margin={"l": 80, "r": 30, "t": 90 + LEGEND_PX, "b": 80},
    )


def estimate_range_chart(
    labels: Sequence[str],
    central: Sequence[float],
    low: Sequence[float],
    high: Sequence[float],
    title: str,
    x_title: str = "",
    value_format: str = "{:,.1f}",
    reference: float | None = None,
    reference_label: str = "",
) -> go.Figure:
    """Central estimates with low-high ranges, one row per quantity.

    Each row is labelled "central (low to high)". ``reference`` draws a dashed
    vertical line, e.g. at 1 for "no difference" on a ratio scale, captioned
    with ``reference_label``.
    """
    names = [chart_text(label, 30) for label in labels]
    ranges = [
        f"{value_format.format(c)} ({value_format.format(lo)} to {value_format.format(hi)})"
        for c, lo, hi in zip(central, low, high)
    ]
    trace = {
        "type": "scatter",
        "x": list(central),
        "y": names,
        "mode": "markers",
        "marker": {"size": 13, "color": PALETTE[0], "symbol": "diamond"},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "thickness": 2.5,
            "width": 10,
            "color": PALETTE[0],
            "array": [hi - c for c, hi in zip(central, high)],
            "arrayminus": [c - lo for c, lo in zip(central, low)],
        },
        "hovertext": [f"{n}: {r}" for n, r in zip(names, ranges)],
        "hoverinfo": "text",
    }
    annotations = [
        {
            "x": right,
            "y": name,
            "text": text,
            "xanchor": "left",
            "xshift": 10,
            "showarrow": False,
            "bgcolor": LABEL_BACKGROUND,
        }
        for name, text, right in zip(names, ranges, high)
    ]
    shapes = []
    if reference is not None:
        shapes.append(reference_line(reference, "x", width=1.5))
        annotations.append(reference_caption(reference, chart_text(reference_label, 30)))
    return figure(
        [trace],
        title,
        xaxis=value_axis(x_title, value_format),
        yaxis={"autorange": "reversed", "showgrid": False},
        annotations=annotations,
        shapes=shapes,
        hovermode="closest",
        height=160 + 70 * len(names),
        margin={"l": 230, "r": 220, "t": 110, "b": 70 + 22 * chart_text(x_title, 40).count("<br>")},
    )


def table_cell(value: object, status: object) -> object:
    """What a chart's data table shows for one row: the value drawn, the suppression symbol, or None."""
    if status in PLOTTED_STATUSES and pd.notna(value):
        return value
    return status if status in SYMBOLS else None


def _trend_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A trend frame as a table: ``Area``, then a column per year (oldest first); a row per area in
    chart order (``ROLE_ORDER``, then name); each cell its ``table_cell``. (Built in Python: pandas' pivot cost more than the rest of a chart's table.)"""
    rows: dict[tuple[int, str], dict] = {}
    for point in _trend_points(frame, None):
        row = rows.setdefault((ROLE_ORDER.index(point.role), point.area), {})
        if point.year in row:
            raise ValueError(f"{point.area} has two {point.role} rows for {point.year}")
        row[point.year] = table_cell(point.value, point.status)
    years = sorted({year for row in rows.values() for year in row})
    cells = [[area, *(row.get(year) for year in years)] for (_, area), row in sorted(rows.items())]
    return pd.DataFrame(cells, columns=["Area", *years], dtype=object)


@dataclass(frozen=True)
class ChartTable:
    """A chart's data table: its values (``data``, as the CSV download gives them) and how a value is
    shown in the page's table (``cell_text``; ``chart_extras_html`` writes the table)."""

    data: pd.DataFrame
    cell_text: Callable[[object], str]


def chart_table(frame: pd.DataFrame, value_format: str = "{:,.1f}") -> ChartTable:
    """Data table for a chart, with suppression symbols shown in place of values.

    A trend frame (``area``, ``time_period``, ``value``, ``status``, ``role``)
    becomes one row per area and one column per year; any other frame is shown
    as it is. Numbers are shown with ``value_format``; missing values read "no value"
    (``chart_extras_html``, which also escapes every cell).
    """
    if {"area", "time_period", "value", "status", "role"} <= set(frame.columns):
        frame = _trend_table(frame)

    def cell(value: object) -> str:
        return value_format.format(value) if isinstance(value, float) else str(value)

    return ChartTable(frame, cell)


def _csv_cell(value: object) -> object:
    """Defuse spreadsheet formulas in text cells (a user file could hold "=cmd()")."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


SHORT_ALT_WORDS = 30  # a text alternative longer than this is split: first sentence shown, the rest folded


def split_alt_text(alt_text: str) -> tuple[str, str]:
    """A chart's short text alternative (its first sentence), shown under it, and the rest (the
    figures, read on demand from "Describe this chart"); the rest is "" for a short one."""
    text = " ".join(alt_text.split())
    if len(text.split()) <= SHORT_ALT_WORDS:
        return text, ""
    match = re.search(r"(?<=[a-z0-9)%])\.\s+(?=[A-Z])", text)
    if not match or len(text[: match.start()].split()) < 4:
        return text, ""
    return text[: match.start() + 1], text[match.end() :]


def csv_text(frame: pd.DataFrame) -> str:
    """The CSV a chart's "Download this data" gives: the table's values (not its display
    formatting), text cells starting a formula defused, no index, UTF-8 when saved."""
    return frame.map(_csv_cell).to_csv(index=False)


def _csv_field(value: object) -> str:
    """One value as ``csv_text`` writes it, before quoting: missing values empty, text defused."""
    if isinstance(value, str):
        return _csv_cell(value)
    return "" if value is None or pd.isna(value) else str(value)


def csv_fields(frame: pd.DataFrame) -> list[list[str]]:
    """``csv_text(frame)`` as the field strings of each line (header first), unquoted: each value
    written as pandas writes it, without writing and reading back the whole CSV
    (``tests/test_charts.py`` holds the two to each other)."""
    rows = [[str(column) for column in frame.columns]]
    rows += [[_csv_field(value) for value in row] for row in frame.itertuples(index=False, name=None)]
    return rows


def csv_from_fields(rows: Sequence[Sequence[str]]) -> str:
    """The CSV text of rows of field strings, written as pandas writes it (Python's csv module,
    minimal quoting, "\\n" line ends); ``_ext/assets/chart_access.js`` (tableCsv) does the same
    in the browser from the table's cells and their ``data-csv`` values.
    ``csv_from_fields(csv_fields(f)) == csv_text(f)``."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def chart_extras_html(
    table: ChartTable, alt_text: str, filename: str = "chart-data.csv", inline_csv: bool = False
) -> str:
    """HTML shown under a chart: visible text alternative, data table and CSV download.

    The download is made in the browser from the table when it is clicked
    (``_ext/assets/chart_access.js``): each cell whose CSV value differs from what it shows
    carries it in ``data-csv``, and the link stays hidden until the script is there.
    ``inline_csv`` puts the CSV in the link as a data: URI instead, for pages without the
    script (the workshop's live widgets)."""
    if not alt_text.strip():
        raise ValueError("every chart needs a text alternative")
    fields = csv_fields(table.data)
    symbols = sorted({v for v in table.data.to_numpy().ravel() if isinstance(v, str)} & set(SYMBOLS))
    notes = "; ".join(f"{s} = {SYMBOLS[s]}" for s in symbols)
    short, rest = split_alt_text(alt_text)
    head, rows = _table_cells(table, fields)
    return markup.render(
        "chart_extras.html.j2",
        short=short,
        rest=rest,
        head=head,
        rows=rows,
        notes=notes,
        filename=filename,
        csv_base64=base64.b64encode(csv_from_fields(fields).encode()).decode() if inline_csv else None,
    )


Cell = tuple[str, str | None, bool]  # what a table cell shows, its CSV value where that differs, whether a number


def _table_cells(table: ChartTable, fields: list[list[str]]) -> tuple[list[Cell], list[list[Cell]]]:
    """The table's head and rows as plain cells (``chart_extras.html.j2``): no per-cell classes, ids
    or indentation (a 153-row table is a third of what pandas' Styler wrote). The stylesheets
    right-align ``.chart-table``'s number columns instead. A cell whose CSV value (``csv_fields``)
    is not its text carries it in ``data-csv``."""
    text = table.cell_text

    def shown(value: object) -> str:
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        return "no value" if missing else text(value)

    texts = [[str(c) for c in table.data.columns]]
    texts += [[shown(v) for v in row] for row in table.data.itertuples(index=False, name=None)]
    numbers = _number_columns(texts[1:], len(table.data.columns))
    # A carriage return would become a line feed in the page's DOM: it is carried (as &#13;) too.
    head, *rows = [
        [(t, f if f != t or "\r" in f else None, n) for t, f, n in zip(row, line, numbers, strict=True)]
        for row, line in zip(texts, fields, strict=True)
    ]
    return head, rows


NUMBER_CELL = re.compile(
    r"[−+-]?£?[\d,]*\.?\d+(?:%| thousand| million)?(?: \(derived\))?|no value|" + "|".join(SYMBOLS)
)


def _number_columns(rows: Sequence[Sequence[str]], count: int) -> list[bool]:
    """Which columns hold numbers (a figure, a suppression symbol or "no value" in every cell): they
    line up on the right; columns of words stay on the left. The first column names the row."""
    return [
        index > 0 and any(rows) and all(NUMBER_CELL.fullmatch(row[index].strip()) for row in rows)
        for index in range(count)
    ]


def table_html(frame: pd.DataFrame, caption: str) -> str:
    """A plain table with its caption, every cell HTML-escaped. On a phone it is stacked
    (``efp-stack`` in the stylesheets): each row a block led by its first cell, every other cell
    under its column's name (``data-label``), so nothing is cut or scrolled sideways. The roles
    keep it a table for screen readers when stacked."""
    return markup.render("stacked_table.html.j2", caption=caption, **_stacked_cells(frame))


def _stacked_cells(frame: pd.DataFrame) -> dict:
    """``stacked_table.html.j2``'s head, (column, is a number), and rows, (column, text, is a number)."""
    columns = [str(c) for c in frame.columns]
    texts = [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    numbers = _number_columns(texts, len(columns))
    return {
        "head": list(zip(columns, numbers)),
        "rows": [list(zip(columns, row, numbers)) for row in texts],
    }


def _csv_name(fig: go.Figure) -> str:
    """A download file name made from the chart title."""
    title = html.unescape((fig.layout.title.text or "").replace("<br>", " "))
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return (slug[:60].rstrip("-") or "chart-data") + ".csv"


def show(fig: go.Figure, table: ChartTable, alt_text: str) -> None:
    """Display a chart, its text alternative, and its data table with a CSV download."""
    for output, raw in _outputs(fig, table, alt_text):
        display(output, raw=raw)


def show_kept(ds: Dataset, key: str, view: Callable[..., tuple], *args: object) -> None:
    """``show(*view(*args))`` for a chart that is the same in every area's report (England's picture):
    drawn once per dataset under ``key``, which names that one chart, and kept with the dataset
    (``Dataset.kept``: a report kernel keeps it from area to area), then shown as it was drawn."""
    for output, raw in ds.kept(("shown", key), lambda: _outputs(*view(*args))):
        display(output, raw=raw)


def _outputs(fig: go.Figure, table: ChartTable, alt_text: str) -> list[tuple[object, bool]]:
    """What ``show`` displays, each with ``display``'s ``raw``: the offline HTML plus plotly's own JSON,
    then the text alternative and the data table."""
    extras = chart_extras_html(table, alt_text, _csv_name(fig))
    return [(RENDERER.to_mimebundle(figure_json(fig)), True), (HTML(extras), False)]


def show_table(frame: pd.DataFrame, caption: str) -> None:
    """Display a plain (non-chart) table with a caption (``table_html``)."""
    display(HTML(markup.render("scrolled_table.html.j2", caption=caption, **_stacked_cells(frame))))
