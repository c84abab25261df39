"""Batch runs: sweeps of many scenario points, on a local process pool or a Dask cluster,
stored in a DuckDB file and resumable. See docs/batch.md.

This package builds on the public simulation API (``sim.scenario.schema``, ``sim.running.runner``);
the model layer knows nothing of it. Its names are imported on first use (PEP 562), so that
``pnp-sim run``, which registers the sweep commands, does not pay for importing DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.batch.backends import BackendError, DaskBackend, LocalBackend, make_backend
    from sim.batch.spec import LoadedSpec, Point, SpecError, SweepSpec, load_spec, parse_spec_text
    from sim.batch.store import Store, StoreError
    from sim.batch.sweep import SweepSummary, run_sweep
    from sim.batch.worker import Task, run_task
    from sim.outputs.outcome import Outcome

_WHERE = {
    "BackendError": "sim.running.backends",
    "DaskBackend": "sim.running.backends",
    "LocalBackend": "sim.running.backends",
    "make_backend": "sim.running.backends",
    "LoadedSpec": "sim.batch.spec",
    "Point": "sim.batch.spec",
    "SpecError": "sim.batch.spec",
    "SweepSpec": "sim.batch.spec",
    "load_spec": "sim.batch.spec",
    "parse_spec_text": "sim.batch.spec",
    "Outcome": "sim.outputs.outcome",
    "Store": "sim.batch.store",
    "StoreError": "sim.batch.store",
    "SweepSummary": "sim.batch.sweep",
    "run_sweep": "sim.batch.sweep",
    "Task": "sim.running.tasks",
    "run_task": "sim.running.tasks",
}

__all__ = [
    "BackendError",
    "DaskBackend",
    "LoadedSpec",
    "LocalBackend",
    "Outcome",
    "Point",
    "SpecError",
    "Store",
    "StoreError",
    "SweepSpec",
    "SweepSummary",
    "Task",
    "load_spec",
    "make_backend",
    "parse_spec_text",
    "run_sweep",
    "run_task",
]


def __getattr__(name: str) -> Any:
    """Import the module that holds ``name`` on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.batch' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
