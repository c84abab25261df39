"""The one adapter between the staffing search and the sweep layer (store and backends).

Everything the search needs from ``sim.batch`` goes through :class:`Evaluator`: run
replications of a candidate scenario on the local pool, Dask or in this process, and cache
every replication in the DuckDB store keyed like sweeps, ``(scenario_hash, seed, rep)``, so a
repeated or refined search is almost free. Only replications computed by the same model code
(the store's ``sim_version``: package version and model fingerprint) are reused. When the
sweep layer changes (``Outcome`` moving to ``sim/outcome.py``, ``run_experiment`` on the same
backends), only this module needs adapting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario import Scenario

#: Finished replications are committed to the store in groups of at most this many.
FLUSH_MAX = 50


class EvaluationError(RuntimeError):
    """A replication that raised; ``str()`` names the candidate and the error."""


@dataclass
class Spent:
    """Distinct replications the search used: run now, or found in the store."""

    ran: int = 0
    cached: int = 0

    @property
    def total(self) -> int:
        return self.ran + self.cached


@dataclass
class Evaluator:
    """Run (or look up) replications of candidate scenarios; see the module docstring.

    ``backend`` is ``"serial"`` (in this process: no start-up cost, for tests and small
    searches), ``"local"`` (process pool) or ``"dask"``; ``store`` a DuckDB file or None.
    """

    seed: int
    store: str | Path | None = None
    backend: str = "serial"
    workers: int | None = None
    address: str | None = None
    #: Called after each batch with the replications spent so far.
    on_progress: Callable[[Spent], None] | None = None
    spent: Spent = field(default_factory=Spent)
    _cache: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    _loaded: set[str] = field(default_factory=set)
    _used: set[tuple[str, int]] = field(default_factory=set)
    _store: Any = None
    _backend: Any = None
    _pool: Any = None

    # ------------------------------------------------------------------ life cycle

    def open(self) -> Evaluator:
        if self.store is not None and self._store is None:
            from sim.batch.store import Store

            self._store = Store(self.store)
        return self

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._backend is not None:
            self._backend.close()
            self._backend = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Evaluator:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the one call

    def kpis(self, scenario: Scenario, scenario_hash: str, reps: Sequence[int]
             ) -> list[dict[str, float]]:
        """KPIs of replications ``reps`` of ``scenario`` (seed ``self.seed``), in that order."""
        return self.kpis_many([(scenario, scenario_hash, list(reps))])[0]

    def kpis_many(self, jobs: Sequence[tuple[Scenario, str, Sequence[int]]]
                  ) -> list[list[dict[str, float]]]:
        """Several candidates at once (their missing replications run together)."""
        from sim.batch.worker import Task

        todo: list[Task] = []
        for scenario, h, reps in jobs:
            have = self._known(h)
            for rep in reps:
                if rep in have:
                    if (h, rep) not in self._used:  # each replication counted once
                        self._used.add((h, rep))
                        self.spent.cached += 1
                else:
                    todo.append(Task(scenario, h, self.seed, rep))
        if todo:
            self._run(todo, {h: s for s, h, _ in jobs})
        out = [[self._cache[h][r] for r in reps] for _, h, reps in jobs]
        if self.on_progress is not None:
            self.on_progress(self.spent)
        return out

    # ------------------------------------------------------------------ internals

    def _known(self, h: str) -> dict[int, dict[str, float]]:
        have = self._cache.setdefault(h, {})
        if h not in self._loaded and self._store is not None:
            from sim.batch.store import sim_version

            rows = self._store.con.execute(
                """SELECT k.rep, k.kpi, k.value FROM kpis k JOIN replications r
                   USING (scenario_hash, seed, rep)
                   WHERE k.scenario_hash = ? AND k.seed = ? AND r.sim_version = ?""",
                [h, self.seed, sim_version()]).fetchall()
            for rep, kpi, value in rows:
                have.setdefault(int(rep), {})[str(kpi)] = math.nan if value is None \
                    else float(value)
        self._loaded.add(h)
        return have

    def _run(self, todo: list[Any], scenarios: dict[str, Scenario]) -> None:
        from sim.batch.worker import run_task

        if self.backend == "serial":
            outcomes: Any = (run_task(t) for t in todo)
        elif self.backend == "local":
            outcomes = self._local(todo)
        else:
            if self._backend is None:
                from sim.batch.backends import make_backend

                self._backend = make_backend(self.backend, self.workers, self.address)
            outcomes = (o for o in self._backend.run(iter(todo), run_task) if o is not None)
        buffer: list[Any] = []
        try:
            for o in outcomes:
                if not o.ok:
                    first = (o.error or "").strip().splitlines()[:1]
                    raise EvaluationError(
                        f"replication {o.rep} of candidate {o.scenario_hash} failed: "
                        f"{first[0] if first else 'no message'}")
                self._cache.setdefault(o.scenario_hash, {})[o.rep] = dict(o.kpis or {})
                self.spent.ran += 1
                self._used.add((o.scenario_hash, o.rep))
                buffer.append(o)
                if len(buffer) >= FLUSH_MAX:
                    self._flush(buffer, scenarios)
                    buffer = []
        finally:
            self._flush(buffer, scenarios)

    def _local(self, todo: list[Any]) -> Any:
        """The local backend's process pool, kept for the whole search: a search runs many
        small batches, and starting a pool for each (as a sweep's single batch does) would
        cost more than the replications. A pool that breaks is replaced, and the batch
        goes through the backend's own fault handling."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        from sim.batch.backends import LocalBackend
        from sim.batch.worker import run_task
        from sim.processes import hide_main_script

        if self._backend is None:
            self._backend = LocalBackend(self.workers)
        if self._pool is None:
            self._pool = self._backend._new_pool(self._backend.workers)
        futures: list[Any] = []
        try:
            with hide_main_script(run_task):
                futures = [self._pool.submit(run_task, t) for t in todo]
            for fut in as_completed(futures):
                yield fut.result()
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            done = {(h, r) for h, reps in self._cache.items() for r in reps}
            rest = [t for t in todo if (t.scenario_hash, t.rep) not in done]
            yield from (o for o in self._backend.run(iter(rest), run_task) if o is not None)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise

    def _flush(self, outcomes: list[Any], scenarios: dict[str, Scenario]) -> None:
        """Commit finished replications (each whole or not at all) and their scenarios."""
        if self._store is None or not outcomes:
            return
        self._store.record_many(outcomes)
        from sim.batch.store import _yaml_text

        for h in {o.scenario_hash for o in outcomes}:
            self._store.con.execute(
                "INSERT OR IGNORE INTO scenarios VALUES (?, ?)",
                [h, _yaml_text(scenarios[h])]).fetchall()
