"""Back-cast validation: fit on the log before a cut-off, simulate after it, compare.

The start state is the log's state at the cut-off; every fitted number comes from the events
before it; the period after it is simulated and compared month by month with what the log
shows. Observed and simulated series are computed by the same code from the same kind of
timeline (the simulated events are read as a log).

What we do not know about the inputs is in the comparison: the simulated histories come from
``sets`` parameter sets, each a calibration of a bootstrap resample of the cases before the
cut-off (:mod:`calibration.uncertainty`), with ``reps`` replications each. So the band is
where one history falls given the fit's uncertainty, not only the simulation noise.

The test is fixed before looking (it heads the report) and is a Monte Carlo test: the
observed history and the M simulated ones are treated alike. For each check (seven monthly
series and the referral-to-placement distribution) every history gets a discrepancy against
the band (or pooled distribution) of all the others: the share of months outside the 95%
band, or the Kolmogorov-Smirnov distance. Its rank among the M + 1 histories is the check's
p-value; the smallest p-value over the checks is the statistic, ranked the same way. The
back-cast fails when the observed history's statistic is among the most extreme 5%: if the
model (with its parameter uncertainty) is right, the observed history is one more draw like
the others and this happens at most 5% of the time, whatever the number of checks and
however they correlate. Ties count against the observed history (conservative).
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
from sim import Scenario, make_stamp, run_each, run_experiment
from sim.outputs.stats import summarise_rows
from sim.scenario.domain import MATCHING_PHASES, PLACED_PHASES

WEEKS_PER_MONTH = 52.0 / 12.0
SERIES = ("referrals", "placements", "breakdowns", "waiting_list", "in_assessment",
          "in_matching", "placed")
#: The chance that a right model fails the back-cast (all checks together).
ALPHA = 0.05
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
    floor: float  # 5th percentile of the simulated histories' own coverage
    threshold: float  # the lowest coverage that passes
    mae: float
    mae_floor: float
    p_value: float = math.nan  # rank of the observed history's discrepancy (this check)
    score: float = 0.0  # its discrepancy in sds of the simulated histories' (band or level)
    critical: float = math.inf  # scores at or above this fail (5% over all checks together)
    #: Where the observed mean over the months falls among the simulated histories' (share
    #: below it, ties half): over many unchanged logs it should be uniform on 0-1 (the rank
    #: histogram that found the start-state faults; ``validation/calibration_backcast.py``).
    level_rank: float = math.nan

    @property
    def passed(self) -> bool:
        return self.score < self.critical - 1e-12


@dataclass
class DistributionCheck:
    name: str
    observed: np.ndarray
    simulated: np.ndarray
    distance: float
    floor: float  # 95th percentile of the simulated histories' own distance
    p_value: float = math.nan  # NaN: not tested (fewer than 5 children placed)
    score: float = math.nan
    critical: float = math.inf

    @property
    def tested(self) -> bool:
        return not math.isnan(self.p_value)

    @property
    def passed(self) -> bool:
        return not self.tested or self.score < self.critical - 1e-12


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
    p_value: float = math.nan  # of the whole back-cast (Monte Carlo test)
    sets: int = 1

    @property
    def passed(self) -> bool:
        return self.p_value > ALPHA


def monthly(tl: Timeline, start: float, months: int,
            exclude_referrals: set[str] | None = None) -> dict[str, np.ndarray]:
    """The monthly series of a timeline from ``start`` on. ``exclude_referrals``: the
    simulated start children, whose referral and (for a child starting in fitting) placement
    the model logs at the start although both happened before the cut-off; the observed
    history shows neither after it, so counting them would make the histories unlike."""
    edges = start + WEEKS_PER_MONTH * np.arange(months + 1)
    out: dict[str, np.ndarray] = {}
    refs = tl.referrals
    pts = tl.points
    if exclude_referrals:
        refs = refs[~refs["case"].isin(exclude_referrals)]
        pts = pts[~(pts["case"].isin(exclude_referrals) & (pts["activity"] == "placement")
                    & (pts["t"] <= start + 1e-9))]
    out["referrals"] = np.histogram(refs["t"], edges)[0].astype(float)
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


def run_backcast(log: CaseLog, scenario: Scenario, cutoff: float, reps: int = 5,
                 seed: int = 1, families: FamilyLog | None = None, workers: int = 1,
                 progress=None, sets: int = 20) -> Backcast:
    """Fit before ``cutoff`` (weeks on the log's clock), simulate ``sets`` parameter sets x
    ``reps`` replications after it, compare (``sets`` = 1: the point fit only)."""
    from calibration.uncertainty import apply_overrides, parameter_sets
    from sim.scenario.schema import scenario_to_dict

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
    scenarios = [sim_scenario]
    if sets > 1:
        own = scenario_to_dict(sim_scenario)
        scenarios = [apply_overrides(own, ov) for ov in
                     parameter_sets(log, scenario, cal, sets, seed, end=cutoff, families=fam)]
    observed_tl = build(log, end=log.end)
    obs = monthly(observed_tl, cutoff, months)
    obs_rtp = referral_to_placement(observed_tl, cutoff, set())
    sims: list[dict[str, np.ndarray]] = []
    sim_rtp: list[np.ndarray] = []
    stamp: dict[str, object] = {}
    total = len(scenarios) * reps
    for b, sc in enumerate(scenarios):
        def step(done: int, _all: int, b: int = b) -> None:
            if progress:
                progress(b * reps + done, total)
        if fam is None:  # the families' state at the cut is not known: one per history
            runs = run_each(family_spin_up(sc, scenario, cutoff, reps, seed + b, workers),
                            seed + b, workers)
            stamp = stamp or make_stamp(sc, seed + b, reps)
            step(reps, reps)
        else:
            result = run_experiment(sc, reps=reps, seed=seed + b, workers=workers,
                                    progress=step)
            stamp = stamp or dict(result.stamp)
            runs = result.replications
        for rep in runs:
            tl, _ = _sim_timeline(rep.events, cutoff)
            kids = rep.children
            initial = set(kids.loc[kids["initial"].astype(bool), "child"].astype(str))
            tl.end = cutoff + horizon
            sims.append(monthly(tl, cutoff, months, exclude_referrals=initial))
            sim_rtp.append(referral_to_placement(tl, cutoff, initial))
    stamp["parameter_sets"] = len(scenarios)
    stamp["histories"] = len(sims)
    checks, dists, p = _monte_carlo(obs, sims, obs_rtp, sim_rtp)
    return Backcast(cutoff, log.end, len(sims), checks, dists, cal, sim_scenario, stamp,
                    p, len(scenarios))


#: The longest stretch of log before the cut-off simulated to draw the families' state at
#: the cut (screening lasts months and the pool turns over within a year or two).
SPIN_UP_WEEKS = 156.0
#: Seed offset of the spin-ups, so that they never share streams with the histories.
SPIN_UP_SEED = 7_919


def family_spin_up(sc: Scenario, base: Scenario, cutoff: float, reps: int, seed: int,
                   workers: int = 1) -> list[Scenario]:
    """``reps`` copies of ``sc``, each starting with a families' state drawn for the cut.

    A case log does not show the family pool or the families in screening, yet both shape
    matching after the cut (a pool of 0 or 15 is equally likely under the synthetic truth).
    Keeping the base scenario's pool and no families in screening would make every history
    start alike and too few approvals arrive in the first months. So each history gets the
    state of its own run of ``sc`` over the last ``SPIN_UP_WEEKS`` (at most) before the cut,
    from the base scenario's start state: the number of families in the pool and in
    screening at its end; the weeks each family has already been screening are drawn from
    the equilibrium of a steady stream (a length-biased screening time, a uniform point in
    it). The pool's spread given the parameters is thereby in the band; what the children's
    state at the cut says about the pool is not used (a wider band, on the safe side)."""
    weeks = min(cutoff, SPIN_UP_WEEKS)
    warm = sc.model_copy(update={"horizon_weeks": weeks, "warmup_weeks": 0.0,
                                 "start_state": base.start_state})
    spun = run_experiment(warm, reps=reps, seed=seed + SPIN_UP_SEED, workers=workers)
    rng = np.random.default_rng([seed, SPIN_UP_SEED])
    dist = sc.families.screening.duration
    durations = np.array([dist.sample(u) for u in rng.random(4096)])
    weights = durations / durations.sum() if durations.sum() > 0 else None
    out = []
    for rep in spun.replications:
        last = rep.weekly.iloc[-1]
        n = int(last["families_screening"])
        total = rng.choice(durations, size=n, p=weights)
        elapsed = sorted(round(float(x), 3) for x in total * rng.random(n))
        start = sc.start_state.model_copy(update={
            "families_in_pool": int(last["families_pool"]),
            "families_in_screening": elapsed})
        out.append(sc.model_copy(update={"start_state": start}))
    return out


def _band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where one history falls with 95% probability, month by month (empirical quantiles
    over replications): a prediction band, not the interval of the mean."""
    return np.quantile(matrix, 0.025, axis=1), np.quantile(matrix, 0.975, axis=1)


def _outside(matrix: np.ndarray) -> np.ndarray:
    """For each column (history), the share of months outside the band of the others: the
    leave-one-out quantiles (as ``np.quantile``, linear) read off one sort per month."""
    months, n = matrix.shape
    if n < 3:
        return np.zeros(n)
    order = np.argsort(matrix, axis=1, kind="stable")
    srt = np.take_along_axis(matrix, order, axis=1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n), (months, n)), axis=1)

    def others_quantile(q: float) -> np.ndarray:
        pos = q * (n - 2)  # the others are n - 1 values: positions 0 .. n - 2
        k0 = int(math.floor(pos))
        k1 = min(k0 + 1, n - 2)
        frac = pos - k0

        def at(k: int) -> np.ndarray:  # the others' k-th value: skip the history itself
            return np.take_along_axis(srt, np.where(k < rank, k, k + 1), axis=1)

        return at(k0) * (1 - frac) + at(k1) * frac

    lo, hi = others_quantile(0.025), others_quantile(0.975)
    inside = (matrix >= lo - 1e-9) & (matrix <= hi + 1e-9)
    return 1.0 - inside.mean(axis=0)


def _ranks(d: np.ndarray) -> np.ndarray:
    """p-value of each history's discrepancy among all: the share at least as extreme."""
    return (d[None, :] >= d[:, None] - 1e-12).sum(axis=1) / len(d)


def _scores(d: np.ndarray) -> np.ndarray:
    """Each history's discrepancy standardised by the mean and sd of the others' (so checks
    of different scales can be combined by their maximum without losing resolution)."""
    n = len(d)
    total, sq = d.sum(), (d * d).sum()
    mean = (total - d) / (n - 1)
    var = np.maximum((sq - d * d) / (n - 1) - mean * mean, 0.0) * (n - 1) / max(n - 2, 1)
    return (d - mean) / (np.sqrt(var) + 1e-9)


def _mid_rank(values: np.ndarray) -> float:
    """Share of values[1:] below values[0], ties counted half."""
    others = values[1:]
    if not len(others):
        return math.nan
    return float(((others < values[0]).sum() + 0.5 * (others == values[0]).sum()) / len(others))


def _monte_carlo(obs: dict[str, np.ndarray], sims: list[dict[str, np.ndarray]],
                 obs_rtp: np.ndarray, sim_rtp: list[np.ndarray],
                 ) -> tuple[list[SeriesCheck], list[DistributionCheck], float]:
    """The Monte Carlo test of the module docstring; column 0 is the observed history."""
    matrices = {name: np.column_stack([obs[name], *[s[name] for s in sims]])
                for name in SERIES}
    disc = {name: _outside(m) for name, m in matrices.items()}
    # and the level: a shift every month (doubled referrals) can stay inside a wide monthly
    # band, but not the mean over the months
    for name, m in matrices.items():
        others = (m.sum(axis=1, keepdims=True) - m) / max(m.shape[1] - 1, 1)
        disc[f"{name}_level"] = np.abs(m.mean(axis=0) - others.mean(axis=0))
    dist_test = len(obs_rtp) >= 5 and all(len(x) for x in sim_rtp)
    histories = [obs_rtp, *sim_rtp]
    ks = np.full(len(histories), np.nan)
    if dist_test:
        for i, x in enumerate(histories):
            others = np.concatenate([h for j, h in enumerate(histories) if j != i])
            ks[i] = float(stats.ks_2samp(x, others).statistic)
        disc["referral_to_placement"] = ks
    pvals = {name: _ranks(d) for name, d in disc.items()}
    scores = {name: _scores(d) for name, d in disc.items()}
    stat = np.max(np.vstack(list(scores.values())), axis=0)
    n = len(stat)
    share = (stat[None, :] >= stat[:, None] - 1e-12).sum(axis=1) / n
    p_overall = float(share[0])
    # the critical score: the smallest statistic among the most extreme 5%
    crit = float(stat[share <= ALPHA].min()) if (share <= ALPHA).any() else math.inf
    checks = []
    for name, m in matrices.items():
        cov = 1.0 - disc[name]
        # a series passes when both its band coverage and its level pass
        p_series = np.minimum(pvals[name], pvals[f"{name}_level"])
        score = np.maximum(scores[name], scores[f"{name}_level"])
        passing = cov[scores[name] < crit - 1e-12]
        low, high = _band(m[:, 1:])
        mean, _, _ = summarise_rows(m[:, 1:])
        sims_m = m[:, 1:]
        loo = (sims_m.sum(axis=1, keepdims=True) - sims_m) / max(sims_m.shape[1] - 1, 1)
        maes = np.abs(sims_m - loo).mean(axis=0)
        checks.append(SeriesCheck(
            name, np.arange(m.shape[0]), m[:, 0], low, high, mean, float(cov[0]),
            float(np.quantile(cov[1:], ALPHA)), float(passing.min()) if len(passing) else 1.0,
            float(np.mean(np.abs(m[:, 0] - mean))), float(np.quantile(maes, 0.95)),
            float(p_series[0]), float(score[0]), crit, _mid_rank(m.mean(axis=0))))
    pooled = np.concatenate(sim_rtp) if sim_rtp else np.zeros(0)
    if dist_test:
        dist = DistributionCheck("referral_to_placement", obs_rtp, pooled, float(ks[0]),
                                 float(np.quantile(ks[1:], 1 - ALPHA)),
                                 float(pvals["referral_to_placement"][0]),
                                 float(scores["referral_to_placement"][0]), crit)
    else:
        dist = DistributionCheck("referral_to_placement", obs_rtp, pooled, math.nan, math.nan,
                                 math.nan, math.nan, crit)
    return checks, [dist], p_overall
