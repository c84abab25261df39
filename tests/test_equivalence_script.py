"""The equivalence procedure for changes that alter the draws (validation/equivalence.py)."""

from __future__ import annotations

import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests.conftest import validation_script


@pytest.fixture(scope="module")
def eq() -> ModuleType:
    return validation_script("equivalence")


def test_identical_samples_pass_and_a_shift_fails_both_checks(eq: ModuleType) -> None:
    rng = np.random.default_rng(3)
    a = list(rng.normal(10.0, 2.0, 200))
    same = eq.compare_kpi(a, a)
    assert same["diff"] == 0.0 and same["inside"] and same["ks_p"] == 1.0 and same["ks_pass"]
    # a quarter of a standard deviation at 200 replications a side is seen by both checks
    shifted = eq.compare_kpi(a, [v + 0.5 * 2.0 for v in rng.normal(10.0, 2.0, 200)])
    assert not shifted["inside"] and shifted["ci_low"] > 0 and not shifted["ks_pass"]
    # the same mean, another spread: the interval holds 0, the KS test sees the shape
    wider = eq.compare_kpi(a, list(rng.normal(10.0, 5.0, 200)))
    assert wider["inside"] and not wider["ks_pass"]


def test_the_interval_is_welch_s_at_99_percent(eq: ModuleType) -> None:
    from scipy import stats

    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0, 10.0]
    row = eq.compare_kpi(a, b)
    want = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.99)
    assert row["ci_low"] == pytest.approx(want.low) and row["ci_high"] == pytest.approx(want.high)


def test_constant_missing_and_hostile_values(eq: ModuleType) -> None:
    assert eq.compare_kpi([5.0] * 10, [5.0] * 10)["inside"]
    differ = eq.compare_kpi([5.0] * 10, [6.0] * 10)
    assert not differ["inside"] and not differ["ks_pass"]
    # NaN and inf are left out, not averaged
    row = eq.compare_kpi([1.0, 2.0, math.nan, 3.0], [1.0, math.inf, 2.0, 3.0])
    assert row["n_before"] == 3 and row["n_after"] == 3 and row["diff"] == 0.0
    few = eq.compare_kpi([1.0], [1.0, 2.0])
    assert few["note"] and not few["inside"]
    assert eq.summary([{"scenario": "s", "kpi": "k", **few}])["pass"] is False


def test_the_verdict_allows_for_the_number_of_checks(eq: ModuleType) -> None:
    ok = {"scenario": "s", "kpi": "k", "inside": True, "ks_pass": True, "note": ""}
    rows = [dict(ok, kpi=f"k{i}") for i in range(114)]
    assert eq.summary(rows)["strict_pass"] and eq.summary(rows)["pass"]
    rows[0] = dict(ok, kpi="k0", inside=False)  # one miss in 114: chance
    s = eq.summary(rows)
    assert not s["strict_pass"] and s["pass"]
    assert s["inside_expected_by_chance"] == pytest.approx(1.14)
    rows[1] = dict(ok, kpi="k1", inside=False, ks_pass=False)  # one KPI misses both
    assert eq.summary(rows)["both_missed"] == ["s:k1"] and not eq.summary(rows)["pass"]
    many = [dict(ok, kpi=f"k{i}", inside=i >= 6) for i in range(114)]  # 6 misses: not chance
    assert eq.summary(many)["inside_p_at_least"] < 0.01 and not eq.summary(many)["pass"]


def test_a_revision_against_itself_is_identical(eq: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "eq.csv"
    code = eq.main(["HEAD", "--reps", "2", "--workers", "1", "--scenarios",
                    "minimum-requirements.yaml", "--out", str(out)])
    assert code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 1 + 38 and lines[0].startswith("scenario,kpi,n_before")
