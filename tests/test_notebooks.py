"""nbval (lax) over every chapter of the book: each notebook runs top to bottom without error."""

import subprocess
import sys

import jupytext
import pytest
import yaml

from analyses.data.paths import ROOT

pytestmark = pytest.mark.slow


def toc_files() -> list[str]:
    """Every file of _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def notebook_chapters() -> list[str]:
    """The table-of-contents files that are notebooks (have code cells)."""
    return [f for f in toc_files() if "```{code-cell}" in (ROOT / f"{f}.md").read_text(encoding="utf-8")]


@pytest.mark.parametrize("chapter", notebook_chapters())
def test_chapter_runs_under_nbval(chapter, tmp_path):
    notebook = tmp_path / f"{chapter.split('/')[-1]}.ipynb"
    nb = jupytext.read(ROOT / f"{chapter}.md")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(nb, notebook)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-cell-timeout=180",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(tmp_path),
            str(notebook),
        ],
        cwd=ROOT / "chapters",
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
