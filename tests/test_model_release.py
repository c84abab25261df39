"""A replication frees its model by reference counting (issue 16): no cyclic garbage is left
for the collector, which is paused during the run and resumed after it."""

from __future__ import annotations

import gc

import pytest

from sim import run_replication
from tests.conftest import edit


@pytest.fixture
def no_collector():
    """The collector off and empty, so ``gc.collect()`` counts only this test's garbage."""
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was:
        gc.enable()


@pytest.mark.parametrize("detail", [False, True])
def test_replication_leaves_almost_no_cyclic_garbage(baseline, no_collector, detail) -> None:
    scen = edit(baseline, {"horizon_weeks": 260,
                           "withdrawal.waiting_family_per_year": 1.0})
    run_replication(scen, 3, 1, detail=detail)  # first-use imports leave garbage of their own
    gc.collect()
    res = run_replication(scen, 3, 0, detail=detail)
    assert res.kpis["referrals_per_year"] > 0
    # before the model was released, thousands of objects per replication were left
    # in cycles (children and their jobs, waiting processes, the pools' callbacks); what
    # remains is the SimPy environment and the processes alive at the horizon
    assert gc.collect() < 200


def test_collector_is_resumed_after_a_replication(baseline) -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        run_replication(edit(baseline, {"horizon_weeks": 156}), 1, 0, detail=False)
        assert gc.isenabled()
        gc.disable()  # left off when the caller had it off
        run_replication(edit(baseline, {"horizon_weeks": 156}), 1, 0, detail=False)
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def test_collector_is_resumed_when_a_replication_fails(baseline, monkeypatch) -> None:
    from sim.model import PnPModel

    def broken(self):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(PnPModel, "run", broken)
    was = gc.isenabled()
    gc.enable()
    try:
        with pytest.raises(RuntimeError, match="on purpose"):
            run_replication(baseline, 1, 0, detail=False)
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()
