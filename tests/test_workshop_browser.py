"""Workshop mode end to end: the launcher's errors, and a slider moved in headless Chromium."""

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
from analyses.devtools.browser import CHROMIUM, CHROMIUM_ARGS
from analyses.workshop import server as workshop

pytestmark = pytest.mark.browser

# Nothing may leave the machine: workshop mode serves Voilà's templates without their CDN stylesheets.
START_SECONDS, PAGE_MS, STOP_SECONDS = 120, 120_000, 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((workshop.HOST, 0))
        return probe.getsockname()[1]


def _workshop(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analyses", "workshop", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
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


@contextlib.contextmanager
def _running_workshop(port: int, stop_seconds: list[float]):
    """Start ``python -m analyses workshop``, yield it with its output lines; always stop it (Ctrl-C)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "analyses", "workshop", "--port", str(port)],
        cwd=ROOT,
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


def _processes_working_in(folder: Path) -> list[str]:
    """Processes (e.g. notebook kernels) whose working directory is inside ``folder``."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        with contextlib.suppress(OSError):
            if str(cwd.readlink()).startswith(str(folder)):
                found.append(cwd.parent.name)
    return found


def _kernel_running(port: int, kernel: str) -> bool:
    """Whether Voilà still has the kernel ``kernel``."""
    try:
        with urllib.request.urlopen(f"http://{workshop.HOST}:{port}/api/kernels/{kernel}", timeout=5):
            return True
    except urllib.error.HTTPError as error:
        return error.code != 404


def in_thread(work) -> None:
    """Run ``work`` in its own thread, re-raising what it raised: Playwright's sync API refuses
    to start on a thread where another one is running (test_site.py keeps its browser open for
    the whole session)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed back to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_workshop_mode_serves_live_widgets_offline():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    port = _free_port()
    external: list[str] = []
    stop_seconds: list[float] = []
    with _running_workshop(port, stop_seconds) as (process, output):
        assert f"Open {workshop.home(port)} in a browser" in "".join(output)
        (voila,) = _voila_processes(port)
        notebooks = Path(voila[voila.index("analyses.workshop.voila_app") + 1])  # the temporary folder Voilà serves

        def drive_browser() -> None:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = browser.new_context(viewport={"width": 1280, "height": 1600})
                    context.new_page()  # another tab stays open, as in a browser (closing the last ends the beacon)
                    page = context.new_page()
                    local = f"http://{workshop.HOST}:{port}/"
                    page.on(
                        "request",
                        lambda r: None if r.url.startswith((local, "data:", "blob:")) else external.append(r.url),
                    )
                    page.goto(workshop.home(port), timeout=PAGE_MS)  # the bare address opens the index
                    assert page.url == workshop.home(port) and page.locator("script").count() == 0  # no kernel
                    page.get_by_role("link", name="Family Group Conferences for your area").click(timeout=PAGE_MS)
                    title = page.locator(".js-plotly-plot .gtitle").first
                    title.wait_for(timeout=PAGE_MS)  # Voilà has run the notebook and the widgets are drawn
                    before = title.text_content()
                    assert before.startswith("York: about") and "could avoid care" in before
                    coverage = (
                        page.locator(".widget-slider")
                        .filter(has_text="Families offered an FGC")
                        .locator(".noUi-handle")
                    )
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
                        "() => document.querySelector('.js-plotly-plot .gtitle').textContent"
                        ".startsWith('Kingston upon Hull')",
                        timeout=30_000,
                    )
                    assert area.input_value() == "Kingston upon Hull, City of"
                    kernel = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
                    assert _kernel_running(port, kernel)
                    page.close(run_before_unload=True)  # as a person closing the tab: its kernel is shut
                    deadline = time.monotonic() + 30
                    while _kernel_running(port, kernel) and time.monotonic() < deadline:
                        time.sleep(0.5)
                    assert not _kernel_running(port, kernel)
                finally:
                    browser.close()

        in_thread(drive_browser)
    assert process.returncode == 0, output
    assert stop_seconds[0] < workshop.STOP_SECONDS
    assert any("Workshop mode stopped." in line for line in output), output
    assert not _voila_processes(port)
    assert not notebooks.exists() and not _processes_working_in(notebooks)  # no kernel left behind
    workshop.check_port(port)  # free again: workshop mode can restart at once
    assert external == []  # zero requests to another host
