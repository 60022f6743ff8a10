"""Chart data tables that list every local authority."""

import math

import pandas as pd
import pytest

from analyses.views import every_la


def comparison() -> pd.DataFrame:
    rows = [
        ("Camden", "selected", 2022, 10.0, "published"),
        ("Camden", "selected", 2023, math.nan, "c"),
        ("England", "England", 2022, 20.0, "published"),
        ("England", "England", 2023, 21.0, "published"),
        ("Islington", "neighbour", 2022, 5.0, "published"),
        ("Islington", "neighbour", 2023, 6.0, "derived"),
        ("Neighbours", "neighbour average", 2022, 5.0, "derived"),
        ("Neighbours", "neighbour average", 2023, 6.0, "derived"),
        ("London", "region", 2022, 8.0, "published"),  # no 2023 row at all
    ]
    return pd.DataFrame(rows, columns=["area", "role", "time_period", "value", "status"])


def all_las() -> pd.DataFrame:
    rows = [
        ("Camden", 2022, 10.0, "published"),
        ("Camden", 2023, math.nan, "c"),
        ("Islington", 2022, 5.0, "published"),
        ("Islington", 2023, 6.0, "derived"),
        ("Barnet", 2022, 0.0, "published"),
        ("Barnet", 2023, math.nan, "z"),
        ("Aldershot", 2022, 3.0, "published"),
        ("Aldershot", 2023, 4.0, "published"),
    ]
    return pd.DataFrame(rows, columns=["la_name", "time_period", "value", "status"])


def test_rows_in_chart_order_then_every_other_la_a_to_z():
    table = every_la.every_la_table(comparison(), all_las())
    assert list(table["Area"]) == ["Camden", "Neighbours", "London", "England", "Islington", "Aldershot", "Barnet"]
    assert list(table["Group"]) == [
        "Selected area",
        "Statistical neighbours (average)",
        "Region",
        "England",
        "Statistical neighbour",
        every_la.OTHER,
        every_la.OTHER,
    ]
    assert list(table.columns) == ["Area", "Group", 2022, 2023]


def test_suppressed_values_keep_their_symbol_and_zero_stays_zero():
    table = every_la.every_la_table(comparison(), all_las()).set_index("Area")
    assert table.loc["Camden", 2023] == "c"
    assert table.loc["Barnet", 2023] == "z"
    assert table.loc["Barnet", 2022] == 0.0
    assert table.loc["London", 2023] is None  # no row: no value


def test_unknown_role_is_refused():
    bad = comparison().assign(role="friend")
    with pytest.raises(ValueError, match="unknown roles"):
        every_la.every_la_table(bad, all_las())


def test_la_rows_cover_every_current_la(ds):
    rows = every_la.la_rows(ds, "cla_31mar_rate")
    assert rows["la_name"].nunique() == len(ds.current_las) == 153
    assert set(rows.columns) == {"la_name", "time_period", "value", "status"}
