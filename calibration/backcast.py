"""Back-cast validation: fit on the log before a cut-off, simulate after it, compare.

The start state is the log's state at the cut-off; every fitted number comes from the events
before it; the period after it is simulated with replications (``sim.run_experiment``) and
compared month by month with what the log shows. Observed and simulated series are computed
by the same code from the same kind of timeline (the simulated events are read as a log).

Acceptance criteria are fixed before looking (they head the report), following Sargent's
advice: a monthly series passes when the share of months inside the simulated 95% band is at
least ``COVERAGE`` or, if lower, the 5th percentile of the coverage that the model's own
replications reach against the band of the others (the noise floor); a distribution passes
when its Kolmogorov-Smirnov distance to the simulated one is within the 95th percentile of
the same distance between one replication and the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from calibration.calibrate import Calibration, calibrate
from calibration.read import CaseLog, FamilyLog
from calibration.timeline import TASK_TRAINING, Timeline, build
from sim import Scenario, run_experiment
from sim.domain import MATCHING_PHASES, PLACED_PHASES
from sim.stats import summarise_rows

WEEKS_PER_MONTH = 52.0 / 12.0
COVERAGE = 0.90
SERIES = ("referrals", "placements", "breakdowns", "waiting_list", "in_assessment",
          "in_matching", "placed")
#: 5% chance in all that a correct model fails any of the 8 checks (Bonferroni): each check's
#: noise floor is taken at 5%/8 of the model's own replications.
FLOOR_QUANTILE = 0.05 / (len(SERIES) + 1)
SERIES_LABELS = {
    "referrals": "Referrals per month",
    "placements": "Placements per month",
    "breakdowns": "Breakdowns per month",
    "waiting_list": "Waiting list (waiting for staff or a family, not placed) at month end",
    "in_assessment": "Children in assessment at month end",
    "in_matching": "Children in matching at month end",
    "placed": "Children placed at month end",
}


@dataclass
class SeriesCheck:
    name: str
    months: np.ndarray
    observed: np.ndarray
    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    coverage: float
    floor: float  # 5th percentile of the replications' own coverage
    threshold: float
    mae: float
    mae_floor: float

    @property
    def passed(self) -> bool:
        return self.coverage >= self.threshold - 1e-12


@dataclass
class DistributionCheck:
    name: str
    observed: np.ndarray
    simulated: np.ndarray
    distance: float
    floor: float  # 95th percentile of the replications' own distance

    @property
    def passed(self) -> bool:
        return len(self.observed) >= 5 and self.distance <= self.floor + 1e-12


@dataclass
class Backcast:
    cutoff: float
    end: float
    reps: int
    series: list[SeriesCheck]
    distributions: list[DistributionCheck]
    calibration: Calibration
    scenario: Scenario
    stamp: dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.series) and all(d.passed for d in self.distributions)


def monthly(tl: Timeline, start: float, months: int,
            exclude_referrals: set[str] | None = None) -> dict[str, np.ndarray]:
    """The monthly series of a timeline from ``start`` on."""
    edges = start + WEEKS_PER_MONTH * np.arange(months + 1)
    out: dict[str, np.ndarray] = {}
    refs = tl.referrals
    if exclude_referrals:
        refs = refs[~refs["case"].isin(exclude_referrals)]
    out["referrals"] = np.histogram(refs["t"], edges)[0].astype(float)
    pts = tl.points
    for name, act in (("placements", "placement"), ("breakdowns", "breakdown")):
        out[name] = np.histogram(pts.loc[pts["activity"] == act, "t"], edges)[0].astype(float)
    st = tl.stays
    ends = edges[1:]
    s0 = st["start"].to_numpy()
    s1 = st["end"].to_numpy()
    cens = st["censored"].to_numpy()
    state = st["state"].to_numpy()
    placed = st["placed"].to_numpy()
    groups = {
        "waiting_list": ((state == "waiting_family") | ((state == "waiting_staff") & ~placed)),
        "in_assessment": state == "assessment",
        "in_matching": np.isin(state, MATCHING_PHASES),
        "placed": np.isin(state, [*PLACED_PHASES, TASK_TRAINING]) | (
            np.isin(state, ["waiting_staff", "crisis_admission"]) & placed),
    }
    for name, mask in groups.items():
        a, b, c = s0[mask], s1[mask], cens[mask]
        out[name] = np.array([float(np.sum((a <= e) & ((b > e) | (c & (b >= e)))))
                              for e in ends])
    return out


def _sim_timeline(events: pd.DataFrame, offset: float) -> tuple[Timeline, set[str]]:
    """A replication's events as a timeline (times shifted to the log's clock)."""
    event = events["event"].astype(str)
    activity = event.where(~event.isin(["enter", "exit"]), events["phase"])
    activity = activity.where(event != "exit", events["detail"])
    frame = pd.DataFrame({"case": events["child"].astype(str), "activity": activity,
                          "t": events["week"].to_numpy(dtype=float) + offset,
                          "lifecycle": "start", "row": np.arange(len(events))})
    log = CaseLog(frame, pd.DataFrame(), "<simulated>", "", None, float("nan"))
    return build(log, end=float("inf")), set()


def referral_to_placement(tl: Timeline, after: float, exclude: set[str]) -> np.ndarray:
    refs = tl.referrals[(tl.referrals["t"] >= after) & ~tl.referrals["case"].isin(exclude)]
    first = tl.points[tl.points["activity"] == "placement"].groupby("case")["t"].min()
    joined = refs.set_index("case")["t"]
    placed = first.reindex(joined.index)
    ok = placed.notna()
    return (placed[ok] - joined[ok]).to_numpy(dtype=float)


def run_backcast(log: CaseLog, scenario: Scenario, cutoff: float, reps: int = 30,
                 seed: int = 1, families: FamilyLog | None = None, workers: int = 1,
                 progress=None) -> Backcast:
    """Fit before ``cutoff`` (weeks on the log's clock), simulate after it, compare."""
    if not 0 < cutoff < log.end:
        raise ValueError(f"the cut-off must fall inside the log (week 0 to {log.end:.1f}); "
                         f"got week {cutoff:.1f}")
    fam = None
    if families is not None:
        fam = FamilyLog(families.events[families.events["t"] <= cutoff], families.source,
                        families.digest, cutoff)
    cal = calibrate(log, scenario, fam, end=cutoff, gof=False, seed=seed)
    months = int((log.end - cutoff) // WEEKS_PER_MONTH)
    if months < 3:
        raise ValueError("the cut-off leaves fewer than 3 months of log to compare with")
    horizon = months * WEEKS_PER_MONTH
    sim_scenario = cal.scenario.model_copy(update={"horizon_weeks": horizon + 1e-6,
                                                   "warmup_weeks": 0.0})
    result = run_experiment(sim_scenario, reps=reps, seed=seed, workers=workers,
                            progress=progress)
    observed_tl = build(log, end=log.end)
    obs = monthly(observed_tl, cutoff, months)
    obs_rtp = referral_to_placement(observed_tl, cutoff, set())
    sims: list[dict[str, np.ndarray]] = []
    sim_rtp: list[np.ndarray] = []
    for rep in result.replications:
        tl, _ = _sim_timeline(rep.events, cutoff)
        kids = rep.children
        initial = set(kids.loc[kids["initial"].astype(bool), "child"].astype(str))
        tl.end = cutoff + horizon
        sims.append(monthly(tl, cutoff, months, exclude_referrals=initial))
        sim_rtp.append(referral_to_placement(tl, cutoff, initial))
    checks = [_series_check(name, obs[name], np.array([s[name] for s in sims]).T)
              for name in SERIES]
    dists = [_distribution_check("referral_to_placement", obs_rtp, sim_rtp)]
    return Backcast(cutoff, log.end, reps, checks, dists, cal, sim_scenario, result.stamp)


def _band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where one history falls with 95% probability, month by month (empirical quantiles
    over replications): a prediction band, not the interval of the mean."""
    return np.quantile(matrix, 0.025, axis=1), np.quantile(matrix, 0.975, axis=1)


def _series_check(name: str, observed: np.ndarray, matrix: np.ndarray) -> SeriesCheck:
    low, high = _band(matrix)
    mean, _, _ = summarise_rows(matrix)
    inside = (observed >= low - 1e-9) & (observed <= high + 1e-9)
    coverage = float(inside.mean())
    own = []
    maes = []
    for r in range(matrix.shape[1]):
        others = np.delete(matrix, r, axis=1)
        lo, hi = _band(others)
        x = matrix[:, r]
        own.append(float(((x >= lo - 1e-9) & (x <= hi + 1e-9)).mean()))
        maes.append(float(np.mean(np.abs(x - others.mean(axis=1)))))
    floor = float(np.quantile(own, FLOOR_QUANTILE))
    return SeriesCheck(name, np.arange(len(observed)), observed, low, high, mean, coverage,
                       floor, min(COVERAGE, floor), float(np.mean(np.abs(observed - mean))),
                       float(np.quantile(maes, 0.95)))


def _distribution_check(name: str, observed: np.ndarray,
                        sims: list[np.ndarray]) -> DistributionCheck:
    pooled = np.concatenate(sims) if sims else np.zeros(0)
    if len(observed) == 0 or len(pooled) == 0:
        return DistributionCheck(name, observed, pooled, math.nan, math.nan)
    distance = float(stats.ks_2samp(observed, pooled).statistic)
    own = []
    for r, x in enumerate(sims):
        others = np.concatenate([s for j, s in enumerate(sims) if j != r])
        if len(x) and len(others):
            own.append(float(stats.ks_2samp(x, others).statistic))
    floor = float(np.quantile(own, 1 - FLOOR_QUANTILE)) if own else math.nan
    return DistributionCheck(name, observed, pooled, distance, floor)
