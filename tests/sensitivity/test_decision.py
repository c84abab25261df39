"""Decision sensitivity's logic, with a least-staffing rule whose answers are known."""

from __future__ import annotations

import math

from sim.scenario.schema import Scenario, load_scenario
from sim.scenario.sources import load_sources
from sim.sensitivity.decision import decision_sensitivity
from sim.sensitivity.params import uncertain_groups
from tests.conftest import SCENARIOS


def _rate(s: Scenario) -> float:
    return s.referrals.schedule[0].per_year


def least(s: Scenario) -> dict[str, float] | None:
    """A toy search: 19 h for 3 referrals a year, 1.5 h more per extra referral."""
    rate = _rate(s)
    if rate > 6:
        return None
    return {"pnp_counsellor": 19 + 1.5 * math.ceil(max(rate - 3, 0))}


def meets(s: Scenario, staffing: dict[str, float]) -> bool | None:
    need = least(s)
    return need is not None and staffing["pnp_counsellor"] >= need["pnp_counsellor"]


def test_a_top_assumption_that_moves_the_least_staffing_breaks_the_verdict() -> None:
    scen = load_scenario(SCENARIOS / "baseline.yaml")
    groups = uncertain_groups(scen, load_sources(SCENARIOS / "baseline.yaml"),
                              include=["families.interested_per_year",
                                       "referrals.schedule.0.per_year"])
    res = decision_sensitivity(scen, groups, least, meets)
    assert res.recommended == {"pnp_counsellor": 19}
    assert res.verdict == "not robust"
    assert res.breaks == ("referrals.schedule.0.per_year", "high", "misses the targets")
    table = res.table().set_index(["group", "side"])
    assert table.loc[("referrals.schedule.0.per_year", "high"), "least_pnp_counsellor"] == 22
    assert table.loc[("families.interested_per_year", "low"), "recommended_meets"]
    assert "Referrals per year (high)" in res.sentence("en")
    assert "needed: P&P counsellor 19 -> 22 h" in res.sentence("en")
    assert "haalt de doelen niet" in res.sentence("nl")
    assert res.sentence("nl").startswith("Niet robuust: Aanmeldingen per jaar (hoog)")


def test_robust_when_every_low_and_high_value_still_meets() -> None:
    scen = load_scenario(SCENARIOS / "baseline.yaml")
    groups = uncertain_groups(scen, load_sources(SCENARIOS / "baseline.yaml"),
                              include=["families.interested_per_year"])
    res = decision_sensitivity(scen, groups, least, meets)
    assert res.verdict == "robust" and res.breaks is None and len(res.rows) == 2
    assert res.sentence("en").startswith("Robust")


def test_cannot_tell_is_not_robust() -> None:
    scen = load_scenario(SCENARIOS / "baseline.yaml")
    groups = uncertain_groups(scen, load_sources(SCENARIOS / "baseline.yaml"),
                              include=["families.interested_per_year"])
    res = decision_sensitivity(scen, groups, least, lambda s, st: None)
    assert res.verdict == "not robust"
    assert res.breaks is not None and res.breaks[2] == "cannot tell at the stated confidence"
