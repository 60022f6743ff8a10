"""Import published statistics (DfE EES CSV, DfE LAIT) into the project's tidy tables.

``import_files`` is what ``python -m analyses import`` runs, for the bundled dataset and for
councils' own downloads alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import lookups, tables
from .geography import LOCAL, NATIONAL, REGIONAL, name_key
from .indicators import RATE_OF_COUNT
from .layouts import GEO_COLUMNS, LAIT_MEASURES, LAYOUTS, lait_to_rows

SYMBOLS = ("c", "x", "z", "k", "low", "u")
LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}
MAX_FILE_BYTES = 200 * 1024 * 1024
DERIVED = "derived: "


class DataFileError(ValueError):
    """A problem with an input file, explained in one line (file, row, column, expectation)."""


@dataclass
class ImportReport:
    """What an import did: files and layouts recognised, rows written and dropped."""

    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file, layout, rows)
    dropped_historic: dict[str, int] = field(default_factory=dict)  # LA name -> rows
    derived_rows: int = 0

    def lines(self) -> list[str]:
        out = [f"{Path(f).name}: {layout} ({rows:,} rows)" for f, layout, rows in self.files]
        if self.dropped_historic:
            names = ", ".join(sorted(self.dropped_historic))
            out.append(f"Left out rows for LAs that no longer exist: {names}")
        if self.derived_rows:
            out.append(f"Derived {self.derived_rows:,} rates from counts and the 0-17 population")
        return out


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (UTF-8 with or without BOM, CRLF or LF; Excel's cp1252) as strings."""
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataFileError(f"{path}: file is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB")
    head = path.read_bytes()[:8]
    if path.suffix.lower() == ".parquet" or head.startswith(b"PAR1"):
        try:
            return pd.read_parquet(path).astype(str)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise DataFileError(f"{path}: not a readable Parquet file ({exc})") from None
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(f"{path}: this is an Excel workbook, not a CSV file; save it as CSV (UTF-8) first")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DataFileError(f"{path}: this is a binary file, not a CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else None
        if text is None:
            raise DataFileError(f"{path}: text encoding not recognised; save the file as CSV UTF-8") from None
    if not text.strip():
        raise DataFileError(f"{path}: the file is empty")
    from io import StringIO

    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except pd.errors.ParserError as exc:
        raise DataFileError(f"{path}: not a valid CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise DataFileError(f"{path}: the file has a header row but no data rows")
    return frame


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def tidy_rows(path: Path, frame: pd.DataFrame, region_codes: dict[str, str]) -> tuple[pd.DataFrame, str]:
    """Recognise the layout of one raw table and return its tidy rows and the layout name."""
    if {"Short Desc", "LA and Regions", "Values"} <= set(frame.columns):
        rows = lait_to_rows(frame, region_codes)
        if rows.empty:
            raise DataFileError(f"{path}: LAIT table has none of the measures {', '.join(LAIT_MEASURES)}")
        return rows, "DfE Local Authority Interactive Tool (LAIT)"
    for column in ("time_period", "geographic_level"):
        if column not in frame.columns:
            raise DataFileError(
                f"{path}: column {column!r} is missing; expected a DfE explore-education-statistics CSV "
                "(columns time_period, geographic_level, ...) or the project's tidy indicators.csv"
            )
    for layout in LAYOUTS:
        if layout.matches(frame):
            return layout.extract(frame), layout.name
    wanted = "; ".join(f"{layout.name}: {', '.join(layout.columns_wanted())}" for layout in LAYOUTS)
    raise DataFileError(f"{path}: layout not recognised. Looked for the columns of — {wanted}")


def parse_values(path: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Split published cells into a numeric ``value`` and a ``status`` (published or a symbol)."""
    raw = rows["raw"].astype(str).str.strip()
    symbol = raw.str.lower().isin(SYMBOLS)
    value = pd.to_numeric(raw.where(~symbol), errors="coerce")
    bad = ~symbol & value.isna()
    if bad.any():
        first = rows[bad].iloc[0]
        raise DataFileError(
            f"{path}: row {int(first['source_row']) + 2}, column {first['source_column']!r}: "
            f"found {first['raw']!r}; expected a number or a published symbol ({', '.join(SYMBOLS)})"
        )
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
    ok_span = span & (text.str[4:6].astype(str).where(span, "0").astype(int)
                      == (text.str[2:4].where(span, "0").astype(int) + 1) % 100)
    year[ok_span] = text[ok_span].str[:4].astype(int) + 1
    bad = year.isna()
    if bad.any():
        first = rows[bad].iloc[0]
        raise DataFileError(
            f"{path}: row {int(first['source_row']) + 2}, column 'time_period': found {first['time_period']!r}; "
            "expected a year such as 2025 or an academic year such as 202425"
        )
    rows = rows.copy()
    rows["time_period"] = year.astype(int)
    return rows


def normalise_geography(path: Path, rows: pd.DataFrame, las: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Check levels and LA codes; give every LA row its current codes, name and region."""
    level = rows["geographic_level"].astype(str).str.strip().str.lower()
    known = level.isin(list(LEVELS) + ["local authority district"])
    if not known.all():
        first = rows[~known].iloc[0]
        raise DataFileError(
            f"{path}: row {int(first['source_row']) + 2}, column 'geographic_level': found "
            f"{first['geographic_level']!r}; expected National, Regional or Local authority"
        )
    rows = rows[level.isin(list(LEVELS))].copy()
    rows["geographic_level"] = rows["geographic_level"].str.strip().str.lower().map(LEVELS)
    for column in GEO_COLUMNS[1:]:
        rows[column] = rows[column].astype(str).str.strip()

    national = rows["geographic_level"] == NATIONAL
    rows.loc[national, ["region_code", "region_name", "old_la_code", "new_la_code", "la_name"]] = ""
    regional = rows["geographic_level"] == REGIONAL
    rows.loc[regional, "region_name"] = rows.loc[regional, "region_code"].map(lookups.REGIONS).fillna(rows.loc[regional, "region_name"])
    is_la = rows["geographic_level"] == LOCAL
    rows.loc[~is_la, ["old_la_code", "new_la_code", "la_name"]] = ""
    la_rows = rows[is_la]
    codes = la_rows["old_la_code"].str.zfill(3)
    index = las.set_index("old_la_code")
    unknown = ~codes.isin(index.index)
    if unknown.any():
        first = la_rows[unknown].iloc[0]
        raise DataFileError(
            f"{path}: row {int(first['source_row']) + 2}, column 'old_la_code': {first['old_la_code']!r} "
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
                f"{path}: row {int(first['source_row']) + 2}, column {column!r}: {first[column]!r} does not match "
                f"old_la_code {code}, which is {index.loc[code, 'la_name']} ({index.loc[code, 'new_la_code']})"
            )


def derive_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Add rates per 10,000 children where DfE published a count but no rate.

    Rate = count / population aged 0-17 at mid-year (time_period - 1) x 10,000, to 1 decimal
    place: DfE's own method. A suppressed count gives a suppressed rate with the same symbol.
    """
    key = ["time_period", "geographic_level", "region_code", "old_la_code"]
    population = table[table["indicator"] == "population_0_17"].assign(time_period=lambda f: f["time_period"] + 1)
    population = population[key + ["value"]].rename(columns={"value": "population"})
    derived = []
    for count_id, rate_id in RATE_OF_COUNT.items():
        counts = table[table["indicator"] == count_id]
        have = table[table["indicator"] == rate_id][key]
        missing = counts.merge(have, on=key, how="left", indicator=True)
        missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
        missing = missing.merge(population, on=key, how="inner")
        if missing.empty:
            continue
        rate = (missing["value"] / missing["population"] * 10_000).round(1)
        missing["value"] = rate.where(missing["status"] == "published")
        missing["status"] = missing["status"].where(missing["status"] != "published", "derived")
        missing["indicator"] = rate_id
        missing["source"] = f"{DERIVED}{count_id} / population_0_17 (previous mid-year) x 10,000"
        derived.append(missing.drop(columns="population"))
    return pd.concat([table, *derived], ignore_index=True) if derived else table


def import_files(paths: list[Path], base: pd.DataFrame | None = None, las: pd.DataFrame | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Import raw files into one tidy indicators table.

    Where files overlap, the file whose latest year is later (the newer release) wins;
    rows from the files override rows of ``base`` (e.g. the bundled dataset).
    """
    las = lookups.load_local_authorities() if las is None else las
    las = lookups.with_match_keys(las)
    region_codes = lookups.region_codes()
    report = ImportReport()
    parts = []
    for path in paths:
        path = Path(path)
        frame = read_table(path)
        if tables.is_tidy(frame):
            rows = tables.validate_indicators(frame, source=str(path))
            layout = "Evidence for Prevention tidy indicators table"
        else:
            rows, layout = tidy_rows(path, frame, region_codes)
            rows = parse_values(path, rows)
            rows = parse_periods(path, rows)
            rows = normalise_geography(path, rows, las, report)
            rows["source"] = path.name
        rows["release"] = int(rows["time_period"].max()) if len(rows) else 0
        report.files.append((str(path), layout, len(rows)))
        parts.append(rows)
    table = pd.concat(parts, ignore_index=True)
    key = ["indicator", "time_period", "geographic_level", "region_code", "old_la_code"]
    table = table.sort_values("release", kind="stable").drop_duplicates(key, keep="last")
    if base is not None:
        table = pd.concat([base, table], ignore_index=True).drop_duplicates(key, keep="last")
    table = table[tables.INDICATOR_COLUMNS]
    # Recompute every derived rate from the (possibly updated) counts and population.
    table = table[~table["source"].str.startswith(DERIVED)]
    with_rates = derive_rates(table)
    report.derived_rows = int(with_rates["source"].str.startswith(DERIVED).sum())
    return tables.sort_indicators(with_rates), report
