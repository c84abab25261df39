"""Back test of the ``share`` policy: the baseline and two-counsellor scenarios run under
``share`` give the stored KPIs (to 1e-9, floating-point rounding only).

The stored values were computed with the model as it was before the staff pool was split and
``share`` got its per-group progress clocks (commit 8b0db26), so this pins that the rewrite
kept the policy's results. Regenerate (``python tests/test_share_backtest.py``) only when a
change is meant to alter results, with a CHANGELOG.md entry that says why.
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.backtest_data import ROOT, assert_same_kpis, compute

DATA = ROOT / "tests" / "data" / "backtest" / "share.json"
#: (scenario file, seed, replications, horizon in weeks)
CASES = [("baseline.yaml", 20221, 2, 260), ("two-counsellors.yaml", 99, 2, 260)]


@pytest.mark.parametrize(("name", "seed", "reps", "horizon"), CASES)
def test_share_policy_reproduces_stored_kpis(name, seed, reps, horizon):
    stored = json.loads(DATA.read_text())[name]
    assert_same_kpis(stored, compute(name, seed, reps, horizon, policy="share"), name)


if __name__ == "__main__":
    DATA.write_text(json.dumps({c[0]: compute(*c, policy="share") for c in CASES}, indent=1,
                               sort_keys=True) + "\n")
    print(f"wrote {DATA.relative_to(ROOT)}", file=sys.stderr)
