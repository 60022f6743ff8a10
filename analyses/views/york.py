"""The York chapter: York's own story in figures, its charts, and the words around the benchmarking profile.

The case study is always York; the profile (``analyses.views.profile``) is for the area the
report is run for, so ``profile_text`` and ``key_points`` work for any area and for England.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.models import benchmark
from analyses.views import charts
from analyses.views.profile import significance_counts

YORK = "York"
EYFSP_BREAK = 2020.5  # between the last old-framework year (2019) and the first new one (2022)


def _latest(ds: Dataset, indicator: str, area: Area) -> pd.Series:
    """The latest row with a value: time_period, value, status."""
    return ds.latest(indicator, area)


def in_numbers(ds: Dataset) -> str:
    """York's children and children looked after, against England (Markdown)."""
    return ds.kept(("york.in_numbers",), lambda: _in_numbers(ds))  # York's, whatever the area


def _in_numbers(ds: Dataset) -> str:
    york = ds.area(YORK)
    children = _latest(ds, "population_0_17", york)
    looked_after = _latest(ds, "cla_31mar_count", york)
    rate = _latest(ds, "cla_31mar_rate", york)
    england = _latest(ds, "cla_31mar_rate", ENGLAND)
    return (
        f"The talk describes the city as home to around 35,000 children and young people. The ONS estimate for "
        f"children aged 0 to 17 in mid-{int(children['time_period'])} is {children['value']:,.0f}. On 31 March "
        f"{int(looked_after['time_period'])}, {looked_after['value']:,.0f} children were looked after by the "
        f"council, {rate['value']:.0f} per 10,000 children against {england['value']:.0f} in England (DfE). The "
        f"talk also gives numbers of schools and their Ofsted grades, which we have not been able to check."
    )


def _latest_by_role(frame: pd.DataFrame) -> tuple[int, pd.Series]:
    year = int(frame["time_period"].max())
    return year, frame[frame["time_period"] == year].set_index("role")["value"]


def eyfsp_chart(ds: Dataset) -> tuple[go.Figure, pd.DataFrame, str]:
    """York's good level of development at age 5 against its comparators, with the 2020-21 break marked."""
    return ds.kept(("york.eyfsp_chart",), lambda: _eyfsp_chart(ds))  # York's, whatever the area


def _eyfsp_chart(ds: Dataset) -> tuple[go.Figure, pd.DataFrame, str]:
    frame = benchmark.comparison(ds, "eyfsp_gld_pct", ds.area(YORK))
    year, latest = _latest_by_role(frame)
    fig = charts.trend_chart(
        frame,
        f"In {year}, {latest['selected']:.1f}% of York's five-year-olds reached a good level of development, "
        f"against {latest['England']:.1f}% in England",
        "Children reaching a good level of development (%)",
        value_format="{:.1f}",
    )
    fig.add_vline(x=EYFSP_BREAK, line={"dash": "dot", "color": "#505A5F", "width": 1.5})
    fig.add_annotation(
        x=EYFSP_BREAK,
        y=30,
        text="No assessment in 2020 or 2021;<br>new framework from 2022",
        showarrow=False,
        font={"size": 13},
        bgcolor="#FFFFFF",
    )
    alt = (
        f"Line chart of the share of children reaching a good level of development at the end of reception, "
        f"{int(frame['time_period'].min())} to {year}, for York, the average of its statistical neighbours, "
        f"Yorkshire and The Humber, and England; thin grey lines are individual neighbours. There was no "
        f"assessment in 2020 or 2021, so the lines break there, and the framework changed from 2022, so the two "
        f"parts of each line should not be compared. In {year} York was at {latest['selected']:.1f}% and England "
        f"at {latest['England']:.1f}%."
    )
    return fig, charts.chart_table(frame).data, alt


def looked_after_chart(ds: Dataset) -> tuple[go.Figure, pd.DataFrame, str]:
    """York's children looked after per 10,000 children over time, against its comparators."""
    return ds.kept(("york.looked_after_chart",), lambda: _looked_after_chart(ds))  # York's, whatever the area


def _looked_after_chart(ds: Dataset) -> tuple[go.Figure, pd.DataFrame, str]:
    frame = benchmark.comparison(ds, "cla_31mar_rate", ds.area(YORK))
    year, latest = _latest_by_role(frame)
    first = int(frame["time_period"].min())
    start = frame[(frame["role"] == "selected") & (frame["time_period"] == first)]["value"].iloc[0]
    fig = charts.trend_chart(
        frame,
        f"On 31 March {year}, York looked after {latest['selected']:.0f} children per 10,000, against "
        f"{latest['England']:.0f} in England and {start:.0f} in York in {first}",
        "Per 10,000 children",
        value_format="{:.0f}",
    )
    alt = (
        f"Line chart of children looked after on 31 March per 10,000 children, {first} to {year}, for York, the "
        f"average of its statistical neighbours, Yorkshire and The Humber, and England; thin grey lines are "
        f"individual neighbours. York was at {start:.0f} in {first} and {latest['selected']:.0f} in {year}; "
        f"England was at {latest['England']:.0f} in {year}."
    )
    return fig, charts.chart_table(frame).data, alt


def profile_text(ds: Dataset, area: Area, local: pd.DataFrame) -> str:
    """The sentence that opens the profile: who the area is compared with and how it compares (Markdown)."""
    if area.is_england:
        return (
            "**England.** The profile compares a local authority with similar areas; for England it lists the "
            "latest national value of each indicator and how it changed."
        )
    names = [ds.area(code).name for code in area.neighbours]
    counts = significance_counts(local)
    tested = sum(counts.values())
    parts = [f"{label} on {n}" for label, n in sorted(counts.items(), key=lambda item: -item[1])]
    if not parts:
        verdict = f"{area.name} cannot be tested against England on any indicator"
    elif len(parts) == 1:
        verdict = f"{area.name} is {parts[0]}"
    else:
        verdict = f"{area.name} is {', '.join(parts[:-1])} and {parts[-1]}"
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return (
        f"**{area.name}** is compared with {listed}. Of the {tested} indicators with a confidence interval, "
        f"{verdict}. Suppressed values are shown as suppressed, with the meaning of their symbol; they are "
        f"never counted as zero."
    )


def key_points(ds: Dataset, area: Area, local: pd.DataFrame) -> str:
    """The chapter's key points for ``area`` (a Markdown list): where it stands on the profile's rates."""
    rates = local[(local["unit"] != "count") & local["value"].notna()]
    if area.is_england:
        return "\n".join(
            [
                f"- The profile lists England's latest value of {len(rates)} rates and percentages and how each changed.",
                "- For a local authority, it adds its ten statistical neighbours, its rank among all councils and a "
                "95% confidence interval.",
            ]
        )
    counts = significance_counts(local)
    differ = (
        counts.get("higher than England", 0)
        + counts.get("lower than England", 0)
        + counts.get("better than England", 0)
        + counts.get("worse than England", 0)
    )
    tested = sum(counts.values())
    points = [f"- {area.name} is compared with the ten councils most like it in DfE's 2025 model, and with England."]
    if tested:
        how_many = "one" if differ == 1 else "none" if differ == 0 else f"{differ}"
        points.append(
            f"- {area.name} differs from England by more than chance would explain on {how_many} of the "
            f"{tested} indicators that can be tested."
        )
    else:
        points.append(
            f"- None of {area.name}'s figures can be tested against England: they are suppressed or too small."
        )
    row = local.set_index("indicator").loc["cla_31mar_rate"] if "cla_31mar_rate" in set(local["indicator"]) else None
    if row is not None and pd.notna(row["value"]) and pd.notna(row["england"]):
        side = (
            "more than"
            if row["value"] > row["england"]
            else "fewer than"
            if row["value"] < row["england"]
            else "the same as"
        )
        points.append(
            f"- On 31 March {int(row['year'])}, {area.name} looked after {row['value']:.0f} children per "
            f"10,000, {side} England's {row['england']:.0f}."
        )
    elif row is not None:
        points.append(f"- {area.name}'s rate of children looked after in {int(row['year'])} is not published.")
    points.append("- Ranks count from the lowest value, and bands run from Q1 (lowest quarter) to Q4 (highest).")
    return "\n".join(points)
