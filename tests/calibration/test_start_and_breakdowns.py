"""What the back-cast's start and the breakdown fit take from the log (issue 17): the
families' state at the log's end, the start children's profiles, breakdown exposure while a
placed child waits for staff, the pooled prior of a phase without breakdowns, and the
families' state drawn for a back-cast without a family log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration.calibrate import calibrate, family_state, start_profiles
from calibration.read import read_case_log, read_family_log
from calibration.synthetic import model_case_log, with_changes
from calibration.timeline import build
from sim.scenario.schema import load_scenario

EX = Path(__file__).resolve().parents[2] / "calibration" / "examples"
KEY = "start-and-breakdowns-key-0123"


def test_family_state_counts_the_pool_and_the_weeks_in_screening() -> None:
    csv = ("family_id,activity,week\n"
           "f1,interest,0\nf1,approved,10\n"                 # in the pool
           "f2,interest,1\nf2,approved,12\nf2,matched,20\n"  # took a child
           "f3,interest,2\nf3,rejected,14\n"                 # gone
           "f4,interest,3\nf4,approved,15\nf4,left,25\n"     # gone
           "f5,interest,20\n"                                # 10 weeks in at week 30
           "f6,interest,22\nf6,screening_start,26\n")        # 4 weeks of screening
    fam = read_family_log(csv.encode(), "f.csv", KEY, end=30.0)
    pool, screening = family_state(fam)
    assert pool == 1
    assert screening == [10.0, 4.0]


def test_start_profiles_give_age_at_the_log_s_end_and_the_case_attributes() -> None:
    csv = ("case_id,activity,week,age,complexity,intensity\n"
           "a,referral,0,9,high,holidays\na,assessment,1,9,high,holidays\n"
           "a,prematching,8,9,high,holidays\na,fitting,12,9,high,holidays\n"
           "a,guidance,16,9,high,holidays\n"
           "b,referral,2,15,,\nb,assessment,3,15,,\n")
    log = read_case_log(csv.encode(), "p.csv", KEY, end=120.0)
    prof = start_profiles(build(log, 120.0), log.cases)
    assert list(prof) == ["guidance", "assessment"]
    (a,), (b,) = prof["guidance"], prof["assessment"]
    # referred at 9 (birth drawn within the year): 2.3 years later 11 or 12
    assert a["age"] in (11, 12) and a["complexity"] == "high" and a["intensity"] == "holidays"
    assert b["age"] in (17, 18) and "complexity" not in b and "intensity" not in b


def test_breakdown_weeks_waiting_for_staff_count_at_the_underserved_multiplier() -> None:
    """A log from the model in which placed children sometimes wait for staff, at 5 times
    the hazard: the guidance hazard is recovered within its interval when those weeks count
    5 times, as the model's hazard does; counted once, the fit is too high by exactly the
    extra weeks' share (the multiplier would be carried twice)."""
    truth = with_changes(load_scenario(EX / "synthetic_truth.yaml"), {
        "horizon_weeks": 520.0, "referrals.schedule": [{"from_week": 0, "per_year": 40.0}],
        "breakdown.underserved": 5.0, "breakdown.age_over_10": 1.0,
        "complexity_effects": {}, "phases.guidance.duration": {"dist": "fixed", "value": 60},
        "breakdown.weekly_hazard": {"fitting": 0.002, "training": 0.002,
                                    "guidance": 0.002, "anchoring": 0.002}})
    frame, end = model_case_log(truth, 4)
    log = read_case_log(frame.to_csv(index=False).encode(), "u.csv", KEY, end=end)
    tl = build(log, end)
    st = tl.stays
    waiting = st[st["placed"] & (st["state"] == "waiting_staff")]
    assert (waiting["end"] - waiting["start"]).sum() > 250  # placed children did wait
    right = calibrate(log, truth, gof=False, changes=False)
    once = calibrate(log, with_changes(truth, {"breakdown.underserved": 1.0}), gof=False,
                     changes=False)
    # the per-phase Poisson fits (before the regression frees the age and complexity terms)
    r = right.tables["breakdowns"].set_index("phase").loc["guidance"]
    o = once.tables["breakdowns"].set_index("phase").loc["guidance"]
    assert r["low"] <= 0.002 <= r["high"]
    # the same breakdowns over exposures that differ by 4 x the weeks spent waiting
    from calibration.timeline import TASK_TRAINING
    from sim.scenario.domain import PLACED_PHASES

    mine = st[st["placed"] & st["state"].isin([*PLACED_PHASES, TASK_TRAINING, "waiting_staff"])
              & (st["phase"] == "guidance")]
    weeks = (mine["end"] - mine["start"]).to_numpy()
    wait = weeks[(mine["state"] == "waiting_staff").to_numpy()].sum()
    assert wait > 20
    assert o["weekly_hazard"] / r["weekly_hazard"] == pytest.approx(
        (weeks.sum() + 4 * wait) / weeks.sum(), rel=1e-6)


def test_a_phase_without_breakdowns_is_drawn_near_the_pooled_hazard() -> None:
    """Zero breakdowns in 500 weeks: Jeffreys' draws alone have mean 0.5/500 = 0.001; with
    half an event at the pooled hazard (0.0004) added, the mean is 0.5 / (500 + 1250)."""
    from dataclasses import replace

    from calibration.calibrate import Calibration, Fitted
    from calibration.fit import poisson_rate
    from calibration.uncertainty import boundary_draws

    base = load_scenario(EX / "synthetic_truth.yaml")
    est = replace(poisson_rate(0, 500.0), prior_exposure=0.5 / 0.0004)
    cal = Calibration(base, [Fitted("breakdown.weekly_hazard.anchoring", 0.0, est, "")], {},
                      [], "x", 10)
    rng = np.random.default_rng(5)
    rate = np.array([boundary_draws(cal, rng)["breakdown.weekly_hazard.anchoring"]
                     for _ in range(4000)])
    assert rate.mean() == pytest.approx(0.5 / 1750, rel=0.06)


def test_calibrate_sets_the_pooled_prior_only_for_phases_without_breakdowns() -> None:
    truth = with_changes(load_scenario(EX / "synthetic_truth.yaml"), {
        "horizon_weeks": 260.0, "breakdown.weekly_hazard.anchoring": 0.0})
    frame, end = model_case_log(truth, 2)
    log = read_case_log(frame.to_csv(index=False).encode(), "z.csv", KEY, end=end)
    est = {f.path: f.est for f in calibrate(log, truth, gof=False, changes=False).fitted}
    anch = est["breakdown.weekly_hazard.anchoring"]
    assert anch is not None and anch.n == 0 and anch.prior_exposure > 0
    pooled = 0.5 / anch.prior_exposure
    assert 0.0002 < pooled < 0.005  # the placed phases' hazards are 0.0006-0.0009 a week
    assert all(e is None or e.n == 0 or e.prior_exposure == 0 for p, e in est.items()
               if p.startswith("breakdown.weekly_hazard."))


def test_a_backcast_without_a_family_log_draws_the_families_at_the_cut() -> None:
    from calibration.backcast import family_spin_up
    from sim import run_replication

    truth = load_scenario(EX / "synthetic_truth.yaml")
    scs = family_spin_up(truth, truth, 104.0, 12, seed=3)
    pools = [s.start_state.families_in_pool for s in scs]
    screening = [s.start_state.families_in_screening for s in scs]
    assert len(set(pools)) > 2  # they differ from history to history
    # about interest 60 a year x 16 weeks of screening / 52 = 18 in screening
    assert 10 < np.mean([len(x) for x in screening]) < 28
    assert all(0 <= w <= 26 for x in screening for w in x)  # triangular 8-26 weeks
    # each history starts with what it was given (no child to take a family at once)
    w = run_replication(with_changes(scs[0], {"horizon_weeks": 2.0,
                                              "start_state.children": {}}), 1, 0).weekly
    assert w["families_pool"].iloc[0] == pools[0]
    # those under 8 weeks in cannot have finished (screening takes 8 to 26 weeks)
    assert sum(x < 8 for x in screening[0]) <= w["families_screening"].iloc[0] <= len(
        screening[0])
    assert isinstance(w, pd.DataFrame)


def test_rematch_share_looks_past_the_zero_length_wait_at_the_breakdown() -> None:
    """The model logs a wait for staff at the moment of a breakdown; the share who go back
    to matching must look at the first stay that lasts (5 of 8 here). It took the first stay
    of any length, so about half the rematches were missed (0.31 fitted against 0.5)."""
    from sim.scenario.schema import load_scenario as load

    rows = ["case_id,activity,week"]
    for i in range(8):
        c, t = f"k{i}", 20 + i
        rows += [f"{c},referral,0", f"{c},assessment,0", f"{c},prematching,5",
                 f"{c},fitting,8", f"{c},guidance,10", f"{c},breakdown,{t}",
                 f"{c},waiting_staff,{t}"]
        rows += ([f"{c},waiting_family,{t}", f"{c},prematching,{t + 10}"] if i < 5
                 else [f"{c},left,{t}"])
    log = read_case_log(("\n".join(rows) + "\n").encode(), "r.csv", KEY, end=60.0)
    cal = calibrate(log, load(Path(__file__).resolve().parents[2] / "scenarios" /
                              "baseline.yaml"), gof=False, changes=False)
    assert cal.scenario.breakdown.rematch_share == pytest.approx(5 / 8)


def test_a_backcast_s_histories_do_not_depend_on_the_number_of_workers() -> None:
    from calibration.backcast import run_backcast

    truth = with_changes(load_scenario(EX / "synthetic_truth.yaml"), {"horizon_weeks": 78.0})
    frame, end = model_case_log(truth, 6)
    log = read_case_log(frame.to_csv(index=False).encode(), "w.csv", KEY, end=end)
    one = run_backcast(log, truth, 52.0, reps=2, sets=2, seed=3, workers=1)
    two = run_backcast(log, truth, 52.0, reps=2, sets=2, seed=3, workers=2)
    assert one.p_value == two.p_value and one.reps == two.reps == 4
    for a, b in zip(one.series, two.series, strict=True):
        assert np.array_equal(a.mean, b.mean) and a.level_rank == b.level_rank


def test_a_wait_without_withdrawals_borrows_the_other_wait_s_exposure() -> None:
    """The synthetic truth has no withdrawals: both waits get a prior exposure, each the
    other's whole exposure (neither saw a withdrawal), so a short wait for staff is not drawn
    at Jeffreys' 0.5 / (its own few child-years)."""
    truth = with_changes(load_scenario(EX / "synthetic_truth.yaml"), {"horizon_weeks": 156.0})
    frame, end = model_case_log(truth, 1001)
    log = read_case_log(frame.to_csv(index=False).encode(), "wd.csv", KEY, end=end)
    est = {f.path: f.est for f in calibrate(log, truth, gof=False, changes=False).fitted}
    staff = est["withdrawal.waiting_staff_per_year"]
    family = est["withdrawal.waiting_family_per_year"]
    assert staff is not None and family is not None and staff.n == family.n == 0
    assert staff.prior_exposure == pytest.approx(family.exposure)
    assert family.prior_exposure == pytest.approx(staff.exposure)
