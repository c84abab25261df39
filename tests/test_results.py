"""Result objects: the per-child table, week-by-week bands and the pool's start method."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import run_experiment, run_replication
from sim.outputs.stats import mean_ci, mean_ci_rows


def test_children_table_agrees_with_the_kpis(baseline) -> None:
    res = run_replication(baseline, 4, 0)
    kids = res.children
    assert len(kids) == (res.events.event == "referral").sum()
    assert kids.child.is_unique
    window = kids[~kids.initial & (kids.referred_week >= baseline.warmup_weeks)]
    placed = window.dropna(subset=["first_placement_week"])
    assert res.kpis["placed_share"] == pytest.approx(len(placed) / len(window))
    waits = placed.first_placement_week - placed.referred_week
    assert res.kpis["referral_to_placement_mean"] == pytest.approx(waits.mean())
    assessed = window.dropna(subset=["assessment_start_week"])
    assert res.kpis["wait_assessment_p90"] == pytest.approx(
        np.quantile(assessed.assessment_start_week - assessed.referred_week, 0.9))
    assert set(kids.outcome) <= {"", "completed", "left", "aged_out", "withdrawn"}
    exits = res.events[res.events.event == "exit"].set_index("child")["phase"]
    done = kids.set_index("child").loc[exits.index, "outcome"]
    assert (done != "").all()


def test_weekly_bands_match_the_scalar_interval(baseline) -> None:
    res = run_experiment(baseline, reps=4, seed=2)
    bands = res.weekly_bands("waiting_family")
    wide = res.weekly.pivot(index="week", columns="rep", values="waiting_family")
    for week in (0, 100, 519):
        # weekly counts are never negative: the band is clipped at zero
        m, lo, hi, _ = mean_ci(wide.loc[week].to_numpy(), bounds=(0.0, math.inf))
        row = bands.set_index("week").loc[week]
        assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx((m, lo, hi))


def test_mean_ci_rows_handles_nan_and_single_values() -> None:
    arr = np.array([[1.0, 2.0, 3.0], [np.nan, 5.0, np.nan], [np.nan, np.nan, np.nan]])
    mean, lo, hi = mean_ci_rows(arr)
    m, a, b, _ = mean_ci(arr[0])
    assert (mean[0], lo[0], hi[0]) == pytest.approx((m, a, b))
    assert (mean[1], lo[1], hi[1]) == (5.0, 5.0, 5.0)
    assert np.isnan(mean[2])


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_start_method_does_not_change_results(baseline, method: str) -> None:
    a = run_experiment(baseline, reps=2, seed=3, workers=2, detail=False)
    b = run_experiment(baseline, reps=2, seed=3, workers=2, detail=False, mp_context=method)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)


def test_model_fingerprint_follows_the_model_source(tmp_path, monkeypatch) -> None:
    import shutil

    import sim.outputs.fingerprint as fp

    copy = tmp_path / "sim"
    names = fp.model_files()
    # every module of the model package counts, the child's ageing and leaving included
    assert {"model/core.py", "model/staff.py", "model/ageing.py", "model/leaving.py",
            "model/rng.py", "scenario/schema.py", "outputs/kpis.py"} <= set(names)
    for name in names:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(fp.__file__).parents[1] / name, copy / name)
    shutil.copy(fp.__file__, copy / "outputs" / "fingerprint.py")
    monkeypatch.setattr(fp, "__file__", str(copy / "outputs" / "fingerprint.py"))
    fp.model_fingerprint.cache_clear()
    before = fp.model_fingerprint()
    seen = {before}
    for name in ("model/staff.py", "model/ageing.py", "model/rng.py"):
        (copy / name).write_text((copy / name).read_text() + "\n# changed\n")
        fp.model_fingerprint.cache_clear()
        seen.add(fp.model_fingerprint())
    fp.model_fingerprint.cache_clear()
    assert len(before) == 12 and len(seen) == 4
