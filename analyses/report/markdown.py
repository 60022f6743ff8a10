"""Turn the guide's MyST markdown into plain markdown for the single-page HTML report.

The book renders ``{footcite:p}`key``` roles with sphinxcontrib-bibtex and resolves links
between chapters; nbconvert can do neither. So the report numbers each chapter's citations and
replaces its ``{footbibliography}`` block with the list of sources, turns admonition
directives into block quotes, and turns links to other chapters (which are not beside the
report) into the chapter's name in italics.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from analyses.data import cache
from analyses.data.fingerprint import digest
from analyses.data.paths import ROOT

ROLE = re.compile(r"\{(?:foot)?cite(?::[pt])?\}`([^`]+)`")
BIBLIOGRAPHY = re.compile(r"^(```|:::)\{(?:foot)?bibliography\}.*?^\1\s*$", re.M | re.S)
CHAPTER_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:|#)[^)\s]*\.(?:md|ipynb)(?:#[^)]*)?\)")
DOC_ROLE = re.compile(r"\{doc\}`(?:([^`<]+?)\s*<[^`>]+>|([^`]+))`")
ADMONITION = re.compile(r"^(```|:::)\{(note|tip|important|warning|caution|seealso)\}[^\n]*\n(.*?)^\1\s*$", re.M | re.S)


def sources(bib_path: Path = ROOT / "references.bib") -> dict[str, str]:
    """Citation key -> the source in one line, as the book's footnotes print it. Worked out once per
    version of the bibliography and of the code and kept on disk (``analyses.data.cache``): pybtex
    takes about a second to read and format it, in every process that writes a report. A process
    reads it once per version of the bibliography (a worker's every report asks for it ten times)."""
    stat = bib_path.stat()
    return _sources(bib_path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _sources(bib_path: Path, mtime_ns: int, size: int) -> dict[str, str]:
    version = digest([("references.bib", bib_path), *cache.code_files()])

    def formatted() -> dict[str, str]:
        from analyses.views.citations import source_texts  # pybtex: imported only when the cache is stale

        return source_texts(bib_path)

    return cache.cached_json("sources", version, formatted)


class ChapterText:
    """Rewrites one chapter's markdown cells in order, numbering citations by first use."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def rewrite(self, markdown: str) -> str:
        markdown = ROLE.sub(self._number, markdown)
        markdown = CHAPTER_LINK.sub(lambda m: f"*{m.group(1)}*", markdown)
        markdown = DOC_ROLE.sub(lambda m: f"*{(m.group(1) or m.group(2)).strip()}*", markdown)
        markdown = BIBLIOGRAPHY.sub(lambda _: self._list(), markdown)
        return ADMONITION.sub(
            lambda m: "\n".join(
                f"> {line}" if line else ">" for line in [f"**{m.group(2).capitalize()}.**", *m.group(3).splitlines()]
            ),
            markdown,
        )

    def _number(self, match: re.Match) -> str:
        numbers = []
        for key in (k.strip() for k in match.group(1).split(",")):
            if key not in self.keys:
                self.keys.append(key)
            numbers.append(str(self.keys.index(key) + 1))
        return "[" + ", ".join(numbers) + "]"

    def _list(self) -> str:
        known = sources()
        return "\n".join(f"{i}. {known.get(key, key)}" for i, key in enumerate(self.keys, start=1))
