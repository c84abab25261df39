"""Across-replication statistics: the one home of confidence intervals.

Follows the replication/deletion method (as in sim-tools' output_analysis): each replication
gives one independent observation of a KPI, and the interval is
mean +/- t(1 - alpha/2, n-1) * sd / sqrt(n), clipped to the values the KPI can take.
:func:`summarise` is what every caller uses (runner, store, CLI, app, report, analyses); it
takes a KPI's bounds from :mod:`sim.outputs.kpi_defs`, so a KPI gets the same interval everywhere.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from sim.outputs.kpi_defs import KPIS, UNBOUNDED, KpiDef


@lru_cache(maxsize=512)
def t_quantile(q: float, df: int) -> float:
    """Student-t quantile. ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` computes
    (the same numbers), without importing ``scipy.stats`` (about 0.6 s more); the levels the
    project uses come from :mod:`sim.outputs.t_table` (the same bits, without importing scipy)."""
    from sim.outputs.t_table import MAX_DF, TABLE

    row = TABLE.get(q)
    if row is not None and 1 <= df <= MAX_DF:
        return row[df - 1]
    from scipy.special import stdtrit

    return float(stdtrit(df, q))


class Summary(NamedTuple):
    """Mean, interval and the number of replications behind them."""

    mean: float
    low: float
    high: float
    n: int


def _bounds(kpi: str | KpiDef | None) -> tuple[float, float]:
    if kpi is None:
        return UNBOUNDED
    d = KPIS.get(kpi) if isinstance(kpi, str) else kpi
    return d.bounds if d is not None else UNBOUNDED


def summarise(
    values: np.ndarray | Sequence[float],
    kpi: str | KpiDef | None = None,
    level: float = 0.95,
    sided: str = "two",
) -> Summary:
    """Mean and ``level`` confidence interval of one KPI across replications.

    NaN values (a KPI with no observations in a replication) are left out. With one value the
    interval is that value on both sides; with none everything is NaN. ``kpi`` (a name or a
    definition) clips the interval to the KPI's bounds; for a difference of two KPIs pass
    None (differences are unbounded). ``sided="upper"`` gives (-inf, one-sided upper bound],
    ``"lower"`` gives [one-sided lower bound, inf), both at ``level``, for target checks.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    n = int(arr.size)
    if n == 0:
        return Summary(math.nan, math.nan, math.nan, 0)
    m = float(arr.mean())
    if n == 1:
        return Summary(m, m, m, 1)
    sd = float(arr.std(ddof=1))
    lo_b, hi_b = _bounds(kpi)
    if sided == "two":
        half = t_quantile(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
        return Summary(m, max(lo_b, m - half), min(hi_b, m + half), n)
    half = t_quantile(level, n - 1) * sd / math.sqrt(n)
    if sided == "upper":
        return Summary(m, lo_b, min(hi_b, m + half), n)
    if sided == "lower":
        return Summary(m, max(lo_b, m - half), hi_b, n)
    raise ValueError(f"sided must be 'two', 'upper' or 'lower' (got {sided!r})")


def mean_ci(
    values: np.ndarray | Sequence[float],
    level: float = 0.95,
    bounds: tuple[float, float] = UNBOUNDED,
) -> tuple[float, float, float, int]:
    """:func:`summarise` with explicit bounds, as a plain tuple (kept for callers that have
    bounds but no KPI name)."""
    s = summarise(values, KpiDef("", "", "", "", bounds=bounds), level)
    return s.mean, s.low, s.high, s.n


def summarise_rows(
    values: np.ndarray, kpi: str | KpiDef | None = None, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`summarise` for every row of a 2-D array at once (rows: weeks; columns:
    replications), NaN left out row by row, clipped to the KPI's bounds: for weekly bands."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise ValueError("summarise_rows needs a 2-D array (rows x replications)")
    n = (~np.isnan(arr)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with no values give NaN
        mean = np.nanmean(arr, axis=1) if arr.size else np.full(len(arr), math.nan)
        sd = np.nanstd(arr, axis=1, ddof=1) if arr.shape[1] > 1 else np.zeros(len(arr))
        tq = np.array([t_quantile(0.5 + level / 2, int(max(k - 1, 1))) for k in n])
        half = np.where(n > 1, tq * sd / np.sqrt(np.maximum(n, 1)), 0.0)
    mean = np.where(n > 0, mean, math.nan)
    lo_b, hi_b = _bounds(kpi)
    return mean, np.maximum(mean - half, lo_b), np.minimum(mean + half, hi_b)


def mean_ci_rows(values: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, ...]:
    """Unbounded :func:`summarise_rows` (kept for existing callers)."""
    return summarise_rows(values, None, level)


class SetsSummary(NamedTuple):
    """A KPI over parameter sets x replications: the mean, the 95% interval including input
    uncertainty, and its two parts as standard deviations."""

    mean: float
    low: float
    high: float
    input_sd: float  # spread of the long-run KPI over the parameter sets
    noise_sd: float  # simulation noise of the mean (shrinks with more replications)
    sets: int
    reps: int


def summarise_sets(values: np.ndarray, kpi: str | KpiDef | None = None,
                   level: float = 0.95) -> SetsSummary:
    """Two-level estimator for ``values[set, replication]`` (independent streams per set).

    With B sets of r replications, set means m_b, their variance S2 and the pooled
    within-set variance W: the input part is var_theta = max(0, S2 - W / r) (method of
    moments, one-way random effects), the noise part of the grand mean is W / (B r), and the
    interval is mean +/- t(B-1) * sqrt(var_theta * (1 + 1/B) + W / (B r)), clipped to the
    KPI's bounds. With one set it is :func:`summarise` (noise only)."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise ValueError("summarise_sets needs a 2-D array (sets x replications)")
    keep = ~np.all(np.isnan(arr), axis=1)
    arr = arr[keep]
    b, r = arr.shape if arr.size else (0, 0)
    if b == 0:
        return SetsSummary(math.nan, math.nan, math.nan, math.nan, math.nan, 0, r)
    if b == 1:
        s = summarise(arr[0], kpi, level)
        sd = float(np.nanstd(arr[0], ddof=1)) / math.sqrt(r) if r > 1 else 0.0
        return SetsSummary(s.mean, s.low, s.high, 0.0, sd, 1, r)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(arr, axis=1)
        within = float(np.nanmean(np.nanvar(arr, axis=1, ddof=1))) if r > 1 else 0.0
    within = within if math.isfinite(within) else 0.0
    between = float(np.var(means, ddof=1))
    var_theta = max(0.0, between - within / r)
    noise = within / (b * r)
    m = float(means.mean())
    half = t_quantile(0.5 + level / 2, b - 1) * math.sqrt(var_theta * (1 + 1 / b) + noise)
    lo_b, hi_b = _bounds(kpi)
    return SetsSummary(m, max(lo_b, m - half), min(hi_b, m + half), math.sqrt(var_theta),
                       math.sqrt(noise), b, r)
