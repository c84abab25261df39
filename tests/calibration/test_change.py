"""Change over time in the log (issue 17, item 5)."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.calibrate import calibrate
from calibration.change import duration_changes, rate_change
from calibration.read import read_case_log
from sim.scenario.schema import load_scenario

KEY = "change-test-key-0123456789"
BASE = load_scenario("scenarios/baseline.yaml")


def _log(ref_weeks: np.ndarray, assess: np.ndarray) -> str:
    rows = ["case_id,activity,week"]
    for i, (w, a) in enumerate(zip(ref_weeks, assess, strict=True)):
        rows += [f"c{i},referral,{w:.3f}", f"c{i},assessment,{w:.3f}",
                 f"c{i},prematching,{w + a:.3f}", f"c{i},withdrawn,{w + a + 1:.3f}"]
    return "\n".join(rows) + "\n"


def test_a_doubling_of_referrals_halfway_is_flagged_and_today_s_rate_used() -> None:
    rng = np.random.default_rng(5)
    weeks = np.sort(np.r_[rng.uniform(0, 104, 110), rng.uniform(104, 208, 220)])
    log = read_case_log(_log(weeks, np.full(len(weeks), 3.0)).encode(), "c.csv", KEY)
    cal = calibrate(log, BASE, gof=False)
    note = next(n for n in cal.notes if n.startswith("The referral rate changed"))
    rate = next(f for f in cal.fitted if f.path == "referrals.schedule.0.per_year")
    assert rate.value == pytest.approx(110, rel=0.15) and "since week" in rate.what
    schedule = cal.tables["referral_schedule"]
    assert schedule["from_week"].iloc[1] == pytest.approx(104, abs=8)
    assert schedule["per_year"].iloc[0] == pytest.approx(55, rel=0.2)
    assert "p = " in note


def test_a_steady_rate_is_not_flagged_in_95_percent_of_logs() -> None:
    """The Monte Carlo test holds its level: 100 steady logs, at most 10 flagged (5% level;
    10 of 100 has probability under 3% when the true rate is 5%)."""
    rng = np.random.default_rng(7)
    flagged = sum(rate_change(rng.uniform(0, 208, rng.poisson(200)), 208, seed=s).found
                  for s in range(100))
    assert flagged <= 10


def test_a_change_of_duration_is_reported() -> None:
    rng = np.random.default_rng(3)
    weeks = np.sort(rng.uniform(0, 208, 200))
    assess = np.where(weeks < 104, rng.gamma(4, 1.5, 200), rng.gamma(4, 3.0, 200))
    found = duration_changes({"assessment": (weeks, assess, np.ones(200, bool))}, 208)
    assert [c.phase for c in found] == ["assessment"]
    assert found[0].median_after > 1.6 * found[0].median_before
    steady = duration_changes({"assessment": (weeks, rng.gamma(4, 1.5, 200),
                                              np.ones(200, bool))}, 208)
    assert steady == []
    log = read_case_log(_log(weeks, assess).encode(), "c.csv", KEY)
    notes = calibrate(log, BASE, gof=False).notes
    assert any(n.startswith("The duration of assessment changed") for n in notes)
