"""Print timings of the guide's heavy operations on this machine (not a pass/fail test).

    .venv/bin/python scripts/benchmark.py            # ratios to papermill's floor, then all LAs and the book
    .venv/bin/python scripts/benchmark.py --quick    # only the ratios to papermill's floor
    .venv/bin/python scripts/benchmark.py --site     # README's first command on a clean clone, then again
    .venv/bin/python scripts/benchmark.py --workshop # live workshop: start-up, then each tool's page opening

The machine is shared and its load changes from minute to minute, so the quick answers and one
report are measured against papermill's own floor: a two-cell notebook run by the ``papermill``
command in the same venv, timed in turn with each command (floor, command, floor, ... for
``--rounds`` rounds), and each command's median is divided by the floor's median. Targets
(issue 22): one report <= 1.5x the floor; ``run --help`` <= 0.15x; a refused ``--set`` <= 0.35x.
Also timed: all 153 LAs + England (--jobs 2) <= 100 s on 2 quiet cores; the cold book build
<= 3 min; a warm rebuild with nothing changed <= 10 s. With --site: ``bash scripts/build.sh`` on
a clean clone (warm package cache; the book and the 154 area pages) <= 150 s, the same again with
nothing changed <= 5 s; an area page's own HTML <= 400 KB; the whole built site <= 100 MB.
With --workshop: ``python -m analyses workshop`` until it says it is running (every tool's kernel has
run its notebook), then, in headless Chromium (one browser cache: the first page loads the widgets'
scripts), each tool's page from navigation until its chart is drawn (the tool's first state, from the page) and until its
live controls have taken its place, for --rounds rounds a minute apart (issue 23: a tool opens in under 3 s after start-up), with the load average.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
JB = str(Path(PYTHON).with_name("jupyter-book"))
PAPERMILL = str(Path(PYTHON).with_name("papermill"))
# (label, command after `python -m analyses`, target ratio to the floor, exit code expected)
AGAINST_THE_FLOOR = [
    ("python -m analyses run --help", ["run", "--help"], 0.15, 0),
    (
        "a refused --set pre_proceedings_children=1e9",
        ["run", "--la", "York", "--set", "pre_proceedings_children=1e9"],
        0.35,
        2,
    ),
    ("one report, run --la York (whole process)", ["run", "--la", "York"], 1.5, 0),
]


def timed(label: str, command: list[str], target: float) -> float:
    """Run a command, print its wall time against a target, return seconds."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode}): {result.stderr.strip()[-300:]}"
    verdict = "within" if seconds <= target else "OVER"
    print(f"{label:<44} {seconds:8.1f} s   target {target:6.0f} s ({verdict})   {status}", flush=True)
    return seconds


def site(tmp: Path, fresh_venv: bool) -> None:
    """README's first command on a clean clone of this commit, cold then with nothing changed.

    The clone uses this checkout's .venv (a symlink) unless ``fresh_venv``: then build.sh makes
    its own and uv installs from its cache (warm if it has run on this machine before).
    """
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    if not fresh_venv:
        (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
    timed("Clean clone: bash scripts/build.sh (book + areas)", ["bash", str(clone / "scripts" / "build.sh")], 150)
    timed("Again, nothing changed", ["bash", str(clone / "scripts" / "build.sh")], 5)
    html = clone / "_build" / "html"
    total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    print(
        f"{'Whole built site':<44} {total / 1e6:8.1f} MB  target    100 MB ({'within' if total <= 100e6 else 'OVER'})"
    )
    pages = [p for p in (html / "areas").glob("*/*.html")]
    biggest = max(pages, key=lambda p: p.stat().st_size)
    print(
        f"{'Largest area page HTML':<44} {biggest.stat().st_size / 1e3:8.0f} KB  target    400 KB "
        f"({'within' if biggest.stat().st_size <= 400e3 else 'OVER'})  {biggest.relative_to(html)}"
    )


def floor_notebook(folder: Path) -> Path:
    """papermill's floor: a notebook of a parameters cell and one more cell."""
    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": "x = 1",
            "outputs": [],
            "execution_count": None,
        },
        {"cell_type": "code", "metadata": {}, "source": "x + 1", "outputs": [], "execution_count": None},
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"cells": cells, "metadata": {"kernelspec": kernelspec}, "nbformat": 4, "nbformat_minor": 5}
    path = folder / "floor.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def seconds(command: list[str], expected: int) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - start
    if result.returncode != expected:
        sys.exit(f"{' '.join(command)}: exit {result.returncode}, expected {expected}: {result.stderr.strip()[-300:]}")
    return took


def against_the_floor(tmp: Path, rounds: int) -> None:
    """Each command's median time over its floor's median, the two timed in turn."""
    notebook = floor_notebook(tmp)
    floor_command = [PAPERMILL, "--no-progress-bar", str(notebook), str(tmp / "floor-out.ipynb")]
    floors: list[float] = []
    times: dict[str, list[float]] = {label: [] for label, *_ in AGAINST_THE_FLOOR}
    for _ in range(rounds):
        for label, arguments, _target, expected in AGAINST_THE_FLOOR:
            floors.append(seconds(floor_command, 0))
            out = ["--out", str(tmp / "reports")] if "--la" in arguments else []
            times[label].append(seconds([PYTHON, "-m", "analyses", *arguments, *out], expected))
    floor = statistics.median(floors)
    print(f"{'papermill floor (2-cell notebook)':<48} {floor:6.2f} s   median of {len(floors)}")
    print(f"{'what':<48} {'median':>8} {'ratio':>7} {'target':>7}")
    for label, _arguments, target, _expected in AGAINST_THE_FLOOR:
        median = statistics.median(times[label])
        ratio = median / floor
        verdict = "within" if ratio <= target else "OVER"
        print(f"{label:<48} {median:6.2f} s {ratio:6.2f}x {target:6.2f}x ({verdict})", flush=True)


WORKSHOP_TOOLS = ("why_randomise", "fgc_rollout", "compare_la", "tier_planner")


def workshop(rounds: int) -> None:
    """Start-up of workshop mode, then the time each tool's page takes to draw its chart."""
    import os
    import signal
    import socket

    from playwright.sync_api import sync_playwright

    from analyses.devtools.browser import READER_CHROMIUM, launch
    from analyses.workshop import server

    with socket.socket() as probe:
        probe.bind((server.HOST, 0))
        port = probe.getsockname()[1]
    print(f"load average at start: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    start = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "analyses", "workshop", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for line in process.stdout:
            if "Workshop mode is running" in line:
                break
        else:
            sys.exit(f"workshop mode did not start (exit {process.wait()})")
        print(f"{'start-up until every tool is ready':<44} {time.perf_counter() - start:8.1f} s")
        times: dict[str, list[float]] = {tool: [] for tool in WORKSHOP_TOOLS}
        live: dict[str, list[float]] = {tool: [] for tool in WORKSHOP_TOOLS}
        with sync_playwright() as playwright:
            browser = launch(playwright, READER_CHROMIUM)  # a trainer's browser
            context = browser.new_context(viewport={"width": 1024, "height": 768})  # one browser cache, as a trainer's
            for _ in range(rounds):
                for tool in WORKSHOP_TOOLS:
                    page = context.new_page()
                    opened = time.perf_counter()
                    # Not waiting for the page's load event: the chart may be drawn before it.
                    page.goto(server.url(port, f"{tool}.ipynb"), timeout=180_000, wait_until="commit")
                    page.locator(".js-plotly-plot .gtitle").first.wait_for(timeout=180_000)
                    times[tool].append(time.perf_counter() - opened)
                    page.locator("body.efp-live").wait_for(timeout=180_000)  # the live controls in its place
                    live[tool].append(time.perf_counter() - opened)
                    page.close(run_before_unload=True)
                time.sleep(60)  # as between two stages of a session: each tool's next kernel runs its notebook
            browser.close()
        for tool, seconds in times.items():
            listed = ", ".join(f"{s:.1f}" for s in seconds)
            verdict = "within" if seconds[0] <= 3 else "OVER"
            print(f"{'open ' + tool + ' (first; then the rest)':<44} {listed} s   target 3 s ({verdict})")
            print(f"{'  its live controls working':<44} {', '.join(f'{s:.1f}' for s in live[tool])} s")
        print(f"load average at end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the ratios to papermill's floor")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the floor comparison (default: 3)")
    parser.add_argument("--site", action="store_true", help="only README's first command on a clean clone")
    parser.add_argument("--fresh-venv", action="store_true", help="with --site: a new .venv in the clone")
    parser.add_argument("--workshop", action="store_true", help="only the live workshop's start-up and tool pages")
    args = parser.parse_args()
    if args.workshop:
        workshop(args.rounds)
        return
    if args.site:
        with tempfile.TemporaryDirectory() as tmp:
            site(Path(tmp), args.fresh_venv)
        return
    with tempfile.TemporaryDirectory() as tmp:
        against_the_floor(Path(tmp), args.rounds)
        if args.quick:
            return
        reports, build = Path(tmp) / "all-reports", Path(tmp) / "book"
        timed(
            "All 153 LAs + England (--jobs 2)",
            [PYTHON, "-m", "analyses", "run", "--all", "--jobs", "2", "--out", str(reports)],
            100,
        )
        book = [JB, "build", "-W", "--keep-going", "--path-output", str(build), "."]
        timed("Cold book build (executes every notebook)", book, 180)
        timed("Warm rebuild, nothing changed", book, 10)


if __name__ == "__main__":
    main()
