"""Sweep throughput (replications per second) and the cost of the store and scheduling.

What is timed, for the same 96 replications (8 points of the example staffing sweep, 12
replications each, ten-year horizon, KPIs only):

- ``bare``: ``run_replication(..., detail=False)`` called in a loop in this process; no store.
- ``local-1`` / ``local-2``: ``run_sweep`` on the local process pool with 1 and 2 workers,
  into a fresh DuckDB store each round (expansion, registration, scheduling, transfer, commits:
  everything a user's sweep does).
- ``dask-1`` / ``dask-2``: the same on a Dask LocalCluster of 1 and 2 single-threaded workers.

Worker start-up is left out of the timed rounds (the pool's fork server and the Dask cluster
are started and warmed first): it is paid once per sweep, not per replication. The summary
printed at the end (and written to ``.benchmarks/sweep_summary.json``) gives the overhead of
``local-1`` over ``bare``, the CPU time the sweep's own process spends per replication (store,
scheduling, transfer; it runs beside the workers), and the speed-up of 2 workers over 1;
docs/batch.md quotes it. Each figure is the best of ``ROUNDS`` rounds, which filters out
other load on the machine but not a machine that is busy throughout.

Run with ``make bench`` (or ``pytest benchmarks --benchmark-only``).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.batch.backends import DaskBackend, LocalBackend
from sim.batch.spec import LoadedSpec, load_spec
from sim.batch.sweep import run_sweep
from sim.runner import run_replication

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "scenarios" / "sweeps" / "staffing.yaml"
POINTS = 8
REPS = 12
N = POINTS * REPS
ROUNDS = 3

RESULTS: dict[str, float] = {}
#: CPU seconds the sweep's own process spends per replication (store, scheduling, transfer).
DRIVER_CPU: dict[str, float] = {}
_counter = itertools.count()


def _spec(tmp: Path, reps: int = REPS) -> LoadedSpec:
    """The example staffing sweep, cut to POINTS points and ``reps`` replications."""
    import yaml

    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    data["base"] = str((SPEC.parent / data["base"]).resolve())
    data["replications"] = reps
    # 2 x 4 x 1 = 8 points: P&P hours 19 and 24, all parent hours, 12 referrals a year
    data["parameters"][0]["values"] = data["parameters"][0]["values"][:2]
    data["parameters"][2]["values"] = [12]
    path = tmp / f"bench_spec_{reps}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    loaded = load_spec(path)
    assert loaded.n_points() == POINTS
    return loaded


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> LoadedSpec:
    return _spec(tmp_path_factory.mktemp("bench_spec"))


@pytest.fixture(scope="module")
def warm_spec(tmp_path_factory: pytest.TempPathFactory) -> LoadedSpec:
    return _spec(tmp_path_factory.mktemp("bench_warm"), reps=2)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("bench_stores")


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    if not RESULTS:
        return
    lines = [f"sweep benchmark: {N} replications ({POINTS} points x {REPS}), "
             f"{os.cpu_count()} CPU cores"]
    for name, rps in RESULTS.items():
        cpu = DRIVER_CPU.get(name)
        extra = f"   sweep process CPU {1000 * cpu:.1f} ms/replication" if cpu else ""
        lines.append(f"  {name:<8} {rps:7.2f} replications/s{extra}")
    summary: dict[str, Any] = {"replications": N, "cpus": os.cpu_count(),
                               "replications_per_s": dict(RESULTS),
                               "sweep_process_cpu_s_per_replication": dict(DRIVER_CPU)}
    if "bare" in RESULTS and "local-1" in RESULTS:
        overhead = RESULTS["bare"] / RESULTS["local-1"] - 1
        summary["overhead_local_1_vs_bare"] = overhead
        lines.append(f"  store + scheduling overhead (local-1 vs bare): {overhead:+.1%}")
        if "local-1" in DRIVER_CPU:
            share = DRIVER_CPU["local-1"] * RESULTS["bare"]
            summary["sweep_process_cpu_share_of_bare"] = share
            lines.append(f"  sweep process CPU per replication: {share:.1%} of a bare "
                         "replication")
    for kind in ("local", "dask"):
        if f"{kind}-1" in RESULTS and f"{kind}-2" in RESULTS:
            speedup = RESULTS[f"{kind}-2"] / RESULTS[f"{kind}-1"]
            summary[f"speedup_{kind}_2_vs_1"] = speedup
            lines.append(f"  {kind}: 2 workers give {speedup:.2f}x the throughput of 1")
    out = ROOT / ".benchmarks"
    out.mkdir(exist_ok=True)
    (out / "sweep_summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print("\n" + "\n".join(lines), file=sys.__stderr__)


def _record(name: str, benchmark: Any) -> None:
    best = float(benchmark.stats.stats.min)
    RESULTS[name] = N / best
    benchmark.extra_info["replications"] = N
    benchmark.extra_info["replications_per_s"] = round(N / best, 2)


def test_bare_replications(benchmark: Any, loaded: LoadedSpec) -> None:
    points = [p.scenario for p in loaded.points()]
    seed = loaded.spec.seed

    def bare() -> int:
        n = 0
        for scenario in points:
            assert scenario is not None
            for rep in range(REPS):
                run_replication(scenario, seed, rep, detail=False)
                n += 1
        return n

    assert benchmark.pedantic(bare, rounds=ROUNDS, iterations=1, warmup_rounds=0) == N
    _record("bare", benchmark)


def _bench_sweep(benchmark: Any, loaded: LoadedSpec, warm_spec: LoadedSpec, stores: Path,
                 backend: Any, name: str) -> None:
    # start and warm the workers (imports) outside the timed rounds
    assert run_sweep(warm_spec, stores / f"warm-{name}.duckdb", backend=backend).complete
    cpu: list[float] = []

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (stores / f"{name}-{next(_counter)}.duckdb",), {}

    def sweep(store: Path) -> int:
        start = time.process_time()
        summary = run_sweep(loaded, store, backend=backend)
        cpu.append(time.process_time() - start)
        assert summary.complete
        return summary.succeeded

    assert benchmark.pedantic(sweep, setup=setup, rounds=ROUNDS, iterations=1) == N
    _record(name, benchmark)
    DRIVER_CPU[name] = min(cpu) / N
    benchmark.extra_info["sweep_process_cpu_ms_per_replication"] = round(1000 * min(cpu) / N, 2)


@pytest.mark.parametrize("workers", [1, 2])
def test_local_pool(benchmark: Any, loaded: LoadedSpec, warm_spec: LoadedSpec, stores: Path,
                    workers: int) -> None:
    backend = LocalBackend(workers=workers)
    try:
        _bench_sweep(benchmark, loaded, warm_spec, stores, backend, f"local-{workers}")
    finally:
        backend.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_dask_local_cluster(benchmark: Any, loaded: LoadedSpec, warm_spec: LoadedSpec,
                            stores: Path, workers: int) -> None:
    start = time.perf_counter()
    backend = DaskBackend(workers=workers)
    benchmark.extra_info["cluster_start_s"] = round(time.perf_counter() - start, 2)
    try:
        _bench_sweep(benchmark, loaded, warm_spec, stores, backend, f"dask-{workers}")
    finally:
        backend.close()
