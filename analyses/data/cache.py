"""Results worked out once per version of their inputs and kept on disk: small ones as JSON (an
index of child populations, parsed chapters), tables as pickles (the loaded dataset and the
national measures derived from it, which every report's kernel would otherwise make again).

A result is stored under its name and the fingerprint of what it was computed from (the data
folder and the package's code, ``analyses.data.fingerprint``), so a change to either computes
it afresh. The folder is ``$EFP_CACHE_DIR``, else ``$XDG_CACHE_HOME/evidence-for-prevention``
(``~/.cache/...``). Where it cannot be written the result is simply computed each time.
Processes that ask for the same result at once (a run's workers, the book's kernels) do not all
compute it: the first holds its lock while it does, and the others then read what it stored.
"""

from __future__ import annotations

import contextlib
import fcntl
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
LOCK = ".lock"  # suffix of the file a result is locked by while it is computed


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
    found = _read(path, load)
    if found is not _MISSING:
        return found
    with _computing(path):  # a run's workers all ask at once: one computes, the others then read it
        found = _read(path, load)
        if found is not _MISSING:
            return found
        value = compute()
        partial = None
        try:
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".partial", delete=False) as out:
                partial = Path(out.name)
                dump(value, out)
            os.replace(partial, path)  # whole or not at all
            _prune(path.parent, name)
        except Exception:  # a result that cannot be stored is still returned; the cache is only a shortcut
            if partial is not None:
                partial.unlink(missing_ok=True)
        return value


_MISSING = object()


def _read(path: Path, load: Callable) -> Any:
    try:
        with path.open("rb") as handle:
            return load(handle)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        return _MISSING


@contextlib.contextmanager
def _computing(path: Path):
    """Hold the lock of one result (``<result>.lock`` beside it) while it is computed; where the cache
    folder cannot be written, compute without one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(path.with_name(path.name + LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):  # a file system without locks: compute, as without a folder
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)


def _prune(folder: Path, name: str) -> None:
    """Keep the newest ``KEEP`` versions of a result (older code or data may come back, as when
    switching branches, but not without bound), each with its lock file."""
    versions = [p for p in folder.glob(f"{name}-*") if not p.name.endswith((LOCK, ".partial"))]
    versions.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in versions[KEEP:]:
        old.unlink(missing_ok=True)
        old.with_name(old.name + LOCK).unlink(missing_ok=True)
