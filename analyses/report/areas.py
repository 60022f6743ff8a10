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
import json
import shutil
import sys
import time
from pathlib import Path

from markupsafe import Markup

from analyses.data import dataset as data
from analyses.data.geography import ENGLAND, REORGANISATIONS, Area, finder_entries, slugify
from analyses.data.paths import ROOT
from analyses.report.area_pages import AREAS, page_stamp, write_area_pages
from analyses.report.config import RunConfig
from analyses.report.front import TEMPLATES
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
    """The list of every area by region, with its finder (``templates/finder.html.j2``, its styles and
    script from ``assets/``); everything inline (works from file://).

    The finder matches what a reader types by ``geography.match_areas``'s rule over
    ``geography.finder_entries`` (embedded as JSON), the same rule and table as ``--la``."""
    former = former_areas(ds.las)
    entries = finder_entries(ds.las)
    aliases = {entry["code"]: entry["aliases"] for entry in entries}

    def item(area: Area) -> dict:
        return {
            "code": area.code,
            "aliases": " ".join(aliases.get(area.code, [])),
            "href": area_href(area),
            "name": area.name,
            "codes": [c for c in (area.code, area.old_la_code) if c],
            "former": former.get(area.code, []),
        }

    by_region: dict[str, list[Area]] = {}
    for area in ds.areas():
        by_region.setdefault(area.region_name, []).append(area)
    regions = [{"slug": "england", "name": ENGLAND.name, "areas": [item(ENGLAND)]}] + [
        {"slug": slugify(name), "name": name, "areas": [item(a) for a in sorted(areas, key=lambda a: a.name)]}
        for name, areas in sorted(by_region.items())
    ]
    table = json.dumps(entries, separators=(",", ":")).replace("</", "<\\/")  # never a closing tag
    return TEMPLATES.get_template("finder.html.j2").render(
        css=Markup(FINDER_CSS),
        script=Markup(FINDER_SCRIPT),
        entries=Markup(table),
        total=sum(len(region["areas"]) for region in regions),
        regions=regions,
    )


ASSETS = Path(__file__).parent / "assets"
FINDER_CSS = (ASSETS / "finder.css").read_text(encoding="utf-8")
FINDER_SCRIPT = (ASSETS / "finder.js").read_text(encoding="utf-8")


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
    from analyses.report import runner

    config = RunConfig(out_dir=cache, jobs=jobs, timeout=timeout, standalone=False, site_dir=site)
    status = runner_run_all(config)  # writes the pages of every area it runs
    areas = runner.areas()  # from the LA lookup, without loading the dataset
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


def runner_run_all(config: RunConfig) -> int:
    """``python -m analyses run --all`` into ``config.out_dir`` (no report.html), each area's pages
    written into ``config.site_dir`` as it runs."""
    from analyses.report import runner

    def said(area, error: str | None) -> None:
        if error:
            print(f"error: {area.name}: {error}", file=sys.stderr)

    result = runner.run_all(config, on_result=said)
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
