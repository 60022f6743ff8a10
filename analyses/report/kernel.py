"""The runner's kernels: how they start, in which environment, and how they stop.

Light to import (no papermill, nbformat or pandas), so a report's kernel starts first and boots
while the runner imports the rest.
"""

from __future__ import annotations

import contextlib
import os

import zmq
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets.config import Config

from analyses.data.paths import CHAPTERS_DIR
from analyses.views.renderer import PAGE_OUTPUT

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
# Encrypted kernel transport (the kernelspec declares curve support); this also
# silences ipykernel's "running over TCP without encryption" warning on stderr.
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto" if zmq.has("curve") else "disabled"}})
# IPython's input history (an SQLite file written after every cell) is of no use to a report and
# took about a twentieth of the kernel's time.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


@contextlib.contextmanager
def kernel_environment():
    """The environment the runner's kernels start in: ``renderer.PAGE_OUTPUT`` set, so charts are
    written only as the page's HTML (not also as plotly's JSON for a Jupyter front end, which
    doubled what each report sent, checked and stored). Kernels import ``analyses`` from the
    installed package (``pip install -e .``), from any folder."""
    wanted = {PAGE_OUTPUT: "1"}
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


def fresh_kernel(km: AsyncKernelManager | None = None) -> AsyncKernelManager:
    """A running kernel: ``km`` if it is alive (a report's first cell resets its namespace), else a
    new one, started in the chapters folder; it boots while the caller goes on (the chapters' first
    cells import their modules and load the data).

    An asynchronous manager, as papermill's own: with a blocking one, nbclient's wait for
    output blocks its event loop and the per-cell time limit never fires.
    """
    if km is not None and run_sync(km.is_alive)():
        return km
    km = AsyncKernelManager(kernel_name=KERNELSPEC["name"], config=KERNEL_CONFIG)
    with kernel_environment():
        run_sync(km.start_kernel)(cwd=str(CHAPTERS_DIR), extra_arguments=KERNEL_ARGUMENTS)
    return km


def stop(km: AsyncKernelManager | None) -> None:
    """Shut a kernel down at once (a report's own, or a worker's last)."""
    if km is not None:
        run_sync(km.shutdown_kernel)(now=True)
