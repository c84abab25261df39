"""Every input reaches the model: change it in the page, run, and inspect what was simulated.

Each case sets one or more widgets through Streamlit's AppTest, clicks "Start simulatie" and
reads the scenario that reached ``sim.running.runner.run_experiment`` (through the spy in conftest).
It must differ from the untouched baseline in exactly the intended place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from app_helpers import ROOT, click_run, new_app, number_value, set_number

from sim.scenario.domain import ROLES
from sim.scenario.schema import load_scenario, scenario_hash, scenario_to_dict
from webapp import engine
from webapp import inputs as inp

BASE = load_scenario(ROOT / "scenarios/baseline.yaml")
BASE_DATA = scenario_to_dict(BASE)
BASE_HASH = scenario_hash(BASE)

Check = Callable[[dict[str, Any]], bool]

Case = tuple[str, list[tuple[str, Any]], Check]

CASES: list[Case] = []

#: Where each case may change the scenario (a prefix of the dotted field path).
ALLOWED = {
    **{f"hours-{r}": f"staff.{r}.schedule" for r in ROLES},
    **{f"schedule-{r}": f"staff.{r}.schedule" for r in ROLES},
    **{f"leave-{r}": f"staff.{r}.leave_share" for r in ROLES},
    "referrals": "referrals.schedule",
    "referral-schedule": "referrals.schedule",
    "source-mix": "referrals.sources",
    "families-interested": "families.interested_per_year",
    "screening-pass-rate": "families.screening.pass_rate",
    "families-stopping": "families.leave_per_year",
    "breakdown-risk": "breakdown.weekly_hazard",
    "underserved-risk": "breakdown.underserved",
    "policy": "policy",
    "families-in-pool": "start_state.families_in_pool",
    "horizon": "horizon_weeks",
    "warmup": "warmup_weeks",
    **{f"start-{s}": "start_state.children" for s in inp.START_KEYS},
}


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> leaf value (list items by index)."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)  # type: ignore[assignment]
    else:
        return {prefix: data}
    out: dict[str, Any] = {prefix: type(data).__name__} if prefix else {}
    for k, v in items:
        out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def changed_paths(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    fa, fb = flatten(a), flatten(b)
    ignored = ("name", "replications", "seed")
    return {p for p in fa.keys() | fb.keys()
            if fa.get(p) != fb.get(p) and p.split(".")[0] not in ignored}
for role in ROLES:
    CASES += [
        (f"hours-{role}", [(inp.k_step(f"staff.{role}", 0, "value"), 12.5)],
         lambda d, r=role: d["staff"][r]["schedule"] == [{"from_week": 0.0, "hours": 12.5}]),
        (f"schedule-{role}", [(inp.k_steps(f"staff.{role}"), 2),
                              (inp.k_step(f"staff.{role}", 1, "from"), 30.0),
                              (inp.k_step(f"staff.{role}", 1, "value"), 24.0)],
         lambda d, r=role: [(s["from_week"], s["hours"]) for s in d["staff"][r]["schedule"]]
         == [(0.0, BASE_DATA["staff"][r]["schedule"][0]["hours"]), (30.0, 24.0)]),
        (f"leave-{role}", [(inp.K_LEAVE[role], 25.0)],
         lambda d, r=role: d["staff"][r]["leave_share"] == 0.25),
    ]
CASES += [
    ("referrals", [(inp.k_step("ref", 0, "value"), 20.0)],
     lambda d: d["referrals"]["schedule"] == [{"from_week": 0.0, "per_year": 20.0}]),
    ("referral-schedule", [(inp.k_steps("ref"), 2), (inp.k_step("ref", 1, "from"), 104.0),
                           (inp.k_step("ref", 1, "value"), 18.0)],
     lambda d: [(s["from_week"], s["per_year"]) for s in d["referrals"]["schedule"]]
     == [(0.0, BASE_DATA["referrals"]["schedule"][0]["per_year"]), (104.0, 18.0)]),
    ("source-mix", [(inp.K_SOURCE["own_groups"], 60.0), (inp.K_SOURCE["regular_foster"], 30.0)],
     lambda d: (d["referrals"]["sources"]["own_groups"]["share"],
                d["referrals"]["sources"]["regular_foster"]["share"],
                d["referrals"]["sources"]["other_facility"]["share"]) == (0.6, 0.3, 0.1)),
    ("families-interested", [(inp.K_INTERESTED, 45.0)],
     lambda d: d["families"]["interested_per_year"] == 45.0),
    ("screening-pass-rate", [(inp.K_PASS_RATE, 30.0)],
     lambda d: d["families"]["screening"]["pass_rate"] == 0.30),
    ("families-stopping", [(inp.K_FAMILY_LEAVE, 20.0)],
     lambda d: d["families"]["leave_per_year"] == 0.20),
    ("breakdown-risk", [(inp.K_BREAKDOWN, 2.0)],
     lambda d: d["breakdown"]["weekly_hazard"] == {
         k: pytest.approx(2 * v) for k, v in BASE_DATA["breakdown"]["weekly_hazard"].items()}),
    ("underserved-risk", [(inp.K_UNDERSERVED, 3.0)],
     lambda d: d["breakdown"]["underserved"] == 3.0),
    ("policy", [(inp.K_POLICY, "share")], lambda d: d["policy"] == "share"),
    ("families-in-pool", [(inp.K_POOL, BASE_DATA["start_state"]["families_in_pool"] + 3)],
     lambda d: d["start_state"]["families_in_pool"]
     == BASE_DATA["start_state"]["families_in_pool"] + 3),
    ("horizon", [(inp.K_HORIZON, 260.0)], lambda d: d["horizon_weeks"] == 260.0),
    ("warmup", [(inp.K_WARMUP, 26.0)], lambda d: d["warmup_weeks"] == 26.0),
]
for state in inp.START_KEYS:
    # Two more children in this phase than the loaded file has.
    _n = BASE_DATA["start_state"]["children"].get(state, 0) + 2
    CASES.append((f"start-{state}", [(inp.K_START[state], _n)],
                  lambda d, s=state, n=_n: d["start_state"]["children"]
                  == {**BASE_DATA["start_state"]["children"], s: n}))


def _set(at: Any, key: str, value: Any) -> None:
    if key == inp.K_POLICY:
        at.radio(key=key).set_value(value)
    else:
        set_number(at, key, value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_input_reaches_model(spy: Any, case: Case) -> None:
    _name, actions, check = case
    at = new_app()
    for key, value in actions:
        _set(at, key, value)
    click_run(at)
    simulated = spy.last.scenario
    data = scenario_to_dict(simulated)
    assert check(data), data
    assert scenario_hash(simulated) != BASE_HASH
    # Nothing but the intended part of the scenario changed.
    changed = changed_paths(BASE_DATA, data)
    assert changed and all(p.startswith(ALLOWED[_name]) for p in changed), changed
    assert [e.value for e in at.error] == []


def test_untouched_inputs_simulate_the_file_exactly(spy: Any) -> None:
    at = new_app(reps=BASE.replications)
    click_run(at)
    assert scenario_hash(spy.last.scenario) == BASE_HASH
    assert spy.last.reps == BASE.replications and spy.last.seed == BASE.seed


def test_replications_reach_the_model(spy: Any) -> None:
    at = new_app(reps=3)
    click_run(at)
    assert spy.last.reps == 3
    assert spy.last.scenario.replications == 3
    assert scenario_hash(spy.last.scenario) == BASE_HASH  # reps do not change the hash
    assert len(next(iter(at.session_state["runs"].values())).result.replications) == 3
    # The page asks for the local process pool and follows the run with a progress bar.
    assert spy.last.workers == engine.default_workers(3) >= 1
    assert callable(spy.last.progress)


def test_seed_reaches_the_model(spy: Any) -> None:
    at = new_app()
    _set(at, inp.K_SEED, 777)
    click_run(at)
    assert spy.last.seed == 777
    assert spy.last.scenario.seed == 777
    assert next(iter(at.session_state["runs"].values())).result.seed == 777


def test_schedule_in_months(spy: Any) -> None:
    at = new_app()
    at.radio(key=inp.TIME_UNIT_KEY).set_value("months").run()
    group = "staff.pnp_counsellor"
    _set(at, inp.k_steps(group), 2)
    _set(at, inp.k_step(group, 1, "from"), 6.0)  # month 6 = week 26
    _set(at, inp.k_step(group, 1, "value"), 19.0)
    _set(at, inp.k_step(group, 0, "value"), 8.0)
    click_run(at)
    steps = scenario_to_dict(spy.last.scenario)["staff"]["pnp_counsellor"]["schedule"]
    assert [(s["from_week"], s["hours"]) for s in steps] == [(0.0, 8.0), (26.0, 19.0)]


def test_switching_units_back_and_forth_changes_nothing(spy: Any) -> None:
    at = new_app()
    group = "staff.coordinator"
    _set(at, inp.k_steps(group), 2)
    _set(at, inp.k_step(group, 1, "from"), 10.0)
    for unit in ("months", "weeks", "months", "weeks"):
        at.radio(key=inp.TIME_UNIT_KEY).set_value(unit).run()
    assert number_value(at, inp.k_step(group, 1, "from")) == pytest.approx(10.0)
    click_run(at)
    steps = scenario_to_dict(spy.last.scenario)["staff"]["coordinator"]["schedule"]
    assert steps[1]["from_week"] == 10.0
