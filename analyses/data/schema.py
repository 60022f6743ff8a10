"""The one vocabulary of the tidy tables: columns, key, statuses and symbols, source prefixes, errors.

Everything else in the package takes these names from here; this module imports nothing of the package.
"""

from __future__ import annotations

import math

INDICATOR_COLUMNS = [
    "indicator",
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "value",
    "status",
    "source",
    "release",
]
PRIMARY_KEY = ["indicator", "time_period", "geographic_level", "region_code", "old_la_code"]
LA_COLUMNS = [
    "new_la_code",
    "old_la_code",
    "la_name",
    "region_code",
    "region_name",
    "status",
    "other_gss_codes",
    *[f"sn_{i}" for i in range(1, 11)],
]
SCHEMA_FILE = "datapackage.json"

# Statuses: a number (published, or derived by this project) or DfE's published symbol for its absence.
PLOTTED_STATUSES = frozenset({"published", "derived"})
SYMBOLS = {
    "c": "confidential",
    "x": "not available",
    "z": "not applicable",
    "k": "low figure (rounds to zero)",
    "low": "rounds to zero, but not zero",
    "u": "low reliability",
}
NO_FIGURE = frozenset({"x", "z"})  # symbols that mean "no figure exists", not "figure withheld"
SUPPRESSED = "c"  # the symbol disclosure control writes
STATUSES = [*sorted(PLOTTED_STATUSES, reverse=True), *SYMBOLS]


def has_figure(value: float | None, status: str) -> bool:
    """True when a value is published or derived and finite (so it can be plotted or quoted)."""
    return status in PLOTTED_STATUSES and value is not None and not math.isnan(value)


COUNCIL = "council: "  # source prefix of a council's own (unpublished) figures: disclosure control applies
DERIVED = "derived: "  # source prefix of rows this project computes (recomputed on every import)

# Plausible values per unit (indicator_metadata.csv gives each indicator's unit).
UNIT_RANGES = {"count": (0, None), "percent": (0, 100), "rate_per_10000": (0, 10_000)}
RANGE_TEXT = {
    "count": "a whole number, 0 or more",
    "percent": "a percentage from 0 to 100",
    "rate_per_10000": "a rate per 10,000 children from 0 to 10,000",
}


class TableError(ValueError):
    """A tidy table breaks its schema (message names file, row and column)."""


class DataFileError(ValueError):
    """A problem with an input file, explained in one line (file, row, column, expectation)."""


class UnrecognisedFileError(DataFileError):
    """An input file that is not one the guide reads: not a CSV, or a layout it does not use.

    ``import --skip-unrecognised`` lists and skips these; every other DataFileError stops the import.
    """


class ImportErrors(ValueError):
    """Several problems found in one import, one line each (``messages``); nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


class SettingError(ValueError):
    """A setting that is not a number or is outside its allowed range (one line: the setting, what it got, what it allows)."""
