"""What the planner app does on a click of "Start simulatie", for baseline.yaml x 30 replications.

- ``simulate``: the underlying call, ``webapp.engine.run_cached`` with an empty cache, i.e.
  ``sim.run_experiment(baseline, reps=30, workers=<cores>)`` on the local process pool (the
  pool is started inside each round, as in the app).
- ``simulate_one_worker``: the same in one process, also recording the CPU seconds used (a
  figure that other load on the machine hardly changes).
- ``present``: what the page computes from the result before it is on screen: the KPI summary
  and the five result charts (Altair specs), as ``webapp.page`` does.
- ``cached``: the same click again: served from the results cache.

The browser adds drawing on top of this: see tests/app/test_browser.py, which logs the time
from the click to the KPI cards and charts on screen. docs/app.md quotes both. Medians are
written to ``.benchmarks/app_summary.json`` (milliseconds).

Run with ``make bench`` (or ``pytest benchmarks/test_bench_app.py --benchmark-only``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.scenario.schema import load_scenario  # noqa: E402
from webapp import charts as ch  # noqa: E402
from webapp import engine  # noqa: E402

REPS = 30
SUMMARY = ROOT / ".benchmarks" / "app_summary.json"
_medians: dict[str, float] = {}


@pytest.fixture(scope="module")
def scenario() -> Any:
    return load_scenario(ROOT / "scenarios" / "baseline.yaml").model_copy(
        update={"replications": REPS})


def _record(benchmark: Any, name: str) -> None:
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        _medians[name] = round(float(stats.stats.median) * 1000, 2)
        SUMMARY.parent.mkdir(exist_ok=True)
        payload = {"reps": REPS, "cpu_count": os.cpu_count(),
                   "load_average_1min": round(os.getloadavg()[0], 2), "median_ms": _medians}
        SUMMARY.write_text(json.dumps(payload, indent=2) + "\n")


def test_bench_simulate_baseline_30_reps(benchmark: Any, scenario: Any) -> None:
    def click() -> Any:
        return engine.run_cached(scenario, cache=engine.ResultCache()).result

    result = benchmark.pedantic(click, rounds=5, iterations=1, warmup_rounds=1)
    assert len(result.replications) == REPS
    _record(benchmark, "simulate")


def test_bench_simulate_cpu_seconds(benchmark: Any, scenario: Any) -> None:
    """CPU seconds the 30 replications need in one process: unlike wall time, hardly affected
    by other work on the machine. On an idle 2-core machine the pool's wall time is about half
    of this plus the pool's start-up."""
    cpu: list[float] = []

    def one_worker() -> Any:
        start = time.process_time()
        out = engine.run_cached(scenario, cache=engine.ResultCache(), workers=1).result
        cpu.append(time.process_time() - start)
        return out

    result = benchmark.pedantic(one_worker, rounds=3, iterations=1)
    assert len(result.replications) == REPS
    _medians["simulate_cpu_one_worker"] = round(sorted(cpu)[len(cpu) // 2] * 1000, 2)
    _record(benchmark, "simulate_one_worker")


def test_bench_present_results(benchmark: Any, scenario: Any) -> None:
    result = engine.run_cached(scenario, cache=engine.ResultCache()).result

    def present() -> list[Any]:
        summary = result.summary
        charts = [builder(result, "nl") for _, builder in ch.SINGLE_CHARTS]
        return [summary, *[c.to_dict() for c in charts if c is not None]]

    out = benchmark.pedantic(present, rounds=5, iterations=1, warmup_rounds=1)
    assert len(out) == 1 + len(ch.SINGLE_CHARTS)
    _record(benchmark, "present")


def test_bench_cached_click(benchmark: Any, scenario: Any) -> None:
    cache = engine.ResultCache()
    engine.run_cached(scenario, cache=cache)
    outcome = benchmark(lambda: engine.run_cached(scenario, cache=cache))
    assert outcome.cached
    _record(benchmark, "cached")
