"""Evidence for Prevention: data, models, charts and runners behind the guide."""
import sys

# plotly imports nbformat, whose jsonschema import builds the grammar of the optional
# `rfc3987_syntax` package (pulled in by Voila's dependencies): 1.8 s in every kernel that
# draws a chart. Nothing here validates IRIs, so jsonschema is told the package is absent.
sys.modules.setdefault("rfc3987_syntax", None)

import pandas as pd  # noqa: E402

# pandas keeps text in pyarrow arrays by default; the chapters select thousands of small
# slices (one area's series, one year's LAs), where arrow's per-call overhead dominates.
# Python-backed strings make every chapter run about a fifth faster; values are the same.
pd.options.mode.string_storage = "python"
