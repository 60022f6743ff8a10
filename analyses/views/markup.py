"""The Jinja2 templates that write the views' HTML (``views/templates``), autoescaped.

``environment`` makes the one kind of Environment the package's generated HTML fragments use (the
views' chart extras and tables here, the report's map): every value written with ``{{ }}`` is
escaped as ``html.escape`` escapes it (``&#x27;`` and ``&quot;`` included, the spelling these
pages have always had), unless it is ``Markup`` (HTML already made).
"""

import html
from functools import cache

import jinja2
from markupsafe import Markup


class _Escaped(str):
    """Text escaped by ``_escaped``: Jinja2's escaping then takes it as it is (``__html__``)."""

    __slots__ = ()
    __html__ = str.__str__


def _escaped(value: object) -> object:
    """A value as the page shows it: HTML already made stays as it is; anything else is escaped."""
    return value if hasattr(value, "__html__") else _Escaped(html.escape(str(value)))


def _keep_carriage_returns(value: str) -> Markup:
    """An attribute value escaped, its carriage returns as ``&#13;`` (the DOM would read a bare one as a line feed)."""
    return Markup(html.escape(value).replace("\r", "&#13;"))


@cache
def environment(package: str) -> jinja2.Environment:
    """The autoescaping Environment for the templates in ``package``'s ``templates`` folder."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        finalize=_escaped,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["keep_carriage_returns"] = _keep_carriage_returns
    return env


def render(template: str, **context: object) -> str:
    """One of ``views/templates`` rendered with ``context``."""
    return environment("analyses.views").get_template(template).render(**context)
