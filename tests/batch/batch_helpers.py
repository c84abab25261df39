"""Helpers for the batch tests: small, real sweeps over the baseline scenario.

Replications are kept short (a two-year horizon) so the suite stays fast; every number in these
tests comes from the real model through ``sim.running.runner.run_replication``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
HERE = Path(__file__).resolve().parent


def spec_dict(**overrides: Any) -> dict[str, Any]:
    """A small valid sweep spec: 2 x 3 points, 3 replications, two-year horizon."""
    data: dict[str, Any] = {
        "name": "test-sweep",
        "base": str(BASELINE),
        "replications": 3,
        "seed": 11,
        "set": {"horizon_weeks": 104, "warmup_weeks": 13},
        "parameters": [
            {"path": "staff.pnp_counsellor.schedule.0.hours", "name": "pnp_hours",
             "values": [19, 30]},
            {"path": "referrals.schedule.0.per_year", "name": "referrals",
             "range": {"start": 8, "stop": 16, "step": 4}},
        ],
    }
    data.update(overrides)
    return data


def write_spec(folder: Path, filename: str = "spec.yaml", **overrides: Any) -> Path:
    path = folder / filename
    path.write_text(yaml.safe_dump(spec_dict(**overrides), sort_keys=False), encoding="utf-8")
    return path

