#!/usr/bin/env bash
# Install REQUIREMENTS (default requirements.txt) and the project itself, editable, into .venv:
# `import analyses` then works from any folder (the book's and the runner's kernels, Voila).
# uv (from PyPI, pinned, into .venv) installs the same pinned set as pip, in about a third of the
# time (measured on the 2-core machine: 29 s against 97 s for the test set); pip does it where uv
# cannot be had. Packages are compiled to bytecode as they install: where PYTHONDONTWRITEBYTECODE is
# set (as in many Docker images) nothing else ever writes a .pyc, and every process would compile
# every module it imports (measured: 2 s of each report's 8). Nothing is installed again unless the
# requirements or pyproject.toml changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=${1:-requirements.txt}
UV=uv==0.13.10
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.efp-installed-$(basename "$requirements" .txt)
wanted=$(cat requirements.txt "$requirements" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  # uv compiles the whole of site-packages, packages already there included.
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check "$UV" \
    && .venv/bin/uv pip install --quiet --python .venv/bin/python --compile-bytecode -r "$requirements" -e .; }; then
    echo "uv could not install the requirements; installing them with pip"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements" -e .
    # A venv filled before (pip --no-compile, or packages already there) is compiled too; a few
    # packages ship files that are not Python 3 (templates, tests), which compileall reports and skips.
    .venv/bin/python -m compileall -q -j 0 "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null || true
  fi
  echo "$wanted" > "$stamp"
  # The tests' set includes requirements.txt, so the build's own install (scripts/build.sh, run by
  # the tests' site fixture) has nothing to add: say so, rather than ask the installer again.
  if [ "$requirements" != requirements.txt ] && grep -qx -- "-r requirements.txt" "$requirements"; then
    cat requirements.txt requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1 > .venv/.efp-installed-requirements
  fi
fi
# The project's own modules (only those changed since the last time are compiled again).
.venv/bin/python -m compileall -q analyses
