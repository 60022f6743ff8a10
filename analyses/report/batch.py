"""A report's code cells run in one request to its kernel, each with its own outputs and time limit.

Executing a cell through the kernel's messaging costs about 10 ms of CPU whatever the cell does (the
kernel's three threads and the runner each handle five messages), which was a third of an area's
report. ``run`` executes the cells one after another inside the kernel, as the notebook would, and
marks where each starts with a display output of ``MARK`` (its index, execution count and the
kernel's clock); ``split`` gives each cell back its own outputs. A cell that raises stops the run
with its error as its output; a cell past the time limit is stopped by the kernel's own alarm.

The kernel imports this module, so it imports nothing beyond the standard library and IPython.
"""

from __future__ import annotations

import signal
import sys
import time

MARK = "application/vnd.evidence-for-prevention.cell+json"


class CellTimeLimit(BaseException):
    """Raised in a cell that ran past its limit: a BaseException, so no ``except Exception`` in the
    chapters' code swallows it."""


def call(sources: list[str], limit: float | None) -> str:
    """The code of the one request: ``run`` over ``sources``."""
    return f"__import__({__name__!r}, fromlist=['run']).run({sources!r}, {limit!r})"


def run(sources: list[str], limit: float | None) -> None:
    """Run each source as a cell of the kernel's shell, in order, until one fails (in the kernel)."""
    from IPython import get_ipython
    from IPython.display import display

    shell = get_ipython()
    publisher = shell.display_pub

    def over(signum, frame):
        raise CellTimeLimit(f"the cell ran for longer than {limit:g} s")

    # Where there is no alarm signal (Windows), the runner's limit on the whole request applies.
    alarm = bool(limit) and hasattr(signal, "setitimer")
    previous = signal.signal(signal.SIGALRM, over) if alarm else None
    publisher._flush_streams = _flush_written_streams
    try:
        for index, source in enumerate(sources):
            display({MARK: {"index": index, "count": shell.execution_count, "time": time.time()}}, raw=True)
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                result = shell.run_cell(source, store_history=True)
            finally:
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            if not result.success:
                timed_out = isinstance(result.error_in_exec, CellTimeLimit)
                done = {"index": None, "ran": index + 1, "failed": index, "timed_out": timed_out, "time": time.time()}
                display({MARK: done}, raw=True)
                return
        display({MARK: {"index": None, "ran": len(sources), "time": time.time()}}, raw=True)
    finally:
        del publisher._flush_streams
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)


def _flush_written_streams() -> None:
    """Flush stdout and stderr before a display only if something was written to them: ipykernel's own
    flush waits for its output thread twice a stream, even when there is nothing to send."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "_flush_pending", True):
            stream.flush()


def split(outputs: list) -> tuple[list[dict], list[list]]:
    """The marks ``run`` left in ``outputs`` (the last one closes the run and counts the cells that ran)
    and, for each cell, its outputs."""
    marks, cells = [], []
    for output in outputs:
        mark = output.get("data", {}).get(MARK) if output.get("output_type") == "display_data" else None
        if mark is not None:
            marks.append(mark)
            if mark["index"] is not None:
                cells.append([])
        elif cells:
            cells[-1].append(output)
    return marks, cells
