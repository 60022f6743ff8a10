"""The fingerprint of what the guide is made from: one list of inputs, one way to hash them.

Used by the report runner (a report is rebuilt only when something it rests on changed), the
site build (``scripts/site_inputs.py``: nothing changed, nothing to build), the book's Sphinx
extension (``_ext/input_fingerprint.py``: the notebooks run again when their code or data
changed), the browser tests (``analyses.devtools.browser.ensure_built``) and the caches of
shared national figures (``analyses.data.cache``).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from analyses.data.paths import ROOT

# Everything the published site is made from, relative to the project root.
SITE_INPUTS = (
    "_config.yml",
    "_toc.yml",
    "references.bib",
    "requirements.txt",
    "scripts/build.sh",
    "chapters",
    "areas",
    "_ext",
    "_static",
    "analyses",
    "data",
)
# What a notebook imports or reads: the book re-executes its notebooks when these change.
NOTEBOOK_INPUTS = ("analyses", "data")
# What a report rests on beside its data folder and its chapters: the code, the assets inlined
# into report.html and the citations.
REPORT_INPUTS = ("analyses", "_ext", "references.bib")
assert set(NOTEBOOK_INPUTS) <= set(SITE_INPUTS) and set(REPORT_INPUTS) <= set(SITE_INPUTS)


def files(folder: Path, label: str) -> list[tuple[str, Path]]:
    """(label/relative path, path) of every file under ``folder`` (or of ``folder`` itself if it is a
    file), caches and hidden files left out, in a stable order."""
    if folder.is_file():
        return [(label, folder)]
    if not folder.is_dir():
        return []
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
        and p.suffix not in (".pyc", ".pyo")
    )
    return [(f"{label}/{p.relative_to(folder).as_posix()}", p) for p in found]


def inputs(names: Iterable[str], root: Path = ROOT) -> list[tuple[str, Path]]:
    """(label, path) of every file of the named inputs (entries of ``SITE_INPUTS``) under ``root``."""
    return [entry for name in names for entry in files(root / name, name)]


def digest(labelled: Iterable[tuple[str, Path]], extra: str = "") -> str:
    """One hash of ``extra`` and the names and contents of the files."""
    hasher = hashlib.sha256(extra.encode())
    for label, path in labelled:
        hasher.update(f"{label}\0{file_sha256(path)}\n".encode())
    return hasher.hexdigest()


def file_sha256(path: Path) -> str:
    stat = path.stat()
    return _file_sha256(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _file_sha256(path: Path, mtime_ns: int, size: int) -> str:
    """A file's hash, worked out once per version of the file (a worker fingerprints every area)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
