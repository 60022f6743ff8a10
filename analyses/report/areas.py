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
the page) and matches what a reader types by ``geography.match_areas``, the rule ``--la`` uses,
over the same table (``geography.finder_entries``): Enter opens the best match.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import sys
import time
from pathlib import Path

from analyses.data import dataset as data
from analyses.data.geography import ENGLAND, REORGANISATIONS, Area, finder_entries, slugify
from analyses.data.paths import ROOT
from analyses.report.area_pages import AREAS, page_stamp, write_area_pages
from analyses.views import web_assets

SITE_DIR = ROOT / "_build" / "html"
CACHE_DIR = ROOT / "_build" / "area-reports"

# ---------------------------------------------------------------- names a reader may type


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


# ---------------------------------------------------------------- the finder page


def area_href(area: Area | str) -> str:
    """An area's page, relative to the finder (areas/index.html)."""
    return f"{area.slug if isinstance(area, Area) else slugify(area)}/index.html"


def finder_html(ds: data.Dataset) -> str:
    """The list of every area by region, with its finder; everything inline (works from file://).

    The finder matches what a reader types by ``geography.match_areas``'s rule over
    ``geography.finder_entries`` (embedded as JSON), the same rule and table as ``--la``."""
    former = former_areas(ds.las)
    entries = finder_entries(ds.las)
    aliases = {entry["code"]: entry["aliases"] for entry in entries}

    def item(area: Area) -> str:
        codes = [c for c in (area.code, area.old_la_code) if c]
        note = "".join(
            f'<span class="finder-former">Replaced {html.escape(text)}</span>' for text in former.get(area.code, [])
        )
        return (
            f'<li data-code="{html.escape(area.code)}" data-aliases="{html.escape(" ".join(aliases.get(area.code, [])))}">'
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
    table = json.dumps(entries, separators=(",", ":")).replace("</", "<\\/")
    return f"""<style>{FINDER_CSS}</style>
<div class="area-finder" id="area-finder">
<label for="finder-input" class="finder-label">Find your council: type its name (York, City of York, Hull), a GSS code (E06000014), a DfE code (816) or a former name, then press Enter</label>
<input type="search" id="finder-input" class="finder-input" autocomplete="off" spellcheck="false" aria-describedby="finder-count">
<p id="finder-count" class="finder-count" role="status" aria-live="polite">{total} areas</p>
<script type="application/json" id="finder-entries">{table}</script>
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
.finder-best a { font-weight: bold; }
.finder-best::after { content: " \\2190  best match"; color: #505a5f; font-size: 0.85rem; }
.area-map .map-svg { width: 100%; max-width: 46rem; height: auto; display: block; }
.area-map .map-areas a:focus path, .area-map .map-areas a:hover path { stroke: #0b0c0c; stroke-width: 2.5; }
.area-map .map-london use { cursor: pointer; }
.map-switch label { font-weight: bold; margin-right: 0.5rem; }
.map-switch select { font-size: 1rem; padding: 0.2rem; }
.map-legend { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; padding: 0; margin: 0.5rem 0; }
.map-swatch { display: inline-block; width: 1.4em; height: 1em; margin-right: 0.35em; vertical-align: middle;
  border: 1px solid #505a5f; }
.map-attribution { font-size: 0.85rem; color: #505a5f; }
"""
FINDER_SCRIPT = r"""
(function () {
  // geography.match_areas, line by line: name_key, _distance, match_tier (tests compare the two).
  var EXACT = 0, ALIAS = 1, PREFIX = 2, ALIAS_PREFIX = 3, CONTAINS = 4, FUZZY = 5;
  function nameKey(name) {
    var text = name.toLowerCase().replace(/&/g, ' and ');
    text = text.replace(/\s*\([^)]*\)\s*$/g, '');
    text = text.replace(/,?\s*(city|county) of\s*$/g, '');
    text = text.replace(/^(city|county) of\s+|^county\s+|\s+borough$/g, '');
    return text.replace(/[^a-z0-9]+/g, '');
  }
  function distance(a, b) {
    var rows = [[]], i, j;
    for (j = 0; j <= b.length; j++) rows[0].push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], prev = rows[rows.length - 1];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j], rows[rows.length - 2][j - 2] + 1);
        }
      }
      rows.push(row);
    }
    return rows[rows.length - 1][b.length];
  }
  function tier(key, entry) {
    if (!key) return null;
    var all = entry.keys.concat(entry.aliases);
    if (entry.keys.indexOf(key) >= 0) return EXACT;
    if (entry.aliases.indexOf(key) >= 0) return ALIAS;
    if (entry.keys.some(function (k) { return k.indexOf(key) === 0; })) return PREFIX;
    if (entry.aliases.some(function (k) { return k.indexOf(key) === 0; })) return ALIAS_PREFIX;
    if (key.length >= 3 && all.some(function (k) { return k.indexOf(key) >= 0; })) return CONTAINS;
    var allowed = key.length >= 8 ? 2 : 1;
    var words = all.filter(function (k) { return k.length >= 3 && !/[0-9]/.test(k); });
    if (key.length >= 3 && words.some(function (k) { return distance(key, k) <= allowed; })) return FUZZY;
    return null;
  }
  function matchAreas(query, entries) {
    var text = query.split(/\s+/).filter(Boolean).join(' ');
    var key = nameKey(/^[0-9]+$/.test(text) && text.length < 3 ? ('000' + text).slice(-3) : text);
    var found = [];
    entries.forEach(function (entry) { var t = tier(key, entry); if (t !== null) found.push([t, entry]); });
    found.sort(function (x, y) { return x[0] - y[0] || (x[1].name < y[1].name ? -1 : x[1].name > y[1].name ? 1 : 0); });
    return found;
  }
  window.efpMatchAreas = matchAreas;
  var input = document.getElementById('finder-input'), count = document.getElementById('finder-count');
  var entries = JSON.parse(document.getElementById('finder-entries').textContent);
  var items = {};
  [].slice.call(document.querySelectorAll('.area-finder li[data-code]')).forEach(function (li) { items[li.getAttribute('data-code')] = li; });
  var best = null;
  function filter() {
    var found = input.value.trim() ? matchAreas(input.value, entries) : null;
    var shown = {};
    (found || []).forEach(function (pair) { shown[pair[1].code] = true; });
    Object.keys(items).forEach(function (code) { items[code].hidden = !!found && !shown[code]; });
    document.querySelectorAll('.area-finder .finder-region').forEach(function (group) {
      group.hidden = !group.querySelector('li:not([hidden])');
    });
    best = found && found.length ? items[found[0][1].code] : null;
    Object.keys(items).forEach(function (code) { items[code].classList.toggle('finder-best', items[code] === best); });
    if (!found) { count.textContent = entries.length + ' areas'; return; }
    if (!found.length) { count.textContent = 'No area matches \u201c' + input.value.trim() + '\u201d.'; return; }
    var name = found[0][1].name;
    count.textContent = found[0][0] === FUZZY
      ? 'No area matches \u201c' + input.value.trim() + '\u201d. Did you mean ' + name + '? Press Enter to open it.'
      : (found.length === 1 ? '1 area' : found.length + ' areas') + '. Best match: ' + name + '. Press Enter to open it.';
  }
  input.addEventListener('input', filter);
  input.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || !best) return;
    event.preventDefault();
    window.location.href = best.querySelector('a').getAttribute('href');
  });
  // Arriving from the guide's front page (?q=York&go=1): an exact name, code or alias opens at once.
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) {
    input.value = params.get('q');
    filter();
    var found = matchAreas(input.value, entries);
    var sure = found.length && found[0][0] <= ALIAS && !(found[1] && found[1][0] === found[0][0]);
    if (params.get('go') && sure) { window.location.replace(best.querySelector('a').getAttribute('href')); }
  } else if (input.value) filter();
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
