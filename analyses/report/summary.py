"""Headline figures that chapter notebooks publish for an LA's ``summary.json``.

A chapter calls ``publish_summary("fgc", {"children_avoiding_care_per_year":
{"central": 12.0, "low": 8.0, "high": 16.0}})``. That displays one output with
the mime type ``application/vnd.evidence-summary+json`` carrying
``{section: figures}`` and nothing visible; ``analyses.report.runner`` collects these
outputs from the executed notebooks and merges them by section into
``summary.json``. Figures are nested dicts (string keys) and lists whose leaves are
finite numbers, strings, true/false or None (a figure that cannot be computed, e.g.
suppressed data); NaN, infinity and other types (sets, dates, objects) are rejected so a
bad figure fails the chapter instead of reaching the summary. Calling it twice
for one section merges the dicts, the later call winning on shared keys.
"""

from __future__ import annotations

import math
import numbers

import numpy
from IPython.display import display

SUMMARY_MIME = "application/vnd.evidence-summary+json"
RESERVED_SECTIONS = frozenset({"la", "generated_from", "generated_at", "fingerprint", "chapters"})


def publish_summary(section: str, figures: dict) -> None:
    """Publish a chapter's headline figures under ``section`` (invisible output)."""
    if not isinstance(section, str) or not section or section in RESERVED_SECTIONS:
        raise ValueError(
            f"summary section must be a non-empty string other than {sorted(RESERVED_SECTIONS)}, got {section!r}"
        )
    if not isinstance(figures, dict):
        raise TypeError(f"summary figures for {section!r} must be a dict, got {type(figures).__name__}")
    display({SUMMARY_MIME: {section: _json_value(figures, section)}}, raw=True)


def _json_value(value: object, where: str) -> object:
    """Return ``value`` as plain JSON data, or raise naming where the bad value is."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"summary key {where}.{key!r} must be a string")
        return {key: _json_value(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, numpy.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"summary value {where} is {value}; publish None for a missing figure")
        return float(value)
    raise TypeError(f"summary value {where} must be a number, string, true/false or None, got {type(value).__name__}")


def is_summary_output(output: dict) -> bool:
    """True for a notebook output made by ``publish_summary``."""
    return SUMMARY_MIME in output.get("data", {})


def collect_summaries(notebooks: list[dict]) -> dict:
    """Merge every published ``{section: figures}`` of executed notebooks, in order."""
    merged: dict = {}
    for nb in notebooks:
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                if is_summary_output(output):
                    for section, figures in output["data"][SUMMARY_MIME].items():
                        merged.setdefault(section, {}).update(figures)
    return merged
