"""Every area on the published site: a set of pages per local authority and England, and a finder.

``python -m analyses.report.areas`` (run by ``scripts/build.sh`` beside the book) builds
``_build/html/areas/<slug>/`` for the 153 LAs and England with the same papermill runner as
``python -m analyses run`` (``runner.run_all``, into the cache ``_build/area-reports``); the
pages themselves are ``analyses.report.area_pages``.
``runner.run_all`` skips areas whose report fingerprint is current, and a page carries the
fingerprint it was made from (``<meta name="efp-fingerprint">``), so unchanged areas are not
rebuilt and a change to anything a report depends on rebuilds them.

The finder (``areas/index.md`` in the book: ``finder_html`` and ``areas_map.map_html``) lists
all 154 areas by region with a filter that works from ``file://`` (everything it needs is in
the page) and matches names, GSS codes, DfE codes, short names and former names and codes
(``finder_aliases``).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

from analyses.data import dataset as data
from analyses.data.geography import ENGLAND, REORGANISATIONS, Area, area_aliases, slugify
from analyses.data.paths import ROOT
from analyses.report.area_pages import AREAS, page_stamp, write_area_pages
from analyses.views import web_assets

SITE_DIR = ROOT / "_build" / "html"
CACHE_DIR = ROOT / "_build" / "area-reports"

# ---------------------------------------------------------------- names a reader may type


def finder_aliases(las) -> dict[str, list[str]]:
    """Other names and codes a reader may type for each current area, by its GSS code.

    Inverts ``geography.area_aliases`` (short names, former councils by name and code, former
    GSS codes), the table the command line resolves ``--la`` with, and adds "formerly <name>"
    for each council an area replaced. This is the one place the finder's aliases are made.
    """
    current = las[las["status"] == "current"]
    gss = dict(zip(current["old_la_code"], current["new_la_code"], strict=True))
    out: dict[str, list[str]] = {code: [] for code in current["new_la_code"]}
    for alias, codes in area_aliases(las).items():
        for code in codes:
            out[gss[code]].append(alias)
    for change in REORGANISATIONS:
        for code in change.successors:
            if code in gss:
                out[gss[code]] += [f"formerly {name}" for _, name, _ in change.former]
    return {code: list(dict.fromkeys(names)) for code, names in out.items()}


def former_areas(las) -> dict[str, list[str]]:
    """'Cumbria (909, E10000006) on 1 April 2023' for each council a current area replaced."""
    gss = dict(
        zip(
            las.loc[las["status"] == "current", "old_la_code"],
            las.loc[las["status"] == "current", "new_la_code"],
            strict=True,
        )
    )
    out: dict[str, list[str]] = {}
    for change in REORGANISATIONS:
        for code in change.successors:
            if code in gss:
                out.setdefault(gss[code], []).extend(
                    f"{name} ({old}, {former_gss}) on {change.date}" for old, name, former_gss in change.former
                )
    return out


def search_key(text: str) -> str:
    """Lower case, '&' as 'and', punctuation as spaces (the filter script does the same)."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


# ---------------------------------------------------------------- the finder page


def area_href(area: Area | str) -> str:
    """An area's page, relative to the finder (areas/index.html)."""
    return f"{area.slug if isinstance(area, Area) else slugify(area)}/index.html"


def finder_html(ds: data.Dataset) -> str:
    """The list of every area by region, with its filter; everything inline (works from file://)."""
    aliases, former = finder_aliases(ds.las), former_areas(ds.las)

    def item(area: Area) -> str:
        codes = [c for c in (area.code, area.old_la_code) if c]
        keys = [area.name, *codes, *aliases.get(area.code, [])]
        note = "".join(
            f'<span class="finder-former">Replaced {html.escape(text)}</span>' for text in former.get(area.code, [])
        )
        return (
            f'<li data-search="{html.escape("|".join(search_key(k) for k in keys))}">'
            f'<a href="{area_href(area)}">{html.escape(area.name)}</a> '
            f'<span class="finder-codes">{" · ".join(html.escape(c) for c in codes)}</span>{note}</li>'
        )

    regions: dict[str, list[Area]] = {}
    for area in ds.areas():
        regions.setdefault(area.region_name, []).append(area)
    groups = [
        f'<section class="finder-region" aria-labelledby="region-{slugify(name)}">'
        f'<h3 id="region-{slugify(name)}">{html.escape(name)}</h3>\n<ul>\n'
        + "\n".join(item(a) for a in sorted(areas, key=lambda a: a.name))
        + "\n</ul></section>"
        for name, areas in sorted(regions.items())
    ]
    england = (
        f'<section class="finder-region"><h3 id="region-england">England</h3>\n<ul>\n{item(ENGLAND)}\n</ul></section>'
    )
    total = sum(len(a) for a in regions.values()) + 1
    return f"""<style>{FINDER_CSS}</style>
<div class="area-finder" id="area-finder">
<label for="finder-input" class="finder-label">Find an area: type a name, a GSS code (E06000014), a DfE code (816) or a former name</label>
<input type="search" id="finder-input" class="finder-input" autocomplete="off" spellcheck="false" aria-describedby="finder-count">
<p id="finder-count" class="finder-count" role="status" aria-live="polite">{total} areas</p>
<div class="finder-list">
{england}
{chr(10).join(groups)}
</div>
</div>
<script>{FINDER_SCRIPT}</script>"""


FINDER_CSS = """
.finder-label { display: block; font-weight: bold; margin: 0.5rem 0 0.25rem; }
.finder-input { width: 100%; max-width: 32rem; font-size: 1.1rem; padding: 0.4rem 0.5rem; border: 2px solid #0b0c0c; }
.finder-input:focus { outline: 3px solid #ffdd00; outline-offset: 0; }
.finder-count { color: #505a5f; margin: 0.25rem 0 0.75rem; }
.finder-list { columns: 18rem auto; column-gap: 2rem; }
.finder-region { break-inside: avoid-column; }
.finder-region h3 { font-size: 1.05rem; margin: 0.75rem 0 0.25rem; }
.finder-region ul { list-style: none; padding: 0; margin: 0 0 0.5rem; }
.finder-region li { margin: 0.15rem 0; }
.finder-codes, .finder-former { color: #505a5f; font-size: 0.85rem; }
.finder-former { display: block; }
"""
FINDER_SCRIPT = r"""
(function () {
  var input = document.getElementById('finder-input'), count = document.getElementById('finder-count');
  var items = [].slice.call(document.querySelectorAll('.area-finder li[data-search]'));
  function key(text) {
    return text.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, ' ').trim();
  }
  function filter() {
    var words = key(input.value).split(' ').filter(Boolean), shown = 0;
    items.forEach(function (item) {
      var names = item.getAttribute('data-search').split('|');
      var match = !words.length || names.some(function (name) {
        return words.every(function (word) { return (' ' + name).indexOf(' ' + word) >= 0 || name.indexOf(word) >= 0 && /\d/.test(word); });
      });
      item.hidden = !match;
      if (match) shown += 1;
    });
    document.querySelectorAll('.area-finder .finder-region').forEach(function (group) {
      group.hidden = !group.querySelector('li:not([hidden])');
    });
    count.textContent = shown === 1 ? '1 area' : shown + ' areas';
  }
  input.addEventListener('input', filter);
  input.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter') return;
    var first = document.querySelector('.area-finder li:not([hidden]) a');
    if (first) { event.preventDefault(); window.location.href = first.getAttribute('href'); }
  });
  if (input.value) filter();
})();
"""


def copy_assets(site: Path, bundles: set[Path]) -> None:
    """The files the area pages link to, in the site's _static (as the book's extension copies them)."""
    static = site / "_static"
    static.mkdir(parents=True, exist_ok=True)
    files = {web_assets.REPORT_CSS: web_assets.REPORT_CSS.name, web_assets.ACCESS_JS: web_assets.ACCESS_JS.name}
    files.update({bundle: web_assets.site_name(bundle) for bundle in bundles})
    for source, name in files.items():
        target = static / name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            shutil.copyfile(source, target)


def build(site: Path = SITE_DIR, cache: Path = CACHE_DIR, jobs: int = 2, timeout: int = 180) -> int:
    """Bring ``site/areas/<slug>/`` up to date for every LA and England; 1 if any area failed.

    It needs nothing from the book, so scripts/build.sh runs it while the book builds."""
    (site / AREAS).mkdir(parents=True, exist_ok=True)  # the book may be building beside it (scripts/build.sh)
    start = time.perf_counter()
    status = runner_run_all(site, cache, jobs, timeout)  # writes the pages of every area it runs
    areas = [*data.load().areas(), ENGLAND]
    written = failed = 0
    for area in areas:  # areas whose report was current but whose pages are missing or older
        folder = cache / area.slug
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            failed += 1
            continue
        if page_stamp(site / AREAS / area.slug) == summary["fingerprint"]:
            continue
        notebooks = {
            stem: json.loads((folder / f"{stem}.ipynb").read_text(encoding="utf-8")) for stem in summary["chapters"]
        }
        write_area_pages(summary, notebooks, site)
        written += 1
    copy_assets(site, _bundles_in_use(site, areas))
    slugs = {area.slug for area in areas}
    for stale in (site / AREAS).iterdir():
        if stale.is_dir() and stale.name not in slugs:
            shutil.rmtree(stale)
    print(
        f"Area pages for {len(areas) - failed} of {len(areas)} areas up to date in {site / AREAS} "
        f"({time.perf_counter() - start:.0f} s{f'; {written} rewritten from the cache' if written else ''})"
    )
    return 1 if status or failed else 0


def _bundles_in_use(site: Path, areas: list[Area]) -> set[Path]:
    """Plotly bundles the area pages link to (the full one only where a page needs it)."""
    full = web_assets.site_name(web_assets.FULL_JS)
    for area in areas:
        for path in (site / AREAS / area.slug).glob("*.html"):
            if full in path.read_text(encoding="utf-8")[:3000]:
                return {web_assets.BASIC_JS, web_assets.FULL_JS}
    return {web_assets.BASIC_JS}


def runner_run_all(site: Path, cache: Path, jobs: int, timeout: int) -> int:
    """``python -m analyses run --all`` into ``cache`` (no report.html), each area's pages written as it runs."""
    from analyses.report import runner

    def said(area, error: str | None) -> None:
        if error:
            print(f"error: {area.name}: {error}", file=sys.stderr)

    result = runner.run_all(out_dir=cache, jobs=jobs, timeout=timeout, standalone=False, site_dir=site, on_result=said)
    return 1 if result.failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyses.report.areas", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SITE_DIR, help="The built book (default: _build/html).")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR, help="Where the reports behind the pages are kept.")
    parser.add_argument("--jobs", type=int, default=2, help="Parallel areas (default: 2).")
    parser.add_argument("--timeout", type=int, default=180, help="Per-cell execution timeout in seconds.")
    args = parser.parse_args(argv)
    return build(args.site.resolve(), args.cache.resolve(), args.jobs, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
