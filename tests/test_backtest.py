"""Back test: the shipped scenarios under fixed seeds give the stored KPIs.

This pins the model's behaviour through refactors and speed work. Values are compared to
1e-9 relative (floating-point rounding only). When a change is meant to alter results,
regenerate with ``tests/backtest_data.py`` and add a CHANGELOG.md entry saying why.
"""

from __future__ import annotations

import json
import math

import pytest

from tests.backtest_data import CASES, DATA, compute


@pytest.mark.parametrize(("name", "seed", "reps", "horizon"), CASES)
def test_shipped_scenario_reproduces_stored_kpis(name, seed, reps, horizon):
    stored = json.loads((DATA / (name.removesuffix(".yaml") + ".json")).read_text())
    now = compute(name, seed, reps, horizon)
    assert set(now) == set(stored), "the set of KPIs changed"
    for key, values in stored.items():
        for rep, (want, got) in enumerate(zip(values, now[key], strict=True)):
            if want is None:
                assert got is None, f"{key} rep {rep}: expected NaN, got {got}"
            else:
                assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (
                    f"{name} {key} rep {rep}: stored {want!r}, now {got!r}")
