"""One area's report, built in one kernel: the chapters joined behind one parameters cell, run
with papermill, split back, and written with report.html and summary.json into a hidden folder
that replaces the old one only when complete. Also the fingerprint of everything a report
rests on, so unchanged reports are not rebuilt.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
import papermill
import papermill.utils
import zmq
from jupyter_client import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError
from papermill.engines import papermill_engines
from papermill.execute import raise_for_execution_errors
from traitlets.config import Config

from analyses.data.geography import Area
from analyses.data.paths import CHAPTERS_DIR, DATA_DIR, ROOT
from analyses.report import area_pages, front
from analyses.report import page as report_page
from analyses.report.summary import collect_summaries
from analyses.views.renderer import PAGE_OUTPUT

TITLE = "Evidence for Prevention: {name}"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
PACKAGE_DIR = Path(__file__).resolve().parents[1]
PARTIAL = ".partial"
RUNNER_CELL = "evidence_runner"  # metadata key of cells the runner adds for itself
# An empty namespace for the next area: IPython's own reset (as %reset -f, in a new history
# session so its cleanup does not grow with every report). What survives it (modules, the
# loaded dataset) lives as long as the kernel, so it is then frozen out of garbage collection,
# which would otherwise rescan those few hundred thousand objects again and again.
RESET_SOURCE = "get_ipython().reset(new_session=True)\n__import__('gc').freeze()"


# Encrypted kernel transport (the kernelspec declares curve support); this also
# silences ipykernel's "running over TCP without encryption" warning on stderr.
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto" if zmq.has("curve") else "disabled"}})


class ReportError(Exception):
    """A report could not be built; the message is one line."""


class WriteError(ReportError):
    """The report could not be written (a full disk, permissions changed mid-run)."""


def build_folder(
    area: Area,
    chapters: list[Path],
    data_dir: str | Path | None,
    out_dir: str | Path,
    timeout: int,
    settings: dict,
    km: AsyncKernelManager | None = None,
    standalone: bool = True,
    site_dir: str | None = None,
) -> Path:
    """Build ``out_dir/<slug>/`` in a hidden folder and swap it into place; its path. Raises ReportError.

    ``standalone=False`` leaves out report.html; ``site_dir`` also writes the area's site pages there.
    """
    out_dir = Path(out_dir).resolve()  # papermill changes the working directory while it runs
    target = out_dir / area.slug
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ReportError(f"{target} exists and is not a folder; move it away or choose another --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{area.slug}.", suffix=PARTIAL, dir=out_dir))
        work.chmod(0o755)  # mkdtemp makes it private; the report folder is not
    except OSError as exc:
        raise WriteError(f"cannot write the report to {target} ({exc.strerror or exc})") from None
    try:
        with kernel_environment():
            notebooks = _execute_all(area, chapters, data_dir, work, timeout, settings, km)
        summary = _summary(area, chapters, data_dir, list(notebooks.values()), settings)
        if standalone:
            try:
                page = report_page.render(TITLE.format(name=area.name), notebooks, summary)
            except report_page.ExternalAssetError as exc:
                raise ReportError(str(exc)) from None
            (work / "report.html").write_text(page, encoding="utf-8")
        (work / "summary.json").write_text(json.dumps(summary, indent=2, allow_nan=False) + "\n", encoding="utf-8")
        (work / "summary.csv").write_text(front.summary_csv(summary), encoding="utf-8", newline="")
        (work / "findings.csv").write_text(front.findings_csv(summary), encoding="utf-8", newline="")
        _replace_dir(work, target)
        if site_dir:
            area_pages.write_area_pages(summary, notebooks, Path(site_dir))  # the site's pages, same notebooks
    except OSError as exc:  # a full disk, permissions changed mid-run
        raise WriteError(f"cannot write the report to {target} ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(work.with_name(work.name + ".old"), ignore_errors=True)
    return target


def _execute_all(
    area: Area,
    chapters: list[Path],
    data_dir: str | Path | None,
    folder: Path,
    timeout: int,
    settings: dict,
    km: AsyncKernelManager | None = None,
) -> dict[str, nbformat.NotebookNode]:
    """Run every chapter for ``area`` in ONE kernel, then save each as ``folder/<stem>.ipynb``.

    The chapters are joined into one notebook behind a single parameters cell (the union of
    the chapters' parameters cells, which are dropped from the chapters), executed with papermill, and split back by chapter; a
    kernel start and the imports are paid once per area instead of once per chapter.
    """
    combined = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    lines: list[str] = []
    body = []
    for chapter in chapters:
        for cell in _read_chapter(chapter).cells:
            if "parameters" in cell.metadata.get("tags", []):
                lines += [line for line in cell.source.splitlines() if line.strip() and line not in lines]
            else:
                cell.metadata["chapter"] = chapter.stem
                body.append(cell)
    known = {_assigned_name(line) for line in lines} - {None}
    if unknown := sorted(set(settings) - known):
        raise ReportError(
            f"unknown setting {', '.join(unknown)}; the chapters take: {', '.join(sorted(known - {'la', 'data_dir'}))}"
        )
    combined.cells = [nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["parameters"]}), *body]
    if km is not None:  # a reused kernel: start from an empty namespace (this cell is dropped again in _split)
        combined.cells.insert(0, nbformat.v4.new_code_cell(RESET_SOURCE, metadata={RUNNER_CELL: "reset"}))
    start = time.perf_counter()
    try:
        parameters = {**settings, "la": area.name, "data_dir": str(Path(data_dir).resolve()) if data_dir else None}
        executed = _papermill(combined, parameters, timeout, km)
    except papermill.PapermillExecutionError as exc:
        raise ReportError(f"chapter {_chapter_of(exc, combined)} failed: {last_line(exc)}") from exc
    except CellTimeoutError as exc:
        raise ReportError(f"a cell ran for longer than the {timeout} s limit (--timeout)") from exc
    except OSError as exc:
        raise ReportError(f"chapters failed to run: {exc.strerror or last_line(exc)}") from exc
    except Exception as exc:  # a kernel that would not start, a timeout: same one-line report
        raise ReportError(f"chapters failed to run: {last_line(exc)}") from exc
    print(
        f"{area.name}: {', '.join(c.stem for c in chapters)} done in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
        flush=True,
    )  # hidden unless --verbose (or in a worker's log)
    return _split(executed, chapters, folder)


def _papermill(
    notebook: nbformat.NotebookNode, parameters: dict, timeout: int, km: AsyncKernelManager | None
) -> nbformat.NotebookNode:
    """Parameterise and execute with papermill, in the chapters folder, with a time limit per cell.

    The same steps as ``papermill.execute_notebook`` without its final save, which would
    serialise the whole executed notebook (megabytes of chart JSON) only to discard it.
    """
    prepared = papermill.execute_notebook(
        notebook, None, parameters=parameters, kernel_name=KERNELSPEC["name"], prepare_only=True
    )
    with papermill.utils.chdir(CHAPTERS_DIR):
        executed = papermill_engines.execute_notebook_with_engine(
            None,
            prepared,
            kernel_name=KERNELSPEC["name"],
            input_path=None,
            output_path=None,
            progress_bar=False,
            log_output=False,
            start_timeout=60,
            stdout_file=None,
            stderr_file=None,
            execution_timeout=timeout,
            config=KERNEL_CONFIG,
            **({"km": km} if km else {}),
        )
    raise_for_execution_errors(executed, None)
    return executed


def chapter_settings(chapters: list[Path]) -> set[str]:
    """The settings the chapters' ``parameters`` cells take (besides la and data_dir), read from the
    MyST sources as text: quick, so ``--set`` is checked before any kernel starts."""
    names = set()
    cell = re.compile(r"^```\{code-cell\}[^\n]*\n((?::[^\n]*\n)*)(.*?)^```", re.M | re.S)
    for chapter in chapters:
        if not chapter.is_file():
            continue
        for options, source in cell.findall(chapter.read_text(encoding="utf-8")):
            if re.search(r"^:tags:.*\bparameters\b", options, re.M):
                names |= {_assigned_name(line) for line in source.splitlines()} - {None}
    return names - {"la", "data_dir"}


def _assigned_name(line: str) -> str | None:
    """The name a parameters line assigns ('coverage = 1.0  # share' -> 'coverage')."""
    match = re.match(r"\s*([A-Za-z_]\w*)\s*=", line)
    return match.group(1) if match else None


def _read_chapter(chapter: Path) -> nbformat.NotebookNode:
    """A chapter's MyST source as a notebook (a copy of its own); it must have a ``parameters`` cell."""
    if not chapter.is_file():
        raise ReportError(f"chapter {chapter.stem} failed: FileNotFoundError: {chapter}")
    stat = chapter.stat()
    return copy.deepcopy(_parsed_chapter(chapter, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=32)
def _parsed_chapter(chapter: Path, mtime_ns: int, size: int) -> nbformat.NotebookNode:
    """A chapter parsed once per version of its file (a worker reads the same chapters for every area)."""
    nb = jupytext.read(chapter)
    if not any("parameters" in cell.metadata.get("tags", []) for cell in nb.cells):
        raise ReportError(f"chapter {chapter.stem} failed: no cell tagged 'parameters'")
    return nb


def _chapter_of(exc: papermill.PapermillExecutionError, combined: nbformat.NotebookNode) -> str:
    """The chapter of the cell that raised (found by its source)."""
    return next((c.metadata.get("chapter", "parameters") for c in combined.cells if c.source == exc.source), "?")


def _split(executed: nbformat.NotebookNode, chapters: list[Path], folder: Path) -> dict[str, nbformat.NotebookNode]:
    """Per-chapter notebooks from the executed combined one, each keeping the parameter cells."""
    shared = [c for c in executed.cells if "chapter" not in c.metadata and RUNNER_CELL not in c.metadata]
    notebooks = {}
    for chapter in chapters:
        nb = nbformat.v4.new_notebook(metadata=executed.metadata)
        nb.cells = shared + [c for c in executed.cells if c.metadata.get("chapter") == chapter.stem]
        write_notebook(nb, folder / f"{chapter.stem}.ipynb")
        notebooks[chapter.stem] = nb
    return notebooks


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """Save an executed notebook as plain compact JSON (nbformat.write's indented, validated copy
    took longer than the rest of splitting a report)."""
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def last_line(exc: Exception) -> str:
    """The 'Type: message' line that ends a traceback, for an error inside or outside the kernel."""
    if isinstance(exc, ReportError):
        return str(exc)
    if isinstance(exc, papermill.PapermillExecutionError):
        name, lines = exc.ename, str(exc.evalue).splitlines()
    else:
        name, lines = type(exc).__name__, str(exc).splitlines()
    lines = [line.strip() for line in lines if line.strip()]
    return f"{name}: {lines[-1]}" if lines else name


@contextlib.contextmanager
def kernel_environment():
    """The environment the runner's kernels start in: the repository root on PYTHONPATH, so they
    can ``import analyses`` from any folder, and ``renderer.PAGE_OUTPUT`` set, so charts are
    written only as the page's HTML (not also as plotly's JSON for a Jupyter front end, which
    doubled what each report sent, checked and stored)."""
    wanted = {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), PAGE_OUTPUT: "1"}
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def _summary(
    area: Area,
    chapters: list[Path],
    data_dir: str | Path | None,
    notebooks: list[nbformat.NotebookNode],
    settings: dict,
) -> dict:
    """The contents of summary.json (layout in the module docstring)."""
    folder = _data_folder(data_dir)
    la = {
        "name": area.name,
        "slug": area.slug,
        "level": area.level,
        "new_la_code": area.code,
        "old_la_code": area.old_la_code,
        "region_code": area.region_code,
        "region_name": area.region_name,
    }
    return {
        "la": {key: value or None for key, value in la.items()},
        **collect_summaries(notebooks),
        "chapters": [chapter.stem for chapter in chapters],
        "generated_at": datetime.date.today().isoformat(),
        "generated_from": {
            "data_dir": str(folder),
            "indicators_sha256": _sha256(folder / "indicators.csv"),
            **front.data_provenance(data_dir),
        },
        "settings": settings,
        "fingerprint": fingerprint(data_dir, chapters, settings),
    }


def fingerprint(data_dir: str | Path | None, chapters: list[Path], settings: dict | None = None) -> str:
    """Hash of everything a report depends on, each file named by its path relative to its root.

    The data folder (every file), the chapter sources, the whole ``analyses`` package
    (recursively, caches left out), ``references.bib`` (the report's citations) and ``_ext/``
    (the assets inlined into report.html), plus the settings.
    """
    digest = hashlib.sha256(json.dumps(settings or {}, sort_keys=True).encode())
    for label, path in fingerprint_files(data_dir, chapters):
        digest.update(f"{label}\0{_sha256(path)}\n".encode())
    return digest.hexdigest()


def fingerprint_files(data_dir: str | Path | None, chapters: list[Path]) -> list[tuple[str, Path]]:
    """(label, path) of every file ``fingerprint`` hashes, in a stable order."""

    def tree(root: Path, label: str) -> list[tuple[str, Path]]:
        files = sorted(
            p
            for p in root.rglob("*")
            if p.is_file()
            and "__pycache__" not in p.parts
            and not p.name.startswith(".")
            and p.suffix not in (".pyc", ".pyo")
        )
        return [(f"{label}/{p.relative_to(root).as_posix()}", p) for p in files]

    files = [
        *tree(_data_folder(data_dir), "data"),
        *[(f"chapters/{c.name}", c) for c in chapters],
        *tree(PACKAGE_DIR, "analyses"),
        *tree(ROOT / "_ext", "_ext"),
    ]
    bib = ROOT / "references.bib"
    return files + ([("references.bib", bib)] if bib.is_file() else [])


def _sha256(path: Path) -> str:
    stat = path.stat()
    return _file_sha256(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _file_sha256(path: Path, mtime_ns: int, size: int) -> str:
    """A file's hash, worked out once per version of the file (a worker fingerprints every area)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _data_folder(data_dir: str | Path | None) -> Path:
    return Path(data_dir).resolve() if data_dir else DATA_DIR


def _replace_dir(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; a previous ``target`` is removed only after the swap."""
    old = new.with_name(new.name + ".old")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ReportError(f"{target} exists and is not a folder; move it away or choose another --out")
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists() and not target.exists():
            old.rename(target)  # put the previous report back
        raise
    shutil.rmtree(old, ignore_errors=True)


def up_to_date(folder: Path, current: str) -> bool:
    """True when ``folder`` holds a report built from inputs with fingerprint ``current``."""
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("fingerprint") == current
    except (OSError, ValueError):
        return False
