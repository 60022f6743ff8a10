"""Link check over a built site: every internal link and anchor resolves; external links are listed.

Run ``python tests/site_helpers.py [_build/html]`` to print the external links (never fetched)
and any broken internal ones.
"""

from __future__ import annotations

import dataclasses
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

LINK_ATTRIBUTES = {
    "a": "href",
    "link": "href",
    "area": "href",
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
}
INTERNAL_SCHEMES = ("", "file")
SKIPPED_SCHEMES = ("data", "blob", "about")
SKIPPED_FOLDERS = ("_static", "_sources", "_images", "reports")  # assets and copies, not pages


class _PageParser(HTMLParser):
    """Collects a page's anchors (id and name) and the URLs it links to or loads."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.anchors.add(attrs[key])
        url = attrs.get(LINK_ATTRIBUTES.get(tag, ""))
        if url is not None:
            self.links.append(url)


@dataclasses.dataclass
class LinkReport:
    broken: list[str]  # "page: url (why)"
    external: dict[str, list[str]]  # url -> pages that link to it


@dataclasses.dataclass
class _Page:
    anchors: set[str]
    links: list[str]


def _parse(path: Path) -> _Page:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return _Page(parser.anchors, parser.links)


def check_links(site: Path) -> LinkReport:
    """Resolve every link on every page of ``site`` (a built HTML folder) without fetching anything."""
    site = site.resolve()
    pages = [p for p in sorted(site.rglob("*.html")) if not set(p.relative_to(site).parts) & set(SKIPPED_FOLDERS)]
    parsed: dict[Path, _Page] = {}

    def page_of(path: Path) -> _Page:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken, external = [], {}
    for page in pages:
        name = str(page.relative_to(site))
        for url in page_of(page).links:
            parts = urlsplit(url)
            if parts.scheme in SKIPPED_SCHEMES:
                continue
            if parts.scheme not in INTERNAL_SCHEMES or parts.netloc:
                external.setdefault(url, []).append(name)
                continue
            target_url, fragment = urldefrag(url)
            path = unquote(urlsplit(target_url).path)
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(site):
                broken.append(f"{name}: {url} (outside the site)")
            elif not target.is_file():
                broken.append(f"{name}: {url} (no such file)")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in page_of(target).anchors:
                broken.append(f"{name}: {url} (no anchor #{fragment})")
    return LinkReport(broken, external)


if __name__ == "__main__":
    report = check_links(Path(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
    print(f"External links ({len(report.external)}, not fetched):")
    for url, where in sorted(report.external.items()):
        print(f"  {url}  <- {', '.join(sorted(set(where)))}")
    print(f"Broken internal links ({len(report.broken)}):", *report.broken, sep="\n  ")
    sys.exit(1 if report.broken else 0)
