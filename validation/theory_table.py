"""Print the model-versus-theory table that the README quotes (``make validate``).

Each row reduces the P&P model to a textbook queue (``sim.theory.textbook``) and compares the mean
wait for staff with Erlang C (M/M/c) or Pollaczek-Khinchine (M/G/1); then the baseline's
Little's-law gaps per state over a 100-year run.
"""

from __future__ import annotations

import argparse
import os

from sim import load_scenario, run_experiment
from sim.scenario.schema import parse_scenario, scenario_to_dict
from sim.theory.queueing import mg1_mean_wait, mmc_mean_wait
from sim.theory.textbook import textbook_scenario

CASES = [
    ("M/M/1", 0.5, {"dist": "exponential", "mean": 1.0}, 1, mmc_mean_wait(0.5, 1, 1)),
    ("M/M/1", 0.8, {"dist": "exponential", "mean": 1.0}, 1, mmc_mean_wait(0.8, 1, 1)),
    ("M/M/3", 2.1, {"dist": "exponential", "mean": 1.0}, 3, mmc_mean_wait(2.1, 1, 3)),
    ("M/M/3", 2.7, {"dist": "exponential", "mean": 1.0}, 3, mmc_mean_wait(2.7, 1, 3)),
    ("M/M/5", 1.5, {"dist": "exponential", "mean": 2.0}, 5, mmc_mean_wait(1.5, 0.5, 5)),
    ("M/D/1", 0.6, {"dist": "fixed", "value": 1.0}, 1, mg1_mean_wait(0.6, 1, 1)),
    ("M/G/1 gamma, cs2 0.25", 0.6, {"dist": "gamma", "mean": 1.0, "sd": 0.5}, 1,
     mg1_mean_wait(0.6, 1, 1.25)),
    ("M/G/1 lognormal, cs2 2.25", 0.6, {"dist": "lognormal", "mean": 1.0, "sd": 1.5}, 1,
     mg1_mean_wait(0.6, 1, 3.25)),
]


def breakdown_share(workers: int) -> None:
    """Share of placements that break down within two years, with unlimited staff."""
    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data |= {"horizon_weeks": 1040, "warmup_weeks": 52}
    data["referrals"]["schedule"][0]["per_year"] = 20
    data["families"]["unlimited"] = True
    for role in ("coordinator", "pnp_counsellor", "parent_counsellor"):
        data["staff"][role]["schedule"] = [{"from_week": 0, "hours": 10_000}]
    res = run_experiment(parse_scenario(data), reps=4, seed=1, workers=workers)
    placed = broke = 0
    for _, ev in res.events.groupby(["rep", "child"]):
        starts = ev.loc[ev.event == "placement", "week"].to_numpy()
        ends = ev.loc[ev.event == "breakdown", "week"].to_numpy()
        for start in starts[starts <= 1040 - 104]:
            placed += 1
            broke += bool(((ends > start) & (ends <= start + 104)).any())
    print(f"\nBreakdown within two years of placement: {broke} of {placed} placements = "
          f"{100 * broke / placed:.1f}% (pooled meta-analysis: 27.5%)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reps", type=int, default=16)
    ap.add_argument("--customers", type=int, default=20_000, help="per replication")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only-breakdown", action="store_true", help="just the breakdown check")
    args = ap.parse_args()
    if args.only_breakdown:
        breakdown_share(args.workers)
        return
    print(f"{args.reps} replications x {args.customers} children after a 200-week warm-up\n")
    print("| queue | load | theory (weeks) | model | 95% CI | error |")
    print("|---|---|---|---|---|---|")
    for name, lam, service, servers, theory in CASES:
        mean = service.get("mean", service.get("value"))
        scen = textbook_scenario(lam, service, servers, horizon_weeks=200 + args.customers / lam)
        row = run_experiment(scen, reps=args.reps, seed=1, workers=args.workers,
                             detail=False).summary.set_index("kpi").loc["wait_assessment_mean"]
        err = 100 * (row["mean"] - theory) / theory
        print(f"| {name} | {lam * mean / servers:.2f} | {theory:.3f} | {row['mean']:.3f} | "
              f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}] | {err:+.1f}% |")
    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data |= {"horizon_weeks": 5200, "warmup_weeks": 104}
    res = run_experiment(parse_scenario(data), reps=8, seed=1, workers=args.workers,
                         detail=False)
    little = res.little.groupby("phase", sort=False)[["L", "lamW", "rel_error"]].mean()
    print("\nLittle's law on baseline.yaml, 100 years x 8 replications\n")
    print("| state | L (children) | lambda x W | gap |")
    print("|---|---|---|---|")
    for phase, r in little.iterrows():
        print(f"| {phase} | {r['L']:.3f} | {r['lamW']:.3f} | {100 * r['rel_error']:.2f}% |")
    breakdown_share(args.workers)


if __name__ == "__main__":
    main()
