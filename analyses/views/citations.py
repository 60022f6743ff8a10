"""How the guide cites a source: author, year, title, where it was published, link.

pybtex's built-in styles know only the classic BibTeX types, so an ``@online`` or
``@report`` entry would fail to format, and their titles are re-cased. This style
keeps titles as written and formats every entry the same way::

    Author (Year). Title. Journal or publisher. doi:… / URL: …

``guide`` keeps the order of citation (for the footnotes under each chapter);
``guidesorted`` sorts by author, year and title (for the full list in Data and methods).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pybtex.database import parse_file
from pybtex.plugin import find_plugin
from pybtex.style import FormattedEntry
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, first_of, join, optional, sentence, tag


class GuideStyle(UnsrtStyle):
    """Author (year). Title. Container or publisher. Link."""

    default_sorting_style = "none"

    def _author_year(self):
        year = first_of[optional[field("year")], "undated"]  # a web page that carries no date
        return sentence[join[self.format_names("author", as_sentence=False), " (", year, ")"]]

    def _title(self, e):
        title = field("title")
        return sentence[tag("em")[title]] if e.type.lower() in ("book", "techreport", "report") else sentence[title]

    def _container(self, e):
        kind = e.type.lower()
        if kind == "article":
            volume = optional[join[field("volume"), optional["(", field("number"), ")"]]]
            return sentence[tag("em")[field("journal")], optional[join[volume, optional[":", field("pages")]]]]
        if kind in ("techreport", "report"):
            return sentence[
                first_of[optional[field("institution")], optional[field("publisher")]], optional[field("number")]
            ]
        return optional[
            sentence[
                first_of[
                    optional[field("organization")],
                    optional[field("publisher")],
                    optional[field("institution")],
                    optional[field("journal")],
                ]
            ]
        ]

    def _template(self, e):
        return toplevel[
            self._author_year(),
            self._title(e),
            self._container(e),
            first_of[optional[self.format_doi(e)], optional[self.format_url(e)]],
            optional[join["(checked ", field("urldate", raw=True), ")"]],  # a page that can change: when it was read
        ]

    def format_entry(self, label, entry, bib_data=None):
        context = {"entry": entry, "style": self, "bib_data": bib_data}
        text = self._template(entry).format_data(context)
        return FormattedEntry(entry.key, text, label)


class GuideSortedStyle(GuideStyle):
    default_sorting_style = "author_year_title"


@lru_cache(maxsize=4)
def source_texts(bib_path: Path) -> dict[str, str]:
    """Citation key -> the entry as plain text in the guide's style, as the book's footnotes print it."""
    entries = parse_file(str(bib_path), bib_format="bibtex").entries
    style = GuideStyle()
    text = find_plugin("pybtex.backends", "text")()  # looked up once: each lookup scans every installed package
    return {key: style.format_entry(key, entry).text.render(text) for key, entry in entries.items()}
