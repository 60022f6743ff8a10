"""Read one input file into a table of strings, or refuse it with a one-line reason.

Accepted: CSV in UTF-8 (with or without BOM) or Excel's Windows-1252, with CRLF, LF or CR line
ends; DfE LAIT Parquet. Refused: anything else (workbooks, PDFs, compressed or binary files,
UTF-16 text, web pages, JSON, semicolon- or tab-separated text), text mixing encodings, rows
with more or fewer fields than the header, duplicated or unnamed header columns holding data,
and files above ``MAX_FILE_BYTES`` or ``MAX_ROWS`` (checked before parsing, so a huge file
never fills memory).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from analyses.data.schema import DataFileError, UnrecognisedFileError

MAX_FILE_BYTES = 100_000_000  # 100 MB: DfE's largest local-authority CSV files are under 5 MB
MAX_ROWS = 500_000
LIMITS = f"the limits are {MAX_FILE_BYTES // 1_000_000} MB and {MAX_ROWS:,} rows"
SAVE_AS_CSV = "save it from Excel as 'CSV UTF-8 (Comma delimited)'"
DOWNLOAD_CSV = "download the data as CSV from explore-education-statistics instead"
MAGIC = (  # first bytes, what the file is, what to do
    (
        b"PK\x03\x04",
        "an Excel workbook (or a zip file)",
        f"{SAVE_AS_CSV}, or if it is EES's zip download, unzip it and import the CSV files in its data folder",
    ),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls)", SAVE_AS_CSV),
    (b"%PDF", "a PDF document", f"a PDF's tables cannot be imported; {DOWNLOAD_CSV}"),
    (b"\x1f\x8b", "a compressed (gzip) file", "decompress it and import the CSV file inside"),
    (b"\xff\xfe", "text saved as UTF-16 ('Unicode text')", SAVE_AS_CSV),
    (b"\xfe\xff", "text saved as UTF-16 ('Unicode text')", SAVE_AS_CSV),
)
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
TOKENIZING = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(path: Path) -> pd.DataFrame:
    """The file's table as strings, columns stripped; row label + 2 is the line number in the file."""
    path = Path(path)
    try:
        if not path.is_file():
            raise DataFileError(f"{path}: {'not a file' if path.exists() else 'file not found'}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataFileError(
                f"{path}: the file is {size / 1e6:,.0f} MB; {LIMITS} (keep only the areas and years you need)"
            )
        with path.open("rb") as handle:
            head = handle.read(4096)
            if head.startswith(b"PAR1"):
                return _read_parquet(path)
            raw = head + handle.read(MAX_FILE_BYTES + 1 - len(head))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise DataFileError(f"{path}: the file is over {MAX_FILE_BYTES // 1_000_000} MB; {LIMITS}")
    for magic, kind, advice in MAGIC:
        if raw.startswith(magic):
            raise UnrecognisedFileError(f"{path}: this is {kind}, not a CSV file; {advice}")
    if b"\x00" in head:
        raise UnrecognisedFileError(f"{path}: this is a binary file, not a CSV file; {SAVE_AS_CSV}")
    if raw.count(b"\n") > MAX_ROWS + 1 or (b"\n" not in raw and raw.count(b"\r") > MAX_ROWS + 1):
        raise DataFileError(
            f"{path}: the file has more than {MAX_ROWS:,} rows; {LIMITS} (keep only the areas and years you need)"
        )
    text = _decode(path, raw)
    start = text.lstrip()[:1]
    if not start:
        raise DataFileError(f"{path}: the file is empty")
    if start in "<{[":
        kind = "a web page or XML" if start == "<" else "JSON"
        raise UnrecognisedFileError(
            f"{path}: this looks like {kind}, not a CSV file; expected a header row of column names"
        )
    return _parse(path, text)


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(path).metadata.num_rows
        if rows > 10 * MAX_ROWS:  # LAIT's long table holds every measure: allow ten times the CSV limit
            raise DataFileError(f"{path}: the Parquet file has {rows:,} rows; the limit is {10 * MAX_ROWS:,}")
        return pd.read_parquet(path).astype(str)
    except DataFileError:
        raise
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataFileError(f"{path}: not a readable Parquet file ({' '.join(str(exc).split())})") from None


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 (BOM optional), else Windows-1252 (Excel's 'CSV'); never a guess that garbles names."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if UTF8_SEQUENCE.search(raw):
            raise DataFileError(
                f"{path}: byte {exc.start + 1} is not UTF-8 but other characters are: the file mixes "
                f"text encodings; {SAVE_AS_CSV}"
            ) from None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{path}: byte {exc.start + 1} is neither UTF-8 nor Windows-1252 text; {SAVE_AS_CSV}"
        ) from None


def _parse(path: Path, text: str) -> pd.DataFrame:
    header = _check_shape(path, text)
    for separator, name in ((";", "semicolons (;)"), ("\t", "tabs")):
        if len(header) == 1 and separator in header[0]:
            raise DataFileError(f"{path}: row 1: the columns are separated by {name}, not commas; {SAVE_AS_CSV}")
    names = [c.strip() for c in header]
    named = [c for c in names if c]
    for column in named:
        if named.count(column) > 1:
            raise DataFileError(
                f"{path}: row 1, column {column!r}: the column appears twice in the header; "
                "expected each column name once"
            )
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            header=0,
            names=[c or f"\0{i}" for i, c in enumerate(names)],
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataFileError(f"{path}: not a valid CSV file ({' '.join(str(exc).split())})") from None
    frame = frame[~(frame.isna() | (frame == "")).all(axis=1)]  # blank lines, and Excel's rows of commas
    for i, column in enumerate(names):
        if not column and i == 0 and _is_row_index(frame[f"\0{i}"]):
            continue  # R's write.csv and pandas' to_csv put the row numbers first, under no name
        if not column and (frame[f"\0{i}"].str.strip() != "").any():
            row = (frame[f"\0{i}"].str.strip() != "").idxmax()
            raise DataFileError(
                f"{path}: row {row + 2}, column {i + 1}: the column has values but no name in the "
                "header; expected a name for every column"
            )
    frame = frame[[c for c in frame.columns if not c.startswith("\0")]]
    if frame.empty or not len(frame.columns):
        raise DataFileError(f"{path}: the file has a header row but no data rows")
    return frame


def _is_row_index(cells: pd.Series) -> bool:
    """Row numbers counting from 0 or 1, as a program writes them before each row."""
    text = cells.str.strip().tolist()
    return any(text == [str(k) for k in range(start, start + len(text))] for start in (0, 1))


def _fields(n: int) -> str:
    return f"{n} field" if n == 1 else f"{n} fields"


def _check_shape(path: Path, text: str) -> list[str]:
    """The header; every other non-blank row must have as many fields (streamed: nothing is kept)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        for fields in reader:
            if fields and len(fields) != len(header):
                hint = " (a comma inside a value that is not in quotes?)" if len(fields) > len(header) else ""
                raise DataFileError(
                    f"{path}: row {reader.line_num}: found {_fields(len(fields))}; expected "
                    f"{len(header)}, as in the header{hint}"
                )
    except csv.Error as exc:
        raise DataFileError(f"{path}: row {reader.line_num}: not valid CSV ({exc})") from None
    return header
