"""Speed of the model (``make bench``): one replication, 30 replications, 10x scale, and a bare
SimPy timeout loop in the same run as the yardstick for events per second.

Figures go in the README; nothing here asserts a time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import simpy

from sim import load_scenario, run_experiment, run_replication
from sim.scenario.domain import ROLES
from sim.scenario.schema import Scenario, parse_scenario, scenario_to_dict

ROOT = Path(__file__).resolve().parents[1]
BASELINE = load_scenario(ROOT / "scenarios" / "baseline.yaml")


def scaled(scenario: Scenario, factor: float) -> Scenario:
    """The same programme with ``factor`` times the referrals, staff and family supply."""
    data = scenario_to_dict(scenario)
    for step in data["referrals"]["schedule"]:
        step["per_year"] *= factor
    for r in ROLES:
        for step in data["staff"][r]["schedule"]:
            step["hours"] *= factor
    data["families"]["interested_per_year"] *= factor
    data["start_state"]["families_in_pool"] = int(data["start_state"]["families_in_pool"] * factor)
    for layers in data["phases"]["sensibiliseren"]["hours"].values():
        for layer in layers:
            layers[layer] *= factor
    return parse_scenario(data, f"<baseline x{factor:g}>")


def _bare_loop(n_events: int) -> None:
    env = simpy.Environment()

    def ticker(env: simpy.Environment):
        for _ in range(n_events):
            yield env.timeout(1)

    env.process(ticker(env))
    env.run()


def _events_per_second(fn, *args) -> float:
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        n = fn(*args)
        best = max(best, n / (time.perf_counter() - start))
    return best


def test_bare_simpy_loop(benchmark) -> None:
    benchmark(_bare_loop, 10_000)
    benchmark.extra_info["events_per_second"] = _events_per_second(
        lambda n: (_bare_loop(n), n)[1], 10_000)


def test_one_baseline_replication(benchmark) -> None:
    res = benchmark(run_replication, BASELINE, 1, 0)
    rate = _events_per_second(lambda: run_replication(BASELINE, 1, 0).sim_events)
    bare = _events_per_second(lambda n: (_bare_loop(n), n)[1], 10_000)
    benchmark.extra_info.update(
        sim_events=res.sim_events,
        events_per_second=rate,
        share_of_bare_loop=rate / bare,
    )


def test_thirty_replications(benchmark) -> None:
    benchmark.pedantic(run_experiment, args=(BASELINE,), kwargs={"reps": 30, "seed": 1,
                                                               "workers": 2},
                       rounds=3, iterations=1)


@pytest.mark.parametrize("factor", [1, 2, 5, 10])
def test_scaled_replication(benchmark, factor: int) -> None:
    scen = scaled(BASELINE, factor)
    res = benchmark.pedantic(run_replication, args=(scen, 1, 0), kwargs={"detail": False},
                             rounds=3, iterations=1)
    benchmark.extra_info.update(children=int(res.kpis["referrals_per_year"] * 9),
                                sim_events=res.sim_events)


def _with_policy(scenario: Scenario, policy: str) -> Scenario:
    data = scenario_to_dict(scenario)
    data["policy"] = policy
    return parse_scenario(data, f"<{scenario.name} {policy}>")


def test_scaling_of_both_policies(benchmark) -> None:
    """Cost of 20x the baseline (referrals, staff, families) against 1x, per service policy,
    timed in turns within one run (issue 7: ``share`` at most 25x, linear like ``waitlist``)."""
    import os

    cases = {(pol, f): _with_policy(scaled(BASELINE, f), pol)
             for pol in ("waitlist", "share") for f in (1, 20)}
    best: dict[tuple[str, int], float] = {}

    def one_round() -> None:
        for key, scen in cases.items():
            start = time.process_time()
            run_replication(scen, 1, 0, detail=False)
            best[key] = min(best.get(key, float("inf")), time.process_time() - start)

    load = os.getloadavg()[0]
    benchmark.pedantic(one_round, rounds=2, iterations=1)
    ratios = {pol: best[(pol, 20)] / best[(pol, 1)] for pol in ("waitlist", "share")}
    benchmark.extra_info.update({f"{p}_20x_over_1x": r for p, r in ratios.items()})
    benchmark.extra_info["loadavg_1min"] = load
    print(f"\n20x / 1x cost: {ratios} (load average {load:.1f})")


# The import share of a 30-replication run: benchmarks/test_bench_imports.py.

#: The model before issue 16 (the figures of the README's issue-16 table are against it).
BEFORE_ISSUE_16 = "3ac488a"


def test_before_and_after_issue_16(benchmark) -> None:
    """The M/M/3 share of bare SimPy and a baseline replication's CPU, this tree against the
    model before issue 16, in turns in one process (``benchmarks/before_after.py``)."""
    import subprocess

    from benchmarks.before_after import compare

    try:
        subprocess.run(["git", "cat-file", "-e", BEFORE_ISSUE_16], cwd=ROOT, check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"needs the git history (commit {BEFORE_ISSUE_16})")
    out: dict = {}
    benchmark.pedantic(lambda: out.update(compare(BEFORE_ISSUE_16, rounds=6)), rounds=1,
                       iterations=1)
    benchmark.extra_info.update(out)
    print("\nissue 16, before and now:", out)
