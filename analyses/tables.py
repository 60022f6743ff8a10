"""The project's tidy tables: their Table Schema, validation and atomic writing."""
from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from .indicators import BY_ID, metadata_frame
from .lookups import LA_COLUMNS

INDICATOR_COLUMNS = ["indicator", "time_period", "geographic_level", "region_code", "region_name",
                     "old_la_code", "new_la_code", "la_name", "value", "status", "source"]
STATUSES = ["published", "derived", "c", "x", "z", "k", "low", "u"]
PRIMARY_KEY = ["indicator", "time_period", "geographic_level", "region_code", "old_la_code"]
SCHEMA_FILE = "datapackage.json"

_FIELDS = {
    "indicator": {"type": "string", "description": "Indicator id (see indicator_metadata.csv).",
                  "constraints": {"required": True, "enum": sorted(BY_ID)}},
    "time_period": {"type": "integer", "description": "Year the reporting period ends (2025 = year to 31 March 2025; "
                    "academic year 2021/22 = 2022; population: the mid-year).",
                    "constraints": {"required": True, "minimum": 1990, "maximum": 2100}},
    "geographic_level": {"type": "string", "constraints": {"required": True,
                         "enum": ["National", "Regional", "Local authority"]}},
    "region_code": {"type": "string", "constraints": {"pattern": "(E1[23]\\d{6})?"}},
    "region_name": {"type": "string"},
    "old_la_code": {"type": "string", "description": "DfE 3-digit LA code: stable through reorganisations; join time series on it.",
                    "constraints": {"pattern": "(\\d{3})?"}},
    "new_la_code": {"type": "string", "description": "ONS GSS code in force on 31 March 2025.",
                    "constraints": {"pattern": "(E\\d{8})?"}},
    "la_name": {"type": "string"},
    "value": {"type": "number", "description": "Empty where status is a suppression symbol; never 0 for a suppressed value."},
    "status": {"type": "string", "description": "published, derived (computed by this project; see method), or the "
               "published symbol: c suppressed, x not available, z not applicable, k/low rounds to zero, u low reliability.",
               "constraints": {"required": True, "enum": STATUSES}},
    "source": {"type": "string", "description": "File the row came from, or how it was derived."},
}


def datapackage() -> dict:
    """The Frictionless Data Package descriptor for the bundled dataset."""
    text_fields = lambda columns: [{"name": c, "type": "string"} for c in columns]
    return {
        "name": "evidence-for-prevention-indicators",
        "title": "Evidence for Prevention: children's services indicators for English local authorities",
        "licenses": [{"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                      "title": "Open Government Licence v3.0"}],
        "resources": [
            {"name": "indicators", "path": "indicators.csv", "format": "csv", "encoding": "utf-8",
             "schema": {"fields": [{"name": c, **_FIELDS[c]} for c in INDICATOR_COLUMNS],
                        "primaryKey": PRIMARY_KEY, "missingValues": [""]}},
            {"name": "local_authorities", "path": "local_authorities.csv", "format": "csv", "encoding": "utf-8",
             "schema": {"fields": text_fields(LA_COLUMNS), "primaryKey": ["old_la_code"]}},
            {"name": "indicator_metadata", "path": "indicator_metadata.csv", "format": "csv", "encoding": "utf-8",
             "schema": {"fields": text_fields(metadata_frame().columns), "primaryKey": ["indicator"]}},
        ],
    }


def is_tidy(frame: pd.DataFrame) -> bool:
    """Whether a raw table is in the project's own indicators layout."""
    return {"indicator", "value", "status", "time_period"} <= set(frame.columns)


class TableError(ValueError):
    """A tidy table breaks its schema (message names file, row and column)."""


def validate_indicators(frame: pd.DataFrame, source: str, schema: dict | None = None) -> pd.DataFrame:
    """Check a tidy indicators table (strings or typed) against its Table Schema; return it typed."""
    schema = schema or datapackage()["resources"][0]["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
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
        if spec["type"] in ("integer", "number"):
            numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
            problem |= (text != "") & numbers.isna()
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
            expected = constraints.get("enum") or constraints.get("pattern") or spec["type"]
            raise TableError(f"{source}: row {frame.index.get_loc(row) + 2}, column {name!r}: "
                             f"found {text[row]!r}; expected {_describe(expected)}")
    _check_value_status(frame, source)
    duplicated = frame.duplicated(schema["primaryKey"], keep=False)
    if duplicated.any():
        row = duplicated.idxmax()
        keys = ", ".join(f"{k}={frame.loc[row, k]}" for k in schema["primaryKey"] if str(frame.loc[row, k]))
        raise TableError(f"{source}: row {frame.index.get_loc(row) + 2}: duplicated row for {keys}")
    frame["time_period"] = frame["time_period"].astype(int)
    return frame


def _describe(expected) -> str:
    if isinstance(expected, list):
        return "one of " + ", ".join(map(str, expected[:12])) + (" ..." if len(expected) > 12 else "")
    return {"number": "a number", "integer": "a whole number", "string": "text"}.get(expected, f"text matching {expected}")


def _check_value_status(frame: pd.DataFrame, source: str) -> None:
    has_value = frame["value"].notna()
    numeric_status = frame["status"].isin(["published", "derived"])
    bad = has_value != numeric_status
    if bad.any():
        row = bad.idxmax()
        raise TableError(
            f"{source}: row {frame.index.get_loc(row) + 2}, column 'value': a value must be present exactly when "
            f"status is published or derived (found value {frame.loc[row, 'value']!r}, status {frame.loc[row, 'status']!r})"
        )


def sort_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable row order: same inputs, same file."""
    level_order = {"National": 0, "Regional": 1, "Local authority": 2}
    return (frame.assign(_level=frame["geographic_level"].map(level_order))
            .sort_values(["indicator", "_level", "region_code", "old_la_code", "time_period"], kind="stable")
            .drop(columns="_level").reset_index(drop=True))


def write_dataset(out_dir: Path, indicators: pd.DataFrame, las: pd.DataFrame) -> None:
    """Write all tables and the descriptor to ``out_dir`` atomically: all files or none."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "indicators.csv": _csv(indicators[INDICATOR_COLUMNS]),
        "local_authorities.csv": _csv(las[LA_COLUMNS]),
        "indicator_metadata.csv": _csv(metadata_frame()),
        SCHEMA_FILE: json.dumps(datapackage(), indent=2) + "\n",
    }
    staged = []
    try:
        for name, text in files.items():
            handle, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.chmod(tmp, 0o644)
            staged.append((tmp, out_dir / name))
        for tmp, final in staged:
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.remove(tmp)


def _csv(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else (f"{v:.10g}"))
    return out.to_csv(index=False, lineterminator="\n")


def load_indicators_file(path: Path) -> pd.DataFrame:
    """Read and validate a tidy indicators.csv against the schema in its folder's datapackage.json."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"{path}: file not found")
    descriptor = path.parent / SCHEMA_FILE
    schema = None
    if descriptor.is_file():
        resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
        schema = next(r["schema"] for r in resources if r["name"] == "indicators")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return validate_indicators(frame, source=str(path), schema=schema)
