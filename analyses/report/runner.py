"""Run the report chapters for one area (or all) and write a self-contained report.

Notebook contract
-----------------
Every chapter listed in ``config.REPORT_CHAPTERS`` is a MyST notebook
``chapters/<stem>.md`` (jupytext ``myst``, kernelspec ``python3``) with one code
cell tagged ``parameters`` holding exactly::

    la = "York"      # the runner passes the resolved area's GSS code, e.g. "E06000053", "E92000001"
    data_dir = None  # None = the bundled data/; else the data folder as an absolute path

The chapter loads data with ``analyses.data.dataset.load(data_dir)``, resolves the area
with ``dataset.area(la)`` and publishes its headline figures with
``analyses.report.summary.publish_summary(section, figures)``. It runs with its own
folder as working directory and imports the installed package (``pip install -e .``). In the
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
     "fingerprint": "..."}                           # see RunConfig.fingerprint

The folder is built in a hidden temporary folder next to it and renamed into
place only when complete, so a failed run leaves any previous report intact.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue

from analyses.data import lookups
from analyses.data.geography import ENGLAND, Area, current_areas
from analyses.report.config import ReportError, RunConfig, WriteError, up_to_date
from analyses.report.workers import Worker

WORKER_GRACE_SECONDS = 120  # outer limit per area = this + timeout x number of chapters


@dataclass
class RunResult:
    """What ``run_all`` did: how many areas it had, skipped as up to date, and which failed (name, why)."""

    areas: int
    skipped: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.areas - self.skipped - len(self.failures)


def areas(data_dir: str | Path | None = None) -> list[Area]:
    """Every current LA in name order, then England (from the LA lookup: no dataset is loaded)."""
    return [*current_areas(lookups.lookup_of(data_dir)), ENGLAND]


def run_one(area: Area, config: RunConfig) -> Path:
    """Write the report of one area into ``config.out_dir/<slug>/``; its folder. Raises ReportError
    (WriteError when it could not be written). ``config.verbose`` shows papermill's and the kernel's messages.

    A new ``out_dir`` made for the run is removed again if the run fails.
    """
    try:
        created = _make_folder(config.out_dir)
    except OSError as exc:
        raise WriteError(f"cannot write the report to {config.out_dir} ({exc.strerror or exc})") from None
    try:
        with _quiet(config.verbose):
            from analyses.report import kernel

            try:
                # it boots while papermill, nbformat and the pages are imported
                km = kernel.fresh_kernel()
            except Exception as exc:
                raise ReportError(f"chapters failed to run: the kernel did not start ({exc})") from exc
            try:
                from analyses.report.build import build_folder

                return build_folder(area, config, km)
            finally:
                kernel.stop(km)
    except BaseException:
        _remove_empty(created)
        raise


def run_all(config: RunConfig, on_result: Callable[[Area, str | None], None] | None = None) -> RunResult:
    """Write every current LA's report, then England's, with ``config.jobs`` worker processes.

    Each worker builds report after report in one kernel (its namespace reset between areas),
    so kernel start and imports are paid once per worker. Reports whose summary.json carries
    the current fingerprint are skipped, so a rerun redoes only what failed or changed. A report
    that fails is listed and the run goes on, in a fresh kernel; a cell past ``config.timeout`` fails
    its report, and a worker that stops answering is killed at an outer limit and replaced.
    ``on_result(area, error or None)`` is called as each report ends. ``config.standalone=False`` writes
    no report.html; with ``config.site_dir`` each report's pages for the site are written there too
    (``analyses.report.areas``). Raises WriteError if ``config.out_dir`` cannot be made.
    """
    everyone = areas(config.data_dir)
    todo = [area for area in everyone if not up_to_date(config.out_dir / area.slug, config.fingerprint)]
    result = RunResult(areas=len(everyone), skipped=len(everyone) - len(todo))
    queue: Queue[Area] = Queue()
    for area in todo:
        queue.put(area)
    try:
        created = _make_folder(config.out_dir)
    except OSError as exc:
        raise WriteError(f"{config.out_dir}: cannot write reports there ({exc.strerror or exc})") from None

    def drain() -> None:
        worker = None
        try:
            while True:
                try:
                    area = queue.get_nowait()
                except Empty:
                    return
                worker = worker or Worker(config)
                error = worker.build(area, WORKER_GRACE_SECONDS + config.timeout * len(config.chapters))
                if error:
                    result.failures.append((area.name, error))
                    if not worker.alive():
                        worker = None
                if on_result:
                    on_result(area, error)
        finally:
            if worker:
                worker.close()

    pool = ThreadPoolExecutor(max_workers=max(1, config.jobs))
    try:
        for future in [pool.submit(drain) for _ in range(max(1, config.jobs))]:
            future.result()
    except KeyboardInterrupt:
        while not queue.empty():  # start no more reports; running workers finish theirs
            queue.get_nowait()
        raise
    finally:
        pool.shutdown()
        if len(result.failures) == len(todo):
            _remove_empty(created)
    return result


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
