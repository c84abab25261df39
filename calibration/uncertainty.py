"""Parameter uncertainty by bootstrap over cases (issue 17, item 4).

Each parameter set is a calibration of a resampled log: every case (child) of the log is
taken a Poisson(1) number of times (the Poisson bootstrap). Cases are the independent units,
so durations, breakdowns, shares and the number of referrals all vary as they would between
logs of the same programme; with Poisson weights the total count varies too, which an
ordinary n-out-of-n resample would freeze. The start state is not resampled: it is what the
log shows today, not a parameter.

The bootstrap cannot show what was never seen: a rate whose count is 0 (a phase with no
breakdowns) would be 0 in every set, and a share of 0 or 1 (every match succeeded) would never
move. Those figures are drawn instead from their Jeffreys posterior given the whole log: a
rate with no events in E of exposure from Gamma(1/2, E) (mean 0.5 / E, below the exact 95%
bound 3 / E), a share with k of n from Beta(k + 1/2, n - k + 1/2) (:func:`boundary_draws`).
A breakdown hazard with no breakdowns in its phase is drawn from Gamma(1/2, E + E0) instead,
where E0 is the exposure that holds half a breakdown at the placed phases' pooled hazard: the
phases' hazards are alike in size, and Jeffreys' mean 0.5 / E alone, for a phase seen only
briefly, is many times a small true hazard (the back-cast then saw too many breakdowns).
Likewise a withdrawal rate with no withdrawals borrows the other wait's exposure (half an
event at its rate, or its whole exposure when it saw none either): a few weeks of waiting for
staff alone would draw rates of several a year and empty the simulated waiting list.

The sets are written as a plain parameter-sets file (``sim.running.parameter_sets``) that
``pnp-sim run --parameter-uncertainty`` reads; ``sim`` never imports this module.
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import yaml

from calibration.calibrate import Calibration, calibrate
from calibration.errors import LogError
from calibration.read import CaseLog, FamilyLog
from sim.scenario.paths import get_by_path
from sim.scenario.schema import (
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_hash,
    scenario_to_dict,
)

#: Parameter sets drawn by default. The interval's half-width is estimated from the sets'
#: spread; with B sets its relative standard error is about 1 / sqrt(2 (B - 1)): 11% at 40,
#: and Student's t with 39 degrees of freedom (2.02) is within 3% of the normal 1.96.
DEFAULT_SETS = 40
#: Fitted paths replaced as a whole (their parts must stay consistent: shares sum to 1).
GROUPS = ("referrals.sources", "referrals.intensity", "referrals.complexity",
          "referrals.schedule")


def bootstrap_log(log: CaseLog, rng: np.random.Generator) -> CaseLog:
    """The log with each case repeated a Poisson(1) number of times (new case codes)."""
    cases = log.cases.index.to_numpy()
    counts = rng.poisson(1.0, len(cases))
    reps = np.repeat(cases, counts)
    copy_no = np.concatenate([np.arange(c) for c in counts]) if len(reps) else np.zeros(0, int)
    new_ids = pd.Index([f"{c}#{k}" for c, k in zip(reps, copy_no, strict=True)])
    ev = log.events
    pos = ev.groupby("case", sort=False).indices
    idx = np.concatenate([pos[c] for c in reps]) if len(reps) else np.zeros(0, int)
    ids: Any = (np.repeat(new_ids.to_numpy(), [len(pos[c]) for c in reps]) if len(reps)
                else [])
    events = ev.iloc[idx].assign(case=ids).reset_index(drop=True)
    kases = log.cases.loc[reps].set_axis(new_ids)
    return replace(log, events=events, cases=kases)


def overrides_of(cal: Calibration, fitted_paths: list[str]) -> dict[str, Any]:
    """The values of ``fitted_paths`` in a calibrated scenario (groups whole)."""
    data = scenario_to_dict(cal.scenario)
    out: dict[str, Any] = {}
    for path in fitted_paths:
        if path.startswith("start_state."):
            continue
        group = next((g for g in GROUPS if path.startswith(g + ".")), None)
        key = group or path
        try:
            out[key] = copy.deepcopy(get_by_path(data, key))
        except KeyError:
            continue
    return out


def boundary_draws(cal: Calibration, rng: np.random.Generator) -> dict[str, float]:
    """One draw of each fitted figure that sits on its boundary (a rate from a count of 0, a
    share of 0 or 1), from its Jeffreys posterior; keyed by path. Figures inside a group
    (the referral mix) are left to the bootstrap."""
    out: dict[str, float] = {}
    for f in cal.fitted:
        e = f.est
        if e is None or any(f.path.startswith(g + ".") for g in GROUPS):
            continue
        if e.n == 0 and math.isfinite(e.exposure) and e.exposure > 0:
            out[f.path] = float(f"{rng.gamma(0.5) / (e.exposure + e.prior_exposure):.4g}")
        elif (e.events is not None and e.n > 0 and e.events in (0, e.n)
              and math.isfinite(e.low) and 0.0 <= e.value <= 1.0):
            out[f.path] = round(float(rng.beta(e.events + 0.5, e.n - e.events + 0.5)), 4)
    return out


def parameter_sets(log: CaseLog, base: Scenario, cal: Calibration, sets: int = DEFAULT_SETS,
                   seed: int = 0, end: float | None = None,
                   families: FamilyLog | None = None) -> list[dict[str, Any]]:
    """``sets`` bootstrap calibrations as overrides of ``cal``'s fitted paths, figures on
    their boundary drawn by :func:`boundary_draws`. A resample that cannot be calibrated or
    gives an invalid scenario is drawn again (at most ``3 * sets`` draws in all)."""
    rng = np.random.default_rng([seed, 17])
    edge_rng = np.random.default_rng([seed, 17, 2])  # its own stream: the resamples stay
    paths = [f.path for f in cal.fitted]
    own = scenario_to_dict(cal.scenario)
    out: list[dict[str, Any]] = []
    for _ in range(3 * sets):
        if len(out) >= sets:
            break
        boot = bootstrap_log(log, rng)
        try:
            bc = calibrate(boot, base, families, end=end, gof=False, seed=seed,
                           changes=False, like=cal)
            ov = overrides_of(bc, paths)
            ov.update({p: v for p, v in boundary_draws(cal, edge_rng).items() if p in ov})
            apply_overrides(own, ov)
        except (LogError, ScenarioError, ValueError, KeyError):
            continue
        out.append(ov)
    return out


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any]) -> Scenario:
    from sim.scenario.paths import set_by_path

    new = copy.deepcopy(data)
    for path, value in overrides.items():
        set_by_path(new, path, value)
    return parse_scenario(new, "<parameter set>")


def sets_yaml(scenario: Scenario, sets: list[dict[str, Any]], digest: str) -> str:
    """A parameter-sets file (format of ``sim.running.parameter_sets``) for ``scenario``."""
    doc = {
        "pnp_sim_parameter_sets": 1,
        "scenario_hash": scenario_hash(scenario),
        "method": f"bootstrap over cases (Poisson weights) of log {digest}: {len(sets)} sets",
        "sets": [{"weight": 1, "overrides": s} for s in sets],
    }
    return ("# pnp-sim parameter sets: each set is the calibrated scenario with these values.\n"
            "# Use: pnp-sim run SCENARIO --parameter-uncertainty THIS_FILE\n"
            + yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=100))
