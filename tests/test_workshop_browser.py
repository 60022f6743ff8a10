"""Workshop mode end to end: the launcher's errors, each tool on one projector screen, and a slider moved in
headless Chromium; one workshop server for the module, stopped with Ctrl-C by the last test."""

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from analyses.data.paths import ROOT
from analyses.devtools.browser import CHROMIUM, PHONE_SIZES, PROJECTOR_SIZES
from analyses.workshop import server as workshop
from analyses.workshop import voila_app, widgets

pytestmark = pytest.mark.browser

# Nothing may leave the machine: workshop mode serves Voilà's templates without their CDN stylesheets.
START_SECONDS, PAGE_MS, STOP_SECONDS = 360, 120_000, 60
# The module's server shuts a kernel with no page after this many seconds (voila_app.ABANDONED_SECONDS is
# half an hour): longer than any test here holds a page with no connection (the first state's test).
ABANDONED_SECONDS = 20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((workshop.HOST, 0))
        return probe.getsockname()[1]


def _workshop(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analyses", "workshop", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_a_port_in_use_gets_one_clear_line():
    with socket.socket() as busy:
        busy.bind((workshop.HOST, 0))
        busy.listen()
        result = _workshop("--port", str(busy.getsockname()[1]))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "already in use" in result.stderr and "--port N" in result.stderr


def test_a_port_out_of_range_is_refused():
    result = _workshop("--port", "80")
    assert result.returncode == 2 and "outside 1024-65535" in result.stderr


def test_a_wait_for_abandoned_kernels_that_is_not_a_time_is_refused_before_start():
    result = _workshop("--port", str(_free_port()), env={voila_app.ABANDONED: "soon"})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == f"error: {voila_app.ABANDONED} must be a number of seconds above 0, not 'soon'"


@contextlib.contextmanager
def _running_workshop(port: int, stop_seconds: list[float]):
    """Start ``python -m analyses workshop``, yield it with its output lines; always stop it (Ctrl-C)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "analyses", "workshop", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, voila_app.ABANDONED: str(ABANDONED_SECONDS)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + START_SECONDS
        while not any("Workshop mode is running" in line for line in seen):
            remaining = deadline - time.monotonic()
            assert remaining > 0 and process.poll() is None, f"workshop mode did not start: {seen}"
            with contextlib.suppress(queue.Empty):
                seen.append(lines.get(timeout=min(remaining, 1)))
        yield process, seen
    finally:
        if process.poll() is None:
            stopping = time.monotonic()
            process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
            try:
                process.wait(STOP_SECONDS)
                stop_seconds.append(time.monotonic() - stopping)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        reader.join(5)
        while not lines.empty():
            seen.append(lines.get())


def _voila_processes(port: int) -> list[list[str]]:
    """Command lines (as argument lists) of Voilà servers for this test's port."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
            if "analyses.workshop.voila_app" in args and f"--port={port}" in args:
                found.append(args)
    return found


def _notebooks(port: int) -> Path:
    """The temporary folder the workshop's Voilà serves; its kernels start in it."""
    (voila,) = _voila_processes(port)
    return Path(voila[voila.index("analyses.workshop.voila_app") + 1])


def _processes_working_in(folder: Path) -> list[str]:
    """Processes (e.g. notebook kernels) whose working directory is inside ``folder``."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        with contextlib.suppress(OSError):
            if str(cwd.readlink()).startswith(str(folder)):
                found.append(cwd.parent.name)
    return found


def _kernel_processes(folder: Path) -> dict[str, str]:
    """Kernel id -> process id of the kernels working in ``folder`` (the id is in the name of the
    connection file on the kernel's command line)."""
    found = {}
    for pid in _processes_working_in(folder):
        with contextlib.suppress(OSError):
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
            if "ipykernel_launcher" in args:
                found[Path(args[args.index("-f") + 1]).stem.removeprefix("kernel-")] = pid
    return found


def _wait_for(condition, seconds: float = 60) -> None:
    """Poll ``condition`` until it holds or ``seconds`` pass. A shut kernel's process may still be
    ending, on a busy machine seconds after Voilà drops it."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.5)


def _close_shuts_its_kernel(page, notebooks: Path) -> None:
    """Close ``page`` as a person closes a tab (another tab stays open: the browser sends the page's
    last request after the page has gone) and check that its kernel's process ends."""
    kernel = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
    assert kernel in _kernel_processes(notebooks)
    page.close(run_before_unload=True)
    _wait_for(lambda: kernel not in _kernel_processes(notebooks))
    assert kernel not in _kernel_processes(notebooks), f"the closed page's kernel {kernel} is still running"


def _kernel_running(port: int, kernel: str) -> bool:
    """Whether Voilà still has the kernel ``kernel``."""
    try:
        with urllib.request.urlopen(f"http://{workshop.HOST}:{port}/api/kernels/{kernel}", timeout=5):
            return True
    except urllib.error.HTTPError as error:
        return error.code != 404


class LiveWorkshop:
    """One ``python -m analyses workshop`` for the module's tests: started when first asked for,
    stopped (Ctrl-C) by the test that checks the stop, or at the end of the module."""

    def __init__(self) -> None:
        self.stop_seconds: list[float] = []
        self._running = None

    def start(self) -> tuple[int, subprocess.Popen, list[str]]:
        if self._running is None:
            port = _free_port()
            manager = _running_workshop(port, self.stop_seconds)
            process, output = manager.__enter__()
            self._running = (manager, port, process, output)
        _, port, process, output = self._running
        return port, process, output

    def stop(self) -> None:
        if self._running is not None:
            manager, *_ = self._running
            self._running = None
            manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def live_workshop():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    live = LiveWorkshop()
    yield live
    live.stop()


TOOLS = ["why_randomise", "fgc_rollout", "compare_la", "tier_planner"]
# Boxes (left, top, right, bottom, in the window's CSS px) of the tool's chart, of every chart text and
# of every visible control and its parts, and how far the page can scroll sideways.
GEOMETRY = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const svg = document.querySelector('.efp-output .js-plotly-plot .main-svg');
  const texts = [...svg.parentElement.querySelectorAll('svg text')].filter(t => t.textContent.trim() && shown(t));
  const panel = document.querySelector('.efp-controls');
  const controls = [...panel.children].filter(e => shown(e) && !e.querySelector('style'))
    .concat([...panel.querySelectorAll('select, input, button, .widget-slider, .widget-label')].filter(shown));
  return {
    svg: box(svg),
    texts: texts.map(t => [t.textContent, box(t)]),
    controls: controls.map(e => [e.textContent.trim().slice(0, 60) || e.tagName, box(e)]),
    scrolled: [...document.querySelectorAll('*')].some(e => e.scrollTop > 0 || e.scrollLeft > 0),
    sideways: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


def _inside(inner, outer, slack: float = 1.0) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


@pytest.mark.parametrize("tool", TOOLS)
def test_each_tool_fits_a_projector_screen(tool, live_workshop, chromium):
    """Issues 20 and 23: at 1024x768 and at 1366x768 with 150% zoom, the tool's chart and every
    control are on the first screen, none wider than the window, and no chart text is outside the
    chart or under a control (the Reset button hid the title's first line). Resized to a phone, the
    chart fits the window with all its text. Closed, the page has its kernel shut."""
    port, _, _ = live_workshop.start()
    context = chromium.new_context(viewport=dict(zip(("width", "height"), PROJECTOR_SIZES[0])))
    try:
        context.new_page()  # another tab stays open, as in a browser
        page = context.new_page()
        page.goto(workshop.url(port, f"{tool}.ipynb"), timeout=PAGE_MS)
        first_title = page.locator(".js-plotly-plot .gtitle").first.text_content(timeout=PAGE_MS)
        page.locator("body.efp-live").wait_for(timeout=PAGE_MS)  # the live tool in the first state's place
        assert page.locator(".efp-preview").count() == 0
        assert page.locator(".efp-output .js-plotly-plot .gtitle").first.text_content() == first_title
        _check_fits_projector(page, tool)
        _check_fits_phone(page, tool)
        _close_shuts_its_kernel(page, _notebooks(port))
    finally:
        context.close()


@pytest.mark.parametrize("tool", TOOLS)
def test_each_tool_shows_its_controls_and_chart_before_the_widgets_load(tool, live_workshop, chromium):
    """Issue 23: a tool's page shows its first state (every control, disabled, and the chart) from the
    page itself, before the widgets' scripts and the kernel's connection (both held back here) let the
    live tool take its place; it fits a projector screen as the live tool does. Closed then, the page
    has its kernel shut (Voilà asks for that from its widget scripts, so such a kernel ran on). Resized
    to a phone, the first state's chart fits the window as the live one does."""
    port, _, _ = live_workshop.start()
    context = chromium.new_context(viewport=dict(zip(("width", "height"), PROJECTOR_SIZES[0])))
    try:
        context.new_page()  # another tab stays open, as in a browser
        page = context.new_page()
        page.route("**/voila/labextensions/**", lambda route: route.abort())  # the widgets' scripts never come
        page.route_web_socket("**/api/kernels/**", lambda ws: None)  # the kernel never answers
        page.goto(workshop.url(port, f"{tool}.ipynb"), timeout=PAGE_MS)
        page.locator(".efp-preview .efp-output .js-plotly-plot .gtitle").wait_for(timeout=PAGE_MS)
        assert page.locator("#loading").is_hidden()  # not Voilà's spinner
        controls = page.locator(".efp-preview .efp-controls").locator("input, select, button")
        assert controls.count() >= 2 and all(not c.is_enabled() for c in controls.all())
        assert page.get_by_role("button", name=widgets.STARTING).is_visible()
        _check_fits_projector(page, tool)
        _check_fits_phone(page, tool)
        _close_shuts_its_kernel(page, _notebooks(port))
    finally:
        context.close()


def _geometry_at(page, width: int, height: int) -> dict:
    """``GEOMETRY`` once the window is ``width`` x ``height`` and the page has laid itself out again."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(300)
    return page.evaluate(GEOMETRY)


def _check_fits_phone(page, tool: str) -> None:
    """At each phone width the page does not scroll sideways and the chart, with every text in it, is
    within the window's width (the chart was drawn 560 px wide: its title and labels were cut)."""
    for width, height in PHONE_SIZES:
        found = _geometry_at(page, width, height)
        where = f"{tool} at {width}x{height}"
        assert found["sideways"] <= 0, where
        assert found["svg"][0] >= -1 and found["svg"][2] <= width + 1, f"{where}: chart {found['svg']} is cut"
        for text, text_box in found["texts"]:
            assert _inside(text_box, found["svg"]), f"{where}: {text!r} {text_box} is outside its chart"


def _check_fits_projector(page, tool: str) -> None:
    for width, height in PROJECTOR_SIZES:
        found = _geometry_at(page, width, height)
        window = (0, 0, width, height)
        where = f"{tool} at {width}x{height}"
        assert not found["scrolled"] and found["sideways"] <= 0, where
        assert _inside(found["svg"], window), f"{where}: chart {found['svg']} is not all on the screen"
        for name, control in found["controls"]:
            assert control[2] - control[0] <= width, f"{where}: {name!r} is wider than the window"
            assert _inside(control, window), f"{where}: {name!r} {control} is not all on the screen"
            assert not _overlap(control, found["svg"]), f"{where}: {name!r} is over the chart"
        for text, text_box in found["texts"]:
            assert _inside(text_box, found["svg"]), f"{where}: {text!r} {text_box} is outside its chart"
            for name, control in found["controls"]:
                assert not _overlap(text_box, control), f"{where}: {name!r} covers {text!r}"


def test_six_tool_pages_opened_and_closed_leave_one_idle_kernel_a_tool(live_workshop, chromium):
    """As in a session: each tool opened, used and closed, two of them twice. Every closed page's
    kernel is shut; what is left is at most one kernel a tool, the one started ahead for its next
    visit (``server.POOL_SIZE``)."""
    port, _, _ = live_workshop.start()
    notebooks = _notebooks(port)
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    used = []
    idle = len(TOOLS) * workshop.POOL_SIZE  # the kernels started ahead, one a tool
    try:
        context.new_page()  # another tab stays open, as in a browser
        for tool in [*TOOLS, TOOLS[1], TOOLS[3]]:
            page = context.new_page()
            page.goto(workshop.url(port, f"{tool}.ipynb"), timeout=PAGE_MS)
            page.locator("body.efp-live").wait_for(timeout=PAGE_MS)
            used.append(json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"])
            page.close(run_before_unload=True)
        # Voilà drops a shut kernel once its process has ended: on a busy machine, moments later.
        _wait_for(
            lambda: not set(used) & set(_kernel_processes(notebooks))
            and len(_kernel_processes(notebooks)) <= idle
            and not any(_kernel_running(port, kernel) for kernel in used)
        )
    finally:
        context.close()
    left = _kernel_processes(notebooks)
    assert len(set(used)) == 6 and not any(_kernel_running(port, kernel) for kernel in used)
    assert not set(used) & set(left), f"closed pages' kernels still running: {set(used) & set(left)}"
    assert len(left) <= idle, f"more than {idle} kernels left: {left}"


def test_a_kernel_with_no_page_is_shut_in_the_end_and_its_page_says_so(live_workshop, chromium):
    """Two pages lose their kernel's connection without a word: one tab ended with no "page closed"
    request (closed without its unload handlers, as a phone's browser may end one), one left open
    with its connection gone (a phone put away). Their kernels run on until the server has seen them
    with no page for ABANDONED_SECONDS, then are shut, and the open page says its tool has stopped and
    to reload. The kernel of a page still connected is kept, and so is each tool's preheated one."""
    port, _, _ = live_workshop.start()
    notebooks = _notebooks(port)
    context = chromium.new_context(viewport={"width": 390, "height": 844})

    def opened(tool: str, connected: bool = True):
        page = context.new_page()
        if not connected:
            page.route_web_socket("**/api/kernels/**", lambda ws: None)  # the connection never comes
        page.goto(workshop.url(port, f"{tool}.ipynb"), timeout=PAGE_MS)
        page.locator("body.efp-live" if connected else ".efp-preview").wait_for(timeout=PAGE_MS)
        return page, json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]

    try:
        (kept, kept_kernel), (ended, ended_kernel) = opened("compare_la"), opened("why_randomise")
        put_away, put_away_kernel = opened("tier_planner", connected=False)
        ended.close()  # no beforeunload: no request to shut its kernel
        time.sleep(ABANDONED_SECONDS / 2)
        running = _kernel_processes(notebooks)
        assert ended_kernel in running and put_away_kernel in running, "shut before the server's wait was over"
        _wait_for(
            lambda: not {ended_kernel, put_away_kernel} & set(_kernel_processes(notebooks)), ABANDONED_SECONDS * 3
        )
        assert not {ended_kernel, put_away_kernel} & set(_kernel_processes(notebooks)), "abandoned kernels still run"
        put_away.get_by_text("This tool has stopped").wait_for(timeout=10_000)
        ended_line = put_away.locator("#efp-ended").text_content()
        assert f"for {voila_app.ABANDONED_SECONDS // 60} minutes" in ended_line and "Reload this page" in ended_line
        assert kept_kernel in _kernel_processes(notebooks) and _kernel_running(port, kept_kernel)
        assert kept.locator("#efp-ended").is_hidden() and kept.locator("#efp-disconnected").is_hidden()
        preheated = len(TOOLS) * workshop.POOL_SIZE  # each tool's next kernel, kept however long it waits
        _wait_for(lambda: len(_kernel_processes(notebooks)) >= preheated + 1)
        assert len(_kernel_processes(notebooks)) == preheated + 1
    finally:
        context.close()


def test_workshop_mode_serves_live_widgets_offline(live_workshop, chromium):
    port, process, output = live_workshop.start()
    external: list[str] = []
    assert f"Open {workshop.home(port)} in a browser" in "".join(output)
    notebooks = _notebooks(port)
    context = chromium.new_context(viewport={"width": 1280, "height": 1600})
    try:
        context.new_page()  # another tab stays open, as in a browser (closing the last ends the beacon)
        page = context.new_page()
        local = f"http://{workshop.HOST}:{port}/"
        context.on(
            "request",
            lambda r: None if r.url.startswith((local, "data:", "blob:")) else external.append(r.url),
        )
        page.goto(workshop.home(port), timeout=PAGE_MS)  # the bare address opens the index
        assert page.url == workshop.home(port) and page.locator("script").count() == 0  # no kernel
        page.get_by_role("link", name="Family Group Conferences for your area").click(timeout=PAGE_MS)
        title = page.locator(".js-plotly-plot .gtitle").first
        title.wait_for(timeout=PAGE_MS)  # the tool's first state, drawn from the page
        page.locator("body.efp-live").wait_for(timeout=PAGE_MS)  # the live widgets in its place
        before = title.text_content()
        assert before.startswith("York: about") and "could avoid care" in before
        coverage = page.locator(".widget-slider").filter(has_text="Families offered an FGC").locator(".noUi-handle")
        coverage.focus()
        started = time.monotonic()
        page.keyboard.press("ArrowLeft")  # 100% -> 95%
        page.wait_for_function(
            "old => document.querySelector('.js-plotly-plot .gtitle').textContent !== old",
            arg=before,
            timeout=30_000,
        )
        seconds = time.monotonic() - started
        print(f"slider move to redrawn chart: {seconds:.2f} s")
        assert title.text_content().startswith("York: ")  # redrawn with the new estimate
        assert page.locator(".widget-readout", has_text="95").count() == 1
        area = page.locator("input[list]").first  # the council box: the guide's one rule
        area.fill("Hull")
        area.press("Enter")
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot .gtitle').textContent.startsWith('Kingston upon Hull')",
            timeout=30_000,
        )
        assert area.input_value() == "Kingston upon Hull, City of"
        _close_shuts_its_kernel(page, notebooks)
    finally:
        context.close()
    live_workshop.stop()  # Ctrl-C, as the trainer ends the session
    assert process.returncode == 0, output
    assert live_workshop.stop_seconds[0] < workshop.STOP_SECONDS
    assert any("Workshop mode stopped." in line for line in output), output
    assert not _voila_processes(port)
    assert not notebooks.exists() and not _processes_working_in(notebooks)  # no kernel left behind
    workshop.check_port(port)  # free again: workshop mode can restart at once
    assert external == []  # zero requests to another host
