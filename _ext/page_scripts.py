"""Drop duplicate script tags from each page, and load the theme's scripts without blocking the first paint.

Sphinx 7.4 can list an inline script twice when an extension adds it after the
builder starts (sphinx-thebe, sphinx-togglebutton); a repeated ``const`` then
raises "Identifier has already been declared" in the browser console.

Every script file in the head (Sphinx's doctools, copy buttons, the theme's, toggle buttons,
tabs) only wires up controls once the page is there, so each loads ``defer``: in order, after the
page is parsed, without holding up its first paint. ``documentation_options.js`` stays as it
is: inline scripts on the page assign to the object it defines.

Scripts of extensions the book does not use are left out (with their stylesheets, see
``theme_weight.py``): sphinx-thebe's (thebe is off), sphinx-togglebutton's (no page hides a
cell's input or output, or has a dropdown) and sphinx-design's tabs.
"""

from sphinx.builders.html._assets import _JavaScript

KEEP_BLOCKING = ("documentation_options.js",)
UNUSED_FILES = ("togglebutton.js", "design-tabs.js", "sphinx-thebe.js")
UNUSED_INLINE = ("toggleHint", "toggleOpenOnPrint", "togglebuttonSelector", "THEBE_JS_URL")


def unused(script) -> bool:
    """A script of sphinx-thebe, sphinx-togglebutton or sphinx-design's tabs."""
    if script.filename:
        return str(script.filename).endswith(UNUSED_FILES)
    return any(word in str(script.attributes.get("body", "")) for word in UNUSED_INLINE)


def drop_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of any scripts with the same file, priority and attributes."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))
        if key not in seen and not unused(script):
            seen.add(key)
            unique.append(script)
    scripts[:] = unique
    if pagename == "search":  # the search page's own scripts need doctools.js at once
        return
    for index, script in enumerate(scripts):
        name = str(script.filename or "")
        if (
            name
            and not name.startswith(("http:", "https:"))
            and not name.endswith(KEEP_BLOCKING)
            and not {"async", "defer"} & set(script.attributes)
        ):
            # A new object: the builder shares each script between pages.
            scripts[index] = _JavaScript(
                script.filename, priority=script.priority, **{**script.attributes, "defer": "defer"}
            )


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
