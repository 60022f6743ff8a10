"""Documentation of every indicator, generated from its metadata and from the data itself.

The years covered, the geographies and the suppression symbols present are counted from the
rows, so the *Data and methods* chapter stays true when the dataset is rebuilt or a council
imports its own files.
"""

from __future__ import annotations

import html

import pandas as pd

from analyses.data.dataset import Dataset
from analyses.data.geography import LOCAL, NATIONAL, REGIONAL
from analyses.data.schema import SYMBOLS
from analyses.models.domestic_abuse import FACTORS, RELATED, incomplete_zeros
from analyses.views.wording import financial_year, missing_phrase

UNITS = {"count": "count", "rate_per_10000": "rate per 10,000 children aged 0 to 17", "percent": "percentage"}
SHORT_UNITS = {"count": "count", "rate_per_10000": "per 10,000", "percent": "%"}
POLARITIES = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "neither": "neither higher nor lower is better in itself",
}


def _md(text: str) -> str:
    """Metadata text made safe for Markdown output (it may come from a council's own files)."""
    return html.escape(str(text), quote=False).replace("[", "\\[").replace("]", "\\]")


def _years(years: list[int], joiner: str = " to ") -> str:
    """'2016 to 2025' (or with another joiner) or '2025'."""
    return f"{years[0]}{joiner}{years[-1]}" if len(years) > 1 else str(years[0])


def coverage(ds: Dataset, indicator: str) -> dict:
    """Years with a value, years inside that span with none, geographies, and LAs with any value."""
    rows = ds.rows(indicator)
    valued = rows[rows["value"].notna()]
    years = sorted(int(y) for y in valued["time_period"].unique())
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years] if years else []
    levels = [level for level in (NATIONAL, REGIONAL, LOCAL) if (valued["geographic_level"] == level).any()]
    las = valued.loc[valued["geographic_level"] == LOCAL, "old_la_code"].nunique()
    return {"years": years, "gaps": gaps, "levels": levels, "las": int(las)}


def symbol_counts(ds: Dataset, indicator: str) -> dict[str, int]:
    """How many rows of an indicator carry each suppression symbol, most common first."""
    status = ds.rows(indicator)["status"]
    counts = status[status.isin(SYMBOLS)].value_counts()
    return {str(symbol): int(n) for symbol, n in counts.items()}


def coverage_text(ds: Dataset, indicator: str) -> str:
    """Coverage in words: '2018 to 2025 for England, regions and 153 local authorities; none in 2020'."""
    cover = coverage(ds, indicator)
    if not cover["years"]:
        return "no values in this dataset"
    places = {NATIONAL: "England", REGIONAL: "regions", LOCAL: f"{cover['las']} local authorities"}
    names = [places[level] for level in cover["levels"]]
    where = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = f"{_years(cover['years'])} for {where}"
    if cover["gaps"]:
        text += f"; no values for {', '.join(str(y) for y in cover['gaps'])}"
    return text


def symbols_text(ds: Dataset, indicator: str) -> str:
    """The suppression symbols present, with their meaning and number of rows, or 'none'."""
    counts = symbol_counts(ds, indicator)
    if not counts:
        return "none"
    return "; ".join(f"`{s}` ({SYMBOLS[s]}): {n:,} row{'s' if n > 1 else ''}" for s, n in counts.items())


def indicator_markdown(ds: Dataset) -> str:
    """One block per indicator (Markdown): definition, unit, polarity, years, symbols, method, source, licence."""
    blocks = []
    for _, meta in ds.metadata.iterrows():
        indicator = meta["indicator"]
        source = _md(meta["source"])
        lines = [
            f"**{_md(meta['title'])}** (`{indicator}`)",
            "",
            f"- Definition: {_md(meta['definition'])}",
            f"- Unit: {UNITS.get(meta['unit'], meta['unit'])}; polarity: {POLARITIES.get(meta['polarity'], meta['polarity'])}",
            f"- Years covered: {coverage_text(ds, indicator)}",
            f"- Suppressed or missing values in the data: {symbols_text(ds, indicator)}",
            f"- Method: {_md(meta['method'])}",
            f"- Source: [{source}]({meta['source_url']})" if meta["source_url"] else f"- Source: {source}",
            f"- Licence: {_md(meta['licence'])}",
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def overview(ds: Dataset) -> pd.DataFrame:
    """One row per indicator: id, title, unit, years covered and number of LAs with a value."""
    rows = []
    for _, meta in ds.metadata.iterrows():
        cover = coverage(ds, meta["indicator"])
        rows.append(
            {
                "Indicator": meta["title"],
                "Id": meta["indicator"],
                "Unit": SHORT_UNITS.get(meta["unit"], meta["unit"]),
                "Years": _years(cover["years"], "\u2013") if cover["years"] else "none",
                "LAs with a value": str(cover["las"]) if cover["las"] else "England only",
            }
        )
    return pd.DataFrame(rows)


def symbol_table() -> pd.DataFrame:
    """Every symbol, what it means, and how the guide shows it."""
    return pd.DataFrame(
        {
            "Symbol": list(SYMBOLS),
            "Meaning": list(SYMBOLS.values()),
            "Shown in the guide's text as": [missing_phrase(s) for s in SYMBOLS],
        }
    )


def incomplete_zeros_text(ds: Dataset) -> str:
    """Where the rule of ``domestic_abuse.incomplete_zeros`` applies in ``ds``, in words."""
    flagged = incomplete_zeros(ds)
    if flagged.empty:
        return "In this dataset the rule applies to no area."
    names = {
        **{i: f"domestic abuse concerning {who.lower()}" for i, who in FACTORS.items()},
        RELATED[-1]: "parents' or carers' mental health",
    }
    parts = []
    for (name, year), rows in flagged.groupby(["la_name", "time_period"], sort=True):
        first = rows.iloc[0]
        whom = [names[i] for i in names if i in set(rows["indicator"])]
        listed = whom[0] if len(whom) == 1 else ", ".join(whom[:-1]) + " and " + whom[-1]
        why = (
            f"it recorded {first['assessments']:,.0f} assessments with a factor, against "
            f"{first['usual_low']:,.0f} to {first['usual_high']:,.0f} in its other years"
            if first["reason"] == "low"
            else "a related figure is not available"
        )
        parts.append(f"{name} in {financial_year(int(year))}: {why}, and it published 0 for {listed}")
    count = "one area and year" if len(parts) == 1 else f"{len(parts)} areas and years"
    return f"In this dataset the rule applies to {count}. " + "; ".join(parts) + "."
