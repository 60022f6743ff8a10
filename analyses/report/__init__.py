"""Per-area reports: the papermill runner and its workers, the summary.json protocol, the report page."""
