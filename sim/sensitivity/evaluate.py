"""The one adapter between sensitivity analysis and the sweep machinery (``sim.batch``).

Every model evaluation of the sensitivity analyses runs here: a list of scenarios, each run
for replications 0..reps-1 with one seed (common random numbers across the scenarios), through
the sweep driver, its store (resumable: what the store holds is not run again) and its
backends (local process pool, Dask, or in this process). Nothing else in
``sim.sensitivity`` imports ``sim.batch``, so a change of the batch layer is adapted here only.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.batch.spec import LoadedSpec, Point, SweepSpec
from sim.batch.store import Store
from sim.batch.sweep import run_sweep
from sim.batch.worker import TaskFn, run_task
from sim.outputs.kpi_defs import KPIS
from sim.running.backends import Backend, InProcessBackend
from sim.scenario.schema import Scenario, scenario_hash

BACKENDS = ("local", "dask", "inline")


class EvaluationError(RuntimeError):
    """Replications that failed; ``str()`` lists them for the user."""


@dataclass
class _Design(LoadedSpec):
    """A sweep whose points are given scenarios (a sensitivity design), not a grid."""

    scenarios: Sequence[Scenario] = ()
    labels: Sequence[dict[str, Any]] = ()

    @property
    def parameter_names(self) -> list[str]:
        return sorted({k for lab in self.labels for k in lab})

    def spec_hash(self) -> str:
        text = json.dumps([scenario_hash(s) for s in self.scenarios] + [self.spec.seed])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def n_points(self) -> int:
        return len(self.scenarios)

    def points(self) -> Iterator[Point]:
        for i, (scen, lab) in enumerate(zip(self.scenarios, self.labels, strict=True)):
            yield Point(i, dict(lab), scen, scenario_hash(scen))


@dataclass
class Evaluations:
    """KPIs of every replication of every scenario: ``values[point, rep, kpi]``."""

    values: np.ndarray
    kpis: list[str]
    #: Replications actually run now (the rest came from the store).
    ran: int
    stored: int
    elapsed_s: float

    def kpi(self, name: str) -> np.ndarray:
        """``[point, rep]`` of one KPI."""
        return self.values[:, :, self.kpis.index(name)]


def _backend(backend: str | Backend) -> str | Backend:
    """A backend name the sweep driver starts (and closes) itself, or a backend object."""
    if isinstance(backend, str) and backend == "inline":
        return InProcessBackend()  # the run path's own in-process backend
    if isinstance(backend, str) and backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)} (got {backend!r})")
    return backend


ProgressFactory = Callable[[int], Any]


def evaluate_scenarios(
    scenarios: Sequence[Scenario],
    reps: int,
    seed: int,
    experiment: str,
    labels: Sequence[dict[str, Any]] | None = None,
    store: str | Path | None = None,
    backend: str | Backend = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | ProgressFactory = False,
    task_fn: TaskFn = run_task,
) -> Evaluations:
    """Run replications 0..reps-1 of every scenario with ``seed`` and return their KPIs.

    With ``store`` (a DuckDB file) the runs are kept there under ``experiment`` and a second
    call (after Ctrl-C, or with more points) runs only what is missing; without it they are
    kept in memory. Identical scenarios are run once.
    """
    if not scenarios:
        raise ValueError("nothing to evaluate")
    labels = list(labels) if labels is not None else [{} for _ in scenarios]
    base = scenarios[0]
    spec = SweepSpec.model_construct(
        name=experiment, description="sensitivity analysis", base="", replications=reps,
        seed=seed, store_weekly=False, set={}, parameters=[], latin_hypercube=None)
    design = _Design(spec=spec, source=f"sensitivity of {base.name}", text="", base=base,
                     scenarios=list(scenarios), labels=labels)
    be = _backend("dask" if address and backend == "local" else backend)
    start = time.monotonic()
    st = Store(store if store is not None else ":memory:")
    try:
        summary = run_sweep(design, st, backend=be, workers=workers, address=address,
                            progress=progress, task_fn=task_fn)
        if summary.interrupted:
            raise KeyboardInterrupt
        if summary.failed or summary.invalid_points:
            raise EvaluationError(summary.text())
        hashes = [scenario_hash(s) for s in scenarios]
        uniq = sorted(set(hashes))
        rows = st.con.execute(
            """SELECT scenario_hash, rep, kpi, value FROM kpis
               WHERE seed = ? AND rep < ? AND list_contains(?, scenario_hash)""",
            [seed, reps, uniq]).fetchall()
    finally:
        st.close()
    names = list(KPIS)
    col = {k: i for i, k in enumerate(names)}
    by_hash = {h: np.full((reps, len(names)), np.nan) for h in uniq}
    for h, rep, kpi, value in rows:
        if kpi in col:
            by_hash[h][int(rep), col[kpi]] = np.nan if value is None else float(value)
    values = np.stack([by_hash[h] for h in hashes])
    return Evaluations(values, names, summary.ran, summary.already_done,
                       time.monotonic() - start)
