"""Indicator documentation generated from the metadata and the data."""

import pytest

from analyses.data import dataset as data
from analyses.views import methods, wording


def test_coverage_is_counted_from_the_data(ds):
    eyfsp = methods.coverage(ds, "eyfsp_gld_pct")
    assert eyfsp["years"] == [2016, 2017, 2018, 2019, 2022, 2023, 2024, 2025]
    assert eyfsp["gaps"] == [2020, 2021] and eyfsp["las"] == 153
    assert methods.coverage(ds, "cla_kin_foster_inside_count")["levels"] == ["National"]


def test_coverage_in_words(ds):
    assert methods.coverage_text(ds, "eyfsp_gld_pct") == (
        "2016 to 2025 for England, regions and 153 local authorities; no values for 2020, 2021"
    )
    assert methods.coverage_text(ds, "cla_foster_count") == "2020 to 2024 for England"


def test_symbols_counted_with_their_meaning(ds):
    # every LA and area has an 'x' row for EYFSP in 2020 and 2021 (no assessment)
    assert list(methods.symbol_counts(ds, "eyfsp_gld_pct")) == ["x"]
    assert methods.symbols_text(ds, "population_0_17") == "none"
    assert methods.symbols_text(ds, "cao_exits_count").startswith("`")
    assert "(confidential)" in methods.symbols_text(ds, "cao_exits_count")


def test_every_indicator_is_documented(ds):
    text = methods.indicator_markdown(ds)
    for indicator in ds.metadata["indicator"]:
        assert f"(`{indicator}`)" in text
    assert "Licence: Open Government Licence v3.0" in text
    assert len(methods.overview(ds)) == len(ds.metadata)


def test_text_from_a_councils_file_cannot_inject_markup(ds):
    hostile = ds.metadata.copy()
    hostile.loc[0, "title"] = "<script>x</script> [link](http://bad)"
    doc = methods.indicator_markdown(data.Dataset(ds.indicators, ds.las, hostile))
    assert "<script>" not in doc and "&lt;script&gt;" in doc and "\\[link\\]" in doc


def test_overview_row(ds):
    row = methods.overview(ds).set_index("Id").loc["cla_foster_count"]
    assert (row["Unit"], row["Years"], row["LAs with a value"]) == ("count", "2020\u20132024", "England only")


@pytest.mark.parametrize(
    "status, text",
    [
        ("c", "suppressed (c)"),
        ("x", "not available (x)"),
        ("z", "not applicable (z)"),
        ("low", "suppressed (low)"),
        ("u", "withheld as unreliable (u)"),
        ("published", "not published"),
    ],
)
def test_symbols_in_words(status, text):
    assert wording.missing_phrase(status) == text
