"""Register the guide's bibliography styles (``analyses.views.citations``) with pybtex.

``guide`` keeps the order of citation (footnotes under each chapter); ``guidesorted`` sorts
by author, year and title (the full list in Data and methods). The per-area report prints
its sources with the same style, so a source reads the same everywhere.
"""

from pybtex.plugin import register_plugin

from analyses.views.citations import GuideSortedStyle, GuideStyle


def setup(app):
    register_plugin("pybtex.style.formatting", "guide", GuideStyle)
    register_plugin("pybtex.style.formatting", "guidesorted", GuideSortedStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
