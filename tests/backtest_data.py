"""Build the stored KPIs of the back test (``tests/test_backtest.py``).

Run ``.venv/bin/python tests/backtest_data.py`` only when a change is *meant* to alter
results, and add a CHANGELOG.md entry that says why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "backtest"
#: (scenario file, seed, replications, horizon override in weeks)
CASES = [
    ("baseline.yaml", 20221, 3, 260),
    ("minimum-requirements.yaml", 7, 3, 260),
    ("two-counsellors.yaml", 99, 3, 260),
]


def compute(name: str, seed: int, reps: int, horizon: int, policy: str | None = None
            ) -> dict[str, list[float | None]]:
    """KPIs per replication, each a list over replications (None where NaN); ``policy``
    overrides the scenario's service policy."""
    from sim import load_scenario, run_replication

    scenario = load_scenario(ROOT / "scenarios" / name)
    update: dict[str, object] = {"horizon_weeks": horizon}
    if policy is not None:
        update["policy"] = policy
    scenario = scenario.model_copy(update=update)
    out: dict[str, list[float | None]] = {}
    for rep in range(reps):
        kpis = run_replication(scenario, seed, rep, detail=False).kpis
        for key, value in kpis.items():
            out.setdefault(key, []).append(None if value != value else float(value))
    return out


def assert_same_kpis(stored: dict[str, list[float | None]],
                     now: dict[str, list[float | None]], label: str) -> None:
    """Every stored KPI value is reproduced to 1e-9 relative (NaN stays NaN)."""
    import math

    assert set(now) == set(stored), "the set of KPIs changed"
    for key, values in stored.items():
        for rep, (want, got) in enumerate(zip(values, now[key], strict=True)):
            if want is None:
                assert got is None, f"{label} {key} rep {rep}: expected NaN, got {got}"
            else:
                assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (
                    f"{label} {key} rep {rep}: stored {want!r}, now {got!r}")


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, seed, reps, horizon in CASES:
        data = compute(name, seed, reps, horizon)
        path = DATA / (Path(name).stem + ".json")
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
