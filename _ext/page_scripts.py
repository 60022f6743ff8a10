"""Drop duplicate script tags from each page.

Sphinx 7.4 can list an inline script twice when an extension adds it after the
builder starts (sphinx-thebe, sphinx-togglebutton); a repeated ``const`` then
raises "Identifier has already been declared" in the browser console.
"""


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of any scripts with the same file, priority and attributes."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
