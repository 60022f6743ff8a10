"""Why randomise? ``analyses.models.simulation`` run across selection strengths, drawn as a slider chart.

Selection strength is how much a family's difficulties change its chance of getting support
(log-odds per standard deviation of need): positive when families with more difficulties are
likelier to get support, negative when families already doing better are. Every strength is
simulated in advance, so the chart needs no kernel.
"""

from __future__ import annotations

import html
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analyses.views.charts import FONT, LABEL_BACKGROUND, PALETTE, TEMPLATE, TEXT_COLOUR
from analyses.views.sliders import Step, add_slider

BIN_WIDTH = 0.05
DESIGNS = ("Naive comparison", "Randomised trial")
PANEL_LABELS = {
    "Naive comparison": "Naive comparisons: families who got support against families who did not",
    "Randomised trial": "Randomised trials: support given by the toss of a coin",
}
DESIGN_COLOURS = {"Naive comparison": PALETTE[2], "Randomised trial": PALETTE[0]}
CLOSE = 0.05  # an average this near the true effect counts as finding it


def bins(estimates: pd.DataFrame, width: float = BIN_WIDTH) -> np.ndarray:
    """Shared histogram edges covering every estimate, on multiples of ``width``."""
    low = np.floor(estimates["estimate"].min() / width) * width
    high = np.ceil(estimates["estimate"].max() / width) * width
    return np.round(np.arange(low, high + width / 2, width), 10)


def strength_label(selection: float) -> str:
    """Slider label: '-2', '+0.5', '0'."""
    return "0" if selection == 0 else f"{selection:+g}"


def finding(selection: float, naive_mean: float, trial_mean: float, true_effect: float) -> str:
    """The chart title at one selection strength."""
    who = (
        "When support is unrelated to need"
        if selection == 0
        else "When families with more difficulties are likelier to get support"
        if selection > 0
        else "When families doing better are likelier to get support"
    )
    averages = f"(average {naive_mean:.2f} against a true effect of {true_effect:.2f}; trials average {trial_mean:.2f})"
    if abs(naive_mean - true_effect) <= CLOSE:
        return (
            f"{who}, naive comparisons and randomised trials both find the true effect of {true_effect:.2f} on average"
        )
    if true_effect == 0:
        verdict = f"naive comparisons make support that does nothing look {'harmful' if naive_mean < 0 else 'helpful'}"
    elif naive_mean < 0:
        verdict = "naive comparisons make helpful support look harmful"
    elif naive_mean < true_effect:
        verdict = "naive comparisons understate what support achieves"
    else:
        verdict = "naive comparisons overstate what support achieves"
    return f"{who}, {verdict} {averages}"


def _title(text: str) -> str:
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, 75))


def _markers(means: dict[str, float], true_effect: float) -> tuple[list[dict], list[dict]]:
    """Lines and labels of one step in both panels: the true effect (dashed) and the average (solid)."""
    shapes, notes = [], []
    for row, design in enumerate(DESIGNS, start=1):
        axis = "" if row == 1 else str(row)
        for x, dash, text, anchor, height in (
            (true_effect, "dash", f" True effect {true_effect:.2f}", "left", 0.92),
            (means[design], "solid", f"Average {means[design]:.2f} ", "right", 0.80),
        ):
            shapes.append(
                {
                    "type": "line",
                    "xref": f"x{axis}",
                    "yref": f"y{axis} domain",
                    "x0": x,
                    "x1": x,
                    "y0": 0,
                    "y1": height,
                    "line": {"color": TEXT_COLOUR, "width": 2.5, "dash": dash},
                }
            )
            notes.append(
                {
                    "xref": f"x{axis}",
                    "yref": f"y{axis} domain",
                    "x": x,
                    "y": height,
                    "yanchor": "middle",
                    "xanchor": anchor,
                    "showarrow": False,
                    "font": {"size": 14},
                    "text": text,
                    "bgcolor": LABEL_BACKGROUND,
                }
            )
    return shapes, notes


def slider_chart(estimates: pd.DataFrame, true_effect: float, active: float = 1.0) -> go.Figure:
    """Histograms of estimates (naive above, randomised below) with a slider over selection strength."""
    edges = bins(estimates)
    centres = np.round((edges[:-1] + edges[1:]) / 2, 10).tolist()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.16)
    for row, design in enumerate(DESIGNS, start=1):
        fig.add_trace(
            go.Bar(
                x=centres,
                width=BIN_WIDTH * 0.95,
                marker={"color": DESIGN_COLOURS[design]},
                name=design,
                hovertemplate=f"{design}: %{{y}} studies estimated %{{x:.2f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
    panels = [
        {
            "xref": "paper",
            "yref": f"y{'' if row == 1 else row} domain",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "xanchor": "left",
            "showarrow": False,
            "font": {"size": 15},
            "text": html.escape(PANEL_LABELS[design]),
        }
        for row, design in enumerate(DESIGNS, start=1)
    ]
    panels.append(
        {
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": -0.37,
            "xanchor": "left",
            "yanchor": "top",
            "showarrow": False,
            "font": {"size": 13},
            "align": "left",
            "text": "Selection strength: below 0, families doing better were likelier to get support;<br>"
            "above 0, families with more difficulties were.",
        }
    )
    steps = []
    for selection, group in estimates.groupby("selection"):
        by_design = {d: group.loc[group["design"] == d, "estimate"] for d in DESIGNS}
        means = {d: float(v.mean()) for d, v in by_design.items()}
        shapes, notes = _markers(means, true_effect)
        steps.append(
            Step(
                label=strength_label(selection),
                data={"y": [np.histogram(by_design[d], edges)[0].tolist() for d in DESIGNS]},
                layout={
                    "title.text": _title(finding(selection, means[DESIGNS[0]], means[DESIGNS[1]], true_effect)),
                    "shapes": shapes,
                    "annotations": panels + notes,
                },
            )
        )
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT, "size": 15, "color": TEXT_COLOUR},
        title={"x": 0, "xanchor": "left", "y": 0.985, "yanchor": "top", "font": {"size": 19}},
        showlegend=False,
        bargap=0,
        hovermode="closest",
        height=790,
        margin={"l": 70, "r": 30, "t": 155, "b": 210},
    )
    fig.update_xaxes(title_text="Estimated effect of support (above 0: support looked helpful)", row=2, col=1)
    fig.update_xaxes(showticklabels=True, zeroline=True, zerolinecolor="#6F777B", zerolinewidth=2, gridcolor="#E0E0E0")
    fig.update_yaxes(title_text="Studies", gridcolor="#E0E0E0", rangemode="tozero")
    selections = sorted(estimates["selection"].unique())
    return add_slider(fig, steps, selections.index(active), "Selection strength: ")


def alt_text(table: pd.DataFrame, true_effect: float, studies: int) -> str:
    """Text alternative: what the slider shows at the two extremes and for trials throughout."""
    naive = table[table["design"] == DESIGNS[0]].set_index("selection")
    trial = table[table["design"] == DESIGNS[1]]
    low, high = naive.index.min(), naive.index.max()
    trial_low, trial_high = trial["mean_estimate"].min(), trial["mean_estimate"].max()
    trials = (
        f"{trial_low:.2f}"
        if f"{trial_low:.2f}" == f"{trial_high:.2f}"
        else f"between {trial_low:.2f} and {trial_high:.2f}"
    )
    return (
        f"Two histograms of estimated effects from {studies:,} simulated studies, naive comparisons above and "
        f"randomised trials below, with a slider for selection strength from {strength_label(low)} to "
        f"{strength_label(high)}. The true effect is {true_effect:.2f}. Naive comparisons average "
        f"{naive.loc[low, 'mean_estimate']:.2f} at {strength_label(low)}, {naive.loc[0.0, 'mean_estimate']:.2f} at 0 "
        f"and {naive.loc[high, 'mean_estimate']:.2f} at {strength_label(high)}. Randomised trials average {trials} "
        f"at every strength. "
        "The data table gives every strength."
    )


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The summary as a reader's table: one row per strength and design, plain column names."""
    return pd.DataFrame(
        {
            "Selection strength": table["selection"].map(strength_label),
            "Design": table["design"],
            "Average estimate": table["mean_estimate"].round(2),
            "Bias": table["bias"].round(2),
            "Middle 95% of estimates": [
                f"{lo:.2f} to {hi:.2f}" for lo, hi in zip(table["low_2_5"], table["high_97_5"])
            ],
            "Studies wrongly showing harm": [f"{share:.0%}" for share in table["share_showing_harm"]],
        }
    )


def selection_text(table: pd.DataFrame, true_effect: float, families: int) -> str:
    """What the sweep shows at selection strength +1 and 0, from ``simulation.sweep_summary``."""
    at = table.set_index(["selection", "design"])
    naive, trial = at.loc[(1.0, "Naive comparison")], at.loc[(1.0, "Randomised trial")]
    neutral = at.loc[(0.0, "Naive comparison")]
    return (
        "With a selection strength of +1, where families with more difficulties are likelier to be referred, "
        f"the naive comparisons estimate the effect of support at **{naive['mean_estimate']:.2f}** on average, "
        f"when the truth is **{true_effect:.2f}**, and **{naive['share_showing_harm']:.0%}** of them "
        f"suggest that the support did harm. The randomised trials average **{trial['mean_estimate']:.2f}**; "
        f"{trial['share_showing_harm']:.0%} point the wrong way, through the play of chance in a study of "
        f"{families} families. Only when referral has nothing to do with need (selection strength 0) do "
        f"the naive comparisons get it right on average ({neutral['mean_estimate']:.2f}), and in real services "
        "that is rarely the case."
    )
