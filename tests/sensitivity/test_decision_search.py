"""Decision sensitivity with the real least-staffing search, on a textbook queue where the
answer is known to move with the referral rate (Erlang C: more arrivals need more servers)."""

from __future__ import annotations

from sim.scenario.sources import ScenarioSources, Source
from sim.sensitivity.decision import decision_sensitivity
from sim.sensitivity.params import uncertain_groups
from sim.sensitivity.staffing_link import staffing_functions
from sim.staffing import Settings, Space, parse_target, role_variable
from sim.theory.textbook import textbook_scenario


def test_the_least_staffing_moves_with_the_referral_rate_and_the_verdict_says_so() -> None:
    # M/M/c: referrals 1 a week, exponential work of mean 2 weeks needing 1 h/week
    scen = textbook_scenario(1.0, {"dist": "exponential", "mean": 2.0}, 1, hours_per_case=1.0,
                             horizon_weeks=150, warmup_weeks=20)
    sources = ScenarioSources({"referrals.schedule.0.per_year": Source("assume")}, {})
    groups = uncertain_groups(scen, sources)
    assert [g.name for g in groups] == ["referrals.schedule.0.per_year"]
    space = Space((role_variable("pnp_counsellor", 1, 8),))
    targets = [parse_target("wait_assessment_mean <= 0.5")]
    settings = Settings(first_reps=5, max_reps=20, confirm_reps=20)
    least, meets = staffing_functions(space, targets, settings, seed=3)
    res = decision_sensitivity(scen, groups, least, meets)
    assert res.recommended is not None
    base = res.recommended["pnp_counsellor"]
    by_side = {r.side: r for r in res.rows}
    assert by_side["low"].least is not None and by_side["high"].least is not None
    # Erlang C, mean wait before service (weeks) with c servers: at 1 referral a week
    # M/M/3 0.89, M/M/4 0.17; at 1.5 a week M/M/4 1.02, M/M/5 0.24; at 0.5 a week M/M/2 0.67,
    # M/M/3 0.09. The least c with a wait under 0.5 weeks: 4, 5 and 3.
    assert base == 4
    assert by_side["high"].least["pnp_counsellor"] == 5
    assert by_side["low"].least["pnp_counsellor"] == 3
    assert by_side["low"].recommended_meets is True
    assert by_side["high"].recommended_meets is not True
    assert res.verdict == "not robust"
    assert res.breaks is not None and res.breaks[:2] == ("referrals.schedule.0.per_year", "high")
    assert "P&P counsellor 4 -> 5 h" in res.sentence("en")
