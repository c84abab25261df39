"""Leaving P&P early: a child who ages out or is withdrawn from the waiting list.

Both end a child's life process from outside (a SimPy interrupt), so the cleanup is the same:
the child's staff job goes back, a family request or a family held for matching goes back to
the pool, and the child exits with its outcome. The model calls :func:`stop` from a timer and
:func:`settle` from the life process that caught the interrupt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.model.recorder import EXITED

if TYPE_CHECKING:
    from sim.model.core import Child, PnPModel

AGED_OUT = "aged_out"
WITHDRAWN = "withdrawn"


def stop(model: PnPModel, child: Child, outcome: str) -> None:
    """End ``child``'s time in P&P now with ``outcome`` (no-op if it already left)."""
    proc = child.proc
    if child.outcome or proc is None or not proc.is_alive:
        return
    proc.interrupt(outcome)


def settle(model: PnPModel, child: Child, outcome: str) -> None:
    """Inside the interrupted life process: give back what the child held, then exit."""
    if child.job is not None:
        model.staff.cancel(child.job)
    pool = model.families
    unlimited = pool.spec.unlimited
    pending: Any = child.pending
    if pending is not None:
        if pending.triggered:  # a family was found at this very moment: it goes back
            if not unlimited:
                pool.add(pending.value)
        else:
            pool.waiting = [(c, ev) for c, ev in pool.waiting if c is not child]
        child.pending = None
    elif child.family is not None and not child.placed and not child.has_family:
        if not unlimited:
            pool.add(child.family)  # matching stopped: the family is free again
        child.family = None
    model.counts[outcome] += 1
    child.outcome = outcome
    model.rec.move(child, EXITED, outcome)
