"""Running experiments and comparing them: the one entry point for the CLI, the app, searches
and sweeps.

An experiment is replications 0..reps-1 of one scenario under one seed. They run on a
:mod:`sim.running.backends` backend (in this process, a local process pool or a Dask cluster), the
same that sweeps use, and resume from a :mod:`sim.running.checkpoint` keyed by (scenario hash, seed,
replication, code version). A replication is fully determined by (scenario, seed, replication
index), so the results are the same whatever the backend and the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.outputs.kpi_defs import KPIS, KpiDef
from sim.outputs.kpis import CHILD_COLUMNS, LITTLE_COLUMNS, WEEKLY_COLUMNS
from sim.outputs.stamp import make_stamp
from sim.outputs.stats import summarise, summarise_rows
from sim.running.replication import EVENT_COLUMNS, ReplicationResult, run_replication
from sim.scenario.schema import Scenario, scenario_hash

if TYPE_CHECKING:
    import pandas as pd

    from sim.outputs.table import Table
    from sim.running.backends import Backend
    from sim.running.tasks import Planned, Task

__all__ = [
    "EVENT_COLUMNS",
    "ExperimentResult",
    "Progress",
    "ReplicationError",
    "ReplicationResult",
    "compare_experiments",
    "make_stamp",
    "run_experiment",
    "run_replication",
]

Progress = Callable[[int, int], None]


class ReplicationError(RuntimeError):
    """A replication raised inside a worker; ``str()`` holds the worker's error and where."""


@dataclass
class ExperimentResult:
    """The replications of one scenario, with summaries across them."""

    scenario: Scenario
    seed: int
    replications: list[ReplicationResult]
    stamp: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        """One row per replication: ``rep`` and every KPI."""
        import pandas as pd

        rows = [{"rep": r.rep, **r.kpis} for r in self.replications]
        return pd.DataFrame(rows, columns=["rep", *KPIS])

    def kpi_values(self, name: str) -> np.ndarray:
        """One KPI over the replications, as floats (NaN where missing): ``kpis[name]``
        without building the pandas table."""
        return np.asarray([r.kpis.get(name) for r in self.replications], dtype=float)

    def summary_records(self) -> list[dict[str, Any]]:
        """The rows of :attr:`summary` as dicts, without pandas (the command line prints them
        and never imports pandas for a run)."""
        rows = []
        for name, d in KPIS.items():
            m, lo, hi, n = summarise(self.kpi_values(name), d)
            rows.append({"kpi": name, "nl": d.nl, "en": d.en, "unit": d.unit, "mean": m,
                         "ci_low": lo, "ci_high": hi, "n": n})
        return rows

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per KPI: labels, unit, mean, 95% interval (:func:`sim.outputs.stats.summarise`),
        n."""
        import pandas as pd

        return pd.DataFrame(self.summary_records())

    def table(self, name: str) -> Table | None:
        """The table ``name`` (one of :data:`sim.outputs.output.TABLES`) as plain columns, holding
        what the DataFrame attribute holds and written to the same CSV bytes without pandas;
        None where only pandas knows how it would type a column (then use the attribute)."""
        from sim.outputs.table import float_table, table_from_parts

        reps = self.replications
        ids = {"rep": [r.rep for r in reps]}
        if name == "kpis":
            rows = [(r.rep, *(r.kpis.get(k) for k in KPIS)) for r in reps]
            return table_from_parts(["rep", *KPIS], [rows])
        if name == "summary":
            recs = self.summary_records()
            return table_from_parts(list(recs[0]), [[tuple(d.values()) for d in recs]])
        if name == "weekly":
            if not all(r.detail for r in reps):
                return None
            return float_table(WEEKLY_COLUMNS, [r.weekly_rows for r in reps], ids)
        if name == "events":
            return table_from_parts(EVENT_COLUMNS, [r.event_rows for r in reps], ids)
        if name == "little":
            return table_from_parts(LITTLE_COLUMNS, [r.little_rows for r in reps], ids)
        if name == "children":
            if not all(r.detail for r in reps):
                return None
            return table_from_parts(CHILD_COLUMNS, [r.child_rows for r in reps], ids)
        raise KeyError(name)

    def _concat(self, attr: str) -> pd.DataFrame:
        import pandas as pd

        # built per replication without caching them there: the concatenation is the one copy
        frames = [r.frame(attr).assign(rep=r.rep) for r in self.replications]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @cached_property
    def weekly(self) -> pd.DataFrame:
        """The weekly series of every replication, with ``rep``."""
        return self._concat("weekly")

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event log of every replication, with ``rep``."""
        return self._concat("events")

    @cached_property
    def little(self) -> pd.DataFrame:
        """Little's law per state and replication."""
        return self._concat("little")

    @cached_property
    def children(self) -> pd.DataFrame:
        """One row per child and replication."""
        return self._concat("children")

    def weekly_bands(self, column: str) -> pd.DataFrame:
        """Mean and 95% interval of a weekly column across replications, week by week."""
        import pandas as pd

        wide = self.weekly.pivot(index="week", columns="rep", values=column)
        # every weekly column is a count or hours: never below zero
        mean, low, high = summarise_rows(wide.to_numpy(), KpiDef(column, "", "", ""))
        return pd.DataFrame({"week": wide.index.to_numpy(), "mean": mean, "ci_low": low,
                             "ci_high": high})


def run_experiment(
    scenario: Scenario,
    reps: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    detail: bool = True,
    checkpoint: str | Path | None = None,
    mp_context: str | None = None,
    backend: Backend | None = None,
    keep_checkpoint: bool = False,
) -> ExperimentResult:
    """Run replications 0..reps-1 of ``scenario`` and return them with their summaries.

    They run on ``backend`` when given (any :class:`sim.running.backends.Backend`: a local pool,
    Dask; the caller closes it), else in this process for ``workers`` = 1 and on a local process
    pool of ``workers`` processes otherwise. ``mp_context`` picks that pool's start method
    ("fork", "forkserver", "spawn"; default :func:`sim.running.backends.default_start_method`).
    The results do not depend on any of these: each replication's streams come from (seed,
    replication index) alone, and results are put back in replication order.

    With ``checkpoint`` (a folder), each finished replication is saved there at once, and a
    later call with the same scenario, seed, detail and code version picks up where an
    interrupted one stopped. The checkpoint is removed when the experiment completes, unless
    ``keep_checkpoint`` (the caller removes it once its own output is safely written).
    A replication that raises stops the experiment with :class:`ReplicationError`.
    """
    from sim.running.checkpoint import Checkpoint
    from sim.running.tasks import Planned, Task

    reps = scenario.replications if reps is None else reps
    seed = scenario.seed if seed is None else seed
    if reps < 1:
        raise ValueError("reps must be at least 1")
    digest = scenario_hash(scenario)
    store = Checkpoint(checkpoint, digest, seed, detail) if checkpoint else None
    results = store.load(reps) if store else {}
    todo = [rep for rep in range(reps) if rep not in results]
    done = reps - len(todo)
    if progress and done:
        progress(done, reps)

    def tasks() -> Iterator[Task]:
        for rep in todo:
            yield Task(scenario, digest, seed, rep, weekly=detail)

    def keep(rep: int, result: Any) -> None:
        nonlocal done
        results[rep] = result
        if store:
            store.save(result)
        done += 1
        if progress:
            progress(done, reps)

    if todo:
        _gather(Planned(tasks(), len(todo)), keep, backend, workers, mp_context,
                lambda rep: f"replication {rep} of scenario {digest} (seed {seed})")
    if store and not keep_checkpoint:
        store.clear()
    ordered = [results[rep] for rep in range(reps)]
    return ExperimentResult(scenario, seed, ordered, make_stamp(scenario, seed, reps))


def run_each(
    scenarios: Sequence[Scenario],
    seed: int,
    workers: int = 1,
    detail: bool = True,
    mp_context: str | None = None,
) -> list[ReplicationResult]:
    """Replication r of ``scenarios[r]``, for every r, in that order.

    For runs in which each replication has a scenario of its own (a back-cast history starts
    from its own state at the cut-off) but is otherwise replication r of one experiment: its
    streams come from (seed, r) as in :func:`run_experiment`, on the same run path (the same
    backends, the same failure message). A replication that raises stops it with
    :class:`ReplicationError`.
    """
    from sim.running.tasks import Planned, Task

    results: dict[int, ReplicationResult] = {}
    tasks = [Task(sc, scenario_hash(sc), seed, r, weekly=detail)
             for r, sc in enumerate(scenarios)]

    def keep(rep: int, result: Any) -> None:
        results[rep] = result

    if tasks:
        _gather(Planned(iter(tasks), len(tasks)), keep, None, workers, mp_context,
                lambda rep: f"replication {rep} of scenario {tasks[rep].scenario_hash} "
                            f"(seed {seed})")
    return [results[r] for r in range(len(tasks))]


def _gather(tasks: Planned, keep: Callable[[int, Any], None], backend: Backend | None,
            workers: int, mp_context: str | None, name: Callable[[int], str]) -> None:
    """Run ``tasks`` on ``backend`` (else this process or a local pool of ``workers``, closed
    afterwards) and hand each result to ``keep(rep, result)`` as it comes; a replication that
    failed raises :class:`ReplicationError` naming it by ``name(rep)``."""
    own = backend is None
    be = backend if backend is not None else _default_backend(workers, tasks.total, mp_context)
    try:
        for outcome in be.run(tasks, _task_fn()):
            if outcome is None:
                continue
            if outcome.error is not None or outcome.result is None:
                raise ReplicationError(f"{name(outcome.rep)} failed: {outcome.error}")
            keep(outcome.rep, outcome.result)
    finally:
        if own:
            be.close()


def _task_fn() -> Callable[[Task], Any]:
    """The task a worker runs (looked up at call time, so tests can count replications)."""
    from sim.running import tasks

    return tasks.run_task


def _default_backend(workers: int, todo: int, mp_context: str | None) -> Backend:
    import os

    from sim.running.backends import InProcessBackend, LocalBackend, default_start_method

    n = max(1, min(workers, todo or 1, os.cpu_count() or 1))
    if n == 1:
        return InProcessBackend()
    return LocalBackend(n, mp_context=mp_context or default_start_method())


def compare_experiments(base: ExperimentResult, other: ExperimentResult) -> pd.DataFrame:
    """Paired differences (other - base) per KPI, over the replication indices both have.

    Under common random numbers replication i of both saw the same children and families,
    so the paired interval is much narrower than the difference of two separate intervals.
    """
    a = base.kpis.set_index("rep")
    b = other.kpis.set_index("rep")
    common = a.index.intersection(b.index)
    import pandas as pd

    rows = []
    for name in KPIS:
        diff = (b.loc[common, name] - a.loc[common, name]).to_numpy()
        m, lo, hi, n = summarise(diff)
        rows.append({
            "kpi": name,
            "base_mean": float(a.loc[common, name].mean()),
            "other_mean": float(b.loc[common, name].mean()),
            "diff_mean": m,
            "diff_ci_low": lo,
            "diff_ci_high": hi,
            "n": n,
        })
    return pd.DataFrame(rows)
