"""Voilà as workshop mode runs it: the bare address opens the tools' index.

``python -m analyses.workshop.voila_app DIR [voila options]`` is ``voila DIR`` with one change:
``/`` redirects to ``/voila/render/index.ipynb`` instead of Voilà's file list.
"""

from __future__ import annotations

import sys

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from voila.app import Voila

INDEX = "index.ipynb"


class WorkshopVoila(Voila):
    """Voilà serving a folder, with the bare address sent to the index notebook."""

    def init_handlers(self) -> list:
        home = url_path_join(self.server_url, "voila/render", INDEX)
        return [(self.server_url, RedirectHandler, {"url": home}), *super().init_handlers()]  # first match wins


if __name__ == "__main__":
    sys.exit(WorkshopVoila.launch_instance())
