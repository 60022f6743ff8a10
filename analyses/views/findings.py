"""The words for a finding (``analyses.models.findings.Finding``), decided once.

The front page, the chapters' key points, ``findings.csv`` and the workshop call these; none of
them words a verdict, a year or a source of its own.
"""

from __future__ import annotations

from analyses.models.benchmark import BETTER, HIGHER, LOWER, NOT_COMPARED, NOT_TESTED, SIMILAR, WORSE
from analyses.models.findings import SMALL_COUNT, Finding, Source
from analyses.views.wording import missing_phrase

# What each headline measures, in a reader's words, and what its count counts (one, many).
NAMES = {
    "referrals_rate": ("Referrals to children's social care", ("referral", "referrals")),
    "rereferrals_pct": ("Re-referrals within 12 months", ("re-referral", "re-referrals")),
    "cin_31mar_rate": ("Children in need", ("child", "children")),
    "cpp_31mar_rate": ("Children on a child protection plan", ("child", "children")),
    "cla_31mar_rate": ("Children looked after", ("child", "children")),
    "cla_starts_rate": ("Children starting to be looked after", ("child", "children")),
    "care_applications_rate": ("Care applications to court (Cafcass)", ("application", "applications")),
    "da_factor_parent_rate": ("Assessments finding domestic abuse involving a parent", ("assessment", "assessments")),
    "sgo_exits_rate": ("Children leaving care on a special guardianship order", ("child", "children")),
    "eyfsp_gld_pct": ("Good level of development at age 5", ("child", "children")),
}
BASES = {"rereferrals_pct": "referrals", "eyfsp_gld_pct": "children"}
# Short labels for a table cell under "Compared with England"; the sentence form is ``verdict_phrase``.
LABELS = {
    BETTER: "Better",
    WORSE: "Worse",
    SIMILAR: "Similar",
    HIGHER: "Higher",
    LOWER: "Lower",
    NOT_TESTED: "Not tested",
    NOT_COMPARED: "No comparison",
}


def name(f: Finding) -> str:
    """What the finding measures: 'Children looked after'."""
    return NAMES.get(f.indicator, (f.title, ("", "")))[0]


def number(f: Finding, value: float | None) -> str:
    """A value in the finding's unit, one decimal place: '69.0', '23.2%'."""
    if value is None:
        return "-"
    return f"{value:.1f}%" if f.unit == "percent" else f"{value:,.1f}"


def unit_words(f: Finding) -> str:
    """'per 10,000 children', '% of referrals'."""
    return f"% of {BASES.get(f.indicator, 'children')}" if f.unit == "percent" else "per 10,000 children"


def when(period: str) -> str:
    """A period label inside a sentence: 'in the year ending 31 March 2025', 'at 31 March 2025', 'in mid-2024'."""
    if period.startswith("at "):
        return period
    return f"in {period}" if period.startswith("mid-") else f"in the {period}"


def value_text(f: Finding) -> str:
    """The area's figure with its unit, or why there is none: '69.0 per 10,000 children', 'suppressed (c)'."""
    if f.value is None:
        return missing_phrase(f.status)
    return f"{number(f, f.value)} {unit_words(f)}" if f.unit != "percent" else number(f, f.value)


def count_text(f: Finding) -> str:
    """The events behind the figure: '240 children', '426 of 1,837 referrals'; '' where the data have no count."""
    if f.count is None:
        return ""
    one, many = NAMES.get(f.indicator, ("", ("", "")))[1]
    n = int(round(f.count))
    noun = one if n == 1 else many
    if f.unit == "percent" and f.base is not None:
        return f"{n:,} of {int(f.base):,} {BASES.get(f.indicator, many)}"
    return f"{n:,} {noun}".strip()


def caution(f: Finding) -> str:
    """A caution for a figure built on few events ('' otherwise)."""
    if not f.small:
        return ""
    return f"Under {SMALL_COUNT} events: read with care."


def verdict_label(f: Finding) -> str:
    """The verdict as a cell under 'Compared with England': 'Worse', 'Similar', 'Not tested'."""
    return LABELS[f.verdict]


def verdict_phrase(f: Finding) -> str:
    """The verdict in a sentence, the same wherever it appears (see ``comparison_phrase``)."""
    return comparison_phrase(f.comparison, f.verdict, number(f, f.england), f.reason)


def comparison_phrase(comparison: str, verdict: str, england: str, reason: str = "") -> str:
    """The one wording of a comparison with England (``benchmark.compare``, ``benchmark.verdict``).

    'significantly higher than England (67.0)', 'significantly lower than England (22.6%): better',
    'not significantly different from England (67.0)', 'not tested against England (9.1): published
    without the counts needed to test the difference'."""
    england = f"England ({england})"
    if comparison in (HIGHER, LOWER):
        judged = f": {verdict}" if verdict in (BETTER, WORSE) else ""
        return f"significantly {comparison} than {england}{judged}"
    if comparison == SIMILAR:
        return f"not significantly different from {england}"
    if comparison == NOT_TESTED:
        return f"not tested against {england}" + (f": {reason}" if reason else "")
    return f"not compared with England: {reason}" if reason else "not compared with England"


def sentence(f: Finding, area_name: str) -> str:
    """One plain sentence: 'Children looked after, at 31 March 2025: 69.0 per 10,000 children in York
    (240 children), not significantly different from England (67.0).'"""
    if f.value is None:
        return f"{name(f)}, {f.period}: {area_name}'s figure is {value_text(f)}."
    count = count_text(f)
    where = f" in {area_name}" + (f" ({count})" if count else "")
    if f.comparison == NOT_COMPARED and f.england is None and not f.region_name:
        return f"{name(f)}, {f.period}: {value_text(f)}{where}."
    return f"{name(f)}, {f.period}: {value_text(f)}{where}, {verdict_phrase(f)}."


def rank_text(f: Finding) -> str:
    """'82nd of 153 (1st = best)', '82nd of 153 (1st = lowest)'; '' where not ranked."""
    if f.rank is None or not f.of:
        return ""
    n = f.rank
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    first = "lowest" if f.polarity == "neither" else "best"
    return f"{n}{suffix} of {f.of} (1st = {first})"


def trend_text(f: Finding) -> str:
    """The last years in words: '2021: 480.1, 2022: 501.0, ... 2025: 528.5'."""
    return ", ".join(
        f"{year}: {number(f, value) if value is not None else missing_phrase(status)}"
        for year, value, status in f.trend
    )


def source_text(source: Source | None) -> str:
    """Where a figure came from, in one line: publication, release, file and row."""
    if source is None:
        return "No source row."
    if source.own:
        return f"The council's own data ({source.file}), row {source.row}."
    if source.built_from:
        parts = "; ".join(source_text(s).rstrip(".") for s in source.built_from)
        return f"Worked out by the guide from: {parts}."
    release = f", {source.release} release" if source.release else ""
    return f"{source.publication}{release}, file {source.file}, row {source.row}."


def sources_note(found: list[Finding]) -> str:
    """Where a chapter's headline figures came from, as a Markdown paragraph: each finding's source row."""
    parts = [f"{name(f)}, {f.period}: {source_text(f.source)}" for f in found if f.source is not None]
    return "*Where these figures come from.* " + " ".join(parts) if parts else ""
