"""Family Group Conferences at pre-proceedings: what offering them well could mean, with honest uncertainty.

Since the Children's Wellbeing and Schools Act 2026 (section 1, new section 31ZA of the Children Act
1989) a council in England must offer a family group decision-making meeting before it applies for a
care or supervision order; this module estimates what offering one well at pre-proceedings could mean.

One function, ``estimate``, gives the figures every page shows (the FGC chapter, the workshop's
live and static tools, the per-LA report and its summary.json). It is a probabilistic
sensitivity analysis: every input has a central value, a range and a source (keys of
``references.bib``; ``OURS`` where the value or the range is the guide's own choice), and a
seeded Monte Carlo simulation (``DRAWS`` draws, vectorised) carries every range through to the
outputs, which are reported as the median and the 90% interval (5th and 95th percentiles).
Every cost is in ``PRICE_YEAR`` prices, uprated with HM Treasury's GDP deflator (``GDP_DEFLATOR``).

The arithmetic, per draw:

1. children entering pre-proceedings a year = the area's Cafcass care applications a year
   x the share of applications that followed pre-proceedings x children per family
   / the share of pre-proceedings children whose families reach proceedings today, which blends the
   trial's two arms by the share already offered an FGC (share x referred arm + (1 - share) x usual);
   or the council's own count (``pre_proceedings_children``);
2. children newly offered an FGC = that x (coverage - share already offered one, never below 0);
3. children avoiding care = newly offered x the trial's effect (looked after 12 months on);
4. days in care avoided = newly offered x days avoided per child referred (the trial's measure,
   drawn with the same standard normal as the effect: both come from the same children);
5. saving = days x the cost of a day in care (foster and residential care mixed);
   conference cost = newly offered / children per family x the cost of a conference; net = saving - cost.
   The legal cost of proceedings avoided is left out: no sourced unit cost.

``by_already_offered`` gives the estimate at several shares already offered (the default is 0, the
trial's starting point). Numbers only: the words for all of this are in ``analyses.views.fgc``.
"""

from __future__ import annotations

import math
import numbers
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.fingerprint import digest
from analyses.data.geography import ENGLAND, Area
from analyses.data.schema import SettingError

SEED = 20230613  # the day Foundations published the trial's headline
DRAWS = 10_000
Z90 = 1.6448536  # 5th/95th percentile of the standard normal
OURS = "ours"  # the source "key" of a range the sources do not give


# The trial (FACTS [3.1]-[3.4]) ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrialResults:
    """Published results of the pre-proceedings FGC trial."""

    looked_after_fgc: float = 0.362  # looked after 12 months after the pre-proceedings letter
    looked_after_usual: float = 0.448
    proceedings_fgc: float = 0.592  # care proceedings issued
    proceedings_usual: float = 0.717
    days_in_care_fgc: float = 87.0  # average days in care after referral
    days_in_care_usual: float = 115.0
    window_days: float = 365.0  # ours: a year fits the averages (six months would mean 63% of the window in care)
    children: int = 2548  # children analysed (Community Care report of the trial)
    families: int = 1471  # families analysed; the BJSW paper reports 1,511 randomised
    families_randomised: int = 1511
    local_authorities: int = 21

    @property
    def effect(self) -> float:
        """Reduction in the share of children looked after at 12 months (0.086)."""
        return self.looked_after_usual - self.looked_after_fgc

    @property
    def children_per_family(self) -> float:
        return self.children / self.families

    @property
    def design_effect(self) -> float:
        """Design effect for families as clusters: 1 + (m - 1) x ICC with ICC = 1 (siblings share outcomes).

        Equal to the children per family, so the effective sample is the number of families.
        """
        return 1 + (self.children_per_family - 1) * 1.0

    @property
    def effective_per_arm(self) -> float:
        """Children analysed / design effect, split evenly between the two arms (families per arm)."""
        return self.children / self.design_effect / 2

    def proportion_se(self, p: float) -> float:
        """Standard error of one arm's proportion, at the effective sample size."""
        return math.sqrt(p * (1 - p) / self.effective_per_arm)

    def standard_error(self, p1: float, p2: float) -> float:
        """Standard error of a difference in two arm proportions, at the effective sample size."""
        n = self.effective_per_arm
        return math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)

    @property
    def effect_se(self) -> float:
        return self.standard_error(self.looked_after_fgc, self.looked_after_usual)

    @property
    def days_avoided(self) -> float:
        """Fewer days in care per child referred, within the window (28)."""
        return self.days_in_care_usual - self.days_in_care_fgc

    @property
    def days_se(self) -> float:
        """Largest standard error a 12-month window allows for the days difference (our approximation).

        A count of days between 0 and W with mean m has a standard deviation of at most
        sqrt(m (W - m)); the trial's own spread is not in the published summaries.
        """
        n = self.effective_per_arm
        w = self.window_days
        return math.sqrt(
            self.days_in_care_fgc * (w - self.days_in_care_fgc) / n
            + self.days_in_care_usual * (w - self.days_in_care_usual) / n
        )


TRIAL = TrialResults()


# Inputs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """One input of the simulation.

    ``shape`` "normal": ``low``/``high`` are its 5th and 95th percentiles; "triangular": ``low``
    and ``high`` are its bounds and ``central`` its mode; "fixed": no range.
    """

    name: str
    central: float
    low: float
    high: float
    shape: str
    sources: tuple[str, ...]
    range_sources: tuple[str, ...]  # where the range comes from; (OURS,) when it is our own
    price_year: str | None = None  # a cost's price year (always PRICE_YEAR); None for an input that is not money

    @property
    def range_is_ours(self) -> bool:
        return OURS in self.range_sources

    def fixed_at(self, value: float) -> Input:
        return replace(self, central=float(value), low=float(value), high=float(value), shape="fixed")


def _normal(
    name: str, central: float, se: float, sources: tuple[str, ...], range_sources: tuple[str, ...] = (OURS,)
) -> Input:
    return Input(name, central, central - Z90 * se, central + Z90 * se, "normal", sources, range_sources)


# Prices ---------------------------------------------------------------------------------------------

PRICE_YEAR = "2024-25"
DEFLATOR_SOURCE = "f3-19"
#: HM Treasury's GDP deflator at market prices, financial years, 2024-25 = 100 (March 2026 release,
#: ONS series L8GG) [f3-19].
GDP_DEFLATOR = MappingProxyType(
    {
        "2015-16": 74.5804,
        "2016-17": 76.0754,
        "2017-18": 77.0388,
        "2018-19": 78.7948,
        "2019-20": 80.8738,
        "2020-21": 85.1002,
        "2021-22": 85.3036,
        "2022-23": 91.2996,
        "2023-24": 96.1117,
        "2024-25": 100.0,
    }
)


@dataclass(frozen=True)
class Cost:
    """A cost as its source gives it: the amount, the financial year of its prices, the source."""

    amount: float
    price_year: str
    source: str
    price_year_is_ours: bool = False  # the source does not state its price year; the year is our reading

    @property
    def uprated(self) -> float:
        """The amount in ``PRICE_YEAR`` prices."""
        return uprate(self.amount, self.price_year)


def uprate(amount: float, price_year: str) -> float:
    """An amount in one financial year's prices, in ``PRICE_YEAR`` prices (GDP deflator)."""
    return amount * GDP_DEFLATOR[PRICE_YEAR] / GDP_DEFLATOR[price_year]


# Costs of care, in the prices of each source's year.
FOSTER_WEEK_PSSRU_2017 = Cost(646.0, "2016-17", "f8-12")  # PSSRU Unit Costs 2017, at 2016/17 prices [8.12]
FOSTER_WEEK_DFE_2016 = Cost(600.0, "2015-16", "f8-11", True)  # DfE answer, about 2016 [8.11]
FOSTER_WEEK_CMA_2021 = Cost(820.0, "2020-21", "f8-10", True)  # largest independent fostering agencies, CMA 2021
RESIDENTIAL_WEEK_DFE_2016 = Cost(3000.0, "2015-16", "f8-11", True)  # council children's home, DfE answer [8.11]
RESIDENTIAL_WEEK_CMA_2021 = Cost(3830.0, "2020-21", "f8-10", True)  # largest private providers, CMA 2021 [8.10]
RESIDENTIAL_YEAR_NAO_2024 = Cost(318_400.0, "2023-24", "f8-7")  # average place a year, 2023-24, NAO 2025 [8.7]
COSTS = MappingProxyType(
    {
        "foster_week": (FOSTER_WEEK_DFE_2016, FOSTER_WEEK_PSSRU_2017, FOSTER_WEEK_CMA_2021),
        "residential_week": (RESIDENTIAL_WEEK_DFE_2016, RESIDENTIAL_WEEK_CMA_2021, RESIDENTIAL_YEAR_NAO_2024),
    }
)
RESIDENTIAL_SHARE_ALL_CLA_2024 = 0.10  # looked after in secure or children's homes, 31 March 2024 [8.2]
FOUNDATIONS_SAVING_PER_CHILD = 960.0  # the trial's saving per child referred in the first year [3.5]

#: The shares of families already offered an FGC at which every page shows the estimate.
ALREADY_OFFERED_SHARES = (0.0, 0.25, 0.5, 0.75)


def _cost(
    name: str, central: float, low: float, high: float, sources: tuple[str, ...], range_sources: tuple[str, ...]
) -> Input:
    return Input(name, central, low, high, "triangular", sources, range_sources, PRICE_YEAR)


_residential_older = min(RESIDENTIAL_WEEK_DFE_2016, RESIDENTIAL_WEEK_CMA_2021, key=lambda c: c.uprated)

NATIONAL_INPUTS: dict[str, Input] = {
    i.name: i
    for i in (
        _normal("effect", TRIAL.effect, TRIAL.effect_se, ("f3-1",)),
        _normal("proceedings_share", TRIAL.proceedings_usual, TRIAL.proportion_se(TRIAL.proceedings_usual), ("f3-1",)),
        _normal("proceedings_share_fgc", TRIAL.proceedings_fgc, TRIAL.proportion_se(TRIAL.proceedings_fgc), ("f3-1",)),
        Input(
            "children_per_family",
            TRIAL.children_per_family,
            TRIAL.children / TRIAL.families_randomised,
            TRIAL.children_per_family,
            "triangular",
            ("f3-1", "f3-4"),
            ("f3-1", "f3-4"),
        ),
        Input("share_after_pre_proceedings", 0.5, 0.3, 0.8, "triangular", ("f3-8",), (OURS,)),
        Input("already_offered", 0.0, 0.0, 0.0, "fixed", ("f3-4",), ()),
        _normal("days_avoided_per_child", TRIAL.days_avoided, TRIAL.days_se, ("f3-1", "f3-2")),
        _cost(
            "foster_week",
            FOSTER_WEEK_PSSRU_2017.uprated,
            FOSTER_WEEK_DFE_2016.uprated,
            FOSTER_WEEK_CMA_2021.uprated,
            ("f8-12", DEFLATOR_SOURCE),
            ("f8-11", "f8-10", DEFLATOR_SOURCE, OURS),  # ours: the two sources' price years are our reading
        ),
        _cost(
            "residential_week",
            RESIDENTIAL_YEAR_NAO_2024.uprated / 52,
            _residential_older.uprated,
            RESIDENTIAL_YEAR_NAO_2024.uprated / 52,
            ("f8-7", DEFLATOR_SOURCE),
            (_residential_older.source, "f8-7", DEFLATOR_SOURCE, OURS),  # ours: the newest figure as the peak
        ),
        Input(
            "residential_share",
            RESIDENTIAL_SHARE_ALL_CLA_2024 / 2,
            0.0,
            RESIDENTIAL_SHARE_ALL_CLA_2024,
            "triangular",
            (OURS,),
            ("f8-2", OURS),
        ),
        _cost("conference_cost", 2500.0, 1000.0, 5000.0, (OURS,), (OURS,)),
    )
}
#: Inputs drawn from one standard normal: the trial's effect and its days avoided come from the same children.
CORRELATED = ("effect", "days_avoided_per_child")
INPUT_ORDER = ("care_application_rate", "pre_proceedings_children", *NATIONAL_INPUTS)


# Settings a council can change, with their bounds ---------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """Allowed values of one setting. ``high`` None: the area's child population is the limit."""

    low: float
    high: float | None
    allow_none: bool = False
    warn_share_of_population: float | None = None


SETTINGS = MappingProxyType(
    {
        "pre_proceedings_children": Bound(0, None, allow_none=True, warn_share_of_population=0.01),
        "coverage": Bound(0, 1),
        "already_offered": Bound(0, 1, allow_none=True),
        "conference_cost": Bound(0, 50_000, allow_none=True),
    }
)
PLAUSIBLE_SHARE = SETTINGS["pre_proceedings_children"].warn_share_of_population


@dataclass(frozen=True)
class Settings:
    """What a council may set. None: the guide's estimate with its range."""

    pre_proceedings_children: float | None = None  # children entering pre-proceedings a year
    coverage: float = 1.0  # share of families at pre-proceedings who would be offered an FGC
    already_offered: float | None = None  # share offered one now; None: the trial's starting point, 0
    conference_cost: float | None = None  # £ a family conference


def _allowed(name: str, bound: Bound, population: float | None) -> str:
    high = bound.high if bound.high is not None else population
    text = (
        f"from {bound.low:,g} to {high:,.0f}"
        if high is not None and high >= 1000
        else (f"from {bound.low:g} to {high:g}" if high is not None else f"{bound.low:g} or more")
    )
    if bound.high is None and population is not None:
        text += " (the area's children aged 0 to 17)"
    return text


def _said(value: object) -> str:
    """A value as typed: 1.5, not np.float64(1.5)."""
    return f"{value:,g}" if isinstance(value, numbers.Real) and not isinstance(value, bool) else repr(value)


def allowed_range(name: str, area_population: float | None = None) -> str | None:
    """What an FGC setting may be, in words ('from 0 to 1'); None for a setting the model does not take."""
    bound = SETTINGS.get(name)
    return None if bound is None else _allowed(name, bound, area_population)


def check_settings(settings: dict, area_population: float | None = None) -> list[str]:
    """Refuse any FGC setting outside its bounds; return warnings for implausible ones.

    Settings the FGC model does not take are ignored (other chapters own them). Raises
    ``SettingError`` with one line naming the setting and its allowed range.
    """
    warnings = []
    for name, value in settings.items():
        bound = SETTINGS.get(name)
        if bound is None:
            continue
        allowed = _allowed(name, bound, area_population)
        if value is None and bound.allow_none:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value)
            or value < bound.low
        ):
            raise SettingError(f"{name} must be a number {allowed}; got {_said(value)}")
        high = bound.high if bound.high is not None else area_population
        if high is not None and value > high:
            raise SettingError(f"{name} must be a number {allowed}; got {_said(value)}")
        if (
            bound.warn_share_of_population
            and area_population
            and value > bound.warn_share_of_population * area_population
        ):
            warnings.append(
                f"{name}={value:,.0f} is more than {bound.warn_share_of_population:.0%} of the area's "
                f"{area_population:,.0f} children; check it is a count a year"
            )
    return warnings


def settings_from(values: dict, area_population: float | None = None) -> Settings:
    """Checked ``Settings`` from a dict of the FGC settings (others ignored)."""
    check_settings(values, area_population)
    return Settings(**{k: (float(v) if v is not None else None) for k, v in values.items() if k in SETTINGS})


# Local demand -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """An area's care applications: the last three published years and the child population."""

    area: str
    years: tuple[int, ...]
    rates: tuple[float, ...]  # care applications per 10,000 children aged 0 to 17
    uses_england_rate: bool  # the area publishes none of these years; England's stand in
    population: float  # children aged 0 to 17 at the mid-year before the latest rate
    population_year: int

    @property
    def applications(self) -> tuple[float, ...]:
        return tuple(r * self.population / 10_000 for r in self.rates)

    def rate_input(self) -> Input:
        rates = self.rates
        return Input(
            "care_application_rate", float(np.mean(rates)), min(rates), max(rates), "triangular", ("data",), ("data",)
        )


YEARS_OF_DEMAND = 3


def _demand_tables(ds: Dataset) -> dict:
    """Care application rates and child populations of every area, read once per dataset."""
    return ds.derived("fgc_demand", _read_demand)  # the dataset's own per-dataset cache


def _read_demand(ds: Dataset) -> dict:
    tables = {}
    for indicator in ("care_applications_rate", "population_0_17"):
        rows = ds.rows(indicator).dropna(subset=["value"])
        key = rows["old_la_code"].where(
            rows["geographic_level"] == "Local authority", rows["geographic_level"].map({"National": ENGLAND.name})
        )
        rows = rows.assign(key=key).dropna(subset=["key"]).sort_values("time_period")
        tables[indicator] = {
            k: dict(zip(g["time_period"].astype(int), g["value"].astype(float))) for k, g in rows.groupby("key")
        }
    return tables


def local_demand(ds: Dataset, area: Area) -> Demand:
    """Care applications for an area over the last three years England has (its own, or England's)."""
    tables = _demand_tables(ds)
    key = ENGLAND.name if area.is_england else area.old_la_code
    national = tables["care_applications_rate"][ENGLAND.name]
    latest = max(national)
    years = range(latest - YEARS_OF_DEMAND + 1, latest + 1)
    own = {y: v for y, v in tables["care_applications_rate"].get(key, {}).items() if y in years}
    uses_england = not own
    rates = {y: v for y, v in national.items() if y in years} if uses_england else own
    population = {y: v for y, v in tables["population_0_17"].get(key, {}).items() if y <= latest - 1}
    if not population:
        raise ValueError(f"no child population is published for {area.name}; set pre_proceedings_children instead")
    year = max(population)
    return Demand(
        area.name, tuple(sorted(rates)), tuple(rates[y] for y in sorted(rates)), uses_england, population[year], year
    )


def child_population(ds: Dataset, area: Area) -> float | None:
    """Children aged 0 to 17 in an area (latest mid-year), for bounding settings."""
    population = ds.series("population_0_17", area).dropna(subset=["value"])
    return None if population.empty else float(population["value"].iloc[-1])


# The simulation ---------------------------------------------------------------------------------------


def inputs_for(demand: Demand | None, settings: Settings) -> dict[str, Input]:
    """Every input of one run, in ``INPUT_ORDER``: the guide's ranges with the council's settings fixed."""
    chosen: dict[str, Input] = {}
    if settings.pre_proceedings_children is not None:
        chosen["pre_proceedings_children"] = Input(
            "pre_proceedings_children",
            settings.pre_proceedings_children,
            settings.pre_proceedings_children,
            settings.pre_proceedings_children,
            "fixed",
            ("council",),
            (),
        )
    elif demand is None:
        raise ValueError("the estimate needs an area's demand or pre_proceedings_children")
    else:
        chosen["care_application_rate"] = demand.rate_input()
    for name, item in NATIONAL_INPUTS.items():
        if settings.pre_proceedings_children is not None and name in (
            "share_after_pre_proceedings",
            "proceedings_share",
            "proceedings_share_fgc",
        ):
            continue  # not needed with the council's own count
        value = getattr(settings, name, None)
        chosen[name] = item if value is None else replace(item.fixed_at(value), sources=("council",), range_sources=())
    return {name: chosen[name] for name in INPUT_ORDER if name in chosen}


def _sample(item: Input, rng: np.random.Generator, n: int) -> np.ndarray:
    if item.shape == "fixed" or item.low == item.high:
        rng.random(n)  # keep the stream aligned whatever is fixed
        return np.full(n, item.central)
    if item.shape == "normal":
        return item.central + (item.high - item.low) / (2 * Z90) * rng.standard_normal(n)
    if item.shape == "triangular":
        u = rng.random(n)
        a, c, b = item.low, item.central, item.high
        cut = (c - a) / (b - a)
        return np.where(u < cut, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))
    raise ValueError(f"unknown shape {item.shape!r}")


def draw(inputs: dict[str, Input], n: int = DRAWS, seed: int = SEED, area: str = "") -> dict[str, np.ndarray]:
    """Seeded draws of every input. National inputs share one stream (the same draws for every area,
    so that areas can be summed draw by draw); local demand has a stream of its own per area."""
    national = tuple(
        inputs.get(name) for name in NATIONAL_INPUTS
    )  # fixed order: a setting never shifts another's draws
    values = dict(zip(NATIONAL_INPUTS, _national_draws(national, n, seed)))
    values = {name: v for name, v in values.items() if name in inputs}
    local = np.random.default_rng([seed, zlib.crc32(area.encode())])
    for name in ("care_application_rate", "pre_proceedings_children"):
        if name in inputs:
            values[name] = _sample(inputs[name], local, n)
    return values


@lru_cache(maxsize=16)
def _national_draws(items: tuple[Input | None, ...], n: int, seed: int) -> tuple[np.ndarray, ...]:
    """The national inputs' draws (cached: every area of a national run shares them); read-only arrays."""
    rng = np.random.default_rng(seed)
    out = [_sample(item, rng, n) if item is not None else (rng.random(n), np.zeros(n))[1] for item in items]
    first, second = (items[list(NATIONAL_INPUTS).index(name)] for name in CORRELATED)
    if first is not None and second is not None and first.shape == second.shape == "normal":
        z = (out[list(NATIONAL_INPUTS).index(CORRELATED[0])] - first.central) / _sd(first)
        out[list(NATIONAL_INPUTS).index(CORRELATED[1])] = second.central + _sd(second) * z
    for values in out:
        values.setflags(write=False)
    return tuple(out)


def _sd(item: Input) -> float:
    """Standard deviation of a normal input (its low and high are the 5th and 95th percentiles)."""
    return (item.high - item.low) / (2 * Z90)


OUTPUTS = (
    "pre_proceedings_children",
    "children_offered",
    "children_avoiding_care",
    "days_in_care_avoided",
    "gross_saving",
    "conference_cost",
    "net_saving",
)


def outcomes(values: dict[str, np.ndarray], population: float, coverage: float) -> dict[str, np.ndarray]:
    """The model's arithmetic on arrays of input values (one element per draw)."""
    if "pre_proceedings_children" in values:
        entering = values["pre_proceedings_children"]
    else:
        applications = values["care_application_rate"] * population / 10_000
        already = values["already_offered"]
        reaching = already * values["proceedings_share_fgc"] + (1 - already) * values["proceedings_share"]
        entering = applications * values["share_after_pre_proceedings"] * values["children_per_family"] / reaching
    offered = entering * np.clip(coverage - values["already_offered"], 0.0, None)
    days = offered * values["days_avoided_per_child"]
    week = (1 - values["residential_share"]) * values["foster_week"] + values["residential_share"] * values[
        "residential_week"
    ]
    gross = days * week / 7
    cost = offered / values["children_per_family"] * values["conference_cost"]
    return {
        "pre_proceedings_children": entering,
        "children_offered": offered,
        "children_avoiding_care": offered * values["effect"],
        "days_in_care_avoided": days,
        "gross_saving": gross,
        "conference_cost": cost,
        "net_saving": gross - cost,
    }


@dataclass(frozen=True)
class Interval:
    """The median and the 90% interval (5th and 95th percentiles) of a simulated quantity."""

    central: float
    low: float
    high: float

    @classmethod
    def of(cls, values: np.ndarray) -> Interval:
        low, central, high = np.percentile(values, [5, 50, 95])
        return cls(float(central), float(low), float(high))

    @classmethod
    def of_each(cls, results: dict[str, np.ndarray], keys: tuple[str, ...]) -> dict[str, Interval]:
        """One percentile pass over several outputs."""
        low, central, high = np.percentile(np.vstack([results[k] for k in keys]), [5, 50, 95], axis=1)
        return {k: cls(float(c), float(lo), float(hi)) for k, c, lo, hi in zip(keys, central, low, high)}


@dataclass(frozen=True)
class Estimate:
    """What offering FGCs at pre-proceedings could mean for one area, per year."""

    area: str
    demand: Demand | None
    settings: Settings
    inputs: dict[str, Input]
    figures: dict[str, Interval]  # one per OUTPUTS
    probability_positive: float  # share of draws with a net saving above zero
    draws: int
    seed: int
    values: dict[str, np.ndarray] = field(repr=False, compare=False)  # the input draws
    results: dict[str, np.ndarray] = field(repr=False, compare=False)  # the output draws
    # ``median_with``'s answers: England's estimate is the same object in every area's report.
    _medians: dict[tuple, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def pre_proceedings_children(self) -> Interval:
        return self.figures["pre_proceedings_children"]

    @property
    def children_offered(self) -> Interval:
        return self.figures["children_offered"]

    @property
    def children_avoiding_care(self) -> Interval:
        return self.figures["children_avoiding_care"]

    @property
    def days_in_care_avoided(self) -> Interval:
        return self.figures["days_in_care_avoided"]

    @property
    def gross_saving(self) -> Interval:
        return self.figures["gross_saving"]

    @property
    def conference_cost(self) -> Interval:
        return self.figures["conference_cost"]

    @property
    def net_saving(self) -> Interval:
        return self.figures["net_saving"]

    @property
    def population(self) -> float:
        return self.demand.population if self.demand else math.nan

    def table(self) -> pd.DataFrame:
        """Median and 90% interval of every output (one row each)."""
        return pd.DataFrame(
            [{"quantity": name, "central": f.central, "low": f.low, "high": f.high} for name, f in self.figures.items()]
        )

    def assumptions(self) -> pd.DataFrame:
        """Every input of the run: central value, range, shape and sources."""
        return pd.DataFrame(
            [
                {
                    "input": i.name,
                    "central": i.central,
                    "low": i.low,
                    "high": i.high,
                    "shape": i.shape,
                    "sources": i.sources,
                    "range_sources": i.range_sources,
                    "price_year": i.price_year,
                }
                for i in self.inputs.values()
            ]
        )


def simulate(
    demand: Demand | None,
    settings: Settings = Settings(),
    draws: int = DRAWS,
    seed: int = SEED,
    area: str | None = None,
    keys: tuple[str, ...] = OUTPUTS,
) -> Estimate:
    """The estimate from an area's demand (or the council's own count) and settings (``keys``: the
    outputs to summarise; all by default)."""
    name = area if area is not None else (demand.area if demand else "")
    chosen = inputs_for(demand, settings)
    values = draw(chosen, draws, seed, name)
    results = outcomes(values, demand.population if demand else math.nan, settings.coverage)
    figures = Interval.of_each(results, keys)
    return Estimate(
        name, demand, settings, chosen, figures, float(np.mean(results["net_saving"] > 0)), draws, seed, values, results
    )


def estimate(
    ds: Dataset, area: Area, settings: Settings | dict | None = None, draws: int = DRAWS, seed: int = SEED
) -> Estimate:
    """THE estimate for an area: the chapter, the workshop tools and the report all call this."""
    population = child_population(ds, area)
    if settings is None:
        settings = Settings()
    elif isinstance(settings, dict):
        settings = settings_from(settings, population)
    else:
        check_settings(vars(settings), population)
    demand = local_demand(ds, area) if settings.pre_proceedings_children is None else None
    return simulate(demand, settings, draws, seed, area.name)


def at_already_offered(est: Estimate, share: float, keys: tuple[str, ...] = OUTPUTS) -> dict[str, Interval]:
    """The estimate's outputs with the share of families already offered an FGC held at ``share`` (every other
    input keeps its draws, so the shares differ only by it)."""
    values = {**est.values, "already_offered": np.full(est.draws, float(share))}
    return Interval.of_each(outcomes(values, est.population, est.settings.coverage), keys)


def by_already_offered(
    est: Estimate, shares: tuple[float, ...] = ALREADY_OFFERED_SHARES
) -> list[tuple[float, dict[str, Interval]]]:
    """(share, outputs) at each share of families already offered an FGC: the council's own question."""
    return [(share, at_already_offered(est, share)) for share in shares]


def sensitivity(est: Estimate, output: str = "net_saving") -> pd.DataFrame:
    """One-way sensitivity (tornado): the median of ``output`` with each input held at its low and at its
    high while every other input keeps its draws. Largest swing first; fixed inputs left out."""
    rows = []
    for name, item in est.inputs.items():
        if item.shape == "fixed":
            continue
        ends = {end: median_with(est, output, {name: getattr(item, end)}) for end in ("low", "high")}
        rows.append(
            {
                "input": name,
                "low": item.low,
                "high": item.high,
                "at_low": ends["low"],
                "at_high": ends["high"],
                "swing": abs(ends["high"] - ends["low"]),
            }
        )
    frame = pd.DataFrame(rows, columns=["input", "low", "high", "at_low", "at_high", "swing"])
    return frame.sort_values("swing", ascending=False, ignore_index=True)


# England and every LA --------------------------------------------------------------------------------


@dataclass(frozen=True)
class National:
    """England's own run, every LA's run, and the sum over the LAs (draw by draw)."""

    england: Estimate
    areas: pd.DataFrame  # one row per LA: la_name, old_la_code, region_name, uses_england_rate, medians, intervals
    sum_of_areas: dict[str, Interval]
    sum_probability_positive: float


LA_TABLE_OUTPUTS = ("pre_proceedings_children", "children_avoiding_care", "net_saving")


def national(ds: Dataset, settings: Settings = Settings(), draws: int = DRAWS, seed: int = SEED) -> National:
    """England's estimate beside the sum of the 153 LA estimates (same settings, same national draws).

    The same for every area's report, so it is made once per dataset, settings, draws and seed
    (``Dataset.derived``: for a loaded dataset, kept on disk for every report and every kernel);
    treat it as read-only."""
    if settings.pre_proceedings_children is not None:
        settings = replace(settings, pre_proceedings_children=None)  # a council's own count is local
    run = digest([], repr((settings, draws, seed)))[:16]
    return ds.derived(f"fgc-national-{run}", lambda d: _national(d, settings, draws, seed))


def _national(ds: Dataset, settings: Settings, draws: int, seed: int) -> National:
    england = simulate(local_demand(ds, ENGLAND), settings, draws, seed, ENGLAND.name)
    totals = {key: np.zeros(draws) for key in OUTPUTS}
    rows = []
    for area in ds.areas():
        one = simulate(local_demand(ds, area), settings, draws, seed, area.name, keys=LA_TABLE_OUTPUTS)
        for key in OUTPUTS:
            totals[key] += one.results[key]
        rows.append(
            {
                "la_name": area.name,
                "old_la_code": area.old_la_code,
                "region_name": area.region_name,
                "uses_england_rate": one.demand.uses_england_rate,
                **{
                    f"{key}{suffix}": getattr(one.figures[key], end)
                    for key in OUTPUTS
                    for suffix, end in (("", "central"), ("_low", "low"), ("_high", "high"))
                    if key in one.figures
                },
                "probability_positive": one.probability_positive,
            }
        )
    return National(
        england,
        pd.DataFrame(rows),
        {key: Interval.of(v) for key, v in totals.items()},
        float(np.mean(totals["net_saving"] > 0)),
    )


# What a headline would need -------------------------------------------------------------------------


def probability_at_least(est: Estimate, output: str, threshold: float) -> float:
    """Share of draws in which ``output`` reaches ``threshold``."""
    return float(np.mean(est.results[output] >= threshold))


def needed_for(
    est: Estimate, output: str, target: float, names: tuple[str, ...] | None = None
) -> dict[str, float | None]:
    """For each input on its own: the value it would need (others at their draws) for the median of
    ``output`` to reach ``target``; None when no value in the input's natural limits gets there.

    Found by bisection on the median, which rises or falls steadily with each input.
    """
    limits = {
        "effect": (-0.5, 1.0),
        "proceedings_share": (0.05, 1.0),
        "proceedings_share_fgc": (0.05, 1.0),
        "children_per_family": (1.0, 5.0),
        "share_after_pre_proceedings": (0.0, 1.0),
        "already_offered": (0.0, 1.0),
        "days_avoided_per_child": (0.0, TRIAL.window_days),
        "foster_week": (0.0, 20_000.0),
        "residential_week": (0.0, 50_000.0),
        "residential_share": (0.0, 1.0),
        "conference_cost": (0.0, 50_000.0),
        "care_application_rate": (0.0, 200.0),
    }
    answer: dict[str, float | None] = {}
    for name, item in est.inputs.items():
        if item.shape == "fixed" or name not in limits or (names is not None and name not in names):
            continue

        def median_at(x: float, name: str = name) -> float:
            return median_with(est, output, {name: x})

        lo, hi = limits[name]
        f_lo, f_hi = median_at(lo) - target, median_at(hi) - target
        if f_lo * f_hi > 0:
            answer[name] = None
            continue
        for _ in range(40):
            mid = (lo + hi) / 2
            f_mid = median_at(mid) - target
            if f_mid * f_lo > 0:
                lo, f_lo = mid, f_mid
            else:
                hi = mid
        answer[name] = (lo + hi) / 2
    return answer


def median_with(est: Estimate, output: str, fixed: dict[str, float]) -> float:
    """The median of ``output`` with some inputs held at given values (the others keep their draws);
    worked out once per estimate, output and values."""
    key = (output, tuple(sorted(fixed.items())))
    if key not in est._medians:
        population = est.demand.population if est.demand else math.nan
        values = {**est.values, **{k: np.full(est.draws, float(v)) for k, v in fixed.items()}}
        est._medians[key] = float(np.median(outcomes(values, population, est.settings.coverage)[output]))
    return est._medians[key]
