"""Every area on the site: the finder's names, the map, the front page, summary.csv, the area pages
and the publishing workflow (no browser; tests/test_areas_site.py opens the built pages)."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
import yaml
from markupsafe import escape

from analyses.data import geography
from analyses.data.paths import ROOT
from analyses.models import benchmark, findings
from analyses.report import area_pages, areas, areas_map, front, page
from analyses.views import findings as words

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def finder(ds):
    return areas.finder_html(ds)


def finder_items(text: str) -> dict[str, str]:
    """Area name -> its GSS code, from the finder's list."""
    return {
        name.replace("&amp;", "&"): code
        for code, name in re.findall(r'<li data-code="([^"]*)"[^>]*><a href="[^"]+">([^<]+)</a>', text)
    }


def matches(ds, typed: str) -> list[str]:
    """The finder's rule (``geography.match_areas``): the names it shows, best first."""
    return [entry["name"] for _, entry in geography.match_areas(typed, geography.finder_entries(ds.las))]


# ---------------------------------------------------------------- finder


def test_finder_lists_all_154_areas_by_region(finder, ds):
    items = finder_items(finder)
    assert len(items) == 154 and "England" in items
    regions = re.findall(r'<h3 id="region-[^"]+">([^<]+)</h3>', finder)
    assert regions[0] == "England" and len(regions) == 10
    assert set(regions[1:]) == set(ds.current_las["region_name"])


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("York", {"York"}),
        ("E06000014", {"York"}),
        ("816", {"York"}),
        ("e06000053", {"Isles of Scilly"}),
        ("Hull", {"Kingston upon Hull, City of"}),
        ("bcp", {"Bournemouth, Christchurch and Poole"}),
        ("Poole", {"Bournemouth, Christchurch and Poole"}),
        ("Cumbria", {"Cumberland", "Westmorland and Furness"}),
        ("909", {"Cumberland", "Westmorland and Furness"}),
        ("E10000006", {"Cumberland", "Westmorland and Furness"}),
        ("Northamptonshire", {"North Northamptonshire", "West Northamptonshire"}),
        ("E10000023", {"North Yorkshire"}),
        ("st helens", {"St. Helens"}),
        ("Bristol", {"Bristol, City of"}),
        ("england", {"England"}),
        ("city of london", {"City of London"}),
        ("Cheshire", {"Cheshire East", "Cheshire West and Chester"}),
    ],
)
def test_finder_matches_names_codes_short_and_former_names(ds, typed, expected):
    found = matches(ds, typed)
    assert set(found[: len(expected)]) == expected  # the expected areas come first


@pytest.mark.parametrize(
    "typed, best",
    [
        ("York", "York"),  # not East Riding of Yorkshire, which contains it
        ("City of York", "York"),  # the guide's own name for it
        ("Yrok", "York"),  # a near spelling
        ("Hull", "Kingston upon Hull, City of"),  # not Hackney or Solihull
        ("BCP", "Bournemouth, Christchurch and Poole"),  # not Barking and Dagenham
        ("Birmingam", "Birmingham"),
        ("north york", "North Yorkshire"),
    ],
)
def test_one_rule_finds_the_best_match_first(ds, typed, best):
    assert matches(ds, typed)[0] == best


def test_the_finder_table_holds_names_codes_and_aliases(ds):
    entries = {entry["name"]: entry for entry in geography.finder_entries(ds.las)}
    assert len(entries) == 154 and entries["England"]["keys"] == ["england", "e92000001"]
    assert {"cumbria", "909", "e10000006"} <= set(entries["Cumberland"]["aliases"])
    assert (
        entries["York"]["keys"] == ["york", "e06000014", "816"]
        and "hull" in entries["Kingston upon Hull, City of"]["aliases"]
    )


def test_finder_links_every_area_to_its_page(finder, ds):
    hrefs = set(re.findall(r'<li data-code="[^"]*"[^>]*><a href="([^"]+)"', finder))
    assert hrefs == {f"{a.slug}/index.html" for a in [*ds.areas(), areas.ENGLAND]}
    assert "http" not in re.sub(r"https?://[^\s\"<]*(?=[\s\"<])", "", areas.FINDER_SCRIPT)


# ---------------------------------------------------------------- map


def test_simplified_boundaries_have_153_areas_and_their_attribution():
    collection = areas_map.boundaries()
    assert len(collection["features"]) == 153
    assert "Contains OS data © Crown copyright" in collection["attribution"]
    assert areas_map.BOUNDARIES.stat().st_size < 300_000  # 1.2 MB as published


def test_map_links_each_area_to_its_page_with_a_title(ds):
    text = areas_map.map_html(ds, href=lambda code, name: areas.area_href(name))
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" data-code="(E\d{8})"><title>', text)
    assert len(links) == 153
    assert ("york/index.html", "E06000014") in {(href, code) for href, _, code in links}
    assert all(label.split(":")[0] for _, label, _ in links)
    assert "<script src" not in text and "cdn" not in text.lower()
    assert "Contains OS data" in text
    # The switch's script (assets/map.js) carries this module's palette, not the names standing for it.
    assert f"var palette = {json.dumps(list(areas_map.PALETTE))}, none = '{areas_map.NO_DATA}';" in text


def test_map_classes_are_colour_blind_safe_and_ordered(ds):
    rates = areas_map.rate_values(ds)
    assert set(rates) == set(areas_map.RATES.values())
    for info in rates.values():
        assert info["breaks"] == sorted(info["breaks"]) and len(info["breaks"]) == len(areas_map.PALETTE) - 1
        assert sum(v is not None for v in info["values"].values()) > 140
    assert areas_map.PALETTE == ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")  # viridis


# ---------------------------------------------------------------- front page and CSV

SUMMARY = {
    "la": {
        "name": "York",
        "slug": "york",
        "level": "Local authority",
        "new_la_code": "E06000014",
        "old_la_code": "816",
        "region_code": "E12000003",
        "region_name": "Yorkshire and The Humber",
    },
    "demand": {
        "rates_per_10000": {
            "children_looked_after": {
                "year": 2025,
                "value": 69.0,
                "status": "published",
                "neighbour_average": 57.4,
                "region": 77.0,
                "england": 67.0,
                "compared_with_england": "similar to",
            },
            "children_in_need": {
                "year": 2025,
                "value": None,
                "status": "c",
                "neighbour_average": 296.3,
                "region": 341.3,
                "england": 330.3,
                "compared_with_england": None,
            },
        }
    },
    "profile": {
        "cla_31mar_rate": {"year": 2025, "value": 69.0, "ci_low": 60.6, "ci_high": 78.4, "england": 67.0},
        "referrals_rate": {
            "year": 2025,
            "value": 600.0,
            "status": "derived",
            "england": 519.4,
            "neighbour_average": 483.2,
            "ci_low": 560.0,
            "ci_high": 640.0,
        },
        "care_applications_rate": {
            "year": 2025,
            "value": 9.7,
            "status": "published",
            "england": 9.1,
            "neighbour_average": 7.9,
        },
    },
    "fgc": {
        "children_avoiding_care_per_year": {"low": 1, "central": 7, "high": 11},
        "net_saving_gbp": {"low": -22060, "central": 78193, "high": 200506},
    },
    "chapters": ["fgc"],
    "settings": {},
    "generated_at": "2026-11-28",
    "generated_from": {
        "data_dir": "/x/data",
        "sources": [
            {"source": "DfE, Children in need", "latest": "2024-25", "licence": "Open Government Licence v3.0"}
        ],
    },
    "fingerprint": "ab12",
}


def real_summary(ds, name: str) -> dict:
    """A report's summary.json as the runner makes it, from the bundled data: its area and findings."""
    area = ds.area(name)
    return {
        **json.loads(json.dumps(SUMMARY)),
        "la": {
            "name": area.name,
            "slug": area.slug,
            "level": area.level,
            "new_la_code": area.code,
            "old_la_code": area.old_la_code or None,
            "region_code": area.region_code or None,
            "region_name": area.region_name or None,
        },
        "findings": findings.summary(findings.headline_findings(ds, area)),
        "generated_from": front.data_provenance(None),
    }


def finding_rows(text: str) -> dict[str, str]:
    """The front page's findings table: indicator -> the row's HTML."""
    return dict(re.findall(r'<tr class="finding[^"]*" data-indicator="([^"]+)".*?>(.*?)</tr>', text, re.S))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["York", "Isles of Scilly", "Cumberland", "Rutland", "Tower Hamlets", "England"])
def test_front_page_is_a_findings_table_with_a_source_per_row(ds, name):
    summary = real_summary(ds, name)
    found = findings.from_summary(summary["findings"])
    text = front.front_page(summary, [("fgc.html", "Spotlight: Family Group Conferences")], f"x: {name}")
    rows = finding_rows(text)
    assert list(rows) == [f.indicator for f in found] + ["fgc"]
    for f in found:
        row = rows[f.indicator]
        assert escape(words.name(f)) in row and escape(f.period) in row
        source = re.search(r'<details class="finding-source"><summary>(.+?)</summary><p>(.+?)</p>', row, re.S)
        assert source and escape(words.source_text(f.source)) in source.group(2)
        assert f", {f.year}, " in source.group(2) or f", {f.year - 1}, " in source.group(2)  # the row it came from
        if name != "England":
            assert '<span class="verdict verdict-' in row and escape(words.verdict_label(f)) in row
        if f.small:
            assert "Under 20 events" in row
    if name == "England":
        assert "Compared with England</th>" not in text


@pytest.mark.slow
def test_every_worse_than_england_result_is_on_the_front_page(ds):
    """An area with a finding worse than England's shows it, with its rank (checked on every 8th LA)."""
    worse = 0
    for area in ds.areas()[::8]:
        for f in findings.headline_findings(ds, area):
            if f.verdict == benchmark.WORSE:
                worse += 1
                assert words.verdict_label(f) == "Worse" and f.rank is not None
    assert worse > 3  # re-referrals and early years development are worse than England's in many councils
    summary = real_summary(ds, "Barnsley")
    text = front.front_page(summary, [], "x")
    bad = [f for f in findings.from_summary(summary["findings"]) if f.verdict == benchmark.WORSE]
    for f in bad:
        assert escape(words.name(f)) in text.split("Worse than England:")[1].split("</p>")[0]


def test_front_page_names_area_region_date_sources_and_licences(ds):
    text = front.front_page(
        real_summary(ds, "York"), [("fgc.html", "Spotlight: Family Group Conferences")], "Evidence for Prevention: York"
    )
    for expected in (
        "Yorkshire and The Humber",
        "E06000014",
        "Generated on 28 November 2026",
        "Official statistics to 31 March 2025",
        "DfE, Children in need (latest 2024-25)",
        "Open Government Licence",
        "CC BY 4.0",
        '<a href="fgc.html">Spotlight: Family Group Conferences</a>',
        "data-page-address",
        "7 children (90% interval 1 to 11)",
        "about £78,000 (90% interval −£22,000 to £200,000)",
    ):
        assert expected in text, expected


def test_front_page_says_when_englands_cafcass_rate_stands_in(ds):
    summary = real_summary(ds, "Isles of Scilly")
    summary["fgc"]["care_application_rate_of"] = "England"
    assert "own Cafcass care application rate is not published, so England&#39;s is used" in front.front_page(
        summary, [], "x"
    )
    summary["fgc"]["care_application_rate_of"] = "Isles of Scilly"
    assert "England&#39;s is used" not in front.front_page(summary, [], "x")


def test_provenance_of_a_councils_folder_is_read_from_its_rows(tmp_path):
    """A re-download keeps DfE's file name; a council's own rows are the council's, never DfE's."""
    import shutil

    import pandas as pd

    from analyses.data.paths import DATA_DIR

    folder = tmp_path / "mine"
    shutil.copytree(DATA_DIR, folder)
    rows = pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)
    york = (rows["old_la_code"] == "816") & (rows["indicator"] == "cla_31mar_count") & (rows["time_period"] == "2025")
    rows.loc[york, "value"] = "241"  # a newer download of the same DfE file
    own = rows[york].assign(time_period="2026", value="250", source="council: Mosaic export", release="2026")
    pd.concat([rows, own]).to_csv(folder / "indicators.csv", index=False)
    given = front.data_provenance(folder)
    latest = {s["source"]: s["latest"] for s in given["sources"]}
    assert latest["DfE, Children looked after in England including adoptions"] == "2024-25"  # not the council's 2026
    files = {f["file"]: f for f in given["own_data"]["files"]}
    assert files["cla_number_and_rate_per_10k_children.csv"] == {
        "file": "cla_number_and_rate_per_10k_children.csv",
        "own": False,
        "rows": 1,
        "years": "2025",
    }
    assert files["Mosaic export"]["own"] and files["Mosaic export"]["years"] == "2026"
    summary = {**SUMMARY, "generated_from": given}
    text = front.front_page(summary, [], "x")
    assert "the council&#39;s own figures from Mosaic export (1 row, 2026)" in text
    assert "cla_number_and_rate_per_10k_children.csv (1 row, 2025)" in text and "council: council" not in text


def test_findings_csv_is_the_front_pages_table_in_words(ds):
    summary = real_summary(ds, "York")
    rows = list(csv.DictReader(io.StringIO(front.findings_csv(summary).lstrip("\ufeff"))))
    found = findings.from_summary(summary["findings"])
    assert [r["Measure"] for r in rows] == [words.name(f) for f in found]
    assert list(rows[0]) == list(front.FINDINGS_COLUMNS)
    for row, f in zip(rows, found):
        assert row["Compared with England"] == words.verdict_phrase(f) and row["Period"] == f.period
        assert row["Source"] == words.source_text(f.source) and row["Area"] == "York"


def test_summary_csv_is_flat_and_opens_in_excel(ds):
    text = front.summary_csv(real_summary(ds, "York"))
    assert text.startswith("\ufeffkey,value,status,year,comparison\r\n")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    keys = [row["key"] for row in rows]
    assert "fgc.net_saving_gbp.high" in keys and "la.new_la_code" in keys and len(keys) == len(set(keys))
    assert "findings.cla_31mar_rate.value" in keys and "findings.cla_31mar_rate.trend.4.1" in keys
    suppressed = next(r for r in rows if r["key"] == "demand.rates_per_10000.children_in_need.value")
    assert (suppressed["value"], suppressed["status"]) == ("", "c")


def test_data_provenance_lists_each_source_with_its_latest_year():
    given = front.data_provenance(None)
    latest = {s["source"]: s["latest"] for s in given["sources"]}
    assert latest["DfE, Children looked after in England including adoptions"] == "2024-25"
    assert latest["ONS mid-year population estimates, in DfE's EES layout"] == "mid-2024"
    assert "own_data" not in given


# ---------------------------------------------------------------- area pages


def notebook(*cells):
    return {"cells": [dict(cell, metadata={"tags": cell.pop("tags", [])}) for cell in cells]}


def test_area_pages_link_the_sites_assets_and_carry_their_fingerprint():
    chart = '<div id="c1" class="plotly-graph-div"></div><script>Plotly.newPlot("c1", [{"type": "bar"}], {})</script>'
    nbs = {
        "fgc": notebook(
            {"cell_type": "markdown", "source": "# Spotlight: FGC\n\nText."},
            {
                "cell_type": "code",
                "source": "",
                "outputs": [{"output_type": "display_data", "data": {"text/html": chart}}],
            },
            {
                "cell_type": "code",
                "source": "",
                "tags": ["remove-cell", "report-only", "area-front"],
                "outputs": [{"output_type": "display_data", "data": {"text/html": "<p>roll-out</p>"}}],
            },
        )
    }
    pages = area_pages.area_pages(SUMMARY, nbs)
    assert set(pages) == {"index.html", "fgc.html"}
    chapter, index = pages["fgc.html"], pages["index.html"]
    assert '<script defer src="../../_static/chart_access.js" data-plotly="plotly.min.js"></script>' in chapter
    assert "<script src=" not in chapter  # nothing blocks the first paint
    assert '<link rel="stylesheet" href="../../_static/report.css">' in chapter
    assert "roll-out" not in chapter and "roll-out" in index and 'id="workshop"' in index
    assert '<a href="../../chapters/fgc.html">' in chapter
    assert '<meta name="efp-fingerprint" content="ab12">' in index
    assert "Plotly.newPlot" not in index.split("</head>")[0] and len(index) < 50_000
    assert '<a href="fgc.html">Spotlight: FGC</a>' in index


def every_la_chapter() -> dict:
    """A chapter with a trend table of every LA (Area, Group) and a table of every LA by region."""
    import pandas as pd

    from analyses.views import charts

    others = [f"Council {i:03}" for i in range(140)]
    trend = pd.DataFrame(
        {
            "Area": [
                "York",
                "Statistical neighbours (average)",
                "Yorkshire and The Humber",
                "England",
                "Trafford",
                *others,
            ],
            "Group": ["Selected area", "Statistical neighbours (average)", "Region", "England", "Statistical neighbour"]
            + ["Other local authority"] * 140,
            2024: [1234.5, 2.0, 3.0, 4.0, 5.0, *range(140)],
        }
    )
    by_region = pd.DataFrame(
        {
            "Local authority": ["York", "Trafford", "Leeds", *others],
            "Region": ["Yorkshire and The Humber", "North West", "Yorkshire and The Humber"] + ["London"] * 140,
            "Rate": [1.0, 2.0, 3.0, *range(140)],
        }
    )
    outputs = [
        {"output_type": "display_data", "data": {"text/html": charts.chart_extras_html(charts.chart_table(f), "Alt.")}}
        for f in (trend, by_region)
    ]
    chart = '<div id="c1" class="plotly-graph-div"></div>'
    return notebook(
        {"cell_type": "markdown", "source": "# Spotlight: Kinship\n\n## Leaving care to family: orders\n\nText."},
        {"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "data": {"text/html": chart}}]},
        {"cell_type": "code", "source": "", "outputs": outputs},
    )


def table_rows(text: str) -> list[list[str]]:
    return [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for table in re.findall(r"<tbody>(.*?)</tbody>", text)
        for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]


def test_area_pages_show_the_areas_rows_of_every_la_tables_and_link_the_full_table():
    chapter = area_pages.area_pages(SUMMARY, {"kinship": every_la_chapter()})["kinship.html"]
    rows = table_rows(chapter)
    areas_shown = [row[0] for row in rows]
    assert areas_shown == [
        "York",
        "Statistical neighbours (average)",
        "Yorkshire and The Humber",
        "England",
        "Trafford",  # the trend table: the area, its neighbours, region and England
        "York",
        "Trafford",
        "Leeds",  # the table by region: the area, its neighbours, its region's councils
    ]
    assert rows[0][2] == "1,234.5" and 'data-csv="1234.5"' in chapter  # the CSV is still the data's
    link = '<a href="../../chapters/kinship.html#leaving-care-to-family-orders">see this table in the guide</a>'
    assert chapter.count(link) == 2
    assert "5 of 145 rows" in chapter and "3 of 143 rows" in chapter
    assert "Council 000" not in chapter


def test_england_pages_and_report_html_keep_every_row():
    england = dict(SUMMARY, la=dict(SUMMARY["la"], name="England", slug="england", region_name=None))
    chapter = area_pages.area_pages(england, {"kinship": every_la_chapter()})["kinship.html"]
    assert len(table_rows(chapter)) == 145 + 143 and "every-la-note" not in chapter
    report = page.render("Evidence for Prevention: York", {"kinship": every_la_chapter()}, SUMMARY)
    assert len(table_rows(report)) >= 145 + 143 and "every-la-note" not in report


def test_report_html_still_inlines_everything_and_opens_with_the_front_page():
    nb = notebook({"cell_type": "markdown", "source": "# Chapter one\n\nText."})
    text = page.render("Evidence for Prevention: York", {"fgc": nb}, SUMMARY)
    assert '<section class="front-page"' in text and '<a href="#fgc">Chapter one</a>' in text
    assert "<link" not in text and "<script src" not in text


# ---------------------------------------------------------------- --data front page, end to end


@pytest.mark.slow
def test_own_data_report_names_the_councils_data(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "indicator,time_period,geographic_level,region_code,region_name,old_la_code,new_la_code,la_name,"
        "value,status,source\ncpp_31mar_count,2025,Local authority,E12000003,Yorkshire and The Humber,815,"
        "E06000065,North Yorkshire,130,published,Mosaic export\n",
        encoding="utf-8",
    )
    run = [sys.executable, "-m", "analyses"]
    imported = subprocess.run(
        [*run, "import", str(mine), "--out", str(tmp_path / "my-data")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stderr
    result = subprocess.run(
        [*run, "run", "--la", "North Yorkshire", "--data", str(tmp_path / "my-data"), "--out", str(tmp_path / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "out" / "north-yorkshire" / "report.html").read_text(encoding="utf-8")
    first = report[report.index('<section class="front-page"') : report.index("</section>")]
    assert f"from <code>{tmp_path / 'my-data'}</code>, imported on" in first
    assert "the council&#39;s own figures from Mosaic export (1 row, 2025)" in first
    cpp = finding_rows(first)["cpp_31mar_rate"]
    assert "Your council&#39;s own data" in cpp and "130 children" in cpp  # the finding is the council's own
    rows = (tmp_path / "out" / "north-yorkshire" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "key,value,status,year,comparison"
    assert (
        (tmp_path / "out" / "north-yorkshire" / "findings.csv").read_text(encoding="utf-8-sig").startswith("Measure,")
    )


# ---------------------------------------------------------------- publishing


def test_workflow_builds_with_the_readme_command_and_deploys_to_pages():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    python = build["steps"][1]["with"]
    assert str(python["python-version"]) == "3.11"
    cache = build["steps"][uses.index("actions/cache")]["with"]  # what scripts/install.sh fetches with uv
    assert cache["path"] == "~/.cache/uv" and "requirements-test.txt" in cache["key"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert "bash scripts/build.sh" in runs
    assert uses.index("actions/configure-pages") > runs.index("bash scripts/build.sh")
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.split("```bash", 1)[1].split("\n")[1].startswith("bash scripts/build.sh")
