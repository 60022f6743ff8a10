"""Sources you can follow: references.bib holds proper, cited entries and the prose holds no notes-to-self.

Fast checks on the text files only (no book build): every bibliography entry has a real type,
an author, a title, a year (or is a web page that carries no date), and a DOI or the URL of the
page holding the claim; no field or chapter keeps an editorial leftover such as "URL not
captured"; every entry is cited and every citation has an entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pybtex.database import parse_file, parse_string

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "references.bib"
PROSE = sorted((ROOT / "chapters").glob("*.md")) + sorted((ROOT / "workshop").glob("*.md"))

#: BibTeX / biblatex types the guide's style (_ext/bibstyle.py) formats. Not @misc: an entry
#: must say what kind of source it is.
TYPES = {"article", "book", "techreport", "report", "online"}
#: Web pages that carry no publication date: they have no year, and the footnote says so
#: rather than inventing one. Each is an @online entry.
UNDATED = {
    "f1-11",
    "f1-12",
    "f1-14",
    "f1-15a",
    "f1-15b",
    "f1-16",
    "f2-12",
    "f2-21",
    "f2-24",
    "f4-3b",
    "f6-5",
    "f6-8",
    "f6-9",
    "f7-2",
    "f7-9",
    "f7-12",
}
#: Leftovers of an unfinished fact sheet or notes to self, in a bib field or in chapter prose.
EDITORIAL = (
    "not captured",
    "check the original",
    "secondary reference",
    "n.d",
    "(secondary",
    "unverified",
    "slug not",
    "related work only",
    "we have not traced",
    "we have not been able",
    "we could not find",
    "we have not checked",
    "should be checked",
    "still need checking",
    "would settle it",
    "treat the attribution as provisional",
    "accessed 20",
)
#: Home pages are not the page that holds a claim.
HOME_PAGE = re.compile(r"^https?://[^/]+/?$")
CITE = re.compile(r"\{(?:foot)?cite(?::[a-z]+)?\}`([^`]*)`")
SITE_ROOT_PATHS = {"/press-release/", "/news", "/resource/", "/government/publications/"}


def bib_entries(text: str | None = None):
    data = parse_string(text, "bibtex") if text is not None else parse_file(str(BIB), "bibtex")
    return data.entries


def entry_problems(key, entry) -> list[str]:
    """What is wrong with one entry (empty when it is fine)."""
    problems = []
    kind = entry.type.lower()
    if kind not in TYPES:
        problems.append(f"type @{kind} (use one of {sorted(TYPES)})")
    if not entry.persons.get("author"):
        problems.append("no author")
    if not entry.fields.get("title", "").strip():
        problems.append("no title")
    year = entry.fields.get("year", "").strip()
    if not re.fullmatch(r"(19|20)\d\d", year):
        if not (key in UNDATED and kind == "online" and not year):
            problems.append(f"year {year!r}")
    url, doi = entry.fields.get("url", "").strip(), entry.fields.get("doi", "").strip()
    if not url and not doi:
        problems.append("no url or doi")
    if url and (HOME_PAGE.match(url) or any(url.endswith(path) for path in SITE_ROOT_PATHS)):
        problems.append(f"url {url} is a site's home or section page")
    if doi and not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
        problems.append(f"doi {doi!r}")
    values = [str(value) for value in entry.fields.values()]
    values += [str(person) for persons in entry.persons.values() for person in persons]
    for value in values:
        for phrase in EDITORIAL:
            if phrase in value.lower():
                problems.append(f"editorial leftover {phrase!r} in {value!r}")
    if year and re.search(rf"[,.]\s*(c\.\s*)?{year}\W*$", entry.fields.get("title", "")):
        problems.append("the title ends with the year, which the footnote prints again")
    return problems


def prose_lines(path: Path):
    """(line number, text) of a chapter's markdown, skipping code cells and fenced blocks."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line


def cited_keys(paths=PROSE) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for path in paths:
        for _, line in prose_lines(path):
            for group in CITE.findall(line):
                for key in group.split(","):
                    keys.setdefault(key.strip(), set()).add(path.name)
    return keys


def test_every_entry_is_a_proper_source():
    problems = {key: entry_problems(key, entry) for key, entry in bib_entries().items()}
    assert not {key: found for key, found in problems.items() if found}


def test_undated_entries_exist():
    assert UNDATED <= set(bib_entries())


def test_every_entry_is_cited_and_every_citation_has_an_entry():
    entries, cited = set(bib_entries()), set(cited_keys())
    assert not entries - cited, f"in references.bib but never cited: {sorted(entries - cited)}"
    assert not cited - entries, f"cited but not in references.bib: {sorted(cited - entries)}"


def test_prose_has_no_notes_to_self():
    found = [
        f"{path.name}:{number}: {phrase!r}"
        for path in PROSE
        for number, line in prose_lines(path)
        for phrase in EDITORIAL
        if phrase in line.lower()
    ]
    assert not found


def test_the_reference_list_prints_cited_works_in_the_guide_style():
    text = (ROOT / "chapters" / "data_methods.md").read_text(encoding="utf-8")
    directive = re.search(r"```\{bibliography\}\n(.*?)```", text, re.S)
    assert directive and ":style: guidesorted" in directive.group(1)
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+bibtex_default_style: guide\s*$", config, re.M)


# The checks above must be able to fail: the kinds of entry and prose they reject.
OLD_STYLE = """
@misc{f1-1,
  title = {{''About the What Works Network''. What Works Network, n.d}},
  url = {https://www.whatworksnetwork.org.uk/about-wwn/}
}
@misc{f5-6,
  title = {{Kingston University / NCB analysis, 2024 (secondary; URL not captured)}},
  year = {2024}
}
@online{f9-9,
  author = {{Someone}},
  year = {2016},
  title = {Report, 2016},
  url = {https://www.cypnow.co.uk/}
}
"""


@pytest.mark.parametrize(
    "key, expected",
    [
        ("f1-1", ["type @misc", "no author", "year ''", "editorial leftover 'n.d'"]),
        (
            "f5-6",
            [
                "type @misc",
                "no author",
                "no url or doi",
                "editorial leftover 'not captured'",
                "editorial leftover '(secondary'",
            ],
        ),
        ("f9-9", ["home or section page", "the title ends with the year"]),
    ],
)
def test_old_style_entries_are_rejected(key, expected):
    problems = " | ".join(entry_problems(key, bib_entries(OLD_STYLE)[key]))
    for fragment in expected:
        assert fragment in problems


def test_uncited_entry_and_missing_key_are_found(tmp_path):
    chapter = tmp_path / "chapter.md"
    chapter.write_text("Text {footcite:p}`f1-6,f9-9`.\n\n```{code-cell}\nx = '{footcite:p}`f8-8`'\n```\n")
    cited = set(cited_keys([chapter]))
    assert cited == {"f1-6", "f9-9"}
    assert "f9-9" not in set(bib_entries()) and "f1-11" not in cited


def test_notes_to_self_are_found(tmp_path):
    chapter = tmp_path / "chapter.md"
    chapter.write_text("We could not find that name in a published source (URL not captured).\n")
    found = [phrase for _, line in prose_lines(chapter) for phrase in EDITORIAL if phrase in line.lower()]
    assert {"we could not find", "not captured"} <= set(found)


# Each chapter dates the last review of its sources; a passed Act is never called a Bill ---------------

#: The one line, directly under a chapter's "## Sources" heading, that dates the last review of its sources.
REVIEWED = re.compile(r"^Sources last reviewed: (\d{1,2} [A-Z][a-z]+ 20\d\d)\.$")
#: Bills that have become Acts: a chapter names the Act, never the Bill.
PASSED = {
    "Children's Wellbeing and Schools": "Children's Wellbeing and Schools Act 2026",
    "Domestic Abuse": "Domestic Abuse Act 2021",
}
BILL = re.compile(r"\b(" + "|".join(re.escape(name).replace("'", "['’]") for name in PASSED) + r") Bill\b")


def review_date(path: Path):
    """The date of a chapter's 'Sources last reviewed' line (None if the chapter has no Sources section)."""
    from datetime import datetime

    lines = path.read_text(encoding="utf-8").splitlines()
    if "## Sources" not in lines:
        return None
    after = [line for line in lines[lines.index("## Sources") + 1 :] if line.strip()]
    match = REVIEWED.match(after[0]) if after else None
    assert match, f"{path.name}: the line under '## Sources' must be 'Sources last reviewed: <d Month yyyy>.'"
    return datetime.strptime(match.group(1), "%d %B %Y").date()


def bills(paths) -> list[str]:
    """Where a passed Act is called a Bill: 'file:line: name'."""
    return [
        f"{path.name}:{number}: {match.group(0)}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for match in BILL.finditer(line)
    ]


def test_every_chapter_dates_the_last_review_of_its_sources():
    from datetime import date

    chapters = sorted((ROOT / "chapters").glob("*.md"))
    dated = {path.name: review_date(path) for path in chapters}
    with_sources = {name: day for name, day in dated.items() if day is not None}
    assert len(with_sources) >= 10  # every chapter that cites sources
    for name, day in with_sources.items():
        assert date(2026, 1, 1) <= day <= date.today(), name
    assert with_sources["fgc.md"] >= date(2026, 12, 6)  # the Act's commencement was checked then


def test_no_chapter_or_page_text_calls_a_passed_act_a_bill():
    paths = PROSE + sorted((ROOT / "analyses").rglob("*.py"))
    assert not bills(paths)


def test_a_missing_review_date_and_a_bill_are_found(tmp_path):
    chapter = tmp_path / "chapter.md"
    chapter.write_text("The Children’s Wellbeing and Schools Bill takes this forward.\n\n## Sources\n\n```{x}\n```\n")
    assert bills([chapter]) == ["chapter.md:1: Children’s Wellbeing and Schools Bill"]
    with pytest.raises(AssertionError, match="Sources last reviewed"):
        review_date(chapter)
    chapter.write_text("The Domestic Abuse Act 2021.\n\n## Sources\n\nSources last reviewed: 6 December 2026.\n")
    assert not bills([chapter]) and str(review_date(chapter)) == "2026-12-06"


def test_a_page_that_can_change_says_when_it_was_checked():
    from analyses.views.citations import source_texts

    entries = bib_entries()
    for key in ("f3-17", "f3-18", "f3-19"):  # the Act's sections and the price index
        assert entries[key].fields["urldate"] == "2026-12-06", key
    texts = source_texts(BIB)
    assert texts["f3-18"].endswith("section/78/enacted (checked 2026-12-06)")
    assert "checked" not in texts["f3-2"]
