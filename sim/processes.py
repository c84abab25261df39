"""Starting worker processes safely from any host program (a script, pytest, Streamlit)."""

from __future__ import annotations

import contextlib
import sys
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
