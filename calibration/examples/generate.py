"""Regenerate the SYNTHETIC example logs: ``python calibration/examples/generate.py``.

The case log is one replication of ``scenarios/baseline.yaml`` (8 referrals a year, staff
raised to carry them, 8 years), written with the Dutch activity names of ``mapping.yaml``;
the family log is drawn from the same scenario's family parameters. No real child is in them.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from calibration.synthetic import SYNTHETIC_NOTE, family_log, model_case_log, with_changes
from sim import load_scenario

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHANGES = {
    "name": "synthetic-example", "horizon_weeks": 416, "warmup_weeks": 0,
    "referrals.schedule": [{"from_week": 0, "per_year": 8}],
    "staff.coordinator.schedule.0.hours": 16, "staff.pnp_counsellor.schedule.0.hours": 38,
    "staff.parent_counsellor.schedule.0.hours": 16, "families.interested_per_year": 60,
}


def main() -> None:
    scenario = with_changes(load_scenario(ROOT / "scenarios" / "baseline.yaml"), CHANGES)
    mapping = yaml.safe_load((HERE / "mapping.yaml").read_text())
    back = {v: k for k, v in mapping["activities"].items()}
    frame, _ = model_case_log(scenario, seed=2018)
    frame["activity"] = frame["activity"].map(lambda a: back.get(a, a))
    src = {v: k for k, v in mapping["values"]["source"].items()}
    frame["source"] = frame["source"].map(lambda s: src.get(s, s))
    frame = frame.rename(columns={v: k for k, v in mapping["columns"].items()})
    header = f"# {SYNTHETIC_NOTE}\n"
    (HERE / "synthetic_cases.csv").write_text(header + frame.to_csv(index=False))
    fams = family_log(scenario, seed=2018)
    fback = {v: k for k, v in mapping["family_activities"].items()}
    fams["activity"] = fams["activity"].map(lambda a: fback.get(a, a))
    (HERE / "synthetic_families.csv").write_text(header + fams.to_csv(index=False))
    from sim.scenario.schema import scenario_to_yaml

    (HERE / "synthetic_truth.yaml").write_text(
        f"# {SYNTHETIC_NOTE}: the scenario the example logs were made from\n"
        + scenario_to_yaml(scenario))


if __name__ == "__main__":
    main()
