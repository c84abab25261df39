"""Least staffing, the parts without simulation: targets, schedules, loads, decisions, and the
frontier walk on a deterministic oracle (compared with brute force)."""

from __future__ import annotations

import itertools
import math

import pytest

from sim.staffing.bounds import offered_loads
from sim.staffing.decide import (
    FAILS,
    MEETS,
    UNDECIDED,
    WITHIN_TOLERANCE,
    Decision,
    check_target,
    stages,
)
from sim.staffing.evaluate import Evaluator
from sim.staffing.search import Search, Settings, pareto
from sim.staffing.space import Space, Variable, apply_point, role_variable
from sim.staffing.targets import Stability, TargetError, make_target, parse_target
from sim.theory.textbook import textbook_scenario


def test_target_parsing_and_did_you_mean() -> None:
    t = parse_target("referral_to_placement_p90 <= 52")
    assert (t.kpi, t.op, t.threshold) == ("referral_to_placement_p90", "<=", 52.0)
    assert parse_target("placed_share>0.5").op == ">="
    with pytest.raises(TargetError) as exc:
        parse_target("referal_to_placement_p90 <= 52")
    assert "did you mean 'referral_to_placement_p90'" in str(exc.value)
    with pytest.raises(TargetError) as exc:
        make_target({"kpi": "utilisation_coordinator", "op": "<", "threshold": 1})
    assert "op" in str(exc.value)
    with pytest.raises(TargetError):
        parse_target("utilisation_coordinator <= lots")


def test_stability_threshold_is_one_child_over_the_window() -> None:
    t = Stability().target(measured_weeks=52 * 4)
    assert t.kpi == "waiting_staff_trend_per_year" and t.threshold == pytest.approx(0.25)


def test_schedule_mapping_keeps_the_ramp_below_the_value(baseline) -> None:  # noqa: ANN001
    from sim import load_scenario
    from tests.conftest import SCENARIOS

    scen = load_scenario(SCENARIOS / "minimum-requirements.yaml")
    steps = scen.staff.pnp_counsellor.schedule
    assert [s.hours for s in steps] == [8, 19]
    space = Space((role_variable("pnp_counsellor"),))
    assert [s.hours for s in apply_point(scen, space, (24.0,)).staff.pnp_counsellor.schedule] \
        == [8, 24]
    assert [s.hours for s in apply_point(scen, space, (6.0,)).staff.pnp_counsellor.schedule] \
        == [6, 6]
    v = role_variable("coordinator", fte_hours=38, high=80)
    assert v.grid() == [38.0, 76.0]
    assert role_variable("pnp_counsellor").grid()[0] == 19.0  # method minimum [method 3.2]


def test_offered_load_is_exact_on_the_textbook_queue() -> None:
    scen = textbook_scenario(0.8, {"dist": "exponential", "mean": 2.5}, 3, hours_per_case=2.0)
    load = offered_loads(scen)["pnp_counsellor"]
    assert load.load == pytest.approx(0.8 * 2.5 * 2.0)
    assert load.stable_at(4.01) and not load.stable_at(4.0)
    assert offered_loads(scen)["coordinator"].load == 0.0


def test_offered_load_of_the_baseline_is_plausible(baseline) -> None:  # noqa: ANN001
    loads = offered_loads(baseline)
    # 3 referrals a year need well under the method's 19 h of the P&P counsellor, and more
    # than the standing recruitment hours alone
    assert 0.5 < loads["pnp_counsellor"].load < 19 * 0.85
    assert loads["coordinator"].load > 1.5


def test_one_sided_decisions() -> None:
    t = parse_target("wait_assessment_mean <= 1")
    assert check_target([0.5, 0.6, 0.55, 0.52], t, 0.95).status == MEETS
    assert check_target([1.5, 1.6, 1.55, 1.52], t, 0.95).status == FAILS
    assert check_target([0.5, 1.6, 0.9, 1.2], t, 0.95).status == UNDECIDED
    close = make_target({"kpi": "wait_assessment_mean", "op": "<=", "threshold": 1,
                         "tolerance": 0.1})
    assert check_target([0.99, 1.01] * 10, close, 0.95).status == WITHIN_TOLERANCE
    # no observations in most replications is never evidence of meeting
    assert check_target([math.nan, math.nan, 0.1], t, 0.95).status == FAILS
    lower = parse_target("placed_share >= 0.5")
    assert check_target([0.7, 0.72, 0.69], lower, 0.95).status == MEETS
    assert stages(5, 40) == [5, 10, 20, 40]


def test_pareto() -> None:
    pts = [(1, 3), (2, 2), (2, 3), (3, 1), (3, 3)]
    assert pareto(pts) == [(1, 3), (2, 2), (3, 1)]


class _Oracle(Search):
    """A search whose candidates are judged by a deterministic rule (no simulation)."""

    def __init__(self, space: Space, rule, confirm_ok=None) -> None:  # noqa: ANN001
        scen = textbook_scenario(0.1, {"dist": "fixed", "value": 1.0}, 1)
        super().__init__(scen, space, [], Evaluator(1),
                         Settings(stability=Stability(enabled=False), floor=False))
        self.rule = rule
        self.confirm_ok = confirm_ok or rule
        self.calls = 0

    def _simulate(self, point, most=None):  # noqa: ANN001, ANN202
        self.calls += 1
        return Decision(point, MEETS if self.rule(point) else FAILS)

    def confirm(self, point, attempt):  # noqa: ANN001, ANN202
        return Decision(point, MEETS if self.confirm_ok(point) else UNDECIDED, how="confirmed")


def _brute(space: Space, rule) -> list[tuple[float, ...]]:  # noqa: ANN001
    pts = [p for p in itertools.product(*space.grids()) if rule(p)]
    return pareto(pts)


@pytest.mark.parametrize("rule", [
    lambda p: p[0] + p[1] + p[2] >= 30,
    lambda p: p[0] >= 12 and p[1] * p[2] >= 150,
    lambda p: p[0] >= 9 and p[1] >= 14 and p[2] >= 13,
    lambda p: (p[0] - 4) * (p[1] - 4) >= 60 and p[2] >= 5,
])
def test_frontier_matches_brute_force(rule) -> None:  # noqa: ANN001
    space = Space(tuple(Variable(r, 4, 16, 1) for r in
                        ("coordinator", "pnp_counsellor", "parent_counsellor")))
    search = _Oracle(space, rule)
    result = search.run()
    assert [f.point for f in result.frontier] == sorted(_brute(space, rule),
                                                        key=space.objective)
    assert result.answer == result.frontier[0].point
    assert search.calls < 0.35 * result.grid_size  # monotonicity spares most of the grid
    for fp in result.frontier:  # each minimal point is binding on every axis not at its floor
        assert {k for k, _ in fp.binding} == set(space.keys)


def test_unconfirmed_answer_moves_up() -> None:
    space = Space((Variable("pnp_counsellor", 1, 10, 1),))
    result = _Oracle(space, lambda p: p[0] >= 4, confirm_ok=lambda p: p[0] >= 5).run()
    assert result.answer == (5.0,) and result.attempts == 2 and result.refuted == [(4.0,)]


def test_costs_pick_the_cheapest_minimal_point() -> None:
    space = Space((Variable("coordinator", 0, 10, 1, cost=100.0),
                   Variable("pnp_counsellor", 0, 10, 1, cost=10.0)))
    result = _Oracle(space, lambda p: p[0] + p[1] >= 8).run()
    assert result.answer == (0.0, 8.0)
    assert len(result.frontier) == 9


def test_nothing_meets_is_said() -> None:
    space = Space((Variable("pnp_counsellor", 1, 5, 1),))
    result = _Oracle(space, lambda p: False).run()
    assert result.answer is None and result.frontier == []
    from sim.staffing.guarantee import guarantee_sentence

    assert guarantee_sentence(result).startswith("No staffing within the bounds")
    assert "Geen bezetting" in guarantee_sentence(result, "nl")


def test_family_limited_reading() -> None:
    from sim.staffing.frontier import family_limited

    assert family_limited({"waiting_family": 2.2, "waiting_staff": 0.1})
    assert not family_limited({"waiting_family": 0.1, "waiting_staff": 2.0})
