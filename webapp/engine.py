"""Running scenarios for the app: the public ``sim.running.runner.run_experiment`` and a results
cache.

The run itself goes through the one run path (``run_experiment`` on the local process pool,
started by a fork server since the app server has threads). ``ExperimentResult`` already keeps
its tables once built, so the cache holds results only: no second copy of their frames.

Results are cached by (scenario hash, replications, seed), the three things that decide the
numbers (``run_experiment`` is deterministic in them), so asking again for the same scenario is
instant. The cache lives for the whole server process and is shared by every browser session;
it keeps the most recently used entries only.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sim.scenario.schema import Scenario, scenario_hash

CacheKey = tuple[str, int, int]
Progress = Callable[[int, int], None]


def cache_key(scenario: Scenario, reps: int | None = None, seed: int | None = None) -> CacheKey:
    """(scenario hash, replications, seed); reps and seed default to the scenario's own."""
    return (
        scenario_hash(scenario),
        int(scenario.replications if reps is None else reps),
        int(scenario.seed if seed is None else seed),
    )


class ResultCache:
    """A small thread-safe LRU map from :data:`CacheKey` to experiment results."""

    def __init__(self, max_entries: int = 24) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[CacheKey, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> Any | None:
        """The cached result for ``key`` (marked as recently used), or None."""
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: CacheKey, value: Any) -> None:
        """Keep ``value``; the least recently used entries go beyond ``max_entries``."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._data.clear()


CACHE = ResultCache()


def default_workers(reps: int) -> int:
    """Worker processes for ``reps`` replications: one per core, never more than replications."""
    return max(1, min(os.cpu_count() or 1, reps))


@dataclass
class RunOutcome:
    """A result, how long it took to get, and whether it came from the cache."""

    result: Any
    seconds: float
    cached: bool
    key: CacheKey


def run_cached(
    scenario: Scenario,
    progress: Progress | None = None,
    workers: int | None = None,
    cache: ResultCache = CACHE,
    runner: Callable[..., Any] | None = None,
) -> RunOutcome:
    """Run ``scenario`` with its own replications and seed, or return the cached result."""
    key = cache_key(scenario)
    start = time.perf_counter()
    hit = cache.get(key)
    if hit is not None:
        if progress is not None:
            progress(key[1], key[1])
        return RunOutcome(hit, time.perf_counter() - start, True, key)
    if runner is None:
        from sim.running import runner as sim_runner

        runner = sim_runner.run_experiment  # the public API, looked up per call
    run = runner
    result = run(
        scenario,
        reps=key[1],
        seed=key[2],
        workers=workers if workers is not None else default_workers(key[1]),
        progress=progress,
    )
    cache.put(key, result)
    return RunOutcome(result, time.perf_counter() - start, False, key)
