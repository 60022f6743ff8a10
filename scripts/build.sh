#!/usr/bin/env bash
# Install everything and build the whole site into _build/html, executing every notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
echo "Building the book (notebooks execute; cached ones are reused)..."
start=$(date +%s)
.venv/bin/jupyter-book build -W --keep-going --builder html .
echo "Built _build/html in $(( $(date +%s) - start )) s. Open _build/html/index.html in a browser."
