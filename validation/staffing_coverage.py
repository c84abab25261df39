"""Validation of the least-staffing search (issue 8): exactness on textbook queues and the
coverage of its guarantee under repeated seeds.

1. Exactness: M/M/c reductions (``sim.theory.textbook``) at several loads, with thresholds between
   Erlang C's values at c* − 1 and c* (mean wait and 90th percentile). Prints the returned c
   against c* and the replications spent.
2. Coverage: a hard case where c* − 1 misses the threshold by only ``--gap`` (3%) of the
   model's own expected KPI (estimated first on ``--truth-reps`` replications). The search is
   repeated under ``--seeds`` seeds; the returned staffing must be feasible (c >= c*) in at
   least the stated share (95%) of them.

    python validation/staffing_coverage.py --seeds 40
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from sim.scenario.schema import scenario_hash
from sim.staffing.evaluate import Evaluator
from sim.staffing.search import Settings, search_staffing
from sim.staffing.space import Space, Variable, apply_point
from sim.staffing.targets import parse_target
from sim.staffing.theory import least_servers, mmc_statistic
from sim.theory.textbook import textbook_scenario

CASES = [  # arrivals/week, mean service (weeks), statistic
    (0.5, 3.0, "mean"), (1.0, 3.0, "mean"), (2.0, 2.5, "mean"),
    (0.5, 3.0, "p90"), (1.0, 3.0, "p90"), (2.0, 2.5, "p90"),
]


def scenario(lam: float, mean: float, horizon: float):  # noqa: ANN201
    return textbook_scenario(lam, {"dist": "exponential", "mean": mean}, 1,
                             hours_per_case=1.0, horizon_weeks=horizon, warmup_weeks=30)


def exactness(horizon: float, settings: Settings) -> None:
    print("| queue | load a | target | c* (Erlang C) | returned | replications |")
    print("|---|---|---|---|---|---|")
    for lam, mean, stat in CASES:
        values = {c: mmc_statistic(lam, 1 / mean, c, stat) for c in range(1, 15)}
        stable = [c for c in values if math.isfinite(values[c]) and values[c] > 0]
        # the threshold between c* - 1 and c* (geometric mean), c* the second stable c
        c_star = stable[1]
        thr = round(math.sqrt(values[c_star - 1] * max(values[c_star], 1e-3)), 3)
        c_star = least_servers(lam, 1 / mean, thr, stat)
        target = parse_target(f"wait_assessment_{stat} <= {thr}")
        r = search_staffing(scenario(lam, mean, horizon),
                            Space((Variable("pnp_counsellor", 1, 14, 1),)), [target], seed=7,
                            settings=settings)
        got = int(r.answer[0]) if r.answer else None
        print(f"| M/M/c, {lam:g}/week, mean {mean:g} | {lam * mean:g} | {target} | {c_star} "
              f"| {got} | {r.spent.ran} |", flush=True)


def coverage(seeds: int, horizon: float, truth_reps: int, gap: float,
             settings: Settings) -> None:
    lam, mean = 1.0, 2.0  # a = 2
    space = Space((Variable("pnp_counsellor", 1, 8, 1),))
    base = scenario(lam, mean, horizon)
    ev = Evaluator(999_999)
    truth = {}
    for c in (3.0, 4.0):
        scen = apply_point(base, space, (c,))
        rows = ev.kpis(scen, scenario_hash(scen), range(truth_reps))
        truth[c] = float(np.mean([x["wait_assessment_mean"] for x in rows]))
    thr = round(truth[3.0] * (1 - gap), 4)
    print(f"\ncoverage case: M/M/c a = 2, model's expected mean wait {truth[3.0]:.4f} (c = 3) "
          f"and {truth[4.0]:.4f} (c = 4) over {truth_reps} replications; threshold {thr} "
          f"({gap:.0%} below c = 3)")
    target = [parse_target(f"wait_assessment_mean <= {thr}")]
    answers, spent = [], []
    start = time.monotonic()
    for seed in range(seeds):
        r = search_staffing(base, space, target, seed=1000 + seed, settings=settings)
        answers.append(int(r.answer[0]) if r.answer else None)
        spent.append(r.spent.ran)
    wrong = sum(1 for a in answers if a is not None and a < 4)
    none = sum(1 for a in answers if a is None)
    print(f"returned: {dict(sorted((str(a), answers.count(a)) for a in set(answers)))}")
    print(f"infeasible answers: {wrong} of {seeds} ({wrong / seeds:.1%}; allowed "
          f"{1 - settings.confidence:.0%}); no answer: {none}; feasible: "
          f"{(seeds - wrong - none) / seeds:.1%}; replications per search: median "
          f"{int(np.median(spent))}; {time.monotonic() - start:.0f} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=40)
    p.add_argument("--horizon", type=float, default=300.0)
    p.add_argument("--truth-reps", type=int, default=400)
    p.add_argument("--gap", type=float, default=0.03)
    p.add_argument("--skip-exactness", action="store_true")
    a = p.parse_args()
    settings = Settings(first_reps=5, max_reps=20, confirm_reps=20)
    if not a.skip_exactness:
        exactness(a.horizon, settings)
    coverage(a.seeds, a.horizon, a.truth_reps, a.gap, settings)


if __name__ == "__main__":
    main()
