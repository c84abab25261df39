"""The one adapter between the staffing search and the sweep layer (store and backends).

Everything the search needs from ``sim.batch`` goes through :class:`Evaluator`: run
replications of a candidate scenario on the local pool, Dask or in this process, and cache
every replication in the DuckDB store keyed like sweeps, ``(scenario_hash, seed, rep)``, so a
repeated or refined search is almost free. Only replications computed by the same model code
(the store's ``sim_version``: package version and model fingerprint) are reused. When the
sweep layer changes (``Outcome`` moving to ``sim/outputs/outcome.py``, ``run_experiment`` on the
same backends), only this module needs adapting.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario.schema import Scenario

#: Finished replications are committed to the store in groups of at most this many.
FLUSH_MAX = 50


class EvaluationError(RuntimeError):
    """A replication that raised; ``str()`` names the candidate and the error."""


class Cancelled(Exception):  # noqa: N818 - a request, not an error
    """The planner cancelled the search (``Evaluator.stop`` was set); what finished is kept."""


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
    #: Called after each finished replication of a batch with (done, in the batch).
    on_rep: Callable[[int, int], None] | None = None
    #: Set (from another thread, e.g. the app's Cancel button) to stop between replications:
    #: :class:`Cancelled` is raised; finished replications stay in the cache and the store.
    stop: threading.Event = field(default_factory=threading.Event)
    spent: Spent = field(default_factory=Spent)
    _cache: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    _loaded: set[str] = field(default_factory=set)
    _used: set[tuple[str, int]] = field(default_factory=set)
    _store: Any = None
    _backend: Any = None
    _session: Any = None

    # ------------------------------------------------------------------ life cycle

    def open(self) -> Evaluator:
        if self.store is not None and self._store is None:
            from sim.batch.store import Store

            self._store = Store(self.store)
        return self

    def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            session.__exit__(None, None, None)
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

    def check(self) -> None:
        """Raise :class:`Cancelled` when the search was asked to stop."""
        if self.stop.is_set():
            raise Cancelled

    def backend_obj(self) -> Any:
        """The backend replications run on, inside its long-lived session."""
        if self._backend is None:
            from sim.batch.backends import make_backend

            kind = "inprocess" if self.backend == "serial" else self.backend
            self._backend = make_backend(kind, self.workers, self.address)
            # one pool for the whole search: it runs many small batches, and starting a
            # pool for each (as a sweep's single batch does) would cost more than them
            self._session = self._backend.session()
            self._session.__enter__()
        return self._backend

    def has(self, scenario_hash: str, reps: Sequence[int]) -> bool:
        """True when every replication in ``reps`` is in the cache or the store."""
        have = self._known(scenario_hash)
        return all(r in have for r in reps)

    def detailed(self, scenario: Scenario, reps: int) -> Any:
        """Replications 0..reps-1 of ``scenario`` with their event logs and children (an
        :class:`sim.running.runner.ExperimentResult`, through the one run path); their KPIs join the
        cache, so a candidate equal to ``scenario`` reuses them."""
        from sim.running.runner import run_experiment
        from sim.scenario.schema import scenario_hash

        self.check()

        def tick(done: int, total: int) -> None:
            if self.on_rep is not None:
                self.on_rep(done, total)
            self.check()

        res = run_experiment(scenario, reps=reps, seed=self.seed, detail=True,
                             backend=self.backend_obj(), progress=tick)
        from sim.batch.store import sim_version
        from sim.outputs.outcome import Outcome

        h = scenario_hash(scenario)
        have = self._known(h)
        fresh = []
        for r in res.replications:
            if r.rep not in have:
                have[r.rep] = dict(r.kpis)
                self.spent.ran += 1
                self._used.add((h, r.rep))
                fresh.append(Outcome(h, self.seed, r.rep, kpis=dict(r.kpis),
                                     sim_version=sim_version()))
        self._flush(fresh, {h: scenario})
        if self.on_progress is not None:
            self.on_progress(self.spent)
        return res

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

        self.check()
        if self.backend == "serial":
            outcomes: Any = (run_task(t) for t in todo)
        else:
            outcomes = (o for o in self.backend_obj().run(iter(todo), run_task)
                        if o is not None)
        buffer: list[Any] = []
        done = 0
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
                done += 1
                if self.on_rep is not None:
                    self.on_rep(done, len(todo))
                self.check()
        finally:
            outcomes.close()  # a backend generator cancels what is still in flight
            self._flush(buffer, scenarios)

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
