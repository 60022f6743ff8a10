"""The package's layers: imports run one way, without cycles, and models draw nothing."""

import ast
from pathlib import Path

import pytest

from analyses.data.paths import ROOT

PACKAGE = ROOT / "analyses"
# layer -> the layers it may import (besides itself)
ALLOWED = {
    "data": set(),
    "ingest": {"data"},
    "models": {"data"},
    "views": {"data", "models"},
    "report": {"data", "models", "views", "workshop"},  # the site's area pages include the workshop's page
    "workshop": {"data", "models", "views"},
}
DRAWING = ("plotly", "IPython", "ipywidgets", "markdown_it", "html")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    return {
        name: {m for m in imports(path) if m in modules and m != name and not name.startswith(m + ".")}
        for name, path in modules.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first search (empty when there is none)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else None


def test_the_package_has_no_import_cycle_even_through_imports_inside_functions():
    assert cycles(graph(MODULES)) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("module", [m for m in MODULES if layer(m)])
def test_each_layer_imports_only_the_layers_below_it(module):
    own = layer(module)
    wrong = {m for m in graph(MODULES)[module] if layer(m) and layer(m) != own and layer(m) not in ALLOWED[own]}
    assert not wrong, f"{module} ({own}) imports {sorted(wrong)}; {own} may import {sorted(ALLOWED[own])}"


@pytest.mark.parametrize("module", [m for m in MODULES if layer(m) in ("data", "models")])
def test_data_and_models_import_no_drawing_or_markup_library(module):
    drawing = {m for m in imports(MODULES[module]) if m.split(".")[0] in DRAWING}
    assert not drawing, f"{module} imports {sorted(drawing)}: models return numbers and frames"


def test_the_layer_check_catches_a_model_that_draws(tmp_path):
    bad = tmp_path / "model.py"
    bad.write_text("def f():\n    import plotly.graph_objects as go\n    from analyses.views import charts\n")
    assert {"plotly.graph_objects", "analyses.views.charts"} <= imports(bad)


def test_importing_the_package_changes_no_setting_of_pandas_or_plotly():
    import subprocess
    import sys

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
