"""The KPI-coverage validation (validation/calibration_kpi_coverage.py) on a tiny case: a
2-year log, 3 parameter sets x 2 replications, a truth of 6 replications."""

from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from tests.conftest import validation_script


def _script() -> ModuleType:
    return validation_script("calibration_kpi_coverage")


def test_one_seed_gives_a_row_per_kpi_with_ordered_intervals_and_a_cached_truth(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = _script()
    cache = tmp_path / "truth.csv"
    rows = mod.one(3, sets=3, reps=2, truth_reps=6, horizon=104.0, plain_reps=2,
                   truth_cache=cache)
    assert [r["kpi"] for r in rows] == list(mod.KPI_NAMES)
    by = {r["kpi"]: r for r in rows}
    for r in rows:
        assert (r["seed"], r["sets"], r["reps"], r["noise_reps"], r["truth_reps"]) == \
            (3, 3, 2, 2, 6)
        assert r["noise_low"] <= r["point"] <= r["noise_high"]
        assert r["low"] <= r["sets_mean"] <= r["high"]
        assert r["covered"] == int(r["low"] <= r["truth"] <= r["high"])
        assert r["noise_covered"] == int(r["noise_low"] <= r["truth"] <= r["noise_high"])
        assert r["input_sd"] >= 0 and r["noise_sd"] >= 0
        assert 0 <= r["truth_se"] < math.inf
    # 20 referrals a year, fewer families: most children are placed, many wait
    assert 5 < by["placements_per_year"]["truth"] < 25
    assert 0 < by["completed_per_year"]["truth"] < by["placements_per_year"]["truth"]
    assert 0 < by["breakdowns_per_year"]["truth"] < 15
    assert 5 < by["referral_to_placement_mean"]["truth"] < 104
    assert 0 < by["waiting_family"]["truth"] < by["children_in_programme"]["truth"] < 150
    cached = pd.read_csv(cache, dtype={"hash": str})
    assert len(cached) == len(mod.KPI_NAMES) and set(cached["seed"]) == {3}
    assert cached.set_index("kpi")["truth"]["waiting_family"] == pytest.approx(
        by["waiting_family"]["truth"], abs=1e-4)
    # another seed is appended to the cache; asked again, it is read back, not run again
    first = mod._truth_kpis(mod.truth(104.0), 99, 6, cache)
    assert len(pd.read_csv(cache)) == 2 * len(mod.KPI_NAMES)
    monkeypatch.setattr(mod, "run_experiment", lambda *a, **k: pytest.fail("ran again"))
    again = mod._truth_kpis(mod.truth(104.0), 99, 6, cache)
    assert again.keys() == first.keys()
    assert all(again[k] == pytest.approx(first[k]) for k in first)
    out = tmp_path / "rows.csv"
    pd.DataFrame(rows).to_csv(out, index=False)
    text = mod.summarise(out)
    assert "Placements per year" in text and "/1 (" in text


@pytest.mark.parametrize("k, n, lo, hi", [(29, 30, 0.833, 0.994), (0, 10, 0.0, 0.278),
                                          (19, 20, 0.764, 0.991)])
def test_wilson_interval(k: int, n: int, lo: float, hi: float) -> None:
    got = _script()._wilson(k, n)
    assert got == pytest.approx((lo, hi), abs=1e-3)
