"""The project's tidy tables: their Table Schema, validation and atomic writing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from analyses.data import disclosure, lookups
from analyses.data.indicators import BY_ID, metadata_frame
from analyses.data.paths import DATA_DIR
from analyses.data.schema import (
    COUNCIL,
    INDICATOR_COLUMNS,
    LA_COLUMNS,
    PRIMARY_KEY,
    RANGE_TEXT,
    SCHEMA_FILE,
    STATUSES,
    UNIT_RANGES,
    TableError,
)

MARKUP = r"[<>]"

_FIELDS = {
    "indicator": {
        "type": "string",
        "description": "Indicator id (see indicator_metadata.csv).",
        "constraints": {"required": True, "enum": sorted(BY_ID)},
    },
    "time_period": {
        "type": "integer",
        "description": "Year the reporting period ends (2025 = year to 31 March 2025; "
        "academic year 2021/22 = 2022; population: the mid-year).",
        "constraints": {"required": True, "minimum": 1990, "maximum": 2100},
    },
    "geographic_level": {
        "type": "string",
        "constraints": {"required": True, "enum": ["National", "Regional", "Local authority"]},
    },
    "region_code": {"type": "string", "constraints": {"pattern": "(E1[23]\\d{6})?"}},
    "region_name": {"type": "string"},
    "old_la_code": {
        "type": "string",
        "description": "DfE 3-digit LA code: stable through reorganisations; join time series on it.",
        "constraints": {"pattern": "(\\d{3})?"},
    },
    "new_la_code": {
        "type": "string",
        "description": "ONS GSS code in force on 31 March 2025.",
        "constraints": {"pattern": "(E\\d{8})?"},
    },
    "la_name": {"type": "string"},
    "value": {
        "type": "number",
        "description": "Empty where status is a suppression symbol; never 0 for a suppressed value.",
    },
    "status": {
        "type": "string",
        "description": "published, derived (computed by this project; see method), or the "
        "published symbol: c suppressed, x not available, z not applicable, k/low rounds to zero, u low reliability.",
        "constraints": {"required": True, "enum": STATUSES},
    },
    "source": {
        "type": "string",
        "description": "File the row came from, or how it was derived ('derived: ...'). "
        "'council: ...' marks a council's own figures, to which disclosure control applies.",
    },
    "release": {
        "type": "integer",
        "description": "The release the row came from: the latest year in its file "
        "(or the release a council's file names). For the same indicator, year and area the newer release "
        "wins when datasets are merged; a council's own rows win for its area. Older folders without this "
        "column are read with each file's latest year.",
        "constraints": {"minimum": 1990, "maximum": 2100},
    },
}


def datapackage() -> dict:
    """The Frictionless Data Package descriptor for the bundled dataset."""

    def text_fields(columns: list[str]) -> list[dict]:
        return [{"name": c, "type": "string"} for c in columns]

    return {
        "name": "evidence-for-prevention-indicators",
        "title": "Evidence for Prevention: children's services indicators for English local authorities",
        "licenses": [
            {
                "name": "OGL-UK-3.0",
                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                "title": "Open Government Licence v3.0",
            }
        ],
        "resources": [
            {
                "name": "indicators",
                "path": "indicators.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": c, **_FIELDS[c]} for c in INDICATOR_COLUMNS],
                    "primaryKey": PRIMARY_KEY,
                    "missingValues": [""],
                },
                "x-valueRanges": {
                    "description": "Plausible values by the indicator's unit (indicator_metadata.csv); the importer "
                    "refuses values outside them. Counts are whole numbers.",
                    **{
                        unit: {"minimum": low, **({"maximum": high} if high is not None else {})}
                        for unit, (low, high) in UNIT_RANGES.items()
                    },
                },
            },
            {
                "name": "local_authorities",
                "path": "local_authorities.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {"fields": text_fields(LA_COLUMNS), "primaryKey": ["old_la_code"]},
            },
            {
                "name": "indicator_metadata",
                "path": "indicator_metadata.csv",
                "format": "csv",
                "encoding": "utf-8",
                "schema": {"fields": text_fields(metadata_frame().columns), "primaryKey": ["indicator"]},
            },
        ],
    }


def is_tidy(frame: pd.DataFrame) -> bool:
    """Whether a raw table is meant to be in the project's own indicators layout (EES files have time_identifier)."""
    return {"indicator", "value"} <= set(frame.columns) and "time_identifier" not in frame.columns


def out_of_range(indicators: pd.Series, values: pd.Series) -> pd.Series:
    """For each row, what its value should be if it is implausible for the indicator's unit, else ''."""
    unit = indicators.map(lambda i: BY_ID[i].unit if i in BY_ID else "")
    expected = pd.Series("", index=values.index, dtype=object)
    for name, (low, high) in UNIT_RANGES.items():
        v = values[unit == name]
        bad = (
            (v < low)
            | (v > high if high is not None else False)
            | ((v.notna() & (v % 1 != 0)) if name == "count" else False)
        )
        expected[bad[bad].index] = RANGE_TEXT[name]
    return expected


def validate_indicators(frame: pd.DataFrame, source: str, schema: dict | None = None) -> pd.DataFrame:
    """Check a tidy indicators table (strings or typed) against its Table Schema; return it typed."""
    schema = schema or datapackage()["resources"][0]["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    if "release" not in frame.columns:  # a folder or council file from before releases were recorded
        fields.pop("release", None)
    missing = [c for c in fields if c not in frame.columns]
    if missing:
        raise TableError(f"{source}: missing column(s) {', '.join(missing)}; expected {', '.join(fields)}")
    frame = frame[list(fields)].copy()
    for name, spec in fields.items():
        text = frame[name].astype(str).str.strip().replace({"nan": "", "<NA>": "", "None": ""})
        constraints = spec.get("constraints", {})
        problem = pd.Series(False, index=frame.index)
        if constraints.get("required"):
            problem |= text == ""
        if "enum" in constraints:
            problem |= (text != "") & ~text.isin(constraints["enum"])
        if "pattern" in constraints:
            problem |= ~text.str.fullmatch(constraints["pattern"])
        if spec["type"] == "string" and "enum" not in constraints:
            problem |= text.str.contains(MARKUP)
        if spec["type"] in ("integer", "number"):
            numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
            problem |= ((text != "") & numbers.isna()) | (numbers.abs() == float("inf"))
            if spec["type"] == "integer":
                problem |= numbers.notna() & (numbers % 1 != 0)
            if "minimum" in constraints:
                problem |= numbers < constraints["minimum"]
            if "maximum" in constraints:
                problem |= numbers > constraints["maximum"]
            frame[name] = numbers.astype("Int64") if spec["type"] == "integer" else numbers.astype(float)
        else:
            frame[name] = text
        if problem.any():
            row = problem.idxmax()
            expected = _describe(constraints.get("enum") or constraints.get("pattern") or spec["type"])
            if "minimum" in constraints and "maximum" in constraints:
                expected += f" from {constraints['minimum']} to {constraints['maximum']}"
            if spec["type"] == "string" and "enum" not in constraints and any(ch in text[row] for ch in "<>"):
                expected = "plain text without < or > (text from your file is shown on web pages)"
            raise TableError(f"{source}: row {int(row) + 2}, column {name!r}: found {text[row]!r}; expected {expected}")
    _check_value_status(frame, source)
    expected = out_of_range(frame["indicator"], frame["value"])
    if (expected != "").any():
        row = (expected != "").idxmax()
        raise TableError(
            f"{source}: row {int(row) + 2}, column 'value': found {frame.loc[row, 'value']:g} "
            f"for {frame.loc[row, 'indicator']}; expected {expected[row]}"
        )
    duplicated = frame.duplicated(schema["primaryKey"], keep="first")
    if duplicated.any():
        row = duplicated.idxmax()
        same = (frame[schema["primaryKey"]] == frame.loc[row, schema["primaryKey"]]).all(axis=1)
        keys = ", ".join(f"{k}={frame.loc[row, k]}" for k in schema["primaryKey"] if str(frame.loc[row, k]))
        raise TableError(
            f"{source}: row {int(row) + 2}, column 'indicator': duplicated row for {keys} "
            f"(first at row {int(same.idxmax()) + 2}); expected one row per indicator, "
            "year and area"
        )
    frame["time_period"] = frame["time_period"].astype(int)
    frame["release"] = infer_release(frame)
    return frame


def infer_release(frame: pd.DataFrame) -> pd.Series:
    """Each row's release: its own where given, else the latest year of the rows from the same source."""
    latest = frame.groupby(frame["source"].str.removeprefix(COUNCIL), sort=False)["time_period"].transform("max")
    given = (
        pd.to_numeric(frame["release"], errors="coerce")
        if "release" in frame
        else pd.Series(float("nan"), index=frame.index)
    )
    return given.fillna(latest).astype(int)


def _describe(expected: list | str) -> str:
    if isinstance(expected, list):
        return "one of " + ", ".join(map(str, expected[:12])) + (" ..." if len(expected) > 12 else "")
    return {"number": "a number", "integer": "a whole number", "string": "text"}.get(
        expected, f"text matching {expected}"
    )


def _check_value_status(frame: pd.DataFrame, source: str) -> None:
    has_value = frame["value"].notna()
    numeric_status = frame["status"].isin(["published", "derived"])
    bad = has_value != numeric_status
    if bad.any():
        row = bad.idxmax()
        raise TableError(
            f"{source}: row {int(row) + 2}, column 'value': a value must be present exactly when "
            f"status is published or derived (found value {_text(frame.loc[row, 'value'])}, status "
            f"'{frame.loc[row, 'status']}')"
        )


def _text(value: float) -> str:
    """A cell as a reader would write it: '7', '0.5' or 'empty'."""
    return "empty" if pd.isna(value) else f"{float(value):g}"


def sort_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable row order: same inputs, same file."""
    level_order = {"National": 0, "Regional": 1, "Local authority": 2}
    return (
        frame.assign(_level=frame["geographic_level"].map(level_order))
        .sort_values(["indicator", "_level", "region_code", "old_la_code", "time_period"], kind="stable")
        .drop(columns="_level")
        .reset_index(drop=True)
    )


def write_dataset(out_dir: Path, indicators: pd.DataFrame, las: pd.DataFrame, extra: dict | None = None) -> None:
    """Write all tables and the descriptor (and ``extra`` files: name -> text) to ``out_dir`` atomically.

    Everything is written to a hidden folder beside ``out_dir`` first. A new ``out_dir`` appears
    complete or not at all; in an existing one the four files are replaced (other files are left).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise TableError(f"{out_dir}: exists and is not a folder; expected a folder to write the dataset to")
    files = {
        "indicators.csv": _csv(indicators[INDICATOR_COLUMNS]),
        "local_authorities.csv": _csv(las[LA_COLUMNS]),
        "indicator_metadata.csv": _csv(metadata_frame()),
        SCHEMA_FILE: json.dumps(datapackage(), indent=2) + "\n",
    }
    files.update(extra or {})
    stage = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".partial"))
        for name, text in files.items():
            (stage / name).write_text(text, encoding="utf-8", newline="")
            os.chmod(stage / name, 0o644)
        if out_dir.exists():
            for name in files:
                os.replace(stage / name, out_dir / name)
        else:
            os.chmod(stage, 0o755)
            os.rename(stage, out_dir)
    except OSError as exc:
        raise TableError(f"{out_dir}: cannot write the dataset there ({exc.strerror or exc})") from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)


def _csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else (f"{v:.10g}"))
    return out.to_csv(index=False, lineterminator="\n")


def load_indicators_file(path: Path) -> pd.DataFrame:
    """Read a tidy indicators.csv, validate it against its folder's datapackage.json, apply disclosure control."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    descriptor = path.parent / SCHEMA_FILE
    try:
        schema = None
        if descriptor.is_file():
            resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
            schema = next(r["schema"] for r in resources if r["name"] == "indicators")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, KeyError, StopIteration, TypeError) as exc:
        raise TableError(f"{path}: cannot be read as the dataset's indicators table ({_one_line(exc)})") from None
    table = validate_indicators(frame, source=str(path), schema=schema)
    if not disclosure.is_council(table).any():
        return table
    lookup = path.parent / "local_authorities.csv"
    las = lookups.load_local_authorities(path.parent if lookup.is_file() else None)
    bundled = DATA_DIR / "indicators.csv"
    published = None if path.resolve() == bundled.resolve() else load_indicators_file(bundled)
    return disclosure.protect(table, las, published)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
