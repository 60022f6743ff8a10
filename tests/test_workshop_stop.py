"""Whatever workshop mode starts ends with it: ``server.stop`` ends a server and every process below it
(kernels in their own sessions, ones that ignore SIGTERM, ones orphaned when the server ends first)
within ``STOP_SECONDS``, every time; and Voilà ends when its launcher is killed.

The process trees here stand in for Voilà and its kernels (the real ones take 10 to 40 s to start,
too long to loop); ``test_workshop_browser.py`` stops the real thing once."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from analyses.workshop import server, voila_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process control"),
]

# A "server" that starts three "kernels" in their own sessions (as jupyter_client does), then
# either exits on SIGTERM (its kernels orphaned) or ignores it (as a hung Voilà would).
SERVER = textwrap.dedent(
    """
    import signal, subprocess, sys, time
    stubborn = sys.argv[1] == "stubborn"
    kernel = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(flush=True); time.sleep(600)"
    kernels = [subprocess.Popen([sys.executable, "-c", kernel], start_new_session=True, stdout=subprocess.PIPE)
               for _ in range(3)]
    for k in kernels:
        k.stdout.readline()  # started, SIGTERM ignored
    signal.signal(signal.SIGTERM, signal.SIG_IGN if stubborn else signal.SIG_DFL)
    print(" ".join(str(k.pid) for k in kernels), flush=True)
    time.sleep(600)
    """
)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def adopting():
    """This process adopts orphaned descendants while the test runs, as serve() does."""
    server._adopt_orphans()
    yield
    ctypes.CDLL(None, use_errno=True).prctl(server.PR_SET_CHILD_SUBREAPER, 0)


def test_stop_ends_the_server_and_every_kernel_within_ten_seconds_every_time(adopting):
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # not the workshop's
    times = []
    for attempt in range(20):
        mode = "stubborn" if attempt % 5 == 0 else "polite"  # a hung server now and then: the slow path
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER, mode], stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        kernels = [int(pid) for pid in process.stdout.readline().split()]
        assert len(kernels) == 3 and all(alive(pid) for pid in kernels)
        started = time.monotonic()
        server.stop(process)
        times.append(time.monotonic() - started)
        assert process.poll() is not None, attempt
        assert not [pid for pid in [process.pid, *kernels] if alive(pid)], attempt
        assert times[-1] < server.STOP_SECONDS, (attempt, times[-1])
    print(f"stops: {min(times):.2f} to {max(times):.2f} s")
    assert bystander.poll() is None  # another child of this process (a browser, say) is left alone
    bystander.kill()
    bystander.wait()


def test_voila_ends_when_its_launcher_is_killed():
    """The launcher killed outright (SIGKILL, no chance to stop anything): its Voilà still ends."""
    child = (
        "import os, time; from analyses.workshop import voila_app; voila_app.die_with_parent(); "
        "print(os.getpid(), flush=True); time.sleep(600)"
    )
    launcher = (
        "import os, subprocess, sys, time; "
        f"env = {{**os.environ, {voila_app.PARENT!r}: str(os.getpid())}}; "
        f"p = subprocess.Popen([sys.executable, '-c', {child!r}], env=env, stdout=subprocess.PIPE, text=True, "
        "start_new_session=True); print(p.stdout.readline().strip(), flush=True); time.sleep(600)"
    )
    process = subprocess.Popen([sys.executable, "-c", launcher], stdout=subprocess.PIPE, text=True)
    voila = int(process.stdout.readline())
    assert alive(voila)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while alive(voila) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(voila)
