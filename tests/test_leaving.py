"""Ageing, ageing out at 18 and withdrawal from the waiting list (sim.model.ageing,
sim.model.withdrawal).

Extreme values (a huge withdrawal rate empties the waiting list; 17-year-olds leave within a
year), the age multiplier switching on at 11, conservation of children by exit kind, and
Little's law with the new exits.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import run_replication
from sim.model import PnPModel, ageing
from sim.scenario.domain import ROLES
from tests.conftest import edit

ZERO_STAFF = {f"staff.{r}.schedule": [{"from_week": 0, "hours": 0}] for r in ROLES}
HUGE_STAFF = {f"staff.{r}.schedule": [{"from_week": 0, "hours": 10_000}] for r in ROLES}
EMPTY_START = {"start_state.children": {}, "start_state.families_in_pool": 0}


def _exit_weeks(events):
    ex = events[events["event"] == "exit"]
    return dict(zip(ex["child"], ex["week"], strict=True))


def test_huge_withdrawal_rate_means_nobody_waits_long(baseline) -> None:
    """No staff: every referral waits for staff; at 520 withdrawals a year (mean 0.1 week)
    every child is withdrawn within about a week and the waiting list stays near empty."""
    scen = edit(baseline, ZERO_STAFF | EMPTY_START | {
        "referrals.schedule.0.per_year": 20, "withdrawal.waiting_staff_per_year": 520,
        "horizon_weeks": 260, "warmup_weeks": 0})
    res = run_replication(scen, 3, 0)
    kids = res.children
    assert len(kids) > 50
    assert set(kids["outcome"]) <= {"withdrawn", ""}
    exits = _exit_weeks(res.events)
    stays = np.array([exits[c] - r for c, r in zip(kids["child"], kids["referred_week"],
                                                     strict=True) if c in exits])
    assert stays.max() < 2.0
    assert stays.mean() == pytest.approx(0.1, rel=0.3)
    assert res.weekly["waiting_staff"].max() <= 3
    assert res.kpis["withdrawn_per_year"] == pytest.approx(20, rel=0.3)


def test_withdrawal_from_waiting_for_a_family_only_hits_that_wait(baseline) -> None:
    scen = edit(baseline, HUGE_STAFF | EMPTY_START | {
        "families.interested_per_year": 0, "referrals.schedule.0.per_year": 10,
        "withdrawal.waiting_family_per_year": 52, "horizon_weeks": 260, "warmup_weeks": 0})
    res = run_replication(scen, 4, 0)
    ev = res.events
    withdrawn = ev[(ev["event"] == "exit") & (ev["phase"] == "exited")
                   & (ev["detail"] == "withdrawn")]["child"]
    assert len(withdrawn) > 10
    # each withdrawn child was waiting for a family (never for staff: staff is unlimited)
    for c in withdrawn:
        states = ev[(ev["child"] == c) & (ev["event"] == "enter")]["phase"].tolist()
        assert states[-1] == "waiting_family"


def test_a_17_year_old_leaves_within_a_year(baseline) -> None:
    scen = edit(baseline, EMPTY_START | {
        "referrals.age": {"min": 17, "max": 17}, "referrals.schedule.0.per_year": 10,
        "horizon_weeks": 520, "warmup_weeks": 0})
    res = run_replication(scen, 5, 0)
    kids = res.children
    exits = _exit_weeks(res.events)
    for c, referred in zip(kids["child"], kids["referred_week"], strict=True):
        if referred < 520 - 52:
            assert c in exits and exits[c] - referred <= 52.0 + 1e-9
    assert (kids["outcome"] == "aged_out").sum() > 0.5 * len(kids)
    off = edit(scen, {"ageing.enabled": False})
    assert "aged_out" not in set(run_replication(off, 5, 0).children["outcome"])


def test_the_age_multiplier_switches_on_at_11(baseline) -> None:
    """Children referred at 10 with a huge over-10 multiplier break down only once they are 11."""
    scen = edit(baseline, HUGE_STAFF | EMPTY_START | {
        "families.unlimited": True, "referrals.age": {"min": 10, "max": 10},
        "referrals.schedule.0.per_year": 20, "breakdown.age_over_10": 200,
        "breakdown.weekly_hazard": {p: 0.0005 for p in
                                    ("fitting", "training", "guidance", "anchoring")},
        "breakdown.rematch_share": 0.0, "horizon_weeks": 260, "warmup_weeks": 0})
    model = PnPModel(scen, 6, 0).run()
    ev = model.rec.events
    births = {c.id: ageing.birth(model, c) for c in model.children}
    before = after = 0
    for cid, week, event, _, _ in ev:
        if event == "breakdown":
            if week < births[cid] + 11 * 52:
                before += 1
            else:
                after += 1
    assert after > 10
    assert before <= 2  # the base hazard alone: expected well under one
    # without ageing, a child referred at 10 stays 10: the multiplier never applies
    still = PnPModel(edit(scen, {"ageing.enabled": False}), 6, 0).run()
    assert still.counts["breakdowns"] < after / 5


@pytest.mark.parametrize("withdraw", [0.0, 4.0])
def test_every_child_is_in_the_programme_or_exited_by_kind(baseline, withdraw) -> None:
    scen = edit(baseline, {"referrals.schedule.0.per_year": 8,
                           "withdrawal.waiting_staff_per_year": withdraw,
                           "withdrawal.waiting_family_per_year": withdraw})
    model = PnPModel(scen, 7, 0).run()
    outcomes = [c.outcome for c in model.children]
    exited = {k: outcomes.count(k) for k in ("completed", "left", "aged_out", "withdrawn")}
    in_programme = sum(model.rec.count.values())
    assert len(model.children) == in_programme + sum(exited.values())
    assert outcomes.count("") == in_programme
    for kind, n in exited.items():
        assert model.counts[kind] == n
    assert model.rec.exited == sum(exited.values())
    if withdraw:
        assert exited["withdrawn"] > 0
    assert exited["aged_out"] > 0


def test_littles_law_holds_with_ageing_out_and_withdrawal(baseline) -> None:
    scen = edit(baseline, {"referrals.schedule.0.per_year": 6, "horizon_weeks": 2600,
                           "warmup_weeks": 52,
                           "withdrawal.waiting_staff_per_year": 2,
                           "withdrawal.waiting_family_per_year": 2})
    little = run_replication(scen, 8, 0, detail=False).little.set_index("phase")
    for state in ("assessment", "waiting_staff", "waiting_family", "guidance", "training"):
        row = little.loc[state]
        assert row["entries"] > 50
        assert math.isclose(row["L"], row["lamW"], rel_tol=0.03), state


def test_a_birthday_is_never_at_or_before_now() -> None:
    """A birthday timer that fires a rounding error early must not wake the race again at the
    same moment (that would loop for ever)."""
    from types import SimpleNamespace

    model = SimpleNamespace(s=SimpleNamespace(breakdown=SimpleNamespace(age_over_10=10.0)))
    rng = np.random.default_rng(1)
    for birth in rng.uniform(-600, 0, 200):
        child = SimpleNamespace(birth=float(birth), age=5)
        birthday = birth + 11 * 52
        for now in (birthday - 1e-12, birthday, np.nextafter(birthday, -np.inf)):
            mult, nxt = ageing.age_multiplier(model, child, float(now))  # type: ignore[arg-type]
            assert nxt > now or (mult == 10.0 and nxt == math.inf)


def test_every_age_out_is_at_the_18th_birthday_and_every_18th_birthday_is_an_age_out(
        baseline) -> None:
    """The age-out heap (one timer, checks at the earliest possible week) loses no age-out and
    adds none: a child still in P&P at its 18th birthday before the horizon leaves exactly
    then, and only those children age out."""
    scen = edit(baseline, EMPTY_START | {
        "referrals.age": {"min": 12, "max": 17}, "referrals.schedule.0.per_year": 30,
        "horizon_weeks": 520, "warmup_weeks": 0})
    model = PnPModel(scen, 9, 0).run()
    exits = _exit_weeks(_events(model))
    aged = 0
    for child in model.children:
        b18 = ageing.birth(model, child) + 18 * 52
        left = exits.get(child.id, math.inf)
        if child.outcome == "aged_out":
            aged += 1
            assert left == pytest.approx(b18, abs=1e-9)
        else:  # left before its birthday, or still in at the horizon
            assert left < b18 or (b18 >= 520 and not child.outcome)
    assert aged > 20


def _events(model: PnPModel):  # the model's event log as a table
    import pandas as pd

    return pd.DataFrame(model.rec.events, columns=["child", "week", "event", "phase", "detail"])


def test_a_child_who_leaves_before_it_could_age_out_never_draws_its_age(baseline) -> None:
    """Ageing costs nothing until it matters: a young child who completes long before 18 never
    draws its age within the year (its birth stays undrawn) when no age multiplier applies."""
    scen = edit(baseline, HUGE_STAFF | EMPTY_START | {
        "families.unlimited": True, "referrals.age": {"min": 3, "max": 5},
        "breakdown.age_over_10": 1.0, "referrals.schedule.0.per_year": 10,
        "horizon_weeks": 260, "warmup_weeks": 0})
    model = PnPModel(scen, 2, 0, detail=False).run()
    assert len(model.children) > 20
    assert all(math.isnan(c.birth) for c in model.children)
    # drawing it afterwards gives a birth inside the year of the age at referral
    for c in model.children:
        age = (c.referred - ageing.birth(model, c)) / 52
        assert c.age <= age < c.age + 1


def test_a_child_referred_at_the_leaving_age_leaves_at_once(baseline) -> None:
    """Referred at 18 (leave_at_age 18): its earliest age-out week is already past, so the exact
    one is worked out at referral and is at most the referral week."""
    scen = edit(baseline, EMPTY_START | {
        "referrals.age": {"min": 18, "max": 18}, "referrals.schedule.0.per_year": 10,
        "horizon_weeks": 104, "warmup_weeks": 0})
    res = run_replication(scen, 3, 0)
    kids = res.children
    assert len(kids) > 5
    assert set(kids["outcome"]) == {"aged_out"}
    exits = _exit_weeks(res.events)
    for c, referred in zip(kids["child"], kids["referred_week"], strict=True):
        assert exits[c] == referred
