"""Back-cast false alarms and power, over many seeds (issue 17, item 4).

For each seed a synthetic case log is drawn from a known scenario (the model's own
generator, :func:`calibration.synthetic.model_case_log`): 3 years, 20 referrals a year. The
back-cast fits the first 2 years and compares the last one (12 months) with parameter sets x
replications. Three kinds of log:

* ``null``: the process never changes. The back-cast should fail at most 5% of these.
* ``referrals``: referrals double at the cut-off (a schedule in the generating scenario).
* ``durations``: every phase's duration doubles at the cut-off. The model cannot change a
  duration mid-run, so the log is spliced: the first 2 years from the scenario, then a
  second run with doubled durations that starts from the state at the cut-off (read from
  the first part as a calibration's start state); the first part's open cases end there.

Cheap by design (short logs, ``--sets`` x ``--reps`` histories) so it runs in minutes on a
laptop; rows are appended to ``--out`` as they finish, and a rerun skips the seeds done.

    python validation/calibration_backcast.py --seeds 100 --power-seeds 30
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.backcast import run_backcast
from calibration.calibrate import calibrate
from calibration.read import read_case_log
from calibration.synthetic import ORIGIN, model_case_log, with_changes
from sim.scenario.domain import CHILD_PHASES
from sim.scenario.schema import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
KEY = "validation-key-0123456789abcdef"
YEARS, CUT_YEARS = 3, 2
WEEKS = 52.0 * YEARS
CUT = 52.0 * CUT_YEARS


def truth() -> Scenario:
    base = load_scenario(ROOT / "calibration" / "examples" / "synthetic_truth.yaml")
    return with_changes(base, {"horizon_weeks": WEEKS, "warmup_weeks": 0.0,
                               "referrals.schedule": [{"from_week": 0, "per_year": 20.0}]})


def _doubled(sc: Scenario) -> Scenario:
    changes: dict[str, object] = {}
    for phase in CHILD_PHASES:
        d = sc.phases.spec(phase).duration.model_dump()
        for k in ("mean", "sd", "value", "low", "high", "mode"):
            if k in d and isinstance(d[k], (int, float)):
                d[k] = 2 * d[k]
        changes[f"phases.{phase}.duration"] = d
        changes[f"phases.{phase}.duration_by_complexity"] = {}
    return with_changes(sc, changes)


def spliced_log(sc: Scenario, seed: int) -> pd.DataFrame:
    """The first CUT weeks of ``sc``, then doubled durations from the state at the cut."""
    first_sc = with_changes(sc, {"horizon_weeks": CUT})
    first, _ = model_case_log(first_sc, seed)
    log = read_case_log(first.to_csv(index=False).encode(), "a.csv", KEY, end=CUT)
    cal = calibrate(log, first_sc, gof=False, changes=False)
    state = {"start_state.children": cal.scenario.start_state.children,
             "start_state.elapsed": cal.scenario.start_state.elapsed,
             "horizon_weeks": WEEKS - CUT}
    second_sc = with_changes(_doubled(sc), state)
    second, _ = model_case_log(second_sc, seed + 100_000,
                               origin=ORIGIN + pd.Timedelta(weeks=CUT))
    second["case_id"] = "B" + second["case_id"]
    # the first part's cases still open at the cut end there (the second part holds them)
    exits = {"completed", "left", "aged_out", "withdrawn"}
    ended = set(first.loc[first["activity"].isin(exits), "case_id"])
    open_ = sorted(set(first["case_id"]) - ended)
    stamp = (ORIGIN + pd.Timedelta(weeks=CUT, minutes=30)).strftime("%Y-%m-%dT%H:%M")
    closing = pd.DataFrame({"case_id": open_, "activity": "withdrawn", "timestamp": stamp})
    return pd.concat([first, closing, second], ignore_index=True)


def one(kind: str, seed: int, sets: int, reps: int) -> dict[str, object]:
    sc = truth()
    if kind == "referrals":
        sc = with_changes(sc, {"referrals.schedule": [{"from_week": 0, "per_year": 20.0},
                                                       {"from_week": CUT, "per_year": 40.0}]})
    if kind == "durations":
        frame = spliced_log(sc, seed)
    else:
        frame, _ = model_case_log(sc, seed)
    log = read_case_log(frame.to_csv(index=False).encode(), f"{kind}.csv", KEY, end=WEEKS)
    t0 = time.perf_counter()
    bc = run_backcast(log, truth(), CUT, reps=reps, sets=sets, seed=seed)
    return {"kind": kind, "seed": seed, "passed": int(bc.passed), "p": round(bc.p_value, 4),
            "histories": bc.reps, "failed": " ".join(s.name for s in bc.series if not s.passed)
            + (" rtp" if not bc.distributions[0].passed else ""),
            "seconds": round(time.perf_counter() - t0, 1),
            **{f"rank_{s.name}": round(s.level_rank, 4) for s in bc.series}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--first-seed", type=int, default=0,
                    help="start here (to split the seeds over processes writing other files)")
    ap.add_argument("--power-seeds", type=int, default=30)
    ap.add_argument("--sets", type=int, default=8)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default="validation/results/calibration_backcast.csv")
    ap.add_argument("--kinds", default="null,referrals,durations")
    ap.add_argument("--also", nargs="*", default=[],
                    help="other result files (from processes run in parallel) to summarise")
    ap.add_argument("--summary", default="", help="write the summary to this file too")
    args = ap.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = set()
    if out.exists():
        old = pd.read_csv(out, keep_default_na=False)
        done = set(zip(old["kind"], old["seed"], strict=True))
    kinds = args.kinds.split(",")
    plan = [(k, s) for s in range(args.first_seed, max(args.seeds, args.power_seeds))
            for k in kinds
            if s < (args.seeds if k == "null" else args.power_seeds)]  # interleaved
    for kind, seed in plan:
        if (kind, seed) in done:
            continue
        row = one(kind, 1000 + seed, args.sets, args.reps)
        row["seed"] = seed
        new = not out.exists()
        with out.open("a", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(row))
            if new:
                w.writeheader()
            w.writerow(row)
        print(row, flush=True)
    summarise([out, *[Path(p) for p in args.also]], args.summary)


def summarise(files: list[Path], to: str = "") -> str:
    """Failures per kind with Wilson 95% intervals, and for the unchanged logs the rank
    histogram of each series' level (uniform when observed and simulated are alike: the KS
    test against the uniform, and the share of ranks in the outer 5% on either side)."""
    from scipy import stats

    res = pd.concat([pd.read_csv(f, keep_default_na=False) for f in files if f.exists()],
                    ignore_index=True)  # keep_default_na: the kind "null" is not missing
    res = res.drop_duplicates(["kind", "seed"])
    lines = []
    for kind, g in res.groupby("kind"):
        fails = int((g["passed"] == 0).sum())
        lo, hi = _wilson(fails, len(g))
        lines.append(f"{kind:<10} failed {fails}/{len(g)} = {100 * fails / len(g):.1f}% "
                     f"(95% {100 * lo:.1f}-{100 * hi:.1f}%), histories {g['histories'].iloc[0]}"
                     f", median {g['seconds'].median():.1f} s")
    null = res[res["kind"] == "null"]
    for col in [c for c in res.columns if c.startswith("rank_")]:
        r = pd.to_numeric(null[col], errors="coerce").dropna().to_numpy()
        if len(r):
            lines.append(f"  rank {col[5:]:<14} mean {r.mean():.2f} (0.50), outer 10% "
                         f"{np.mean((r < 0.05) | (r > 0.95)):.2f} (about 0.10), KS vs uniform "
                         f"p = {stats.kstest(r, 'uniform').pvalue:.2g} (n {len(r)})")
    text = "\n".join(lines)
    print(text)
    if to:
        Path(to).write_text(text + "\n")
    return text


def _wilson(k: int, n: int) -> tuple[float, float]:
    from scipy.stats import binomtest

    ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
    return float(ci.low), float(ci.high)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
