"""The stylesheet purge behind the lighter theme CSS (_ext/css_purge.py)."""

import importlib.util

from analyses.data.paths import ROOT

# _ext is a folder of Sphinx extensions, not a package: load the module from its file.
_spec = importlib.util.spec_from_file_location("css_purge", ROOT / "_ext" / "css_purge.py")
css_purge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(css_purge)
purge, selector_can_match = css_purge.purge, css_purge.selector_can_match

WORDS = {"bd-header", "btn", "nav"}


def test_a_selector_naming_an_unused_class_is_dropped():
    assert not selector_can_match(".card .btn", WORDS)
    assert selector_can_match(".bd-header .btn:hover", WORDS)
    assert selector_can_match("html[data-theme=dark] .btn", WORDS)  # attributes are not checked


def test_classes_inside_not_and_classes_bootstrap_builds_are_kept():
    assert selector_can_match(".btn:not(.card)", WORDS)
    assert selector_can_match(".show", WORDS) and selector_can_match(".bs-tooltip-auto", WORDS)


def test_purge_keeps_used_rules_media_and_font_faces():
    css = (
        "@font-face{font-family:X;src:url(x.woff2)}"
        ".btn,.card{color:red}.card{color:blue}"
        "@media (min-width:960px){.card{margin:0}.nav{margin:1px}}"
        "@media print{.card{display:none}}"
    )
    out = purge(css, WORDS)
    assert "@font-face" in out
    assert ".btn{color:red}" in out and "blue" not in out
    assert "@media (min-width:960px){.nav{margin:1px}}" in out
    assert "print" not in out
