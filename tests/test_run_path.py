"""The one run path: ``run_experiment`` on every backend gives the same numbers; results travel
compactly; workers parse each scenario once; checkpoints are keyed by the code version."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from sim import ReplicationError, make_stamp, run_experiment, run_replication
from sim.outputs.outcome import Outcome
from sim.outputs.stamp import code_version, package_version
from sim.running import tasks
from sim.running.backends import InProcessBackend, LocalBackend
from sim.running.checkpoint import Checkpoint
from sim.scenario.schema import Scenario, scenario_hash
from tests.conftest import edit


@pytest.fixture(scope="module")
def short(baseline) -> Scenario:
    return edit(baseline, {"horizon_weeks": 156})


def _same(a, b) -> None:
    for name in ("kpis", "weekly", "events", "little", "children"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.stamp == b.stamp


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_every_backend_gives_identical_results(short, method) -> None:
    here = run_experiment(short, reps=4, seed=7, backend=InProcessBackend())
    pool = LocalBackend(2, mp_context=method)
    try:
        _same(here, run_experiment(short, reps=4, seed=7, backend=pool))
    finally:
        pool.close()
    _same(here, run_experiment(short, reps=4, seed=7, workers=2, mp_context=method))


def test_dask_backend_gives_identical_results(short) -> None:
    pytest.importorskip("distributed")
    from sim.running.backends import DaskBackend

    here = run_experiment(short, reps=3, seed=7, detail=False)
    dask = DaskBackend(workers=1)
    try:
        _same(here, run_experiment(short, reps=3, seed=7, detail=False, backend=dask))
    finally:
        dask.close()


def test_a_replication_travels_without_dataframes(short) -> None:
    res = run_replication(short, 3, 0)
    blob = pickle.dumps(res)
    _ = res.weekly, res.events, res.children, res.little  # build (and cache) the frames
    assert len(pickle.dumps(res)) == len(blob), "cached frames were pickled"
    assert b"pandas" not in blob
    back = pickle.loads(blob)
    pd.testing.assert_frame_equal(back.weekly, res.weekly)
    pd.testing.assert_frame_equal(back.events, res.events)


def test_checkpoint_round_trip_is_exact_and_keyed_by_code_version(short, tmp_path,
                                                                  monkeypatch) -> None:
    res = run_replication(short, 3, 1)
    digest = scenario_hash(short)
    ck = Checkpoint(tmp_path, digest, 3, True)
    ck.save(res)
    back = ck.load(5)[1]
    assert back.kpis.keys() == res.kpis.keys()
    for k, v in res.kpis.items():  # exactly equal, NaN where NaN
        assert back.kpis[k] == v or (v != v and back.kpis[k] != back.kpis[k]), k
    pd.testing.assert_frame_equal(back.weekly, res.weekly)
    pd.testing.assert_frame_equal(back.children, res.children)
    pd.testing.assert_frame_equal(back.little, res.little)
    assert Checkpoint(tmp_path, digest, 4, True).load(5) == {}  # another seed
    assert Checkpoint(tmp_path, digest, 3, False).load(5) == {}  # another detail
    import sim.running.checkpoint as ckmod

    monkeypatch.setattr(ckmod, "code_version", lambda: "9.9.9+0123456789ab")
    assert Checkpoint(tmp_path, digest, 3, True).load(5) == {}  # changed model code


def test_a_worker_parses_each_scenario_once(short, monkeypatch) -> None:
    digest = scenario_hash(short)
    tasks._parsed.clear()
    calls: list[str] = []
    real = Scenario.model_validate_json

    def counting(text, *a, **k):
        calls.append(text)
        return real(text, *a, **k)

    monkeypatch.setattr(Scenario, "model_validate_json", staticmethod(counting))
    sent = [tasks.Task(short, digest, 1, rep) for rep in range(5)]
    received = [pickle.loads(pickle.dumps(t)) for t in sent]
    assert len(calls) == 1
    assert all(t.scenario is received[0].scenario for t in received)
    assert scenario_hash(received[0].scenario) == digest


def test_a_failing_replication_stops_the_experiment_with_its_error(short, monkeypatch) -> None:
    def failing(task: tasks.Task) -> Outcome:
        return Outcome(task.scenario_hash, task.seed, task.rep, error="ValueError: boom")

    monkeypatch.setattr(tasks, "run_task", failing)
    with pytest.raises(ReplicationError, match="boom"):
        run_experiment(short, reps=2, seed=1)


def test_the_stamp_and_version_come_from_one_place(short) -> None:
    import sim

    stamp = make_stamp(short, 5, 2)
    assert stamp["version"] == sim.__version__ == package_version()
    assert code_version() == f"{package_version()}+{stamp['model_fingerprint']}"


def test_run_each_is_replication_r_of_scenario_r_on_any_worker_count(baseline: Scenario) -> None:
    # each history is replication r of its own scenario: with all scenarios equal it is
    # exactly run_experiment's replication r, and two workers give the same as one
    from sim import run_each

    base = baseline.model_copy(update={"horizon_weeks": 104.0, "warmup_weeks": 13.0})
    other = base.model_copy(update={"horizon_weeks": 78.0})
    same = run_each([base, base, base], seed=4, workers=1)
    ref = run_experiment(base, reps=3, seed=4)
    for a, b in zip(same, ref.replications, strict=True):
        assert a.rep == b.rep and a.kpis == b.kpis
    mixed1 = run_each([base, other, base], seed=4, workers=1)
    mixed2 = run_each([base, other, base], seed=4, workers=2)
    assert [r.kpis for r in mixed1] == [r.kpis for r in mixed2]
    assert mixed1[0].kpis == same[0].kpis and mixed1[2].kpis == same[2].kpis
    assert mixed1[1].kpis != same[1].kpis  # its own scenario: a shorter horizon
    assert run_each([], seed=4) == []
