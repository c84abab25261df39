"""The floor before the search, on a textbook reduction where it is known exactly: one phase of
fixed duration d served by one role, families unlimited, every other phase instant. With
unlimited hours nobody waits, so every child's referral-to-placement time is exactly d: a
target below d is out of reach by staffing (refused without a search, naming the phase), a
target above it is searched. Also: the decomposition adds up, cancel keeps what was found,
progress only grows, and the backend session keeps one pool."""

from __future__ import annotations

import pytest

from sim.staffing.evaluate import Evaluator
from sim.staffing.floor import analytic_phase_weeks, compute_floor, decompose, floor_scenarios
from sim.staffing.outputs import text
from sim.staffing.search import Search, Settings, search_staffing
from sim.staffing.space import Space, Variable
from sim.staffing.targets import parse_target
from sim.theory.textbook import textbook_scenario

D = 4.0
FAST = Settings(first_reps=5, max_reps=20, confirm_reps=20, floor_reps=10)


def _fixed(servers: int = 1):  # noqa: ANN202
    # 0.4 children a week, each needing the role for D weeks: a = 1.6 servers' worth of load
    return textbook_scenario(0.4, {"dist": "fixed", "value": D}, servers, hours_per_case=1.0,
                             horizon_weeks=300.0, warmup_weeks=30.0)


SPACE = Space((Variable("pnp_counsellor", 1, 8, 1),))


def test_target_below_a_fixed_phase_is_refused_without_a_search() -> None:
    r = search_staffing(_fixed(), SPACE, [parse_target(f"referral_to_placement_mean <= {D - 1}")],
                        seed=5, settings=FAST)
    assert r.answer is None and r.floor is not None and r.floor.blocked
    assert [x.where for x in r.floor.out_of_reach] == ["both"]
    # no candidate was simulated: only the floor ran (its "hours" and "both" settings are
    # one scenario here, families being unlimited already; the upper bounds are skipped once
    # a target is refused) and one lever was checked
    assert r.decisions == {} and r.spent.ran == 10 + 10
    assert "bounds" not in r.floor.values
    # the floor is exactly d (every child's time with unlimited hours), with no noise
    s = r.floor.summary("both", "referral_to_placement_mean")
    assert s.mean == pytest.approx(D) and s.low == pytest.approx(D)
    assert r.floor.decomposition["both"] == pytest.approx({"assessment": D})
    said = r.limits[0]
    assert "Referral & assessment" in said["en"] and "out of reach by staffing" in said["en"]
    assert "Aanmelding & beeldvorming" in said["nl"] and "niet haalbaar" in said["nl"]
    assert "4.0 weeks" in said["en"]  # the target, written by KpiDef
    out = text(r, "en")
    assert "What no staffing can beat" in out and "Referral & assessment" in out
    # the lever that helps, checked by simulation: the phase half as long (2 weeks <= 3)
    assert r.helps[0]["en"].startswith("Shorter phase Referral & assessment: 50% shorter")
    assert "2.0 weeks [2.0 – 2.0]" in r.helps[0]["en"]


def test_target_above_the_floor_is_searched() -> None:
    r = search_staffing(_fixed(), SPACE, [parse_target(f"referral_to_placement_mean <= {D + 1}")],
                        seed=5, settings=FAST)
    assert r.floor is not None and not r.floor.blocked
    assert r.answer is not None and r.answer[0] >= 2  # at least the offered load (1.6)
    assert len(r.decisions) > 0


def test_p90_target_below_the_floor_is_refused() -> None:
    r = search_staffing(_fixed(), SPACE, [parse_target(f"referral_to_placement_p90 <= {D - 0.5}")],
                        seed=5, settings=FAST)
    assert r.floor is not None and r.floor.blocked and r.decisions == {}


def test_decomposition_adds_up_to_the_time_to_placement() -> None:
    """At two servers (a queue forms) the parts of the mean time add up to the KPI mean."""
    from sim.running.runner import run_experiment

    scen = _fixed(servers=2)
    res = run_experiment(scen, reps=4, seed=2, detail=True)
    parts = decompose(res, "referral_to_placement_mean")
    assert set(parts) <= {"assessment", "waiting_staff:assessment"}
    assert parts.get("waiting_staff:assessment", 0) > 0  # two servers for 1.6 of load: a queue
    assert parts["assessment"] == pytest.approx(D)
    kpi = res.kpis["referral_to_placement_mean"].mean()
    assert sum(parts.values()) == pytest.approx(kpi, rel=1e-9)
    assert analytic_phase_weeks(scen)["assessment"] == pytest.approx(D)


def test_floor_settings_leave_the_other_roles_alone() -> None:
    sc = floor_scenarios(_fixed(), SPACE)
    assert sc["bounds"].staff.role("pnp_counsellor").schedule[-1].hours == 8
    assert sc["hours"].staff.role("pnp_counsellor").schedule[-1].hours == 10_000
    assert sc["hours"].staff.role("coordinator").schedule[-1].hours == 0
    assert sc["both"].families.unlimited


def test_floor_judges_only_targets_in_the_better_direction() -> None:
    # a utilisation floor proves nothing (unlimited hours make utilisation ~0)
    with Evaluator(5) as ev:
        fl = compute_floor(_fixed(), SPACE, [parse_target("utilisation_pnp_counsellor >= 0.5")],
                           ev, reps=5)
    assert not fl.blocked


def test_cancel_keeps_what_was_found_and_progress_only_grows() -> None:
    seen: list[float] = []
    ev = Evaluator(5)

    def progress(p) -> None:  # noqa: ANN001
        seen.append(p.fraction)
        if p.doing == "progress_check" and p.doing_fmt.get("done", 0) >= 3:
            ev.stop.set()

    search = Search(_fixed(), SPACE, [parse_target(f"referral_to_placement_mean <= {D + 1}")],
                    ev, FAST, progress)
    r = search.run()
    assert r.cancelled and r.answer is None
    assert r.spent.ran >= 2 * 10 + 3  # the floor and the replications finished before cancel
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert "Cancelled" in text(r, "en") and "Afgebroken" in text(r, "nl")


def test_local_backend_session_keeps_one_pool() -> None:
    from sim.running.backends import LocalBackend
    from sim.running.tasks import Task, run_task
    from sim.scenario.schema import scenario_hash

    scen = _fixed()
    h = scenario_hash(scen)
    be = LocalBackend(1)
    try:
        with be.session():
            pool = be._kept
            first = [o for o in be.run([Task(scen, h, 1, 0, weekly=False)], run_task) if o]
            assert be._kept is pool
            second = [o for o in be.run([Task(scen, h, 1, 1, weekly=False)], run_task) if o]
            assert be._kept is pool
        assert be._kept is None
    finally:
        be.close()
    assert [o.rep for o in first + second] == [0, 1] and all(o.ok for o in first + second)


def test_a_growing_family_queue_is_a_recruitment_limit_with_the_recruitment_that_stops_it(
) -> None:
    """Baseline at 6 referrals and 8 interested families a year: even with unlimited hours the
    waiting list for a family grows (a limit of recruitment, not of staffing), and the lever
    found by simulation stops it (its growth bound back under the tolerance)."""
    from sim import load_scenario
    from sim.staffing.frontier import _stop_family_growth
    from sim.staffing.space import role_variable
    from sim.staffing.spec import apply_set

    scen = apply_set(load_scenario("scenarios/baseline.yaml"),
                     {"families.interested_per_year": 8, "referrals.schedule.0.per_year": 6},
                     "test")
    space = Space(tuple(role_variable(r) for r in
                        ("coordinator", "pnp_counsellor", "parent_counsellor")))
    with Evaluator(scen.seed) as ev:
        s = Search(scen, space, [parse_target("utilisation_pnp_counsellor <= 0.85")], ev,
                   Settings(floor_reps=8))
        fl = compute_floor(scen, space, s.targets, ev, reps=8)
        assert fl.family_growth is not None and fl.family_growth.low > 0.5
        said = fl.sentences("en")[-1]
        assert said.startswith("The family pool: even with unlimited hours the waiting list")
        assert "not a staffing shortfall" in said
        (line, lever), = _stop_family_growth(s, fl.scenarios["hours"])
    assert line["en"].startswith("To stop the waiting list for a family growing: ")
    assert lever is None  # checked with unlimited hours: nothing to load as a plan
    n = float(line["en"].split(": ", 1)[1].split()[0])
    assert 8 < n <= 68
    assert "Om de wachtlijst voor een gezin te stoppen" in line["nl"]
