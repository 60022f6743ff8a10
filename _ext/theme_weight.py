"""Keep 1.5 MB of JavaScript off every page (the theme's fontawesome.js), let the first paint
come before the search scripts, and give every page a meta description.

pydata-sphinx-theme loads fontawesome.js only so that users can add custom icons;
it swaps each icon for an inline SVG. The theme's own icons are drawn just as well
by the icon font its stylesheet already loads, and the book adds no icons. The
template ``templates/layout.html`` passes the theme's head through the filter below.

The theme loads Sphinx's search scripts and the whole search index (150 KB) in every page's
head, where they block rendering; they serve only the search box, so they are deferred (they
keep their order). A page without a ``description`` in its front matter (``html_meta``) gets
one from its first paragraph.
"""

import re
from html import escape, unescape
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
FONTAWESOME_JS = re.compile(r"\s*<script\b[^>]*\bsrc=\"[^\"]*/fontawesome\.js[^\"]*\"[^>]*>\s*</script>")


SEARCH_SCRIPT = re.compile(r"<script src=\"([^\"]*(?:searchtools|language_data|searchindex)\.js[^\"]*)\"></script>")
PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
DESCRIPTION_CHARS = 155


def deferred_search(html: str) -> Markup:
    """The head with Sphinx's search scripts loaded ``defer``."""
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


def setup(app):
    app.connect("config-inited", _add_templates)
    app.connect("builder-inited", _add_filter)
    app.connect("html-page-context", add_description)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
