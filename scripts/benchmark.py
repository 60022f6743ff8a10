"""Print timings of the guide's heavy operations on this machine (not a pass/fail test).

    .venv/bin/python scripts/benchmark.py            # one LA, all LAs (2 jobs), cold and warm build
    .venv/bin/python scripts/benchmark.py --quick    # skip the all-LA run

Targets (2-core machine): one LA report <= 10 s; all 153 LAs + England <= 6 min;
cold book build <= 3 min; warm rebuild with nothing changed <= 10 s.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the all-LA run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reports, build = Path(tmp) / "reports", Path(tmp) / "book"
        timed("One LA report (York)", [PYTHON, "-m", "analyses", "run", "--la", "York", "--out", str(reports)], 10)
        timed("One LA report (Isles of Scilly)", [PYTHON, "-m", "analyses", "run", "--la", "Isles of Scilly", "--out", str(reports)], 10)
        if not args.quick:
            shutil.rmtree(reports)
            timed("All 153 LAs + England (--jobs 2)", [PYTHON, "-m", "analyses", "run", "--all", "--jobs", "2", "--out", str(reports)], 360)
        book = [JB, "build", "-W", "--keep-going", "--path-output", str(build), "."]
        timed("Cold book build (executes every notebook)", book, 180)
        timed("Warm rebuild, nothing changed", book, 10)


if __name__ == "__main__":
    main()
