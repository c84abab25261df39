"""Property-based test: random valid scenarios keep every invariant of the model."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import run_replication
from sim.model.recorder import STATES
from sim.model.staff import StaffPool
from sim.scenario.domain import ROLES
from sim.scenario.schema import load_scenario
from tests.conftest import SCENARIOS, edit

BASE = load_scenario(SCENARIOS / "baseline.yaml")

durations = st.one_of(
    st.builds(lambda v: {"dist": "fixed", "value": v}, st.floats(0, 20)),
    st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(0.1, 20)),
    st.builds(lambda a, w: {"dist": "uniform", "low": a, "high": a + w},
              st.floats(0, 10), st.floats(0, 10)),
    st.builds(lambda a, b, c: dict(zip(("low", "mode", "high"), sorted((a, b, c)), strict=True))
              | {"dist": "triangular"}, st.floats(0, 20), st.floats(0, 20), st.floats(0, 20)),
    st.builds(lambda m, s: {"dist": "lognormal", "mean": m, "sd": s},
              st.floats(0.5, 20), st.floats(0.1, 10)),
    st.builds(lambda m, s: {"dist": "gamma", "mean": m, "sd": s},
              st.floats(0.5, 20), st.floats(0.1, 10)),
)


@st.composite
def scenarios(draw: Any) -> Any:
    paths: dict[str, Any] = {
        "horizon_weeks": draw(st.floats(30, 130)),
        "warmup_weeks": 0.0,
        "policy": draw(st.sampled_from(["waitlist", "share"])),
        "referrals.schedule": [
            {"from_week": 0, "per_year": draw(st.floats(0, 30))},
            {"from_week": draw(st.floats(1, 60)), "per_year": draw(st.floats(0, 30))},
        ],
        "families.interested_per_year": draw(st.floats(0, 60)),
        "families.unlimited": draw(st.booleans()),
        "breakdown.underserved": draw(st.floats(0, 5)),
        "crisis.per_placement_per_year": draw(st.floats(0, 10)),
        "crisis.admission_probability": draw(st.floats(0, 1)),
        "start_state.families_in_pool": draw(st.integers(0, 5)),
        "start_state.children": {
            phase: draw(st.integers(0, 3))
            for phase in ("assessment", "waiting_family", "open_matching", "training", "guidance")
        },
        "phases.assessment.duration": draw(durations),
        "phases.guidance.duration": draw(durations),
        "phases.guidance.new_task_per_year": draw(st.floats(0, 4)),
    }
    for role in ROLES:
        steps = [{"from_week": 0, "hours": draw(st.floats(0, 40))}]
        if draw(st.booleans()):
            steps.append({"from_week": draw(st.floats(1, 80)), "hours": draw(st.floats(0, 40))})
        paths[f"staff.{role}.schedule"] = steps
        paths[f"staff.{role}.caseload_cap"] = draw(st.one_of(st.none(), st.integers(1, 8)))
    return edit(BASE, paths)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_random_scenarios_keep_the_invariants(scenario: Any, seed: int) -> None:
    violations: list[str] = []
    original = StaffPool.account

    def audited(self: StaffPool) -> None:
        original(self)
        for r in ROLES:
            if self.used(r) > self.capacity[r] + 1e-7:
                violations.append(f"{r}: {self.used(r)} > {self.capacity[r]} at {self.env.now}")
            cap = self.caps.get(r)
            if cap is not None and self.cases[r] > cap:
                violations.append(f"{r}: caseload {self.cases[r]} above cap {cap}")
            if self.used_jobs[r] < -1e-7 or self.demand[r] < -1e-7:
                violations.append(f"{r}: negative bookkeeping at {self.env.now}")

    StaffPool.account = audited  # type: ignore[method-assign]
    try:
        res = run_replication(scenario, seed, 0)
    finally:
        StaffPool.account = original  # type: ignore[method-assign]
    assert violations == []
    w = res.weekly
    # conservation of children: every referred child is in exactly one state or has left
    np.testing.assert_array_equal(w[list(STATES)].sum(axis=1),
                                  w["referred_total"] - w["exited_total"])
    assert (w[list(STATES)] >= 0).all().all()
    for r in ROLES:
        assert (w[f"used_{r}"] <= w[f"available_{r}"] + 1e-7).all()
        assert (w[f"used_{r}"] <= w[f"needed_{r}"] + 1e-7).all()
    k = res.kpis
    for name, value in k.items():
        if name.startswith(("wait_", "referral_to")) and not math.isnan(value):
            assert value >= 0, name
        if name.startswith("utilisation_") and not math.isnan(value):
            assert -1e-9 <= value <= 1 + 1e-9, name
    assert k["placements_per_year"] >= 0
    # the event log agrees with the series: one exit per child that left, by the end of the
    # last full week
    exits = res.events[res.events.event == "exit"]
    assert exits["child"].is_unique
    if len(w):
        assert (exits["week"] <= len(w)).sum() == int(w["exited_total"].iloc[-1])
