"""Round trip through the model, and back-casts that pass and fail as they should.

A log made by the model from a known scenario is calibrated; the known parameters must fall
in (or, for triangular truths the fitted families cannot take exactly, near) the fitted
intervals. A back-cast of the synthetic example passes its criteria; a back-cast of a log
from a clearly different scenario (far fewer staff hours, which a case log cannot show)
against the same calibrated scenario fails them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calibration.backcast import run_backcast
from calibration.calibrate import calibrate
from calibration.read import load_mapping, read_case_log, read_family_log
from calibration.synthetic import model_case_log, with_changes
from sim import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "calibration" / "examples"
KEY = "round-trip-key-0000"


@pytest.fixture(scope="module")
def truth():
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    return with_changes(base, {
        "horizon_weeks": 520, "warmup_weeks": 0,
        "referrals.schedule": [{"from_week": 0, "per_year": 20}],
        **{f"staff.{r}.schedule.0.hours": 500 for r in
           ("coordinator", "pnp_counsellor", "parent_counsellor")},
        "families.interested_per_year": 150,
        "withdrawal.waiting_family_per_year": 1.0,
        "start_state.children": {}, "start_state.families_in_pool": 0,
    })


def test_calibration_recovers_the_scenario_that_made_the_log(truth) -> None:
    frame, end = model_case_log(truth, seed=11)
    log = read_case_log(frame.to_csv(index=False).encode(), "truth.csv", KEY, end=end)
    cal = calibrate(log, truth, gof=False)
    got = {f.path: f for f in cal.fitted}

    def covers(path: str, value: float) -> None:
        e = got[path].est
        assert e is not None and e.low <= value <= e.high, (path, value, e)

    covers("referrals.schedule.0.per_year", 20)
    for sub in ("prematching", "discrete_matching", "open_matching"):
        covers(f"phases.{sub}.success", truth.phases.spec(sub).success)
    covers("crisis.per_placement_per_year", 1.0)
    covers("crisis.admission_probability", 0.2)
    covers("phases.guidance.new_task_per_year", 0.7)
    covers("phases.assessment.duration", 6.0)  # lognormal truth: in the candidate families
    covers("phases.guidance.duration", 52.0)
    covers("withdrawal.waiting_family_per_year", 1.0)
    covers("referrals.complexity.high", 0.2)
    # triangular truths: the nearest gamma/lognormal has nearly the same mean
    for phase in ("prematching", "discrete_matching", "open_matching", "fitting",
                  "training", "anchoring"):
        want = truth.phases.spec(phase).duration.mean()
        assert got[f"phases.{phase}.duration"].est.value == pytest.approx(want, rel=0.08)
    # breakdown hazards (reference child: under 11, medium complexity)
    for phase in ("fitting", "training", "guidance"):
        e = got[f"breakdown.weekly_hazard.{phase}"].est
        want = truth.breakdown.weekly_hazard[phase]
        assert e.low <= want <= e.high or e.value == pytest.approx(want, rel=0.5)


@pytest.fixture(scope="module")
def example():
    mapping = load_mapping((EXAMPLES / "mapping.yaml").read_bytes())
    log = read_case_log((EXAMPLES / "synthetic_cases.csv").read_bytes(), "cases.csv", KEY,
                        mapping)
    fam = read_family_log((EXAMPLES / "synthetic_families.csv").read_bytes(), "fam.csv", KEY,
                          mapping, origin=log.origin, end=log.end)
    return log, fam, load_scenario(EXAMPLES / "synthetic_truth.yaml")


def test_backcast_of_a_synthetic_log_passes_its_criteria(example) -> None:
    log, fam, truth = example
    bc = run_backcast(log, truth, log.week("2023-01-01"), reps=5, sets=20, seed=3,
                      families=fam)
    assert bc.reps == 100 and bc.sets == 20 and bc.p_value > 0.05
    assert bc.passed, [(s.name, s.coverage, s.threshold) for s in bc.series]
    assert all(s.coverage >= 0.6 for s in bc.series)


def test_backcast_against_a_clearly_different_scenario_fails(example) -> None:
    log, fam, truth = example
    # the same programme with a third of the staff hours: waits and the waiting list grow
    other = with_changes(truth, {f"staff.{r}.schedule.0.hours": h for r, h in
                                 (("coordinator", 5), ("pnp_counsellor", 12),
                                  ("parent_counsellor", 5))})
    frame, end = model_case_log(other, seed=2018)
    other_log = read_case_log(frame.to_csv(index=False).encode(), "other.csv", KEY, end=end)
    bc = run_backcast(other_log, truth, other_log.week("2015-01-01"), reps=5, sets=20, seed=3)
    assert not bc.passed
    failed = [s.name for s in bc.series if not s.passed]
    assert failed


def test_breakdown_hazards_and_multipliers_are_recovered_by_poisson_regression() -> None:
    """600 children over 10 years with unlimited staff: the phase hazards, the age-over-10
    multiplier (ageing on, so exposure splits at the 11th birthday) and the complexity
    multipliers all fall in their 95% intervals."""
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    truth = with_changes(base, {
        "horizon_weeks": 520, "warmup_weeks": 0,
        "referrals.schedule": [{"from_week": 0, "per_year": 60}],
        **{f"staff.{r}.schedule.0.hours": 1500 for r in
           ("coordinator", "pnp_counsellor", "parent_counsellor")},
        "families.interested_per_year": 500,
        "start_state.children": {}, "start_state.families_in_pool": 0})
    frame, end = model_case_log(truth, seed=11)
    log = read_case_log(frame.to_csv(index=False).encode(), "truth.csv", KEY, end=end)
    got = {f.path: f.est for f in calibrate(log, truth, gof=False).fitted}
    want = {f"breakdown.weekly_hazard.{p}": truth.breakdown.weekly_hazard[p]
            for p in ("fitting", "training", "guidance", "anchoring")}
    want |= {"breakdown.age_over_10": 10.0, "complexity_effects.low.breakdown": 1.0,
             "complexity_effects.high.breakdown": 2.0}
    for path, value in want.items():
        e = got[path]
        assert e is not None and e.low <= value <= e.high, (path, value, e)
