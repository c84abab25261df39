"""What the planner app does on a click of "Start simulatie", for baseline.yaml x 30 replications.

- ``simulate``: the underlying call, ``webapp.engine.run_cached`` with an empty cache, i.e.
  ``sim.run_experiment(baseline, reps=30, workers=<cores>)`` on the local process pool (the
  pool is started inside each round, as in the app).
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
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.scenario import load_scenario  # noqa: E402
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
