"""Same seed, same results; results independent of worker count; common random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import compare_experiments, run_experiment, run_replication
from sim.model import PnPModel
from tests.conftest import edit


def test_same_seed_gives_identical_outputs(baseline) -> None:
    a = run_replication(baseline, 42, 3)
    b = run_replication(baseline, 42, 3)
    assert a.kpis == b.kpis
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.events, b.events)


def test_different_seeds_and_replications_differ(baseline) -> None:
    a = run_replication(baseline, 42, 0).kpis
    assert a != run_replication(baseline, 43, 0).kpis
    assert a != run_replication(baseline, 42, 1).kpis


def test_results_do_not_depend_on_the_number_of_workers(baseline) -> None:
    one = run_experiment(baseline, reps=4, seed=9, workers=1)
    two = run_experiment(baseline, reps=4, seed=9, workers=2)
    pd.testing.assert_frame_equal(one.kpis, two.kpis)
    pd.testing.assert_frame_equal(one.weekly, two.weekly)
    assert one.stamp == two.stamp


def _referrals(model: PnPModel) -> list[tuple]:
    return [(c.referred, c.source, c.age, c.intensity, c.complexity)
            for c in model.children if not c.initial]


def _first_stay(events: pd.DataFrame, phase: str) -> dict[int, float]:
    """Length of each child's first stay in ``phase``, from the event log."""
    ev = events[events.event.isin(["enter", "exit"])].sort_values(["child", "week"], kind="stable")
    nxt = ev.groupby("child")["week"].shift(-1)
    stays = (nxt - ev["week"])[ev.phase == phase].dropna()
    firsts = ev[ev.phase == phase].assign(stay=stays).dropna().groupby("child")["stay"].first()
    return firsts.to_dict()


def test_staffing_changes_keep_the_same_children(baseline) -> None:
    """Common random numbers: same referrals, same child profiles and the same assessment
    length for the same child, whatever the staffing; only the waits change."""
    busy = edit(baseline, {"referrals.schedule.0.per_year": 5})
    more = edit(busy, {"staff.pnp_counsellor.schedule.0.hours": 30,
                       "staff.parent_counsellor.schedule.0.hours": 16})
    a = PnPModel(busy, 5, 2).run()
    b = PnPModel(more, 5, 2).run()
    assert _referrals(a) == _referrals(b)
    assert len(_referrals(a)) > 20
    stay_a = _first_stay(pd.DataFrame(a.rec.events, columns=["child", "week", "event", "phase",
                                                              "detail"]), "assessment")
    stay_b = _first_stay(pd.DataFrame(b.rec.events, columns=["child", "week", "event", "phase",
                                                              "detail"]), "assessment")
    common = sorted(set(stay_a) & set(stay_b))
    assert len(common) > 20
    assert [stay_a[c] for c in common] == pytest.approx([stay_b[c] for c in common])
    waits_a = [c.t_assess - c.referred for c in a.children if c.t_assess is not None]
    waits_b = [c.t_assess - c.referred for c in b.children if c.t_assess is not None]
    assert np.mean(waits_b) < np.mean(waits_a)


def test_family_supply_is_the_same_across_staffing(baseline) -> None:
    """The same interested families arrive, with the same profiles, whatever the counsellor
    hours (recruitment hours unchanged)."""
    more = edit(baseline, {"staff.pnp_counsellor.schedule.0.hours": 30})
    a = PnPModel(baseline, 5, 0).run().families.candidates
    b = PnPModel(more, 5, 0).run().families.candidates
    assert len(a) > 100
    assert a == b


def test_less_recruitment_time_thins_the_same_families(baseline) -> None:
    """Halving the hours for sensibiliseren keeps a subset of the same candidates."""
    half = edit(baseline, {"staff.coordinator.schedule.0.hours": 0.75 / 0.85})
    full = PnPModel(baseline, 5, 0).run()
    thin = PnPModel(half, 5, 0).run()
    assert full.staff.recruitment_intensity == 1.0
    assert thin.staff.recruitment_intensity == pytest.approx(0.5)
    a, b = full.families.candidates, thin.families.candidates
    assert set(b) <= set(a)
    assert len(b) / len(a) == pytest.approx(0.5, abs=0.12)


def test_paired_comparison_is_tighter_than_unpaired(baseline) -> None:
    busy = edit(baseline, {"referrals.schedule.0.per_year": 5})
    more = edit(busy, {"staff.pnp_counsellor.schedule.0.hours": 28,
                       "staff.parent_counsellor.schedule.0.hours": 12})
    a = run_experiment(busy, reps=12, seed=1, workers=2)
    b = run_experiment(more, reps=12, seed=1, workers=2)
    diff = compare_experiments(a, b).set_index("kpi")
    row = diff.loc["wait_assessment_mean"]
    paired_half = (row["diff_ci_high"] - row["diff_ci_low"]) / 2
    sa = a.kpis["wait_assessment_mean"].std(ddof=1)
    sb = b.kpis["wait_assessment_mean"].std(ddof=1)
    unpaired_half = 2.2 * np.sqrt(sa**2 / 12 + sb**2 / 12)
    assert paired_half < unpaired_half
    assert row["diff_mean"] < 0  # more counsellor hours: shorter wait for assessment
    assert row["diff_ci_high"] < 0


def test_stamp_names_hash_seed_and_version(baseline) -> None:
    from sim import __version__, scenario_hash
    from sim.outputs.fingerprint import model_fingerprint

    res = run_experiment(baseline, reps=2, seed=77)
    assert res.stamp == {
        "scenario_hash": scenario_hash(baseline),
        "scenario_name": "baseline",
        "seed": 77,
        "replications": 2,
        "version": __version__,
        "model_fingerprint": model_fingerprint(),
    }


@pytest.mark.parametrize("reps", [1, 3])
def test_progress_is_reported_for_every_replication(baseline, reps: int) -> None:
    seen: list[tuple[int, int]] = []
    run_experiment(baseline, reps=reps, seed=1, progress=lambda d, t: seen.append((d, t)),
                   detail=False)
    assert seen == [(i, reps) for i in range(1, reps + 1)]
