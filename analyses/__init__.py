"""Evidence for Prevention: the data, models, views and report runner behind the guide.

Layers, each importing only those before it: ``data`` (the tidy dataset, its schema and
vocabulary) <- ``ingest`` (published and councils' files into that layout); ``data`` <-
``models`` (numbers only) <- ``views`` (charts, wording) <- ``report`` and ``workshop``.

The public face, for notebooks and scripts::

    import analyses
    ds = analyses.load()              # the bundled dataset, or analyses.load("my-data")
    area = ds.area("York")            # an analyses.Area
    analyses.publish_summary("section", {...})   # a chapter's headline figures for summary.json

Importing the package changes no setting of pandas or plotly: a notebook that draws charts
calls ``analyses.start_notebook()`` in its first cell.
"""

from __future__ import annotations

from importlib import import_module

__all__ = ["Area", "load", "publish_summary", "start_notebook"]

_PUBLIC = {
    "Area": "analyses.data.geography",
    "load": "analyses.data.dataset",
    "publish_summary": "analyses.report.summary",
    "start_notebook": "analyses.views.session",
}


def __getattr__(name: str):
    """Import each public name on first use, so ``import analyses`` stays light (the CLI starts fast)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'analyses' has no attribute {name!r}")
    return getattr(import_module(_PUBLIC[name]), name)
