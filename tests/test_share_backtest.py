"""Back test of the ``share`` policy: the baseline and two-counsellor scenarios run under
``share`` give the stored KPIs (to 1e-9, floating-point rounding only).

The stored values were computed with the model as it was before the staff pool was split and
``share`` got its per-group progress clocks (commit 8b0db26), so this pins that the rewrite
kept the policy's results. Regenerate (``python tests/test_share_backtest.py``) only when a
change is meant to alter results, with a CHANGELOG.md entry that says why.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "backtest" / "share.json"
#: (scenario file, seed, replications, horizon in weeks)
CASES = [("baseline.yaml", 20221, 2, 260), ("two-counsellors.yaml", 99, 2, 260)]


def compute(name: str, seed: int, reps: int, horizon: int) -> dict[str, list[float | None]]:
    """KPIs per replication of the scenario under ``share`` (None where NaN)."""
    from sim import load_scenario, run_replication

    scenario = load_scenario(ROOT / "scenarios" / name)
    scenario = scenario.model_copy(update={"horizon_weeks": horizon, "policy": "share"})
    out: dict[str, list[float | None]] = {}
    for rep in range(reps):
        for key, value in run_replication(scenario, seed, rep, detail=False).kpis.items():
            out.setdefault(key, []).append(None if value != value else float(value))
    return out


@pytest.mark.parametrize(("name", "seed", "reps", "horizon"), CASES)
def test_share_policy_reproduces_stored_kpis(name, seed, reps, horizon):
    stored = json.loads(DATA.read_text())[name]
    now = compute(name, seed, reps, horizon)
    assert set(now) == set(stored), "the set of KPIs changed"
    for key, values in stored.items():
        for rep, (want, got) in enumerate(zip(values, now[key], strict=True)):
            if want is None:
                assert got is None, f"{key} rep {rep}: expected NaN, got {got}"
            else:
                assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (
                    f"{name} {key} rep {rep}: stored {want!r}, now {got!r}")


if __name__ == "__main__":
    DATA.write_text(json.dumps({c[0]: compute(*c) for c in CASES}, indent=1, sort_keys=True)
                    + "\n")
    print(f"wrote {DATA.relative_to(ROOT)}", file=sys.stderr)
