#!/usr/bin/env bash
# Install the test needs (Python packages and Debian's chromium-headless-shell) and run every test on 2 workers
# (pytest-xdist; tests that share a page, a module fixture or the site build run on one, see
# tests/conftest.py), printing the 15 slowest. `bash scripts/test.sh --fast` is the inner loop: no
# site build, no browser, no kernels (pytest -m "not browser and not build and not slow"). Other
# arguments go to pytest (`-n 0` runs on one process).
set -euo pipefail
cd "$(dirname "$0")/.."
select=()
if [ "${1:-}" = "--fast" ]; then
  shift
  select=(-m "not browser and not build and not slow")
fi
bash scripts/install.sh requirements-test.txt
# The browser tests drive $EFP_CHROMIUM, by default Debian's chromium-headless-shell (Chromium run
# headless as Playwright runs it: a third of the full chromium's CPU in these tests). Where it cannot
# be installed, Debian's chromium (the full browser) stands in. Both paths: analyses/devtools/browser.py.
if [ ${#select[@]} -eq 0 ] && [ -z "${EFP_CHROMIUM:-}" ]; then
  read -r shell full < <(.venv/bin/python -c 'from analyses.devtools.browser import CHROMIUM, READER_CHROMIUM; print(CHROMIUM, READER_CHROMIUM)')
  if [ ! -x "$shell" ]; then
    echo "Installing Debian's chromium-headless-shell for the browser tests..."
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium-headless-shell >/dev/null; } || true
    if [ ! -x "$shell" ]; then
      echo "chromium-headless-shell could not be installed: the browser tests use $full"
      export EFP_CHROMIUM=$full
      [ -x "$full" ] || { $SUDO apt-get install -y -qq chromium >/dev/null; }
    fi
  fi
fi
echo "Lint and format (ruff), the package's layers (import-linter), no notebooks committed (pre-commit)..."
.venv/bin/pre-commit run --all-files --show-diff-on-failure
.venv/bin/python -m pytest -n 2 --durations=15 "${select[@]}" "$@"
