"""Import published statistics (DfE EES CSV, DfE LAIT) and councils' own figures into the tidy tables.

``import_files`` is what ``python -m analyses import`` runs, for the bundled dataset and for
councils' own files alike. Any problem stops the import with a one-line ``DataFileError`` (or
``TableError`` for the tidy layout) naming the file, row, column and what was expected, before
anything is written. Files holding personal data are refused (``analyses.ingest.privacy``).

A council's own figures are marked with the source prefix ``council: `` so that disclosure
control (``analyses.data.disclosure``) applies to them:

- rows of a file in the project's tidy layout, unless identical to a row of the bundled
  (published) dataset;
- all rows of a file in a DfE layout that holds a count of 1 to 5, which DfE's releases never
  show (they suppress them as ``c``).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyses.data import derive, disclosure, lookups, tables
from analyses.ingest import privacy
from analyses.data.geography import LOCAL, NATIONAL, REGIONAL, name_key
from analyses.data.indicators import RATE_OF_COUNT
from analyses.ingest.layouts import GEO_COLUMNS, LAIT_MEASURES, LAYOUTS, lait_to_rows
from analyses.data.paths import DATA_DIR
from analyses.ingest.rawfiles import read_table
from analyses.data.schema import COUNCIL, DERIVED, INDICATOR_COLUMNS, PRIMARY_KEY, SYMBOLS, DataFileError, TableError

LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")  # Excel's '1,234' in a quoted cell
KEY = PRIMARY_KEY

__all__ = ["DataFileError", "TableError", "ImportReport", "import_files", "read_table"]


@dataclass
class ImportReport:
    """What an import did: files and layouts recognised, rows written and dropped."""

    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file, layout, rows)
    dropped_historic: dict[str, int] = field(default_factory=dict)  # LA name -> rows
    derived_rows: int = 0
    council_rows: int = 0
    suppressed_rows: int = 0  # council rows (and rates derived from them) that disclosure control set to c

    def lines(self) -> list[str]:
        out = [f"{Path(f).name}: {layout} ({rows:,} rows)" for f, layout, rows in self.files]
        if self.dropped_historic:
            names = ", ".join(sorted(self.dropped_historic))
            out.append(f"Left out rows for LAs that no longer exist: {names}")
        if self.derived_rows:
            out.append(f"Derived {self.derived_rows:,} rates from counts and the 0-17 population")
        if self.council_rows:
            out.append(f"{self.council_rows:,} rows are your council's own figures: disclosure control suppressed "
                       f"{self.suppressed_rows:,} of them and of the rates derived from them (shown as c)")
        return out


def tidy_rows(path: Path, frame: pd.DataFrame, region_codes: dict[str, str]) -> tuple[pd.DataFrame, str]:
    """Recognise the layout of one raw table and return its tidy rows and the layout name."""
    if {"Short Desc", "LA and Regions", "Values"} <= set(frame.columns):
        rows = lait_to_rows(frame, region_codes)
        if rows.empty:
            raise DataFileError(f"{path}: LAIT table has none of the measures {', '.join(LAIT_MEASURES)}")
        return rows, "DfE Local Authority Interactive Tool (LAIT)"
    records = privacy.looks_like_records(frame)
    if records:
        raise DataFileError(f"{path}: columns {', '.join(map(repr, records))} describe individual children (no "
                            f"'Total' rows): this looks like one row per child; {privacy.AGGREGATE_ONLY}")
    for column in ("time_period", "geographic_level"):
        if column not in frame.columns:
            raise DataFileError(
                f"{path}: row 1: column {column!r} is missing; expected a DfE explore-education-statistics CSV "
                "(columns time_period, geographic_level, ...) or the project's tidy indicators.csv"
            )
    for layout in LAYOUTS:
        if layout.matches(frame):
            las = frame["geographic_level"].str.strip().str.lower() == "local authority"
            if las.any() and "old_la_code" not in frame.columns:
                raise DataFileError(f"{path}: row 1: column 'old_la_code' is missing; expected DfE's 3-digit LA "
                                    "code on every local authority row")
            return layout.extract(frame), layout.name
    wanted = "; ".join(f"{layout.name}: {', '.join(layout.columns_wanted())}" for layout in LAYOUTS)
    raise DataFileError(f"{path}: row 1: layout not recognised. Looked for the columns of — {wanted}")


def parse_values(path: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Split published cells into a numeric ``value`` and a ``status``; refuse implausible values."""
    raw = rows["raw"].astype(str).str.strip()
    symbol = raw.str.lower().isin(SYMBOLS)
    text = raw.where(~raw.str.fullmatch(THOUSANDS), raw.str.replace(",", "", regex=False))
    value = pd.to_numeric(text.where(~symbol & text.str.fullmatch(NUMBER)), errors="coerce")
    value = value.where(value.abs() != np.inf)
    bad = ~symbol & value.isna()
    if bad.any():
        first = rows[bad].iloc[0]
        raise DataFileError(
            f"{path}: row {_line(first)}, column {first['source_column']!r}: "
            f"found {first['raw']!r}; expected a number or a published symbol ({', '.join(SYMBOLS)})"
        )
    expected = tables.out_of_range(rows["indicator"], value)
    if (expected != "").any():
        first = rows[expected != ""].iloc[0]
        raise DataFileError(f"{path}: row {_line(first)}, column {first['source_column']!r}: found "
                            f"{first['raw']!r} for {first['indicator']}; expected {expected[first.name]}")
    rows = rows.drop(columns="raw")
    rows["value"] = value
    rows["status"] = np.where(symbol, raw.str.lower(), "published")
    return rows


def parse_periods(path: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Turn EES time periods (2025; academic 202122) into the year the period ends."""
    text = rows["time_period"].astype(str).str.strip()
    year = pd.Series(np.nan, index=rows.index)
    single = text.str.fullmatch(r"(19|20)\d{2}")
    year[single] = text[single].astype(int)
    span = text.str.fullmatch(r"(19|20)\d{4}")
    ok_span = span & (text.str[4:6].where(span, "0").astype(int)
                      == (text.str[2:4].where(span, "0").astype(int) + 1) % 100)
    year[ok_span] = text[ok_span].str[:4].astype(int) + 1
    bad = year.isna()
    if bad.any():
        first = rows[bad].iloc[0]
        raise DataFileError(
            f"{path}: row {_line(first)}, column 'time_period': found {first['time_period']!r}; "
            "expected a year such as 2025 or an academic or financial year such as 202425"
        )
    rows = rows.copy()
    rows["time_period"] = year.astype(int)
    return rows


def normalise_geography(path: Path, rows: pd.DataFrame, las: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Check levels, region and LA codes and names; give every LA row its current codes, name and region."""
    level = rows["geographic_level"].astype(str).str.strip().str.lower()
    known = level.isin(list(LEVELS) + ["local authority district"])
    if not known.all():
        first = rows[~known].iloc[0]
        raise DataFileError(
            f"{path}: row {_line(first)}, column 'geographic_level': found "
            f"{first['geographic_level']!r}; expected National, Regional or Local authority"
        )
    rows = rows[level.isin(list(LEVELS))].copy()
    rows["geographic_level"] = rows["geographic_level"].str.strip().str.lower().map(LEVELS)
    for column in GEO_COLUMNS[1:]:
        rows[column] = rows[column].astype(str).str.strip()

    national = rows["geographic_level"] == NATIONAL
    rows.loc[national, ["region_code", "region_name", "old_la_code", "new_la_code", "la_name"]] = ""
    regional = rows["geographic_level"] == REGIONAL
    rows.loc[regional, "region_code"] = _region_codes(path, rows[regional])
    rows.loc[regional, "region_name"] = rows.loc[regional, "region_code"].map(lookups.REGIONS)
    is_la = rows["geographic_level"] == LOCAL
    rows.loc[~is_la, ["old_la_code", "new_la_code", "la_name"]] = ""
    la_rows = rows[is_la]
    codes = la_rows["old_la_code"].str.zfill(3)
    index = las.set_index("old_la_code")
    unknown = ~codes.isin(index.index)
    if unknown.any():
        first = la_rows[unknown].iloc[0]
        raise DataFileError(
            f"{path}: row {_line(first)}, column 'old_la_code': {first['old_la_code']!r} "
            f"({first['la_name']}) is not a DfE local authority code; expected a 3-digit code such as 816 (York)"
        )
    status = codes.map(index["status"])
    for name, count in la_rows[status == "historic"].groupby("la_name").size().items():
        report.dropped_historic[name] = report.dropped_historic.get(name, 0) + int(count)
    _check_names(path, la_rows, codes, index)
    rows = rows.drop(index=la_rows.index[status == "historic"])
    keep = rows["geographic_level"] == LOCAL
    codes = rows.loc[keep, "old_la_code"].str.zfill(3)
    rows.loc[keep, "old_la_code"] = codes
    for column in ("new_la_code", "la_name", "region_code", "region_name"):
        rows.loc[keep, column] = codes.map(index[column]).values
    return rows


def _region_codes(path: Path, rows: pd.DataFrame) -> pd.Series:
    """A regional row's GSS code (from its name if the code is empty); code and name must agree."""
    by_name = lookups.region_codes()
    named = rows["region_name"].str.lower().map(by_name)
    code = rows["region_code"].where(rows["region_code"] != "", named.fillna(""))
    unknown = ~code.isin(list(lookups.REGIONS))
    if unknown.any():
        first = rows[unknown].iloc[0]
        raise DataFileError(f"{path}: row {_line(first)}, column 'region_code': found {first['region_code']!r} "
                            f"({first['region_name']}); expected an English region code such as E12000003")
    keys = {c: {name_key(n) for n, k in by_name.items() if k == c} | {name_key(lookups.REGIONS[c])} for c in lookups.REGIONS}
    wrong = (rows["region_name"] != "") & ~pd.Series(
        [name_key(n) in keys[c] for n, c in zip(rows["region_name"], code)], index=rows.index)
    if wrong.any():
        first = rows[wrong].iloc[0]
        c = code[first.name]
        raise DataFileError(f"{path}: row {_line(first)}, column 'region_name': {first['region_name']!r} does not "
                            f"match region_code {c}, which is {lookups.REGIONS[c]}")
    return code


def _check_names(path: Path, la_rows: pd.DataFrame, codes: pd.Series, index: pd.DataFrame) -> None:
    """A row's LA name and GSS code must belong to its 3-digit code."""
    expected_names = codes.map(index["name_keys"])
    given = la_rows["la_name"].map(name_key)
    name_bad = (la_rows["la_name"] != "") & ~pd.Series(
        [g in e.split("|") for g, e in zip(given, expected_names)], index=la_rows.index
    )
    expected_codes = codes.map(index["gss_codes"])
    code_bad = (la_rows["new_la_code"] != "") & ~pd.Series(
        [c in e.split("|") for c, e in zip(la_rows["new_la_code"], expected_codes)], index=la_rows.index
    )
    for bad, column in ((name_bad, "la_name"), (code_bad, "new_la_code")):
        if bad.any():
            first = la_rows[bad].iloc[0]
            code = codes[bad].iloc[0]
            raise DataFileError(
                f"{path}: row {_line(first)}, column {column!r}: {first[column]!r} does not match "
                f"old_la_code {code}, which is {index.loc[code, 'la_name']} ({index.loc[code, 'new_la_code']})"
            )


def check_duplicates(path: Path, rows: pd.DataFrame) -> None:
    """One row per indicator, year and area; many rows of 0 or 1 for one of them are records of children."""
    repeated = rows[rows.duplicated(KEY, keep=False)]
    if repeated.empty:
        return
    first_key = tuple(repeated.iloc[0][KEY])
    group = repeated[(repeated[KEY] == pd.Series(first_key, index=KEY)).all(axis=1)]
    first, second = group.iloc[0], group.iloc[1]
    area = first["la_name"] or first["region_name"] or "England"
    if len(group) >= 3 and group["value"].isin([0, 1]).all():
        raise DataFileError(f"{path}: rows {_line(first)}, {_line(second)} and {len(group) - 2} more each give 0 "
                            f"or 1 in column {first['source_column']!r} for {area}, {first['time_period']}: this "
                            f"looks like one row per child; {privacy.AGGREGATE_ONLY}")
    raise DataFileError(f"{path}: row {_line(second)}, column {second['source_column']!r}: a second row for "
                        f"{first['indicator']}, {first['time_period']}, {area} (the first is row {_line(first)}); "
                        "expected one row per indicator, year and area")


def mark_council_rows(rows: pd.DataFrame, published: pd.DataFrame, default: str) -> pd.Series:
    """Sources for tidy rows: 'council: ...' unless the row is identical to a published one."""
    reference = published.loc[~disclosure.is_council(published), KEY + ["value", "status"]]
    merged = rows[KEY + ["value", "status"]].reset_index().merge(
        reference, on=KEY, how="left", suffixes=("", "_published")).set_index("index")
    same = (merged["status"] == merged["status_published"]) & (
        (merged["value"] == merged["value_published"]) | (merged["value"].isna() & merged["value_published"].isna()))
    source = rows["source"].where(rows["source"] != "", default)
    council = ~same[rows.index] & ~source.str.startswith(DERIVED) & ~source.str.startswith(COUNCIL)
    return source.where(~council, COUNCIL + source)


def derive_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Add rates per 10,000 children (``derive.rate_per_10000``) where DfE published a count but no
    rate, for the areas and years with a population row. A suppressed count gives its symbol."""
    population = derive.previous_mid_year_population(table)[derive.CELL]
    derived = []
    for count_id, rate_id in RATE_OF_COUNT.items():
        counts = table[table["indicator"] == count_id]
        have = table[table["indicator"] == rate_id][derive.CELL]
        missing = counts.merge(have, on=derive.CELL, how="left", indicator=True)
        missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge").merge(population, on=derive.CELL)
        if not missing.empty:
            source = f"{DERIVED}{count_id} / population_0_17 (previous mid-year) x 10,000"
            derived.append(derive.rate_per_10000(missing, table, rate_id, source)[table.columns])
    return pd.concat([table, *derived], ignore_index=True) if derived else table


def read_file(path: Path, las: pd.DataFrame, region_codes: dict[str, str], report: ImportReport,
              published) -> pd.DataFrame:
    """One input file as checked tidy rows with their ``source`` (see the module docstring)."""
    if re.search(r"[<>]", path.name):
        raise DataFileError(f"{path}: the file name contains < or >; rename the file (its name is shown in reports)")
    frame = read_table(path)
    privacy.check(path, frame)
    if tables.is_tidy(frame):
        rows = tables.validate_indicators(frame, source=str(path))
        rows = rows.assign(source_row=rows.index, source_column="value")
        rows = normalise_geography(path, rows, las, report)
        rows["source"] = mark_council_rows(rows, published(), path.name)
        layout = "Evidence for Prevention tidy indicators table"
    else:
        rows, layout = tidy_rows(path, frame, region_codes)
        rows = parse_values(path, rows)
        rows = parse_periods(path, rows)
        rows = normalise_geography(path, rows, las, report)
        check_duplicates(path, rows)
        small = rows["indicator"].isin(disclosure.COUNTS) & disclosure.is_small(rows["value"])
        rows["source"] = (COUNCIL if small.any() else "") + path.name
    report.files.append((str(path), layout, len(rows)))
    return rows


def import_files(paths: list[Path], base: pd.DataFrame | None = None, las: pd.DataFrame | None = None,
                 published: pd.DataFrame | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Import files into one tidy indicators table, with disclosure control on council figures.

    Where files overlap, the file whose latest year is later (the newer release) wins; rows
    from the files override rows of ``base`` (e.g. the bundled dataset). ``published`` (default:
    the bundled dataset) tells a tidy file's published rows from a council's own.
    """
    las = lookups.load_local_authorities() if las is None else las
    matching = lookups.with_match_keys(las)
    region_codes = lookups.region_codes()
    report = ImportReport()
    reference = functools.cache(
        lambda: tables.load_indicators_file(DATA_DIR / "indicators.csv") if published is None else published)
    parts = []
    for path in paths:
        rows = read_file(Path(path), matching, region_codes, report, reference)
        rows["release"] = int(rows["time_period"].max()) if len(rows) else 0
        parts.append(rows)
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values("release", kind="stable").drop_duplicates(KEY, keep="last")
    if base is not None:
        table = pd.concat([base, table], ignore_index=True).drop_duplicates(KEY, keep="last")
    table = table[INDICATOR_COLUMNS]
    # Recompute every derived rate from the (possibly updated) counts and population.
    table = table[~table["source"].str.startswith(DERIVED)]
    with_rates = derive_rates(table)
    report.derived_rows = int(with_rates["source"].str.startswith(DERIVED).sum())
    council = disclosure.is_council(with_rates)
    protected = disclosure.protect(with_rates, las, reference()) if council.any() else with_rates
    report.council_rows = int(council.sum())
    report.suppressed_rows = int(((protected["status"] == "c") & (with_rates["status"] != "c")).sum())
    return tables.sort_indicators(protected), report


def _line(row: pd.Series) -> int:
    """Line number in the input file of a tidy row (the header is line 1)."""
    return int(row["source_row"]) + 2
