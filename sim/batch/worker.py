"""What runs on a worker (a local process or a Dask worker): one replication of one point.

The task carries the full scenario, so a worker needs nothing but the ``sim`` package. The
seed is the spec's seed and the replication index, nothing else, so the numbers do not depend
on which worker runs the task or in what order.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from sim.batch.store import Outcome, describe_worker, sim_version
from sim.scenario import Scenario


@dataclass(frozen=True)
class Task:
    scenario: Scenario
    scenario_hash: str
    seed: int
    rep: int
    #: Keep the weekly series (``store_weekly`` in the spec).
    weekly: bool = False
    #: Point index, for messages only.
    point: int = -1


TaskFn = Callable[[Task], Outcome]


def format_error(exc: BaseException) -> str:
    """One line saying what went wrong, then where (the innermost frames), for the store."""
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = "".join(traceback.format_list(frames)).rstrip()
    return f"{head}\n{where}" if where else head


def run_task(task: Task) -> Outcome:
    """Run one replication and return its KPIs, or the error it raised (never raises)."""
    from sim.runner import run_replication

    start = time.perf_counter()
    try:
        result = run_replication(task.scenario, task.seed, task.rep, detail=task.weekly)
        kpis = {str(k): float(v) for k, v in result.kpis.items()}
        weekly = result.weekly if task.weekly else None
    except Exception as exc:  # noqa: BLE001 - recorded against the point, the sweep goes on
        return Outcome(task.scenario_hash, task.seed, task.rep, error=format_error(exc),
                       elapsed_s=time.perf_counter() - start, worker=describe_worker(),
                       sim_version=sim_version())
    return Outcome(task.scenario_hash, task.seed, task.rep, kpis=kpis, weekly=weekly,
                   elapsed_s=time.perf_counter() - start, worker=describe_worker(),
                   sim_version=sim_version())
