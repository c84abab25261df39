"""Extreme values behave as theory says: no staff, unlimited staff, no families, unlimited
families, no referrals, certain breakdown, no risk at all."""

from __future__ import annotations

import math

import pytest

from sim import run_experiment, run_replication
from sim.scenario.domain import ROLES
from tests.conftest import edit

ZERO_STAFF = {f"staff.{r}.schedule": [{"from_week": 0, "hours": 0}] for r in ROLES}
HUGE_STAFF = {f"staff.{r}.schedule": [{"from_week": 0, "hours": 10_000}] for r in ROLES}
EMPTY_START = {"start_state.children": {}, "start_state.families_in_pool": 0}


def test_no_staff_means_nobody_is_assessed_and_the_queue_grows(baseline) -> None:
    # without ageing out at 18, which would empty a ten-year queue of its oldest children
    scen = edit(baseline, ZERO_STAFF | EMPTY_START | {"referrals.schedule.0.per_year": 10,
                                                      "ageing.enabled": False})
    res = run_replication(scen, 1, 0)
    k = res.kpis
    assert math.isnan(k["wait_assessment_mean"])
    assert k["placements_per_year"] == 0
    assert k["families_approved_per_year"] == 0  # no recruitment hours, no screening
    w = res.weekly
    # everyone referred is still waiting for staff: the queue is the referral count
    assert (w["waiting_staff"] == w["referred_total"]).all()
    assert w["waiting_staff"].iloc[-1] == pytest.approx(10 * 10, rel=0.35)
    for r in ROLES:
        assert math.isnan(k[f"utilisation_{r}"])


def test_unlimited_staff_means_no_wait_for_staff(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF)
    k = run_replication(scen, 1, 0).kpis
    assert k["wait_assessment_mean"] == 0.0
    assert k["wait_assessment_p90"] == 0.0
    assert k["waiting_staff"] == pytest.approx(0.0, abs=1e-12)
    assert k["utilisation_pnp_counsellor"] < 0.01


def test_no_families_means_only_children_with_a_family_are_placed(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | EMPTY_START | {
        "families.interested_per_year": 0,
        "referrals.schedule.0.per_year": 20,
    })
    res = run_experiment(scen, reps=4, seed=3, detail=False)
    k = res.summary.set_index("kpi")["mean"]
    # only the 10% of referrals from regular foster care (who bring their family) get placed
    assert k["placed_share"] == pytest.approx(0.10, abs=0.04)
    assert math.isnan(k["wait_family_mean"])  # no child needing a family ever got one
    assert k["families_in_pool"] == 0


def test_unlimited_families_means_no_wait_for_a_family(baseline) -> None:
    # ageing off: a child referred at 17 may turn 18 (and leave) before it is placed
    scen = edit(baseline, HUGE_STAFF | {"families.unlimited": True, "ageing.enabled": False})
    k = run_replication(scen, 2, 0).kpis
    assert k["wait_family_mean"] == 0.0
    assert k["waiting_family"] == pytest.approx(0.0, abs=1e-12)
    assert k["placed_share"] > 0.9


def test_no_referrals_means_no_children(baseline) -> None:
    scen = edit(baseline, EMPTY_START | {"referrals.schedule.0.per_year": 0})
    res = run_replication(scen, 1, 0)
    assert res.weekly["referred_total"].max() == 0
    assert res.kpis["placements_per_year"] == 0
    assert res.kpis["children_in_programme"] == 0
    # only recruitment and screening use hours
    assert res.kpis["caseload_pnp_counsellor"] == 0


def test_certain_breakdown_ends_every_placement(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | {
        "breakdown.weekly_hazard": dict.fromkeys(("fitting", "training", "guidance", "anchoring"),
                                                 50.0),
        "breakdown.rematch_share": 0.0,
    })
    k = run_replication(scen, 1, 0).kpis
    assert k["completed_per_year"] == 0
    assert k["breakdowns_per_year"] == pytest.approx(k["placements_per_year"], rel=0.15)


def test_no_risk_means_no_breakdowns_or_crises(baseline) -> None:
    scen = edit(baseline, {
        "breakdown.weekly_hazard": {},
        "crisis.per_placement_per_year": 0,
    })
    k = run_replication(scen, 1, 0).kpis
    assert k["breakdowns_per_year"] == 0
    assert k["crisis_admissions_per_year"] == 0
    assert k["left_programme_per_year"] == 0
