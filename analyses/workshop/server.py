"""Workshop mode: serve the widget notebooks in ``workshop/`` with Voilà on this machine (or, with
``--lan``, to the room).

``python -m analyses workshop [--port N] [--lan]`` converts the MyST notebooks to ``.ipynb`` in a
temporary folder (the index becomes a plain page: no kernel behind it), starts Voilà (no token, no
browser) with one kernel per tool started and run ahead (Voilà's preheated pool, so a tool opens at
once), waits until every tool's kernel has run its notebook, prints its address and runs until Ctrl-C. Then it stops the server
and every kernel within ``STOP_SECONDS`` (escalating to SIGKILL for anything left) and removes the
temporary folder. If the launcher itself is killed, Voilà ends too (``voila_app.die_with_parent``)
and its kernels with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path
from re import compile as re_compile

import jupytext
from markdown_it import MarkdownIt
from markupsafe import Markup

from analyses.data.fingerprint import file_sha256
from analyses.data.paths import ROOT
from analyses.views import markup, web_assets
from analyses.workshop import voila_app

WORKSHOP_DIR = ROOT / "workshop"
HOST = "127.0.0.1"
LAN_HOST = "0.0.0.0"  # every network interface, for --lan
DEFAULT_PORT = 8866
INDEX = "index.ipynb"
START_TIMEOUT = 90  # seconds for Voilà to answer
READY_TIMEOUT = 240  # seconds more for every tool's kernel to have run its notebook
GRACE_SECONDS = 3  # for Voilà to shut its kernels down itself; then whatever is left is killed
STOP_SECONDS = 10  # the promise: everything workshop mode started has ended within this
POOL_SIZE = 1  # kernels started and run ahead per tool
# Seconds after a page takes its tool's kernel before the next one is started: not while the
# browser is drawing that page (on a busy laptop the two together took 10-13 s).
FILL_DELAY = 20
PR_SET_CHILD_SUBREAPER = 36
LAN_WARNING = (
    "Warning: anyone on this network can open these tools, and each page they open runs Python on this "
    "computer. Use --lan only on a network you trust, and press Ctrl-C when the session ends."
)
# JupyterLab extensions the pages need: the widget controls and Voilà's widget manager. Leaving out
# the rest keeps the page from loading code it cannot use: jupytext's, and plotly's renderer, whose own
# copy of plotly.js would be a second one (the charts are drawn by the one the page loads first,
# widgets.live_chart_html).
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]


re_link = re_compile(r'href="([a-z_]+)\.ipynb"')


class WorkshopError(RuntimeError):
    """Workshop mode cannot start (port in use, Voilà missing or failing)."""


def prepare(out_dir: Path, source_dir: Path = WORKSHOP_DIR) -> list[Path]:
    """Convert every MyST notebook in ``source_dir`` but the index to a clean ``.ipynb`` in ``out_dir``,
    and write the index as a plain page, ``out_dir/index.html``. Returns the files written."""
    sources = sorted(source_dir.glob("*.md"))
    index = next((s for s in sources if s.stem == Path(INDEX).stem), None)
    if index is None:
        raise WorkshopError(f"no index.md in {source_dir}")
    written = []
    for source in sources:
        if source == index:
            continue
        target = Path(out_dir) / f"{source.stem}.ipynb"
        jupytext.write(jupytext.read(source), target)
        written.append(target)
    page = Path(out_dir) / "index.html"
    page.write_text(index_page(index), encoding="utf-8")
    return [*written, page]


def index_page(source: Path) -> str:
    """The index notebook's text as a plain page (``templates/index.html.j2``), its links pointing at the tools' pages."""
    notebook = jupytext.read(source)
    text = "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    body = re_link.sub(r'href="voila/render/\1.ipynb"', MarkdownIt("commonmark").render(text))
    page = markup.environment("analyses.workshop").get_template("index.html.j2")
    return page.render(title=text.splitlines()[0].lstrip("# ").strip(), body=Markup(body))


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


def voila_command(notebooks: Path, port: int, host: str = HOST) -> list[str]:
    """The Voilà command line: no browser, no retrying other ports, kernels run ahead."""
    return [
        sys.executable,
        "-m",
        "analyses.workshop.voila_app",
        str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={POOL_SIZE}",
        f"--VoilaKernelManager.fill_delay={FILL_DELAY}",
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
                    text = "".join(line for line in text.splitlines(keepends=True) if CDN not in line)
                    if (name, source.name) == ("lab", "index.html.j2"):
                        text = text.replace(SETUP, SETUP + "\n" + tool_page(), 1)
                        text = text.replace(OUTPUT, OUTPUT + "\n" + TOOL_PREVIEW.read_text(encoding="utf-8"), 1)
                    target.write_text(text, encoding="utf-8")
    return Path(out_dir)


SETUP = "{{ voila_setup_helper_functions() }}"
# Added to every tool's page: styles that put its heading, its link to the index and its folded
# introduction on one line, so the controls and the chart below them fit one projector screen
# (analyses.workshop.widgets: CHART_HEIGHT); and a "Disconnected" line at the top once the server
# stops answering (Voilà's own pages keep showing the last figures with no sign they are not live).
# It also draws the tool's first state (analyses.workshop.widgets.preview_html) with plotly.js from this
# server (voila_app), at once, and puts the live tool in its place once that has drawn its chart: the
# widgets' scripts and kernel connection take seconds longer than the page.
TOOL_PAGE = Path(__file__).with_name("assets") / "tool_page.html"
# Each code cell's output; a tool's first state, shown until the live tool has loaded, goes before it.
OUTPUT = "{% block data_priority scoped %}"
TOOL_PREVIEW = Path(__file__).with_name("assets") / "tool_preview.html"


def tool_page() -> str:
    """``TOOL_PAGE`` with the addresses of plotly.js and ``chart_access.js`` for these versions of them
    (so browsers may keep them), and how long a tool's kernel may have no page (``voila_app``)."""
    names = {
        "efp_plotly_name": web_assets.BASIC_JS.name,
        "efp_plotly_version": version("plotly"),
        "efp_access_name": web_assets.ACCESS_JS.name,
        "efp_access_version": file_sha256(web_assets.ACCESS_JS)[:12],
        "efp_abandoned_minutes": str(voila_app.ABANDONED_SECONDS // 60),
    }
    page = TOOL_PAGE.read_text(encoding="utf-8")
    for name, value in names.items():
        page = page.replace("{{ " + name + " }}", value)
    return page


def url(port: int, page: str = INDEX) -> str:
    """Address of a tool's page on this machine."""
    return f"http://{HOST}:{port}/voila/render/{page}"


def home(port: int, host: str = HOST) -> str:
    """The bare address: it opens the tools' index."""
    return f"http://{host}:{port}/"


def lan_address() -> str:
    """This computer's address on its network (no packet is sent), or its name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: connecting a UDP socket sends nothing
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()


def _answers(port: int, path: str = "efp/alive") -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/{path}", timeout=2) as response:
            return response.status == 204
    except (urllib.error.URLError, OSError):
        return False


def _last_line(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no output"


def _wait_until_up(process: subprocess.Popen, port: int, log: Path) -> bool:
    """Wait until Voilà answers, then until every tool's kernel has run its notebook (so the first
    page opens at once). Returns whether the tools are ready; raises WorkshopError if Voilà fails."""
    started = time.monotonic()
    for path, timeout in (("efp/alive", START_TIMEOUT), ("efp/ready", START_TIMEOUT + READY_TIMEOUT)):
        while not _answers(port, path):
            if process.poll() is not None:
                raise WorkshopError(f"Voilà stopped while starting (exit code {process.returncode}): {_last_line(log)}")
            if time.monotonic() - started > timeout:
                if path == "efp/alive":
                    raise WorkshopError(f"Voilà did not answer on port {port} within {START_TIMEOUT} s")
                return False
            time.sleep(0.3)
    return True


def descendants(pid: int | None = None) -> set[int]:
    """Every process below ``pid`` (default: this one), kernels in their own sessions included."""
    pid = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _reap(pids: set[int]) -> None:
    """Collect the exit status of those of ``pids`` that are this process's children and have ended
    (kernels handed to it when Voilà ended); no other child's status is touched."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def stop(process: subprocess.Popen, whole_tree: bool = False) -> None:
    """Stop Voilà and every kernel within ``STOP_SECONDS``: ask Voilà (it shuts its kernels down), then
    kill whatever is still running of its process tree, as it was when asked (kernels it left to this
    process included). With ``whole_tree``, everything below this process: the launcher, which runs
    nothing else, also ends kernels of a Voilà that ended before it was asked."""
    started = time.monotonic()
    tree = descendants(process.pid) | {process.pid}
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(GRACE_SECONDS)
    while True:
        below = descendants()
        left = below if whole_tree else below & tree
        if process.poll() is None:
            left.add(process.pid)
        if not left or time.monotonic() - started > STOP_SECONDS:
            break
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(0.5)
        _reap(left)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _adopt_orphans() -> None:
    """Kernels whose Voilà has ended become this process's children (Linux), so stop() finds them."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)


def serve(port: int = DEFAULT_PORT, lan: bool = False) -> int:
    """Run workshop mode until Ctrl-C (or SIGTERM). Returns 0 after a clean stop; raises WorkshopError otherwise."""
    host = LAN_HOST if lan else HOST
    check_port(port, host)
    try:
        voila_app.abandoned_seconds()
    except ValueError as exc:
        raise WorkshopError(str(exc)) from None
    # Ctrl-C (handled even when started with SIGINT ignored, as a background job is), the launcher
    # terminated, or its terminal closed: each stops everything in order.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    _adopt_orphans()
    with tempfile.TemporaryDirectory(prefix="efp-workshop-") as tmp:
        notebooks = Path(tmp) / "notebooks"
        notebooks.mkdir()
        prepare(notebooks)
        log = Path(tmp) / "voila.log"
        templates = offline_templates(Path(tmp) / "jupyter")
        env = {
            **os.environ,
            "JUPYTER_PATH": os.pathsep.join(filter(None, [str(templates), os.environ.get("JUPYTER_PATH")])),
            voila_app.PARENT: str(os.getpid()),
            voila_app.INDEX: str(notebooks / "index.html"),
        }
        with log.open("w") as log_file:
            # Its own session: Ctrl-C reaches only this process, which then stops Voilà in order.
            process = subprocess.Popen(
                voila_command(notebooks, port, host),
                cwd=notebooks,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                print("Starting workshop mode: each tool's kernel runs its notebook first...", flush=True)
                if not _wait_until_up(process, port, log):
                    print("The tools are still starting: the first page of each may take longer to open.")
                if lan:
                    print(f"Workshop mode is running. Open {home(port, lan_address())} in a browser on this network.")
                    print(LAN_WARNING)
                else:
                    print(f"Workshop mode is running. Open {home(port)} in a browser on this computer.")
                print("Press Ctrl-C to stop.", flush=True)
                code = process.wait()
            except KeyboardInterrupt:
                print("\nStopping workshop mode...", flush=True)
                stop(process, whole_tree=True)
                print("Workshop mode stopped.", flush=True)
                return 0
            finally:
                stop(process, whole_tree=True)
        raise WorkshopError(f"Voilà stopped unexpectedly (exit code {code}): {_last_line(log)}")
