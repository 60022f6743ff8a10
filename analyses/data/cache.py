"""Small results worked out once per version of their inputs and kept on disk as JSON.

A result is stored under its name and the fingerprint of what it was computed from (the data
folder and the package's code, ``analyses.data.fingerprint``), so a change to either computes
it afresh. The folder is ``$EFP_CACHE_DIR``, else ``$XDG_CACHE_HOME/evidence-for-prevention``
(``~/.cache/...``). Where it cannot be written the result is simply computed each time.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyses.data.fingerprint import NOTEBOOK_INPUTS, digest, files, inputs
from analyses.data.paths import DATA_DIR


def cache_dir() -> Path:
    if folder := os.environ.get("EFP_CACHE_DIR"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "evidence-for-prevention"


def data_version(data_dir: str | Path | None) -> str:
    """The fingerprint of a data folder (the bundled one by default) and the code that reads it."""
    folder = Path(data_dir).resolve() if data_dir else DATA_DIR
    code = [entry for entry in inputs(NOTEBOOK_INPUTS) if entry[0].startswith("analyses/")]
    return digest([*files(folder, "data"), *code])


def cached_json(name: str, version: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or the result it gave before for the same ``version``."""
    path = cache_dir() / f"{name}-{version[:20]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    partial = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".partial", delete=False) as out:
            partial = Path(out.name)
            json.dump(value, out, allow_nan=False)
        os.replace(partial, path)  # whole or not at all: parallel workers may write it at once
    except (OSError, ValueError):
        if partial is not None:
            partial.unlink(missing_ok=True)
    return value
