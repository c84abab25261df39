"""Batch runs: sweeps of many scenario points, on a local process pool or a Dask cluster,
stored in a DuckDB file and resumable. See docs/batch.md.

This package builds on the public simulation API (``sim.scenario``, ``sim.runner``); the model
layer knows nothing of it.
"""

from sim.batch.backends import BackendError, DaskBackend, LocalBackend, make_backend
from sim.batch.spec import LoadedSpec, Point, SpecError, SweepSpec, load_spec, parse_spec_text
from sim.batch.store import Outcome, Store, StoreError
from sim.batch.sweep import SweepSummary, run_sweep
from sim.batch.worker import Task, run_task

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
