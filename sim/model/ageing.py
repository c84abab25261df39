"""Children age while in P&P.

A child referred at age ``a`` (whole years) is ``a + u`` years old, ``u`` drawn uniformly on
its own stream (``rng.AGEING``), so its birthdays fall at fixed weeks. The breakdown hazard's
age multiplier follows the current age (it switches on when the child turns 11, i.e. is
"over 10"), and the child leaves P&P (``aged_out``) on reaching ``ageing.leave_at_age``.
With ageing disabled the age at referral is kept for good, as in earlier versions.

A child's age is a function of time, so ageing costs nothing until it matters (issue 16):
``u`` is drawn the first time the child's birth is needed (its own one-draw stream, so when it
is drawn cannot change its value), and age-outs wait in one heap keyed by the earliest week
each child could age out, ``referred + (leave_at_age - a - 1)`` years, with one timer for the
heap's first entry. A child who leaves before that week never draws ``u`` and never costs an
event; the exact age-out time is worked out at that week.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

from sim.model import leaving, rng

if TYPE_CHECKING:
    from sim.model.core import Child, PnPModel

WEEKS_PER_YEAR = 52.0
#: The age multiplier applies from this age on ("over 10").
OVER_10 = 11
#: ``child.birth`` before its draw (ageing on); ``-inf`` means ageing is off.
UNDRAWN = math.nan


def set_birth(model: PnPModel, child: Child) -> None:
    """Mark the child's birth as not drawn yet (or as never: ageing off)."""
    child.birth = UNDRAWN if model.s.ageing.enabled else -math.inf


def birth(model: Any, child: Any) -> float:
    """The week of birth: the whole years at referral plus a uniform part of a year, drawn on
    first use."""
    b: float = child.birth
    if b != b:  # NaN: not drawn yet
        u = model.streams.get(rng.AGEING, child.id, buffer=1).uniform()
        b = child.birth = child.referred - (child.age + u) * WEEKS_PER_YEAR
    return b


def age_at(model: Any, child: Any, week: float) -> int:
    """Whole years at ``week`` (the age at referral when ageing is off)."""
    b = birth(model, child)
    if b == -math.inf:
        return int(child.age)
    # a birthday timer fires at birth + n * 52 up to rounding: count it as reached
    return int((week - b) / WEEKS_PER_YEAR + 1e-9)


def age_multiplier(model: PnPModel, child: Child, now: float) -> tuple[float, float]:
    """Breakdown multiplier for the child's age now, and the week it next changes (inf)."""
    mult = model.s.breakdown.age_over_10
    if mult == 1.0:  # no age effect: the birth need not be drawn
        return 1.0, math.inf
    if age_at(model, child, now) >= OVER_10:
        return mult, math.inf
    if child.birth == -math.inf:
        return 1.0, math.inf
    # never a birthday at or before now (which would wake the race again at the same time)
    return 1.0, max(child.birth + OVER_10 * WEEKS_PER_YEAR, now + 1e-9)


class AgeOuts:
    """Children who may age out before the horizon, by the earliest week they could, with one
    timer for the first of them (instead of a timer per child)."""

    def __init__(self, model: PnPModel):
        self.model = model
        self.enabled = model.s.ageing.enabled
        self.leave_at = model.s.ageing.leave_at_age
        #: (week, child id, exact?, child): exact entries are age-outs, others are checks.
        self._heap: list[tuple[float, int, bool, Child]] = []
        self._timers: set[float] = set()  # weeks a timer is set for

    def add(self, child: Child) -> None:
        """A child starts its time in P&P: note the earliest week it could age out."""
        if not self.enabled:
            return
        model = self.model
        earliest = child.referred + (self.leave_at - child.age - 1) * WEEKS_PER_YEAR
        if earliest >= model.horizon:  # the exact week is later still
            return
        if earliest <= model.env.now:
            self._push_exact(child)
        else:
            heapq.heappush(self._heap, (earliest, child.id, False, child))
            timers = self._timers
            if timers and earliest >= min(timers):
                return  # a timer rings first: _arm would set none (children who left wait
                # at the top until then, and are passed over then)
        self._arm()

    def _push_exact(self, child: Child) -> None:
        when = birth(self.model, child) + self.leave_at * WEEKS_PER_YEAR
        if when < self.model.horizon:
            # the week a timer set at referral would have fired
            heapq.heappush(self._heap, (child.referred + max(0.0, when - child.referred),
                                        child.id, True, child))

    def _arm(self) -> None:
        heap = self._heap
        while heap and heap[0][3].outcome:  # left already: no event for it
            heapq.heappop(heap)
        if heap and (not self._timers or heap[0][0] < min(self._timers)):
            env = self.model.env
            week = heap[0][0]
            self._timers.add(week)
            env.timeout(max(0.0, week - env.now), value=week).callbacks.append(self._ring)

    def _ring(self, event: Any) -> None:
        heap, model = self._heap, self.model
        now = model.env.now
        self._timers.discard(event.value)
        while heap and heap[0][0] <= now:
            _, _, exact, child = heapq.heappop(heap)
            if child.outcome:
                continue
            if exact:
                leaving.stop(model, child, leaving.AGED_OUT)
            else:
                self._push_exact(child)
        self._arm()
