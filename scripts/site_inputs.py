"""Print a hash of everything the built site is made from (used by scripts/build.sh).

When it equals the hash saved after the last successful build and the site is there, nothing
changed, and build.sh stops at once instead of asking the book and the runner to find that out
(about 10 s). The list matches tests/browser.py's SOURCES, plus what installs and builds.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
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
]


def inputs_hash(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = root / name
        files = (
            [path]
            if path.is_file()
            else sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            )
        )
        for file in files:
            digest.update(f"{file.relative_to(root)}\0".encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


if __name__ == "__main__":
    sys.stdout.write(inputs_hash() + "\n")
