"""Has the process changed during the log? A change-point test for the referral rate and a
before/after test for the main phase durations (issue 17, item 5).

Referrals: under a constant rate, the N referral times are uniform over the log's window
given N. The statistic is the largest likelihood ratio of "one rate before tau, another
after" against "one rate", over tau in the middle 80% of the window; its p-value is found by
Monte Carlo with uniform times (conditional on N, so exact up to Monte Carlo error), and the
location is where the ratio peaks.

Durations: the visits of a phase that started in the first half of the window against those
of the second half, by the log-rank test (censored visits count as censored), Bonferroni over
the phases tested. A found change is reported; the durations stay fitted over the whole log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Level of each change test (the duration tests share it, Bonferroni).
ALPHA = 0.05
MC_DRAWS = 999
EDGE = 0.1  # a change is looked for in the middle 80% of the window
MIN_EVENTS = 10  # fewer referrals (or visits in a half) are not tested


@dataclass
class RateChange:
    tau: float  # weeks since the window's start
    before: float  # events per week before tau
    after: float
    n_before: int
    n_after: int
    p_value: float
    statistic: float

    @property
    def found(self) -> bool:
        return self.p_value < ALPHA


def _max_lr(sorted_t: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Largest change-point log-likelihood ratio (and where) per row of sorted times."""
    n = sorted_t.shape[1]
    lo, hi = EDGE * end, (1 - EDGE) * end
    best = np.full(sorted_t.shape[0], 0.0)
    where = np.full(sorted_t.shape[0], math.nan)
    for n1_shift in (0, 1):  # tau just at (n1 = i) or just after (n1 = i + 1) event i
        n1 = np.arange(n)[None, :] + n1_shift
        tau = np.clip(sorted_t, lo, hi)
        n2 = n - n1
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(n1 > 0, n1 * np.log(n1 / tau), 0.0)
            b = np.where(n2 > 0, n2 * np.log(n2 / (end - tau)), 0.0)
        lr = 2 * (a + b - n * math.log(n / end))
        valid = (sorted_t >= lo) & (sorted_t <= hi)
        lr = np.where(valid, lr, -np.inf)
        i = np.argmax(lr, axis=1)
        top = lr[np.arange(len(i)), i]
        better = top > best
        best = np.where(better, top, best)
        where = np.where(better, sorted_t[np.arange(len(i)), i], where)
    return best, where


def rate_change(times: np.ndarray, end: float, seed: int = 0) -> RateChange | None:
    """Test event times on [0, end] for one change of rate; None with too few events."""
    t = np.sort(np.asarray(times, dtype=float))
    t = t[(t >= 0) & (t <= end)]
    n = len(t)
    if n < MIN_EVENTS or not end > 0:
        return None
    stat, tau = _max_lr(t[None, :], end)
    if not math.isfinite(tau[0]):
        return None
    rng = np.random.default_rng(seed)
    null = np.empty(0)
    chunk = max(1, min(MC_DRAWS, 2_000_000 // n))
    while len(null) < MC_DRAWS:
        k = min(chunk, MC_DRAWS - len(null))
        sims = np.sort(rng.uniform(0, end, (k, n)), axis=1)
        null = np.r_[null, _max_lr(sims, end)[0]]
    p = (1 + int(np.sum(null >= stat[0] - 1e-9))) / (MC_DRAWS + 1)
    cut = float(tau[0])
    n1 = int(np.sum(t < cut))
    return RateChange(cut, n1 / cut, (n - n1) / (end - cut), n1, n - n1, p, float(stat[0]))


@dataclass
class DurationChange:
    phase: str
    p_value: float  # Bonferroni-adjusted
    median_before: float
    median_after: float
    split: float


def duration_changes(visits: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
                     end: float) -> list[DurationChange]:
    """For each phase, (start times, durations, completed?): a log-rank test of the visits
    started in the first half of the window against the second half. Returns the phases
    whose change is significant after Bonferroni."""
    split = end / 2
    tested: list[tuple[str, float, float, float]] = []
    for phase, (start, work, done) in visits.items():
        first = start < split
        if min(int(done[first].sum()), int(done[~first].sum())) < MIN_EVENTS:
            continue
        x = stats.CensoredData.right_censored(work[first], ~done[first])
        y = stats.CensoredData.right_censored(work[~first], ~done[~first])
        try:
            p = float(stats.logrank(x, y).pvalue)
        except (ValueError, FloatingPointError):
            continue
        if math.isfinite(p):
            tested.append((phase, p, float(np.median(work[first & done])),
                           float(np.median(work[~first & done]))))
    k = max(len(tested), 1)
    return [DurationChange(ph, min(1.0, p * k), m0, m1, split) for ph, p, m0, m1 in tested
            if p * k < ALPHA]
