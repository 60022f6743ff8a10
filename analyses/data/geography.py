"""Local authorities, regions and England: lookups and resolving what a user typed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

ENGLAND_CODE = "E92000001"
NATIONAL, REGIONAL, LOCAL = "National", "Regional", "Local authority"


@dataclass(frozen=True)
class Area:
    """One place the guide reports on: England, a region or a local authority."""

    level: str
    name: str
    code: str = ""  # GSS code (E92/E12/E06..E10)
    old_la_code: str = ""  # DfE 3-digit code, LAs only
    region_code: str = ""
    region_name: str = ""
    neighbours: tuple[str, ...] = ()  # old_la_codes of the 10 statistical neighbours

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def is_england(self) -> bool:
        return self.level == NATIONAL


ENGLAND = Area(level=NATIONAL, name="England", code=ENGLAND_CODE)


class UnknownAreaError(LookupError):
    """Raised when a name or code matches no local authority."""


def slugify(name: str) -> str:
    """File-system and URL friendly form of an area name: 'St. Helens' -> 'st-helens'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")


def name_key(name: str) -> str:
    """A loose key for comparing LA names across releases ('St. Helens' == 'St Helens')."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)  # 'Poole (Pre LG)'
    text = re.sub(r",?\s*(city|county) of\s*$", "", text)
    text = re.sub(r"^(city|county) of\s+|^county\s+|\s+borough$", "", text)
    return re.sub(r"[^a-z0-9]+", "", text)


def la_area(row: Mapping[str, str]) -> Area:
    """Area for one row of the local authority lookup (a Series or a dict)."""
    neighbours = tuple(str(row[f"sn_{i}"]) for i in range(1, 11) if str(row.get(f"sn_{i}", "")).strip())
    return Area(
        level=LOCAL,
        name=row["la_name"],
        code=row["new_la_code"],
        old_la_code=row["old_la_code"],
        region_code=row["region_code"],
        region_name=row["region_name"],
        neighbours=neighbours,
    )


def current_areas(las: pd.DataFrame) -> list[Area]:
    """Every current LA of a local authority lookup, as an Area, in name order."""
    current = las[las["status"] == "current"].sort_values("la_name")
    return [la_area(row) for row in current.to_dict("records")]


@dataclass(frozen=True)
class Reorganisation:
    """Councils abolished on ``date`` and the current LAs that took over their area."""

    date: str  # e.g. "1 April 2023"
    former: tuple[tuple[str, str, str], ...]  # (old_la_code, name, GSS code) of each former council
    successors: tuple[str, ...]  # old_la_codes of the current LAs
    code_kept: bool = False  # the successor kept the former 3-digit code (so its series runs on)


# Reorganisations since 2009 that the published series cross (DfE keeps the 3-digit code of a
# council that carried on under a new GSS code, so those series join up without help).
REORGANISATIONS = (
    Reorganisation("1 April 2009", (("820", "Bedfordshire", "E10000001"),), ("822", "823")),
    Reorganisation("1 April 2009", (("875", "Cheshire", "E10000004"),), ("895", "896")),
    Reorganisation("1 April 2019", (("837", "Bournemouth", "E06000028"), ("836", "Poole", "E06000029")), ("839",)),
    Reorganisation("1 April 2019", (("835", "Dorset County Council", "E10000009"),), ("838",)),
    Reorganisation("1 April 2021", (("928", "Northamptonshire", "E10000021"),), ("940", "941")),
    Reorganisation("1 April 2023", (("909", "Cumbria", "E10000006"),), ("942", "943")),
    Reorganisation("1 April 2023", (("815", "North Yorkshire County Council", "E10000023"),), ("815",), code_kept=True),
    Reorganisation("1 April 2023", (("933", "Somerset County Council", "E10000027"),), ("933",), code_kept=True),
)

# Everyday names and abbreviations -> old_la_codes.
SHORT_NAMES = {
    "BCP": ("839",),
    "Christchurch": ("839",),
    "Telford": ("894",),
    "Wrekin": ("894",),
    "Hull": ("810",),
    "Southend": ("882",),
    "Brighton": ("846",),
    "Hove": ("846",),
    "Stoke": ("861",),
    "Windsor": ("868",),
    "Maidenhead": ("868",),
    "RBWM": ("868",),
    "Durham": ("840",),
    "Redcar": ("807",),
    "Bath": ("800",),
    "BANES": ("800",),
    "Stockton": ("808",),
    "Blackburn": ("889",),
    "Barking": ("301",),
    "Hammersmith": ("205",),
    "Kensington": ("207",),
    "Chelsea": ("207",),
    "Richmond": ("318",),
    "Newcastle": ("391",),
    "IOW": ("921",),
    "Scilly": ("420",),
    "Westmorland": ("943",),
    "Furness": ("943",),
    "Cheshire West": ("896",),
    "North Northants": ("940",),
    "West Northants": ("941",),
}


def area_aliases(las: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Every other name or code a user may type for a current LA -> the old_la_codes it stands for.

    Short names ('BCP', 'Telford', 'Hull'), former councils by name, 3-digit and GSS code
    ('Bournemouth', 'Cumbria', '909', 'E10000006': one or several successors), and the former GSS
    codes the lookup lists for a current LA (North Yorkshire's E10000023, Somerset's E10000027).
    Only codes of current LAs in ``las`` are given. The same table serves the command line and
    the site's area finder.
    """
    current = las[las["status"] == "current"] if "status" in las else las
    live = set(current["old_la_code"])
    aliases: dict[str, tuple[str, ...]] = {}

    def add(alias: str, codes: tuple[str, ...]) -> None:
        codes = tuple(c for c in codes if c in live)
        if alias and codes:
            aliases.setdefault(alias, codes)

    for alias, codes in SHORT_NAMES.items():
        add(alias, codes)
    for change in REORGANISATIONS:
        for code, name, gss in change.former:
            add(name, change.successors)
            add(gss, change.successors)
            if not change.code_kept:
                add(code, change.successors)
    for _, row in current.iterrows():
        for gss in filter(None, str(row.get("other_gss_codes", "")).split("|")):
            add(gss, (row["old_la_code"],))
    return aliases


def reorganisation_of(old_la_code: str) -> Reorganisation | None:
    """The reorganisation that created a current LA (or gave it its code), if any since 2009."""
    return next((r for r in REORGANISATIONS if old_la_code in r.successors), None)


@dataclass(frozen=True)
class Predecessor:
    """A former council whose area a current LA took over (wholly or in part) on ``date``."""

    old_la_code: str
    name: str
    date: str  # e.g. "1 April 2023"
    shared: bool  # its area went to several current LAs (e.g. Cumbria to Cumberland and Westmorland and Furness)

    @property
    def last_year(self) -> int:
        """The last reporting year (to 31 March) of the former council: 2023 for '1 April 2023'."""
        return int(self.date.split()[-1])

    @property
    def label(self) -> str:
        """How charts and tables name its series: 'Cumbria (until March 2023)'."""
        return f"{self.name} (until March {self.last_year})"


def predecessors(area: Area) -> list[Predecessor]:
    """The former councils whose series run on before ``area`` existed, from ``REORGANISATIONS``.

    Empty for an area that kept its 3-digit code (North Yorkshire, Somerset: their series run on
    under the same code) and for every area not reorganised since 2009.
    """
    change = reorganisation_of(area.old_la_code) if area.level == LOCAL else None
    if change is None or change.code_kept:
        return []
    return [Predecessor(code, name, change.date, len(change.successors) > 1) for code, name, _ in change.former]


# ---------------------------------------------------------------- finding an area: one table, one rule

EXACT, ALIAS, PREFIX, ALIAS_PREFIX, CONTAINS, FUZZY = range(6)  # match tiers, best first


def finder_entries(las: pd.DataFrame) -> list[dict]:
    """The one table every finder matches against (the command line, the site's finder, the workshop).

    One entry per current LA and England: ``code`` (GSS), ``name``, ``keys`` (its name, slug and
    codes, as ``name_key``) and ``aliases`` (short names, former councils and codes: ``area_aliases``).
    """
    current = las[las["status"] == "current"] if "status" in las else las
    aliases: dict[str, list[str]] = {code: [] for code in current["old_la_code"]}
    for alias, codes in area_aliases(las).items():
        for code in codes:
            aliases[code].append(name_key(alias))
    entries = [{"code": ENGLAND_CODE, "name": "England", "keys": ["england", ENGLAND_CODE.lower()], "aliases": []}]
    for _, row in current.sort_values("la_name").iterrows():
        keys = [name_key(row["la_name"]), row["new_la_code"].lower(), row["old_la_code"]]
        entries.append(
            {
                "code": row["new_la_code"],
                "name": row["la_name"],
                "keys": list(dict.fromkeys(keys)),
                "aliases": list(dict.fromkeys(k for k in aliases[row["old_la_code"]] if k and k not in keys)),
            }
        )
    return entries


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (edits, with a swap of neighbours as one): 'yrok' -> 'york' is 1."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def match_tier(key: str, entry: dict) -> int | None:
    """How well a typed ``name_key`` matches one finder entry (``EXACT`` best), None for no match.

    The site's finder script (``analyses.report.areas.FINDER_SCRIPT``) is a line-by-line copy of
    this rule; tests compare the two on the same queries."""
    if not key:
        return None
    if key in entry["keys"]:
        return EXACT
    if key in entry["aliases"]:
        return ALIAS
    if any(k.startswith(key) for k in entry["keys"]):
        return PREFIX
    if any(k.startswith(key) for k in entry["aliases"]):
        return ALIAS_PREFIX
    if len(key) >= 3 and any(key in k for k in entry["keys"] + entry["aliases"]):
        return CONTAINS
    allowed = 2 if len(key) >= 8 else 1
    words = [k for k in entry["keys"] + entry["aliases"] if len(k) >= 3 and not any(c.isdigit() for c in k)]
    if len(key) >= 3 and any(_distance(key, k) <= allowed for k in words):
        return FUZZY
    return None


def match_areas(query: str, entries: list[dict]) -> list[tuple[int, dict]]:
    """Every entry that matches ``query``, best first: (tier, entry), ties in name order.

    A number of one or two digits is a DfE code written without its leading zeros ('91' is '091')."""
    text = " ".join(str(query).split())
    key = name_key(text.zfill(3) if text.isdigit() else text)
    found = [(tier, entry) for entry in entries if (tier := match_tier(key, entry)) is not None]
    return sorted(found, key=lambda pair: (pair[0], pair[1]["name"]))


def resolve_area(query: str, las: pd.DataFrame, entries: list[dict] | None = None) -> Area:
    """Find England or a current LA by GSS code, 3-digit DfE code, name, slug or alias (any case).

    The rule is ``match_areas``: an exact name or code first, then an alias. Former councils and
    their codes lead to the LA that replaced them; one replaced by two (Cumbria, Northamptonshire)
    raises UnknownAreaError naming both. Anything else raises UnknownAreaError naming the closest
    matches (prefixes, parts of names, then near spellings).
    """
    text = " ".join(str(query).split())
    if not text:
        raise UnknownAreaError(
            "No area given: use --la with a local authority's name (e.g. York), a GSS code "
            "(e.g. E06000014), a 3-digit DfE code (e.g. 816), or England"
        )
    if text.lower() in {"england", ENGLAND_CODE.lower(), "national"}:
        return ENGLAND
    current = las[las["status"] == "current"] if "status" in las else las
    by_gss = {code: i for i, code in current["new_la_code"].items()}
    entries = entries if entries is not None else finder_entries(las)
    key = name_key(text.zfill(3) if text.isdigit() else text)
    exact = [entry for entry in entries if key in entry["keys"]]  # the first tiers of match_areas, quickly
    if exact:
        return la_area(current.loc[by_gss[exact[0]["code"]]])
    aliased = [entry for entry in entries if key in entry["aliases"]]
    if len(aliased) == 1:
        return la_area(current.loc[by_gss[aliased[0]["code"]]])
    if aliased:
        names = [entry["name"] for entry in aliased]
        codes = {current.loc[by_gss[entry["code"]], "old_la_code"] for entry in aliased}
        change = next((r for r in REORGANISATIONS if set(r.successors) == codes), None)
        when = f" on {change.date}" if change else ""
        former = next((name for _, name, _ in change.former), text) if change else text
        raise UnknownAreaError(
            f"{former} was replaced{when} by {' and '.join(names)}; run each of them, e.g. --la {_quoted(names[0])}"
        )
    suggestions = [entry["name"] for _, entry in match_areas(text, entries)][:3]
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownAreaError(
        f"No local authority matches {text!r}. Use a name, a GSS code (e.g. E06000014) "
        f"or a 3-digit DfE code (e.g. 816), or 'England'.{hint}"
    )


def _quoted(name: str) -> str:
    return f"'{name}'" if " " in name else name
