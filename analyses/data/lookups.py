"""The local authority lookup: codes, names, regions and statistical neighbours.

Built once from DfE's published lookups (``build_local_authorities``) into
``data/local_authorities.csv``, which everything else reads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analyses.data.geography import name_key
from analyses.data.paths import DATA_DIR
from analyses.data.schema import LA_COLUMNS, TableError

REFERENCE_DATE = date(2025, 3, 31)  # the latest data year's reference date: GSS codes in force then
REGIONS = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
    "E13000001": "Inner London",
    "E13000002": "Outer London",
}


def region_codes() -> dict[str, str]:
    """Lower-case region name -> GSS region code."""
    names = {name.lower(): code for code, name in REGIONS.items()}
    names.update({"london (inner)": "E13000001", "london (outer)": "E13000002"})  # LAIT's spelling
    return names


def _read(path: Path, required: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else " ".join(str(exc).split())
        raise TableError(f"{path}: cannot be read as a lookup table ({reason})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise TableError(f"{path}: row 1: missing column(s) {', '.join(missing)} of the lookup table")
    return frame


def _in_force(row: pd.Series) -> bool:
    start = pd.to_datetime(row["date_of_operation"], dayfirst=True).date()
    end = pd.to_datetime(row["date_of_termination"], dayfirst=True).date() if row["date_of_termination"] else None
    return start <= REFERENCE_DATE and (end is None or end >= REFERENCE_DATE)


def build_local_authorities(sn_model: Path, las_list: Path) -> pd.DataFrame:
    """Join DfE's 2025 statistical neighbour model (153 LAs) with the EES LA list.

    Current LAs take the GSS code in force on REFERENCE_DATE (Barnsley and Sheffield changed
    code in May 2025; the data still use the earlier codes); other codes that share the same
    3-digit code are kept as ``other_gss_codes``. LAs abolished in the reorganisations since
    2009 are kept with status ``historic`` so older files can be read and their rows set aside.
    """
    sn = _read(sn_model, ["old_la_code", "la_name", *[f"SN_{i}" for i in range(1, 11)]])
    las = _read(
        las_list,
        ["new_la_code", "la_name", "date_of_operation", "date_of_termination", "parent_geography_code", "old_la_code"],
    )
    las = las[las["old_la_code"].str.fullmatch(r"\d{3}")]
    rows = []
    for _, s in sn.iterrows():
        options = las[las["old_la_code"] == s["old_la_code"]]
        in_force = options[options.apply(_in_force, axis=1)]
        if len(in_force) != 1:
            raise ValueError(f"{las_list}: expected one GSS code in force for {s['la_name']} ({s['old_la_code']})")
        current = in_force.iloc[0]
        region = current["parent_geography_code"]
        rows.append(
            {
                "new_la_code": current["new_la_code"],
                "old_la_code": s["old_la_code"],
                "la_name": current["la_name"],
                "region_code": region,
                "region_name": REGIONS[region],
                "status": "current",
                "other_gss_codes": "|".join(sorted(set(options["new_la_code"]) - {current["new_la_code"]})),
                **{f"sn_{i}": s[f"SN_{i}"].strip() for i in range(1, 11)},
            }
        )
    current_codes = set(sn["old_la_code"])
    for code, group in las[~las["old_la_code"].isin(current_codes)].groupby("old_la_code"):
        last = group.iloc[-1]
        rows.append(
            {
                "new_la_code": last["new_la_code"],
                "old_la_code": code,
                "la_name": last["la_name"],
                "region_code": last["parent_geography_code"],
                "region_name": REGIONS.get(last["parent_geography_code"], ""),
                "status": "historic",
                "other_gss_codes": "|".join(sorted(set(group["new_la_code"]) - {last["new_la_code"]})),
                **{f"sn_{i}": "" for i in range(1, 11)},
            }
        )
    frame = pd.DataFrame(rows, columns=LA_COLUMNS)
    return frame.sort_values(["status", "old_la_code"]).reset_index(drop=True)


def load_local_authorities(data_dir: Path | None = None) -> pd.DataFrame:
    """The LA lookup from ``data_dir`` (default: the bundled data)."""
    return _read(Path(data_dir or DATA_DIR) / "local_authorities.csv", LA_COLUMNS)


def lookup_of(data_dir: str | Path | None) -> pd.DataFrame:
    """The LA lookup a data folder carries, or the bundled one when it has none (or no folder is given)."""
    folder = Path(data_dir) if data_dir and (Path(data_dir) / "local_authorities.csv").is_file() else None
    return load_local_authorities(folder)


def with_match_keys(las: pd.DataFrame) -> pd.DataFrame:
    """Add the name keys and GSS codes that a row of a published file may use for each LA."""
    las = las.copy()
    las["name_keys"] = las["la_name"].map(name_key)
    las["gss_codes"] = las["new_la_code"] + "|" + las["other_gss_codes"]
    return las
