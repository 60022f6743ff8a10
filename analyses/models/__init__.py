"""The analyses: numbers and frames only (no plotly, IPython, ipywidgets, Markdown or HTML)."""
