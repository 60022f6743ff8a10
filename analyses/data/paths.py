"""Where the project's files live."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
CHAPTERS_DIR = ROOT / "chapters"
REPORTS_DIR = ROOT / "reports"
