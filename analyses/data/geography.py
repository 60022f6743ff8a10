"""Local authorities, regions and England: lookups and resolving what a user typed."""

from __future__ import annotations

import difflib
import re
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


def la_area(row: pd.Series) -> Area:
    """Area for one row of the local authority lookup."""
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


def resolve_area(query: str, las: pd.DataFrame) -> Area:
    """Find England or a current LA by GSS code, 3-digit DfE code, name, slug or alias (any case).

    Former councils and their codes (``area_aliases``) lead to the LA that replaced them; one
    replaced by two (Cumbria, Northamptonshire) raises UnknownAreaError naming both. Anything
    else raises UnknownAreaError naming close matches among names and aliases.
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
    by_key = {
        **{code.lower(): i for i, code in current["new_la_code"].items()},
        **{code: i for i, code in current["old_la_code"].items()},
        **{name_key(n): i for i, n in current["la_name"].items()},
        **{slugify(n): i for i, n in current["la_name"].items()},
    }
    keys = (text.lower(), text.zfill(3) if text.isdigit() else None, name_key(text), slugify(text))
    for key in keys:
        if key and key in by_key:
            return la_area(current.loc[by_key[key]])
    index = {code: i for i, code in current["old_la_code"].items()}
    aliases = area_aliases(las)
    alias_keys = {}
    for alias, codes in aliases.items():
        for key in {alias.lower(), name_key(alias), slugify(alias)} - {""}:
            alias_keys.setdefault(key, (alias, codes))
    for key in keys:
        if key and key in alias_keys:
            alias, codes = alias_keys[key]
            if len(codes) == 1:
                return la_area(current.loc[index[codes[0]]])
            names = [current.loc[index[c], "la_name"] for c in codes]
            change = next((r for r in REORGANISATIONS if set(r.successors) == set(codes)), None)
            when = f" on {change.date}" if change else ""
            raise UnknownAreaError(
                f"{alias} was replaced{when} by {' and '.join(names)}; run each of them, e.g. --la {_quoted(names[0])}"
            )
    names = list(current["la_name"])
    choices = {n: n for n in names}
    for alias, codes in aliases.items():
        if not alias[:1].isdigit() and not re.fullmatch(r"E\d{8}", alias):
            choices.setdefault(alias, " and ".join(current.loc[index[c], "la_name"] for c in codes))
    close = [c for c in choices if name_key(text) and name_key(c).startswith(name_key(text))]
    close += [c for c in choices if name_key(text) and name_key(text) in name_key(c) and c not in close]
    close += [c for c in difflib.get_close_matches(text, list(choices), n=6, cutoff=0.5) if c not in close]
    suggestions = list(dict.fromkeys(choices[c] for c in close))[:3]
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    raise UnknownAreaError(
        f"No local authority matches {text!r}. Use a name, a GSS code (e.g. E06000014) "
        f"or a 3-digit DfE code (e.g. 816), or 'England'.{hint}"
    )


def _quoted(name: str) -> str:
    return f"'{name}'" if " " in name else name
