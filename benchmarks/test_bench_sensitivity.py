"""Speed of the sensitivity analyses on the baseline, with the number of model runs each needs.

- ``oneway``: the tornado of ``baseline.yaml``: every uncertain group at its low and its high
  value plus the base, 20 replications each, on the local pool with 2 workers, into a fresh
  store. Target: under 2 minutes on 2 cores.
- ``morris``: Morris screening of every uncertain group, 10 trajectories x 3 replications per
  point. Target: under 10 minutes on 2 cores.
- ``emulator``: Sobol indices of 4 groups through the Gaussian-process emulator (64 points x 3
  replications), beside what direct Sobol with 64 base rows would need.

Each is run once (``pedantic``, one round): these are minutes, not milliseconds. The run
counts and times are in each benchmark's ``extra_info``. Run with ``make bench``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.scenario.schema import load_scenario
from sim.scenario.sources import load_sources
from sim.sensitivity.model_sa import RunLog, morris, sobol_emulated
from sim.sensitivity.oneway import DEFAULT_KPIS, one_way
from sim.sensitivity.params import uncertain_groups

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
WORKERS = 2


@pytest.fixture(scope="module")
def baseline():  # type: ignore[no-untyped-def]
    scen = load_scenario(BASELINE)
    return scen, uncertain_groups(scen, load_sources(BASELINE))


def _load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists(
        "/proc/loadavg") else "?"


def test_bench_oneway_tornado(benchmark, baseline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scen, groups = baseline
    res = benchmark.pedantic(
        lambda: one_way(scen, groups, DEFAULT_KPIS, reps=20, workers=WORKERS,
                        store=str(tmp_path / "oneway.duckdb")), rounds=1, iterations=1)
    benchmark.extra_info.update({"groups": len(groups), "runs": res.runs,
                                 "seconds": res.elapsed_s, "load": _load()})
    assert res.runs == (2 * len(groups) + 1) * 20 and res.ran == res.runs


def test_bench_morris_screening(benchmark, baseline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scen, groups = baseline
    log = RunLog()
    m = benchmark.pedantic(
        lambda: morris(scen, groups, DEFAULT_KPIS, trajectories=10, reps=3, log=log,
                       workers=WORKERS, store=str(tmp_path / "morris.duckdb")),
        rounds=1, iterations=1)
    benchmark.extra_info.update({"groups": len(groups), "runs": log.runs,
                                 "seconds": log.elapsed_s, "load": _load(),
                                 "top": [m.names[j] for j in m.ranking(0)[:5]]})
    assert log.runs == 10 * (len(groups) + 1) * 3


def test_bench_emulator_sobol(benchmark, baseline, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scen, groups = baseline
    top = [g for g in groups if g.name in ("referrals.schedule.0.per_year",
                                           "phases.guidance.duration",
                                           "families.interested_per_year",
                                           "phases.assessment.duration")]
    log = RunLog()
    res = benchmark.pedantic(
        lambda: sobol_emulated(scen, top, ["wait_assessment_mean"], n_train=64, reps=3,
                               log=log, workers=WORKERS, store=str(tmp_path / "emu.duckdb")),
        rounds=1, iterations=1)
    direct = 64 * (len(top) + 2) * 3
    benchmark.extra_info.update({"runs": log.runs, "direct_sobol_runs": direct,
                                 "seconds": log.elapsed_s, "load": _load(),
                                 "loo": float(res.emulator_loo[0])})  # type: ignore[index]
    assert log.runs == 64 * 3 < direct


def test_bench_two_level_intervals(benchmark) -> None:  # type: ignore[no-untyped-def]
    """The analysis alone (no model): Sobol on G (6 inputs, 512 base rows x 3 replications,
    half the noise shared), 500 row resamples plus the replication jackknife and the
    hierarchical noise-share interval. What the two-level intervals add to a run is this."""
    import numpy as np

    from sim.sensitivity.engine import Problem, g_function, sobol_indices

    g_a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0]
    problem = Problem([f"x{i}" for i in range(6)], [(0.0, 1.0)] * 6)
    rng = np.random.default_rng(0)

    def ev(x: np.ndarray, r: int) -> np.ndarray:
        return (g_function(x, g_a)[:, None] + rng.normal(0, 0.2, r)[None, :]
                + rng.normal(0, 0.2, (len(x), r)))

    res = benchmark.pedantic(lambda: sobol_indices(problem, ev, n_base=512, reps=3,
                                                   n_boot=500), rounds=3, iterations=1)
    benchmark.extra_info.update({"evaluations": res.evaluations,
                                 "noise_share_width": float(res.noise_share_high[0]
                                                            - res.noise_share_low[0])})
