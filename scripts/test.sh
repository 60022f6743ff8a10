#!/usr/bin/env bash
# Install the test needs (Python packages and Debian's chromium) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh requirements-test.txt
if ! command -v chromium >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
echo "Lint and format (ruff), no notebooks committed (pre-commit)..."
.venv/bin/pre-commit run --all-files --show-diff-on-failure
.venv/bin/python -m pytest "$@"
