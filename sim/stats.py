"""Across-replication statistics: means with t-based 95% confidence intervals.

Follows the usual replication/deletion method (as in sim-tools' output_analysis): each
replication gives one independent observation of a KPI, and the interval is
mean +/- t(0.975, n-1) * sd / sqrt(n).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats as st


def mean_ci(
    values: np.ndarray | list[float],
    level: float = 0.95,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[float, float, float, int]:
    """Mean, lower and upper bound of the confidence interval, and the number of values used.

    NaN values (a KPI with no observations in a replication) are left out. With one value the
    interval is that value on both sides; with none everything is NaN. ``bounds`` clips the
    interval to the values the quantity can take (a wait is never negative).
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    n = int(arr.size)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(arr.mean())
    if n == 1:
        return m, m, m, 1
    sd = float(arr.std(ddof=1))
    half = float(st.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return m, max(bounds[0], m - half), min(bounds[1], m + half), n


def mean_ci_rows(values: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, ...]:
    """:func:`mean_ci` for every row of a 2-D array at once (rows: e.g. weeks; columns:
    replications); NaN values are left out row by row."""
    arr = np.asarray(values, dtype=float)
    n = (~np.isnan(arr)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with no values give NaN
        mean = np.nanmean(arr, axis=1) if arr.size else np.full(len(arr), math.nan)
        sd = np.nanstd(arr, axis=1, ddof=1) if arr.shape[1] > 1 else np.zeros(len(arr))
        t = st.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * sd / np.sqrt(np.maximum(n, 1)), 0.0)
    mean = np.where(n > 0, mean, math.nan)
    return mean, mean - half, mean + half
