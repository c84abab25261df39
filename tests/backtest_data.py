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


def compute(name: str, seed: int, reps: int, horizon: int) -> dict[str, list[float | None]]:
    """KPIs per replication, each a list over replications (None where NaN)."""
    from sim import load_scenario, run_replication

    scenario = load_scenario(ROOT / "scenarios" / name)
    scenario = scenario.model_copy(update={"horizon_weeks": horizon})
    out: dict[str, list[float | None]] = {}
    for rep in range(reps):
        kpis = run_replication(scenario, seed, rep, detail=False).kpis
        for key, value in kpis.items():
            out.setdefault(key, []).append(None if value != value else float(value))
    return out


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    for name, seed, reps, horizon in CASES:
        data = compute(name, seed, reps, horizon)
        path = DATA / (Path(name).stem + ".json")
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
