#!/usr/bin/env bash
# Install everything and build the whole site into _build/html, executing every notebook:
# the book, then a page for each of the 153 local authorities and England under _build/html/areas/.
# A rebuild redoes only what changed (the book's execution cache; each area's report fingerprint).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
# pip is asked again only when requirements.txt changed since the last successful install.
stamp=.venv/.efp-requirements
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
  echo "$wanted" > "$stamp"
fi
echo "Building the book (notebooks execute; cached ones are reused)..."
start=$(date +%s)
.venv/bin/jupyter-book build -W --keep-going --builder html .
echo "Building a page for every area (unchanged areas are skipped)..."
.venv/bin/python -m analyses.report.areas --jobs "${JOBS:-2}"
echo "Built _build/html in $(( $(date +%s) - start )) s. Open _build/html/index.html in a browser."
