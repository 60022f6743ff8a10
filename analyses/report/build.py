"""One area's report, built in one kernel: the chapters joined behind one parameters cell, run
with papermill (every code cell in one request to the kernel: ``batch``), split back, and written
with report.html and summary.json into a hidden folder that replaces the old one only when complete.
"""

from __future__ import annotations

import copy
import datetime
import functools
import importlib.metadata
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
import papermill.utils
from jupyter_client import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors
from papermill.parameterize import parameterize_notebook

from analyses.data import cache
from analyses.data.fingerprint import digest, file_sha256
from analyses.data.geography import Area
from analyses.data.paths import CHAPTERS_DIR
from analyses.report import area_pages, batch, front
from analyses.report import page as report_page
from analyses.report.config import (
    PARTIAL,
    RUNNER_PARAMETERS,
    ReportError,
    RunConfig,
    WriteError,
    assigned_name,
    data_folder,
)
from analyses.report.kernel import KERNEL_CONFIG, KERNELSPEC, kernel_environment
from analyses.report.summary import collect_summaries

TITLE = "Evidence for Prevention: {name}"
RUNNER_CELL = "evidence_runner"  # metadata key of cells the runner adds for itself
# An empty namespace for the next area: IPython's own reset (as %reset -f, in a new history
# session so its cleanup does not grow with every report). What survives it (modules, the
# loaded dataset) lives as long as the kernel, so it is then frozen out of garbage collection,
# which would otherwise rescan those few hundred thousand objects again and again.
RESET_SOURCE = "get_ipython().reset(new_session=True)\n__import__('gc').freeze()"


def build_folder(area: Area, config: RunConfig, km: AsyncKernelManager | None = None) -> Path:
    """Build ``config.out_dir/<slug>/`` in a hidden folder and swap it into place; its path. Raises ReportError.

    ``config.standalone=False`` leaves out report.html; ``config.site_dir`` also writes the area's site pages there.
    """
    out_dir = config.out_dir
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
            notebooks = _execute_all(area, config, work, km)
        summary = _summary(area, config, list(notebooks.values()))
        if config.standalone:
            try:
                page = report_page.render(TITLE.format(name=area.name), notebooks, summary)
            except report_page.ExternalAssetError as exc:
                raise ReportError(str(exc)) from None
            (work / "report.html").write_text(page, encoding="utf-8")
        downloads = area_pages.downloads(summary)  # summary.json, summary.csv and findings.csv
        for name, text in downloads.items():
            (work / name).write_text(text, encoding="utf-8", newline="")
        _replace_dir(work, target)
        if config.site_dir:  # the site's pages, from the same notebooks and files
            area_pages.write_area_pages(summary, notebooks, config.site_dir, downloads)
    except OSError as exc:  # a full disk, permissions changed mid-run
        raise WriteError(f"cannot write the report to {target} ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(work.with_name(work.name + ".old"), ignore_errors=True)
    return target


def _execute_all(
    area: Area, config: RunConfig, folder: Path, km: AsyncKernelManager | None = None
) -> dict[str, nbformat.NotebookNode]:
    """Run every chapter for ``area`` in ONE kernel, then save each as ``folder/<stem>.ipynb``.

    The chapters are joined into one notebook behind a single parameters cell (the union of
    the chapters' parameters cells, which are dropped from the chapters), executed with papermill, and split back by chapter; a
    kernel start and the imports are paid once per area instead of once per chapter.
    """
    combined = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    lines: list[str] = []
    body = []
    chapters, settings, timeout = config.chapters, config.settings, config.timeout
    for chapter in chapters:
        for cell in _read_chapter(chapter).cells:
            if "parameters" in cell.metadata.get("tags", []):
                lines += [line for line in cell.source.splitlines() if line.strip() and line not in lines]
            else:
                cell.metadata["chapter"] = chapter.stem
                body.append(cell)
    known = {assigned_name(line) for line in lines} - {None}
    if unknown := sorted(set(settings) - known):
        raise ReportError(
            f"unknown setting {', '.join(unknown)}; the chapters take: {', '.join(sorted(known - RUNNER_PARAMETERS))}"
        )
    combined.cells = [nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["parameters"]}), *body]
    if km is not None:  # a reused kernel: start from an empty namespace (this cell is dropped again in _split)
        combined.cells.insert(0, nbformat.v4.new_code_cell(RESET_SOURCE, metadata={RUNNER_CELL: "reset"}))
    start = time.perf_counter()
    try:
        # The area's code, not its name: the kernel finds it again by an exact look-up.
        parameters = {**settings, "la": area.code, "data_dir": str(config.data_dir) if config.data_dir else None}
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

    The same steps as ``papermill.execute_notebook`` without its trips through JSON: given a
    notebook, it writes and validates it only to read it back (and keeps the whole of it as the
    ``input_path`` in the metadata of every chapter's notebook), and its final save would serialise
    the whole executed notebook (megabytes of chart JSON) only to discard it.
    """
    notebook.metadata["papermill"] = {
        "default_parameters": {},
        "parameters": {},
        "environment_variables": {},
        "version": papermill.__version__,
    }
    for cell in notebook.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    prepared = parameterize_notebook(notebook, parameters, kernel_name=KERNELSPEC["name"])
    prepared = prepare_notebook_metadata(prepared, None, None)
    with papermill.utils.chdir(CHAPTERS_DIR):
        executed = KeptKernelEngine.execute_notebook(
            prepared,
            kernel_name=KERNELSPEC["name"],
            output_path=None,
            progress_bar=False,
            log_output=False,
            start_timeout=60,
            stdout_file=None,
            stderr_file=None,
            execution_timeout=timeout,
            skip_cells_with_tag=report_page.BOOK_ONLY,  # never shown in a report: kept, not run
            config=KERNEL_CONFIG,
            **({"km": km} if km else {}),
        )
    raise_for_execution_errors(executed, None)
    return executed


class _ReportClient(PapermillNotebookClient):
    """papermill's notebook client, with two changes for reports.

    - It runs the code cells in one request to the kernel (``batch``): each cell keeps its own
      outputs, execution count and papermill metadata (its times by the kernel's clock), a cell
      that raises stops the run with its error as its output, and a cell past the limit stops it
      as a ``CellTimeoutError``. If the kernel cannot stop a cell (stuck in compiled code), the
      request as a whole times out when every cell has had the limit.
    - It closes its connection to the kernel when the notebook is done. nbclient leaves it open
      for a kernel it did not start (a worker's, kept from report to report): five sockets and a
      heartbeat thread a report, until a long ``run --all`` ran out of file descriptors.
    - It makes the outputs of the messages a report's cells send (displays, results, printed text)
      without nbformat's check of each one against the notebook schema, a sixth of the runner's
      work on a report: an output is its message's fields, by the kernel messaging protocol.
      Anything else (errors, display ids, output widgets, a delayed clear) goes to nbclient.
    """

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int):
        kind = msg["msg_type"]
        fields = _OUTPUT_FIELDS.get(kind)
        hooked = self.output_hook_stack[msg["parent_header"].get("msg_id")]
        if fields is None or display_id or hooked or self.clear_before_next_output:
            return super().output(outs, msg, display_id, cell_index)
        content = msg["content"]
        out = nbformat.from_dict({"output_type": kind, **{field: content[field] for field in fields}})
        outs.append(out)
        return out

    def execute(self, **kwargs) -> nbformat.NotebookNode:
        try:
            return super().execute(**kwargs)
        finally:
            if self.kc is not None:
                self.kc.stop_channels()
                self.kc = None

    def papermill_execute_cells(self) -> None:
        cells = [
            cell
            for cell in self.nb.cells
            if cell.cell_type == "code"
            and cell.source.strip()
            and self.skip_cells_with_tag not in cell.metadata.get("tags", [])
        ]
        limit = self.timeout or None
        request = nbformat.v4.new_code_cell(batch.call([cell.source for cell in cells], limit))
        self.timeout_func = lambda _: limit and limit * len(cells)
        self.nb.cells.append(request)
        try:
            self.execute_cell(request, len(self.nb.cells) - 1, store_history=False)
        finally:
            self.nb.cells.pop()
        marks, outputs = batch.split(request.outputs)
        if not marks or [mark["index"] for mark in marks] != [*range(marks[-1].get("ran", 0)), None]:
            raise ReportError(
                "a cell cleared the outputs of the cells before it (clear_output), which a report cannot keep"
            )
        for index, (cell, mark, shown) in enumerate(zip(cells, marks, outputs)):
            cell.outputs = shown
            cell.execution_count = mark["count"]
            cell.metadata.papermill.update(
                start_time=_utc(mark["time"]),
                end_time=_utc(marks[index + 1]["time"]),
                duration=round(marks[index + 1]["time"] - mark["time"], 6),
                status="completed",
                exception=False,
            )
        last = marks[-1]
        if last.get("failed") is not None:
            failed = cells[last["failed"]]
            if last["timed_out"]:
                raise CellTimeoutError(f"cell {last['failed']} ran past the {limit} s limit")
            self.nb_man.cell_exception(failed)


# The fields of each kind of output nbformat makes from a message (``nbformat.v4.output_from_msg``).
_OUTPUT_FIELDS = {
    "display_data": ("metadata", "data"),
    "execute_result": ("metadata", "data", "execution_count"),
    "stream": ("name", "text"),
}


def _utc(seconds: float) -> str:
    """A time of the kernel's clock as papermill writes one."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat()


class KeptKernelEngine(NBClientEngine):
    """papermill's nbclient engine with ``_ReportClient``; its arguments as ``NBClientEngine``'s, less the
    ones ``_papermill`` never passes (``input_path``, ``timeout``, ``startup_timeout``)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ) -> nbformat.NotebookNode:
        return _ReportClient(
            nb_man,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=papermill.engines.logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        ).execute()


def _read_chapter(chapter: Path) -> nbformat.NotebookNode:
    """A chapter's MyST source as a notebook (a copy of its own); it must have a ``parameters`` cell."""
    if not chapter.is_file():
        raise ReportError(f"chapter {chapter.stem} failed: FileNotFoundError: {chapter}")
    stat = chapter.stat()
    return copy.deepcopy(_parsed_chapter(chapter, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=32)
def _parsed_chapter(chapter: Path, mtime_ns: int, size: int) -> nbformat.NotebookNode:
    """A chapter parsed once per version of its file and of jupytext, kept on disk
    (``analyses.data.cache``): a report does not import jupytext (its Markdown parsers) unless a
    chapter changed, and a worker reads the same chapters for every area."""

    def parse() -> dict:
        import jupytext

        return jupytext.read(chapter)

    version = digest([(chapter.name, chapter)], importlib.metadata.version("jupytext"))
    nb = nbformat.from_dict(cache.cached_json(f"chapter-{chapter.stem}", version, parse))
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


def _summary(area: Area, config: RunConfig, notebooks: list[nbformat.NotebookNode]) -> dict:
    """The contents of summary.json (layout in the module docstring)."""
    data_dir = config.data_dir
    folder = data_folder(data_dir)
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
        "chapters": [chapter.stem for chapter in config.chapters],
        "generated_at": datetime.date.today().isoformat(),
        "generated_from": {
            "data_dir": str(folder),
            "indicators_sha256": file_sha256(folder / "indicators.csv"),
            **front.data_provenance(data_dir),
        },
        "settings": config.settings,
        "fingerprint": config.fingerprint,
    }


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
