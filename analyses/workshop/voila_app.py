"""Voilà as workshop mode runs it.

``python -m analyses.workshop.voila_app DIR [voila options]`` is ``voila DIR`` with these changes:

- ``/`` serves the tools' index as a plain page (``$EFP_WORKSHOP_INDEX``): no kernel behind it;
- a tool's page sets the ``_xsrf`` cookie, which the "page closed" request sends back, so closing or
  reloading a page shuts its kernel down (without the cookie the request is refused). The page sends
  that request itself from its first moment (``assets/tool_page.html``), as Voilà's widget scripts do
  only once they have loaded: a page closed before its tool went live left its kernel running. A
  kernel asked for twice is shut once;
- ``/efp/alive`` answers while the server runs, and whether it still has a page's kernel: the pages'
  "Disconnected" and "ended" lines ask it;
- ``/efp/ready`` answers 204 once every tool has a kernel that has run its notebook (Voilà's
  preheated pool), 503 before: the launcher waits for it, so a tool opens at once;
- a tool's kernel that no page has been connected to for ``ABANDONED_SECONDS`` is shut
  (``AbandonedKernels``): the backstop for a page whose "page closed" request never came (a phone's
  browser may end a tab without it);
- the process ends when the launcher that started it ends, however it ends (Linux's parent-death
  signal), and its kernels end with it (ipykernel polls its parent, Voilà).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from pathlib import Path

from jupyter_core.utils import ensure_async
from jupyter_server.utils import url_path_join
from tornado.ioloop import PeriodicCallback
from tornado.web import RequestHandler, StaticFileHandler, authenticated
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

from analyses.views.web_assets import ACCESS_JS, ASSETS, BASIC_JS

PR_SET_PDEATHSIG = 1
PARENT = "EFP_WORKSHOP_PARENT"  # the launcher's process id
INDEX = "EFP_WORKSHOP_INDEX"  # the index page's file
# How long a tool's kernel may go with no page connected before it is shut: long enough for a phone
# put away in a pocket to come back to its page; $EFP_WORKSHOP_ABANDONED_SECONDS sets it (the tests).
ABANDONED_SECONDS = 30 * 60
ABANDONED = "EFP_WORKSHOP_ABANDONED_SECONDS"


def abandoned_seconds() -> float:
    """``ABANDONED_SECONDS``, or ``$EFP_WORKSHOP_ABANDONED_SECONDS`` if set. Raises ValueError, in words."""
    given = os.environ.get(ABANDONED)
    if given is None:
        return ABANDONED_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = 0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{ABANDONED} must be a number of seconds above 0, not {given!r}")
    return seconds


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the launcher ends; leave at once if it already has."""
    expected = os.environ.get(PARENT)
    if not expected or not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != int(expected):  # the launcher ended before the request took effect
        sys.exit(0)


class IndexHandler(RequestHandler):
    """The tools' index: a plain page, no kernel."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(Path(os.environ[INDEX]).read_bytes())


class AliveHandler(RequestHandler):
    """204 while the server runs; 410 if asked about a kernel (``?kernel=ID``) that it no longer has."""

    def get(self) -> None:
        kernel = self.get_query_argument("kernel", None)
        self.set_header("Cache-Control", "no-store")
        self.set_status(410 if kernel and kernel not in self.settings["kernel_manager"] else 204)
        self.finish()


class ReadyHandler(RequestHandler):
    """204 once every tool's preheated kernel has run its notebook, else 503."""

    def get(self) -> None:
        pools = getattr(self.settings["kernel_manager"], "_pools", {})  # Voilà's pool: notebook -> kernels
        ready = bool(pools) and all(
            pool and all(item.done() and not item.exception() and item.result()["task"].done() for item in pool)
            for pool in pools.values()
        )
        self.set_header("Cache-Control", "no-store")
        self.set_status(204 if ready else 503)
        self.finish()


class ChartScriptHandler(StaticFileHandler):
    """The scripts that draw the tools' first state and their live charts: the guide's basic plotly.js
    bundle (``web_assets.BASIC_JS``: the tools draw only its trace types, as on the site's workshop
    pages; a quarter of the full bundle's size, it is ready in about a fifth of the time, measured
    here: 0.3-0.5 s against 2.1-2.7 s) and the site's ``chart_access.js``, which fits each chart to
    its column. Their addresses name their versions (``server.tool_page``), so a browser keeps them."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "max-age=31536000, immutable")


class ShutdownOnceHandler(VoilaShutdownKernelHandler):
    """Voilà's "page closed" request (``/voila/api/shutdown/<kernel>``), safe to send twice: a kernel
    that has ended or is being shut is left alone, and the answer is 204 either way."""

    @authenticated
    async def post(self, kernel_id: str) -> None:
        closing = self.settings.setdefault("efp_closing_kernels", set())
        if kernel_id in self.kernel_manager and kernel_id not in closing:
            closing.add(kernel_id)
            await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
        self.set_status(204)
        self.finish()


def with_xsrf_cookie(handler: type) -> type:
    """``handler`` that also sets the ``_xsrf`` cookie on the pages it serves."""

    class Handler(handler):
        async def prepare(self, *args, **kwargs):
            result = super().prepare(*args, **kwargs)
            if result is not None:
                await result
            self.xsrf_token  # noqa: B018 - reading it sets the cookie

    Handler.__name__ = f"XsrfCookie{handler.__name__}"
    return Handler


class AbandonedKernels:
    """Shuts each kernel that has had no page connected, without a break, for ``seconds``; never one
    in Voilà's preheated pool (waiting for its page) or one already being shut. Each round is a
    look at the server's kernels (``check``, every ``interval`` seconds), so a kernel's time without
    a page is counted from the first round that saw it so, not from its last activity: a pooled
    kernel handed to a page long after it started is not shut before its page connects."""

    def __init__(self, manager, closing: set[str], seconds: float) -> None:
        self.manager, self.closing, self.seconds = manager, closing, seconds
        self.interval = min(60.0, seconds / 3)
        self.alone_since: dict[str, float] = {}  # kernel id -> when a round first saw it with no page

    async def check(self) -> None:
        pools = list(getattr(self.manager, "_pools", {}).values())  # Voilà's pool: notebook -> kernels
        if any(not item.done() for pool in pools for item in pool):
            return  # a pooled kernel is starting: its id is not known yet
        pooled = {item.result()["kernel_id"] for pool in pools for item in pool if not item.exception()}
        now = time.monotonic()
        kernels = set(self.manager.list_kernel_ids())
        for kernel in kernels - pooled:
            if kernel not in self.manager or kernel in self.closing:  # being shut, perhaps while this round waited
                continue
            if self.manager.kernel_model(kernel)["connections"]:
                self.alone_since.pop(kernel, None)
            elif now - self.alone_since.setdefault(kernel, now) >= self.seconds:
                self.closing.add(kernel)
                await ensure_async(self.manager.shutdown_kernel(kernel))
        self.alone_since = {k: t for k, t in self.alone_since.items() if k in kernels and k not in self.closing}


class WorkshopVoila(Voila):
    """Voilà serving a folder, with a kernel-free index and kernels shut when their page closes, or
    when they have had no page for ``ABANDONED_SECONDS``."""

    def listen(self) -> None:
        seconds = abandoned_seconds()
        closing = self.app.settings.setdefault("efp_closing_kernels", set())
        abandoned = AbandonedKernels(self.kernel_manager, closing, seconds)
        PeriodicCallback(abandoned.check, abandoned.interval * 1000).start()
        super().listen()

    def init_handlers(self) -> list:
        handlers = []
        for spec in super().init_handlers():
            if spec[0].endswith("/voila/render/(.*)"):
                spec = (spec[0], with_xsrf_cookie(spec[1]), *spec[2:])
            elif spec[1] is VoilaShutdownKernelHandler:
                spec = (spec[0], ShutdownOnceHandler, *spec[2:])
            handlers.append(spec)
        own = [
            (self.server_url, IndexHandler),
            (url_path_join(self.server_url, "efp/alive"), AliveHandler),
            (url_path_join(self.server_url, "efp/ready"), ReadyHandler),
            (
                url_path_join(self.server_url, f"efp/({BASIC_JS.name}|{ACCESS_JS.name})"),
                ChartScriptHandler,
                {"path": str(ASSETS)},
            ),
        ]
        return [*own, *handlers]  # first match wins


if __name__ == "__main__":
    die_with_parent()
    sys.exit(WorkshopVoila.launch_instance())
