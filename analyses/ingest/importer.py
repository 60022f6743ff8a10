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

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analyses.data import derive, disclosure, lookups, tables
from analyses.data.geography import LOCAL, NATIONAL, REGIONAL, REORGANISATIONS, name_key
from analyses.data.indicators import RATE_OF_COUNT
from analyses.data.paths import DATA_DIR
from analyses.data.schema import (
    COUNCIL,
    DERIVED,
    INDICATOR_COLUMNS,
    NO_FIGURE,
    PRIMARY_KEY,
    SYMBOLS,
    DataFileError,
    ImportErrors,
    TableError,
    UnrecognisedFileError,
)
from analyses.ingest import privacy
from analyses.ingest.layouts import (
    EES_COLUMNS,
    GEO_COLUMNS,
    LAIT_MEASURES,
    LAYOUTS,
    fit,
    lait_to_rows,
    other_publisher,
    published_topic,
    reference_table,
)
from analyses.ingest.rawfiles import read_table

LAIT = "DfE Local Authority Interactive Tool (LAIT)"
LEVELS = {"national": NATIONAL, "regional": REGIONAL, "local authority": LOCAL}
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")  # Excel's '1,234' in a quoted cell
KEY = PRIMARY_KEY

MANIFEST = "import_manifest.json"
LATEST_YEAR = "its latest year"  # how a file's release was found when nothing else says

__all__ = ["DataFileError", "ImportErrors", "TableError", "ImportReport", "import_files", "read_table"]


def count(n: int, noun: str) -> str:
    """'1 row', '2,500 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def display_names(paths: list) -> dict[str, str]:
    """Each file by the shortest tail of its path that no other file shares ('cla.csv', '2024/cla.csv')."""
    parts = {str(p): Path(p).absolute().parts for p in paths}
    names = {}
    for given, mine in parts.items():
        others = [q for q in parts.values() if q != mine]
        n = next((n for n in range(1, len(mine) + 1) if all(q[-n:] != mine[-n:] for q in others)), len(mine))
        names[given] = "/".join(mine[-n:]).lstrip("/")
    return names


@dataclass
class FileRead:
    """One input file as the import read it (the manifest's entry)."""

    name: str  # the shortest path that tells it from the other inputs (also its rows' ``source``)
    layout: str
    rows: int
    release: int
    release_from: str  # how the release was found
    sha256: str


@dataclass
class ImportReport:
    """What an import did: files and layouts recognised, rows written and dropped."""

    files: list[FileRead] = field(default_factory=list)
    former_councils: dict[str, int] = field(default_factory=dict)  # former council's name -> rows read
    former_changed: list[str] = field(default_factory=list)  # former councils whose rows the import changed
    changed_codes: set[str] = field(default_factory=set)  # old_la_codes of the rows added or replaced
    derived_rows: int = 0  # derived rates added or changed
    warnings: list[str] = field(default_factory=list)
    unshown: list[str] = field(default_factory=list)  # figures no chart can show, and why
    council_rows: int = 0
    suppressed_rows: int = 0  # council rows (and rates derived from them) that disclosure control set to c
    skipped: list[str] = field(default_factory=list)  # why each unrecognised file was left out
    changes: dict[str, dict[str, tuple[int, int, int]]] = field(
        default_factory=dict
    )  # indicator -> what -> (rows, from, to)

    def lines(self) -> list[str]:
        out = []
        for f in self.files:
            how = "" if f.release_from == LATEST_YEAR else f", {f.release_from}"
            out.append(f"{f.name}: {f.layout} ({count(f.rows, 'row')}, {f.release} release{how})")
        out += [f"skipped {reason}" for reason in self.skipped]
        same = sorted(i for i, entry in self.changes.items() if set(entry) == {"unchanged"})
        for indicator, entry in sorted(self.changes.items()):
            if indicator in same:
                continue
            said = []
            for what, text in (
                ("added", "added"),
                ("replaced", "replaced"),
                ("kept", "not taken because a newer release (or your council's own figure) holds them"),
                ("unchanged", "already the same"),
            ):
                if what in entry:
                    n, first, last = entry[what]
                    years = str(first) if first == last else f"{first}-{last}"
                    said.append(
                        f"{text} {n:,} ({years})" if what in ("added", "replaced") else f"{n:,} ({years}) {text}"
                    )
            out.append(f"{indicator}: " + "; ".join(said))
        if same:
            cells = sum(self.changes[i]["unchanged"][0] for i in same)
            out.append(
                f"No change to {count(len(same), 'indicator')} ({cells:,} cells already the same): {', '.join(same)}"
            )
        if self.former_changed:
            names = ", ".join(sorted(self.former_changed))
            out.append(f"Kept the rows of former councils, for their successors' earlier years: {names}")
        if self.derived_rows:
            out.append(f"Derived {count(self.derived_rows, 'rate')} from counts and the 0-17 population")
        out += [f"not shown: {line}" for line in self.unshown]
        out += [f"warning: {line}" for line in self.warnings]
        if self.council_rows:
            out.append(
                f"{count(self.council_rows, 'row')} {'is' if self.council_rows == 1 else 'are'} your council's own "
                f"figures: disclosure control suppressed {self.suppressed_rows:,} of them and of the rates derived "
                "from them (shown as c)"
            )
        return out

    def manifest(self) -> str:
        """``import_manifest.json``: what the import read (see data/README.md)."""
        files = [
            {
                "name": f.name,
                "sha256": f.sha256,
                "layout": f.layout,
                "rows": f.rows,
                "release": f.release,
                "release_from": f.release_from,
            }
            for f in self.files
        ]
        return json.dumps({"imported": dt.date.today().isoformat(), "files": files}, indent=2) + "\n"


def tidy_rows(name: str, frame: pd.DataFrame, region_codes: dict[str, str]) -> tuple[pd.DataFrame, object]:
    """Recognise the layout of one raw table; return its tidy rows and the layout (or LAIT's name).

    A file with the columns or labels peculiar to a layout but without a column that layout
    needs (renamed or dropped) is refused naming the column: a ``DataFileError``, which stops
    the import even with ``--skip-unrecognised``.
    """
    if {"Short Desc", "LA and Regions", "Values"} <= set(frame.columns):
        rows = lait_to_rows(frame, region_codes)
        if rows.empty:
            raise UnrecognisedFileError(f"{name}: LAIT table has none of the measures {', '.join(LAIT_MEASURES)}")
        return rows, LAIT
    if kind := other_publisher(frame):
        raise UnrecognisedFileError(f"{name}: {kind}")
    records = [] if published_topic(frame) else privacy.looks_like_records(frame)
    if records:
        raise DataFileError(
            f"{name}: columns {', '.join(map(repr, records))} describe individual children (no "
            f"'Total' rows): this looks like one row per child; {privacy.AGGREGATE_ONLY}"
        )
    if kind := reference_table(frame):
        raise UnrecognisedFileError(f"{name}: {kind}")
    for column in ("time_period", "geographic_level"):
        if column not in frame.columns:
            raise UnrecognisedFileError(
                f"{name}: row 1: column {column!r} is missing; expected a DfE explore-education-statistics CSV "
                "(columns time_period, geographic_level, ...) or the project's tidy indicators.csv"
            )
    found = fit(frame)
    if found is not None and not found.missing:
        las = frame["geographic_level"].str.strip().str.lower() == "local authority"
        if las.any() and "old_la_code" not in frame.columns:
            raise DataFileError(
                f"{name}: row 1: column 'old_la_code' is missing; expected DfE's 3-digit LA "
                "code on every local authority row"
            )
        return found.layout.extract(frame), found.layout
    if found is not None:
        what = " and ".join(found.missing)
        known = {c.lower() for c in EES_COLUMNS} | {"release"}
        strange = [c for c in frame.columns if c.lower() not in known and not _is_layout_column(c)]
        has = f"; it has {', '.join(map(repr, strange[:3]))}, which that layout does not" if strange else ""
        raise DataFileError(
            f"{name}: row 1: closest to the layout '{found.layout.name}', but column{'s' if len(found.missing) > 1 else ''} "
            f"{what} {'are' if len(found.missing) > 1 else 'is'} missing{has}; rename the column back as DfE "
            "publishes it"
        )
    topic = published_topic(frame)
    if topic:
        raise UnrecognisedFileError(f"{name}: a published aggregate file, but not a layout this guide uses: {topic}")
    raise UnrecognisedFileError(
        f"{name}: row 1: layout not recognised: it has none of the columns or labels of the DfE files this guide "
        "reads (e.g. population_type with 'Children looked after on 31 March each year', At31_episodes, "
        "referral_count, CPP_At31, Domestic_Abuse_child, age_group with population_estimate)"
    )


def _is_layout_column(column: str) -> bool:
    """Whether ``column`` is one of the columns of a layout the guide reads."""
    names = set()
    for layout in LAYOUTS:
        names |= set(getattr(layout, "signature", ())) | set(getattr(layout, "label_column", ()))
        for aliases in [*getattr(layout, "measures", {}).values(), *getattr(layout, "value_columns", {}).values()]:
            names |= set(aliases)
        names |= {c for group in layout.filters for c in group.split("|")}
    return column.lower() in {n.lower() for n in names}


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
            f"found {repr(first['raw']) if str(first['raw']).strip() else 'an empty cell'}; expected a number or a "
            f"published symbol ({', '.join(SYMBOLS)})"
        )
    expected = tables.out_of_range(rows["indicator"], value)
    if (expected != "").any():
        first = rows[expected != ""].iloc[0]
        raise DataFileError(
            f"{path}: row {_line(first)}, column {first['source_column']!r}: found "
            f"{first['raw']!r} for {first['indicator']}; expected {expected[first.name]}"
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
    ok_span = span & (
        text.str[4:6].where(span, "0").astype(int) == (text.str[2:4].where(span, "0").astype(int) + 1) % 100
    )
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
            f"{path}: row {_line(first)}, column 'old_la_code': "
            + (
                f"{first['old_la_code']!r}" + (f" ({first['la_name']})" if first["la_name"] else "") + " is not"
                if first["old_la_code"]
                else "a local authority row without"
            )
            + " a DfE local authority code; expected a 3-digit code such as 816 (York)"
        )
    status = codes.map(index["status"])
    _check_names(path, la_rows, codes, index)
    # A former council's rows are kept (its successors' charts show them for the years before the
    # change); its "not applicable" (z) rows for the years after it was abolished are not.
    historic = status == "historic"
    for name, count in la_rows[historic].groupby(codes[historic].map(index["la_name"])).size().items():
        report.former_councils[name] = report.former_councils.get(name, 0) + int(count)
    rows = rows.drop(index=la_rows.index[historic & (la_rows["status"] == "z")])
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
        if first["region_code"] == "" and first["region_name"] == "":
            raise DataFileError(
                f"{path}: row {_line(first)}: a Regional row with no region_code or region_name; expected an "
                "English region code such as E12000003 (Yorkshire and The Humber)"
            )
        raise DataFileError(
            f"{path}: row {_line(first)}, column 'region_code': found {first['region_code']!r} "
            f"({first['region_name']}); expected an English region code such as E12000003"
        )
    keys = {
        c: {name_key(n) for n, k in by_name.items() if k == c} | {name_key(lookups.REGIONS[c])} for c in lookups.REGIONS
    }
    wrong = (rows["region_name"] != "") & ~pd.Series(
        [name_key(n) in keys[c] for n, c in zip(rows["region_name"], code)], index=rows.index
    )
    if wrong.any():
        first = rows[wrong].iloc[0]
        c = code[first.name]
        raise DataFileError(
            f"{path}: row {_line(first)}, column 'region_name': {first['region_name']!r} does not "
            f"match region_code {c}, which is {lookups.REGIONS[c]}"
        )
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
        raise DataFileError(
            f"{path}: rows {_line(first)}, {_line(second)} and {len(group) - 2} more each give 0 "
            f"or 1 in column {first['source_column']!r} for {area}, {first['time_period']}: this "
            f"looks like one row per child; {privacy.AGGREGATE_ONLY}"
        )
    raise DataFileError(
        f"{path}: row {_line(second)}, column {second['source_column']!r}: a second row for "
        f"{first['indicator']}, {first['time_period']}, {area} (the first is row {_line(first)}); "
        "expected one row per indicator, year and area"
    )


def mark_council_rows(rows: pd.DataFrame, published: pd.DataFrame, default: str) -> pd.Series:
    """Sources for tidy rows: 'council: ...' unless the row is identical to a published one."""
    reference = published.loc[~disclosure.is_council(published), KEY + ["value", "status"]]
    merged = (
        rows[KEY + ["value", "status"]]
        .reset_index()
        .merge(reference, on=KEY, how="left", suffixes=("", "_published"))
        .set_index("index")
    )
    same = (merged["status"] == merged["status_published"]) & (
        (merged["value"] == merged["value_published"]) | (merged["value"].isna() & merged["value_published"].isna())
    )
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


def _rates_on_council_counts(table: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Drop a published rate whose count the council's own figure replaced, so that ``derive_rates``
    rebuilds it from the council's count; where no population can, keep it and warn."""
    council = table["source"].str.startswith(COUNCIL)
    population = derive.previous_mid_year_population(table)[derive.CELL]
    drop = []
    for count_id, rate_id in RATE_OF_COUNT.items():
        counts = table[(table["indicator"] == count_id) & council]
        if counts.empty:
            continue
        rates = table[(table["indicator"] == rate_id) & ~council].reset_index()
        stale = rates.merge(counts[[*derive.CELL, "value"]], on=derive.CELL, suffixes=("", "_count"))
        can = stale.merge(population, on=derive.CELL, suffixes=("", "_population"))
        drop += list(can["index"])
        for _, row in stale[~stale["index"].isin(can["index"])].iterrows():
            report.warnings.append(
                f"{rate_id} for {_area(row)}, {row['time_period']}: the published rate ({_cell(row)}) rests on "
                f"DfE's count, not on your {count_id} ({_number(row['value_count'])}), and there is no 0-17 "
                f"population for mid-{row['time_period'] - 1} to rebuild it; the reports show the published rate"
            )
    return table.drop(index=drop)


def _derived_changes(table: pd.DataFrame, base: pd.DataFrame | None) -> int:
    """How many derived rates the import added or changed (against ``base``'s derived rates)."""
    derived = table[table["source"].str.startswith(DERIVED)]
    if base is None:
        return len(derived)
    before = base[base["source"].str.startswith(DERIVED)][[*KEY, "value", "status"]]
    merged = derived[[*KEY, "value", "status"]].merge(before, on=KEY, how="left", suffixes=("", "_before"))
    same = (merged["status"] == merged["status_before"]) & (
        (merged["value"] == merged["value_before"]) | (merged["value"].isna() & merged["value_before"].isna())
    )
    return int((~same).sum())


def _counts_without_rates(table: pd.DataFrame, imported: pd.DataFrame) -> list[str]:
    """Imported counts with a figure but no rate beside them (no population to make one): the chapters
    chart rates, so no chart shows them. One line per indicator and year."""
    lines = []
    for count_id, rate_id in RATE_OF_COUNT.items():
        counts = imported[(imported["indicator"] == count_id) & imported["status"].isin(["published"])]
        rates = table[table["indicator"] == rate_id][derive.CELL]
        alone = counts.merge(rates.assign(_rate=True), on=derive.CELL, how="left")
        alone = alone[alone["_rate"].isna()]
        for year, rows in alone.groupby("time_period"):
            areas = sorted({_area(r) for _, r in rows.iterrows()})
            shown = ", ".join(areas[:3]) + (f" and {len(areas) - 3:,} more" if len(areas) > 3 else "")
            lines.append(
                f"{count_id} for {year} ({shown}): no rate, as there is no 0-17 population for mid-{year - 1}; "
                "the chapters chart rates, so no chart shows these counts"
            )
    return lines


def _area(row) -> str:
    return row["la_name"] or row["region_name"] or "England"


def _number(value) -> str:
    return f"{float(value):,g}"


def read_file(
    path: Path,
    name: str,
    las: pd.DataFrame,
    region_codes: dict[str, str],
    report: ImportReport,
    published,
    stated_release: int | None = None,
) -> pd.DataFrame:
    """One input file as checked tidy rows with their ``source`` and ``release`` (see the module docstring).

    ``name`` is how messages and the ``source`` column name the file; ``stated_release`` is the
    release given on the command line (``FILE@2024``).
    """
    if re.search(r"[<>]", name):
        raise DataFileError(f"{name}: the file name contains < or >; rename the file (its name is shown in reports)")
    try:
        frame = read_table(path)
    except DataFileError as exc:
        message = name + str(exc).removeprefix(str(path))
        if isinstance(exc, UnrecognisedFileError) or not _may_be_ours(path):
            raise UnrecognisedFileError(message) from None
        raise DataFileError(message) from None
    privacy.check(name, frame)
    if tables.is_tidy(frame):
        rows = tables.validate_indicators(frame, source=name)
        rows = rows.assign(source_row=rows.index, source_column="value")
        rows = normalise_geography(name, rows, las, report)
        rows["source"] = mark_council_rows(rows, published(), name)
        layout_name, first_release = "Evidence for Prevention tidy indicators table", 0
        if "release" not in frame.columns:
            rows = rows.drop(columns="release")
    else:
        rows, layout = tidy_rows(name, frame, region_codes)
        layout_name = layout if isinstance(layout, str) else layout.name
        first_release = 0 if isinstance(layout, str) else layout.first_release(frame)
        rows = parse_values(name, rows)
        rows = parse_periods(name, rows)
        rows = normalise_geography(name, rows, las, report)
        check_duplicates(name, rows)
        # LAIT is DfE's own published compilation: its small counts (e.g. SGO exits) are as published.
        small = rows["indicator"].isin(disclosure.COUNTS) & disclosure.is_small(rows["value"]) & (layout != LAIT)
        rows["source"] = (COUNCIL if small.any() else "") + name
    check_area_lives(name, rows)
    rows, how = _release(path, name, rows, stated_release, first_release)
    release = int(rows["release"].max()) if len(rows) else 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    report.files.append(FileRead(name, layout_name, len(rows), release, how, digest))
    return rows


def _may_be_ours(path: Path) -> bool:
    """Whether a file that could not be read may be meant as a layout the guide reads (its header names
    time_period or indicator); a file that cannot be (a notes file, a neighbours table) is only skipped."""
    try:
        with path.open("rb") as handle:
            head = handle.readline(10_000).decode("utf-8", errors="replace").lower()
    except OSError:
        return True
    return path.suffix.lower() in (".csv", ".txt", "") and bool(re.search(r"\btime_period\b|^\W*indicator\b", head))


RELEASE_TITLE = re.compile(r"((?:19|20)\d{2})(?:[/-](\d{2}|\d{4}))?\s*$")


def guidance_release(path: Path) -> tuple[int, str] | None:
    """The release named by DfE's data guidance in the same download (EES's zip: ``data/FILE`` beside
    ``data-guidance/data-guidance.txt``), if it lists the file: its second line is the release's title
    ('Reporting year 2025', 'Academic year 2023/24', 'Financial year 2024-25')."""
    for guide in (path.parent / "data-guidance.txt", path.parent.parent / "data-guidance" / "data-guidance.txt"):
        try:
            lines = guide.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError:
            continue
        if len(lines) < 2 or f"Filename: {path.name}" not in lines:
            continue
        match = RELEASE_TITLE.search(lines[1].strip())
        if match:
            start, end = match.groups()
            return int(start) + (1 if end else 0), f"from DfE's data guidance ({lines[1].strip()})"
    return None


def _release(
    path: Path, name: str, rows: pd.DataFrame, stated: int | None, first_release: int
) -> tuple[pd.DataFrame, str]:
    """Each row's release, and how it was found: stated (``FILE@2024``), the file's own ``release``
    column, DfE's data guidance in the same download, the first release with the file's column
    names, or the file's latest year."""
    latest = int(rows["time_period"].max()) if len(rows) else 0
    rows = rows.copy()
    given = rows["release"].astype(str).str.strip() if "release" in rows else pd.Series("", index=rows.index)
    if stated is not None:
        if stated < latest:
            raise DataFileError(f"{name}@{stated}: the file has figures for {latest}; a release holds no later year")
        rows["release"] = stated
        return rows, "as stated on the command line"
    if (given != "").any():
        year = pd.to_numeric(given.where(given.str.fullmatch(r"(19|20)\d{2}")), errors="coerce")
        bad = year.isna() | (year < rows["time_period"])
        if bad.any():
            first = rows[bad].iloc[0]
            raise DataFileError(
                f"{name}: row {_line(first)}, column 'release': found '{given[first.name]}'; expected the year of "
                f"the release the row comes from, such as 2025, no earlier than its time_period ({first['time_period']})"
            )
        rows["release"] = year.astype(int)
        return rows, "from its release column"
    guide = guidance_release(path)
    if guide is not None and guide[0] >= latest:
        rows["release"] = guide[0]
        return rows, guide[1]
    if first_release > latest:
        rows["release"] = first_release
        return rows, f"the first release with its column names (its latest year is {latest})"
    rows["release"] = latest
    return rows, LATEST_YEAR


def check_area_lives(name: str, rows: pd.DataFrame) -> None:
    """A council's own figures fall within its council's life: none for a council after it was
    replaced, none for its successor before it existed (``geography.REORGANISATIONS``). Published
    rows follow DfE's own geography; mid-year populations are on today's boundaries, back-cast."""
    council = rows["source"].str.startswith(COUNCIL) & (rows["geographic_level"] == LOCAL)
    figures = rows[council & ~rows["status"].isin(["x", "z"]) & (rows["indicator"] != derive.POPULATION)]
    for change in REORGANISATIONS:
        year = int(change.date.split()[-1])  # abolished 1 April YEAR: YEAR is the former council's last year
        former = [f for f in change.former if f[0] not in change.successors]
        for code, former_name, _ in former:
            late = figures[(figures["old_la_code"] == code) & (figures["time_period"] > year)]
            if len(late):
                first = late.iloc[0]
                raise DataFileError(
                    f"{name}: row {_line(first)}, column 'time_period': {former_name} has no figures for "
                    f"{first['time_period']}: it was replaced on {change.date} (its last year is the year to 31 March "
                    f"{year}); give the figures under the council that replaced it"
                )
        if not change.code_kept:
            early = figures[figures["old_la_code"].isin(change.successors) & (figures["time_period"] <= year)]
            if len(early):
                first = early.iloc[0]
                olds = " and ".join(f[1] for f in change.former)
                raise DataFileError(
                    f"{name}: row {_line(first)}, column 'time_period': {first['la_name']} has no figures for "
                    f"{first['time_period']}: it began on {change.date} (its first year is the year to 31 March "
                    f"{year + 1}); earlier years belong to {olds}"
                )


def import_files(
    paths: list[Path],
    base: pd.DataFrame | None = None,
    las: pd.DataFrame | None = None,
    published: pd.DataFrame | None = None,
    prefer_imported: bool = False,
    skip_unrecognised: bool = False,
    releases: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, ImportReport]:
    """Import files into one tidy indicators table, with disclosure control on council figures.

    Every row carries its ``release``: the latest year in its file (or the release a tidy file
    names). For one indicator, year and area the newer release wins, between the files and
    over ``base`` (e.g. the bundled dataset) alike; an older release still adds the years the
    newer data lack. A council's own rows (``council:`` source) win over published ones. With
    ``prefer_imported`` the files' rows win over ``base`` whatever their release. Two files of
    the same release that disagree on a cell are refused. Every file is read before anything
    is decided: all problems are raised together (``ImportErrors``; a single one as itself).
    With ``skip_unrecognised`` files that are not a layout the guide reads are left out and
    listed in the report. ``published`` (default: the bundled dataset) tells a tidy file's
    published rows from a council's own. ``releases`` states files' releases (path as given -> year).
    Files are named by the shortest path that tells them apart (``display_names``).
    """
    las = lookups.load_local_authorities() if las is None else las
    matching = lookups.with_match_keys(las)
    region_codes = lookups.region_codes()
    report = ImportReport()
    reference = functools.cache(
        lambda: tables.load_indicators_file(DATA_DIR / "indicators.csv") if published is None else published
    )
    parts, errors = [], []
    names = display_names(paths)
    for path in paths:
        try:
            rows = read_file(
                Path(path), names[str(path)], matching, region_codes, report, reference, (releases or {}).get(str(path))
            )
        except UnrecognisedFileError as exc:
            (report.skipped if skip_unrecognised else errors).append(str(exc))
            continue
        except (DataFileError, TableError) as exc:
            errors.append(exc)
            continue
        rows["file"] = names[str(path)]
        parts.append(rows)
    if not errors and not parts:
        errors.append(DataFileError("none of the files is a layout this guide reads: " + "; ".join(report.skipped)))
        report.skipped = []
    errors += [DataFileError(line) for line in _conflicts(parts)] if not errors else []
    if errors:
        if len(errors) == 1:
            raise errors[0] if isinstance(errors[0], Exception) else DataFileError(errors[0])
        raise ImportErrors([str(e) for e in errors])
    imported = pd.concat(parts, ignore_index=True)
    imported = imported.assign(_rank=_rank(imported)).sort_values("_rank", kind="stable")
    imported = imported.drop_duplicates(KEY, keep="last").drop(columns=["_rank", "file"])
    if base is not None:
        base = base.copy()
        if "release" not in base:
            base["release"] = tables.infer_release(base)
        table = _merge_over(base, imported[INDICATOR_COLUMNS], prefer_imported, report)
    else:
        table = imported[INDICATOR_COLUMNS]
        _count_changes(table, table.iloc[0:0], table.iloc[0:0], report)
    historic = las.loc[las["status"] == "historic"].set_index("old_la_code")["la_name"]
    report.former_changed = sorted({historic[c] for c in report.changed_codes if c in historic.index})
    table = table[INDICATOR_COLUMNS]
    # Recompute every derived rate from the (possibly updated) counts and population; a published rate
    # on a count the council has replaced is rebuilt from the council's count (or kept with a warning).
    table = _rates_on_council_counts(table[~table["source"].str.startswith(DERIVED)], report)
    with_rates = derive_rates(table)
    report.derived_rows = _derived_changes(with_rates, base)
    report.unshown += _counts_without_rates(with_rates, imported)
    council = disclosure.is_council(with_rates)
    protected = disclosure.protect(with_rates, las, reference()) if council.any() else with_rates
    report.council_rows = int(council.sum())
    report.suppressed_rows = int(((protected["status"] == "c") & (with_rates["status"] != "c")).sum())
    protected["release"] = protected["release"].astype(int)
    return tables.sort_indicators(protected), report


def _rank(rows: pd.DataFrame) -> pd.Series:
    """Precedence of rows for the same cell: a council's own rows first, then the newer release, then
    DfE's own file over LAIT's copy of the same release (LAIT, the one Parquet input, is a compilation).

    LAIT holds each year as last revised, so it counts as the release of its latest year; but it marks
    every missing figure "x" (no c, no z), so a missing figure of LAIT's only fills a cell no file has."""
    compiled = rows["source"].str.endswith(".parquet")
    vague = compiled & (rows["status"] == "x")
    return (
        disclosure.is_council(rows).astype(int) * 100_000
        + rows["release"].astype(int).where(~vague, 0) * 10
        + (~compiled).astype(int)
    )


def _conflicts(parts: list[pd.DataFrame]) -> list[str]:
    """One line per pair of files of the same release that disagree on a cell (first cell and how many)."""
    if len(parts) < 2:
        return []
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.assign(_rank=_rank(rows))
    shared = rows[rows.duplicated(KEY + ["_rank"], keep=False)].copy()
    if shared.empty or shared["file"].nunique() < 2:
        return []
    shared["_value"] = shared["value"].map(lambda v: "" if pd.isna(v) else repr(float(v))) + "|" + shared["status"]
    groups = shared.groupby(KEY + ["_rank"], sort=False)
    first_file, first_value = groups["file"].transform("first"), groups["_value"].transform("first")
    first_row = groups["file"].transform(lambda f: f.index[0])
    clash = shared[(shared["file"] != first_file) & (shared["_value"] != first_value)]
    lines = []
    for (file_a, file_b), pairs in clash.groupby([first_file[clash.index], clash["file"]], sort=False):
        other = pairs.iloc[0]
        first = rows.loc[first_row[other.name]]
        a, b = file_a, file_b
        more = f" (and {count(len(pairs) - 1, 'more cell')})" if len(pairs) > 1 else ""
        lines.append(
            f"{a} and {b} are both the {int(first['release'])} release but disagree on "
            f"{first['indicator']} for {_area(first)}, {int(first['time_period'])}: {_cell(first)} in {a}, "
            f"{_cell(other)} in {b}{more}; import only one of them, or if one comes from a later release "
            f"say so as FILE@YEAR (e.g. {b}@{int(first['release']) + 1})"
        )
    return lines


def _cell(row: pd.Series) -> str:
    return _number(row["value"]) if row["status"] in ("published", "derived") else f"'{row['status']}'"


def _merge_over(
    base: pd.DataFrame, imported: pd.DataFrame, prefer_imported: bool, report: ImportReport
) -> pd.DataFrame:
    """``imported`` over ``base`` cell by cell: the newer release (or a council's own row) wins."""
    base = base[INDICATOR_COLUMNS]
    merged = imported.reset_index(drop=True).merge(
        base[KEY + ["value", "status", "release", "source"]].assign(_in_base=True),
        on=KEY,
        how="left",
        suffixes=("", "_base"),
    )
    in_base = merged["_in_base"].eq(True).to_numpy()
    rank_new = _rank(merged).to_numpy()
    base_rows = merged[["release_base", "source_base", "status_base"]].rename(
        columns={"release_base": "release", "source_base": "source", "status_base": "status"}
    )
    rank_old = _rank(base_rows.fillna({"release": 0, "source": "", "status": ""})).to_numpy()
    wins = ~in_base | (rank_new >= rank_old) | prefer_imported
    keep_new = imported.reset_index(drop=True)[wins]
    lost = imported.reset_index(drop=True)[~wins]
    # Base rows for cells the imported data did not win stay; those it won go.
    won_keys = keep_new[KEY]
    rest = base.merge(won_keys.assign(_won=True), on=KEY, how="left")
    rest = rest[rest["_won"] != True].drop(columns="_won")  # noqa: E712
    same = (
        in_base
        & (merged["status"] == merged["status_base"]).to_numpy()
        & (
            (merged["value"] == merged["value_base"]) | (merged["value"].isna() & merged["value_base"].isna())
        ).to_numpy()
    )
    changed = keep_new[~same[wins] & in_base[wins]]
    added = keep_new[~in_base[wins]]
    no_figure = merged["status_base"].isin(list(NO_FIGURE)).to_numpy() & merged["value"].notna().to_numpy()
    forced = merged[wins & in_base & no_figure]
    if len(forced):
        first = forced.iloc[0]
        why = " (--prefer-imported let an older release win)" if prefer_imported else ""
        report.warnings.append(
            f"replaced {count(len(forced), 'cell')} that the data before marked as having no figure with "
            f"numbers{why}, e.g. {first['indicator']} for {_area(first)}, {first['time_period']}: "
            f"'{first['status_base']}' ({SYMBOLS[first['status_base']]}) became {_number(first['value'])}; "
            "check that is what you meant"
        )
    _count_changes(added, changed, lost[~same[~wins]], report, unchanged=imported.reset_index(drop=True)[same])
    return pd.concat([rest, keep_new], ignore_index=True)


def _count_changes(
    added: pd.DataFrame,
    replaced: pd.DataFrame,
    kept: pd.DataFrame,
    report: ImportReport,
    unchanged: pd.DataFrame | None = None,
) -> None:
    unchanged = added.iloc[0:0] if unchanged is None else unchanged
    report.changed_codes |= set(added["old_la_code"]) | set(replaced["old_la_code"])
    for name, frame in (("added", added), ("replaced", replaced), ("kept", kept), ("unchanged", unchanged)):
        frame = frame[~frame["source"].str.startswith(DERIVED)]
        for indicator, rows in frame.groupby("indicator"):
            entry = report.changes.setdefault(indicator, {})
            entry[name] = (len(rows), int(rows["time_period"].min()), int(rows["time_period"].max()))


def _line(row: pd.Series) -> int:
    """Line number in the input file of a tidy row (the header is line 1)."""
    return int(row["source_row"]) + 2


def import_dataset(
    files: list[Path],
    out: Path,
    base: Path | None = DATA_DIR,
    la_lookup: tuple[Path, Path] | None = None,
    prefer_imported: bool = False,
    skip_unrecognised: bool = False,
    releases: dict[str, int] | None = None,
) -> tuple[pd.DataFrame, ImportReport]:
    """Import ``files`` over the dataset in ``base`` (None: on their own) and write a complete
    dataset folder to ``out`` (all files or none), with ``import_manifest.json`` listing what was
    read. ``la_lookup`` rebuilds the LA table from DfE's statistical neighbours model and LA list
    instead of reading ``base``'s. Returns what was written."""
    las = lookups.build_local_authorities(*la_lookup) if la_lookup else lookups.load_local_authorities(base)
    base_table = None if base is None else tables.load_indicators_file(Path(base) / "indicators.csv")
    table, report = import_files(
        files,
        base=base_table,
        las=las,
        prefer_imported=prefer_imported,
        skip_unrecognised=skip_unrecognised,
        releases=releases,
    )
    tables.write_dataset(out, table, las, extra={MANIFEST: report.manifest()})
    return table, report
