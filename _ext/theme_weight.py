"""Keep 1.5 MB of JavaScript off every page: the theme's fontawesome.js.

pydata-sphinx-theme loads fontawesome.js only so that users can add custom icons;
it swaps each icon for an inline SVG. The theme's own icons are drawn just as well
by the icon font its stylesheet already loads, and the book adds no icons. The
template ``templates/layout.html`` passes the theme's head through the filter below.
"""
import re
from pathlib import Path

from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"
FONTAWESOME_JS = re.compile(r"\s*<script\b[^>]*\bsrc=\"[^\"]*/fontawesome\.js[^\"]*\"[^>]*>\s*</script>")


def without_fontawesome_js(html: str) -> Markup:
    """The HTML with any fontawesome.js script tag removed."""
    return Markup(FONTAWESOME_JS.sub("", str(html)))


def _add_templates(app, config) -> None:
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))


def _add_filter(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["without_fontawesome_js"] = without_fontawesome_js


def setup(app):
    app.connect("config-inited", _add_templates)
    app.connect("builder-inited", _add_filter)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
