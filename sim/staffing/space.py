"""Decision variables: which roles' weekly hours the search may set, on what grid, at what cost.

A search value for a role is its *steady-state* hours: the hours of the last step of the role's
schedule (``staff.<role>.schedule``). Earlier steps (a rollout ramp such as 8 h, then 19 h from
week 26) keep their hours, but never more than the value, so a larger value never gives fewer
hours in any week (the search relies on that monotonicity). Optionally the recruitment effort
(``families.interested_per_year``) is a variable too.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from sim.outputs.kpi_defs import FTE_HOURS
from sim.scenario.domain import ROLES, label
from sim.scenario.schema import Scenario, parse_scenario, scenario_hash, scenario_to_dict

#: The method document's minimum hours per role once trajectories run [method 3.2]: 8 h each,
#: 19 h for the P&P counsellor; the default lower bound of a search.
METHOD_MINIMUM: dict[str, float] = {"coordinator": 8.0, "pnp_counsellor": 19.0,
                                    "parent_counsellor": 8.0}
#: Default upper bound: one full-time post, 38 h a week [assume: Belgian full-time week].
DEFAULT_MAX_HOURS = FTE_HOURS
#: The path of the recruitment variable.
RECRUITMENT = "families.interested_per_year"


@dataclass(frozen=True)
class Variable:
    """One axis of the search grid."""

    #: A role key, or :data:`RECRUITMENT`.
    key: str
    low: float
    high: float
    step: float
    #: Cost of one unit (EUR per hour a week, or per interested family a year); 0: none given.
    cost: float = 0.0

    @property
    def is_role(self) -> bool:
        return self.key in ROLES

    def grid(self) -> list[float]:
        """Values from ``low`` to ``high`` in ``step`` (both ends included when on the grid)."""
        n = int(math.floor((self.high - self.low) / self.step + 1e-9))
        return [float(round(self.low + i * self.step, 6)) for i in range(n + 1)]

    def label(self, lang: str = "en") -> str:
        if self.is_role:
            return label(self.key, lang)
        return "Geïnteresseerde gezinnen per jaar" if lang == "nl" else \
            "Interested families per year"

    def unit(self, lang: str = "en") -> str:
        if self.is_role:
            return "u/week" if lang == "nl" else "h/week"
        return "per jaar" if lang == "nl" else "per year"


Point = tuple[float, ...]


@dataclass(frozen=True)
class Space:
    """The grid the search walks: one :class:`Variable` per axis."""

    variables: tuple[Variable, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.variables)

    def grids(self) -> list[list[float]]:
        return [v.grid() for v in self.variables]

    def has_costs(self) -> bool:
        return any(v.cost > 0 for v in self.variables)

    def objective(self, point: Point) -> tuple[float, float]:
        """What the search minimises: the cost when costs are given (else the total hours),
        then the total hours and the recruitment as tie-breakers."""
        hours = sum(x for v, x in zip(self.variables, point, strict=True) if v.is_role)
        families = sum(x for v, x in zip(self.variables, point, strict=True) if not v.is_role)
        if self.has_costs():
            cost = sum(v.cost * x for v, x in zip(self.variables, point, strict=True))
            return (cost, hours + 1e-6 * families)
        return (hours, families)

    def cost(self, point: Point) -> float | None:
        if not self.has_costs():
            return None
        return sum(v.cost * x for v, x in zip(self.variables, point, strict=True))

    def describe(self, point: Point, lang: str = "en") -> str:
        """'coordinator 8 h, P&P counsellor 19 h, ...' for messages."""
        parts = []
        for v, x in zip(self.variables, point, strict=True):
            if v.is_role:
                unit = " u" if lang == "nl" else " h"
            else:
                unit = " gezinnen/jaar" if lang == "nl" else " families/yr"
            parts.append(f"{v.label(lang)} {x:g}{unit}")
        return ", ".join(parts)

    def short(self, point: Point) -> str:
        return "/".join(f"{x:g}" for x in point)


def apply_point(base: Scenario | dict[str, Any], space: Space, point: Point,
                source: str = "<staffing candidate>") -> Scenario:
    """The scenario of one grid point (see the module docstring for the schedule rule)."""
    data = copy.deepcopy(base if isinstance(base, dict) else scenario_to_dict(base))
    for var, value in zip(space.variables, point, strict=True):
        if var.is_role:
            steps = data["staff"][var.key]["schedule"]
            for step in steps[:-1]:
                step["hours"] = min(float(step["hours"]), float(value))
            steps[-1]["hours"] = float(value)
        else:
            data["families"]["interested_per_year"] = float(value)
    return parse_scenario(data, source)


def point_hash(base: Scenario | dict[str, Any], space: Space, point: Point) -> str:
    return scenario_hash(apply_point(base, space, point))


def role_variable(role: str, low: float | None = None, high: float | None = None,
                  step: float = 1.0, cost: float = 0.0, fte_hours: float | None = None
                  ) -> Variable:
    """A role axis with the defaults: the method minimum up to 38 h in ``step`` hours, or in
    whole persons of ``fte_hours`` each (then the grid is 1, 2, ... persons within bounds)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    lo = METHOD_MINIMUM[role] if low is None else float(low)
    hi = DEFAULT_MAX_HOURS if high is None else float(high)
    if fte_hours:
        lo = fte_hours * max(1, math.ceil(lo / fte_hours - 1e-9))
        hi = max(hi, lo)
        step = fte_hours
    if step <= 0:
        raise ValueError("step must be more than 0")
    if hi < lo:
        raise ValueError(f"{role}: upper bound {hi:g} is below the lower bound {lo:g}")
    return Variable(role, lo, hi, float(step), float(cost))
