"""Functional tests of the P&P model's mechanisms, each checked on a value."""

from __future__ import annotations

import numpy as np
import pytest

from sim import run_experiment, run_replication
from sim.model import PnPModel
from sim.model.families import Family
from sim.scenario.domain import ROLES
from tests.conftest import edit

HUGE_STAFF = {f"staff.{r}.schedule": [{"from_week": 0, "hours": 10_000}] for r in ROLES}
ONLY_FOSTER = {
    "referrals.sources": {"regular_foster": {"share": 1.0, "has_family": True,
                                             "residential": False}},
}


def test_start_state_puts_children_and_families_in_place(baseline) -> None:
    scen = edit(baseline, {
        "start_state.children": {"guidance": 4, "assessment": 2, "waiting_family": 3},
        "start_state.families_in_pool": 0,
        "referrals.schedule.0.per_year": 0,
        "families.interested_per_year": 0,
        "ageing.enabled": False,  # the waiting children would age out over ten years
    })
    res = run_replication(scen, 1, 0)
    first = res.weekly.iloc[0]
    assert first["referred_total"] == 9
    assert first["guidance"] + first["training"] + first["waiting_staff"] + first[
        "crisis_admission"] == pytest.approx(4 + 2, abs=2)
    assert first["waiting_family"] == 3
    # the three waiting children never find a family: none is recruited
    assert res.weekly["waiting_family"].iloc[-1] >= 3
    # the children in guidance finish: completions without any referral
    assert res.weekly["exited_total"].iloc[-1] >= 3


def test_children_from_regular_foster_care_skip_matching(baseline) -> None:
    scen = edit(baseline, ONLY_FOSTER | HUGE_STAFF | {"crisis.per_placement_per_year": 0,
                                                      "breakdown.weekly_hazard": {}})
    res = run_replication(scen, 2, 0)
    assert res.kpis["waiting_family"] == 0
    entered = set(res.events.loc[res.events.event == "enter", "phase"])
    assert not entered & {"prematching", "discrete_matching", "open_matching", "waiting_family"}
    # they live with their family, so (with no breakdown) they spend no residential weeks
    assert res.kpis["residential_weeks_waiting_per_year"] == 0
    assert res.kpis["referral_to_placement_mean"] == pytest.approx(6.0, rel=0.3)  # assessment


def test_crisis_admissions_pause_the_placement(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | ONLY_FOSTER | {
        "crisis.per_placement_per_year": 6,
        "crisis.admission_probability": 1.0,
        "crisis.admission_duration": {"dist": "fixed", "value": 3},
        "breakdown.weekly_hazard": {},
    })
    res = run_replication(scen, 3, 0)
    ev = res.events
    crises = ev[(ev.event == "crisis") & (ev.week >= 52)]
    assert res.kpis["crisis_admissions_per_year"] == pytest.approx(len(crises) / 9, rel=1e-9)
    assert res.kpis["crisis_admissions_per_year"] > 5
    little = res.little.set_index("phase")
    assert little.loc["crisis_admission", "W"] == pytest.approx(3.0, rel=0.02)
    # admissions count as residential weeks even though these children live with a family
    assert res.kpis["residential_weeks_waiting_per_year"] == pytest.approx(
        little.loc["crisis_admission", "L"] * 52, rel=1e-6)


def test_crisis_work_claims_on_call_hours(baseline) -> None:
    """Each crisis needs 3 P&P-counsellor hours for a week (baseline), on top of the rest."""
    no_breakdown = {"breakdown.weekly_hazard": {}}
    calm = edit(baseline, HUGE_STAFF | no_breakdown | {"crisis.per_placement_per_year": 0})
    busy = edit(baseline, HUGE_STAFF | no_breakdown | {"crisis.per_placement_per_year": 8,
                                                       "crisis.admission_probability": 0})
    a = run_replication(calm, 4, 0)
    b = run_replication(busy, 4, 0)
    crises = ((b.events.event == "crisis") & (b.events.week >= 52)).sum()
    extra = (b.weekly["used_pnp_counsellor"] - a.weekly["used_pnp_counsellor"])[52:].sum()
    assert crises > 50
    # same children and durations (common random numbers, no waits): the difference is the
    # crisis work, 3 h for 1 week each, give or take the crises still running at the edges
    assert extra == pytest.approx(3.0 * crises, rel=0.05)


def test_new_developmental_tasks_send_children_back_to_training(baseline) -> None:
    none = run_replication(edit(baseline, {"phases.guidance.new_task_per_year": 0}), 5, 0).events
    many = run_replication(edit(baseline, {"phases.guidance.new_task_per_year": 4}), 5, 0).events
    assert (none.event == "new_task").sum() == 0
    assert (many.event == "new_task").sum() > 10
    training_entries = ((many.event == "enter") & (many.phase == "training")).sum()
    placements = (many.event == "placement").sum()
    assert training_entries > placements


def test_older_children_break_down_more_often(baseline) -> None:
    # ageing off: the age at referral decides (tests/test_leaving.py checks the switch at 11)
    young = edit(baseline, HUGE_STAFF | {"referrals.age": {"min": 3, "max": 10},
                                         "referrals.schedule.0.per_year": 12,
                                         "ageing.enabled": False})
    old = edit(baseline, HUGE_STAFF | {"referrals.age": {"min": 11, "max": 17},
                                       "referrals.schedule.0.per_year": 12,
                                       "ageing.enabled": False})
    a = run_experiment(young, reps=4, seed=1, detail=False).summary.set_index("kpi")["mean"]
    b = run_experiment(old, reps=4, seed=1, detail=False).summary.set_index("kpi")["mean"]
    ratio = (b["breakdowns_per_year"] / b["placements_per_year"]) / (
        a["breakdowns_per_year"] / a["placements_per_year"])
    assert ratio > 3


def test_underserved_placements_break_down_more(baseline) -> None:
    """Same tight staffing; only the under-served multiplier changes."""
    tight = {"staff.pnp_counsellor.schedule.0.hours": 12, "referrals.schedule.0.per_year": 8}
    base = edit(baseline, tight | {"breakdown.underserved": 1.0})
    worse = edit(baseline, tight | {"breakdown.underserved": 6.0})
    a = run_experiment(base, reps=6, seed=2, detail=False).kpis["breakdowns_per_year"].mean()
    b = run_experiment(worse, reps=6, seed=2, detail=False).kpis["breakdowns_per_year"].mean()
    assert b > a * 1.3


def test_duration_by_complexity_overrides_the_phase_duration(baseline) -> None:
    scen = edit(baseline, {
        "referrals.complexity": {"high": 1.0},
        "complexity_effects.high.duration": 1.0,
        "phases.assessment.duration_by_complexity": {"high": {"dist": "fixed", "value": 20}},
    })
    model = PnPModel(scen, 1, 0)
    child = model._new_child(1, 0.0, initial=False)
    assert model.work(child, "assessment") == 20
    assert model.work(child, "fitting") != 20


def test_families_only_take_children_they_can_offer() -> None:
    fam = Family(1, [])
    fam.intensities = frozenset({"holidays"})
    fam.age_lo, fam.age_hi, fam.max_cx = 5, 12, 1

    class Kid:
        intensity, age, cx, excluded = "holidays", 8, 1, set()

    kid = Kid()
    assert fam.accepts(kid)
    for attr, value in (("intensity", "full_week"), ("age", 13), ("age", 4), ("cx", 2),
                        ("excluded", {1})):
        other = Kid()
        setattr(other, attr, value)
        assert not fam.accepts(other), attr


def test_idle_families_leave_the_pool(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | {
        "referrals.schedule.0.per_year": 0,
        "families.leave_per_year": 0,
        "families.max_idle_weeks": 10,
        "families.screening.duration": {"dist": "fixed", "value": 1},
    })
    res = run_replication(scen, 6, 0)
    approved_per_week = res.kpis["families_approved_per_year"] / 52
    # with nobody to match, each family stays exactly 10 weeks: Little's law for the pool
    assert res.kpis["families_in_pool"] == pytest.approx(10 * approved_per_week, rel=0.1)


def test_referral_rate_follows_its_schedule(baseline) -> None:
    scen = edit(baseline, {"referrals.schedule": [{"from_week": 0, "per_year": 5},
                                                   {"from_week": 260, "per_year": 20}],
                           "warmup_weeks": 0})
    ev = run_replication(scen, 8, 0).events
    weeks = ev.loc[ev.event == "referral", "week"].to_numpy()
    first, second = (weeks < 260).sum(), (weeks >= 260).sum()
    assert first == pytest.approx(25, rel=0.4)
    assert second == pytest.approx(100, rel=0.25)


def test_failed_matches_exclude_that_family_and_count(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | {"phases.open_matching.success": 0.0,
                                        "families.unlimited": True,
                                        "referrals.sources": {"own_groups": {"share": 1.0}}})
    res = run_replication(scen, 2, 0)
    assert res.kpis["placements_per_year"] == 0
    ev = res.events
    fails = ev[ev.event == "match_failed"]
    assert fails.phase.isin(["prematching", "discrete_matching", "open_matching"]).all()
    assert (fails.phase == "open_matching").sum() > 20
    # a child never meets the same family twice
    assert not fails.duplicated(["child", "detail"]).any()


def test_placed_share_and_waits_are_consistent(baseline) -> None:
    model = PnPModel(baseline, 9, 0).run()
    kids = [c for c in model.children if not c.initial and c.referred >= model.warmup]
    placed = [c for c in kids if c.first_placement is not None]
    res = run_replication(baseline, 9, 0).kpis
    assert res["placed_share"] == pytest.approx(len(placed) / len(kids))
    waits = [c.first_placement - c.referred for c in placed]
    assert res["referral_to_placement_mean"] == pytest.approx(np.mean(waits))


def test_family_days_and_savings_follow_placed_time(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | {"referrals.intensity": {"full_week": 1.0},
                                        "crisis.per_placement_per_year": 0})
    res = run_replication(scen, 3, 0)
    w = res.weekly[res.weekly.week >= 52]
    placed = w[["fitting", "training", "guidance", "anchoring"]].sum(axis=1).mean()
    assert res.kpis["family_days_per_year"] == pytest.approx(placed * 7 * 52, rel=0.03)
    assert res.kpis["net_saving_per_year"] == pytest.approx(
        res.kpis["family_days_per_year"] * (250 - 40))
    half = edit(scen, {"costs.day_share.full_week": 0.5})
    assert run_replication(half, 3, 0).kpis["family_days_per_year"] == pytest.approx(
        res.kpis["family_days_per_year"] / 2)
