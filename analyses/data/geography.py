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


def resolve_area(query: str, las: pd.DataFrame) -> Area:
    """Find England or a current LA by GSS code, 3-digit DfE code, name or slug (any case).

    Raises UnknownAreaError naming close matches when nothing fits.
    """
    text = str(query).strip()
    if text.lower() in {"england", ENGLAND_CODE.lower(), "national"}:
        return ENGLAND
    current = las[las["status"] == "current"] if "status" in las else las
    by_key = {
        **{code.lower(): i for i, code in current["new_la_code"].items()},
        **{code: i for i, code in current["old_la_code"].items()},
        **{name_key(n): i for i, n in current["la_name"].items()},
        **{slugify(n): i for i, n in current["la_name"].items()},
    }
    for key in (text.lower(), text.zfill(3) if text.isdigit() else None, name_key(text), slugify(text)):
        if key and key in by_key:
            return la_area(current.loc[by_key[key]])
    names = list(current["la_name"])
    close = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
    close += [n for n in names if text.lower() in n.lower() and n not in close][: 3 - len(close)]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownAreaError(
        f"No local authority matches {text!r}. Use a name, a GSS code (e.g. E06000014) "
        f"or a 3-digit DfE code (e.g. 816), or 'England'.{hint}"
    )
