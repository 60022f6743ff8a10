"""Keep 1.5 MB of JavaScript off every page (the theme's fontawesome.js), let the first paint
come before the search scripts, and give every page a meta description.

pydata-sphinx-theme loads fontawesome.js only so that users can add custom icons;
it swaps each icon for an inline SVG. The theme's own icons are drawn just as well
by the icon font its stylesheet already loads, and the book adds no icons. The
template ``templates/layout.html`` passes the theme's head through the filter below.

The theme loads Sphinx's search scripts and the whole search index (150 KB) in every page's
head, where they block rendering; they serve only the theme's search-as-you-type, which is off,
so pages other than the search page leave them out (deferred, in order, if it is turned on).
A page without a ``description`` in its front matter (``html_meta``) gets one from its first
paragraph.

The theme's stylesheets held up the first paint (Lighthouse's mobile score stayed at 80-85):
the head now loads less. Stylesheets of extensions the book does not use (sphinx-thebe: thebe
is off; sphinx-togglebutton: no hide-* tags or dropdowns; sphinx-design: no grids, tabs or
cards) are left out, with their scripts (``page_scripts.py``). ``theme.css`` only ``@import``s
``basic.css``, a second round trip before the first paint: the page links ``basic.css`` itself.
pydata-sphinx-theme's and myst-nb's stylesheets are replaced by copies without the rules that
can match nothing on the site (``css_purge.py``; written when the build finishes, as
``*.site.css``): 65 KB gzipped becomes about 20 KB. They stay render-blocking, so nothing is
drawn unstyled and nothing moves. Only ``pygments.css`` (the colours of code) loads without
blocking, with a ``<noscript>`` fallback. The theme's ``<link rel="preload">`` of its two
deferred scripts is dropped: on a slow connection they took bandwidth from the stylesheets.
"""

import re
from html import escape, unescape
from pathlib import Path

from css_purge import purge, site_words
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
FONTAWESOME_JS = re.compile(r"\s*<script\b[^>]*\bsrc=\"[^\"]*/fontawesome\.js[^\"]*\"[^>]*>\s*</script>")


SEARCH_SCRIPT = re.compile(r"<script src=\"([^\"]*(?:searchtools|language_data|searchindex)\.js[^\"]*)\"></script>")
PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
DESCRIPTION_CHARS = 155


UNUSED_CSS = re.compile(
    r"\s*<link\b[^>]*\bhref=\"[^\"]*/(?:togglebutton|sphinx-thebe|sphinx-design\.min)\.css[^\"]*\"[^>]*>"
)
THEME_CSS = re.compile(r"(<link\b[^>]*\bhref=\"[^\"]*/_static/)styles/theme\.css(?:\?[^\"]*)?\"")
# Stylesheets served as purged copies: (folder under _static, name pattern).
PURGED = (("styles", "pydata-sphinx-theme.css"), ("", "mystnb.*.css"))
PURGED_HREF = re.compile(r"(/_static/(?:styles/pydata-sphinx-theme|mystnb\.[0-9a-f]+))\.css")
# The theme preloads its two scripts, which then compete with the stylesheets for the first paint.
SCRIPT_PRELOAD = re.compile(r"\s*<link rel=\"preload\" as=\"script\" href=\"[^\"]*\" />")
PYGMENTS_CSS = re.compile(r"<link rel=\"stylesheet\" type=\"text/css\" href=\"([^\"]*/pygments\.css[^\"]*)\" />")


def lighter_css(html: str) -> Markup:
    """The theme's stylesheet links, without unused ones, with purged copies, not blocking for code colours."""
    html = SCRIPT_PRELOAD.sub("", UNUSED_CSS.sub("", str(html)))
    html = THEME_CSS.sub(r'\1basic.css"', html)
    html = PURGED_HREF.sub(r"\1.site.css", html)
    html = PYGMENTS_CSS.sub(
        '<link rel="stylesheet" type="text/css" href="\\1" media="print" onload="this.media=\'all\'" />'
        r'<noscript><link rel="stylesheet" type="text/css" href="\1" /></noscript>',
        html,
    )
    return Markup(html)


def write_purged_css(app, exception) -> None:
    """Write ``*.site.css``: the theme's and myst-nb's stylesheets without rules no page can use."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    words = site_words(outdir)
    for folder, pattern in PURGED:
        for path in (outdir / "_static" / folder).glob(pattern):
            if path.name.endswith(".site.css"):
                continue
            target = path.with_name(path.name[: -len(".css")] + ".site.css")
            text = purge(path.read_text(encoding="utf-8"), words)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")


def deferred_search(html: str, search_as_you_type: bool = True) -> Markup:
    """The head with Sphinx's search scripts loaded ``defer``; left out if nothing on the page uses them.

    Only the theme's search-as-you-type uses them outside the search page; with it off (the
    default), the search box sends the reader to ``search.html``, which loads its own copy.
    """
    if not search_as_you_type:
        return Markup(SEARCH_SCRIPT.sub("", str(html)))
    return Markup(SEARCH_SCRIPT.sub(r'<script defer src="\1"></script>', str(html)))


def description(body: str) -> str:
    """About 155 characters of the page's first paragraph of text, for ``<meta name="description">``."""
    for match in PARAGRAPH.finditer(body):
        text = " ".join(unescape(TAG.sub("", match.group(1))).split())
        if len(text) >= 40:
            if len(text) > DESCRIPTION_CHARS:
                text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
            return text
    return ""


def add_description(app, pagename, templatename, context, doctree) -> None:
    """A meta description from the first paragraph, unless the page's front matter gives one."""
    tags = context.get("metatags", "")
    if 'name="description"' in tags:
        return
    text = description(context.get("body", "")) or app.config.project
    context["metatags"] = tags + f'\n<meta name="description" content="{escape(text)}" />'


def without_fontawesome_js(html: str) -> Markup:
    """The HTML with any fontawesome.js script tag removed."""
    return Markup(FONTAWESOME_JS.sub("", str(html)))


def _add_templates(app, config) -> None:
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))


def _add_filter(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["without_fontawesome_js"] = without_fontawesome_js
        app.builder.templates.environment.filters["deferred_search"] = deferred_search
        app.builder.templates.environment.filters["lighter_css"] = lighter_css


def setup(app):
    app.connect("config-inited", _add_templates)
    app.connect("builder-inited", _add_filter)
    app.connect("html-page-context", add_description)
    app.connect("build-finished", write_purged_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
