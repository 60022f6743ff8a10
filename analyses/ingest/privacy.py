"""Refuse input files that hold personal data: the guide works on aggregate statistics only.

A file is refused, with one line saying why, when

- a column's name says it identifies a child or family member (names, dates of birth, UPN or
  ULN, NHS number, postcode, address, email or phone, case, person or child ids);
- a column's cells look like such identifiers (postcodes, UPNs, NHS numbers, email addresses)
  or hold exact calendar dates (a date of birth or of a referral identifies a child);
- its rows describe individual children rather than areas: per-child columns (age, sex,
  ethnicity, legal status...) with no ``Total`` row, as a DfE breakdown always has
  (``looks_like_records``), or many rows of 0 or 1 for one area and year (see the importer).
"""

from __future__ import annotations

import re

import pandas as pd

from analyses.data.schema import DataFileError

AGGREGATE_ONLY = (
    "the guide works on aggregate statistics only (counts, rates and percentages per area and "
    "year), so files about individual children or families are refused"
)
SCAN_ROWS = 10_000  # cells checked per column: personal data shows in the first rows of a file

NAME_WORDS = {
    "name",
    "names",
    "forename",
    "forenames",
    "surname",
    "surnames",
    "firstname",
    "lastname",
    "fullname",
    "givenname",
    "middlename",
    "familyname",
    "maidenname",
    "initials",
}
NOT_A_PERSON = {
    "la",
    "las",
    "lad",
    "region",
    "country",
    "ward",
    "pcon",
    "lsoa",
    "msoa",
    "school",
    "establishment",
    "provider",
    "trust",
    "authority",
    "authorities",
    "area",
    "district",
    "county",
    "geography",
    "organisation",
    "org",
    "team",
    "service",
    "indicator",
    "measure",
    "file",
    "sheet",
    "variable",
    "characteristic",
    "category",
    "filter",
    "level",
    "setting",
    "practice",
    "icb",
    "ccg",
    "utla",
    "ltla",
    "ctry",
    "rgn",
    "cty",
    "opportunity",
    "devolved",
    "constituency",
    "council",
    "agency",
    "axis",
    "chart",
    "title",
    "label",
    "column",
    "field",
    "table",
    "dataset",
    "series",
    "short",
    "desc",
    "tab",
    "col",
    "page",
    "heading",
    "metric",
}
COLUMN_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("dates of birth", re.compile(r"(^|_)(dob|d_o_b|date_of_birth|dateofbirth|birth_?date|birth_?day|birth_dt)(_|$)")),
    (
        "unique pupil or learner numbers (UPN, ULN)",
        re.compile(r"(^|_)(former_)?(upn|uln)s?(_|$)|unique_(pupil|learner)_?(number|no)"),
    ),
    ("NHS numbers", re.compile(r"(^|_)(nhs_?(number|no|num|id)|chi_?(number|no))(_|$)")),
    ("national insurance numbers", re.compile(r"(^|_)(nino|ni_?(number|no)|national_insurance)(_|$)")),
    ("postcodes", re.compile(r"(^|_)(post_?codes?|postal_?codes?|zip_?codes?|pcode)(_|$)")),
    (
        "addresses",
        re.compile(r"(^|_)(address(es)?|addr|address_?line_?\d*|street|house_?(number|no|name)|town_?city)(_|$)"),
    ),
    ("email addresses or phone numbers", re.compile(r"(^|_)(e_?mail|phone|telephone|mobile|tel_?no)(_|$)")),
    (
        "case, person or child identifiers",
        re.compile(
            r"^(id|pid|uid)$|(^|_)(case|person|child|pupil|client|family|patient|subject|individual|mosaic|lcs|"
            r"liquidlogic|eclipse|mother|father|parent|carer|sibling|service_user|young_person|su)_?"
            r"(id|ids|uid|ref|reference|identifier|key)(_|$)|(^|_)(case|person|client|patient)_?(number|no|num)(_|$)"
        ),
    ),
)
VALUE_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("postcodes", re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", re.I)),
    ("unique pupil numbers (UPN)", re.compile(r"[A-Z]\d{11}[A-Z\d]", re.I)),
    ("NHS numbers", re.compile(r"\d{3} \d{3} \d{4}|\d{3}-\d{3}-\d{4}")),
    ("email addresses", re.compile(r"[^@\s,]+@[^@\s,]+\.[A-Za-z]{2,}")),
)
DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d{2}|(19|20)\d{2}-\d{2}-\d{2}([T ][\d:.]+)?")
PER_CHILD_COLUMNS = {
    "age",
    "age_years",
    "age_in_years",
    "age_at_referral",
    "age_at_31_march",
    "sex",
    "gender",
    "ethnicity",
    "ethnic_origin",
    "ethnic_group",
    "legal_status",
    "disability",
    "religion",
    "first_language",
    "language",
    "uasc",
    "placement_type",
    "primary_need",
    "need_code",
    "category_of_abuse",
    "referral_source",
    "reason_for_closure",
    "cin_reason",
}
TOTAL_LABELS = {"total", "all", "all children", "all ages", "total (all children)"}


def normalise(column: str) -> str:
    """'FirstName', 'First name', 'first-name' -> 'first_name'."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(column))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def identifying_column(column: str) -> str | None:
    """What personal data a column's name says it holds, or None."""
    name = normalise(column)
    words = set(name.split("_"))
    if words & NAME_WORDS and not words & NOT_A_PERSON:
        return "names"
    return next((what for what, pattern in COLUMN_RULES if pattern.search(name)), None)


AREA_CODE = re.compile(r"[EWSNK]\d{8}|\d{3}")  # a GSS code (E12000003) or DfE's 3-digit LA code


def names_an_area(frame: pd.DataFrame, column: str) -> bool:
    """A 'X Name' column beside an 'X Code' column of area codes names areas (OHID Fingertips'
    'Parent Name' is the parent area of each row's area): geography, not people."""
    name = normalise(column)
    if not name.endswith("_name"):
        return False
    codes = [c for c in frame.columns if normalise(c) == name.removesuffix("_name") + "_code"]
    cells = frame[codes[0]].head(SCAN_ROWS).astype(str).str.strip() if codes else pd.Series(dtype=str)
    cells = cells[cells != ""]
    return len(cells) > 0 and bool(cells.str.fullmatch(AREA_CODE).all())


EES_DATE_COLUMNS = {"date", "week_commencing", "week_ending", "reference_date"}


def ees_date(frame: pd.DataFrame, column: str) -> bool:
    """A date column of DfE's explore-education-statistics layout (e.g. 'date' in weekly statistics):
    the period of area-level figures, not a child's date."""
    columns = {normalise(c) for c in frame.columns}
    return {"time_identifier", "geographic_level"} <= columns and normalise(column) in EES_DATE_COLUMNS


def check(path, frame: pd.DataFrame) -> None:
    """Raise ``DataFileError`` if ``frame`` (a raw table of strings) holds personal data."""
    for column in frame.columns:
        what = identifying_column(column)
        if what == "names" and names_an_area(frame, column):
            continue
        if what:
            raise DataFileError(
                f"{path}: column {column!r} looks like it holds {what}, which identify children "
                f"or families; {AGGREGATE_ONLY}"
            )
    head = frame.head(SCAN_ROWS)
    for column in head.columns:
        cells = head[column].astype(str).str.strip()
        cells = cells[cells != ""]
        for what, pattern in VALUE_RULES:
            hit = cells.str.fullmatch(pattern)
            if hit.any():
                row = hit.idxmax()
                raise DataFileError(
                    f"{path}: row {_row(head, row)}, column {column!r}: {cells[row]!r} looks like "
                    f"one of the {what} that identify children or families; {AGGREGATE_ONLY}"
                )
        dates = cells[cells.str.fullmatch(DATE)]
        if dates.nunique() > 1 and not _council_dates(frame, column) and not ees_date(frame, column):
            row = dates.index[0]
            raise DataFileError(
                f"{path}: row {_row(head, row)}, column {column!r}: {cells[row]!r} is an exact date; "
                f"dates of birth or of events identify children, and {AGGREGATE_ONLY}"
            )


def _council_dates(frame: pd.DataFrame, column: str) -> bool:
    """A list of councils' codes gives the dates each council began and ended (EES's las.csv): not a child's."""
    area_table = {"old_la_code", "new_la_code"} & {normalise(c) for c in frame.columns}
    return bool(area_table) and normalise(column) in {"date_of_operation", "date_of_termination"}


def looks_like_records(frame: pd.DataFrame) -> list[str]:
    """Per-child columns (age, sex, ethnicity...) that have no Total row: a table of children, not areas."""
    columns = [c for c in frame.columns if normalise(c) in PER_CHILD_COLUMNS]
    if not columns:
        return []
    values = pd.concat([frame[c].astype(str).str.strip().str.lower() for c in columns])
    return [] if values.isin(TOTAL_LABELS).any() else columns


def _row(frame: pd.DataFrame, label) -> int:
    return int(label) + 2
