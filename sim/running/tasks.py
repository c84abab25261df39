"""Tasks: what runs on a worker (in-process, a local process or a Dask worker): one replication.

A task carries its scenario, so a worker needs nothing but the ``sim`` package. On the wire a
scenario is its JSON text (serialised once per scenario hash on the sending side), and a worker
parses each scenario hash once and keeps the parsed scenario for the next replications of the
same point. The seed is the run's seed and the replication index, nothing else, so the numbers
do not depend on which worker runs the task or in what order.
"""

from __future__ import annotations

import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sim.outputs.outcome import Outcome, describe_worker
from sim.outputs.stamp import code_version
from sim.scenario.schema import Scenario

#: Scenarios kept per process, by hash (parsed on a worker, serialised on the sender).
CACHE_SIZE = 64
_parsed: OrderedDict[str, Scenario] = OrderedDict()
_wire: OrderedDict[str, str] = OrderedDict()


def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > CACHE_SIZE:
        cache.popitem(last=False)


def _scenario_text(scenario: Scenario, digest: str) -> str:
    text = _wire.get(digest)
    if text is None:
        text = scenario.model_dump_json(by_alias=True)
        _remember(_wire, digest, text)
    return text


def scenario_from_wire(digest: str, text: str) -> Scenario:
    """The scenario of hash ``digest``: parsed once per process, then reused."""
    found = _parsed.get(digest)
    if found is None:
        found = Scenario.model_validate_json(text)
        _remember(_parsed, digest, found)
    else:
        _parsed.move_to_end(digest)
    return found


def _rebuild(digest: str, text: str, seed: int, rep: int, weekly: bool, point: int) -> Task:
    return Task(scenario_from_wire(digest, text), digest, seed, rep, weekly, point)


@dataclass(frozen=True)
class Task:
    """One replication of one scenario point."""

    scenario: Scenario
    scenario_hash: str
    seed: int
    rep: int
    #: Keep the detail: the weekly series (``store_weekly`` in a spec), events and children.
    weekly: bool = False
    #: Point index, for messages only.
    point: int = -1

    def __reduce__(self) -> tuple[Any, ...]:
        text = _scenario_text(self.scenario, self.scenario_hash)
        return (_rebuild, (self.scenario_hash, text, self.seed, self.rep, self.weekly,
                           self.point))


TaskFn = Callable[[Task], Outcome]


class Planned:
    """Tasks with their number known in advance (``total``), so a backend can size its chunks
    to end the run evenly on every worker. Iterates like the iterable it wraps."""

    def __init__(self, tasks: Iterable[Task], total: int):
        self._tasks = tasks
        self.total = total

    def __iter__(self) -> Iterator[Task]:
        return iter(self._tasks)


def format_error(exc: BaseException) -> str:
    """One line saying what went wrong, then where (the innermost frames), for the store."""
    head = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = "".join(traceback.format_list(frames)).rstrip()
    return f"{head}\n{where}" if where else head


def run_task(task: Task) -> Outcome:
    """Run one replication and return its KPIs and compact result, or the error it raised
    (never raises)."""
    from sim.running import replication

    start = time.perf_counter()
    try:
        result = replication.run_replication(task.scenario, task.seed, task.rep,
                                             detail=task.weekly)
    except Exception as exc:  # noqa: BLE001 - recorded against the point, the run goes on
        return Outcome(task.scenario_hash, task.seed, task.rep, error=format_error(exc),
                       elapsed_s=time.perf_counter() - start, worker=describe_worker(),
                       sim_version=code_version())
    return Outcome(task.scenario_hash, task.seed, task.rep, kpis=result.kpis,
                   elapsed_s=time.perf_counter() - start, worker=describe_worker(),
                   sim_version=code_version(), result=result)
