"""Property: calibrate never raises on a valid log. It succeeds with finite numbers or
refuses with a :class:`LogError` naming the file (issue 17, item 2)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibration.calibrate import calibrate
from calibration.errors import LogError
from calibration.read import read_case_log
from sim.scenario.schema import load_scenario

KEY = "property-test-key-0123456789"
BASE = load_scenario("scenarios/baseline.yaml")
STATES = ["assessment", "prematching", "discrete_matching", "open_matching", "waiting_family",
          "fitting", "training", "guidance", "anchoring", "waiting_staff", "crisis_admission"]
POINTS = ["family_found", "match_failed", "placement", "new_task", "crisis", "breakdown"]
EXITS = ["completed", "left", "aged_out", "withdrawn"]

step = st.tuples(st.sampled_from(STATES + POINTS + EXITS), st.floats(0, 60),
                 st.sampled_from(["start", "start", "complete"]))
case = st.tuples(st.floats(0, 300), st.booleans(), st.lists(step, max_size=12),
                 st.sampled_from(["low", "medium", "high", ""]), st.integers(0, 17))


def _csv(cases: list[Any], one_phase: str | None) -> bytes:
    lines = ["case_id,activity,week,lifecycle,complexity,age"]
    for i, (t0, referred, steps, cx, age) in enumerate(cases):
        t = t0
        if referred:
            lines.append(f"c{i},referral,{t:.4f},start,{cx},{age}")
        for act, dt, lc in steps:
            t += dt
            act = one_phase if one_phase and act in STATES else act
            lines.append(f"c{i},{act},{t:.4f},{lc},{cx},{age}")
    return ("\n".join(lines) + "\n").encode()


def _finite(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(case, max_size=25), one_phase=st.sampled_from([None, "assessment",
                                                                       "guidance"]))
def test_calibrate_succeeds_with_finite_values_or_refuses(cases: list[Any],
                                                          one_phase: str | None) -> None:
    data = _csv(cases, one_phase)
    try:
        log = read_case_log(data, "random.csv", KEY, rules=None)
        cal = calibrate(log, BASE, gof=False)
    except LogError as exc:
        assert str(exc).startswith("random.csv") or str(exc).startswith("pseudonymisation")
        return
    for f in cal.fitted:
        assert _finite(f.value), (f.path, f.value)
        if f.est is not None:
            assert math.isfinite(f.est.value) and not math.isnan(f.est.high) or f.est.n == 0 \
                or math.isnan(f.est.low), (f.path, f.est)


@pytest.mark.parametrize("n", [1, 3, 8])
def test_all_censored_and_zero_event_logs(n: int) -> None:
    """Children who never finish anything (all censored) and no breakdowns at all."""
    rows = ["case_id,activity,week"] + [r for i in range(n) for r in
                                        (f"c{i},referral,{i}", f"c{i},guidance,{i + 1}")]
    rows.append("z,referral,50")
    log = read_case_log(("\n".join(rows) + "\n").encode(), "c.csv", KEY)
    cal = calibrate(log, BASE, gof=False)
    assert all(_finite(f.value) for f in cal.fitted)


def test_a_log_of_one_moment_is_refused_in_one_line() -> None:
    log = read_case_log(b"case_id,activity,week\nz,referral,50\n", "c.csv", KEY)
    with pytest.raises(LogError, match="covers no time") as exc:
        calibrate(log, BASE, gof=False)
    assert len(exc.value.problems) == 1


def test_many_breakdowns_with_a_placed_phase_that_has_none() -> None:
    """The regression used to overflow (issue 17): 25 breakdowns in guidance, none in
    anchoring or training although both have exposure. The zero-event phase gets an exact
    bound instead of a diverging estimate."""
    rows = ["case_id,activity,week,complexity,age"]
    for i in range(40):
        t = i * 3.0
        cx = ("low", "medium", "high")[i % 3]
        age = 5 + i % 12
        rows += [f"c{i},referral,{t},{cx},{age}", f"c{i},fitting,{t + 2}",
                 f"c{i},placement,{t + 4}", f"c{i},training,{t + 5}",
                 f"c{i},guidance,{t + 20 + i % 7}"]
        if i < 25:
            rows.append(f"c{i},breakdown,{t + 40 + i}")
            rows.append(f"c{i},left,{t + 40 + i}")
        else:
            rows += [f"c{i},anchoring,{t + 60}", f"c{i},completed,{t + 90}"]
    log = read_case_log(("\n".join(rows) + "\n").encode(), "bd.csv", KEY)
    cal = calibrate(log, BASE, gof=False)
    values = {f.path: f.value for f in cal.fitted}
    assert values["breakdown.weekly_hazard.anchoring"] == 0.0
    assert values["breakdown.weekly_hazard.guidance"] > 0
    assert all(_finite(v) for v in values.values())
    note = next(n for n in cal.notes if n.startswith("No breakdowns in anchoring"))
    weeks = float(note.split(" in ")[2].split(" weeks")[0])
    assert weeks > 0 and "below" in note


def test_a_log_beyond_the_model_s_ceilings_is_refused_not_raised() -> None:
    """Found by the property test: 2 referrals in 0.03 weeks fit a rate of 1,667 a year, past
    the scenario ceiling of 1,000; calibrate refuses it naming the field, it does not raise
    the scenario's own error."""
    rows = ["case_id,activity,week", "a,referral,0", "b,referral,0.03125",
            "b,assessment,0.03125"]
    log = read_case_log(("\n".join(rows) + "\n").encode(), "fast.csv", KEY)
    with pytest.raises(LogError, match="out of range") as exc:
        calibrate(log, BASE, gof=False)
    assert str(exc.value).startswith("fast.csv")
    assert "referrals.schedule.0.per_year" in str(exc.value)
