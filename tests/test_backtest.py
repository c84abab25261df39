"""Back test: the shipped scenarios under fixed seeds give the stored KPIs.

This pins the model's behaviour through refactors and speed work. Values are compared to
1e-9 relative (floating-point rounding only). When a change is meant to alter results,
regenerate with ``tests/backtest_data.py`` and add a CHANGELOG.md entry saying why.
"""

from __future__ import annotations

import json

import pytest

from tests.backtest_data import CASES, DATA, assert_same_kpis, compute


@pytest.mark.parametrize(("name", "seed", "reps", "horizon"), CASES)
def test_shipped_scenario_reproduces_stored_kpis(name, seed, reps, horizon):
    stored = json.loads((DATA / (name.removesuffix(".yaml") + ".json")).read_text())
    assert_same_kpis(stored, compute(name, seed, reps, horizon), name)
