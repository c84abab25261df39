"""A least-staffing problem as a YAML spec file (like sweep specs) or from CLI flags.

::

    name: least-staffing-6
    base: ../baseline.yaml              # the scenario, relative to this file
    set: {referrals.schedule.0.per_year: 6}   # fixed changes by dotted path (optional)
    targets:
      - referral_to_placement_p90 <= 52
      - {kpi: utilisation_pnp_counsellor, op: "<=", threshold: 0.85}
    roles: [coordinator, pnp_counsellor, parent_counsellor]   # default: all three
    step: 1                             # hours; or fte_hours: 38 for whole persons
    bounds: {pnp_counsellor: [19, 38]}  # default: the method minimum up to 38 h
    costs: {coordinator: 62, pnp_counsellor: 55, parent_counsellor: 55}   # EUR per hour
    recruitment: {low: 30, high: 60, step: 5}   # optional: interested families a year
    confidence: 0.95
    stability: {enabled: true, children: 1}
    replications: {first: 5, max: 40, confirm: 30, attempts: 3}
    seed: 20221
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.scenario.domain import ROLES
from sim.scenario.inputs import describe_errors
from sim.scenario.schema import (
    InputError,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    read_input_file,
    safe_yaml,
    scenario_to_dict,
    set_by_path,
)
from sim.staffing.search import Settings
from sim.staffing.space import RECRUITMENT, Space, Variable, role_variable
from sim.staffing.targets import Stability, Target, TargetError, kpi_hint, make_target


class StaffingSpecError(InputError):
    what = "staffing spec"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reps(_Strict):
    first: int = Field(default=5, ge=2)
    max: int = Field(default=40, ge=2)
    confirm: int = Field(default=30, ge=2)
    attempts: int = Field(default=3, ge=1)


class Recruitment(_Strict):
    low: float = Field(ge=0)
    high: float = Field(ge=0)
    step: float = Field(default=5.0, gt=0)
    cost: float = Field(default=0.0, ge=0)


class StaffingSpec(_Strict):
    name: str = "least-staffing"
    base: str
    set: dict[str, Any] = {}
    targets: list[str | dict[str, Any]] = Field(min_length=1)
    roles: list[str] = list(ROLES)
    step: float = Field(default=1.0, gt=0)
    fte_hours: float | None = Field(default=None, gt=0)
    bounds: dict[str, tuple[float, float]] = {}
    costs: dict[str, float] = {}
    recruitment: Recruitment | None = None
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    stability: Stability = Stability()
    replications: Reps = Reps()
    seed: int | None = Field(default=None, ge=0)

    @field_validator("roles")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if r not in ROLES]
        if bad or not v or len(set(v)) != len(v):
            raise ValueError(f"expected distinct roles among {', '.join(ROLES)} (got {v})")
        return v

    @field_validator("bounds", "costs")
    @classmethod
    def _role_keys(cls, v: dict[str, Any]) -> dict[str, Any]:
        bad = [r for r in v if r not in ROLES]
        if bad:
            raise ValueError(f"unknown role {bad[0]!r} (expected one of: {', '.join(ROLES)})")
        return v


@dataclass
class Problem:
    """Everything a search needs."""

    name: str
    scenario: Scenario
    space: Space
    targets: list[Target]
    settings: Settings
    seed: int


def build_problem(scenario: Scenario, targets: list[Any], *, roles: list[str] | None = None,
                  step: float = 1.0, bounds: dict[str, tuple[float, float]] | None = None,
                  costs: dict[str, float] | None = None, fte_hours: float | None = None,
                  recruitment: Recruitment | None = None, confidence: float = 0.95,
                  stability: Stability | None = None, reps: Reps | None = None,
                  floor: bool = True,
                  seed: int | None = None, name: str = "least-staffing",
                  source: str = "<staffing>") -> Problem:
    """Validate the pieces of a problem; errors are raised as :class:`TargetError` or
    :class:`StaffingSpecError` naming the field."""
    tgts = [make_target(t, f"{source}: targets.{i}") for i, t in enumerate(targets)]
    bounds = bounds or {}
    costs = costs or {}
    variables: list[Variable] = []
    for role in roles or list(ROLES):
        lo, hi = bounds.get(role, (None, None))
        try:
            variables.append(role_variable(role, lo, hi, step, costs.get(role, 0.0),
                                           fte_hours))
        except ValueError as exc:
            raise StaffingSpecError(source, [(f"bounds.{role}", str(exc))]) from None
    if recruitment is not None:
        if recruitment.high < recruitment.low:
            raise StaffingSpecError(source, [("recruitment", "high is below low")])
        variables.append(Variable(RECRUITMENT, recruitment.low, recruitment.high,
                                  recruitment.step, recruitment.cost))
    r = reps or Reps()
    settings = Settings(confidence=confidence, first_reps=r.first, max_reps=max(r.max, r.first),
                        confirm_reps=r.confirm, confirm_attempts=r.attempts,
                        stability=stability or Stability(), floor=floor)
    return Problem(name, scenario, Space(tuple(variables)), tgts, settings,
                   scenario.seed if seed is None else seed)


def load_problem(path: str | Path) -> Problem:
    """Read and validate a staffing spec file; every problem names the file and the field."""
    p = Path(path)
    source = str(p)
    data = safe_yaml(read_input_file(p, StaffingSpecError), source, StaffingSpecError)
    if not isinstance(data, dict):
        raise StaffingSpecError(source, [("", "expected a mapping of fields at the top level")])
    try:
        spec = StaffingSpec.model_validate(data)
    except ValidationError as exc:
        raise StaffingSpecError(source, describe_errors(exc, StaffingSpec)) from None
    base_path = Path(spec.base)
    if not base_path.is_absolute():
        base_path = p.parent / base_path
    if not base_path.exists():
        raise StaffingSpecError(source, [("base", f"base scenario file not found: {base_path}")])
    try:
        scenario = apply_set(load_scenario(base_path), spec.set, source)
    except ScenarioError as exc:
        raise StaffingSpecError(source, [("base", str(exc))]) from None
    try:
        return build_problem(
            scenario, spec.targets, roles=spec.roles, step=spec.step, bounds=spec.bounds,
            costs=spec.costs, fte_hours=spec.fte_hours, recruitment=spec.recruitment,
            confidence=spec.confidence, stability=spec.stability, reps=spec.replications,
            seed=spec.seed, name=spec.name, source=source)
    except TargetError as exc:
        raise StaffingSpecError(source, exc.problems) from None


def apply_set(scenario: Scenario, changes: dict[str, Any], source: str) -> Scenario:
    """The scenario with fixed changes by dotted path (``set:`` in a spec, ``--set`` flags)."""
    if not changes:
        return scenario
    data = copy.deepcopy(scenario_to_dict(scenario))
    for path, value in changes.items():
        try:
            set_by_path(data, path, value)
        except KeyError as exc:
            raise StaffingSpecError(source, [(f"set.{path}", str(exc).strip("'\""))]) from None
    return parse_scenario(data, f"{source} (after set:)")


__all__ = ["Problem", "StaffingSpecError", "build_problem", "kpi_hint", "load_problem"]
