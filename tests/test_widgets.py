"""Workshop widgets: the models against hand-checked values, and each widget driven without a browser."""

import html
import json
import re

import ipywidgets
import nbclient
import nbformat
import pandas as pd
import pytest

from analyses.models import fgc, findings
from analyses.models import tiers as widget_tiers
from analyses.views import fgc as fgc_view
from analyses.views import findings as words
from analyses.workshop import fgc as widget_fgc
from analyses.workshop import server as workshop
from analyses.workshop import static as widget_static
from analyses.workshop import views as widget_views
from analyses.workshop import widgets

PLOTLY_MIME = "application/vnd.plotly.v1+json"
COSTS = {t: a.cost_per_family for t, a in widget_tiers.DEFAULTS.items()}
TAKE_UP = {t: a.take_up for t, a in widget_tiers.DEFAULTS.items()}


# FGC roll-out model -------------------------------------------------------------------------------


def test_rollout_is_the_chapters_estimate(ds):
    york = ds.area("York")
    assert widget_fgc.rollout(ds, york).figures == fgc.estimate(ds, york).figures
    mine = widget_fgc.rollout(
        ds, york, pre_proceedings_children=120, coverage=0.5, already_offered=0.1, conference_cost=3000
    )
    theirs = fgc.estimate(
        ds, york, {"pre_proceedings_children": 120, "coverage": 0.5, "already_offered": 0.1, "conference_cost": 3000}
    )
    assert mine.figures == theirs.figures


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"pre_proceedings_children": 100_000}, "from 0 to 8,012"),  # Rutland has 8,012 children
        ({"coverage": 1.5}, "coverage"),
        ({"conference_cost": -5}, "conference_cost"),
    ],
)
def test_rollout_refuses_bad_inputs(ds, settings, message):
    with pytest.raises(ValueError, match=message):
        widget_fgc.rollout(ds, ds.area("Rutland"), **settings)


def test_default_children_and_limit_for_york(ds):
    york = ds.area("York")
    assert widget_fgc.default_children(ds, york) == round(fgc.estimate(ds, york).pre_proceedings_children.central)
    assert widget_fgc.children_limit(ds, york) == 34_758


# Tier planner model -------------------------------------------------------------------------------


def test_plan_by_hand():
    plan = widget_tiers.plan(1_000_000, widget_tiers.DEFAULT_SHARES, COSTS, TAKE_UP).set_index("tier")
    assert plan.loc["Universal", "spend"] == 250_000
    assert plan.loc["Universal", "places"] == pytest.approx(2500)  # £250,000 / £100
    assert plan.loc["Universal", "families_reached"] == pytest.approx(2375)  # x 95% take-up
    assert plan.loc["Selective", "families_reached"] == pytest.approx(250_000 / 3200 * 0.75)  # 58.6
    assert plan.loc["Targeted", "take_up"] == pytest.approx(0.79)  # 4,802 of 6,110 started
    assert plan["spend"].sum() == pytest.approx(1_000_000)


@pytest.mark.parametrize(
    "shares, costs, message",
    [
        ({"Universal": 50, "Selective": 30, "Targeted": 30, "Specialist": 10}, COSTS, "add up to 100"),
        ({"Universal": 100}, COSTS, "each tier"),
        (widget_tiers.DEFAULT_SHARES, {**COSTS, "Targeted": 0}, "more than £0"),
    ],
)
def test_plan_refuses_bad_inputs(shares, costs, message):
    with pytest.raises(ValueError, match=message):
        widget_tiers.plan(1_000_000, shares, costs, TAKE_UP)


@pytest.mark.parametrize(
    "shares, tier, value, expected",
    [
        (
            {"Universal": 25, "Selective": 25, "Targeted": 25, "Specialist": 25},
            "Universal",
            40,
            {"Universal": 40, "Selective": 20, "Targeted": 20, "Specialist": 20},
        ),
        # 60 left over in proportion 40:30:20 = 26.7, 20, 13.3 -> the largest remainder gets the spare point
        (
            {"Universal": 40, "Selective": 30, "Targeted": 20, "Specialist": 10},
            "Specialist",
            40,
            {"Universal": 27, "Selective": 20, "Targeted": 13, "Specialist": 40},
        ),
        (
            {"Universal": 100, "Selective": 0, "Targeted": 0, "Specialist": 0},
            "Universal",
            40,
            {"Universal": 40, "Selective": 20, "Targeted": 20, "Specialist": 20},
        ),
        (
            {"Universal": 10, "Selective": 20, "Targeted": 30, "Specialist": 40},
            "Targeted",
            100,
            {"Universal": 0, "Selective": 0, "Targeted": 100, "Specialist": 0},
        ),
    ],
)
def test_rebalance_keeps_shares_at_100(shares, tier, value, expected):
    assert widget_tiers.rebalance(shares, tier, value) == expected


def test_downstream_demand_keeps_suppression(ds):
    york = widget_tiers.downstream_demand(ds, ds.area("York")).set_index("indicator")
    assert york.loc["cla_31mar_count", "value"] == 240 and york.loc["cla_31mar_count", "year"] == 2025
    scilly = widget_tiers.downstream_demand(ds, ds.area("Isles of Scilly")).set_index("indicator")
    assert scilly.loc["cpp_31mar_count", "status"] == "c" and pd.isna(scilly.loc["cpp_31mar_count", "value"])


# Views ----------------------------------------------------------------------------------------------


def test_randomise_view_shows_the_bias_and_the_truth():
    biased = widget_views.randomise_view(0.3, 1.0, 400)
    assert "look harmful" in biased.title
    assert biased.figure.layout.shapes[0].x0 == pytest.approx(0.3)  # the dashed true-effect line
    fair = widget_views.randomise_view(0.3, 0.0, 400)
    assert "both find the true effect" in fair.title


def test_compare_finding_words_the_finding_as_every_page_does(ds):
    """A difference is called higher or lower only where it was tested, in the findings' one wording."""
    york, scilly = ds.area("York"), ds.area("Isles of Scilly")
    looked_after = findings.finding(ds, "cla_31mar_rate", york, "cla_31mar_count")
    assert widget_views.compare_finding(looked_after, "York") == (
        f"York: 69.0 per 10,000 children at 31 March 2025, {words.verdict_phrase(looked_after)}; quartile band Q3"
    )
    courts = findings.finding(ds, "care_applications_rate", york)
    assert "not tested against England (9.1)" in widget_views.compare_finding(courts, "York")
    suppressed = findings.finding(ds, "cla_31mar_rate", scilly, "cla_31mar_count")
    assert "not applicable (z)" in widget_views.compare_finding(suppressed, "Isles of Scilly")


def test_tier_view_shows_suppressed_demand_as_such(ds):
    plan = widget_tiers.plan(1_000_000, widget_tiers.DEFAULT_SHARES, COSTS, TAKE_UP)
    view = widget_views.tier_view(
        plan, widget_tiers.downstream_demand(ds, ds.area("Isles of Scilly")), "Isles of Scilly", 1e6
    )
    tiers, demand = view.figure.data
    assert list(tiers.x) == pytest.approx(list(plan["families_reached"]))
    labels = [label.replace("<br>", " ") for label in demand.y]
    plans = labels.index(next(label for label in labels if "protection plan" in label))
    assert demand.x[plans] is None and demand.text[plans] == ""  # a gap, not 0 ...
    notes = [a.text for a in view.figure.layout.annotations]
    assert "suppressed (c)" in notes  # ... with the reason written in its place
    assert "suppressed (c)" in view.alt_text


# Widgets driven like a trainer would ----------------------------------------------------------------


def _chart_title(widget) -> str:
    (output,) = widget.chart.outputs
    return output["data"][PLOTLY_MIME]["layout"]["title"]["text"]


def test_why_randomise_widget_updates_and_resets():
    widget = widgets.WhyRandomise()
    assert "look harmful" in _chart_title(widget)
    widget.referral.value = 0.0
    assert "both find the true effect" in widget.view.title
    assert "both find the true effect" in _chart_title(widget)
    widget.effect.value = 0.6
    assert "0.60" in widget.view.title and widget.view.figure.layout.shapes[0].x0 == pytest.approx(0.6)
    widget.reset()
    assert (widget.referral.value, widget.effect.value, widget.families.value) == (1.0, 0.3, 400)
    assert "look harmful" in widget.view.title


def test_fgc_widget_shows_the_chapters_figures_and_follows_its_controls(ds):
    widget = widgets.FgcRollout(ds)
    york = fgc.estimate(ds, ds.area("York"))
    assert widget.view.title == fgc_view.finding(york)
    assert html.unescape(widget.view.summary_html).count(dict(fgc_view.figure_lines(york))["Net saving a year"]) == 1
    assert "(0 to 34,758)" in widget.children.description and widget.settings()["pre_proceedings_children"] is None
    assert widget.already.value == widget.GUIDE and widget.already.label == "None, as in the trial"  # never blank
    assert [label for label, _ in widget.already.options][1:] == ["25%", "50%", "75%", "100%"]  # quarters
    widget.coverage.value = 50
    assert widget.view.title == fgc_view.finding(fgc.estimate(ds, ds.area("York"), {"coverage": 0.5}))
    widget.children.value = 120
    assert widget.settings()["pre_proceedings_children"] == 120 and "set by you" in widget.source_note.value
    widget.area.value = "Rutland"
    assert "(0 to 8,012)" in widget.children.description and widget.settings()["pre_proceedings_children"] is None
    widget.children.value = 100_000  # refused in words, never clipped silently
    assert widget.children.value == 100_000 and "must be a whole number from 0 to 8,012" in widget.error
    widget.children.value = 5_000  # allowed, but more than the children Rutland looks after
    assert widget.error == "" and "Check this: 5,000 children a year is more than the" in widget.view.summary_html
    widget.reset()
    assert (widget.area.value, widget.coverage.value, widget.already.value) == ("York", 100, widget.GUIDE)
    assert "(0 to 34,758)" in widget.children.description
    assert widget.view.title == fgc_view.finding(york)


def test_fgc_widget_own_conference_cost_and_share_offered_now(ds):
    widget = widgets.FgcRollout(ds)
    widget.already.value = 0.25
    assert widget.view.title == fgc_view.finding(fgc.estimate(ds, ds.area("York"), {"already_offered": 0.25}))
    widget.conference_cost.value = 4000
    expected = fgc.estimate(ds, ds.area("York"), {"already_offered": 0.25, "conference_cost": 4000})
    assert widget.view.title == fgc_view.finding(expected)


def test_compare_widget_follows_area_and_indicator(ds):
    widget = widgets.CompareLA(ds)
    assert widget.view.title.startswith("York: ") and "quartile band" in widget.view.title
    widget.indicator.value = "eyfsp_gld_pct"
    assert "Good level of development" in widget.view.alt_text
    widget.area.value = "Isles of Scilly"
    widget.indicator.value = "cla_31mar_rate"
    assert "not applicable (z)" in widget.view.title  # shown as missing, never as 0


def test_tier_widget_rebalances_shares_and_counts_families(ds):
    widget = widgets.TierPlanner(ds)
    widget.shares["Universal"].value = 70
    assert {t: s.value for t, s in widget.shares.items()} == {
        "Universal": 70,
        "Selective": 10,
        "Targeted": 10,
        "Specialist": 10,
    }
    assert widget.budget.value == 5.2  # £150 for each of York's 34,758 children
    universal = 5_200_000 * 0.70 / 100 * 0.95  # 34,580 families, just under York's 34,758 children
    assert f"<b>{universal:,.0f}</b> families" in widget.view.summary_html
    widget.costs["Universal"].value = 200
    assert f"<b>{universal / 2:,.0f}</b> families" in widget.view.summary_html
    widget.area.value = "Isles of Scilly"
    assert "suppressed (c)" in widget.view.summary_html
    assert widget.budget.value == 0.05 and widget.view.figure.data[0].x[0] <= 319  # reach capped at its children
    widget.budget.value = 50.0
    assert max(widget.view.figure.data[0].x) <= 319
    widget.reset()
    assert all(s.value == 25 for s in widget.shares.values()) and widget.costs["Universal"].value == 100


def test_a_refused_input_is_shown_not_raised(ds):
    class Broken(widgets.WorkshopWidget):
        def __init__(self):
            self.knob = ipywidgets.IntSlider(value=1)
            super().__init__([self.knob])

        def build_view(self):
            if self.knob.value > 1:
                raise ValueError("too big")
            return widget_views.randomise_view(0.3, 0.0, 100)

    widget = Broken()
    widget.knob.value = 2
    assert widget.error == "too big" and "too big" in widget.summary.value and widget.chart.outputs == ()


def test_chart_output_is_plotly_json_and_the_sites_chart_for_this_pages_script():
    """JupyterLab draws the plotly JSON at the tool's size; workshop mode's pages, which load plotly.js and
    chart_access.js themselves, draw the site's chart from the same figure, fitted to its column, no
    taller than the tool's height beside the controls."""
    figure = widget_views.randomise_view(0.3, 1.0, 100).figure
    output = widgets.plotly_output(figure)
    assert set(output["data"]) == {PLOTLY_MIME, "text/html", "text/plain"}
    native = output["data"][PLOTLY_MIME]
    assert native["config"]["responsive"] is False  # else it collapses to 0 px in Voilà
    drawn = output["data"]["text/html"]
    assert "src=" not in drawn and "http" not in drawn and drawn.endswith("<script>window.efpCharts.scan();</script>")
    (spec,) = re.findall(
        r'<script type="application/json" data-efp-chart="efp-chart-[0-9a-f]{32}">(.*?)</script>', drawn
    )
    spec = json.loads(spec)
    assert spec["data"] == native["data"] and spec["maxHeight"] == widgets.CHART_HEIGHT
    assert spec["layout"]["height"] == widgets.CHART_HEIGHT and "width" not in spec["layout"]  # the page's width
    assert spec["layout"]["title"]["text"] == figure.layout.title.text  # wrapped in the page, for its width


def test_first_state_shows_every_visible_control_disabled_and_the_live_chart(ds):
    """Issue 23: the page shows this until the live tool has loaded, so it is the widget's own state."""
    tool = widgets.TierPlanner(ds, "Isles of Scilly")
    bundle = tool._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live tool, as before
    first = bundle[widgets.PREVIEW_MIME]
    assert f'value="{tool.area.value}" disabled' in first and html.escape(tool.budget.description) in first
    assert all(html.escape(s.description) in first and not s.disabled for s in tool.shares.values())
    assert not any(
        html.escape(u.description) in first for u in tool.take_up.values()
    )  # folded under Assumptions, as in the live tool
    assert first.count(" disabled") == 3 + len(tool.shares)  # the area, the budget, the shares and Reset
    assert first.count("data-efp-chart=") == 1 and tool.chart.outputs[0]["data"]["text/html"] in first


def test_live_chart_is_sized_with_its_title_inside(ds):
    """The live chart's title (no page script rewraps it in JupyterLab) is wrapped to the chart's width and
    hung inside it, with the guide's room for each line; the plot keeps what is left; end labels
    stay apart."""
    from analyses.views import charts

    figure = widget_views.compare_view(ds, ds.area("York"), "cla_31mar_rate").figure
    layout = widgets.plotly_output(figure)["data"][PLOTLY_MIME]["layout"]
    assert (layout["width"], layout["height"]) == (widgets.CHART_WIDTH, widgets.CHART_HEIGHT)
    lines = layout["title"]["text"].split("<br>")
    assert len(lines) > figure.layout.title.text.count("<br>") + 1  # narrower than the guide's pages: more lines
    assert " ".join(lines) == figure.layout.title.text.replace("<br>", " ")  # the same words
    assert max(map(len, lines)) * 20 * charts.TITLE_CHAR_EM <= widgets.CHART_WIDTH - 16
    title_room = charts.TITLE_PAD_PX + len(lines) * charts.TITLE_LINE_PX + charts.TITLE_GAP_PX
    assert layout["margin"]["t"] >= title_room
    assert layout["title"]["yanchor"] == "bottom" and 0 < layout["title"]["y"] < 1
    plot_px = widgets.CHART_HEIGHT - layout["margin"]["t"] - layout["margin"]["b"]
    low, high = layout["yaxis"]["range"]
    ends = sorted((n["y"] for n in layout["annotations"] if n.get("x", 0) > 1), reverse=True)
    gaps_px = [(a - b) / (high - low) * plot_px for a, b in zip(ends, ends[1:])]
    assert len(ends) == 4 and min(gaps_px) >= charts.LABEL_LINE_PX  # one line apart at least


@pytest.mark.parametrize(
    "make, move",
    [
        (lambda ds: widgets.WhyRandomise(), lambda w, i: setattr(w.effect, "value", 0.3 + 0.05 * (i + 1))),
        (lambda ds: widgets.FgcRollout(ds), lambda w, i: setattr(w.coverage, "value", 95 - 5 * i)),
        (lambda ds: widgets.CompareLA(ds), lambda w, i: setattr(w.area, "value", ["Leeds", "Camden", "Kent"][i])),
        (lambda ds: widgets.TierPlanner(ds), lambda w, i: setattr(w.shares["Universal"], "value", 30 + 5 * i)),
    ],
    ids=["why_randomise", "fgc", "compare", "tiers"],
)
def test_every_move_redraws_the_chart(ds, make, move):
    """Python side of one slider or menu move: each redraws the chart, with no error (how long it takes
    is measured by scripts/benchmark.py, not asserted here)."""
    widget = make(ds)
    charts = [widget.chart.outputs]
    for i in range(3):
        move(widget, i)
        assert widget.error == ""
        charts.append(widget.chart.outputs)
    assert all(before != after for before, after in zip(charts, charts[1:]))


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("Hull", "Kingston upon Hull, City of"),
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("City of York", "York"),
        ("Yrok", "York"),
        ("816", "York"),
    ],
)
def test_a_typed_council_is_found_by_the_guides_one_rule(ds, typed, shown):
    widget = widgets.CompareLA(ds, "Leeds")
    widget.area.value = typed
    assert widget.area.value == shown and widget.error == "" and widget.view.title.startswith(shown)
    widget.area.value = "xyzzy"  # nothing matches: the area stays and the label says so
    assert widget.area.value == shown and "No council matches" in widget.area.description


@pytest.mark.slow
def test_workshop_notebooks_run_and_show_a_widget(tmp_path):
    written = workshop.prepare(tmp_path)
    assert {p.name for p in written} == {
        "index.html",  # a plain page: no kernel behind the index
        "why_randomise.ipynb",
        "fgc_rollout.ipynb",
        "compare_la.ipynb",
        "tier_planner.ipynb",
    }
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count('href="voila/render/') == 4 and "<script" not in index
    for path in [p for p in written if p.suffix == ".ipynb"]:
        nb = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
        nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
        shown = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in shown), path.name


# Static stand-ins for the published site ------------------------------------------------------------


def _menu(fig):
    (menu,) = fig.layout.updatemenus
    return [button.label for button in menu.buttons]


def test_static_randomise_has_every_choice_and_a_full_table():
    fig, table, alt = widget_static.randomise_states()
    assert sorted(_menu(fig)) == sorted(widget_views.REFERRAL_OPTIONS)
    assert len(table) == 2 * len(widget_views.REFERRAL_OPTIONS)  # both designs at every choice
    assert "0.30" in alt


def test_static_fgc_states_match_the_live_model(ds):
    york = ds.area("York")
    fig, table, alt = widget_static.fgc_states(ds, york)
    assert [html.unescape(label) for label in _menu(fig)] == list(widget_static.ALREADY_OFFERED)
    assert html.unescape(fig.layout.title.text.replace("<br>", " ")) == fgc_view.finding(fgc.estimate(ds, york))
    live = widgets.FgcRollout(ds)
    assert fgc_view.figures_plain(fgc.estimate(ds, york)) in alt
    assert live.view.title == fgc_view.finding(fgc.estimate(ds, york))
    default = table[table["Families offered an FGC now"] == next(iter(widget_static.ALREADY_OFFERED))]
    assert (
        default.set_index("Quantity").loc["Net saving a year (£)", "Median"]
        == fgc_view.summary(fgc.estimate(ds, york))["net_saving_gbp"]["central"]
    )


def test_static_compare_and_tiers_cover_every_setting(ds):
    york = ds.area("York")
    fig, table, _ = widget_static.compare_states(ds, york)
    assert _menu(fig) == list(widget_views.comparable_indicators(ds))
    assert set(table["Indicator"]) == set(widget_views.comparable_indicators(ds))
    fig, table, _ = widget_static.tier_states(ds, york, budget=1e6)
    assert _menu(fig) == list(widget_static.SPLITS)
    even = table[table["Budget split"] == "Even: 25% to each tier"].set_index("Tier")
    assert even.loc["Universal", "Families reached"] == pytest.approx(2375)
    assert list(widget_static.tier_assumptions()["Tier"]) == list(widget_tiers.TIERS)


def test_static_tier_alt_text_says_each_thing_once(ds):
    """The planner's text alternative names the budget and the area's children looked after once, not per split."""
    _, _, alt = widget_static.tier_states(ds, ds.area("York"), budget=5e6)
    assert alt.count("York had 240 children looked after in 2025") == 1
    assert alt.count("£5 million reaches") == 1
    assert "about 14,647 families with the even split (25% to each tier), most at the universal tier" in alt
    _, _, scilly = widget_static.tier_states(ds, ds.area("Isles of Scilly"), budget=5e6)
    assert "children looked after in" not in scilly.split("protection plans and children looked after.")[1]


def test_static_fgc_tool_keeps_one_axis_and_says_the_change_in_words(ds):
    """Issue 20: the roll-out's options share one unit and one axis; each says how it differs from the default."""
    fig, _, alt = widget_static.fgc_states(ds, ds.area("Isles of Scilly"))
    ranges = {str(button.args[1]["xaxis"]["range"]) for button in fig.layout.updatemenus[0].buttons}
    units = {button.args[1]["xaxis"]["title"]["text"] for button in fig.layout.updatemenus[0].buttons}
    assert len(ranges) == 1 and len(units) == 1
    assert alt.count("Against none, as in the trial: ") == len(widget_static.ALREADY_OFFERED) - 1
