"""The sweep driver: expand a spec, skip what the store holds, run the rest, store as it goes.

Only this process writes to the store; workers send their outcomes back. Each finished
replication is written at once in its own transaction, so memory stays flat however large the
sweep is, and a sweep killed at any moment loses at most the replications still in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.batch.spec import LoadedSpec, Point
from sim.batch.store import Store
from sim.outputs.outcome import Outcome
from sim.outputs.stamp import code_version as sim_version
from sim.running.backends import Backend, make_backend
from sim.running.tasks import Planned, Task, TaskFn, run_task

#: Points are written to the store in batches of this many while the spec is expanded.
POINT_BATCH = 500
#: Finished replications are committed together at least this often (seconds) ...
FLUSH_EVERY_S = 0.5
#: ... or when this many are waiting. Each replication is still written whole or not at all;
#: a kill loses at most the finished replications of the last half second (rerun redoes them).
FLUSH_MAX = 200


@dataclass
class FailedReplication:
    """A replication (or, with ``rep`` None, a whole point) that could not be stored."""

    point: int
    params: dict[str, Any]
    rep: int | None
    error: str

    @property
    def first_line(self) -> str:
        """The error's first line, for listings."""
        return self.error.strip().splitlines()[0] if self.error.strip() else "(no message)"


@dataclass
class SweepSummary:
    """What a sweep did: counts, failures, timings; ``text()`` is the printed report."""

    experiment: str
    store: str
    backend: str
    workers: int
    points: int
    scenarios: int
    replications_per_point: int
    planned: int
    already_done: int
    ran: int = 0
    succeeded: int = 0
    failed: list[FailedReplication] = field(default_factory=list)
    invalid_points: list[FailedReplication] = field(default_factory=list)
    #: Seconds spent running (from the start of the backend to the last commit).
    elapsed_s: float = 0.0
    #: Seconds spent before that: opening the store, expanding and registering the points.
    setup_s: float = 0.0
    note: str | None = None
    interrupted: bool = False

    @property
    def complete(self) -> bool:
        """Every planned replication is stored and nothing was interrupted."""
        return not self.failed and not self.invalid_points and not self.interrupted

    def text(self, max_listed: int = 20) -> str:
        """The summary as printed by ``pnp-sim sweep`` (at most ``max_listed`` failures)."""
        lines = [
            f"experiment '{self.experiment}' in {self.store} ({self.backend} backend, "
            f"{self.workers} worker{'s' if self.workers != 1 else ''})",
            f"  points: {self.points} ({self.scenarios} distinct scenarios), "
            f"{self.replications_per_point} replications each: {self.planned} planned",
            f"  already stored: {self.already_done}; run now: {self.ran} "
            f"({self.succeeded} stored, {len(self.failed)} failed) in "
            f"{self.elapsed_s:.1f} s"
            + (f" ({self.succeeded / self.elapsed_s:.2f} rep/s)" if self.elapsed_s > 0
               and self.succeeded else ""),
        ]
        if self.invalid_points:
            lines.append(f"  {len(self.invalid_points)} point(s) the scenario schema refuses "
                         "(not run):")
            for f in self.invalid_points[:max_listed]:
                lines.append(f"    point {f.point} {_fmt(f.params)}:")
                lines += [f"      {x}" for x in f.error.strip().splitlines()[1:4]]
            if len(self.invalid_points) > max_listed:
                lines.append(f"    ... and {len(self.invalid_points) - max_listed} more")
        if self.failed:
            lines.append(f"  {len(self.failed)} failed replication(s) (a rerun retries them):")
            for f in self.failed[:max_listed]:
                lines.append(f"    point {f.point} {_fmt(f.params)} rep {f.rep}: "
                             f"{f.first_line}")
            if len(self.failed) > max_listed:
                lines.append(f"    ... and {len(self.failed) - max_listed} more "
                             "(pnp-sim results STORE -e NAME --table failures)")
        if self.interrupted:
            lines.append("  interrupted: run the same command again to resume")
        elif self.complete:
            lines.append("  complete: every replication is stored")
        return "\n".join(lines)


def _fmt(params: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"


ProgressFactory = Callable[[int], Any]


def run_sweep(
    loaded: LoadedSpec,
    store: str | Path | Store,
    backend: str | Backend = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | ProgressFactory = False,
    task_fn: TaskFn = run_task,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> SweepSummary:
    """Run every replication of every point of ``loaded`` that ``store`` does not hold yet.

    ``task_fn`` is what a worker runs per replication; it is :func:`run_task` except in tests
    that need a task that raises or kills its worker. ``progress`` is False (silent), True (a
    bar on stderr) or a factory ``total -> object with update(ok) and finish()``.
    """
    own_store = not isinstance(store, Store)
    st = Store(store) if not isinstance(store, Store) else store
    be: Backend | None = None
    start = time.monotonic()
    try:
        spec = loaded.spec
        note = st.register_experiment(loaded, sim_version())
        unique: dict[str, int] = {}  # scenario hash -> first point index
        invalid: list[FailedReplication] = []
        batch: list[Point] = []
        params_of: dict[int, dict[str, Any]] = {}
        n_points = 0
        for point in loaded.points():
            n_points += 1
            batch.append(point)
            if point.error is not None:
                invalid.append(FailedReplication(point.index, point.params, None, point.error))
            elif point.scenario_hash not in unique:
                unique[point.scenario_hash] = point.index
                params_of[point.index] = point.params
            if len(batch) >= POINT_BATCH:
                st.add_points(spec.name, batch)
                batch = []
        st.add_points(spec.name, batch)
        del batch

        done = st.done_reps(spec.name, spec.seed)
        current = sim_version()
        older = {v: n for v, n in st.stored_versions(spec.name, spec.seed).items()
                 if v != current}
        if older:
            which = ", ".join(f"{n} by version {v}" for v, n in sorted(older.items()))
            stale = (f"stored replications computed by another version of pnp-sim are reused "
                     f"({which}; this is {current}); use a new store to recompute them")
            note = f"{note}; {stale}" if note else stale
        reps = range(spec.replications)
        already = sum(len(done.get(h, set()) & set(reps)) for h in unique)
        planned = len(unique) * spec.replications
        summary = SweepSummary(
            experiment=spec.name, store=str(st.path), backend="", workers=0,
            points=n_points, scenarios=len(unique), replications_per_point=spec.replications,
            planned=planned, already_done=already, invalid_points=invalid, note=note,
        )
        todo = planned - already
        if todo == 0:
            summary.backend = backend if isinstance(backend, str) else backend.name
            summary.workers = (workers or 0) if isinstance(backend, str) else backend.workers
            summary.elapsed_s = time.monotonic() - start
            return summary

        be = make_backend(backend, workers, address) if isinstance(backend, str) else backend
        summary.backend = be.name
        summary.workers = be.workers

        def tasks() -> Iterator[Task]:
            for point in loaded.points():
                if point.scenario is None or unique.get(point.scenario_hash) != point.index:
                    continue
                have = done.get(point.scenario_hash, set())
                for rep in reps:
                    if rep not in have:
                        yield Task(point.scenario, point.scenario_hash, spec.seed, rep,
                                   weekly=spec.store_weekly, point=point.index)

        point_of = {h: i for h, i in unique.items()}
        bar: Any = None
        if progress is True:
            from sim.running.progress import ProgressBar

            bar = ProgressBar(todo, label=spec.name)
        elif callable(progress):
            bar = progress(todo)
        run_start = time.monotonic()
        summary.setup_s = run_start - start
        buffer: list[Outcome] = []
        last_flush = time.monotonic()

        def flush() -> None:
            nonlocal buffer, last_flush
            if buffer:
                st.record_many(buffer)
                for outcome in buffer:
                    summary.ran += 1
                    if outcome.ok:
                        summary.succeeded += 1
                    else:
                        idx = point_of[outcome.scenario_hash]
                        summary.failed.append(FailedReplication(
                            idx, params_of[idx], outcome.rep, outcome.error or ""))
                    if bar is not None:
                        bar.update(outcome.ok)
                    if on_outcome is not None:
                        on_outcome(outcome)
                buffer = []
            last_flush = time.monotonic()

        try:
            for item in be.run(Planned(tasks(), todo), task_fn):
                if item is not None:
                    buffer.append(item)
                if item is None or len(buffer) >= FLUSH_MAX or \
                        time.monotonic() - last_flush >= FLUSH_EVERY_S:
                    flush()
            flush()
        except KeyboardInterrupt:
            summary.interrupted = True
            flush()
        finally:
            if bar is not None:
                bar.finish()
            summary.elapsed_s = time.monotonic() - run_start
        summary.failed.sort(key=lambda f: (f.point, f.rep or 0))
        return summary
    finally:
        if be is not None and isinstance(backend, str):
            be.close()
        if own_store:
            st.close()
