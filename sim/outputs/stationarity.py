"""Is the waiting list growing? A trend test, so a growing queue is never shown as steady.

Each replication gives the least-squares slope of the number of children waiting (for staff,
for a family, and both together), sampled every week of the measured window, in children per
year (:func:`waiting_slopes`, reported as the ``*_trend_per_year`` KPIs). Replications are
independent, so the pooled test is a t-interval over their slopes (:func:`growth_verdict`);
within one replication the weekly values are autocorrelated, so no per-replication p-value is
claimed, only the slope itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.outputs.stats import summarise


def slope_per_year(values: Sequence[float] | np.ndarray) -> float:
    """Least-squares slope of weekly values, in units per year (NaN with fewer than 2)."""
    y = np.asarray(values, dtype=float)
    if y.size < 2:
        return math.nan
    x = np.arange(y.size, dtype=float)
    x -= x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum()) * 52.0


@dataclass(frozen=True)
class GrowthVerdict:
    """The pooled answer for one queue: is it growing over the measured weeks?"""

    #: "growing", "stable" or "undecided"
    verdict: str
    #: mean slope across replications, children per year, and its interval
    slope: float
    low: float
    high: float
    n: int
    #: replications whose own slope is positive
    reps_rising: int

    @property
    def growing(self) -> bool:
        return self.verdict == "growing"


def growth_verdict(
    slopes: Sequence[float] | np.ndarray,
    years: float,
    level: float = 0.95,
    min_growth: float = 1.0,
) -> GrowthVerdict:
    """Judge the slopes of one queue across replications.

    *growing*: the two-sided ``level`` interval of the mean slope lies above zero and the
    queue grows by at least ``min_growth`` children over the ``years`` measured (a rise of a
    fraction of a child is a start-up effect, not an unstable system). *stable*: the interval's
    upper end is below ``min_growth / years`` children a year. Otherwise *undecided* (more
    replications or a longer horizon would tell).
    """
    s = summarise(slopes, None, level)
    arr = np.asarray(slopes, dtype=float)
    rising = int((arr[~np.isnan(arr)] > 0).sum())
    tol = min_growth / years if years > 0 else math.inf
    if s.n == 0:
        verdict = "undecided"
    elif s.n > 1 and s.low > 0 and s.mean >= tol:
        verdict = "growing"
    elif s.high < tol:
        verdict = "stable"
    else:
        verdict = "undecided"
    return GrowthVerdict(verdict, s.mean, s.low, s.high, s.n, rising)
