"""The dropdown chart: each menu choice shows exactly one view, with its own title and labels."""

import plotly.graph_objects as go
import pytest

from analyses.views import charts, dropdown


def view(title: str, traces: int, label: str) -> go.Figure:
    fig = go.Figure([go.Scatter(x=[1, 2], y=[i, i + 1]) for i in range(traces)])
    return fig.update_layout(
        title={"text": title},
        height=400,
        margin={"t": 90, "b": 70},
        annotations=[{"text": label, "x": 1, "y": 1, "showarrow": False}],
    )


def test_each_button_shows_only_its_own_traces_title_and_labels():
    fig = dropdown.combine({"First": view("One", 2, "a"), "Second <b>": view("Two", 3, "b")}, "Show:")
    assert len(fig.data) == 5
    assert [t.visible for t in fig.data] == [True, True, False, False, False]
    first, second = fig.layout.updatemenus[0].buttons
    assert second.label == "Second &lt;b&gt;"  # labels are escaped
    assert second.args[0]["visible"] == [False, False, True, True, True]
    assert second.args[1]["title"]["text"] == "Two"
    assert [a["text"] for a in second.args[1]["annotations"]] == ["b", "Show:"]
    assert fig.layout.title.text == "One" and [a.text for a in fig.layout.annotations] == ["a", "Show:"]


def test_room_is_made_above_the_title_for_the_menu():
    fig = dropdown.combine({"Only": view("One", 1, "a")})
    assert fig.layout.height == 400 + dropdown.MENU_SPACE_PX
    assert fig.layout.margin.t == 90 + dropdown.MENU_SPACE_PX
    assert fig.layout.updatemenus[0].y > 1  # above the plotting area
    assert fig.layout.title.yref == "container"


def test_the_views_passed_in_are_not_changed():
    original = view("One", 1, "a")
    dropdown.combine({"A": original, "B": view("Two", 1, "b")})
    assert original.data[0].visible is None and original.layout.height == 400


def test_no_views_is_an_error():
    with pytest.raises(ValueError, match="at least one view"):
        dropdown.combine({})


def test_the_combined_chart_keeps_the_views_look():
    views = {name: charts.figure([{"type": "scatter", "x": [1], "y": [1]}], name) for name in ("One", "Two")}
    fig = dropdown.combine(views, "Show:")
    assert fig.layout.template == charts.TEMPLATE  # not plotly's default grey-blue template
    assert fig.layout.template.layout.font.family == charts.FONT
    assert all("template" not in button.args[1] for button in fig.layout.updatemenus[0].buttons)
