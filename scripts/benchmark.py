"""Print timings of the guide's heavy operations on this machine (not a pass/fail test).

    .venv/bin/python scripts/benchmark.py            # one LA, all LAs (2 jobs), cold and warm build
    .venv/bin/python scripts/benchmark.py --quick    # skip the all-LA run
    .venv/bin/python scripts/benchmark.py --site     # README's first command on a clean clone, then again

Targets (2-core machine): one LA report <= 10 s; all 153 LAs + England <= 6 min;
cold book build <= 3 min; warm rebuild with nothing changed <= 10 s. With --site:
``bash scripts/build.sh`` on a clean clone (warm pip cache; the book and the 154 area pages)
<= 4 min, the same again with nothing changed <= 5 s; an area page's own HTML <= 400 KB;
the whole built site <= 100 MB.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
JB = str(Path(PYTHON).with_name("jupyter-book"))


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
    its own and pip installs from pip's cache (warm if it has run on this machine before).
    """
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    if not fresh_venv:
        (clone / ".venv").symlink_to((ROOT / ".venv").resolve())
    timed("Clean clone: bash scripts/build.sh (book + areas)", ["bash", str(clone / "scripts" / "build.sh")], 240)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the all-LA run")
    parser.add_argument("--site", action="store_true", help="only README's first command on a clean clone")
    parser.add_argument("--fresh-venv", action="store_true", help="with --site: a new .venv in the clone")
    args = parser.parse_args()
    if args.site:
        with tempfile.TemporaryDirectory() as tmp:
            site(Path(tmp), args.fresh_venv)
        return
    with tempfile.TemporaryDirectory() as tmp:
        reports, build = Path(tmp) / "reports", Path(tmp) / "book"
        timed("One LA report (York)", [PYTHON, "-m", "analyses", "run", "--la", "York", "--out", str(reports)], 10)
        timed(
            "One LA report (Isles of Scilly)",
            [PYTHON, "-m", "analyses", "run", "--la", "Isles of Scilly", "--out", str(reports)],
            10,
        )
        if not args.quick:
            shutil.rmtree(reports)
            timed(
                "All 153 LAs + England (--jobs 2)",
                [PYTHON, "-m", "analyses", "run", "--all", "--jobs", "2", "--out", str(reports)],
                360,
            )
        book = [JB, "build", "-W", "--keep-going", "--path-output", str(build), "."]
        timed("Cold book build (executes every notebook)", book, 180)
        timed("Warm rebuild, nothing changed", book, 10)


if __name__ == "__main__":
    main()
