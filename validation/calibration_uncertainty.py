"""Coverage of the parameter sets on synthetic logs with known truth (issue 17, item 4).

For each seed a 10-year log at 20 referrals a year is drawn from
``calibration/examples/synthetic_truth.yaml`` (its horizon set to 10 years), calibrated,
and ``--sets`` parameter sets are drawn by the bootstrap over cases. A parameter is covered
when its true value lies between the 2.5% and 97.5% quantiles of the sets (a percentile
interval). Reported per parameter: the share of seeds covered (95% is the aim).

What this checks is the input part of ``run --parameter-uncertainty``: that the sets spread as
far as the truth is from the fit. The KPI interval adds the two-level estimator, whose
coverage is checked by repetition in ``tests/calibration/test_uncertainty.py``.

    python validation/calibration_uncertainty.py --seeds 30 --sets 20
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.calibrate import calibrate
from calibration.read import read_case_log
from calibration.synthetic import model_case_log, with_changes
from calibration.uncertainty import parameter_sets
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[1]
KEY = "validation-key-0123456789abcdef"


def truth():
    base = load_scenario(ROOT / "calibration" / "examples" / "synthetic_truth.yaml")
    return with_changes(base, {"horizon_weeks": 520.0, "warmup_weeks": 0.0,
                               "referrals.schedule": [{"from_week": 0, "per_year": 20.0}],
                               **{f"staff.{r}.schedule.0.hours": 500 for r in
                                  ("coordinator", "pnp_counsellor", "parent_counsellor")}})


def _value(ov: dict, path: str) -> float | None:
    if path == "referrals":
        return float(ov["referrals.schedule"][0]["per_year"])
    d = ov.get(path)
    return float(d["mean"]) if isinstance(d, dict) and "mean" in d else None


PARAMS = {"referrals": lambda sc: 20.0,
          **{f"phases.{p}.duration": (lambda sc, p=p: sc.phases.spec(p).duration.mean())
             for p in ("assessment", "guidance", "anchoring")}}


def one(seed: int, sets: int) -> list[dict[str, object]]:
    sc = truth()
    frame, end = model_case_log(sc, seed)
    log = read_case_log(frame.to_csv(index=False).encode(), "t.csv", KEY, end=end)
    cal = calibrate(log, sc, gof=False, changes=False)
    draws = parameter_sets(log, sc, cal, sets, seed)
    rows = []
    for name, true_of in PARAMS.items():
        vals = [v for v in (_value(ov, name) for ov in draws) if v is not None]
        if len(vals) < sets // 2:
            continue
        lo, hi = np.quantile(vals, [0.025, 0.975])
        t = true_of(sc)
        rows.append({"seed": seed, "parameter": name, "truth": round(t, 4),
                     "low": round(float(lo), 4), "high": round(float(hi), 4),
                     "covered": int(lo <= t <= hi)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--sets", type=int, default=20)
    ap.add_argument("--out", default="validation/results/calibration_uncertainty.csv")
    args = ap.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set(pd.read_csv(out)["seed"]) if out.exists() else set()
    for seed in range(args.seeds):
        if seed in done:
            continue
        rows = one(seed, args.sets)
        new = not out.exists()
        with out.open("a", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            if new:
                w.writeheader()
            w.writerows(rows)
        print(rows, flush=True)
    res = pd.read_csv(out)
    for name, g in res.groupby("parameter"):
        print(f"{name:<28} covered {int(g['covered'].sum())}/{len(g)}")


if __name__ == "__main__":
    main()
