"""Drop the rules of a stylesheet that can match nothing on the site (used by ``theme_weight``).

pydata-sphinx-theme's stylesheet bundles Bootstrap and Font Awesome's 2,000 icon classes:
400 KB (66 KB gzipped) that the browser must fetch and parse before the first paint, nine
tenths of it for classes no page uses. A selector is kept unless it names a class or id that
appears nowhere in the built site's HTML and JavaScript (so classes the theme's scripts add,
such as ``show`` or ``collapsing``, stay), or is one of the prefixes below, which Bootstrap
builds at run time. Classes and ids inside ``:not()``, ``:is()`` and the like are ignored, as
are attribute selectors (dark mode is ``html[data-theme=dark]``): when unsure, a rule stays.
@font-face, @keyframes and custom properties are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import tinycss2

WORD = re.compile(r"[A-Za-z_][\w-]*")
# Bootstrap composes these names in JavaScript ("bs-" + name + "-auto").
ALWAYS_KEEP = re.compile(r"^(bs-|tooltip|popover|show|fade|collaps|active|disabled|focus)")
NAME = re.compile(r"[.#](-?[_a-zA-Z\\][\w\\-]*)")
INNER = re.compile(r"\([^()]*\)")
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
GROUPS = {"media", "supports", "layer", "container"}


def site_words(folder: Path, suffixes: Iterable[str] = (".html", ".js")) -> set[str]:
    """Every word in the site's HTML and JavaScript files: the class names and ids it can use."""
    words: set[str] = set()
    for path in folder.rglob("*"):
        if path.suffix in suffixes and path.is_file():
            words.update(WORD.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return words


def _split_selectors(prelude: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:index])
            start = index + 1
    parts.append(prelude[start:])
    return [part.strip() for part in parts if part.strip()]


def selector_can_match(selector: str, words: set[str]) -> bool:
    text = ATTRIBUTE.sub("", STRING.sub("", selector))
    while INNER.search(text):
        text = INNER.sub("", text)
    for name in NAME.findall(text):
        if "\\" in name or ALWAYS_KEEP.match(name):
            continue
        if name not in words:
            return False
    return True


def _purge_rules(rules, words: set[str]) -> str:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(tinycss2.serialize(rule.prelude)) if selector_can_match(s, words)]
            if selectors:
                out.append(",".join(selectors) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPS and rule.content is not None:
            inner = _purge_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), words
            )
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude).rstrip()}{{{inner}}}")
        elif rule.type == "at-rule":
            out.append(tinycss2.serialize([rule]).strip())
    return "\n".join(out)


def purge(css: str, words: set[str]) -> str:
    """``css`` without the rules whose every selector names a class or id missing from ``words``."""
    return _purge_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), words) + "\n"
