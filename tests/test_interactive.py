"""Plotly sliders that need no kernel."""

import plotly.graph_objects as go
import pytest

from analyses.views.sliders import Step, add_slider, nested


def figure() -> go.Figure:
    fig = go.Figure([go.Bar(x=[1, 2], y=[0, 0]), go.Bar(x=[1, 2], y=[0, 0])])
    return fig.update_layout(title={"text": "start", "x": 0})


STEPS = [
    Step(
        "low",
        {"y": [[1, 2], [3, 4]]},
        {"title.text": "Low", "shapes": [{"type": "line", "x0": 1, "x1": 1, "y0": 0, "y1": 1}]},
    ),
    Step("high", {"y": [[5, 6], [7, 8]]}, {"title.text": "High", "shapes": []}),
]


def test_nested_turns_dotted_paths_into_dicts():
    assert nested({"title.text": "t", "xaxis.range": [0, 1], "height": 3}) == {
        "title": {"text": "t"},
        "xaxis": {"range": [0, 1]},
        "height": 3,
    }


def test_figure_starts_at_the_active_step_and_keeps_other_title_settings():
    fig = add_slider(figure(), STEPS, active=0, prefix="Level: ")
    assert fig.data[0].y == (1, 2) and fig.data[1].y == (3, 4)
    assert fig.layout.title.text == "Low" and fig.layout.title.x == 0
    assert len(fig.layout.shapes) == 1


def test_each_step_carries_its_updates():
    fig = add_slider(figure(), STEPS, active=1, prefix="Level: ")
    slider = fig.layout.sliders[0]
    assert slider.active == 1 and slider.currentvalue.prefix == "Level: "
    assert [s.label for s in slider.steps] == ["low", "high"]
    assert all(s.method == "update" for s in slider.steps)
    assert slider.steps[1].args[0] == {"y": [[5, 6], [7, 8]]}
    assert slider.steps[1].args[1]["title.text"] == "High"
    assert fig.layout.title.text == "High" and len(fig.layout.shapes) == 0


@pytest.mark.parametrize("steps, active, error", [([], 0, "at least one step"), (STEPS, 2, "outside 0..1")])
def test_bad_slider_is_refused(steps, active, error):
    with pytest.raises(ValueError, match=error):
        add_slider(figure(), steps, active, "x")
