"""Let notebook kernels import the project's own ``analyses`` package.

myst-nb runs each notebook in its own folder (``chapters/``) in a kernel that
inherits this process's environment, so the book root goes on ``PYTHONPATH``.
"""

import os
from pathlib import Path


def _add_book_root(app, config) -> None:
    root = str(Path(app.srcdir).resolve())
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([root, *filter(None, paths)])


def setup(app):
    app.connect("config-inited", _add_book_root)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
