"""A corpus of bad input files: each gets its own clear one-line error and leaves no output.

The corpus is generated here (small files; the huge one is sparse). Every file is checked
in-process (the exact message) and through the command line (exit code 2, one stderr line,
no traceback, no output folder, inputs and the bundled data untouched).
"""

import gzip
import hashlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyses.cli import main
from analyses.data import lookups
from analyses.data.paths import DATA_DIR, ROOT
from analyses.data.schema import DataFileError, TableError
from analyses.ingest.importer import import_files
from analyses.ingest.rawfiles import MAX_FILE_BYTES, MAX_ROWS

EES = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,new_la_code,la_name,CPP_At31"
)
LAS = lookups.load_local_authorities()
TIDY = (
    "indicator,time_period,geographic_level,region_code,region_name,old_la_code,new_la_code,la_name,value,status,source"
)


def ees_row(
    value="240",
    year="2025",
    level="Local authority",
    region="E12000003",
    region_name="Yorkshire and The Humber",
    code="816",
    gss="E06000014",
    name="York",
):
    return f"{year},Reporting year,{level},E92000001,England,{region},{region_name},{code},{gss},{name},{value}"


def tidy_row(
    indicator="cpp_31mar_count",
    year="2026",
    level="Local authority",
    region="",
    region_name="",
    code="816",
    gss="",
    name="York",
    value="240",
    status="published",
    source="my export",
):
    return f"{indicator},{year},{level},{region},{region_name},{code},{gss},{name},{value},{status},{source}"


def text(*lines, end="\n"):
    return (end.join(lines) + end).encode("utf-8")


def many(n, **row):
    return [ees_row(**row)] * n


CORPUS = {
    # name: (content, pattern the one-line message must match)
    "empty.csv": (b"", "the file is empty"),
    "bom-only.csv": (b"\xef\xbb\xbf\r\n", "the file is empty"),
    "header-only.csv": (text(EES), "header row but no data rows"),
    "tidy-header-only.csv": (text(TIDY), "header row but no data rows"),
    "no-time-period.csv": (
        text("geographic_level,la_name,CPP_At31", "National,,10"),
        r"row 1: column 'time_period' is missing",
    ),
    "unknown-layout.csv": (text("time_period,geographic_level,widgets", "2025,National,4"), "layout not recognised"),
    "tidy-missing-status.csv": (
        text(TIDY.replace(",status", ""), tidy_row().replace(",published", "")),
        r"missing column\(s\) status",
    ),
    "duplicated-rows.csv": (
        text(EES, ees_row(), ees_row("250")),
        r"row 3, column 'CPP_At31': a second row for cpp_31mar_count, 2025, York \(the first is row 2\)",
    ),
    "tidy-duplicated-rows.csv": (
        text(TIDY, tidy_row(), tidy_row(value="250")),
        r"row 3, column 'indicator': duplicated row",
    ),
    "unknown-la-code.csv": (
        text(EES, ees_row(code="999")),
        r"row 2, column 'old_la_code': '999' \(York\) is not a DfE local authority code",
    ),
    "tidy-unknown-la-code.csv": (text(TIDY, tidy_row(code="998")), r"row 2, column 'old_la_code': '998'"),
    "name-disagrees.csv": (
        text(EES, ees_row(name="Leeds")),
        r"row 2, column 'la_name': 'Leeds' does not match old_la_code 816, which is York",
    ),
    "gss-disagrees.csv": (
        text(EES, ees_row(gss="E08000035")),
        r"column 'new_la_code': 'E08000035' does not match old_la_code 816",
    ),
    "region-name-disagrees.csv": (
        text(EES, ees_row(level="Regional", region_name="London", code="", gss="", name="")),
        r"column 'region_name': 'London' does not match region_code E12000003",
    ),
    "unknown-region.csv": (
        text(EES, ees_row(level="Regional", region="E12000099", code="", gss="", name="")),
        r"column 'region_code': found 'E12000099'",
    ),
    "unknown-level.csv": (text(EES, ees_row(level="Ward")), r"column 'geographic_level': found 'Ward'"),
    "not-a-number.csv": (
        text(EES, ees_row("lots")),
        r"row 2, column 'CPP_At31': found 'lots'; expected a number or a published symbol",
    ),
    "empty-cell.csv": (text(EES, ees_row("")), r"found an empty cell; expected a number"),
    "infinity.csv": (text(EES, ees_row("inf")), r"found 'inf'; expected a number"),
    "negative-count.csv": (
        text(EES, ees_row("-4")),
        r"found '-4' for cpp_31mar_count; expected a whole number, 0 or more",
    ),
    "fractional-count.csv": (text(EES, ees_row("2.5")), r"found '2.5' for cpp_31mar_count; expected a whole number"),
    "percent-over-100.csv": (
        text(TIDY, tidy_row("rereferrals_pct", value="104")),
        r"row 2, column 'value': found 104 for rereferrals_pct; expected a percentage from 0 to 100",
    ),
    "percent-over-100-ees.csv": (
        text(
            "time_period,time_identifier,geographic_level,country_code,country_name,Referrals,Re_referrals_percent",
            "2024,Reporting year,National,E92000001,England,1000,130",
        ),
        r"column 'Re_referrals_percent': found '130'.*percentage from 0 to 100",
    ),
    "rate-out-of-range.csv": (
        text(TIDY, tidy_row("cla_31mar_rate", value="12000")),
        r"rate per 10,000 children from 0 to 10,000",
    ),
    "negative-rate.csv": (
        text(
            "time_period,time_identifier,geographic_level,country_code,country_name,At31_episodes,At31_episodes_rate",
            "2024,Reporting year,National,E92000001,England,400000,-5",
        ),
        r"column 'At31_episodes_rate': found '-5'",
    ),
    "year-with-slash.csv": (text(EES, ees_row(year="2024/25")), r"row 2, column 'time_period': found '2024/25'"),
    "year-span-wrong.csv": (text(EES, ees_row(year="202426")), r"column 'time_period': found '202426'"),
    "tidy-year-text.csv": (text(TIDY, tidy_row(year="FY2025")), r"row 2, column 'time_period': found 'FY2025'"),
    "renamed-workbook.csv": (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "Excel workbook"),
    "old-workbook.csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, r"old-style Excel workbook \(.xls\)"),
    "document.csv": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    "compressed.csv": (gzip.compress(text(EES, ees_row()), mtime=0), r"compressed \(gzip\)"),
    "utf16.csv": ((EES + "\n" + ees_row() + "\n").encode("utf-16"), "UTF-16"),
    "web-page.csv": (b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n", "web page"),
    "json.csv": (b'{"time_period": 2025}\n', "JSON"),
    "binary.csv": (b"time_period\x00\x01\x02\x03", "binary file"),
    "not-windows-1252.csv": (
        text(EES) + b"2025,\x81\x8d,National,E92000001,England,,,,,,4\n",
        "neither UTF-8 nor Windows-1252",
    ),
    "mixed-encodings.csv": (
        text(EES, ees_row(name="Caf\u00e9")) + ees_row(name="Caf\xe9").encode("cp1252"),
        "mixes text encodings",
    ),
    "too-many-fields.csv": (text(EES, ees_row("1,234")), r"row 2: found 12 fields; expected 11, as in the header"),
    "too-few-fields.csv": (text(EES, ees_row(), "2025,Reporting year,National"), r"row 3: found 3 fields; expected 11"),
    "semicolons.csv": (
        text(EES.replace(",", ";"), ees_row().replace(",", ";")),
        r"row 1: the columns are separated by semicolons",
    ),
    "tabs.csv": (
        text(EES.replace(",", "\t"), ees_row().replace(",", "\t")),
        r"row 1: the columns are separated by tabs",
    ),
    "unclosed-quote.csv": (text(EES, ees_row('"240')), "not a valid CSV file"),
    "header-twice.csv": (text(EES + ",CPP_At31", ees_row() + ",5"), r"column 'CPP_At31': the column appears twice"),
    "huge.csv": (MAX_FILE_BYTES + 1, r"the file is 100 MB; the limits are 100 MB and 500,000 rows"),
    "too-many-rows.csv": (text("time_period", *["2025"] * (MAX_ROWS + 1)), "more than 500,000 rows"),
    "damaged.parquet": (b"PAR1" + b"\x00" * 32, "not a readable Parquet file"),
    "names.csv": (
        text("child_first_name,old_la_code,count", "Sam,816,1"),
        r"column 'child_first_name' looks like it holds names",
    ),
    "dates-of-birth.csv": (
        text(EES + ",DOB", ees_row() + ",01/02/2015"),
        r"column 'DOB' looks like it holds dates of birth",
    ),
    "upn.csv": (
        text("UPN,la", "A123456789012,York"),
        r"column 'UPN' looks like it holds unique pupil or learner numbers",
    ),
    "nhs-number.csv": (
        text("NHS Number,la", "943 476 5919,York"),
        r"column 'NHS Number' looks like it holds NHS numbers",
    ),
    "postcode.csv": (
        text("time_period,Post Code", "2025,YO1 7HH"),
        r"column 'Post Code' looks like it holds postcodes",
    ),
    "address.csv": (text("time_period,address_line_1", "2025,1 High Street"), "addresses"),
    "case-ids.csv": (
        text(EES + ",CaseID", ees_row() + ",C-0042"),
        r"column 'CaseID' looks like it holds case, person or child",
    ),
    "postcode-values.csv": (
        text(EES + ",notes", ees_row() + ",YO24 1AB"),
        r"row 2, column 'notes': 'YO24 1AB' looks like one of the postcodes",
    ),
    "exact-dates.csv": (
        text(
            EES + ",referred", ees_row() + ",2024-03-14", ees_row(code="370", gss="", name="Barnsley") + ",2024-05-02"
        ),
        r"column 'referred': '2024-03-14' is an exact date",
    ),
    "one-row-per-child.csv": (text(EES, *many(5, value="1")), r"this looks like one row per child"),
    "records.csv": (
        text("la,year,sex,age,legal_status", "York,2025,F,7,C2", "York,2025,M,12,V2"),
        r"columns 'sex', 'age', 'legal_status' describe individual children",
    ),
    "tidy-bad-status.csv": (
        text(TIDY, tidy_row(status="suppressed", value="")),
        r"row 2, column 'status': found 'suppressed'",
    ),
    "tidy-value-and-symbol.csv": (
        text(TIDY, tidy_row(status="c")),
        "a value must be present exactly when status is published",
    ),
    "tidy-unknown-indicator.csv": (
        text(TIDY, tidy_row("cpp_rate_typo")),
        r"row 2, column 'indicator': found 'cpp_rate_typo'",
    ),
    "tidy-script-source.csv": (
        text(TIDY, tidy_row(source="<script>alert(1)</script>")),
        r"column 'source': found '<script>alert\(1\)</script>'; expected plain text without < or >",
    ),
    "tidy-script-name.csv": (
        text(TIDY, tidy_row(name="<script>alert(1)</script>")),
        r"column 'la_name'.*without < or >",
    ),
    "<b>bold.csv": (text(EES, ees_row()), "the file name contains < or >"),
}


def write(folder: Path, name: str) -> Path:
    content, _ = CORPUS[name]
    path = folder / name
    if isinstance(content, int):  # a sparse file of that many bytes
        with path.open("wb") as handle:
            handle.truncate(content)
    else:
        path.write_bytes(content)
    return path


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_gets_its_one_line_error(name, tmp_path, ds):
    path = write(tmp_path, name)
    with pytest.raises((DataFileError, TableError)) as info:
        import_files([path], base=ds.indicators, published=ds.indicators)
    message = str(info.value)
    assert re.search(CORPUS[name][1], message), message
    assert message.startswith(path.name) and "\n" not in message


def digest(paths) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def assert_refused(name, code, stdout, stderr, out):
    assert code == 2, (name, stderr)
    assert "Traceback" not in stderr and stderr.count("\n") == 1 and stderr.startswith("error: "), (name, stderr)
    assert re.search(CORPUS[name][1], stderr), (name, stderr)
    assert stdout == "" and not out.exists(), name


@pytest.mark.slow
def test_cli_refuses_every_bad_file_and_writes_nothing(tmp_path, capsys):
    """Through ``cli.main`` (``--no-base``: the file checks do not depend on it; the test below uses the default)."""
    bundled = digest(sorted(DATA_DIR.iterdir()))
    inputs = {name: write(tmp_path, name) for name in CORPUS}
    before = digest(inputs.values())
    for i, name in enumerate(sorted(CORPUS)):
        out = tmp_path / f"out-{i}"
        code = main(["import", str(inputs[name]), "--out", str(out), "--no-base"])
        captured = capsys.readouterr()
        assert_refused(name, code, captured.out, captured.err, out)
    assert digest(inputs.values()) == before
    assert digest(sorted(DATA_DIR.iterdir())) == bundled
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CORPUS), "a partial output was left behind"


# One file of each kind of failure, through a real ``python -m analyses`` process.
END_TO_END = [
    "empty.csv",
    "renamed-workbook.csv",
    "huge.csv",
    "too-many-rows.csv",
    "names.csv",
    "not-a-number.csv",
    "duplicated-rows.csv",
    "tidy-script-source.csv",
    "unknown-la-code.csv",
    "utf16.csv",
    "records.csv",
]


@pytest.mark.slow
def test_python_m_analyses_refuses_bad_files_end_to_end(tmp_path):
    def run(name):
        out = tmp_path / f"out-{name}"
        result = subprocess.run(
            [sys.executable, "-m", "analyses", "import", str(write(tmp_path, name)), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return name, result, out

    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, result, out in pool.map(run, END_TO_END):
            assert_refused(name, result.returncode, result.stdout, result.stderr, out)


# Property-based: whatever bytes arrive, the importer answers with a table that meets the schema
# or with a one-line DataFileError/TableError, never another exception.
COLUMNS = [
    *EES.split(","),
    *TIDY.split(","),
    "At31_episodes",
    "At31_episodes_rate",
    "Referrals",
    "Re_referrals_percent",
    "population_estimate",
    "age_group",
    "characteristic",
    "cla_group",
    "number",
    "population_type",
    "children_count",
    "rate_per_10000",
    "Domestic_Abuse_child",
    "Domestic_Abuse_parent",
    "Domestic_Abuse_person",
    "gld_percentage",
    "sex",
    "name",
    "",
    " time_period ",
    "TIME_PERIOD",
]
CELLS = [
    "2025",
    "202425",
    "2024/25",
    "1990",
    "National",
    "Regional",
    "Local authority",
    "local authority district",
    "E12000003",
    "E13000001",
    "Yorkshire and The Humber",
    "816",
    "370",
    "999",
    "E06000014",
    "York",
    "Leeds",
    "",
    "0",
    "1",
    "3",
    "6",
    "240",
    "-1",
    "2.5",
    "1e3",
    "1,234",
    "101",
    "10001",
    "c",
    "x",
    "z",
    "k",
    "low",
    "u",
    "C",
    "nan",
    "inf",
    "published",
    "derived",
    "cpp_31mar_count",
    "rereferrals_pct",
    "cla_31mar_rate",
    "population_0_17",
    "Children aged 0 to 17 years",
    "Total",
    "Looked after at 31 March",
    "Special guardianship orders",
    "é–ü",
    "<b>",
    '"',
    "\r",
    "\n",
    " ",
    ",",
    "YO1 7HH",
]


def check_import(path: Path, ds) -> None:
    from analyses.data import tables

    try:
        table, _ = import_files([path], las=LAS, published=ds.indicators)
    except (DataFileError, TableError) as exc:
        assert str(exc).startswith(path.name) and "\n" not in str(exc), str(exc)
        return
    as_text = table.astype(object).where(table.notna(), "").astype(str)
    as_text["value"] = table["value"].map(lambda v: "" if v != v else f"{v:.10g}")
    tables.validate_indicators(as_text, source="imported")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz") / "input.csv"


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=3000))
def test_random_bytes_never_crash_the_importer(content, scratch, ds):
    scratch.write_bytes(content)
    check_import(scratch, ds)


@settings(max_examples=300, deadline=None)
@given(
    header=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=14),
    cells=st.lists(st.lists(st.one_of(st.sampled_from(CELLS), st.text(max_size=8)), max_size=16), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
@pytest.mark.slow
def test_random_csv_tables_never_crash_the_importer(header, cells, encoding, newline, scratch, ds):
    lines = [",".join(header)] + [",".join(row) for row in cells]
    scratch.write_bytes((newline.join(lines) + newline).encode(encoding, errors="replace"))
    check_import(scratch, ds)


@settings(max_examples=120, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "value": st.sampled_from(CELLS),
                "year": st.sampled_from(["2025", "2024", "202425", "x"]),
                "level": st.sampled_from(["National", "Regional", "Local authority", "Ward"]),
                "code": st.sampled_from(["816", "370", "", "999", "1"]),
                "name": st.sampled_from(["York", "Barnsley", "", "Leeds"]),
            }
        ),
        min_size=1,
        max_size=12,
    ),
    tidy=st.booleans(),
)
@pytest.mark.slow
def test_random_rows_in_known_layouts_never_crash_the_importer(rows, tidy, scratch, ds):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TIDY.split(",") if tidy else EES.split(","))
    for r in rows:
        if tidy:
            writer.writerow(
                [
                    "cpp_31mar_count",
                    r["year"],
                    r["level"],
                    "",
                    "",
                    r["code"],
                    "",
                    r["name"],
                    r["value"],
                    "published" if r["value"] not in ("c", "x", "") else r["value"] or "c",
                    "mine",
                ]
            )
        else:
            writer.writerow(
                [
                    r["year"],
                    "Reporting year",
                    r["level"],
                    "E92000001",
                    "England",
                    "E12000003",
                    "Yorkshire and The Humber",
                    r["code"],
                    "",
                    r["name"],
                    r["value"],
                ]
            )
    scratch.write_text(buffer.getvalue(), encoding="utf-8")
    check_import(scratch, ds)


@pytest.mark.parametrize(
    "column, what",
    [
        ("FirstName", "names"),
        ("Surname", "names"),
        ("name", "names"),
        ("Date of Birth", "dates of birth"),
        ("NHSNumber", "NHS numbers"),
        ("Former UPN", "unique pupil or learner numbers (UPN, ULN)"),
        ("ChildID", "case, person or child identifiers"),
        ("Mosaic ID", "case, person or child identifiers"),
        ("Post Code", "postcodes"),
        ("email", "email addresses or phone numbers"),
        # aggregate columns of DfE and ONS files are not personal data
        ("la_name", None),
        ("LA Name", None),
        ("region_name", None),
        ("children_number", None),
        ("referral_count", None),
        ("number", None),
        ("lad_name", None),
        ("cla_group", None),
        ("y_axis_name", None),
        ("Episodes_with_assessment_factor", None),
    ],
)
def test_personal_data_columns_are_recognised_by_name(column, what):
    from analyses.ingest.privacy import identifying_column

    assert identifying_column(column) == what
