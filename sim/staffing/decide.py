"""Statistical decisions on one candidate: does it meet each target, given its replications?

Each target is judged with one-sided t-bounds across replications from
:func:`sim.outputs.stats.summarise` (the one interval function): a ``<=`` target *meets* when the
one-sided upper bound is at or below the threshold, *fails* when the one-sided lower bound is
above it, and is otherwise undecided; ``>=`` targets mirror this. An undecided target whose
bound is within the target's tolerance of the threshold is *undecided within tolerance* (more
replications would not change anything that matters). A candidate meets when every target
meets, fails when one fails, and is undecided otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.outputs.stats import summarise
from sim.staffing.space import Point
from sim.staffing.targets import Target

MEETS = "meets"
FAILS = "fails"
UNDECIDED = "undecided"
WITHIN_TOLERANCE = "undecided within tolerance"


@dataclass(frozen=True)
class Check:
    """One target judged on one candidate, with the interval that decided it."""

    target: Target
    status: str
    mean: float
    #: One-sided lower and upper bounds at ``level`` (the decision uses the one that matters).
    low: float
    high: float
    n: int
    level: float
    note: str = ""

    @property
    def deciding_bound(self) -> float:
        """The bound compared with the threshold: the upper one for ``<=``, else the lower."""
        return self.high if self.target.upper else self.low

    @property
    def margin(self) -> float:
        """How far the deciding bound is on the good side of the threshold (negative: not)."""
        t = self.target
        return (t.threshold - self.high) if t.upper else (self.low - t.threshold)


@dataclass
class Decision:
    """What the search knows about one grid point."""

    point: Point
    status: str
    checks: list[Check] = field(default_factory=list)
    n: int = 0
    #: "simulated", "confirmed", "analytic load" or "inferred from A/B/C".
    how: str = "simulated"
    #: Roles whose offered load is not below their available hours (analytic).
    overloaded: list[str] = field(default_factory=list)
    #: Replication means of every KPI (for the frontier's diagnostics).
    means: dict[str, float] = field(default_factory=dict)

    @property
    def meets(self) -> bool:
        return self.status == MEETS

    def failing(self) -> list[Check]:
        """Targets that fail or stay undecided (the reason the candidate does not meet)."""
        return [c for c in self.checks if c.status != MEETS]


def check_target(values: Sequence[float] | np.ndarray, target: Target, level: float,
                 fail_level: float | None = None) -> Check:
    """Judge one target on its replication values (NaN: no observation that replication).

    ``level`` is the one-sided level for *meets*; ``fail_level`` (default: the same) for
    *fails*. The search meets at the confirmation's strictness but fails at the planner's
    confidence: a wrong *fails* only makes the answer less lean, never wrong."""
    arr = np.asarray(values, dtype=float)
    n_all = int(arr.size)
    n_nan = int(np.isnan(arr).sum())
    if n_all == 0 or n_nan * 2 > n_all:
        # No observations in most replications (e.g. nobody placed, so no wait to measure):
        # never evidence that the target is met.
        return Check(target, FAILS, math.nan, math.nan, math.nan, n_all - n_nan, level,
                     note=f"no observations in {n_nan} of {n_all} replications")
    fl = level if fail_level is None else fail_level
    up = summarise(arr, target.kpi, level if target.upper else fl, sided="upper")
    lo = summarise(arr, target.kpi, fl if target.upper else level, sided="lower")
    mean, low, high, n = up.mean, lo.low, up.high, up.n
    q = target.threshold
    if n < 2:
        status = UNDECIDED
    elif target.upper:
        status = MEETS if high <= q else FAILS if low > q else UNDECIDED
    else:
        status = MEETS if low >= q else FAILS if high < q else UNDECIDED
    if status == UNDECIDED and n >= 2 and max(high - mean, mean - low) <= target.tol:
        status = WITHIN_TOLERANCE
    note = f"{n_nan} replication(s) without observations left out" if n_nan else ""
    return Check(target, status, mean, low, high, n, level, note)


def judge(point: Point, rows: list[dict[str, float]], targets: Sequence[Target],
          level: float, how: str = "simulated", fail_level: float | None = None) -> Decision:
    """Judge every target on the same replications (rows: one KPI dict per replication)."""
    checks = [check_target([r.get(t.kpi, math.nan) for r in rows], t, level, fail_level)
              for t in targets]
    if any(c.status == FAILS for c in checks):
        status = FAILS
    elif all(c.status == MEETS for c in checks):
        status = MEETS
    else:
        status = UNDECIDED
    means: dict[str, float] = {}
    if rows:
        for k in rows[0]:
            vals = np.array([r.get(k, math.nan) for r in rows], dtype=float)
            means[k] = float(np.nanmean(vals)) if np.any(~np.isnan(vals)) else math.nan
    return Decision(point, status, checks, len(rows), how, means=means)


def settled(decision: Decision) -> bool:
    """True when more replications cannot change the decision in a way that matters: it meets,
    it fails, or every undecided target is within its tolerance."""
    if decision.status in (MEETS, FAILS):
        return True
    return all(c.status in (MEETS, WITHIN_TOLERANCE) for c in decision.checks)


def stages(first: int, most: int) -> list[int]:
    """Replication counts at which a candidate is judged: first, doubling, up to most."""
    out, n = [], max(2, first)
    while n < most:
        out.append(n)
        n *= 2
    out.append(max(most, 2))
    return out
