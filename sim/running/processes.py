"""Starting worker processes safely from any host program (a script, pytest, Streamlit)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator


@contextlib.contextmanager
def hide_main_script(fn: object = None) -> Iterator[None]:
    """Start worker processes without re-running the parent's ``__main__`` script in them.

    New processes (fork server, spawn, Dask nannies) import the parent's main script by path
    first. Inside Streamlit that "script" is the app page itself, so each worker would run the
    whole app (and under a test runner it may be a script that no longer exists). The workers
    need only ``sim``; the task function is picked by module name. The swap is skipped when the
    task function itself lives in ``__main__``.
    """
    main = sys.modules.get("__main__")
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    if (main is None or spec_name or not getattr(main, "__file__", None)
            or getattr(fn, "__module__", None) == "__main__"):
        yield
        return
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


#: Environment variable naming the pid whose death must take a fork server down with it.
PARENT_ENV = "PNP_SIM_POOL_PARENT"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None) -> None:
    """Make this (worker) process exit when its parent dies, even by ``kill -9``.

    On Linux the kernel sends SIGKILL at the parent's death (``prctl(PR_SET_PDEATHSIG)``); the
    parent may have died before the call, so the parent's pid is checked once after it. Other
    systems get a watchdog thread that polls the parent's pid once a second.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: use the watchdog
            _watchdog(parent_pid)
    elif parent_pid is not None:  # pragma: no cover - not Linux
        _watchdog(parent_pid)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent is already gone


def _watchdog(parent_pid: int | None) -> None:
    if parent_pid is None:
        return

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="pnp-sim-parent-watchdog", daemon=True).start()


def worker_init(parent_pid: int | None) -> None:
    """Initializer of every local pool worker: die with the parent, and leave Ctrl-C to the
    parent (which stops the pool and keeps what finished) instead of printing a traceback in
    each worker."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def forkserver_guard() -> None:
    """Run in the fork server when it starts (it imports :mod:`sim.running._forkserver_guard`): the
    fork server dies with the process that started it, and freezes its heap so that the
    workers it forks do not touch the inherited objects when they collect garbage."""
    import gc

    pid = os.environ.get(PARENT_ENV)
    if pid and pid.isdigit():
        die_with_parent(int(pid))
    gc.freeze()
