"""Worker processes for ``run --all``: each builds report after report in one kernel.

Protocol: the parent (``runner.run_all``) starts ``python -m analyses.report.workers CONFIG``
(``RunConfig.to_json``),
writes one JSON area per line to its stdin and reads one JSON line ``{"error": null | "..."}``
per area from its stdout.
"""

from __future__ import annotations

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

from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

from analyses.data.geography import Area
from analyses.data.paths import CHAPTERS_DIR, ROOT
from analyses.report.build import (
    KERNEL_CONFIG,
    KERNELSPEC,
    PARTIAL,
    ReportError,
    build_folder,
    kernel_environment,
    last_line,
)
from analyses.report.config import RunConfig

# IPython's input history (an SQLite file written after every cell) is of no use to a report and
# took about a twentieth of the kernel's time.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class Worker:
    """A child process (``python -m analyses.report.workers``) that builds reports one after another.

    Protocol: one JSON area per line on its stdin; one JSON line ``{"error": null | "..."}``
    per area on its stdout. Its own output goes to a log the parent never has to read.
    """

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.log = None if config.verbose else tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "analyses.report.workers", config.to_json()],
            cwd=ROOT,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            start_new_session=True,
        )

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
            for partial in self.config.out_dir.glob(f".{area.slug}.*{PARTIAL}*"):
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


def serve(config_json: str) -> int:
    """Worker main loop (see ``Worker``): one kernel for every area it is sent."""
    config = RunConfig.from_json(config_json)
    replies, sys.stdout = sys.stdout, sys.stderr  # progress lines must not mix with replies
    km = None
    try:
        for line in sys.stdin:
            spec = json.loads(line)
            area = Area(**{**spec, "neighbours": tuple(spec["neighbours"])})
            try:
                km = fresh_kernel(km)
                build_folder(area, config, km)
                error = None
            except ReportError as exc:
                error = str(exc)
            except Exception as exc:  # a kernel that died or would not start: report it and carry on
                error = last_line(exc)
            if error and km is not None:  # the kernel may still be busy (a timed-out cell) or broken
                run_sync(km.shutdown_kernel)(now=True)
                km = None
            replies.write(json.dumps({"error": error}) + "\n")
            replies.flush()
    finally:
        if km is not None:
            run_sync(km.shutdown_kernel)(now=True)
    return 0


def fresh_kernel(km: AsyncKernelManager | None) -> AsyncKernelManager:
    """A running kernel: ``km`` if it is alive (its namespace is reset by the report's first
    cell), else a new one.

    An asynchronous manager, as papermill's own: with a blocking one, nbclient's wait for
    output blocks its event loop and the per-cell time limit never fires.
    """
    if km is not None and run_sync(km.is_alive)():
        return km
    km = AsyncKernelManager(kernel_name=KERNELSPEC["name"], config=KERNEL_CONFIG)
    with kernel_environment():
        run_sync(km.start_kernel)(cwd=str(CHAPTERS_DIR), extra_arguments=KERNEL_ARGUMENTS)
    return km


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
