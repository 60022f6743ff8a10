"""Worker processes for ``run --all``: each builds report after report in one kernel.

Protocol: the parent (``runner.run_all``) starts ``python -m analyses.report.workers CONFIG``
(``RunConfig.to_json``), writes one JSON area per line to its stdin and reads one JSON line
``{"error": null | "..."}`` per area from its stdout. The parent imports none of what a worker
builds with (papermill, nbformat, the pages).
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

from analyses.data.geography import Area
from analyses.data.paths import ROOT
from analyses.report.config import PARTIAL, RunConfig


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
    from analyses.report.build import build_folder, last_line
    from analyses.report.config import ReportError
    from analyses.report.kernel import fresh_kernel, stop

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
                stop(km)
                km = None
            replies.write(json.dumps({"error": error}) + "\n")
            replies.flush()
    finally:
        stop(km)
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
