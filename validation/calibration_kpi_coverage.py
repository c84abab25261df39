"""KPI coverage of ``run --parameter-uncertainty`` on synthetic logs with known truth (issue 17).

``calibration_uncertainty.py`` checks that the parameter *sets* spread over the true
parameter values, and ``tests/calibration/test_uncertainty.py`` the two-level estimator by
repetition. This script checks the whole chain through the model: does the "95% interval
including what we do not know about your inputs" cover the true KPI?

Per seed:

1. A 10-year log at 20 referrals a year is drawn from
   ``calibration/examples/synthetic_truth.yaml`` and calibrated, as in
   ``calibration_uncertainty.py`` (``gof=False, changes=False``).
2. The calibrated scenario goes through the YAML the command line writes and reads back
   (``scenario_yaml``), the parameter sets (``parameter_sets``, bootstrap over cases) through
   a parameter-sets file (``sets_yaml``, read back by ``parse_parameter_sets``), and both run
   on the public path of ``pnp-sim run --parameter-uncertainty`` (``run_sets`` and its
   ``summary``, i.e. ``sim.outputs.stats.summarise_sets``): the *two-part* interval a user sees.
   The *noise-only* interval is a plain ``pnp-sim run`` of the calibrated scenario
   (``run_experiment`` and its ``summary``, the scenario's 20 replications): what a user sees
   without ``--parameter-uncertainty``.
3. The truth: the mean of ``--truth-reps`` (200) replications of the *true* parameters run on
   the same path and horizon (520 weeks, no warm-up), started from the *same start state* as
   the calibrated scenario. A calibrated scenario starts from the state at the log's end (with
   this truth about 40 children already wait for a family: the waiting list grows, since
   fewer families are approved than children referred), which is not a parameter and not
   uncertain; a truth started from the example's own start state would differ from every
   fit by that alone. So the truth depends on the seed; it is cached per seed (keyed by the
   hash of its scenario) in ``<out>_truth.csv``, with its standard error.

A KPI is covered when its truth lies inside the interval. Reported per KPI: the share of
seeds covered (95% is the aim) with a Wilson 95% interval, for both intervals, and the mean
z-score (estimate - truth) / (half-width / t): a mean far from 0 is a bias, an sd above 1 an
interval too narrow.

Sizes: 40 sets (the default of ``calibrate --sets``) x 5 replications a set (``run
--parameter-uncertainty`` defaults to 10). Halving the replications keeps a seed near 80 s on
one shared core, so that 30 seeds fit in 40 minutes. The noise of the grand mean stays small
(under a tenth of the inputs' sd for every KPI), but for placements per year the noise of one
set's mean at 5 replications (sd about 0.6) is as large as the inputs' spread (about 0.65), so
the input part (between-set variance less within-set variance / r) is estimated less surely
than at 10, and can come out 0 (seed 21). ``--reps 10`` is the command line's setting. Seeds are
independent: each seed runs its sets at ``1_000_000 + 1000 * seed`` (+ set index), the plain
run at ``3_000_000 + seed`` and the truth at ``5_000_000 + seed``. Rows are appended to
``--out`` as each seed finishes; a rerun skips the seeds done.

    python validation/calibration_kpi_coverage.py --seeds 30 \\
        --summary validation/results/calibration_kpi_coverage_summary.txt
"""

from __future__ import annotations

import argparse
import csv
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from calibration.calibrate import calibrate
from calibration.read import read_case_log
from calibration.synthetic import model_case_log, with_changes
from calibration.uncertainty import DEFAULT_SETS, parameter_sets, sets_yaml
from calibration.yamlout import scenario_yaml
from sim.outputs.kpi_defs import KPIS
from sim.outputs.stats import t_quantile
from sim.running.parameter_sets import parse_parameter_sets, run_sets
from sim.running.runner import run_experiment
from sim.scenario.schema import (
    Scenario,
    load_scenario,
    parse_scenario_text,
    scenario_hash,
    scenario_to_dict,
)

ROOT = Path(__file__).resolve().parents[1]
KEY = "validation-key-0123456789abcdef"
OUT = "validation/results/calibration_kpi_coverage.csv"
#: What a planner reads: throughput, breakdowns, the wait, the waiting list, the caseload.
KPI_NAMES = ("placements_per_year", "completed_per_year", "breakdowns_per_year",
             "referral_to_placement_mean", "waiting_family", "children_in_programme")
#: ``pnp-sim run --parameter-uncertainty``'s default replications per set.
RUN_SETS_REPS = 10


def truth(horizon: float = 520.0) -> Scenario:
    """The known truth of ``calibration_uncertainty.py``: the synthetic example at 20
    referrals a year with ample staff hours, over ``horizon`` weeks."""
    base = load_scenario(ROOT / "calibration" / "examples" / "synthetic_truth.yaml")
    return with_changes(base, {"horizon_weeks": horizon, "warmup_weeks": 0.0,
                               "referrals.schedule": [{"from_week": 0, "per_year": 20.0}],
                               **{f"staff.{r}.schedule.0.hours": 500 for r in
                                  ("coordinator", "pnp_counsellor", "parent_counsellor")}})


def _truth_kpis(sc: Scenario, seed: int, reps: int,
                cache: Path | None) -> dict[str, tuple[float, float]]:
    """KPI -> (mean, standard error) over ``reps`` replications of ``sc``, cached in
    ``cache`` (one row per seed and KPI) under the scenario's hash."""
    digest = scenario_hash(sc)
    if cache is not None and cache.exists():
        old = pd.read_csv(cache, dtype={"hash": str})
        hit = old[(old["seed"] == seed) & (old["hash"] == digest) & (old["reps"] == reps)]
        if set(KPI_NAMES) <= set(hit["kpi"]):
            return {r.kpi: (float(r.truth), float(r.truth_se)) for r in hit.itertuples()}
    res = run_experiment(sc, reps=reps, seed=5_000_000 + seed, detail=False)
    out: dict[str, tuple[float, float]] = {}
    for name in KPI_NAMES:
        v = res.kpi_values(name)
        v = v[~np.isnan(v)]
        out[name] = (float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v))))
    if cache is not None:
        new = not cache.exists()
        with cache.open("a", newline="") as fh:
            w = csv.writer(fh)
            if new:
                w.writerow(["seed", "hash", "reps", "kpi", "truth", "truth_se"])
            for name, (m, se) in out.items():
                w.writerow([seed, digest, reps, name, repr(m), repr(se)])
    return out


def one(seed: int, sets: int = DEFAULT_SETS, reps: int = 5, truth_reps: int = 200,
        horizon: float = 520.0, plain_reps: int | None = None,
        truth_cache: Path | None = None) -> list[dict[str, Any]]:
    """One seed: a row per KPI with the truth, both intervals and whether each covers it."""
    t0 = time.perf_counter()
    sc = truth(horizon)
    frame, end = model_case_log(sc, seed)
    log = read_case_log(frame.to_csv(index=False).encode(), "t.csv", KEY, end=end)
    cal = calibrate(log, sc, gof=False, changes=False)
    # what `pnp-sim calibrate --parameter-sets` writes and `pnp-sim run` reads back
    fitted = parse_scenario_text(scenario_yaml(cal.scenario, cal.tags(), []), "calibrated")
    draws = parameter_sets(log, sc, cal, sets, seed)
    fit = parse_parameter_sets(yaml.safe_load(sets_yaml(cal.scenario, draws, log.digest)),
                               "sets.yaml")
    two = run_sets(fitted, fit, reps, 1_000_000 + 1000 * seed, source="sets.yaml")
    two_part = two.summary.set_index("kpi")
    plain = run_experiment(fitted, reps=plain_reps, seed=3_000_000 + seed, detail=False)
    noise = plain.summary.set_index("kpi")
    # the true parameters from the calibrated scenario's start state (the log's end)
    true_sc = with_changes(sc, {"start_state": scenario_to_dict(fitted)["start_state"]})
    true = _truth_kpis(true_sc, seed, truth_reps, truth_cache)
    seconds = round(time.perf_counter() - t0, 1)
    rows = []
    for name in KPI_NAMES:
        t, t_se = true[name]
        n, s = noise.loc[name], two_part.loc[name]
        rows.append({
            "seed": seed, "kpi": name, "truth": round(t, 5), "truth_se": round(t_se, 5),
            "point": round(float(n["mean"]), 5), "noise_low": round(float(n["ci_low"]), 5),
            "noise_high": round(float(n["ci_high"]), 5),
            "noise_covered": int(n["ci_low"] <= t <= n["ci_high"]), "noise_reps": int(n["n"]),
            "sets_mean": round(float(s["mean"]), 5), "low": round(float(s["low"]), 5),
            "high": round(float(s["high"]), 5), "covered": int(s["low"] <= t <= s["high"]),
            "input_sd": round(float(s["input_sd"]), 5),
            "noise_sd": round(float(s["noise_sd"]), 5), "sets": int(s["sets"]),
            "reps": int(s["reps"]), "truth_reps": truth_reps, "seconds": seconds})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--sets", type=int, default=DEFAULT_SETS)
    ap.add_argument("--reps", type=int, default=5,
                    help=f"replications per set (the command line's default: {RUN_SETS_REPS})")
    ap.add_argument("--truth-reps", type=int, default=200)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--summary", default="", help="write the summary to this file too")
    args = ap.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cache = out.with_name(out.stem + "_truth.csv")
    done = set(pd.read_csv(out)["seed"]) if out.exists() else set()
    for seed in range(args.seeds):
        if seed in done:
            continue
        rows = one(seed, args.sets, args.reps, args.truth_reps, truth_cache=cache)
        new = not out.exists()
        with out.open("a", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            if new:
                w.writeheader()
            w.writerows(rows)
        print(f"seed {seed}: {rows[0]['seconds']} s, two-part covered "
              + " ".join(f"{r['kpi']}={r['covered']}" for r in rows), flush=True)
    summarise(out, args.summary)


def _wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval for k successes in n."""
    if n == 0:
        return math.nan, math.nan
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def summarise(out: Path | str = OUT, to: str = "") -> str:
    """Per KPI: coverage k/n (Wilson 95%) of the noise-only and the two-part interval; the
    mean z-score (estimate - truth) / (half-width / t) and its sd for the two-part interval;
    the truth's standard error against the two-part half-width; the inputs' share of the
    variance."""
    res = pd.read_csv(out).drop_duplicates(["seed", "kpi"])
    lines = [f"{len(res['seed'].unique())} seeds; sets x reps {res['sets'].iloc[0]} x "
             f"{res['reps'].iloc[0]}, noise-only {res['noise_reps'].iloc[0]} replications, "
             f"truth {res['truth_reps'].iloc[0]} replications; median "
             f"{res.groupby('seed')['seconds'].first().median():.0f} s a seed",
             f"{'KPI':<28} {'noise-only':>22} {'two-part':>22} {'z mean':>7} {'z sd':>5} "
             f"{'se/half':>7} {'inputs':>6}"]
    for name in [k for k in KPI_NAMES if k in set(res["kpi"])]:
        g = res[res["kpi"] == name]
        n = len(g)
        cells = []
        for col in ("noise_covered", "covered"):
            k = int(g[col].sum())
            lo, hi = _wilson(k, n)
            cells.append(f"{k}/{n} ({100 * lo:.0f}-{100 * hi:.0f}%)")
        half = (g["high"] - g["low"]) / 2
        t = np.array([t_quantile(0.975, int(b) - 1) for b in g["sets"]])
        z = (g["sets_mean"] - g["truth"]) / (half / t)
        share = g["input_sd"] ** 2 / (g["input_sd"] ** 2 + g["noise_sd"] ** 2)
        lines.append(f"{KPIS[name].en[:28]:<28} {cells[0]:>22} {cells[1]:>22} "
                     f"{z.mean():7.2f} {z.std(ddof=1) if n > 1 else math.nan:5.2f} "
                     f"{(g['truth_se'] / half).median():7.3f} {100 * share.median():5.0f}%")
    lines.append("z: (mean over sets - truth) / (two-part half-width / t); about 0 and 1 when "
                 "the interval is right. se/half: median truth standard error over the two-part "
                 "half-width. inputs: median share of the variance from the inputs.")
    text = "\n".join(lines)
    print(text)
    if to:
        Path(to).write_text(text + "\n")
    return text


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
