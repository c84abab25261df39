"""Children age while in P&P.

A child referred at age ``a`` (whole years) is ``a + u`` years old, ``u`` drawn uniformly on
its own stream (``rng.AGEING``), so its birthdays fall at fixed weeks. The breakdown hazard's
age multiplier follows the current age (it switches on when the child turns 11, i.e. is
"over 10"), and the child leaves P&P (``aged_out``) on reaching ``ageing.leave_at_age``.
With ageing disabled the age at referral is kept for good, as in earlier versions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim import leaving, rng

if TYPE_CHECKING:
    from sim.model import Child, PnPModel

WEEKS_PER_YEAR = 52.0
#: The age multiplier applies from this age on ("over 10").
OVER_10 = 11


def set_birth(model: PnPModel, child: Child) -> None:
    """The week of birth: the whole years at referral plus a uniform part of a year."""
    if not model.s.ageing.enabled:
        child.birth = -math.inf
        return
    u = model.streams.get(rng.AGEING, child.id, buffer=1).uniform()
    child.birth = child.referred - (child.age + u) * WEEKS_PER_YEAR


def age_at(child: Child, week: float) -> int:
    """Whole years at ``week`` (the age at referral when ageing is off)."""
    if child.birth == -math.inf:
        return child.age
    # a birthday timer fires at birth + n * 52 up to rounding: count it as reached
    return int((week - child.birth) / WEEKS_PER_YEAR + 1e-9)


def age_multiplier(model: PnPModel, child: Child, now: float) -> tuple[float, float]:
    """Breakdown multiplier for the child's age now, and the week it next changes (inf)."""
    mult = model.s.breakdown.age_over_10
    if age_at(child, now) >= OVER_10:
        return mult, math.inf
    if child.birth == -math.inf or mult == 1.0:
        return 1.0, math.inf
    # never a birthday at or before now (which would wake the race again at the same time)
    return 1.0, max(child.birth + OVER_10 * WEEKS_PER_YEAR, now + 1e-9)


def schedule_ageing_out(model: PnPModel, child: Child) -> None:
    """A timer that ends the child's time in P&P on its ``leave_at_age`` birthday."""
    if child.birth == -math.inf:
        return
    env = model.env
    when = child.birth + model.s.ageing.leave_at_age * WEEKS_PER_YEAR
    if when >= model.horizon:
        return
    timer = env.timeout(max(0.0, when - env.now))
    timer.callbacks.append(lambda _ev: leaving.stop(model, child, leaving.AGED_OUT))
