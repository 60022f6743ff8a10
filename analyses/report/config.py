"""One run of the report runner: the chapters it runs, the parameters it runs them with, the
fingerprint of what a report rests on, and the errors a run reports.

The command line makes one ``RunConfig`` and hands it whole to the runner, its worker processes
and the build. This module imports nothing heavy, so arguments are checked, and up-to-date
reports found, before papermill, nbformat or a kernel is loaded.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from analyses.data.fingerprint import REPORT_INPUTS, digest, files, inputs
from analyses.data.paths import CHAPTERS_DIR, DATA_DIR, REPORTS_DIR, ROOT

REPORT_CHAPTERS = ["prevention_tiers", "fgc", "kinship", "domestic_abuse", "york"]
# The names every chapter's parameters cell sets for the runner; the others are settings (--set).
RUNNER_PARAMETERS = {"la", "data_dir"}
PARTIAL = ".partial"  # suffix of the hidden folder a report is built in


class ReportError(Exception):
    """A report could not be built; the message is one line."""


class WriteError(ReportError):
    """The report could not be written (a full disk, permissions changed mid-run)."""


def chapter_paths() -> tuple[Path, ...]:
    """Source files of the report chapters, in report order."""
    return tuple(CHAPTERS_DIR / f"{stem}.md" for stem in REPORT_CHAPTERS)


@dataclass(frozen=True)
class RunConfig:
    """Everything a run needs besides the area: made once, read everywhere, never changed."""

    data_dir: Path | None = None  # None: the bundled data/
    out_dir: Path = REPORTS_DIR
    timeout: int = 180  # seconds per cell
    settings: dict = field(default_factory=dict)  # chapter settings given with --set
    verbose: bool = False  # show papermill's and the kernels' own messages
    jobs: int = 2  # worker processes for every area
    standalone: bool = True  # write report.html (the site's area pages do not need it)
    site_dir: Path | None = None  # also write each area's site pages there
    chapters: tuple[Path, ...] = field(default_factory=chapter_paths)

    def __post_init__(self) -> None:
        # Absolute paths: papermill and the workers run in other folders.
        for name in ("data_dir", "out_dir", "site_dir"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else Path(value).resolve())
        object.__setattr__(self, "chapters", tuple(Path(c) for c in self.chapters))
        object.__setattr__(self, "settings", dict(self.settings or {}))

    @cached_property
    def fingerprint(self) -> str:
        """``fingerprint`` of the run's data, chapters and settings, worked out once per run (in each
        worker process, once for all its areas): the inputs are not to change while a run reads them."""
        return fingerprint(self.data_dir, self.chapters, self.settings)

    def to_json(self) -> str:
        """The configuration for a worker process (``from_json`` reads it back)."""
        return json.dumps(dataclasses.asdict(self), default=str)  # paths as text

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        return cls(**json.loads(text))


def chapter_settings(chapters: tuple[Path, ...] | list[Path]) -> set[str]:
    """The settings the chapters' ``parameters`` cells take (besides la and data_dir), read from the
    MyST sources as text: quick, so ``--set`` is checked before any kernel starts."""
    names = set()
    cell = re.compile(r"^```\{code-cell\}[^\n]*\n((?::[^\n]*\n)*)(.*?)^```", re.M | re.S)
    for chapter in chapters:
        if not chapter.is_file():
            continue
        for options, source in cell.findall(chapter.read_text(encoding="utf-8")):
            if re.search(r"^:tags:.*\bparameters\b", options, re.M):
                names |= {assigned_name(line) for line in source.splitlines()} - {None}
    return names - RUNNER_PARAMETERS


def assigned_name(line: str) -> str | None:
    """The name a parameters line assigns ('coverage = 1.0  # share' -> 'coverage')."""
    match = re.match(r"\s*([A-Za-z_]\w*)\s*=", line)
    return match.group(1) if match else None


def fingerprint(data_dir: str | Path | None, chapters: tuple[Path, ...], settings: dict | None = None) -> str:
    """Hash of everything a report depends on (``fingerprint_files``) and its settings."""
    return digest(fingerprint_files(data_dir, chapters), json.dumps(settings or {}, sort_keys=True))


def fingerprint_files(data_dir: str | Path | None, chapters: tuple[Path, ...]) -> list[tuple[str, Path]]:
    """(label, path) of every file a report rests on: the data folder (every file), the chapter
    sources and ``analyses.data.fingerprint.REPORT_INPUTS`` (the package, the assets inlined into
    report.html, references.bib)."""
    return [
        *files(data_folder(data_dir), "data"),
        *[(f"chapters/{c.name}", c) for c in chapters],
        *inputs(REPORT_INPUTS, ROOT),
    ]


def data_folder(data_dir: str | Path | None) -> Path:
    return Path(data_dir).resolve() if data_dir else DATA_DIR


def up_to_date(folder: Path, current: str) -> bool:
    """True when ``folder`` holds a report built from inputs with fingerprint ``current``."""
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("fingerprint") == current
    except (OSError, ValueError):
        return False
