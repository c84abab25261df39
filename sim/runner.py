"""Running replications and experiments: the one entry point for the CLI, the app and sweeps.

A replication is fully determined by (scenario, seed, replication index): its random streams
are derived from exactly those, so the results are the same whether it runs here, in a worker
process or on a cluster.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__
from sim.fingerprint import model_fingerprint
from sim.kpi_defs import KPIS, KpiDef
from sim.kpis import CHILD_COLUMNS, WEEKLY_COLUMNS, children_table, compute_kpis, little_table
from sim.model import PnPModel
from sim.processes import hide_main_script
from sim.scenario import Scenario, scenario_hash
from sim.stats import summarise, summarise_rows

EVENT_COLUMNS = ("child", "week", "event", "phase", "detail")
Progress = Callable[[int, int], None]


@dataclass
class ReplicationResult:
    """Everything one replication produced."""

    rep: int
    seed: int
    kpis: dict[str, float]
    weekly: pd.DataFrame
    events: pd.DataFrame
    little: pd.DataFrame
    #: One row per referred child: profile, key moments and outcome (see CHILD_COLUMNS).
    children: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Number of SimPy events processed (for the speed benchmarks).
    sim_events: int = 0


def run_replication(
    scenario: Scenario, seed: int, rep: int, detail: bool = True
) -> ReplicationResult:
    """Simulate replication ``rep`` of ``scenario`` with base ``seed``.

    ``detail=False`` leaves out the event log and the weekly series (KPIs and the
    Little's-law table only), for large sweeps.
    """
    model = PnPModel(scenario, seed, rep, detail=detail).run()
    weekly = pd.DataFrame(model.weekly_rows() if detail else None, columns=list(WEEKLY_COLUMNS))
    events = pd.DataFrame(model.rec.events, columns=list(EVENT_COLUMNS))
    return ReplicationResult(
        rep=rep,
        seed=seed,
        kpis=compute_kpis(model),
        weekly=weekly,
        events=events,
        little=little_table(model),
        children=children_table(model) if detail else pd.DataFrame(columns=list(CHILD_COLUMNS)),
        sim_events=next(model.env._eid),
    )


def _run_one(args: tuple[dict[str, Any], int, int, bool]) -> ReplicationResult:
    data, seed, rep, detail = args
    return run_replication(Scenario.model_validate(data), seed, rep, detail)


@dataclass
class ExperimentResult:
    """The replications of one scenario, with summaries across them."""

    scenario: Scenario
    seed: int
    replications: list[ReplicationResult]
    stamp: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def kpis(self) -> pd.DataFrame:
        rows = [{"rep": r.rep, **r.kpis} for r in self.replications]
        return pd.DataFrame(rows, columns=["rep", *KPIS])

    @cached_property
    def summary(self) -> pd.DataFrame:
        table = self.kpis
        rows = []
        for name, d in KPIS.items():
            m, lo, hi, n = summarise(table[name].to_numpy(), d)
            rows.append({"kpi": name, "nl": d.nl, "en": d.en, "unit": d.unit, "mean": m,
                         "ci_low": lo, "ci_high": hi, "n": n})
        return pd.DataFrame(rows)

    def _concat(self, attr: str) -> pd.DataFrame:
        frames = [getattr(r, attr).assign(rep=r.rep) for r in self.replications]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @cached_property
    def weekly(self) -> pd.DataFrame:
        return self._concat("weekly")

    @cached_property
    def events(self) -> pd.DataFrame:
        return self._concat("events")

    @cached_property
    def little(self) -> pd.DataFrame:
        return self._concat("little")

    @cached_property
    def children(self) -> pd.DataFrame:
        return self._concat("children")

    def weekly_bands(self, column: str) -> pd.DataFrame:
        """Mean and 95% interval of a weekly column across replications, week by week."""
        wide = self.weekly.pivot(index="week", columns="rep", values=column)
        # every weekly column is a count or hours: never below zero
        mean, low, high = summarise_rows(wide.to_numpy(), KpiDef(column, "", "", ""))
        return pd.DataFrame({"week": wide.index.to_numpy(), "mean": mean, "ci_low": low,
                             "ci_high": high})


def make_stamp(scenario: Scenario, seed: int, reps: int) -> dict[str, Any]:
    """What every output carries, so a figure can always be traced to its inputs."""
    return {
        "scenario_hash": scenario_hash(scenario),
        "scenario_name": scenario.name,
        "seed": seed,
        "replications": reps,
        "version": __version__,
        "model_fingerprint": model_fingerprint(),
    }


def run_experiment(
    scenario: Scenario,
    reps: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    detail: bool = True,
    checkpoint: str | Path | None = None,
    mp_context: str | None = None,
) -> ExperimentResult:
    """Run replications 0..reps-1, on a local process pool when ``workers`` > 1.

    The results do not depend on ``workers``: each replication's streams come from
    (seed, replication index) alone, and results are put back in replication order.
    With ``checkpoint`` (a folder), each finished replication is saved there at once, and a
    later call with the same scenario, seed and detail picks up where an interrupted one
    stopped; the folder is removed when the experiment completes. ``mp_context`` picks the
    multiprocessing start method of the pool ("fork", "forkserver", "spawn"; default: the
    platform's); a multi-threaded caller such as a web server may prefer "forkserver".
    """
    reps = scenario.replications if reps is None else reps
    seed = scenario.seed if seed is None else seed
    if reps < 1:
        raise ValueError("reps must be at least 1")
    store = _Checkpoint(checkpoint, scenario, seed, detail) if checkpoint else None
    results = store.load(reps) if store else {}
    todo = [rep for rep in range(reps) if rep not in results]
    done = reps - len(todo)
    if progress and done:
        progress(done, reps)

    def finished(res: ReplicationResult) -> None:
        nonlocal done
        results[res.rep] = res
        if store:
            store.save(res)
        done += 1
        if progress:
            progress(done, reps)

    workers = max(1, min(workers, len(todo) or 1, os.cpu_count() or 1))
    if workers == 1:
        for rep in todo:
            finished(run_replication(scenario, seed, rep, detail))
    else:
        data = scenario.model_dump(mode="json", by_alias=True)
        context = multiprocessing.get_context(mp_context) if mp_context else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            with hide_main_script(_run_one):  # workers start here; they need only ``sim``
                futures = [pool.submit(_run_one, (data, seed, rep, detail)) for rep in todo]
            try:
                for fut in as_completed(futures):
                    finished(fut.result())
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
    if store:
        store.clear()
    ordered = [results[rep] for rep in range(reps)]
    return ExperimentResult(scenario, seed, ordered, make_stamp(scenario, seed, reps))


class _Checkpoint:
    """Finished replications of one (scenario, seed, detail), one file each, written atomically."""

    def __init__(self, root: str | Path, scenario: Scenario, seed: int, detail: bool):
        self.dir = Path(root) / f"{scenario_hash(scenario)}-s{seed}-{'d' if detail else 'k'}"
        self.version = __version__

    def load(self, reps: int) -> dict[int, ReplicationResult]:
        found: dict[int, ReplicationResult] = {}
        if not self.dir.is_dir():
            return found
        for path in self.dir.glob("rep-*.pkl"):
            try:
                with path.open("rb") as fh:
                    version, res = pickle.load(fh)
            except Exception:  # noqa: BLE001 - a damaged file is simply run again
                continue
            if version == self.version and isinstance(res, ReplicationResult) and res.rep < reps:
                found[res.rep] = res
        return found

    def save(self, res: ReplicationResult) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        final = self.dir / f"rep-{res.rep:05d}.pkl"
        tmp = final.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump((self.version, res), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, final)

    def clear(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.dir.parent.rmdir()


def compare_experiments(base: ExperimentResult, other: ExperimentResult) -> pd.DataFrame:
    """Paired differences (other - base) per KPI, over the replication indices both have.

    Under common random numbers replication i of both saw the same children and families,
    so the paired interval is much narrower than the difference of two separate intervals.
    """
    a = base.kpis.set_index("rep")
    b = other.kpis.set_index("rep")
    common = a.index.intersection(b.index)
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
