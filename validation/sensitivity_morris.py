"""False alarms of Morris screening: how often an input with no effect reads "clear effect".

Ishigami on three inputs plus a fourth that the function ignores, with noise of standard
deviation 1 (independent per point, or half its variance one draw per replication shared by
every point, as common random numbers make it), 20 trajectories, over many seeds, at 3 and 10
replications (the engine refuses 2: its noise floor would rest on one residual). Run
``python validation/sensitivity_morris.py [--seeds 300]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.sensitivity.engine import Problem, ishigami, morris_screening


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=300)
    ap.add_argument("--trajectories", type=int, default=20)
    ap.add_argument("--reps", type=int, nargs="+", default=[3, 10])
    args = ap.parse_args()
    problem = Problem(["x1", "x2", "x3", "inert"], [(-np.pi, np.pi)] * 4)
    print("| noise | r | inert input read as clear effect | x3 (small effect) found |")
    print("|---|---|---|---|")
    t0 = time.time()
    for kind in ("independent", "half shared"):
        for reps in args.reps:
            alarms = found = 0
            for seed in range(args.seeds):
                rng = np.random.default_rng(9000 + seed)

                def ev(x: np.ndarray, r: int, rng: np.random.Generator = rng,
                       kind: str = kind) -> np.ndarray:
                    if kind == "independent":
                        e = rng.normal(0, 1.0, (len(x), r))
                    else:
                        e = (rng.normal(0, np.sqrt(0.5), r)[None, :]
                             + rng.normal(0, np.sqrt(0.5), (len(x), r)))
                    return ishigami(x[:, :3])[:, None] + e

                m = morris_screening(problem, ev, trajectories=args.trajectories, reps=reps,
                                     seed=seed, n_boot=200)
                clear = m.clear_effect()[0]
                alarms += int(clear[3])
                found += int(clear[2])
            print(f"| {kind} | {reps} | {alarms}/{args.seeds} ({100 * alarms / args.seeds:.1f}%)"
                  f" | {found}/{args.seeds} |", flush=True)
    print(f"\n{args.seeds} seeds, {args.trajectories} trajectories: {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
