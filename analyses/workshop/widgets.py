"""Live workshop widgets (ipywidgets) for trainers: each shows a view from ``widget_views``.

Every widget has labelled controls with bounds, a Reset button, the chart (plotly's own JSON,
drawn by the plotly extension in Voilà or JupyterLab; its title states the finding), a summary
in words, and the chart's text alternative and data table. ``view`` is the state last shown and
``last_update_seconds`` how long the update took, so tests can drive a widget without a browser.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from contextlib import contextmanager

import ipywidgets as w
import pandas as pd
import plotly.io as pio
from markupsafe import Markup

from analyses.data.dataset import Dataset
from analyses.data.geography import match_areas
from analyses.models import fgc
from analyses.models import tiers as widget_tiers
from analyses.views import charts, markup, renderer
from analyses.views.renderer import PLOTLY_CONFIG
from analyses.workshop import fgc as widget_fgc
from analyses.workshop import views as widget_views

DEFAULT_LA = "York"
# The chart's size: beside the controls and under the page's heading, the whole tool fits one screen
# of a projector at 1024x768 and of a 1366x768 laptop at 150% zoom (911x512 CSS px, full screen).
CHART_WIDTH, CHART_HEIGHT = 560, 430
CONTROLS_WIDTH = 280
TEMPLATES = markup.environment("analyses.workshop")  # templates/: the layout, a first state, a live chart
STYLE = TEMPLATES.get_template("live_style.html.j2").render(controls_width=CONTROLS_WIDTH, chart_width=CHART_WIDTH)
LABEL_STYLE = {"description_width": "initial"}  # the label above its control (STYLE), never cut
WIDE = w.Layout(width="100%")
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def plotly_output(fig) -> dict:
    """A display_data output holding a figure twice. As plotly JSON sized to ``CHART_WIDTH`` x
    ``CHART_HEIGHT`` with the guide's title rules (``charts.fit``), for JupyterLab, whose plotly
    extension draws it at that size. As the site's chart HTML (``live_chart_html``), for workshop
    mode's pages, which leave that extension out: drawn there as on the site, to its column's width."""
    native = json.loads(pio.to_json(fig, validate=False))
    page = {"data": native["data"], "layout": {**native["layout"], "height": CHART_HEIGHT}}
    native["layout"] = charts.fit(native["layout"], CHART_WIDTH, CHART_HEIGHT)
    # Not "responsive": in an output area that makes the chart take the container's height, 0.
    native["config"] = {**PLOTLY_CONFIG, "responsive": False}
    title = (fig.layout.title.text or "Chart").replace("<br>", " ")
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {PLOTLY_MIME: native, "text/html": live_chart_html(page), "text/plain": title},
    }


def live_chart_html(figure: dict) -> str:
    """``figure`` as the site's chart (``renderer.chart_html``) and a script that has the page's
    ``chart_access.js`` draw it: at its column's width, with the site's rules for that width (a phone's
    among them), again when the width changes, and no taller than ``CHART_HEIGHT`` beside the
    controls (one projector screen). A tool's first state shows the same HTML."""
    chart = Markup(renderer.chart_html(figure, f"efp-chart-{uuid.uuid4().hex}", max_height=CHART_HEIGHT))
    return TEMPLATES.get_template("live_chart.html.j2").render(chart=chart)


PREVIEW_MIME = "application/vnd.efp.preview+html"  # a tool's first state as plain HTML (``preview_html``)
STARTING = "Starting\u2026"  # the preview's Reset button, until the live controls take over


def preview_html(widget: w.Widget) -> str:
    """``widget`` as plain HTML in its current state, for the page to show while the live controls
    load: each control disabled with its label and value, in the same classes as the live page (so
    the same layout), and each chart as the live tool shows it (``live_chart_html``), which the page
    draws (``templates/preview.html.j2``)."""
    return TEMPLATES.get_template("preview.html.j2").render(node=_preview_node(widget))


def _preview_node(widget: w.Widget) -> dict:
    """What ``preview.html.j2`` shows of ``widget``: its kind and, for a box, its children."""
    if isinstance(widget, w.Accordion):  # only the open section's controls: the others are folded
        return {
            "kind": "accordion",
            "sections": [
                {"title": title or "", "open": i == widget.selected_index, "child": _preview_node(child)}
                for i, (title, child) in enumerate(zip(widget.titles, widget.children, strict=True))
            ],
        }
    if isinstance(widget, w.Box):
        return {
            "kind": "box",
            "box": "widget-hbox" if isinstance(widget, w.HBox) else "widget-vbox",
            "classes": " ".join(widget._dom_classes),
            "children": [_preview_node(child) for child in widget.children],
        }
    if isinstance(widget, w.HTML):
        return {"kind": "html", "html": Markup(widget.value)}
    if isinstance(widget, w.Button):
        return {"kind": "button", "text": STARTING}
    if isinstance(widget, w.Output):
        charts_html = [Markup(out["data"]["text/html"]) for out in widget.outputs if PLOTLY_MIME in out.get("data", {})]
        return {"kind": "charts", "charts": charts_html}
    control = {"id": f"efp-preview-{widget.model_id}", "label": widget.description}
    if isinstance(widget, w.Dropdown):
        return {**control, "kind": "dropdown", "box": "widget-dropdown", "value": widget.label}
    if isinstance(widget, w.IntSlider | w.FloatSlider):
        return {
            **control,
            "kind": "slider",
            "box": "widget-slider widget-hslider",
            **{name: getattr(widget, name) for name in ("min", "max", "step", "value")},
            "readout": format(widget.value, widget.readout_format),
        }
    return {**control, "kind": "text", "box": "widget-text", "value": str(widget.value)}  # a box to type in


def _slider(kind, description: str, **kwargs):
    return kind(description=description, style=LABEL_STYLE, layout=WIDE, continuous_update=False, **kwargs)


def _field(kind, description: str, **kwargs):
    return kind(description=description, style=LABEL_STYLE, layout=WIDE, **kwargs)


def _area_names(ds: Dataset, with_england: bool) -> list[str]:
    return (["England"] if with_england else []) + [a.name for a in ds.areas()]


def _area_field(ds: Dataset, la: str, with_england: bool) -> w.Combobox:
    """A box to type a council in, matched by the guide's one rule (``geography.match_areas``, as
    ``--la`` and the site's finder): on Enter the best match is taken, so "Hull" is Kingston upon
    Hull and "BCP" Bournemouth, Christchurch and Poole; a name that matches nothing is said so."""
    names = _area_names(ds, with_england)
    field = _field(
        w.Combobox,
        "Local authority",
        options=names,
        value=la,
        ensure_option=False,
        continuous_update=False,
        placeholder="A name, code or short name, e.g. Hull",
    )

    def best_match(change: dict) -> None:
        if change["new"] in names:
            field.description = "Local authority"
            return
        found = [entry["name"] for _, entry in match_areas(change["new"], ds.finder_entries)]
        found = [name for name in found if name in names]
        field.value = found[0] if found else change["old"]
        if not found:  # the area stays as it was, and the label says why
            field.description = f"No council matches \u201c{change['new'].strip()}\u201d: local authority"

    field.observe(best_match, "value")
    return field


class WorkshopWidget:
    """Controls, a Reset button and a live output; subclasses give ``build_view``."""

    def __init__(self, controls: list[w.ValueWidget], extra: list[w.Widget] | None = None):
        self.controls = controls
        self.defaults = {id(c): c.value for c in controls}
        self.summary, self.chart, self.extras = w.HTML(), w.Output(), w.HTML()
        self.reset_button = w.Button(
            description="Reset", icon="undo", tooltip="Put every control back to its starting value"
        )
        self.reset_button.on_click(lambda _: self.reset())
        self.view: widget_views.View | None = None
        self.error = ""
        self.last_update_seconds = math.nan
        self._holding = False
        for control in controls:
            control.observe(self._changed, "value")
        # Controls beside the chart on a laptop or projector (below it when the window is narrow).
        panel = w.VBox([w.HTML(STYLE), *(extra or controls), self.reset_button])
        panel.add_class("efp-controls")
        output = w.VBox([self.chart, self.summary, self.extras])
        output.add_class("efp-output")
        self.container = w.HBox([panel, output])
        self.container.add_class("efp-workshop")
        self.refresh()

    def build_view(self) -> widget_views.View:
        raise NotImplementedError

    def on_change(self, change: dict) -> None:
        """React to one control; by default just redraw."""
        self.refresh()

    def _changed(self, change: dict) -> None:
        if not self._holding:
            self.on_change(change)

    @contextmanager
    def hold(self):
        """Change several controls at once without redrawing after each."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def refresh(self) -> None:
        """Rebuild the view from the controls and show it (or the reason it cannot be shown)."""
        start = time.perf_counter()
        try:
            view = self.build_view()
        except (ValueError, LookupError) as exc:  # inputs the model refuses; a council that matches nothing
            self.error = str(exc)
            self.summary.value = widget_views.summary_text("refused", self.error)
            self.chart.outputs, self.extras.value = (), ""
        else:
            self.view, self.error = view, ""
            self.summary.value = view.summary_html
            self.chart.outputs = (plotly_output(view.figure),)
            self.extras.value = charts.chart_extras_html(
                view.table, view.alt_text, "workshop-data.csv", inline_csv=True
            )
        self.last_update_seconds = time.perf_counter() - start

    def reset(self) -> None:
        """Every control back to its starting value, then one redraw."""
        with self.hold():
            for control in self.controls:
                control.value = self.defaults[id(control)]
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, and its first state as plain HTML (``preview_html``): workshop mode's page
        shows that until the live controls have loaded; other front ends ignore it."""
        return {**self.container._repr_mimebundle_(**kwargs), PREVIEW_MIME: preview_html(self.container)}


class WhyRandomise(WorkshopWidget):
    """Naive comparison against a randomised trial, over many simulated studies."""

    def __init__(self):
        self.referral = _field(
            w.Dropdown,
            "Who gets support more often",
            options=list(widget_views.REFERRAL_OPTIONS.items()),
            value=1.0,
        )
        self.effect = _slider(
            w.FloatSlider,
            "True effect of support (score points)",
            min=0.0,
            max=1.0,
            step=0.05,
            value=0.3,
            readout_format=".2f",
        )
        self.families = _slider(w.IntSlider, "Families in each study", min=50, max=2000, step=50, value=400)
        super().__init__([self.referral, self.effect, self.families])

    def build_view(self) -> widget_views.View:
        return widget_views.randomise_view(self.effect.value, self.referral.value, self.families.value)


class FgcRollout(WorkshopWidget):
    """Offering Family Group Conferences at pre-proceedings in one area: the FGC chapter's estimate,
    with the settings a council may change. Each box states its bounds; a value outside them is
    refused in plain words (never clamped silently), and a count of children larger than the
    children the area looks after is questioned."""

    GUIDE = "guide"  # the share offered now as the model assumes it (None in its settings)
    ALREADY = {"None, as in the trial": GUIDE, **{f"{p}%": p / 100 for p in range(25, 101, 25)}}
    COST_LIMIT = int(fgc.SETTINGS["conference_cost"].high)

    def __init__(self, ds: Dataset, la: str = DEFAULT_LA):
        self.ds = ds
        area = ds.area(la)
        self.area = _area_field(ds, la, with_england=True)
        self.children = _field(w.IntText, self._children_label(area), value=widget_fgc.default_children(ds, area))
        self.children_from_data = True  # until a trainer types a number: the guide's estimate with its range
        self.coverage = _slider(w.IntSlider, "Families offered an FGC (%)", min=0, max=100, step=5, value=100)
        self.already = _field(
            w.Dropdown, "Families offered one now", options=list(self.ALREADY.items()), value=self.GUIDE
        )
        self.conference_cost = _field(
            w.IntText,
            f"Cost of a conference (£0 to £{self.COST_LIMIT:,})",
            value=round(fgc.NATIONAL_INPUTS["conference_cost"].central),
        )
        self.cost_from_guide = True  # until typed: the guide's range
        self.source_note = w.HTML()
        controls = [self.area, self.children, self.coverage, self.already, self.conference_cost]
        super().__init__(controls, extra=[self.area, self.children, self.source_note, *controls[2:]])

    def _children_label(self, area) -> str:
        return f"Children entering pre-proceedings a year (0 to {widget_fgc.children_limit(self.ds, area):,})"

    def on_change(self, change: dict) -> None:
        if change["owner"] is self.area:  # a new area: its own estimate and limit
            area = self.ds.area(self.area.value)
            with self.hold():
                self.children.description = self._children_label(area)
                self.children.value = widget_fgc.default_children(self.ds, area)
            self.children_from_data = True
        elif change["owner"] is self.children:
            self.children_from_data = False
        elif change["owner"] is self.conference_cost:
            self.cost_from_guide = False
        self.refresh()

    def reset(self) -> None:
        self.children_from_data = self.cost_from_guide = True  # the starting area's estimate and the guide's range
        with self.hold():
            self.children.description = self._children_label(self.ds.area(self.defaults[id(self.area)]))
        super().reset()

    def settings(self) -> dict:
        """The settings shown, as the model takes them (None: the guide's estimate and range)."""
        return {
            "pre_proceedings_children": None if self.children_from_data else self.children.value,
            "coverage": self.coverage.value / 100,
            "already_offered": None if self.already.value == self.GUIDE else self.already.value,
            "conference_cost": None if self.cost_from_guide else self.conference_cost.value,
        }

    def _checked(self, area, settings: dict) -> list[str]:
        """Refuse a value outside its bounds (ValueError, in plain words); warnings for implausible ones."""
        limit = widget_fgc.children_limit(self.ds, area)
        children, cost = settings["pre_proceedings_children"], settings["conference_cost"]
        if children is not None and not 0 <= children <= limit:
            raise ValueError(
                f"Not used: children entering pre-proceedings must be a whole number from 0 to {limit:,}, the "
                f"number of children aged 0 to 17 in {area.name}. Type a number in that range or press Reset."
            )
        if cost is not None and not 0 <= cost <= self.COST_LIMIT:
            raise ValueError(
                f"Not used: the cost of a conference must be from £0 to £{self.COST_LIMIT:,}. "
                "Type a cost in that range or press Reset."
            )
        if children is None:
            return []
        looked_after = self.ds.latest("cla_31mar_count", area)
        if looked_after is not None and pd.notna(looked_after["value"]) and children > looked_after["value"]:
            return [
                f"Check this: {children:,} children a year is more than the {looked_after['value']:,.0f} children "
                f"{area.name} looked after at 31 March {int(looked_after['time_period'])}. It should be a count a year."
            ]
        if fgc.check_settings(settings, fgc.child_population(self.ds, area)):
            return [
                f"Check this: {children:,} is more than 1% of the children aged 0 to 17 in {area.name}. "
                "It should be a count a year."
            ]
        return []

    def build_view(self) -> widget_views.View:
        area = self.ds.area(self.area.value)
        settings = self.settings()
        self.source_note.value = (
            "<p><i>Children a year: the guide's estimate for the area, with its range; type your own.</i></p>"
            if self.children_from_data
            else "<p><i>Children a year: set by you.</i></p>"
        )
        warnings = self._checked(area, settings)
        return widget_views.fgc_view(widget_fgc.rollout(self.ds, area, **settings), warnings)


class CompareLA(WorkshopWidget):
    """One indicator's trend for an LA against its statistical neighbours, region and England."""

    def __init__(self, ds: Dataset, la: str = DEFAULT_LA, indicator: str = "cla_31mar_rate"):
        self.ds = ds
        self.area = _area_field(ds, la, with_england=False)
        self.indicator = _field(
            w.Dropdown,
            "Indicator",
            options=list(widget_views.comparable_indicators(ds).items()),
            value=indicator,
        )
        super().__init__([self.area, self.indicator])

    def build_view(self) -> widget_views.View:
        return widget_views.compare_view(self.ds, self.ds.area(self.area.value), self.indicator.value)


class TierPlanner(WorkshopWidget):
    """Split a budget across the four tiers of support; see families reached and the area's demand."""

    def __init__(self, ds: Dataset, la: str = DEFAULT_LA):
        self.ds = ds
        self.area = _area_field(ds, la, with_england=True)
        self.budget = _slider(
            w.FloatSlider,
            "Budget a year (£ million, 0.01 to 50)",
            min=0.01,
            max=50.0,
            step=0.01,
            value=self._default_budget(ds.area(la)),
            readout_format=".2f",
        )
        defaults = widget_tiers.DEFAULTS
        self.shares = {
            t: _slider(
                w.IntSlider, f"{t}: share of budget (%)", min=0, max=100, step=1, value=widget_tiers.DEFAULT_SHARES[t]
            )
            for t in widget_tiers.TIERS
        }
        self.costs = {
            t: _field(
                w.BoundedIntText,
                f"{t}: cost per family (£)",
                min=1,
                max=100_000,
                value=round(defaults[t].cost_per_family),
            )
            for t in widget_tiers.TIERS
        }
        self.take_up = {
            t: _slider(w.IntSlider, f"{t}: take-up (%)", min=0, max=100, step=1, value=round(defaults[t].take_up * 100))
            for t in widget_tiers.TIERS
        }
        assumptions = w.Accordion([w.VBox([*self.costs.values(), *self.take_up.values()])], titles=("Assumptions",))
        controls = [self.area, self.budget, *self.shares.values(), *self.costs.values(), *self.take_up.values()]
        super().__init__(controls, extra=[self.area, self.budget, *self.shares.values(), assumptions])

    def _default_budget(self, area) -> float:
        """£150 a child aged 0 to 17 (``tiers.default_budget``), in £ million."""
        return round(widget_tiers.default_budget(fgc.child_population(self.ds, area)) / 1e6, 2)

    def on_change(self, change: dict) -> None:
        if change["owner"] is self.area:  # a new area: a budget of its size
            with self.hold():
                self.budget.value = self._default_budget(self.ds.area(self.area.value))
        tier = next((t for t, s in self.shares.items() if s is change["owner"]), None)
        if tier is not None:
            current = {t: s.value for t, s in self.shares.items()}
            with self.hold():
                for t, value in widget_tiers.rebalance(current, tier, change["new"]).items():
                    self.shares[t].value = value
        self.refresh()

    def build_view(self) -> widget_views.View:
        area = self.ds.area(self.area.value)
        budget = self.budget.value * 1e6
        plan = widget_tiers.plan(
            budget,
            {t: s.value for t, s in self.shares.items()},
            {t: c.value for t, c in self.costs.items()},
            {t: u.value / 100 for t, u in self.take_up.items()},
            widget_tiers.eligible_families(fgc.child_population(self.ds, area)),
        )
        return widget_views.tier_view(plan, widget_tiers.downstream_demand(self.ds, area), area.name, budget)
