"""Small markup fixes so every page passes axe-core's WCAG 2.2 AA checks.

Docutils writes a bibliography as ``<div role="list">`` holding items with the
deprecated DPUB role ``doc-biblioentry``; ARIA requires a list's children to be
list items, so assistive technology may not announce the entries (axe rule
``aria-required-children``, impact critical). Each entry becomes a ``listitem``.
"""

BIBLIOENTRY = 'role="doc-biblioentry"'


def fix_bibliography_roles(app, pagename, templatename, context, doctree) -> None:
    """Give bibliography entries the list-item role their list requires."""
    body = context.get("body", "")
    if BIBLIOENTRY in body:
        context["body"] = body.replace(BIBLIOENTRY, 'role="listitem"')


def setup(app):
    app.connect("html-page-context", fix_bibliography_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
