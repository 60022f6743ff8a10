"""Worker processes for ``run --all``: each builds report after report in one kernel.

Protocol: the parent (``runner.run_all``) starts ``python -m analyses.report.workers CONFIG``
(``RunConfig.to_json``), writes one JSON area per line to its stdin and reads one JSON line
``{"error": null | "..."}`` per area from its stdout, in the same order; it sends the next area
before the last is answered, so the worker's kernel runs one area while a thread of the worker
writes the pages of the one before. The parent imports none of what a worker builds with
(papermill, nbformat, the pages).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from analyses.data.geography import Area
from analyses.data.paths import ROOT
from analyses.report.config import PARTIAL, RunConfig


class Worker:
    """A child process (``python -m analyses.report.workers``) that builds reports one after another.

    Protocol: one JSON area per line on its stdin; one JSON line ``{"error": null | "..."}``
    per area on its stdout, in the order the areas were sent. It may be sent the next area before
    it has answered for the last (``AHEAD``): its kernel runs the one while it writes the other's
    pages. Its own output goes to a log the parent never has to read.
    """

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.log = None if config.verbose else tempfile.TemporaryFile()
        self.held: collections.deque[Area] = collections.deque()  # sent, not yet answered for
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analyses.report.workers", config.to_json()],
            cwd=ROOT,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            start_new_session=True,
        )

    def send(self, area: Area) -> None:
        """Give the worker one more area to build (``answer`` says how it went)."""
        self.held.append(area)
        with contextlib.suppress(BrokenPipeError, OSError):  # it has stopped: its answer says so
            self.proc.stdin.write(json.dumps(dataclasses.asdict(area)) + "\n")
            self.proc.stdin.flush()

    def answer(self, limit: float) -> tuple[Area, str | None]:
        """The oldest area it holds, and why its report failed, or None. A worker that has not answered
        within ``limit`` seconds is killed, and so is one that stopped: the areas it still holds are
        then left unbuilt (``held``), their hidden folders removed."""
        area = self.held.popleft()
        ready, _, _ = select.select([self.proc.stdout], [], [], limit)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.kill()
            for lost in (area, *self.held):
                for partial in self.config.out_dir.glob(f".{lost.slug}.*{PARTIAL}*"):
                    shutil.rmtree(partial, ignore_errors=True)
            return area, f"timed out after {limit:g} s" if not ready else "the worker process stopped"
        return area, json.loads(line)["error"]

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


def serve(config_json: str) -> int:
    """Worker main loop (see ``Worker``): one kernel for every area it is sent. While the kernel runs an
    area's chapters, a thread writes the pages of the area before (``build.finish_folder``) and
    answers for it, so the answers come in the order the areas came."""
    from analyses.report.build import execute_folder, finish_folder, last_line
    from analyses.report.config import ReportError
    from analyses.report.kernel import fresh_kernel, stop

    config = RunConfig.from_json(config_json)
    replies, sys.stdout = sys.stdout, sys.stderr  # progress lines must not mix with replies

    def answer(error: str | None) -> None:
        replies.write(json.dumps({"error": error}) + "\n")
        replies.flush()

    def finish(executed) -> None:
        try:
            finish_folder(executed)
            error = None
        except ReportError as exc:
            error = str(exc)
        except Exception as exc:  # any failure is this area's answer
            error = last_line(exc)
        answer(error)

    km = None
    writer = ThreadPoolExecutor(max_workers=1)  # one area's pages at a time, in the order the areas came
    try:
        for line in sys.stdin:
            spec = json.loads(line)
            area = Area(**{**spec, "neighbours": tuple(spec["neighbours"])})
            try:
                km = fresh_kernel(km)
                writer.submit(finish, execute_folder(area, config, km))
                continue
            except ReportError as exc:
                error = str(exc)
            except Exception as exc:  # a kernel that died or would not start: report it and carry on
                error = last_line(exc)
            if km is not None:  # the kernel may still be busy (a timed-out cell) or broken
                stop(km)
                km = None
            writer.submit(answer, error)
    finally:
        writer.shutdown(wait=True)
        stop(km)
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
