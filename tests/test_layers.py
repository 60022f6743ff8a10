"""The package's layers. Which layer may import which (imports inside functions included), that
data and models draw nothing and that no modules import each other in a loop are import-linter's
contracts in pyproject.toml, checked by pre-commit (`lint-imports`)."""

import subprocess
import sys

import pytest

from analyses.data.paths import ROOT


@pytest.mark.slow
def test_importing_the_package_changes_no_setting_of_pandas_or_plotly():
    code = (
        "import pandas as pd, plotly.io as pio\n"
        "before = (pd.options.mode.string_storage, pio.templates.default, pio.renderers.default)\n"
        "import importlib, pkgutil, analyses\n"
        "for m in pkgutil.walk_packages(analyses.__path__, 'analyses.'):\n"
        "    if m.name not in ('analyses.__main__',):\n"
        "        importlib.import_module(m.name)\n"
        "after = (pd.options.mode.string_storage, pio.templates.default, pio.renderers.default)\n"
        "assert before == after, (before, after)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
