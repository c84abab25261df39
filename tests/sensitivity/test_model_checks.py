"""Sensitivity on the model itself: the signs theory gives, zero for what the model never
reads, resumable runs through the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.scenario.schema import load_scenario
from sim.scenario.sources import Source, load_sources
from sim.sensitivity.model_sa import RunLog, morris
from sim.sensitivity.oneway import one_way
from sim.sensitivity.params import Group, uncertain_groups
from tests.conftest import SCENARIOS, edit

WAITS = ["wait_assessment_mean", "referral_to_placement_mean"]
#: A group that sets nothing: a parameter the model never reads.
UNREAD = Group("unread", (), "scale", 1.0, 0.5, 1.5, Source("assume"), "test")


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    scen = load_scenario(SCENARIOS / "baseline.yaml")
    return edit(scen, {"horizon_weeks": 312}), load_sources(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="module")
def tornado(base):  # type: ignore[no-untyped-def]
    scen, sources = base
    groups = uncertain_groups(scen, sources, include=["referrals.schedule.0.per_year",
                                                      "costs.family_per_day"])
    return one_way(scen, [*groups, UNREAD], WAITS + ["net_saving_per_year"], reps=8,
                   seed=7, backend="inline")


def test_more_referrals_mean_longer_waits_as_queueing_theory_says(tornado) -> None:  # type: ignore[no-untyped-def]
    for kpi in WAITS:
        row = tornado.for_kpi(kpi).set_index("group").loc["referrals.schedule.0.per_year"]
        assert row["high_diff"] > 0 and row["high_diff_ci_low"] > 0, row
        assert row["low_diff"] < 0, row
        assert row["verdict"] == "clear effect"


def test_a_parameter_the_model_never_reads_has_zero_effect(tornado) -> None:  # type: ignore[no-untyped-def]
    t = tornado.table
    for group, kpis in (("unread", WAITS + ["net_saving_per_year"]), ("costs.family_per_day",
                                                                      WAITS)):
        rows = t[(t["group"] == group) & t["kpi"].isin(kpis)]
        assert len(rows) == len(kpis)
        for side in ("low", "high"):
            assert (rows[f"{side}_diff_ci_low"] <= 0).all() and \
                (rows[f"{side}_diff_ci_high"] >= 0).all()
            assert np.allclose(rows[f"{side}_diff"], 0.0)
        assert (rows["verdict"] == "no clear effect").all()
    # the day cost is read for the saving, and a dearer family day saves less
    saving = t[(t["group"] == "costs.family_per_day") & (t["kpi"] == "net_saving_per_year")]
    assert float(saving["high_diff"].iloc[0]) < 0


def test_the_tornado_stands_beside_the_replication_noise(tornado) -> None:  # type: ignore[no-untyped-def]
    row = tornado.for_kpi("wait_assessment_mean").iloc[0]
    assert row["noise_half_width"] == pytest.approx((row["base_ci_high"] - row["base_ci_low"]) / 2)
    assert row["noise_half_width"] > 0
    assert tornado.runs == (2 * 3 + 1) * 8


def test_morris_on_the_model_finds_the_referral_rate_and_not_the_unread_parameter(base) -> None:  # type: ignore[no-untyped-def]
    scen, sources = base
    groups = [*uncertain_groups(scen, sources, include=["referrals.schedule.0.per_year"]),
              UNREAD]
    log = RunLog()
    m = morris(edit(scen, {"horizon_weeks": 208}), groups, ["wait_assessment_mean"],
               trajectories=4, reps=3, seed=3, log=log, backend="inline")
    assert m.mu_star[0, 1] == 0.0  # common random numbers: exactly nothing changes
    assert m.mu_star[0, 0] > 0
    assert log.runs == 4 * 3 * 3 and m.evaluations == log.runs


def test_runs_resume_from_the_store(tmp_path: Path, base) -> None:  # type: ignore[no-untyped-def]
    scen, sources = base
    scen = edit(scen, {"horizon_weeks": 156})
    groups = uncertain_groups(scen, sources, include=["families.interested_per_year"])
    store = tmp_path / "sens.duckdb"
    first = one_way(scen, groups, ["placements_per_year"], reps=3, seed=1, store=str(store),
                    backend="inline")
    again = one_way(scen, groups, ["placements_per_year"], reps=3, seed=1, store=str(store),
                    backend="inline")
    assert first.ran == 9 and again.ran == 0
    assert first.table.equals(again.table)
