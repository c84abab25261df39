"""Where a sweep's replications run: see :mod:`sim.running.backends` (shared with
``run_experiment``)."""

from sim.running.backends import (
    IDLE_S,
    MAX_CHUNK,
    TARGET_TASK_S,
    WORKER_DIED,
    Backend,
    BackendError,
    DaskBackend,
    InProcessBackend,
    LocalBackend,
    make_backend,
    run_chunk,
)

__all__ = ["IDLE_S", "MAX_CHUNK", "TARGET_TASK_S", "WORKER_DIED", "Backend", "BackendError",
           "DaskBackend", "InProcessBackend", "LocalBackend", "make_backend", "run_chunk"]
