"""Results worked out once per version of their inputs and kept on disk: small ones as JSON (an
index of child populations, parsed chapters), tables as pickles (the loaded dataset and the
national measures derived from it, which every report's kernel would otherwise make again).

A result is stored under its name and the fingerprint of what it was computed from (the data
folder and the package's code, ``analyses.data.fingerprint``), so a change to either computes
it afresh. The folder is ``$EFP_CACHE_DIR``, else ``$XDG_CACHE_HOME/evidence-for-prevention``
(``~/.cache/...``). Where it cannot be written the result is simply computed each time.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from analyses.data.fingerprint import NOTEBOOK_INPUTS, digest, files, inputs
from analyses.data.paths import DATA_DIR

KEEP = 6  # versions of each result kept


def cache_dir() -> Path:
    if folder := os.environ.get("EFP_CACHE_DIR"):
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "evidence-for-prevention"


def code_files() -> list[tuple[str, Path]]:
    """The package's own files, whose every change makes every cached result new."""
    return [entry for entry in inputs(NOTEBOOK_INPUTS) if entry[0].startswith("analyses/")]


def data_version(data_dir: str | Path | None) -> str:
    """The fingerprint of a data folder (the bundled one by default) and the code that reads it."""
    folder = Path(data_dir).resolve() if data_dir else DATA_DIR
    return digest([*files(folder, "data"), *code_files()])


def cached_json(name: str, version: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or the result it gave before for the same ``version`` (JSON: plain values)."""
    return _cached(name, f"{version[:20]}.json", compute, _json_load, _json_dump)


def cached_pickle(name: str, version: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or the result it gave before for the same ``version`` (any picklable value,
    such as frames; only ever read back from this user's own cache folder)."""
    return _cached(name, f"{version[:20]}.pickle", compute, pickle.load, _pickle_dump)


def _json_load(handle: BinaryIO) -> Any:
    return json.loads(handle.read().decode("utf-8"))


def _json_dump(value: Any, handle: BinaryIO) -> None:
    handle.write(json.dumps(value, allow_nan=False).encode("utf-8"))


def _pickle_dump(value: Any, handle: BinaryIO) -> None:
    pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _cached(name: str, version: str, compute: Callable[[], Any], load: Callable, dump: Callable) -> Any:
    path = cache_dir() / f"{name}-{version}"
    try:
        with path.open("rb") as handle:
            return load(handle)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        pass
    value = compute()
    partial = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".partial", delete=False) as out:
            partial = Path(out.name)
            dump(value, out)
        os.replace(partial, path)  # whole or not at all: parallel workers may write it at once
        _prune(path.parent, name)
    except Exception:  # a result that cannot be stored is still returned; the cache is only a shortcut
        if partial is not None:
            partial.unlink(missing_ok=True)
    return value


def _prune(folder: Path, name: str) -> None:
    """Keep the newest ``KEEP`` versions of a result (older code or data may come back, as when
    switching branches, but not without bound)."""
    versions = sorted(folder.glob(f"{name}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in versions[KEEP:]:
        old.unlink(missing_ok=True)
