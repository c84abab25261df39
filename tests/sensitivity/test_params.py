"""Uncertain groups: which numbers, how grouped, their plausible ranges, valid scenarios."""

from __future__ import annotations

import math

import pytest

from sim.scenario.schema import get_by_path, load_scenario, scenario_to_dict
from sim.scenario.sources import load_sources, read_sources
from sim.sensitivity.params import scenario_at, uncertain_groups
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def groups():  # type: ignore[no-untyped-def]
    path = SCENARIOS / "baseline.yaml"
    return load_scenario(path), uncertain_groups(load_scenario(path), load_sources(path))


def test_groups_are_tens_not_hundreds_and_leave_decisions_alone(groups) -> None:  # type: ignore[no-untyped-def]
    _, gs = groups
    assert 30 <= len(gs) <= 90
    names = [g.name for g in gs]
    assert not any(n.startswith("staff.") and "schedule" in n for n in names)
    assert "horizon_weeks" not in names and "seed" not in names
    hours = next(g for g in gs if g.name == "phases.fitting.hours.pnp_counsellor")
    assert hours.paths == ("phases.fitting.hours.pnp_counsellor.families",
                           "phases.fitting.hours.pnp_counsellor.child")
    duration = next(g for g in gs if g.name == "phases.training.duration")
    assert len(duration.paths) == 3  # low, mode and high scale together


def test_ranges_come_from_domain_figures_or_a_stated_share(groups) -> None:  # type: ignore[no-untyped-def]
    scen, gs = groups
    by = {g.name: g for g in gs}
    hazard = by["breakdown.weekly_hazard"]
    assert (hazard.low, hazard.high) == pytest.approx((24.0 / 27.5, 31.2 / 27.5))
    assert "24.0-31.2" in hazard.range_note
    pass_rate = by["families.screening.pass_rate"]
    assert pass_rate.low * 0.22 == pytest.approx(0.15)
    assert pass_rate.high * 0.22 == pytest.approx(0.28)
    assert (by["phases.assessment.duration"].low, by["phases.assessment.duration"].high) == \
        (0.5, 1.5)  # [assume]: +-50%
    assert (by["families.leave_per_year"].low, by["families.leave_per_year"].high) == \
        pytest.approx((0.8, 1.2))  # [domain] without a range: +-20%
    # a probability never goes above 1
    success = by["phases.prematching.success"]
    assert success.high * 0.85 == pytest.approx(1.0)


def test_every_group_at_its_low_and_high_is_a_valid_scenario(groups) -> None:  # type: ignore[no-untyped-def]
    scen, gs = groups
    for g in gs:
        for x in (g.low, g.high):
            scenario_at(scen, [g], [x])  # raises if invalid


def test_a_share_is_set_and_the_others_rescaled_to_add_up_to_one(groups) -> None:  # type: ignore[no-untyped-def]
    scen, gs = groups
    g = next(g for g in gs if g.name == "referrals.complexity.high")
    data = scenario_to_dict(scenario_at(scen, [g], [0.4]))
    shares = data["referrals"]["complexity"]
    assert shares["high"] == 0.4
    assert math.isclose(sum(shares.values()), 1.0)
    assert shares["low"] / shares["medium"] == pytest.approx(0.3 / 0.5)


def test_scaling_multiplies_every_field_of_a_group_and_rounds_counts(groups) -> None:  # type: ignore[no-untyped-def]
    scen, gs = groups
    by = {g.name: g for g in gs}
    data = scenario_to_dict(scenario_at(scen, [by["phases.training.duration"],
                                               by["start_state.children"]], [1.5, 0.5]))
    assert get_by_path(data, "phases.training.duration.mode") == 13 * 1.5
    assert get_by_path(data, "phases.training.duration.high") == 26 * 1.5
    assert get_by_path(data, "start_state.children.guidance") == 2  # 1.5 rounds to 2


def test_an_explicit_range_in_the_comment_wins() -> None:
    text = (SCENARIOS / "baseline.yaml").read_text().replace(
        "interested_per_year: 30       # at full sensibiliseren hours [assume]",
        "interested_per_year: 30       # [assume range 10-40]")
    scen = load_scenario(SCENARIOS / "baseline.yaml")
    g = next(g for g in uncertain_groups(scen, read_sources(text))
             if g.name == "families.interested_per_year")
    assert (g.low * 30, g.high * 30) == pytest.approx((10, 40))
    assert g.range_note == "range in the file"


def test_include_restricts_to_named_groups_or_prefixes(groups) -> None:  # type: ignore[no-untyped-def]
    scen, _ = groups
    gs = uncertain_groups(scen, load_sources(SCENARIOS / "baseline.yaml"),
                          include=["phases.guidance", "referrals.schedule.0.per_year"])
    names = [g.name for g in gs]
    assert "referrals.schedule.0.per_year" in names
    assert all(n.startswith("phases.guidance") or n.startswith("referrals") for n in names)
