"""Re-execute the book's notebooks when the code or data they use change.

myst-nb's execution cache keys on a notebook's own code cells, and Sphinx re-reads a page only
when its source changes, so an edit to ``analyses/`` or ``data/`` would otherwise leave every
chart showing the old results. This extension fingerprints those folders
(``analyses.data.fingerprint.NOTEBOOK_INPUTS``). When the fingerprint
differs from the one stamped at the last successful build, it empties the execution cache and
has Sphinx re-read every page; a rebuild with nothing changed stays fast.
"""

import shutil
from pathlib import Path

from analyses.data.fingerprint import NOTEBOOK_INPUTS, digest, inputs

STAMP = ".inputs-fingerprint"


def _paths(app) -> tuple[Path, Path]:
    """myst-nb's execution cache folder (its default unless configured) and the stamp beside it."""
    build = Path(app.outdir).parent
    cache = Path(app.config.nb_execution_cache_path or build / ".jupyter_cache")
    return cache, build / STAMP


def _check_inputs(app, config) -> None:
    cache, stamp = _paths(app)
    app.evidence_inputs = digest(inputs(NOTEBOOK_INPUTS, Path(app.srcdir)))
    previous = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
    app.evidence_inputs_changed = previous != app.evidence_inputs
    if app.evidence_inputs_changed and cache.exists():
        shutil.rmtree(cache)


def _reread_all(app, env, added, changed, removed) -> list[str]:
    return sorted(env.found_docs - added - changed - removed) if app.evidence_inputs_changed else []


def _stamp(app, exception) -> None:
    if exception is None:
        _, stamp = _paths(app)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(app.evidence_inputs + "\n", encoding="utf-8")


def setup(app):
    app.connect("config-inited", _check_inputs)
    app.connect("env-get-outdated", _reread_all)
    app.connect("build-finished", _stamp)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
