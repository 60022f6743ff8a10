"""Settings for a kernel that runs the guide's notebooks, applied where the kernel starts."""

from __future__ import annotations

import sys


def start_notebook() -> None:
    """Make the kernel fast for chapter notebooks; call it in a notebook's first code cell.

    - Plotly imports nbformat, whose jsonschema import builds the grammar of the optional
      ``rfc3987_syntax`` package (pulled in by Voila's dependencies): 1.8 s in every kernel that
      draws a chart. Nothing here validates IRIs, so jsonschema is told the package is absent.
    - pandas keeps text in pyarrow arrays by default; the chapters select thousands of small
      slices (one area's series, one year's LAs), where arrow's per-call overhead dominates.
      Python-backed strings make every chapter run about a fifth faster; values are the same.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    import pandas as pd

    pd.options.mode.string_storage = "python"
