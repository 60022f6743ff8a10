"""Register the guide's bibliography styles (``analyses.views.citations``) with pybtex.

``guide`` keeps the order of citation (footnotes under each chapter); ``guidesorted`` sorts
by author, year and title (the full list in Data and methods). The per-area report prints
its sources with the same style, so a source reads the same everywhere.
"""

import sys
from pathlib import Path

from pybtex.plugin import register_plugin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the book root, where ``analyses`` lives
from analyses.views.citations import GuideSortedStyle, GuideStyle  # noqa: E402


def setup(app):
    register_plugin("pybtex.style.formatting", "guide", GuideStyle)
    register_plugin("pybtex.style.formatting", "guidesorted", GuideSortedStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
