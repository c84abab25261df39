"""Analytic bounds: each role's offered load, in hours per week, from the scenario's demand.

Offered load is the work that arrives per week: referrals per week times the hours a child
needs from the role over its whole trajectory (hours per week of each phase, summed over the
three layers, times the phase's mean duration, with the complexity mix), plus the standing
recruitment hours, family screening and crisis work. A role whose available hours (contracted
hours times 1 − leave share) do not exceed its offered load cannot keep up: its waiting list
grows without bound however long the horizon (a necessary condition for stability, as
utilisation < 1 is for an M/G/c queue). The search never calls such a staffing feasible.

Approximations, all on the side of more load (so the check never passes an overloaded role):
breakdowns, which cut trajectories short, are ignored; a failed match restarts matching from
prematching (as the model does), so matching is visited 1 / (product of success rates) times;
the referral rate is the schedule's last (long-run) rate. With one phase and one role (the
textbook reduction) the load is exactly the arrival rate times the mean service hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.scenario.domain import CHILD_PHASES, MATCHING_PHASES, PLACED_PHASES, ROLES
from sim.scenario.schema import Scenario, total_hours


@dataclass(frozen=True)
class RoleLoad:
    """One role's offered load and what it implies for its hours."""

    role: str
    #: Hours of work arriving per week.
    load: float
    leave_share: float
    #: Mean hours per week one case needs while it is served (for square-root staffing).
    hours_per_case: float

    @property
    def needed_hours(self) -> float:
        """Contracted hours at which the available hours just equal the offered load."""
        return self.load / (1.0 - self.leave_share)

    def sqrt_staffing(self, beta: float = 1.0) -> float:
        """Square-root staffing guess (Halfin-Whitt): servers = a + beta * sqrt(a), with
        a = offered load in cases, turned back into contracted hours."""
        if self.load <= 0 or self.hours_per_case <= 0:
            return 0.0
        a = self.load / self.hours_per_case
        return (a + beta * math.sqrt(a)) * self.hours_per_case / (1.0 - self.leave_share)

    def stable_at(self, hours: float) -> bool:
        """True when ``hours`` contracted leave more available hours than the offered load."""
        return self.load <= 0 or hours * (1.0 - self.leave_share) > self.load


def offered_loads(scenario: Scenario) -> dict[str, RoleLoad]:
    """Offered load of every role (see the module docstring)."""
    s = scenario
    per_week = s.referrals.schedule[-1].per_year / 52.0
    shares = s.referrals.complexity
    no_match = sum(src.share for src in s.referrals.sources.values() if src.has_family)
    success = 1.0
    visits: dict[str, float] = {}
    for sub in MATCHING_PHASES:
        visits[sub] = success  # times relative to one full attempt
        success *= s.phases.spec(sub).success
    attempts = 1.0 / success if success > 0 else math.inf

    per_child = dict.fromkeys(ROLES, 0.0)  # hours of work per referred child
    case_weeks = dict.fromkeys(ROLES, 0.0)  # weeks a child holds the role's hours
    placed_weeks = 0.0
    for cx, share in shares.items():
        if share <= 0:
            continue
        eff = s.complexity_effects.get(cx)
        dmult = eff.duration if eff is not None else 1.0
        hmult = eff.hours if eff is not None else 1.0
        for phase in CHILD_PHASES:
            spec = s.phases.spec(phase)
            weeks = spec.duration_for(cx).mean() * dmult
            if phase in MATCHING_PHASES:
                weeks *= (1.0 - no_match) * visits[phase] * attempts
            if phase in PLACED_PHASES:
                placed_weeks += share * weeks
            for role, h in total_hours(spec.hours).items():
                per_child[role] += share * weeks * h * hmult
                case_weeks[role] += share * weeks
        g = s.phases.guidance
        episodes = g.new_task_per_year * g.duration_for(cx).mean() * dmult / 52.0
        ep_weeks = episodes * g.task_training.mean() * dmult
        placed_weeks += share * ep_weeks
        for role, h in total_hours(s.phases.training.hours).items():
            per_child[role] += share * ep_weeks * h * hmult
            case_weeks[role] += share * ep_weeks

    crises = s.crisis.per_placement_per_year * placed_weeks / 52.0
    for role, h in total_hours(s.crisis.hours).items():
        per_child[role] += crises * s.crisis.work_duration.mean() * h
        case_weeks[role] += crises * s.crisis.work_duration.mean()

    standing = total_hours(s.phases.sensibiliseren.hours)
    fam = s.families
    screening = dict.fromkeys(ROLES, 0.0)
    if not fam.unlimited:
        in_screening = fam.interested_per_year / 52.0 * fam.screening.duration.mean()
        for role, h in total_hours(fam.screening.hours).items():
            screening[role] = in_screening * h

    out = {}
    for role in ROLES:
        load = per_week * per_child[role] + standing.get(role, 0.0) + screening[role]
        per_case = per_child[role] / case_weeks[role] if case_weeks[role] > 0 else 0.0
        out[role] = RoleLoad(role, load, s.staff.role(role).leave_share, per_case)
    return out
