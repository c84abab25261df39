"""Children withdrawn from the waiting list while they wait (a solution found elsewhere).

Each time a not-yet-placed child starts a stay in ``waiting_staff`` or ``waiting_family``, a
withdrawal clock is drawn from the rate for that wait kind on the child's own stream
(``rng.WITHDRAWAL``). If the stay is still running when the clock rings, the child leaves P&P
(``withdrawn``). Exponential clocks are memoryless, so drawing afresh at each stay is exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import leaving, rng
from sim.model.recorder import WAITING_FAMILY, WAITING_STAFF

if TYPE_CHECKING:
    from sim.model.core import Child, PnPModel

WEEKS_PER_YEAR = 52.0


def rate_per_week(model: PnPModel, child: Child) -> float:
    """Withdrawal rate for the child's current state (0 if not a waiting state or placed)."""
    spec = model.s.withdrawal
    if child.placed:
        return 0.0
    if child.state == WAITING_STAFF:
        return spec.waiting_staff_per_year / WEEKS_PER_YEAR
    if child.state == WAITING_FAMILY:
        return spec.waiting_family_per_year / WEEKS_PER_YEAR
    return 0.0


def on_wait(model: PnPModel, child: Child) -> None:
    """Called after the child may have entered a waiting state: arm its withdrawal clock once
    per stay."""
    rate = rate_per_week(model, child)
    if rate <= 0:
        return
    stay = (child.state, child.state_since)
    armed = model.withdrawal_armed
    if armed.get(child.id) == stay:
        return
    armed[child.id] = stay
    streams = model.withdrawal_streams
    stream = streams.get(child.id)
    if stream is None:
        stream = streams[child.id] = model.streams.get(rng.WITHDRAWAL, child.id, buffer=8)
    delay = stream.exponential(rate)

    def ring(_event: object) -> None:
        if (child.state, child.state_since) == stay and not child.placed:
            leaving.stop(model, child, leaving.WITHDRAWN)

    model.env.timeout(delay).callbacks.append(ring)
