"""Workshop mode: serve the widget notebooks in ``workshop/`` with Voilà on this machine only.

``python -m analyses workshop [--port N]`` converts the MyST notebooks to ``.ipynb`` in a
temporary folder, starts Voilà on 127.0.0.1 (no token, no browser, no network), waits until
it answers, prints its address (which opens the index page) and runs until Ctrl-C, when it stops the
server and its kernels and removes the temporary folder.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import jupytext

from analyses.data.paths import ROOT

WORKSHOP_DIR = ROOT / "workshop"
HOST = "127.0.0.1"
DEFAULT_PORT = 8866
INDEX = "index.ipynb"
START_TIMEOUT = 90  # seconds for Voilà to answer
STOP_TIMEOUT = 20  # seconds for Voilà to shut its kernels down before it is killed
# JupyterLab extensions the pages need: the widget controls, Voilà's widget manager and plotly's renderer.
# Leaving out the rest (e.g. jupytext's) keeps the page from loading code it cannot use.
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8", "jupyterlab-plotly"]


class WorkshopError(RuntimeError):
    """Workshop mode cannot start (port in use, Voilà missing or failing)."""


def prepare(out_dir: Path, source_dir: Path = WORKSHOP_DIR) -> list[Path]:
    """Convert every MyST notebook in ``source_dir`` to a clean ``.ipynb`` in ``out_dir``."""
    sources = sorted(source_dir.glob("*.md"))
    if not any(s.stem == Path(INDEX).stem for s in sources):
        raise WorkshopError(f"no index.md in {source_dir}")
    written = []
    for source in sources:
        target = Path(out_dir) / f"{source.stem}.ipynb"
        jupytext.write(jupytext.read(source), target)
        written.append(target)
    return written


def check_port(port: int, host: str = HOST) -> None:
    """Raise WorkshopError if ``port`` is out of range or already in use on ``host``."""
    if not 1024 <= port <= 65535:
        raise WorkshopError(f"port {port} is outside 1024-65535; choose another with --port N")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the server will: a port left in TIME_WAIT by the last session is free, a listener is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise WorkshopError(
                f"port {port} is already in use on {host}; stop what is using it or choose "
                f"another with --port N (e.g. --port {port + 1})"
            ) from None


def voila_command(notebooks: Path, port: int) -> list[str]:
    """The Voilà command line: this machine only, no browser, no retrying other ports, ``/`` -> the index."""
    return [
        sys.executable,
        "-m",
        "analyses.workshop.voila_app",
        str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        f"--VoilaConfiguration.extension_allowlist={EXTENSIONS!r}",
    ]


CDN = "cdn.jsdelivr.net"


def offline_templates(out_dir: Path) -> Path:
    """Copies of Voilà's page templates without the Font Awesome stylesheets they fetch from a CDN.

    Written under ``out_dir/voila/templates/`` (only the files that link to another host), which goes
    first on the Voilà process's JUPYTER_PATH, so nothing is requested from another host. The pages
    use no icon that matters. Returns ``out_dir``.
    """
    from jupyter_core.paths import jupyter_path

    for root in reversed(jupyter_path("voila", "templates")):  # the first path wins, so write it last
        root = Path(root)
        for name in ("base", "lab"):
            for source in sorted((root / name).glob("*.htm*")) + sorted((root / name).glob("*.j2")):
                text = source.read_text(encoding="utf-8")
                if CDN in text:
                    target = Path(out_dir) / "voila" / "templates" / name / source.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(
                        "".join(line for line in text.splitlines(keepends=True) if CDN not in line), encoding="utf-8"
                    )
    return Path(out_dir)


def url(port: int, page: str = INDEX) -> str:
    """Address of a workshop page (by default the index) on this machine."""
    return f"http://{HOST}:{port}/voila/render/{page}"


def home(port: int) -> str:
    """The bare address: it opens the tools' index."""
    return f"http://{HOST}:{port}/"


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _last_line(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no output"


def _wait_until_up(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise WorkshopError(f"Voilà stopped while starting (exit code {process.returncode}): {_last_line(log)}")
        if _answers(port):
            return
        time.sleep(0.3)
    raise WorkshopError(f"Voilà did not answer on port {port} within {START_TIMEOUT} s")


def stop(process: subprocess.Popen) -> None:
    """Ask Voilà to stop (it shuts its kernels down), and kill it if it does not in time."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(port: int = DEFAULT_PORT) -> int:
    """Run workshop mode until Ctrl-C (or SIGTERM). Returns 0 after a clean stop; raises WorkshopError otherwise."""
    check_port(port)
    signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly when the launcher itself is terminated
    with tempfile.TemporaryDirectory(prefix="efp-workshop-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        prepare(notebooks)
        log = Path(tmp) / "voila.log"
        templates = offline_templates(Path(tmp) / "jupyter")
        env = {
            **os.environ,
            "JUPYTER_PATH": os.pathsep.join(filter(None, [str(templates), os.environ.get("JUPYTER_PATH")])),
        }
        with log.open("w") as log_file:
            # Its own session: Ctrl-C reaches only this process, which then stops Voilà in order.
            process = subprocess.Popen(
                voila_command(notebooks, port),
                cwd=notebooks,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                _wait_until_up(process, port, log)
                print(f"Workshop mode is running. Open {home(port)} in a browser on this computer.", flush=True)
                print("Press Ctrl-C to stop.", flush=True)
                code = process.wait()
            except KeyboardInterrupt:
                print("\nStopping workshop mode...", flush=True)
                stop(process)
                print("Workshop mode stopped.", flush=True)
                return 0
            finally:
                stop(process)
        raise WorkshopError(f"Voilà stopped unexpectedly (exit code {code}): {_last_line(log)}")
