"""Say on every page that shows York where the same figures are for any area.

The chapters with local analysis run for York on the site (their ``parameters`` cell holds
``la = "York"``). Below the title of each such page this adds a note linking to the
"Your area" finder (``areas/index``), where every local authority and England has the same
analyses (``analyses.report.areas``).
"""

import re
from pathlib import Path

from docutils import nodes

SHOWS_YORK = re.compile(r'^la = "York"', re.M)
FINDER = "areas/index"


def add_area_note(app, doctree, docname) -> None:
    if docname == FINDER or FINDER not in app.env.found_docs or not hasattr(app.builder, "get_relative_uri"):
        return
    try:
        source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    except OSError:
        return
    if not SHOWS_YORK.search(source):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    para = nodes.paragraph(classes=["area-note"])
    para += nodes.Text(
        "The local figures on this page are for York. The same figures for every local authority "
        "in England, and for England, are under "
    )
    para += nodes.reference("", "Your area", internal=True, refuri=app.builder.get_relative_uri(docname, FINDER))
    para += nodes.Text(": a page for each area, found by name, code or on a map.")
    section.insert(1, nodes.note("", para))


def setup(app):
    app.connect("doctree-resolved", add_area_note)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
