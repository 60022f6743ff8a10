"""Render TeX maths to MathML at build time, so no page loads MathJax from a CDN.

Uses the TeX-to-MathML converter that ships with docutils; browsers draw MathML
natively. TeX the converter does not know is shown as code, with a warning.
"""

from docutils import nodes
from docutils.utils.math import MathError, latex2mathml
from markupsafe import Markup
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)


def _to_mathml(translator, node, tex: str, block: bool) -> str:
    try:
        return latex2mathml.tex2mathml(tex, as_block=block)
    except MathError as error:
        logger.warning("cannot convert maths to MathML (%s): %s", error, tex, location=node)
        return Markup("<code>{}</code>").format(tex)


def visit_math(translator, node: nodes.math) -> None:
    """Inline maths as a MathML element."""
    translator.body.append(translator.starttag(node, "span", "", CLASS="math"))
    translator.body.append(_to_mathml(translator, node, node.astext(), block=False) + "</span>")
    raise nodes.SkipNode


def visit_displaymath(translator, node: nodes.math_block) -> None:
    """Display maths (one MathML block per paragraph of TeX), numbered if labelled."""
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(Markup('<span class="eqno">({})').format(number))
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    # The theme lays div.math out as a row: let the maths fill it, so it is centred.
    translator.body.append('<div style="flex: 1">')
    for part in filter(str.strip, node.astext().split("\n\n")):
        translator.body.append(_to_mathml(translator, node, part, block=True))
    translator.body.append("</div></div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
