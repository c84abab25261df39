"""Reduce the P&P model to a textbook queue, to validate it against queueing theory.

One phase keeps its duration distribution and needs ``hours_per_case`` of one role; that role
has exactly ``servers * hours_per_case`` hours; every other phase takes no time, families are
unlimited, and there are no breakdowns, crises, leave or recruitment. What is left is an
M/G/c FIFO queue whose waiting time is the KPI ``wait_assessment`` (for the assessment phase)
or the time spent in the ``waiting_staff`` state (any phase).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.scenario.domain import CHILD_PHASES, ROLES
from sim.scenario.schema import Scenario, parse_scenario

_ZERO = {"dist": "fixed", "value": 0.0}


def textbook_scenario(
    arrivals_per_week: float,
    service: dict[str, Any],
    servers: int,
    *,
    phase: str = "assessment",
    role: str = "pnp_counsellor",
    hours_per_case: float = 2.5,
    horizon_weeks: float = 5000.0,
    warmup_weeks: float = 200.0,
    policy: str = "waitlist",
) -> Scenario:
    """A scenario that behaves as an M/G/c queue in ``phase`` (service: a distribution dict)."""
    return tandem_scenario(
        arrivals_per_week,
        [Station(phase, role, service, servers, hours_per_case)],
        horizon_weeks=horizon_weeks,
        warmup_weeks=warmup_weeks,
        policy=policy,
    )


@dataclass(frozen=True)
class Station:
    """One queue of a tandem network: a phase served by its own role with ``servers`` slots."""

    phase: str
    role: str
    service: dict[str, Any]
    servers: int
    hours_per_case: float = 2.5


def tandem_scenario(
    arrivals_per_week: float,
    stations: list[Station],
    *,
    horizon_weeks: float = 5000.0,
    warmup_weeks: float = 200.0,
    policy: str = "waitlist",
) -> Scenario:
    """A scenario that behaves as queues in series (a Jackson network when service is
    exponential): children pass the stations in the programme's phase order, each station a
    FIFO M/G/c queue on a role of its own. Phases not named take no time."""
    phases: dict[str, Any] = {p: {"duration": _ZERO} for p in CHILD_PHASES}
    phases["guidance"] = {"duration": _ZERO, "new_task_per_year": 0.0}
    hours = dict.fromkeys(ROLES, 0.0)
    for st in stations:
        if st.phase not in CHILD_PHASES or st.phase == "guidance":
            raise ValueError(
                f"phase must be one of the child phases except guidance, not {st.phase!r}")
        if st.role not in ROLES or hours[st.role]:
            raise ValueError(f"each station needs a role of its own, not {st.role!r}")
        phases[st.phase] = {"duration": st.service,
                            "hours": {st.role: {"child": st.hours_per_case}}}
        hours[st.role] = st.servers * st.hours_per_case
    staff = {r: {"schedule": [{"from_week": 0, "hours": h}]} for r, h in hours.items()}
    data = {
        "name": "textbook-" + "-".join(f"{s.phase}-c{s.servers}" for s in stations),
        "horizon_weeks": horizon_weeks,
        "warmup_weeks": warmup_weeks,
        "policy": policy,
        "referrals": {
            "schedule": [{"from_week": 0, "per_year": arrivals_per_week * 52.0}],
            "sources": {"own_groups": {"share": 1.0}},
            "intensity": {"full_week": 1.0},
            "complexity": {"medium": 1.0},
        },
        "staff": staff,
        "phases": phases,
        "families": {
            "interested_per_year": 0,
            "screening": {"pass_rate": 1.0},
            "kinds": {"perspectiefbiedend": {"share": 1.0, "intensities": ["full_week"]}},
            "max_complexity": {"high": 1.0},
            "unlimited": True,
        },
        "breakdown": {"weekly_hazard": {}},
    }
    return parse_scenario(data, "<textbook>", limits=False)  # long horizons for theory
