"""``python -m analyses``: see analyses.cli."""
import sys

from .cli import main

sys.exit(main())
