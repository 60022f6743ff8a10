"""Every published file under reference-data that the guide does not import is refused with a fair reason."""

import pandas as pd
import pytest

from analyses.data.schema import DataFileError, UnrecognisedFileError
from analyses.ingest import privacy
from analyses.ingest.importer import import_files

CSC = "dfe-csc-outcomes-enablers"
AGGREGATE = "a published aggregate file, but not a layout this guide uses: "
LOOKUP = "a lookup of area codes and names, not statistics"

REFUSED = [
    (
        "dfe-cla-goodair/la_children_who_ceased_during_the_year_sgo_adoption.csv",
        AGGREGATE + "special guardianship orders by characteristic",
    ),
    (
        "dfe-cla-goodair/national_cla_who_were_the_subject_of_a_sgo_during_the_year.csv",
        AGGREGATE + "special guardianship orders by characteristic",
    ),
    (
        f"{CSC}/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
        AGGREGATE + "section 47 enquiries and initial child protection conferences",
    ),
    (f"{CSC}/d3_cpps_subsequent_plan_2013_to_2025.csv", AGGREGATE + "second or later child protection plans"),
    (f"{CSC}/LTLA-UTLA_Apr23_Lookup_England-Wales.csv", LOOKUP),
    (f"{CSC}/sn_model_2025_wide.csv", "a statistical neighbours table, not statistics"),
    (f"{CSC}/New_Statistical_Neighbour_Groupings_April_2021.csv", "column 'SNP': the column appears twice"),
    (f"{CSC}/mye23tablesew.xlsx", "an Excel workbook"),
    ("dfe-lait/lait_data_dictionary.csv", "a data dictionary (descriptions of measures), not statistics"),
    ("dfe-lookups/EnglishLaNameCodes.csv", LOOKUP),
    ("dfe-lookups/las.csv", LOOKUP),
    ("dfe-lookups/region_la_hierarchy.csv", LOOKUP),
    ("dfe-lookups/regions.csv", LOOKUP),
    (
        "ons-boundaries/Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC_4952317392296043005.geo.json",
        "this looks like JSON, not a CSV file",
    ),
]


@pytest.mark.parametrize(("name", "reason"), REFUSED, ids=[n.split("/")[-1][:40] for n, _ in REFUSED])
def test_unused_reference_files_are_refused_with_their_reason(reference, name, reason):
    with pytest.raises(DataFileError) as info:
        import_files([reference / name])
    message = str(info.value)
    assert reason in message and "\n" not in message
    assert "one row per child" not in message and "identify children" not in message


@pytest.mark.slow
def test_unused_files_are_skipped_beside_a_file_the_guide_reads(reference):
    """No refusal of a published file that holds no personal data stops a --skip-unrecognised batch,
    not even a neighbours table whose header repeats a column."""
    files = [reference / name for name, _ in REFUSED] + [
        reference / CSC / "d5_cpps_at31march_by_duration_2013_to_2025.csv"
    ]
    table, report = import_files(files, skip_unrecognised=True)
    assert len(report.skipped) == len(REFUSED) and set(table["indicator"]) >= {"cpp_31mar_count"}


def test_council_dates_do_not_open_a_door_for_childrens_dates(tmp_path):
    dates = ["01/04/2019", "02/05/2020"]
    lookup = pd.DataFrame(
        {"old_la_code": ["816", "815"], "la_name": ["York", "North Yorkshire"], "date_of_operation": dates}
    )
    privacy.check("las.csv", lookup)  # a council's start date is not personal data
    for frame in (lookup.drop(columns="old_la_code"), lookup.rename(columns={"date_of_operation": "referral_date"})):
        with pytest.raises(DataFileError, match="is an exact date"):
            privacy.check("records.csv", frame)
    child = lookup.assign(dob=["01/01/2015", "02/02/2016"])
    with pytest.raises(DataFileError, match="dates of birth"):
        privacy.check("records.csv", child)


def test_a_reference_table_is_not_a_way_round_the_privacy_check(tmp_path):
    path = tmp_path / "children.csv"
    pd.DataFrame({"la_name": ["York", "York"], "child_id": ["A1", "A2"]}).to_csv(path, index=False)
    with pytest.raises(DataFileError, match="identify children") as info:
        import_files([path])
    assert not isinstance(info.value, UnrecognisedFileError)
