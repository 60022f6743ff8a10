"""Every chapter of the book runs top to bottom without error, as a reader's notebook would: in a
fresh kernel, in the chapters folder, in this pytest process (nbclient, as papermill and the book
use; what nbval's lax mode checked, without a nested pytest per chapter)."""

import jupytext
import pytest
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from analyses.data.paths import CHAPTERS_DIR, ROOT

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
def test_chapter_runs_without_error(chapter):
    nb = jupytext.read(ROOT / f"{chapter}.md")
    client = NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(CHAPTERS_DIR)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{chapter}: {str(exc)[-3000:]}")
