"""The start state a calibration reads from a log: families already in screening and the
start children's age, complexity and intensity (``start_state.families_in_screening``,
``start_state.profiles``), checked on values."""

from __future__ import annotations

import pytest

from sim import run_replication
from sim.scenario.domain import ROLES
from sim.scenario.schema import scenario_hash
from tests.conftest import edit

QUIET = {"referrals.schedule.0.per_year": 0, "families.interested_per_year": 0,
         "start_state.children": {}, "start_state.families_in_pool": 0,
         "families.screening.duration": {"dist": "fixed", "value": 10.0},
         "families.screening.pass_rate": 1.0, "families.leave_per_year": 0.0}


def test_families_in_screening_finish_after_the_rest_of_their_screening(baseline) -> None:
    # ten weeks of screening; families 2, 6 and 9 weeks in finish in weeks 8, 4 and 1, and
    # one 12 weeks in (longer than any screening) finishes at once
    scen = edit(baseline, QUIET | {"start_state.families_in_screening": [2.0, 6.0, 9.0, 12.0]})
    w = run_replication(scen, 1, 0).weekly.set_index("week")
    assert w.loc[0.0, "families_screening"] + w.loc[0.0, "families_pool"] == 4
    assert w.loc[2.0, "families_pool"] == 2 and w.loc[2.0, "families_screening"] == 2
    assert w.loc[5.0, "families_pool"] == 3
    assert w.loc[9.0, "families_pool"] == 4 and w.loc[9.0, "families_screening"] == 0


def test_families_in_screening_pass_at_the_pass_rate(baseline) -> None:
    huge = {f"staff.{r}.schedule": [{"from_week": 0, "hours": 10_000}] for r in ROLES}
    scen = edit(baseline, QUIET | huge | {"families.screening.pass_rate": 0.25,
                                   "start_state.families_in_screening": [1.0] * 400})
    w = run_replication(scen, 2, 0).weekly.set_index("week")
    passed = w.loc[20.0, "families_pool"]
    assert w.loc[20.0, "families_screening"] == 0
    assert passed == pytest.approx(100, abs=3 * (400 * 0.25 * 0.75) ** 0.5)


def test_profiles_give_start_children_their_age_complexity_and_intensity(baseline) -> None:
    profiles = {"guidance": [{"age": 16, "complexity": "high", "intensity": "holidays"},
                             {"age": 4}],
                "waiting_family": [{"complexity": "low"}]}
    scen = edit(baseline, {"start_state.children": {"guidance": 3, "waiting_family": 1},
                           "start_state.profiles": profiles})
    kids = run_replication(scen, 3, 0).children
    start = kids[kids["initial"].astype(bool)].reset_index(drop=True)
    assert list(start["age"][:2]) == [16, 4]
    assert start.loc[0, "complexity"] == "high" and start.loc[0, "intensity"] == "holidays"
    assert start.loc[3, "complexity"] == "low"
    # the third child in guidance has no profile: drawn as without profiles
    plain = run_replication(edit(baseline, {"start_state.children": {"guidance": 3,
                                                                     "waiting_family": 1}}),
                            3, 0).children
    assert start.loc[2, "age"] == plain.loc[2, "age"]
    assert start.loc[1, "complexity"] == plain.loc[1, "complexity"]


def test_new_start_fields_change_the_hash_only_when_set(baseline) -> None:
    assert scenario_hash(edit(baseline, {"start_state.families_in_screening": []})) == \
        scenario_hash(baseline)
    assert scenario_hash(edit(baseline, {"start_state.profiles": {}})) == scenario_hash(baseline)
    assert scenario_hash(edit(baseline, {"start_state.families_in_screening": [3.0]})) != \
        scenario_hash(baseline)
    assert scenario_hash(edit(baseline, {"start_state.profiles": {
        "guidance": [{"age": 12}]}})) != scenario_hash(baseline)


def test_a_pool_read_from_a_log_takes_none_of_the_waiting_children_at_week_0(baseline) -> None:
    """In a running programme a family that fits a waiting child takes it at once, so in a
    snapshot the waiting children are ones the pool passed over: none is matched at week 0
    and the families stay for new referrals. Without the flag a start pool of 8 takes some
    of 5 waiting children at once."""
    start = {"start_state.children": {"waiting_family": 5}, "start_state.families_in_pool": 8,
             "referrals.schedule.0.per_year": 0, "families.interested_per_year": 0,
             "referrals.sources": {"own_groups": {"share": 1.0, "has_family": False,
                                                  "residential": True}}}
    snap = run_replication(edit(baseline, start | {
        "start_state.pool_fits_no_waiting_child": True}), 4, 0).weekly.iloc[0]
    plain = run_replication(edit(baseline, start), 4, 0).weekly.iloc[0]
    assert snap["waiting_family"] == 5 and snap["families_pool"] == 8
    assert plain["waiting_family"] < 5 and plain["families_pool"] < 8


def test_the_order_of_the_start_children_is_in_the_hash(baseline) -> None:
    """The model creates start children in the order listed (the first hold staff first), so
    two orders are two scenarios: they must not share a hash (nor a cached result)."""
    a = edit(baseline, {"start_state.children": {"guidance": 3, "assessment": 2}})
    b = edit(baseline, {"start_state.children": {"assessment": 2, "guidance": 3}})
    assert scenario_hash(a) != scenario_hash(b)
    assert scenario_hash(b) == scenario_hash(edit(baseline, {
        "start_state.children": {"assessment": 2, "guidance": 3}}))
