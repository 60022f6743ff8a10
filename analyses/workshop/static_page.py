"""``areas/<slug>/workshop.html``: the four workshop tools for one area, running in the browser with no Python.

Every number is precomputed here from the Python models at build time; the page's script
(``assets/workshop.js``, shared from the site's ``_static``) only looks states up, and scales
them where the model is exactly proportional:

- *Why randomise?* is the same for every area: ``analyses.models.simulation`` on a grid of who gets
  support, true effect and study size, written once to ``_static/workshop_randomise.js`` with
  each state's title from ``analyses.views.randomisation.finding``.
- *FGC roll-out*: ``analyses.workshop.fgc.rollout`` (the chapter's estimate) and the model's own
  ``fgc.outcomes`` on its draws, at each coverage, share offered now and conference cost. Every
  output but the children entering is proportional to the children newly offered a conference,
  so the coverage (for a share offered now that is set) and a council's own count of children are
  applied by scaling: the tests check the page against ``rollout`` itself on a grid of settings.
  The states for a council's own count are the same for every area and made once.
- *Compare my council*: ``analyses.models.benchmark``'s trend (``comparisons``: every area's at once,
  kept per version of the data and code) and ``analyses.models.findings``' verdict per indicator (the
  report's own headline findings where the site build has them).
- *Tier planner*: ``analyses.models.tiers`` (its arithmetic is a product and a cap, which the
  page's script applies; the tests check it against ``tiers.plan``), its defaults scaled to the
  area, and each tier's evidence rating.

The page itself is ``templates/workshop.html.j2`` (Jinja2, autoescaped), its data inline as JSON.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import shutil
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jinja2
import numpy as np
from markupsafe import Markup

from analyses.data import dataset as data
from analyses.data.dataset import Dataset
from analyses.data.geography import ENGLAND, Area
from analyses.models import benchmark, fgc, findings, simulation
from analyses.models import tiers as tier_model
from analyses.models.findings import Finding
from analyses.views import fgc as fgc_words
from analyses.views import findings as finding_words
from analyses.views import randomisation, web_assets
from analyses.workshop import fgc as widget_fgc
from analyses.workshop import views as widget_views

ASSETS = Path(__file__).parent / "assets"
SCRIPT = ASSETS / "workshop.js"
STYLE = ASSETS / "workshop.css"
RANDOMISE_JS = "workshop_randomise.js"
PAGE = "workshop.html"
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("analyses.workshop", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)

# Why randomise? grid (the live tool's controls, at steps a page can ship)
EFFECTS = tuple(round(0.1 * i, 1) for i in range(11))
FAMILIES = (50, 100, 200, 400, 800)
# FGC roll-out grid
COVERAGES = (0, 25, 50, 75, 100)  # per cent of families offered a conference
ALREADY = (None, 25, 50, 75, 100)  # per cent offered one now (None: the model's default, none as in the trial)
COSTS = (None, 1000, 2000, 3000, 4000, 5000, 6000)  # £ a conference (None: the guide's range)
FIGURES = fgc.OUTPUTS
DIGITS = 9  # significant figures shipped (the words round to two)


def _num(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


# ---------------------------------------------------------------- Why randomise? (every area)


@lru_cache(maxsize=1)
def randomise_data() -> dict:
    """Every state of *Why randomise?*: per (who, effect, families) the naive and trial averages,
    95% ranges and share showing harm, with the title; and one axis range for all of them."""
    states, ends = {}, []
    options = sorted(widget_views.REFERRAL_OPTIONS.items(), key=lambda item: -item[1])
    for _, selection in options:
        for effect in EFFECTS:
            for families in FAMILIES:
                summary = widget_views.randomise_summary(effect, selection, families)
                rows = summary.set_index("design")
                naive, trial = rows.loc[widget_views.NAIVE], rows.loc[widget_views.TRIAL]
                ends += [naive.low_2_5, naive.high_97_5, trial.low_2_5, trial.high_97_5]
                states[f"{selection:g}|{effect:g}|{families}"] = [
                    *[round(float(r[k]), 3) for r in (naive, trial) for k in ("mean_estimate", "low_2_5", "high_97_5")],
                    round(float(naive.share_showing_harm), 3),
                    round(float(trial.share_showing_harm), 3),
                    randomisation.finding(selection, naive.mean_estimate, trial.mean_estimate, effect),
                ]
    return {
        "who": [[label, selection] for label, selection in options],
        "effects": list(EFFECTS),
        "families": list(FAMILIES),
        "studies": widget_views.STUDIES,
        "designs": [widget_views.NAIVE, widget_views.TRIAL],
        "range": [math.floor(min(ends) * 10) / 10, math.ceil(max(ends) * 10) / 10],
        "states": states,
    }


def write_shared(site: Path) -> None:
    """The files every area's workshop page shares, in the site's ``_static``: the script, the
    styles and *Why randomise?*'s states (recomputed only when the code behind them changes).

    The run's workers all ask at their first area: one works the states out (seconds) while the
    others wait for it (a lock on the ``_static`` folder) and then find them written."""
    static = site / "_static"
    static.mkdir(parents=True, exist_ok=True)
    stamp = hashlib.sha256(
        b"".join(Path(m.__file__).read_bytes() for m in (simulation, randomisation, widget_views))
        + Path(__file__).read_bytes()
    ).hexdigest()[:16]
    target = static / RANDOMISE_JS
    lock = os.open(static, os.O_RDONLY)  # the folder itself: no lock file is left in the site
    try:
        with contextlib.suppress(OSError):  # a file system without locks: each worker writes them
            fcntl.flock(lock, fcntl.LOCK_EX)
        for source in (SCRIPT, STYLE):
            copy = static / source.name
            if not copy.exists() or copy.read_bytes() != source.read_bytes():
                shutil.copyfile(source, copy)
        if target.exists() and stamp in target.read_text(encoding="utf-8")[:200]:
            return
        text = f"/* {stamp} */\nwindow.EFP_RANDOMISE = {json.dumps(randomise_data(), separators=(',', ':'))};\n"
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    finally:
        os.close(lock)  # and with it the lock


# ---------------------------------------------------------------- FGC roll-out


def _intervals(arrays: list[np.ndarray]) -> list[list[float]]:
    """[median, 5th, 95th percentile] of each array, in one pass (as ``fgc.Interval``). The rows are
    sorted first: the same percentiles, found three times faster than in unsorted rows."""
    low, central, high = np.percentile(np.sort(np.vstack(arrays), axis=1), [5, 50, 95], axis=1)
    return [[_num(c), _num(lo), _num(hi)] for c, lo, hi in zip(central, low, high)]


def _fgc_mode(est: fgc.Estimate) -> dict:
    """One way of counting children (the guide's estimate, or one child set by the council): per
    state the outputs, and per conference cost the cost, net saving and chance. The states: each
    coverage with the guide's share offered now; then, for each share offered now that can be set,
    one child newly offered for every child counted (the coverage one above that share), which the
    page scales by the coverage's excess over the share."""
    population = est.population
    states = [(c / 100, None) for c in COVERAGES] + [(1 + a / 100, a / 100) for a in ALREADY if a is not None]
    fixed = lambda value: np.full(est.draws, float(value))  # noqa: E731
    base, nets, unit_cost, chances = [], [], [], []
    for coverage, already in states:
        values = dict(est.values)
        if already is not None:
            values["already_offered"] = fixed(already)
        for cost in (*COSTS, 1):
            chosen = values if cost is None else {**values, "conference_cost": fixed(cost)}
            results = fgc.outcomes(chosen, population, coverage)
            if cost is None:
                base += [results[k] for k in FIGURES]
            elif cost == 1:  # a set cost: the cost of conferences is proportional to it
                unit_cost.append(results["conference_cost"])
                continue
            nets.append(results["net_saving"])
            chances.append(_num(float(np.mean(results["net_saving"] > 0))))
    base, nets, unit_cost = _intervals(base), _intervals(nets), _intervals(unit_cost)
    n, m = len(FIGURES), len(COSTS)
    return {
        "base": [dict(zip(FIGURES, base[i * n : (i + 1) * n])) for i in range(len(states))],
        "unit_cost": unit_cost,  # per state: the cost of conferences at £1 a conference
        "net": [nets[i * m : (i + 1) * m] for i in range(len(states))],  # per state and cost
        "chance": [chances[i * m : (i + 1) * m] for i in range(len(states))],
    }


@lru_cache(maxsize=1)
def own_count_states() -> dict:
    """The states for a council's own count of children (one child entering, which the page scales):
    with the count set, no input is the area's, so they are the same for every area and made once.
    (``widget_fgc.rollout(ds, area, pre_proceedings_children=1)`` differs only in the area's name.)"""
    return _fgc_mode(fgc.simulate(None, fgc.Settings(pre_proceedings_children=1.0)))


def fgc_data(ds: Dataset, area: Area) -> dict:
    """The FGC roll-out's states for an area, with the guide's inputs and the controls' bounds."""
    guide = widget_fgc.rollout(ds, area)
    cost = fgc.NATIONAL_INPUTS["conference_cost"]
    population = fgc.child_population(ds, area)
    looked_after = ds.latest("cla_31mar_count", area)
    return {
        "coverage": list(COVERAGES),
        "already": list(ALREADY),
        "costs": list(COSTS),
        "guide": _fgc_mode(guide),
        "own": own_count_states(),
        "children_default": widget_fgc.default_children(ds, area),
        "children_limit": widget_fgc.children_limit(ds, area),
        "children_warn": fgc.PLAUSIBLE_SHARE * population if population else None,
        "looked_after": None
        if looked_after is None or not np.isfinite(looked_after["value"])
        else [int(looked_after["value"]), int(looked_after["time_period"])],
        "cost_limit": fgc.SETTINGS["conference_cost"].high,
        "guide_already": fgc_words.already_text(guide),
        "guide_cost": f"£{cost.central:,.0f} (£{cost.low:,.0f} to £{cost.high:,.0f})",
        "demand_text": fgc_words.demand_text(guide),
        "draws": guide.draws,
    }


# ---------------------------------------------------------------- Compare my council


def _trend_lines(ds: Dataset) -> dict[str, dict[str, dict[str, dict]]]:
    """Area -> indicator -> the lines of its trend chart (the area, its neighbours' average, region,
    England and each neighbour): ``benchmark.comparisons``, every area's at once, made once per
    version of the data and code (``Dataset.derived``)."""
    lines: dict[str, dict[str, dict[str, dict]]] = {}
    indicators = list(widget_views.comparable_indicators(ds).values())
    for indicator, frame in benchmark.comparisons(ds, indicators).items():
        columns = (frame[c].tolist() for c in ("selected_area", "area", "role", "time_period", "value", "status"))
        for selected, name, role, year, value, status in zip(*columns):  # rows come area by area
            series = lines.setdefault(selected, {}).setdefault(indicator, {})
            one = series.setdefault(name, {"role": role, "x": [], "y": [], "status": []})
            one["x"].append(int(year))
            one["y"].append(float(value) if value is not None and math.isfinite(value) else None)
            one["status"].append(status)
    return lines


def compare_data(ds: Dataset, area: Area, published: Iterable[Finding] = ()) -> list[dict]:
    """Per comparable indicator: the trend of the area, its neighbours' average, region, England and
    each neighbour (``benchmark.comparison``, made for every area at once), with the finding and its
    verdict as the front page has them (``analyses.models.findings``, worded by ``analyses.views.findings``):
    those the area's report ``published`` (its headline findings, read back from ``summary.json``),
    the others worked out here."""
    lines = ds.derived("workshop_trend_lines", _trend_lines).get(area.name, {})
    measures = findings.with_headline_measures(ds)
    counts = dict(findings.HEADLINES)
    known = {f.indicator: f for f in published}
    out = []
    for title, indicator in ds.derived("comparable_indicators", widget_views.comparable_indicators).items():
        found = known.get(indicator) or findings.finding(measures, indicator, area, counts.get(indicator, ""))
        out.append(
            {
                "title": title,
                "unit": "per cent" if ds.meta(indicator)["unit"] == "percent" else "per 10,000 children",
                "finding": finding_words.sentence(found, area.name).removesuffix(".")
                if found is not None
                else f"{area.name} has no published figures for this indicator",
                "verdict": None if found is None else finding_words.verdict_phrase(found),
                "series": lines.get(indicator, {}),
            }
        )
    return out


# ---------------------------------------------------------------- Tier planner


def tier_data(ds: Dataset, area: Area) -> dict:
    """Tier planner defaults for an area, its eligible population and demand, and each tier's evidence."""
    population = fgc.child_population(ds, area) or 0
    demand = tier_model.downstream_demand(ds, area)
    return {
        "tiers": [
            {
                "tier": a.tier,
                "example": a.example,
                "cost": a.cost_per_family,
                "take_up": a.take_up,
                "share": tier_model.DEFAULT_SHARES[a.tier],
                "evidence": tier_model.EVIDENCE[a.tier].rating,
                "evidence_source": tier_model.EVIDENCE[a.tier].source,
            }
            for a in tier_model.DEFAULT_ASSUMPTIONS
        ],
        "budget": tier_model.default_budget(population),
        "eligible": tier_model.eligible_families(population),
        "demand": [
            {
                "label": widget_views.demand_label(r),
                "value": None if r["value"] is None or not np.isfinite(r["value"]) else float(r["value"]),
                "text": widget_views.demand_value(r),
            }
            for _, r in demand.iterrows()
        ],
    }


# ---------------------------------------------------------------- the page


def page_data(ds: Dataset, area: Area, published: Iterable[Finding] = ()) -> dict:
    """Everything the page's tools show, as JSON data (``published``: see ``compare_data``)."""
    return {
        "area": area.name,
        "fgc": fgc_data(ds, area),
        "compare": compare_data(ds, area, published) if not area.is_england else [],
        "tiers": tier_data(ds, area),
    }


TOOLS = (  # (section id, name): the page's tools, in order
    ("ws-randomise", "Why randomise?"),
    ("ws-fgc", "Family Group Conferences"),
    ("ws-compare", "Compare my council"),
    ("ws-tiers", "Prevention tier planner"),
)


def page_html(ds: Dataset, area: Area, fingerprint: str = "", published: Iterable[Finding] = ()) -> str:
    """The whole page (``templates/workshop.html.j2``); its data inline, its scripts and styles from the
    site's ``_static`` (the page's script fetches plotly.js from there when a chart comes near the screen)."""
    static = "../../_static/"
    data = json.dumps(page_data(ds, area, published), separators=(",", ":"), allow_nan=False)
    return (
        TEMPLATES.get_template("workshop.html.j2").render(
            name=area.name,
            fingerprint=fingerprint,
            styles=[f"{static}{web_assets.REPORT_CSS.name}", f"{static}{STYLE.name}"],
            scripts=[f"{static}{RANDOMISE_JS}"],
            script=f"{static}{SCRIPT.name}",
            plotly=web_assets.site_name(web_assets.BASIC_JS),  # relative to the script
            tools=[(tool, name) for tool, name in TOOLS if not (area.is_england and tool == "ws-compare")],
            data=Markup(data.replace("</", "<\\/")),  # JSON, which a script element holds as it is; never a closing tag
        )
        + "\n"
    )


@lru_cache(maxsize=2)
def _dataset(data_dir: str | None) -> Dataset:
    return data.load(data_dir)


def write_page(
    site: Path, area_name: str, data_dir: str | None = None, fingerprint: str = "", published: Iterable[Finding] = ()
) -> Path:
    """Write ``site/areas/<slug>/workshop.html`` for an area (and the shared files); its path.
    ``published``: the area's headline findings as its report published them (see ``compare_data``)."""
    ds = _dataset(data_dir)
    area = ENGLAND if area_name == ENGLAND.name else ds.area(area_name)
    write_shared(site)
    folder = site / "areas" / area.slug
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{PAGE}.partial"
    partial.write_text(page_html(ds, area, fingerprint, published), encoding="utf-8")
    os.replace(partial, folder / PAGE)
    return folder / PAGE
