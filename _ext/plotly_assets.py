"""Serve plotly.js from the book itself, and only on pages that draw a chart.

Charts are emitted by ``analyses.views.renderer`` as divs with their figure as JSON.
On a page whose body holds a plotly div this extension copies into ``_static`` the
files that ``analyses.views.web_assets`` names (the per-LA report inlines the same ones):

- the smallest plotly.js bundle that draws the page: the vendored *basic* bundle
  (scatter, bar and pie; served as ``plotly.min.js``) or, for other trace types,
  plotly.py's full bundle (``plotly-full.min.js``);
- ``chart_access.js``: draws the charts at their column's width and keeps them fitted
  through resizes, gives their controls keyboard access and a print layout, and no
  "Share chart" button (it needs plotly's cloud).

Only ``chart_access.js`` is in the page, deferred: nothing about charts blocks the first
paint. It loads the bundle (named in its ``data-plotly`` attribute) when a chart comes near
the screen.

(Files in an ``html_static_path`` folder would load on every page.) A vendored
bundle whose version differs from plotly.py's is reported as a build warning.
"""

import re
import shutil
from pathlib import Path

from sphinx.util import logging

from analyses.views import web_assets

CHART_MARKER = "plotly-graph-div"
VERSION = re.compile(r"plotly\.js[^\n]*?v(\d+\.\d+\.\d+)")

logger = logging.getLogger(__name__)


def bundle_version(path: Path) -> str:
    """The plotly.js version named in a bundle's header comment."""
    with path.open(encoding="utf-8") as handle:
        match = VERSION.search(handle.read(300))
    if not match:
        raise ValueError(f"{path}: no plotly.js version in the header")
    return match.group(1)


def _copy(source: Path, outdir: Path, name: str) -> None:
    """Copy ``source`` to ``outdir/_static/name`` unless an identical-size copy is there."""
    target = outdir / "_static" / name
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def add_plotly_to_chart_pages(app, pagename, templatename, context, doctree) -> None:
    """On a page with a chart, serve the smallest plotly bundle that draws it, then the access script."""
    body = context.get("body", "")
    if CHART_MARKER not in body:
        return
    bundle = web_assets.plotly_bundle(body)
    name = web_assets.site_name(bundle)
    outdir = Path(app.builder.outdir)
    _copy(bundle, outdir, name)
    _copy(web_assets.ACCESS_JS, outdir, web_assets.ACCESS_JS.name)
    # Deferred: the text paints first; the script fetches plotly.js when a chart is near.
    app.add_js_file(web_assets.ACCESS_JS.name, priority=501, loading_method="defer", **{"data-plotly": name})


def check_bundle_version(app, config) -> None:
    """Warn when the vendored basic bundle is not the plotly.js version plotly.py expects."""
    vendored, expected = bundle_version(web_assets.BASIC_JS), bundle_version(web_assets.FULL_JS)
    if vendored != expected:
        logger.warning(
            "vendored %s is plotly.js %s but plotly.py ships %s: replace it with "
            "plotly-basic.min.js from the npm package plotly.js-basic-dist-min@%s",
            web_assets.BASIC_JS.name,
            vendored,
            expected,
            expected,
        )


def setup(app):
    app.connect("config-inited", check_bundle_version)
    app.connect("html-page-context", add_plotly_to_chart_pages)
    return {"version": "1.3", "parallel_read_safe": True, "parallel_write_safe": True}
