"""Per-area reports: the papermill runner and its workers, the summary.json protocol, the report page."""

import sys

# jsonschema (imported by nbformat, which papermill and jupytext use) imports rfc3987_syntax when it
# is installed, to check the "iri" formats of newer JSON Schema drafts; it builds about 35 Lark
# grammars as it loads (3 s of every report process). nbformat's schema (draft 4) never uses those
# formats, so the runner's processes go without it: a None entry makes that optional import fail.
sys.modules.setdefault("rfc3987_syntax", None)
