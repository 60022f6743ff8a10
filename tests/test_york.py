"""The York chapter's own figures, charts and words, against the bundled data."""

import pytest

from analyses.data import dataset as data
from analyses.models import benchmark
from analyses.views import profile as pv
from analyses.views import york as yv


def local(ds, area):
    profile = benchmark.profile(ds, area)
    return profile if area.is_england else pv.local_rows(profile)


def test_york_in_numbers(ds):
    text = yv.in_numbers(ds)
    assert (
        "On 31 March 2025, 240 children were looked after by the council, 69 per 10,000 children against 67 "
        "in England" in text
    )


def test_eyfsp_chart_marks_the_break_and_states_the_finding(ds):
    fig, table, alt = yv.eyfsp_chart(ds)
    assert pv.plain_title(fig) == (
        "In 2025, 71.4% of York's five-year-olds reached a good level of development, against 68.3% in England"
    )
    assert fig.layout.shapes[-1].x0 == yv.EYFSP_BREAK
    assert "No assessment in 2020 or 2021" in fig.layout.annotations[-1].text
    assert "In 2025 York was at 71.4% and England at 68.3%." in alt and len(table) > 0


def test_looked_after_chart(ds):
    fig, _, alt = yv.looked_after_chart(ds)
    assert "York looked after 69 children per 10,000, against 67 in England" in pv.plain_title(fig)
    assert "York was at" in alt


@pytest.mark.parametrize("la", ["York", "Isles of Scilly", "City of London", "Cumberland", "England"])
def test_key_points_and_profile_text_work_for_any_area(ds, la):
    area = data.ENGLAND if la == "England" else ds.area(la)
    rows = local(ds, area)
    points = yv.key_points(ds, area, rows).splitlines()
    assert 2 <= len(points) <= 5 and all(p.startswith("- ") for p in points)
    assert "nan" not in " ".join(points) and "None" not in " ".join(points)
    text = yv.profile_text(ds, area, rows)
    assert text.startswith(f"**{area.name}**") or text.startswith("**England.**")


def test_york_key_points(ds):
    york = ds.area("York")
    points = yv.key_points(ds, york, local(ds, york))
    assert "- York differs from England by more than chance would explain on one of the 7 indicators" in points
    assert "- On 31 March 2025, York looked after 69 children per 10,000, more than England's 67." in points


def test_city_of_london_key_points_say_its_rate_is_not_published(ds):
    london = ds.area("City of London")
    assert "City of London's rate of children looked after in 2025 is not published." in yv.key_points(
        ds, london, local(ds, london)
    )
