"""Build a tiny copy of the book (real config and extensions) and check what a reader's browser would load."""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from analyses.data.paths import ROOT

pytestmark = pytest.mark.build

JB = Path(sys.executable).with_name("jb")

CHART_NOTEBOOK = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Chart page

```{code-cell} python3
import pandas as pd
import analyses.views.charts as charts

frame = pd.DataFrame({
    "area": ["Camden"] * 3 + ["England"] * 3,
    "time_period": [2021, 2022, 2023] * 2,
    "value": [40.0, 0.0, 45.5, 41.0, 42.0, 43.0],
    "status": ["published", "c", "published"] + ["published"] * 3,
    "role": ["selected"] * 3 + ["England"] * 3,
})
fig = charts.trend_chart(frame, "Camden's rate rose to 45.5 in 2023", "Rate per 10,000 children")
charts.show(fig, charts.chart_table(frame), "Camden's rate rose from 40.0 in 2021 to 45.5 in 2023.")
```
"""

TEXT_PAGE = """\
# Text page

A rate is $r = \\frac{n}{N} \\times 10{,}000$, as in {cite}`f3-1`.

```{bibliography}
```
"""

TOC = """\
format: jb-book
root: chapters/intro
chapters:
  - file: chapters/chart_page
  - file: chapters/text_page
"""

EXTERNAL_ASSET = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build the tiny book once with warnings as errors; return its HTML folder."""
    book = tmp_path_factory.mktemp("book")
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, book / name)
    # The notebooks' kernels and the extensions import the installed package (pip install -e .).
    shutil.copytree(ROOT / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "workshop" / "print", book / "workshop" / "print")  # _config.yml's html_extra_path
    (book / "_toc.yml").write_text(TOC)
    chapters = book / "chapters"
    chapters.mkdir()
    (chapters / "intro.md").write_text("# A text-only front page\n\nNo charts here.\n", encoding="utf-8")
    (chapters / "chart_page.md").write_text(CHART_NOTEBOOK)
    (chapters / "text_page.md").write_text(TEXT_PAGE)
    result = subprocess.run(
        [str(JB), "build", "-W", "--keep-going", str(book)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return book / "_build" / "html"


def page(built: Path, name: str) -> str:
    return (built / "chapters" / f"{name}.html").read_text(encoding="utf-8")


def test_chart_page_has_the_plotly_div_with_data(built):
    html = page(built, "chart_page")
    chart_id = re.search(r'<div id="(chart-[0-9a-f]{12})" class="plotly-graph-div"', html).group(1)
    assert re.search(rf'<script type="application/json" data-efp-chart="{chart_id}">\{{"data":\[\{{', html)
    assert "Camden" in html
    assert '<p class="chart-alt">' in html and "Data table for this chart" in html


def test_plotly_js_is_served_locally_and_only_on_chart_pages(built):
    bundled = built / "_static" / "plotly.min.js"
    assert bundled.stat().st_size > 1_000_000
    # chart_access.js fetches the bundle named in data-plotly once a chart is near the screen
    assert page(built, "chart_page").count('data-plotly="plotly.min.js"') == 1
    for name in ("text_page", "intro"):
        assert "plotly.min.js" not in page(built, name)


def test_no_page_loads_anything_from_another_host(built):
    offenders = {
        str(path.relative_to(built)): EXTERNAL_ASSET.findall(path.read_text(encoding="utf-8"))
        for path in built.rglob("*.html")
    }
    assert not {name: hits for name, hits in offenders.items() if hits}


def test_maths_is_mathml_without_mathjax(built):
    html = page(built, "text_page")
    assert "<math" in html
    assert "mathjax" not in " ".join(re.findall(r"<script\b[^>]*>", html)).lower()


def test_inline_scripts_are_not_duplicated(built):
    html = page(built, "intro")
    assert html.count("const THEBE_JS_URL") <= 1


def _extension(name: str):
    """A Sphinx extension of ``_ext/`` (a folder of modules, not a package), loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_editing_the_analyses_package_reexecutes_notebooks_and_nothing_else_does(tmp_path):
    """The execution cache keys on notebook code only; _ext/input_fingerprint.py covers analyses/ and
    data/: when they change it empties myst-nb's execution cache (so every notebook runs again) and has
    Sphinx re-read every page; when nothing changed it leaves both alone. Checked on the extension's
    hooks, without building a book three more times."""
    extension = _extension("input_fingerprint")
    book = tmp_path / "book"
    for folder in ("analyses", "data"):
        shutil.copytree(ROOT / folder, book / folder, ignore=shutil.ignore_patterns("__pycache__"))
    app = SimpleNamespace(srcdir=str(book), outdir=str(book / "_build" / "html"), config=SimpleNamespace())
    app.config.nb_execution_cache_path = ""
    env = SimpleNamespace(found_docs={"intro", "chart_page", "text_page"})
    cache = book / "_build" / ".jupyter_cache"

    def build() -> tuple[bool, list[str]]:
        """One build's hooks: whether the execution cache was emptied, and the pages re-read besides
        the one Sphinx found changed (chart_page)."""
        cache.mkdir(parents=True, exist_ok=True)  # myst-nb's cache of the last execution
        extension._check_inputs(app, app.config)
        emptied = not cache.exists()
        reread = extension._reread_all(app, env, set(), {"chart_page"}, set())
        extension._stamp(app, None)
        return emptied, reread

    everything = (True, ["intro", "text_page"])
    assert build() == everything  # the first build: no stamp yet
    assert build() == (False, [])  # nothing changed: the cache and the pages are left alone
    charts = book / "analyses" / "views" / "charts.py"
    charts.write_text(charts.read_text().replace('TEXT_COLOUR = "#0B0C0C"', 'TEXT_COLOUR = "#0B0C0D"'))
    assert build() == everything  # an edit to analyses/: every notebook runs again, every page is read
    assert build() == (False, [])
    (book / "data" / "indicators.csv").write_text("changed\n")
    assert build() == everything  # and so does a change to the data
    (book / "_config.yml").write_text("changed\n")
    assert build() == (False, [])  # what the notebooks neither import nor read does not


def test_tex_the_converter_does_not_know_is_shown_escaped_as_code():
    """Maths the converter cannot read is shown as its TeX, escaped, with a warning; maths it reads is MathML."""
    extension = _extension("mathml_math")
    node = SimpleNamespace()
    assert extension._to_mathml(None, node, r"\foozle{x} < 1", block=False) == r"<code>\foozle{x} &lt; 1</code>"
    assert extension._to_mathml(None, node, r"x < 1", block=False).startswith("<math")
