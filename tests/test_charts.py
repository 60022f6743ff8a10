"""Behaviour of the accessible chart helpers and the book's plotly renderer."""

import base64
import math
import re
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go
import pytest

import analyses.views.charts as charts
from analyses.models import benchmark, demand, domestic_abuse, fgc
from analyses.models import tiers as widget_tiers
from analyses.views import demand as demand_view
from analyses.views import domestic_abuse as domestic_abuse_charts
from analyses.views import fgc as fgc_view
from analyses.views import profile as profile_view
from analyses.views import renderer
from analyses.workshop import static as widget_static
from analyses.workshop import views as widget_views

HOSTILE = "<script>alert(1)</script>"


class _TableFields(HTMLParser):
    """Each table cell's CSV field as chart_access.js reads it: its data-csv value, else its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = [dict(attrs)["data-csv"]] if "data-csv" in dict(attrs) else []
            self.fixed = "data-csv" in dict(attrs)

    def handle_data(self, data):
        if self.cell is not None and not self.fixed:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append("".join(self.cell))
            self.cell = None


def csv_download(extras: str) -> str:
    """The CSV a chart's download link gives: made from its table as the browser makes it
    (tests/test_csv_download.py holds chart_access.js to the same)."""
    link = re.search(r"<a download=[^>]*>", extras).group(0)
    if "data:text/csv" in link:  # the workshop's inline form
        return base64.b64decode(re.search(r"base64,([^\"]*)\"", link).group(1)).decode()
    assert "data-efp-csv" in link and "hidden" in link
    parser = _TableFields()
    parser.feed(re.search(r"<table.*?</table>", extras, re.S).group(0))
    return charts.csv_from_fields(parser.rows)


def trend_frame() -> pd.DataFrame:
    """Three years for each role; Camden 2022 is suppressed but arrives as 0."""
    rows = []
    areas = [
        ("Camden", "selected"),
        ("Statistical neighbours", "neighbour average"),
        ("Inner London", "region"),
        ("England", "England"),
        ("Islington", "neighbour"),
        (HOSTILE, "neighbour"),
    ]
    for offset, (area, role) in enumerate(areas):
        for year in (2021, 2022, 2023):
            status = "derived" if role == "neighbour average" else "published"
            rows.append(
                {"area": area, "time_period": year, "value": 40.0 + offset + year % 10, "status": status, "role": role}
            )
    frame = pd.DataFrame(rows)
    camden_2022 = (frame["area"] == "Camden") & (frame["time_period"] == 2022)
    frame.loc[camden_2022, ["value", "status"]] = [0.0, "c"]
    return frame


def html_bundle(fig) -> str:
    return charts.RENDERER.to_mimebundle(fig.to_plotly_json())["text/html"]


def trace(fig, name: str):
    return next(t for t in fig.data if t.name == name)


def test_show_emits_offline_html_and_plotly_json(monkeypatch):
    monkeypatch.delenv(renderer.PAGE_OUTPUT, raising=False)
    shown = []
    monkeypatch.setattr(charts, "display", lambda obj, raw=False: shown.append(obj))
    charts.show(charts.trend_chart(trend_frame(), "t", "y"), charts.chart_table(trend_frame()), "alt")
    bundle = shown[0]
    assert set(bundle) == {"text/html", "application/vnd.plotly.v1+json"}
    assert bundle["application/vnd.plotly.v1+json"]["config"]["displaylogo"] is False
    assert bundle["application/vnd.plotly.v1+json"]["layout"]["template"]["layout"]["font"]["family"] == charts.FONT


def test_a_kept_chart_is_drawn_once_and_shown_as_show_shows_it(monkeypatch, ds):
    shown, drawn = [], []
    monkeypatch.setattr(charts, "display", lambda obj, raw=False: shown.append((obj, raw)))

    def view(name):
        drawn.append(name)
        return charts.trend_chart(trend_frame(), name, "y"), charts.chart_table(trend_frame()), "alt"

    for _ in range(3):
        charts.show_kept(ds, "test: a chart the same in every report", view, "Camden")
    charts.show(*view("Camden"))
    assert drawn == ["Camden", "Camden"]  # once kept, once for show
    html = [(obj.data if hasattr(obj, "data") else obj["text/html"], raw) for obj, raw in shown]
    assert len(html) == 8 and html[0:2] == html[2:4] == html[4:6] == html[6:8]


def test_report_kernels_get_only_the_pages_html(monkeypatch):
    fig = charts.trend_chart(trend_frame(), "t", "y").to_plotly_json()
    monkeypatch.delenv(renderer.PAGE_OUTPUT, raising=False)
    both = charts.RENDERER.to_mimebundle(fig)
    monkeypatch.setenv(renderer.PAGE_OUTPUT, "1")
    assert charts.RENDERER.to_mimebundle(fig) == {"text/html": both["text/html"]}


def test_chart_html_is_offline_and_has_no_logo_or_mathjax():
    html = html_bundle(charts.trend_chart(trend_frame(), "t", "y"))
    assert 'class="plotly-graph-div"' in html
    assert "http://" not in html and "https://" not in html
    assert "mathjax" not in html.lower()
    # chart_access.js sizes the chart to its column (plotly's "responsive" collapsed charts on resize)
    assert re.search(r'"displaylogo":\s*false', html) and re.search(r'"responsive":\s*false', html)
    assert 'class="efp-chart" style="--efp-h:' in html and 'data-efp-chart="' in html


def test_div_id_is_deterministic():
    first = html_bundle(charts.trend_chart(trend_frame(), "Rates rose", "y"))
    again = html_bundle(charts.trend_chart(trend_frame(), "Rates rose", "y"))
    other = html_bundle(charts.trend_chart(trend_frame(), "Rates fell", "y"))
    ids = [
        re.search(r'<div id="(chart-[0-9a-f]{12})" class="plotly-graph-div"', h).group(1) for h in (first, again, other)
    ]
    assert ids[0] == ids[1] != ids[2]
    assert first == again


def test_trend_lines_use_the_palette_and_differ_by_more_than_colour():
    fig = charts.trend_chart(trend_frame(), "t", "y")
    labelled = [trace(fig, name) for name in ("Camden", "Statistical neighbours", "Inner London", "England")]
    assert {t.line.color for t in labelled} <= set(charts.PALETTE)
    assert len({t.line.dash for t in labelled}) == 4
    assert len({t.marker.symbol for t in labelled}) == 4
    assert trace(fig, "Islington").line.color == charts.NEIGHBOUR_GREY
    assert fig.layout.showlegend is False or (
        fig.layout.showlegend is None and fig.layout.template.layout.showlegend is False
    )
    assert fig.layout.hovermode == "closest"
    end_labels = " ".join(a.text for a in fig.layout.annotations)
    for name in ("Camden", "Statistical neighbours", "Inner London", "England"):
        assert name.split()[0] in end_labels


def test_selected_line_is_drawn_last_and_highlight_can_move_it():
    fig = charts.trend_chart(trend_frame(), "t", "y")
    assert fig.data[-1].name == "Camden"
    moved = charts.trend_chart(trend_frame(), "t", "y", highlight="Islington")
    assert moved.data[-1].name == "Islington"
    assert trace(moved, "Camden").line.color == charts.NEIGHBOUR_GREY
    with pytest.raises(ValueError):
        charts.trend_chart(trend_frame(), "t", "y", highlight="Atlantis")


def test_suppressed_values_are_gaps_never_zero():
    fig = charts.trend_chart(trend_frame(), "t", "y")
    camden = trace(fig, "Camden")
    assert camden.y[1] is None
    assert 0 not in [y for y in camden.y if y is not None]
    assert camden.text[1] == "suppressed (c)"
    assert camden.hovertemplate == "Camden<br>%{x}: %{text}<extra></extra>"
    note = fig.layout.annotations[-1].text
    assert "Camden's figure for 2022 is withheld to protect confidentiality" in note

    table = charts.chart_table(trend_frame())
    camden_row = table.data[table.data["Area"] == "Camden"].iloc[0]
    assert camden_row[2022] == "c"
    extras = charts.chart_extras_html(table, "Alt text.")
    csv = csv_download(extras)
    camden_csv = next(line for line in csv.splitlines() if line.startswith("Camden"))
    assert camden_csv.split(",")[2] == "c"


def test_missing_values_are_gaps_too():
    frame = trend_frame()
    frame.loc[frame["area"] == "England", "value"] = math.nan
    england = trace(charts.trend_chart(frame, "t", "y"), "England")
    assert list(england.y) == [None, None, None]


def test_names_are_escaped_everywhere():
    frame = trend_frame()
    fig = charts.trend_chart(frame, f"Title {HOSTILE}", HOSTILE)
    table = charts.chart_table(frame)
    page = html_bundle(fig) + charts.chart_extras_html(table, f"Alt {HOSTILE}", charts._csv_name(fig))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    bar = charts.comparison_bar([HOSTILE], {HOSTILE: [1.0]}, HOSTILE)
    assert "<script>alert" not in html_bundle(bar)


def test_text_alternative_and_data_table_are_shown(monkeypatch):
    shown = []
    monkeypatch.setattr(charts, "display", lambda obj, raw=False: shown.append(obj))
    fig = charts.trend_chart(trend_frame(), "Camden's rate rose", "Rate")
    charts.show(fig, charts.chart_table(trend_frame()), "Camden's rate rose from 41 to 43.")
    assert "Camden&#x27;s rate rose" in shown[0]["text/html"]
    extras = shown[1].data
    assert '<p class="chart-alt">Camden&#x27;s rate rose from 41 to 43.</p>' in extras
    assert "<details" in extras and "Data table for this chart" in extras
    assert 'download="camden-s-rate-rose.csv"' in extras
    assert "<table" in extras and "Inner London" in extras
    with pytest.raises(ValueError):
        charts.chart_extras_html(charts.chart_table(trend_frame()), "  ")


def test_csv_download_defuses_formulas():
    table = charts.chart_table(pd.DataFrame({"Area": ["=HYPERLINK(1)"], "Value": [1.5]}))
    csv = csv_download(charts.chart_extras_html(table, "alt"))
    assert "'=HYPERLINK(1)" in csv


AWKWARD = pd.DataFrame(
    {
        "Area": ["=HYPERLINK(1)", 'Say "hi", twice', "line\nbreak", "cr\rhere", "  spaced ", "Ynys Môn", "-1", None],
        "Value": [1234.5678, 1.0, math.nan, 0.1 + 0.2, -3.0, 1e-9, 2.5, 7.0],
        2024: ["c", "x", None, "12,345", "", "@x", "+1", "ok"],
    }
)


@pytest.mark.parametrize(
    "frame",
    [AWKWARD, pd.DataFrame({"a": ["", "b"]}), pd.DataFrame({"a": [1.0]}), trend_frame()],
    ids=["awkward", "empty-single-column", "one-cell", "trend"],
)
def test_csv_made_from_the_table_is_todays_csv(frame):
    """The download is made from the table's cells (their data-csv values where the table shows
    a formatted value): byte for byte the CSV pandas writes from the data, formulas defused."""
    table = charts.chart_table(frame)
    expected = table.data.map(charts._csv_cell).to_csv(index=False)
    assert charts.csv_text(table.data) == expected
    assert charts.csv_from_fields(charts.csv_fields(table.data)) == expected
    extras = charts.chart_extras_html(table, "alt", "x.csv")
    assert "data:text/csv" not in extras and "base64" not in extras
    assert csv_download(extras) == expected
    inline = charts.chart_extras_html(table, "alt", "x.csv", inline_csv=True)
    assert csv_download(inline) == expected


def test_table_carries_raw_values_only_where_it_shows_something_else():
    table = charts.chart_table(pd.DataFrame({"Area": ["York"], "Value": [1234.5678], "Plain": [2.5]}))
    extras = charts.chart_extras_html(table, "alt")
    assert '<td class="num" data-csv="1234.5678">1,234.6</td>' in extras
    assert "<td>York</td>" in extras and '<td class="num">2.5</td>' in extras


def test_table_columns_of_figures_line_up_right_and_columns_of_words_left():
    frame = pd.DataFrame(
        {
            "Area": ["York", "Leeds"],
            "Rate": [12.5, "c"],
            "Cost": ["£5,000", "no value"],
            "Verdict": ["neither higher nor lower", "x"],
        }
    )
    extras = charts.chart_extras_html(charts.chart_table(frame), "alt")
    head = re.search(r"<thead>(.*)</thead>", extras)[1]
    assert head == '<th>Area</th><th class="num">Rate</th><th class="num">Cost</th><th>Verdict</th>'.join(
        ["<tr>", "</tr>"]
    )
    stacked = charts.table_html(frame, "A caption that wraps")
    assert "<caption>A caption that wraps</caption>" in stacked and 'class="table efp-stack"' in stacked
    assert '<td role="cell" data-label="Verdict">neither higher nor lower</td>' in stacked
    assert '<td role="cell" data-label="Rate" class="num">c</td>' in stacked


def test_comparison_bar_names_series_in_a_legend_labels_values_and_varies_patterns():
    fig = charts.comparison_bar(
        ["Entered care", "Proceedings"],
        {"FGC": [0.12, float("nan")], "Usual care": [0.15, 0.34]},
        "Fewer children entered care",
        "{:.0%}",
    )
    assert [t.marker.color for t in fig.data] == list(charts.PALETTE[:2])
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape
    assert fig.layout.showlegend is True and [t.name for t in fig.data] == ["FGC", "Usual care"]
    assert fig.data[0].text[0] == "12%"
    assert fig.data[0].y[1] is None and fig.data[0].text[1] == ""
    assert fig.layout.yaxis.tickformat == ".0%"


def test_estimate_range_chart_shows_range_labels():
    fig = charts.estimate_range_chart(
        ["Entered care"],
        [0.8],
        [0.65],
        [0.98],
        "Less likely to enter care",
        "Risk ratio",
        "{:.2f}",
        reference=1,
        reference_label="No difference",
    )
    point = fig.data[0]
    assert list(point.error_x.array) == pytest.approx([0.18])
    assert list(point.error_x.arrayminus) == pytest.approx([0.15])
    texts = [a.text for a in fig.layout.annotations]
    assert "0.80 (0.65 to 0.98)" in texts and "No difference" in texts


def _report_and_workshop_figures(ds):
    """One of every kind of figure the reports, the book and the workshop draw, for a real LA."""
    area = ds.area("Birmingham")
    local = profile_view.local_rows(benchmark.profile(ds, area))
    measures = domestic_abuse.with_measures(ds)
    year = domestic_abuse.latest_year(measures, area)
    plan = widget_tiers.plan(
        1_000_000,
        widget_tiers.DEFAULT_SHARES,
        {t: a.cost_per_family for t, a in widget_tiers.DEFAULTS.items()},
        {t: a.take_up for t, a in widget_tiers.DEFAULTS.items()},
    )
    return {
        "trend": charts.trend_chart(trend_frame(), "Title", "Rate"),
        "trend with a former council": charts.trend_chart(
            benchmark.comparison(ds, "referrals_rate", ds.area("Cumberland")), "Title", "Rate"
        ),
        "bars": charts.comparison_bar(["a", "b"], {"One": [1.0, None], "Two": [2.0, 3.0]}, "Title"),
        "range": charts.estimate_range_chart(
            ["a"], [1.0], [0.5], [2.0], "Title", "x", reference=1, reference_label="No change"
        ),
        "funnel": demand_view.funnel_chart(demand.funnel(ds, area), "Title"),
        "ranking dropdown": profile_view.ranking_views(ds, area, local)[0],
        "neighbour dropdown": profile_view.neighbour_chart(ds, area, local)[0],
        "domestic abuse trends": domestic_abuse_charts.trend_views(measures, area)[0],
        "domestic abuse ranking": domestic_abuse_charts.ranking_view(measures, area, year)[0],
        "workshop tiers": widget_views.tier_view(plan, widget_tiers.downstream_demand(ds, area), area.name, 1e6).figure,
        "workshop randomise": widget_views.randomise_view(0.3, 1.0, 100).figure,
        "workshop fgc": widget_static.fgc_states(ds, area)[0],
        "fgc tornado": fgc_view.tornado(fgc.estimate(ds, area))[0],
        "workshop compare": widget_static.compare_states(ds, area)[0],
        "workshop tiers dropdown": widget_static.tier_states(ds, area)[0],
    }


@pytest.mark.slow
def test_every_kind_of_chart_passes_plotly_validation(ds):
    """Charts are built without plotly's validation (for speed); rebuilding them with it finds any bad property."""
    for name, fig in _report_and_workshop_figures(ds).items():
        try:
            go.Figure(fig.to_dict())
        except ValueError as exc:
            pytest.fail(f"{name}: {str(exc).splitlines()[0]}")


@pytest.mark.slow
def test_figures_are_read_as_plotly_writes_them(ds):
    """``figure_json`` (shown and combined charts) reads what ``to_plotly_json`` would give, for every kind of
    figure: lists only, nothing for plotly to encode, nothing it adds."""
    for name, fig in _report_and_workshop_figures(ds).items():
        assert renderer.figure_json(fig) == fig.to_plotly_json(), name


def test_validation_check_catches_a_bad_property():
    fig = charts.figure([{"type": "bar", "x": [1], "y": [2], "colour": "red"}], "Title")
    with pytest.raises(ValueError, match="colour"):
        go.Figure(fig.to_dict())


def test_gap_note_is_in_plain_words():
    frame = pd.DataFrame(
        {
            "area": ["York", "York", "N1"],
            "time_period": [2019, 2020, 2019],
            "value": [None] * 3,
            "status": ["c", "c", "u"],
            "role": ["selected", "selected", "neighbour"],
        }
    )
    assert charts._suppression_note(charts._trend_points(frame, None)) == (
        "Gaps in the lines: York's figures for 2019 and 2020 are withheld to "
        "protect confidentiality; one neighbouring area's figure is marked by "
        "DfE as of low reliability."
    )


def test_long_text_alternative_folds_behind_describe_this_chart():
    long = "Line chart of York's rate against England. " + " ".join(["In 2019 York had 12.5 per 10,000."] * 8)
    short, rest = charts.split_alt_text(long)
    assert short == "Line chart of York's rate against England." and rest.startswith("In 2019")
    assert charts.split_alt_text("Bar chart of three figures.") == ("Bar chart of three figures.", "")
    html = charts.chart_extras_html(charts.chart_table(pd.DataFrame({"a": [1.0]})), long)
    assert '<p class="chart-alt">Line chart of York' in html and "<summary>Describe this chart</summary>" in html
