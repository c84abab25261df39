"""Staff hours as a shared, time-varying capacity that cases draw on while they progress.

The common pool (jobs, hours, caseloads, time integrals, the queue) is in ``sim.model.staff_pool``;
the two service policies are its subclasses: ``waitlist`` (``sim.model.staff_waitlist``) and
``share`` (``sim.model.staff_share``). :func:`staff_pool` makes the one a scenario asks for.
"""

from __future__ import annotations

import simpy

from sim.model.staff_pool import (
    CANCELLED,
    DONE,
    EPS,
    PRIORITY_ASSESSMENT,
    PRIORITY_CRISIS,
    PRIORITY_MATCHING,
    PRIORITY_PLACED,
    QUEUED,
    RUNNING,
    SUSPENDED,
    Job,
    Listener,
    StaffPool,
)
from sim.model.staff_share import SharePool
from sim.model.staff_waitlist import WaitlistPool

POLICIES: dict[str, type[StaffPool]] = {"waitlist": WaitlistPool, "share": SharePool}

__all__ = [
    "CANCELLED", "DONE", "EPS", "POLICIES", "PRIORITY_ASSESSMENT", "PRIORITY_CRISIS",
    "PRIORITY_MATCHING", "PRIORITY_PLACED", "QUEUED", "RUNNING", "SUSPENDED", "Job", "Listener",
    "SharePool", "StaffPool", "WaitlistPool", "staff_pool",
]


def staff_pool(
    env: simpy.Environment, policy: str, caseload_caps: dict[str, int | None] | None = None
) -> StaffPool:
    """The staff pool of the given service policy ("waitlist" or "share")."""
    try:
        cls = POLICIES[policy]
    except KeyError:
        raise ValueError(f"unknown service policy {policy!r}; expected one of "
                         f"{sorted(POLICIES)}") from None
    return cls(env, caseload_caps)
