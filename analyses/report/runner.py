"""Run the report chapters for one area (or all) and write a self-contained report.

Notebook contract
-----------------
Every chapter listed in ``REPORT_CHAPTERS`` is a MyST notebook
``chapters/<stem>.md`` (jupytext ``myst``, kernelspec ``python3``) with one code
cell tagged ``parameters`` holding exactly::

    la = "York"      # the runner passes the resolved area name, e.g. "Isles of Scilly", "England"
    data_dir = None  # None = the bundled data/; else the data folder as an absolute path

The chapter loads data with ``analyses.data.dataset.load(data_dir)``, resolves the area
with ``dataset.area(la)`` and publishes its headline figures with
``analyses.report.summary.publish_summary(section, figures)``. It runs with its own
folder as working directory and the repository root on ``PYTHONPATH``. In the
report, code and stderr are never shown, cells tagged ``remove-cell`` are left
out, and so are cells tagged ``book-only`` (narrative that only fits the book, such as
York's own story in the York chapter); cells tagged ``remove-output`` lose their outputs.

Output: ``<out>/<slug>/``
-------------------------
- ``<stem>.ipynb``: each executed chapter, outputs kept;
- ``report.html``: a front page (``analyses.report.front``: area, date, data, headline
  findings, contents), then all chapters in order on one page titled
  "Evidence for Prevention: <name>", a plotly.js bundle (basic where it suffices), the chart
  access script and report CSS inlined once, and nothing
  loaded from another host;
- ``summary.csv``: the headline figures of ``summary.json`` as flat rows
  (key, value, status, year, comparison) for Excel;
- ``summary.json``::

    {"la": {"name", "slug", "level", "new_la_code", "old_la_code",
            "region_code", "region_name"},          # codes are null when not applicable
     "<section>": {...},                             # whatever chapters publish
     "chapters": ["fgc", ...],
     "settings": {"coverage": 0.5},                 # chapter settings given with --set
     "generated_at": "2026-11-28",
     "generated_from": {"data_dir": "/abs/data", "indicators_sha256": "...",
                        "sources": [{"source", "latest", "licence"}, ...],
                        "own_data": {"folder", "imported", "files"}},  # only with --data
     "fingerprint": "..."}                           # see fingerprint()

The folder is built in a hidden temporary folder next to it and renamed into
place only when complete, so a failed run leaves any previous report intact.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Empty, Queue

import jupytext
import nbformat
import papermill
import papermill.utils
import zmq
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError
from papermill.engines import papermill_engines
from papermill.execute import raise_for_execution_errors
from tqdm import tqdm
from traitlets.config import Config

from analyses.data import dataset as data
from analyses.data.geography import ENGLAND, Area, UnknownAreaError
from analyses.data.paths import CHAPTERS_DIR, DATA_DIR, REPORTS_DIR, ROOT
from analyses.report import area_pages, front
from analyses.report import page as report_page
from analyses.report.summary import collect_summaries

REPORT_CHAPTERS = ["prevention_tiers", "fgc", "kinship", "domestic_abuse", "york"]
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
WORKER_GRACE_SECONDS = 120  # outer limit per area = this + timeout x number of chapters

# Encrypted kernel transport (the kernelspec declares curve support); this also
# silences ipykernel's "running over TCP without encryption" warning on stderr.
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto" if zmq.has("curve") else "disabled"}})


class ReportError(Exception):
    """A report could not be built; the message is one line."""


class WriteError(ReportError):
    """The report could not be written (a full disk, permissions changed mid-run)."""


def chapter_paths() -> list[Path]:
    """Source files of the report chapters, in report order."""
    return [CHAPTERS_DIR / f"{stem}.md" for stem in REPORT_CHAPTERS]


def run_one(la: str, data_dir: str | Path | None = None, out_dir: str | Path = REPORTS_DIR,
            timeout: int = 180, settings: dict | None = None, verbose: bool = False) -> int:
    """Write the report of one area; 0 on success, 1 if a chapter failed, 2 for an unknown area.

    Prints one line (the report written, or why not); ``verbose`` also shows papermill's and the
    kernel's own messages.
    """
    try:
        area = data.load(data_dir).area(la)
    except UnknownAreaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return build_report(area, chapter_paths(), data_dir, out_dir, timeout, settings, verbose)


def run_all(data_dir: str | Path | None = None, out_dir: str | Path = REPORTS_DIR, jobs: int = 2,
            timeout: int = 180, settings: dict | None = None, verbose: bool = False, standalone: bool = True,
            site_dir: str | Path | None = None) -> int:
    """Write every current LA's report, then England's, with ``jobs`` worker processes.

    Each worker builds report after report in one kernel (its namespace reset between areas),
    so kernel start and imports are paid once per worker. Reports whose summary.json carries
    the current fingerprint are skipped, so a rerun redoes only what failed or changed. A report
    that fails is listed and the run goes on, in a fresh kernel; a cell past ``timeout`` fails
    its report, and a worker that stops answering is killed at an outer limit and replaced.
    Returns 1 if any report failed. ``standalone=False`` writes no report.html; with ``site_dir``
    each report's pages for the site are written there too (``analyses.report.areas``).
    """
    areas = [*data.load(data_dir).areas(), ENGLAND]
    chapters = chapter_paths()
    current = fingerprint(data_dir, chapters, settings)
    todo = [area for area in areas if not _up_to_date(Path(out_dir) / area.slug, current)]
    if len(todo) < len(areas):
        print(f"{len(areas) - len(todo)} of {len(areas)} reports up to date, skipped")
    queue: Queue[Area] = Queue()
    for area in todo:
        queue.put(area)
    config = {"chapters": [str(path) for path in chapters], "data_dir": str(Path(data_dir).resolve()) if data_dir else None,
              "out_dir": str(Path(out_dir).resolve()), "timeout": timeout, "settings": settings or {},
              "verbose": verbose, "standalone": standalone,
              "site_dir": str(Path(site_dir).resolve()) if site_dir else None}
    failures: list[str] = []
    try:
        created = _make_folder(Path(out_dir))
    except OSError as exc:
        print(f"error: {Path(out_dir)}: cannot write reports there ({exc.strerror or exc})", file=sys.stderr)
        return 2
    # The bar only on a terminal (tqdm's disable=None); every area also gets its own line.
    with tqdm(total=len(todo), unit="report", desc="Reports", postfix={"failed": 0}, disable=None, leave=False) as bar:
        def drain() -> None:
            worker = None
            try:
                while True:
                    try:
                        area = queue.get_nowait()
                    except Empty:
                        return
                    worker = worker or _Worker(config)
                    error = worker.build(area, WORKER_GRACE_SECONDS + timeout * len(chapters))
                    if error:
                        failures.append(f"{area.name}: {error}")
                        bar.set_postfix(failed=len(failures))
                        tqdm.write(f"error: {area.name}: {error}", file=sys.stderr)
                        if not worker.alive():
                            worker = None
                    else:
                        tqdm.write(f"{area.name}: wrote {Path(out_dir) / area.slug / 'report.html'}")
                    bar.update()
            finally:
                if worker:
                    worker.close()

        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            for future in [pool.submit(drain) for _ in range(max(1, jobs))]:
                future.result()
        except KeyboardInterrupt:
            while not queue.empty():  # start no more reports; running workers finish theirs
                queue.get_nowait()
            raise
        finally:
            pool.shutdown()
            if len(failures) == len(todo):
                _remove_empty(created)
    failed = f"; {len(failures)} failed: {', '.join(sorted(f.split(':')[0] for f in failures))}" if failures else ""
    print(f"{len(todo) - len(failures)} of {len(todo)} reports written to {out_dir}{failed}")
    return 1 if failures else 0


def build_report(area: Area, chapters: list[Path], data_dir: str | Path | None, out_dir: str | Path,
                 timeout: int, settings: dict | None = None, verbose: bool = False) -> int:
    """Execute the chapters for ``area`` and atomically write ``out_dir/<slug>/``; 0 or 1.

    A new ``out_dir`` made for the run is removed again if the run fails.
    """
    start = time.perf_counter()
    try:
        created = _make_folder(Path(out_dir))
    except OSError as exc:
        print(f"error: {area.name}: cannot write the report to {Path(out_dir)} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    try:
        with _quiet(verbose):
            folder = _build(area, chapters, data_dir, out_dir, timeout, settings or {})
    except ReportError as exc:
        _remove_empty(created)
        print(f"error: {area.name}: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, WriteError) else 1
    except BaseException:
        _remove_empty(created)
        raise
    print(f"{area.name}: wrote {folder / 'report.html'} ({time.perf_counter() - start:.1f} s)")
    return 0


def _make_folder(folder: Path) -> list[Path]:
    """Make ``folder`` (and missing parents); the folders this made, deepest first."""
    made = []
    for path in [folder, *folder.parents]:
        if path.exists():
            break
        made.append(path)
    folder.mkdir(parents=True, exist_ok=True)
    return made


def _remove_empty(folders: list[Path]) -> None:
    """Remove folders a failed run made, if it left them empty (deepest first)."""
    for path in folders:
        with contextlib.suppress(OSError):
            path.rmdir()


@contextlib.contextmanager
def _quiet(verbose: bool):
    """Hide papermill's log lines and the kernel's stderr (they share this process's stderr) unless ``verbose``."""
    if verbose:
        yield
        return
    import logging

    logger = logging.getLogger("papermill")
    level = logger.level
    logger.setLevel(logging.ERROR)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as sink, contextlib.redirect_stderr(open(os.devnull, "w")) as python_sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                python_sink.close()
                os.dup2(saved, 2)
    finally:
        os.close(saved)
        logger.setLevel(level)


def _build(area: Area, chapters: list[Path], data_dir: str | Path | None, out_dir: str | Path, timeout: int,
           settings: dict, km: AsyncKernelManager | None = None, standalone: bool = True,
           site_dir: str | None = None) -> Path:
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
        with _package_importable():
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
        _replace_dir(work, target)
        if site_dir:
            area_pages.write_area_pages(summary, notebooks, Path(site_dir))  # the site's pages, same notebooks
    except OSError as exc:  # a full disk, permissions changed mid-run
        raise WriteError(f"cannot write the report to {target} ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(work.with_name(work.name + ".old"), ignore_errors=True)
    return target


def _execute_all(area: Area, chapters: list[Path], data_dir: str | Path | None, folder: Path,
                 timeout: int, settings: dict, km: AsyncKernelManager | None = None) -> dict[str, nbformat.NotebookNode]:
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
        raise ReportError(f"unknown setting {', '.join(unknown)}; the chapters take: "
                          f"{', '.join(sorted(known - {'la', 'data_dir'}))}")
    combined.cells = [nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["parameters"]}), *body]
    if km is not None:  # a reused kernel: start from an empty namespace (this cell is dropped again in _split)
        combined.cells.insert(0, nbformat.v4.new_code_cell(RESET_SOURCE, metadata={RUNNER_CELL: "reset"}))
    start = time.perf_counter()
    try:
        parameters = {**settings, "la": area.name, "data_dir": str(Path(data_dir).resolve()) if data_dir else None}
        executed = _papermill(combined, parameters, timeout, km)
    except papermill.PapermillExecutionError as exc:
        raise ReportError(f"chapter {_chapter_of(exc, combined)} failed: {_last_line(exc)}") from exc
    except CellTimeoutError as exc:
        raise ReportError(f"a cell ran for longer than the {timeout} s limit (--timeout)") from exc
    except OSError as exc:
        raise ReportError(f"chapters failed to run: {exc.strerror or _last_line(exc)}") from exc
    except Exception as exc:  # a kernel that would not start, a timeout: same one-line report
        raise ReportError(f"chapters failed to run: {_last_line(exc)}") from exc
    print(f"{area.name}: {', '.join(c.stem for c in chapters)} done in {time.perf_counter() - start:.1f} s",
          file=sys.stderr, flush=True)  # hidden unless --verbose (or in a worker's log)
    return _split(executed, chapters, folder)


def _papermill(notebook: nbformat.NotebookNode, parameters: dict, timeout: int,
               km: AsyncKernelManager | None) -> nbformat.NotebookNode:
    """Parameterise and execute with papermill, in the chapters folder, with a time limit per cell.

    The same steps as ``papermill.execute_notebook`` without its final save, which would
    serialise the whole executed notebook (megabytes of chart JSON) only to discard it.
    """
    prepared = papermill.execute_notebook(notebook, None, parameters=parameters, kernel_name=KERNELSPEC["name"],
                                          prepare_only=True)
    with papermill.utils.chdir(CHAPTERS_DIR):
        executed = papermill_engines.execute_notebook_with_engine(
            None, prepared, kernel_name=KERNELSPEC["name"], input_path=None, output_path=None,
            progress_bar=False, log_output=False, start_timeout=60, stdout_file=None, stderr_file=None,
            execution_timeout=timeout, config=KERNEL_CONFIG, **({"km": km} if km else {}))
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
    """A chapter's MyST source as a notebook; it must have a ``parameters`` cell."""
    if not chapter.is_file():
        raise ReportError(f"chapter {chapter.stem} failed: FileNotFoundError: {chapter}")
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
        nbformat.write(nb, folder / f"{chapter.stem}.ipynb")
        notebooks[chapter.stem] = nb
    return notebooks


def _last_line(exc: Exception) -> str:
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
def _package_importable():
    """Put the repository root on PYTHONPATH so kernels can ``import analyses`` from any folder."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), before]))
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def _summary(area: Area, chapters: list[Path], data_dir: str | Path | None,
             notebooks: list[nbformat.NotebookNode], settings: dict) -> dict:
    """The contents of summary.json (layout in the module docstring)."""
    folder = _data_folder(data_dir)
    la = {"name": area.name, "slug": area.slug, "level": area.level, "new_la_code": area.code,
          "old_la_code": area.old_la_code, "region_code": area.region_code, "region_name": area.region_name}
    return {
        "la": {key: value or None for key, value in la.items()},
        **collect_summaries(notebooks),
        "chapters": [chapter.stem for chapter in chapters],
        "generated_at": datetime.date.today().isoformat(),
        "generated_from": {"data_dir": str(folder), "indicators_sha256": _sha256(folder / "indicators.csv"),
                           **front.data_provenance(data_dir)},
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
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and not p.name.startswith(".") and p.suffix not in (".pyc", ".pyo"))
        return [(f"{label}/{p.relative_to(root).as_posix()}", p) for p in files]

    files = [*tree(_data_folder(data_dir), "data"), *[(f"chapters/{c.name}", c) for c in chapters],
             *tree(PACKAGE_DIR, "analyses"), *tree(ROOT / "_ext", "_ext")]
    bib = ROOT / "references.bib"
    return files + ([("references.bib", bib)] if bib.is_file() else [])


def _sha256(path: Path) -> str:
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


def _up_to_date(folder: Path, current: str) -> bool:
    """True when ``folder`` holds a report built from inputs with fingerprint ``current``."""
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8")).get("fingerprint") == current
    except (OSError, ValueError):
        return False


class _Worker:
    """A child process (``python -m analyses.report.runner``) that builds reports one after another.

    Protocol: one JSON area per line on its stdin; one JSON line ``{"error": null | "..."}``
    per area on its stdout. Its own output goes to a log the parent never has to read.
    """

    def __init__(self, config: dict) -> None:
        self.log = None if config.get("verbose") else tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-m", "analyses.report.runner", json.dumps(config)], cwd=ROOT,
                                     text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     start_new_session=True)

    def build(self, area: Area, limit: float) -> str | None:
        """Build one report; why it failed, or None. A worker past ``limit`` seconds is killed."""
        try:
            self.proc.stdin.write(json.dumps(dataclasses.asdict(area)) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            return "the worker process stopped"
        ready, _, _ = select.select([self.proc.stdout], [], [], limit)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.kill()
            for partial in Path(json.loads(self.proc.args[-1])["out_dir"]).glob(f".{area.slug}.*{PARTIAL}*"):
                shutil.rmtree(partial, ignore_errors=True)
            return f"timed out after {limit:g} s" if not ready else "the worker process stopped"
        return json.loads(line)["error"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """Stop the worker and its kernel (they share a process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def close(self) -> None:
        """Let the worker finish: it shuts its kernel down when its stdin closes."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()


def _serve(config_json: str) -> int:
    """Worker main loop (see ``_Worker``): one kernel for every area it is sent."""
    config = json.loads(config_json)
    replies, sys.stdout = sys.stdout, sys.stderr  # progress lines must not mix with replies
    chapters = [Path(path) for path in config["chapters"]]
    km = None
    try:
        for line in sys.stdin:
            spec = json.loads(line)
            area = Area(**{**spec, "neighbours": tuple(spec["neighbours"])})
            try:
                km = _fresh_kernel(km)
                _build(area, chapters, config["data_dir"], config["out_dir"], config["timeout"], config["settings"], km,
                       config.get("standalone", True), config.get("site_dir"))
                error = None
            except ReportError as exc:
                error = str(exc)
            except Exception as exc:  # a kernel that died or would not start: report it and carry on
                error = _last_line(exc)
            if error and km is not None:  # the kernel may still be busy (a timed-out cell) or broken
                run_sync(km.shutdown_kernel)(now=True)
                km = None
            replies.write(json.dumps({"error": error}) + "\n")
            replies.flush()
    finally:
        if km is not None:
            run_sync(km.shutdown_kernel)(now=True)
    return 0


def _fresh_kernel(km: AsyncKernelManager | None) -> AsyncKernelManager:
    """A running kernel: ``km`` if it is alive (its namespace is reset by the report's first
    cell), else a new one.

    An asynchronous manager, as papermill's own: with a blocking one, nbclient's wait for
    output blocks its event loop and the per-cell time limit never fires.
    """
    if km is not None and run_sync(km.is_alive)():
        return km
    km = AsyncKernelManager(kernel_name=KERNELSPEC["name"], config=KERNEL_CONFIG)
    with _package_importable():
        run_sync(km.start_kernel)(cwd=str(CHAPTERS_DIR))
    return km


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1]))
