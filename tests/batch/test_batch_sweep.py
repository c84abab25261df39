"""Sweeps end to end with the real model: storing, resuming, backends, faults, scale."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import batch_faults
import pandas as pd
import pytest
from batch_helpers import write_spec

from sim.batch.backends import DaskBackend, LocalBackend
from sim.batch.spec import load_spec
from sim.batch.store import Store
from sim.batch.sweep import run_sweep
from sim.batch.worker import Task
from sim.outputs.kpi_defs import KPIS
from sim.running.runner import run_replication


@pytest.fixture
def small_spec(tmp_path: Path) -> Path:
    """The helpers' small spec (2 x 3 points, 3 replications) written to a file."""
    return write_spec(tmp_path)



@pytest.fixture(scope="module")
def dask2() -> Iterator[DaskBackend]:
    """One Dask LocalCluster of 2 worker processes for this module's tests. The scheduler
    gives up on a task after its second dead worker (default: the fourth), to keep the
    worker-death test short."""
    import dask
    import distributed  # noqa: F401 - its config defaults must be loaded before the set

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        backend = DaskBackend(workers=2)
    yield backend
    backend.close()


def _backend(kind: str, dask2: DaskBackend) -> Any:
    return dask2 if kind == "dask" else kind


def _kpis(store: Path, experiment: str = "test-sweep") -> pd.DataFrame:
    with Store(store, read_only=True) as st:
        return st.kpi_table(experiment)


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_exact=True, check_dtype=False)


def test_sweep_stores_every_replication_and_a_rerun_skips_them(small_spec: Path,
                                                               tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    loaded = load_spec(small_spec)
    first = run_sweep(loaded, store, backend="local", workers=2)
    assert first.complete and first.planned == 18 and first.succeeded == 18
    assert first.already_done == 0

    table = _kpis(store)
    assert len(table) == 18
    assert set(KPIS) <= set(table.columns)
    assert table.groupby("point").size().tolist() == [3] * 6

    # the stored numbers are exactly what run_replication gives for that point, seed and rep
    points = list(loaded.points())
    for point_index, rep in ((0, 0), (4, 2)):
        scenario = points[point_index].scenario
        assert scenario is not None
        direct = run_replication(scenario, 11, rep, detail=False).kpis
        row = table[(table.point == point_index) & (table.rep == rep)].iloc[0]
        for name, value in direct.items():
            stored = row[name]
            assert (math.isnan(value) and math.isnan(stored)) or stored == value, name

    again = run_sweep(loaded, store, backend="local", workers=2)
    assert again.already_done == 18 and again.ran == 0 and again.complete
    assert again.note is None

    # results of another model version are reused, but the user is told
    with Store(store) as st:
        st.con.execute("UPDATE replications SET sim_version = '0.0.1' WHERE rep = 0")
    third = run_sweep(loaded, store, backend="local", workers=2)
    assert third.ran == 0 and third.note is not None
    assert "6 by version 0.0.1" in third.note
    with Store(store, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM replications").fetchone() == (18,)
        assert st.con.execute("SELECT count(*) FROM kpis").fetchone() == (18 * len(KPIS),)


def test_more_replications_run_only_the_new_ones(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    run_sweep(load_spec(write_spec(tmp_path, replications=2)), store, workers=1)
    before = _kpis(store)
    more = run_sweep(load_spec(write_spec(tmp_path, replications=4)), store, workers=1)
    assert more.already_done == 12 and more.ran == 12 and more.complete
    after = _kpis(store)
    assert len(after) == 24
    # the first two replications are untouched (and are what a fresh run would give)
    _assert_same(after[after.rep < 2].reset_index(drop=True), before)


def test_identical_results_whatever_the_backend_and_worker_count(
        small_spec: Path, tmp_path: Path, dask2: DaskBackend) -> None:
    loaded = load_spec(small_spec)
    tables = []
    for i, (backend, workers) in enumerate([("local", 1), ("local", 2), ("dask", 2)]):
        store = tmp_path / f"{i}.duckdb"
        summary = run_sweep(loaded, store, backend=_backend(backend, dask2), workers=workers)
        assert summary.complete and summary.backend == backend and summary.workers == workers
        tables.append(_kpis(store))
    _assert_same(tables[0], tables[1])
    _assert_same(tables[0], tables[2])
    # not trivially equal: the points really differ from each other
    assert tables[0]["referrals_per_year"].nunique() > 1


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_a_raising_point_is_recorded_and_retried_on_rerun(small_spec: Path, tmp_path: Path,
                                                          backend: str,
                                                          dask2: DaskBackend) -> None:
    store = tmp_path / "s.duckdb"
    loaded = load_spec(small_spec)
    # test-only hook: the points with 30 P&P hours raise inside the worker (on Dask, inside
    # a task that holds several replications of the point: each is then retried on its own)
    summary = run_sweep(loaded, store, backend=_backend(backend, dask2), workers=2,
                        task_fn=batch_faults.raise_on_marked)
    assert not summary.complete
    assert summary.succeeded == 9 and len(summary.failed) == 9
    assert {f.params["pnp_hours"] for f in summary.failed} == {30}
    assert all("ValueError: test fault" in f.error for f in summary.failed)
    assert "9 failed replication(s)" in summary.text()
    with Store(store, read_only=True) as st:
        failures = st.failures("test-sweep")
        assert len(failures) == 9 and set(failures.pnp_hours) == {30}
        assert failures.error.str.contains("ValueError: test fault").all()
        points = st.points("test-sweep")
        assert points.set_index("pnp_hours").failed.groupby(level=0).sum().to_dict() == \
            {19: 0, 30: 9}

    # the rerun (with the real task) retries exactly the failed replications
    rerun = run_sweep(loaded, store, workers=2)
    assert rerun.already_done == 9 and rerun.ran == 9 and rerun.complete
    with Store(store, read_only=True) as st:
        assert st.failures("test-sweep").empty
        assert st.con.execute("SELECT count(*) FROM failures").fetchone() == (0,)
    reference = tmp_path / "ref.duckdb"
    run_sweep(loaded, reference, workers=2)
    _assert_same(_kpis(store), _kpis(reference))


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_a_worker_that_dies_is_recorded_and_the_sweep_goes_on(small_spec: Path, tmp_path: Path,
                                                              backend: str,
                                                              dask2: DaskBackend) -> None:
    store = tmp_path / "s.duckdb"
    loaded = load_spec(small_spec)
    be: Any = LocalBackend(workers=2) if backend == "local" else dask2
    try:
        summary = run_sweep(loaded, store, backend=be, task_fn=batch_faults.die_on_marked_rep)
    finally:
        if backend == "local":
            be.close()
    # replication 1 of the point (30 h, 8 referrals) killed its worker; everything else ran
    assert [(f.params["pnp_hours"], f.params["referrals"], f.rep)
            for f in summary.failed] == [(30, 8, 1)]
    assert "worker process died" in summary.failed[0].error
    assert summary.succeeded == 17
    with Store(store, read_only=True) as st:
        assert "worker process died" in st.failures("test-sweep").error.iloc[0]
    rerun = run_sweep(loaded, store, workers=2)
    assert rerun.ran == 1 and rerun.complete
    assert len(_kpis(store)) == 18


def test_invalid_combinations_are_listed_and_the_rest_runs(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, set={"warmup_weeks": 10, "horizon_weeks": 104},
                      parameters=[{"path": "warmup_weeks", "values": [10, 60]},
                                  {"path": "horizon_weeks", "values": [52, 104]}],
                      replications=2)
    store = tmp_path / "s.duckdb"
    summary = run_sweep(load_spec(spec), store, workers=1)
    assert [(f.params["warmup_weeks"], f.params["horizon_weeks"])
            for f in summary.invalid_points] == [(60, 52)]
    assert summary.succeeded == 6 and not summary.complete
    assert "refuses" in summary.text()
    with Store(store, read_only=True) as st:
        listed = st.experiments().iloc[0]
        assert listed.invalid_points == 1 and listed.replications_done == 6
        error = st.failures("test-sweep").error.iloc[0]
        assert "warmup_weeks" in error and "shorter" in error


def test_weekly_series_are_stored_when_asked(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, store_weekly=True, replications=2)
    store = tmp_path / "s.duckdb"
    loaded = load_spec(spec)
    assert run_sweep(loaded, store, workers=2).complete
    with Store(store, read_only=True) as st:
        weekly = st.weekly_table("test-sweep")
    point = next(iter(loaded.points()))
    assert point.scenario is not None
    direct = run_replication(point.scenario, 11, 1, detail=True).weekly
    got = weekly[(weekly.point == 0) & (weekly.rep == 1)].drop(
        columns=["point", "pnp_hours", "referrals", "rep"]).reset_index(drop=True)
    assert len(got) == len(direct) > 50
    pd.testing.assert_frame_equal(got[list(direct.columns)], direct, check_dtype=False)


def test_a_thousand_point_sweep_runs(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, replications=1, set={"horizon_weeks": 4, "warmup_weeks": 0},
                      parameters=[
                          {"path": "staff.pnp_counsellor.schedule.0.hours", "name": "a",
                           "range": {"start": 10, "stop": 19, "step": 1}},
                          {"path": "staff.parent_counsellor.schedule.0.hours", "name": "b",
                           "range": {"start": 5, "stop": 14, "step": 1}},
                          {"path": "referrals.schedule.0.per_year", "name": "c",
                           "range": {"start": 5, "stop": 14, "step": 1}},
                      ])
    loaded = load_spec(spec)
    assert loaded.n_points() == 1000
    store = tmp_path / "big.duckdb"
    summary = run_sweep(loaded, store, workers=2)
    assert summary.complete and summary.points == 1000 and summary.succeeded == 1000
    with Store(store, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM points").fetchone() == (1000,)
        assert st.con.execute("SELECT count(DISTINCT scenario_hash) FROM replications"
                              ).fetchone() == (1000,)
        assert st.con.execute("SELECT count(*) FROM scenarios").fetchone() == (1000,)
        assert st.experiments().iloc[0].replications_done == 1000


def test_the_backend_streams_with_few_tasks_in_flight(small_spec: Path) -> None:
    """Tasks are pulled from the sweep only as workers free up: memory does not grow with
    the size of the sweep."""
    loaded = load_spec(small_spec)
    pulled = 0

    def tasks():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for point in loaded.points():
            assert point.scenario is not None
            for rep in range(3):
                pulled += 1
                yield Task(point.scenario, point.scenario_hash, 11, rep)

    be = LocalBackend(workers=2, max_in_flight=3)
    got = 0
    try:
        for outcome in be.run(tasks(), batch_faults.run_task):
            if outcome is None:
                continue
            got += 1
            assert outcome.ok
            assert pulled - got <= 3
    finally:
        be.close()
    assert got == pulled == 18


def test_workers_do_not_rerun_the_parent_main_script(small_spec: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside Streamlit, ``__main__`` is the app page; worker processes must not run it."""
    import sys
    import types

    marker = tmp_path / "main_ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n", encoding="utf-8")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    summary = run_sweep(load_spec(small_spec), tmp_path / "s.duckdb", workers=2)
    assert summary.complete and summary.succeeded == 18
    assert not marker.exists()
