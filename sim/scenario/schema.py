"""Scenario schema: everything a run needs, validated before the model sees it.

A scenario is a YAML file, read and parsed by :mod:`sim.scenario.inputs` (regular files up to 1 MB,
a bounded safe YAML loader: nothing is evaluated as code) and checked by the pydantic models
below, which refuse unknown keys, wrong types, numbers that are not finite, negative rates,
probabilities outside [0, 1] and values beyond the documented ceilings. Errors name the file,
the field path and what was expected (see :class:`ScenarioError`). Dotted paths into scenario
data are in :mod:`sim.scenario.paths`; both are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.scenario.distributions import Distribution, Fixed
from sim.scenario.domain import CHILD_PHASES, Layer, PhaseKey, Role
from sim.scenario.inputs import (
    MAX_INT,
    InputError,
    describe_errors,
    number_problems,
    read_input_file,
    safe_yaml,
)
from sim.scenario.paths import get_by_path, set_by_path

#: A share or probability: between 0 and 1.
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Complexity = Literal["low", "medium", "high"]
Intensity = Literal["full_week", "five_days", "two_days", "holidays"]
Source = Literal["own_groups", "regular_foster", "other_facility"]
FamilyKind = Literal["speelgezin", "ondersteunend", "perspectiefbiedend"]

#: Fields that describe a run but do not change what is simulated; left out of the hash.
UNHASHED_FIELDS = ("name", "description", "replications", "seed")
#: Start-state fields added later: hashed only when set, so that every scenario without them
#: keeps the hash it had (stored results and checkpoints stay found).
LATER_START_FIELDS = ("families_in_screening", "profiles", "pool_fits_no_waiting_child")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False,
                              defer_build=True)



def _check_shares(shares: dict[str, float], what: str) -> None:
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} shares must add up to 1 (they add up to {total:g})")


def _check_steps(steps: list[Any]) -> list[Any]:
    """A schedule starts at week 0 and its steps follow each other in time."""
    weeks = [s.from_week for s in steps]
    if weeks[0] != 0:
        raise ValueError("the first step must start at from_week 0")
    if any(b <= a for a, b in zip(weeks, weeks[1:], strict=False)):
        raise ValueError("from_week must strictly increase from step to step")
    return steps


# --------------------------------------------------------------------------- staffing


class ScheduleStep(_Strict):
    """From ``from_week`` on, the role works ``hours`` per week (until the next step)."""

    from_week: NonNegativeFloat
    hours: NonNegativeFloat


class RoleStaffing(_Strict):
    """Contracted hours of one role over time, and what is lost to leave and overhead."""

    schedule: list[ScheduleStep] = Field(min_length=1)
    leave_share: float = Field(default=0.0, ge=0.0, lt=1.0)
    caseload_cap: int | None = Field(default=None, ge=1)

    @field_validator("schedule")
    @classmethod
    def _sorted_from_zero(cls, steps: list[ScheduleStep]) -> list[ScheduleStep]:
        return _check_steps(steps)

    def hours_at(self, week: float) -> float:
        """Contracted hours per week in force at ``week``."""
        hours = self.schedule[0].hours
        for step in self.schedule:
            if step.from_week <= week:
                hours = step.hours
        return hours


class Staff(_Strict):
    coordinator: RoleStaffing
    pnp_counsellor: RoleStaffing
    parent_counsellor: RoleStaffing

    def role(self, role: str) -> RoleStaffing:
        return getattr(self, role)


#: Hours per week a case needs, per role and per layer (P&P-parents, child, parents).
Hours = dict[Role, dict[Layer, NonNegativeFloat]]


def total_hours(hours: Hours) -> dict[str, float]:
    """Hours per week per role, summed over the three layers; roles needing none left out."""
    out = {role: sum(layers.values()) for role, layers in hours.items()}
    return {r: h for r, h in out.items() if h > 0}


# --------------------------------------------------------------------------- referrals


class RateStep(_Strict):
    from_week: NonNegativeFloat
    per_year: NonNegativeFloat


class SourceSpec(_Strict):
    """Where referred children come from, and what that implies."""

    share: Probability
    #: The child already lives with a (struggling) foster family, so matching is skipped.
    has_family: bool = False
    #: The child waits in a residential group until placed (counts as residential weeks).
    residential: bool = True


class AgeSpec(_Strict):
    """Age at referral: whole years, equally likely between min and max."""

    min: int = Field(default=3, ge=0, le=21)
    max: int = Field(default=17, ge=0, le=21)

    @model_validator(mode="after")
    def _ordered(self) -> AgeSpec:
        if self.max < self.min:
            raise ValueError("max must be at least min")
        return self


class Referrals(_Strict):
    schedule: list[RateStep] = Field(min_length=1)
    sources: dict[Source, SourceSpec]
    age: AgeSpec = AgeSpec()
    intensity: dict[Intensity, Probability]
    complexity: dict[Complexity, Probability]

    @field_validator("schedule")
    @classmethod
    def _sorted_from_zero(cls, steps: list[RateStep]) -> list[RateStep]:
        return _check_steps(steps)

    @field_validator("intensity", "complexity")
    @classmethod
    def _probabilities(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, "the")
        return v

    @field_validator("sources")
    @classmethod
    def _source_shares(cls, v: dict[str, SourceSpec]) -> dict[str, SourceSpec]:
        _check_shares({k: s.share for k, s in v.items()}, "source")
        return v


class ComplexityEffect(_Strict):
    """Multipliers applied to a child of this complexity."""

    duration: PositiveFloat = 1.0
    hours: NonNegativeFloat = 1.0
    breakdown: NonNegativeFloat = 1.0


# --------------------------------------------------------------------------- phases


class PhaseSpec(_Strict):
    """One phase: how long it takes and the hours per week it needs while it runs."""

    duration: Distribution = Fixed(dist="fixed", value=0.0)
    #: Replaces ``duration`` for children of the given complexity.
    duration_by_complexity: dict[Complexity, Distribution] = {}
    hours: Hours = {}
    #: Chance that the phase ends well (matching sub-phases only; 1 elsewhere).
    success: float = Field(default=1.0, ge=0.0, le=1.0)

    def duration_for(self, complexity: str) -> Any:
        return self.duration_by_complexity.get(complexity, self.duration)  # type: ignore[call-overload]


class GuidanceSpec(PhaseSpec):
    """Begeleiding: long guidance, interrupted by training episodes for new developmental tasks."""

    new_task_per_year: NonNegativeFloat = 0.0
    #: Length of one training episode; the episode needs the training phase's hours.
    task_training: Distribution = Fixed(dist="fixed", value=0.0)


class Sensibiliseren(_Strict):
    """Phase 1: standing recruitment and awareness work, which produces interested families."""

    hours: Hours = {}


class Phases(_Strict):
    sensibiliseren: Sensibiliseren = Sensibiliseren()
    assessment: PhaseSpec
    prematching: PhaseSpec
    discrete_matching: PhaseSpec
    open_matching: PhaseSpec
    fitting: PhaseSpec
    training: PhaseSpec
    guidance: GuidanceSpec
    anchoring: PhaseSpec

    def spec(self, phase: str) -> PhaseSpec:
        return getattr(self, phase)


# --------------------------------------------------------------------------- families


class FamilyKindSpec(_Strict):
    share: Probability
    intensities: list[Intensity] = Field(min_length=1)


class AgeRangeSpec(_Strict):
    """The youngest and oldest child a family accepts: whole years, drawn uniformly."""

    youngest: tuple[int, int] = (3, 8)
    oldest: tuple[int, int] = (10, 17)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRangeSpec:
        for name, (lo, hi) in (("youngest", self.youngest), ("oldest", self.oldest)):
            if lo > hi or lo < 0:
                raise ValueError(f"{name} must be [low, high] with 0 <= low <= high")
        return self


class ScreeningSpec(_Strict):
    """Screening of interested families with Pleegzorg."""

    duration: Distribution = Fixed(dist="fixed", value=0.0)
    pass_rate: Probability
    hours: Hours = {}


class Families(_Strict):
    #: Interested families per year when the sensibiliseren hours are fully covered.
    interested_per_year: NonNegativeFloat
    screening: ScreeningSpec
    kinds: dict[FamilyKind, FamilyKindSpec]
    age_range: AgeRangeSpec = AgeRangeSpec()
    max_complexity: dict[Complexity, Probability]
    leave_per_year: NonNegativeFloat = 0.0
    #: A family that waits this long in the pool without a match stops (None: never).
    max_idle_weeks: PositiveFloat | None = None
    leave_after_failed_match: float = Field(default=0.0, ge=0.0, le=1.0)
    stop_after_breakdown: float = Field(default=0.0, ge=0.0, le=1.0)
    #: Extreme-value switch: a compatible family is always available at once.
    unlimited: bool = False

    @field_validator("kinds")
    @classmethod
    def _kind_shares(cls, v: dict[str, FamilyKindSpec]) -> dict[str, FamilyKindSpec]:
        _check_shares({k: s.share for k, s in v.items()}, "family kind")
        return v

    @field_validator("max_complexity")
    @classmethod
    def _complexity_shares(cls, v: dict[str, float]) -> dict[str, float]:
        _check_shares(v, "max_complexity")
        return v


# --------------------------------------------------------------------------- risks


class Breakdown(_Strict):
    """Placement breakdown: a weekly hazard per placed phase, with multipliers."""

    weekly_hazard: dict[Literal["fitting", "training", "guidance", "anchoring"], NonNegativeFloat]
    age_over_10: NonNegativeFloat = 1.0
    #: Multiplier while the placement does not get the hours it needs.
    underserved: NonNegativeFloat = 1.0
    #: Share of broken-down children who go back to matching; the others leave P&P.
    rematch_share: float = Field(default=0.0, ge=0.0, le=1.0)


class Crisis(_Strict):
    per_placement_per_year: NonNegativeFloat = 0.0
    #: On-call hours per week a crisis claims, before any other work.
    hours: Hours = {}
    work_duration: Distribution = Fixed(dist="fixed", value=1.0)
    admission_probability: float = Field(default=0.0, ge=0.0, le=1.0)
    admission_duration: Distribution = Fixed(dist="fixed", value=2.0)


class Costs(_Strict):
    """Daily costs, to put residential days saved into money."""

    residential_per_day: NonNegativeFloat = 250.0
    family_per_day: NonNegativeFloat = 40.0
    #: Share of the days a child of each intensity lives with the family (7/7 = 1).
    day_share: dict[Intensity, Probability] = {
        "full_week": 1.0,
        "five_days": 5 / 7,
        "two_days": 2 / 7,
        "holidays": 0.2,
    }



# --------------------------------------------------------------------------- leaving early


class Ageing(_Strict):
    """Children grow older while in P&P: age-based multipliers follow the current age, and a
    child leaves P&P (outcome ``aged_out``) on reaching ``leave_at_age``."""

    enabled: bool = True
    leave_at_age: int = Field(default=18, ge=1, le=30)


class Withdrawal(_Strict):
    """Children withdrawn from the waiting list (a solution found elsewhere): a rate per year
    while waiting, by wait kind; the child leaves P&P (outcome ``withdrawn``). Only children
    not yet placed withdraw."""

    waiting_staff_per_year: NonNegativeFloat = 0.0
    waiting_family_per_year: NonNegativeFloat = 0.0


# --------------------------------------------------------------------------- start state


class StartChild(_Strict):
    """What is known of one start child; a missing field is drawn as for a new referral.

    Children still in P&P at a cut-off are not like new referrals: those at higher risk of a
    breakdown (older, more complex) have more often left already. A calibration writes what
    its log shows, so a back-cast starts from the children that are really there.
    """

    age: int | None = Field(default=None, ge=0, le=30)  # whole years at week 0
    complexity: Complexity | None = None
    intensity: Intensity | None = None


class StartState(_Strict):
    """Children already in the programme and families already approved at week 0."""

    children: dict[PhaseKey | Literal["waiting_family"], int] = {}
    families_in_pool: int = Field(default=0, ge=0)
    #: Families already in screening at week 0, as the weeks each has been in it. Each one's
    #: screening lasts a duration drawn given that it has lasted this long; it passes at the
    #: pass rate. Without it, no family finishes screening before a full screening has passed.
    families_in_screening: list[NonNegativeFloat] = []
    #: The start children waiting for a family are ones the pool's families passed over (in
    #: a running programme a family that fits a waiting child takes it at once): true for a
    #: state read from a log, so no match happens at week 0 that the log does not show. The
    #: families stay in the pool for others. False: the pool may take waiting children at once.
    pool_fits_no_waiting_child: bool = False
    #: Weeks of work each start child has already done in its phase (in the order the
    #: children of that phase are created; ``sim.model.startstate``). Its remaining work is drawn
    #: from the phase's duration given that it has lasted this long. Missing: a fresh start.
    elapsed: dict[PhaseKey, list[NonNegativeFloat]] = {}
    #: Age, complexity and intensity of the start children, in the same order as
    #: ``elapsed`` (``sim.model.startstate``). Missing: drawn as for a new referral.
    profiles: dict[PhaseKey | Literal["waiting_family"], list[StartChild]] = {}

    @field_validator("children")
    @classmethod
    def _non_negative(cls, v: dict[str, int]) -> dict[str, int]:
        for key, n in v.items():
            if n < 0:
                raise ValueError(f"number of children in {key!r} must be 0 or more, got {n}")
            if key == "sensibiliseren" and n:
                raise ValueError("children cannot be in sensibiliseren (it recruits families)")
        return v


# --------------------------------------------------------------------------- scenario


class Scenario(_Strict):
    """A complete, validated scenario."""

    name: str = Field(default="scenario", max_length=200)
    description: str = Field(default="", max_length=10_000)
    horizon_weeks: PositiveFloat = 520.0
    warmup_weeks: NonNegativeFloat = 0.0
    replications: int = Field(default=20, ge=1, le=10_000)
    seed: int = Field(default=20221, ge=0, le=MAX_INT)
    policy: Literal["waitlist", "share"] = "waitlist"
    referrals: Referrals
    complexity_effects: dict[Complexity, ComplexityEffect] = {}
    staff: Staff
    phases: Phases
    families: Families
    breakdown: Breakdown
    crisis: Crisis = Crisis()
    costs: Costs = Costs()
    ageing: Ageing = Ageing()
    withdrawal: Withdrawal = Withdrawal()
    start_state: StartState = StartState()

    @field_validator("warmup_weeks")
    @classmethod
    def _warmup_inside_horizon(cls, v: float, info: ValidationInfo) -> float:
        horizon = info.data.get("horizon_weeks")
        if horizon is not None and v >= horizon:
            raise ValueError(f"warm-up must be shorter than horizon_weeks ({horizon:g})")
        return v


# --------------------------------------------------------------------------- ceilings

#: Documented ceilings, checked for every scenario a user gives (files, the app, sweep
#: points); they keep a run's memory and time bounded. See README "Scenario files".
MAX_HORIZON_WEEKS = 5200.0  # 100 years of 52 weeks
#: Rates per year of the programme: referrals, interested families, families leaving.
MAX_PER_YEAR = 1000.0
#: Rates per year of one child: new developmental tasks, crises (at most one a week).
MAX_PER_CHILD_YEAR = 52.0
#: Children, and families, in the start state.
MAX_START_COUNT = 10_000


def ceiling_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Fields of a valid scenario beyond the documented ceilings, by field path."""
    out: list[tuple[str, str]] = []
    if scenario.horizon_weeks > MAX_HORIZON_WEEKS:
        out.append(("horizon_weeks", f"expected at most {MAX_HORIZON_WEEKS:g} weeks (100 "
                    f"years) (got {scenario.horizon_weeks:g})"))
    rates = [(f"referrals.schedule.{i}.per_year", s.per_year)
             for i, s in enumerate(scenario.referrals.schedule)]
    rates += [("families.interested_per_year", scenario.families.interested_per_year),
              ("families.leave_per_year", scenario.families.leave_per_year)]
    out += [(path, f"expected at most {MAX_PER_YEAR:g} a year (got {v:g})")
            for path, v in rates if v > MAX_PER_YEAR]
    per_child = [
        ("phases.guidance.new_task_per_year", scenario.phases.guidance.new_task_per_year),
        ("crisis.per_placement_per_year", scenario.crisis.per_placement_per_year)]
    out += [(path, f"expected at most {MAX_PER_CHILD_YEAR:g} a year per child, one a week "
             f"(got {v:g})") for path, v in per_child if v > MAX_PER_CHILD_YEAR]
    children = sum(scenario.start_state.children.values())
    if children > MAX_START_COUNT:
        out.append(("start_state.children", f"expected at most {MAX_START_COUNT:,} children "
                    f"in all (got {children:,})"))
    if scenario.start_state.families_in_pool > MAX_START_COUNT:
        out.append(("start_state.families_in_pool", f"expected at most {MAX_START_COUNT:,}"))
    if len(scenario.start_state.families_in_screening) > MAX_START_COUNT:
        out.append(("start_state.families_in_screening",
                    f"expected at most {MAX_START_COUNT:,} families"))
    return out


def distribution_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Duration distributions whose parameters, each valid alone, give durations that are not
    finite (say a lognormal with a tiny mean and a huge sd): sampled at both tails."""
    dists: list[tuple[str, Any]] = []
    for phase in CHILD_PHASES:
        spec = scenario.phases.spec(phase)
        dists.append((f"phases.{phase}.duration", spec.duration))
        dists += [(f"phases.{phase}.duration_by_complexity.{k}", d)
                  for k, d in spec.duration_by_complexity.items()]
    dists += [("phases.guidance.task_training", scenario.phases.guidance.task_training),
              ("families.screening.duration", scenario.families.screening.duration),
              ("crisis.work_duration", scenario.crisis.work_duration),
              ("crisis.admission_duration", scenario.crisis.admission_duration)]
    out = []
    for path, dist in dists:
        try:
            draws = [dist.sample(u) for u in (0.0, 1e-9, 0.5, 1.0 - 1e-9, 1.0)]
            ok = all(math.isfinite(x) and x >= 0 for x in draws)
        except (ArithmeticError, ValueError):
            ok = False
        if not ok:
            out.append((path, "expected parameters that give finite durations (these give "
                        "infinite or undefined ones; check the mean and sd)"))
    return out


# --------------------------------------------------------------------------- parsing


class ScenarioError(InputError):
    """A scenario that cannot be used."""

    what = "scenario"


def parse_scenario(data: Any, source: str = "<scenario>", *, limits: bool = True) -> Scenario:
    """Validate already-loaded data (a dict) as a scenario, or raise :class:`ScenarioError`.

    Every number must be finite; ``limits`` also applies the documented ceilings
    (:func:`ceiling_problems`); only code that builds its own scenarios, such as the textbook
    queues of the validation, turns them off."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", "expected a mapping of fields at the top level")])
    numbers = number_problems(data)
    if numbers:
        raise ScenarioError(source, numbers)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, describe_errors(exc, Scenario)) from None
    beyond = distribution_problems(scenario)
    if limits:
        beyond += ceiling_problems(scenario)
    if beyond:
        raise ScenarioError(source, beyond)
    return scenario


def parse_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse YAML text (bounded safe loader: see :func:`sim.scenario.inputs.safe_yaml`) and validate
    it. Used by the app for uploads and edits, with the same bounds as files."""
    return parse_scenario(safe_yaml(text, source, ScenarioError), source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (a regular file of at most 1 MB); every problem is
    reported against the file name."""
    p = Path(path)
    return parse_scenario_text(read_input_file(p, ScenarioError), str(p))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data (aliases, no defaults dropped) that validates back to the same scenario."""
    return scenario.model_dump(mode="json", by_alias=True)


def scenario_to_yaml(scenario: Scenario) -> str:
    """YAML text that loads back to an identical scenario (and so the same hash)."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def canonical(data: Any) -> Any:
    """Data normalised for hashing: ``-0.0`` becomes ``0.0``. Ints and floats are already
    consistent after validation (``5`` and ``5.0`` in a number field are both ``5.0``, in a
    whole-number field both ``5``), so equal scenarios hash alike."""
    if isinstance(data, dict):
        return {str(k): canonical(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [canonical(v) for v in data]
    if isinstance(data, float) and data == 0.0:
        return 0.0
    return data


def scenario_hash(scenario: Scenario) -> str:
    """Short SHA-256 of everything that changes the simulation (not name, seed, reps)."""
    data = scenario_to_dict(scenario)
    for key in UNHASHED_FIELDS:
        data.pop(key, None)
    start = data.get("start_state", {})
    for key in LATER_START_FIELDS:
        if not start.get(key, True):
            start.pop(key)
    # start children are created (and queue for staff) in the order listed, which the sorted
    # JSON below would lose: an order other than the sorted one is hashed too
    order = list(start.get("children", {}))
    if order != sorted(order):
        start["children_order"] = order
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    if "-0.0" in text:  # rare: normalise (the plain text is the same for everything else)
        text = json.dumps(canonical(data), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


__all__ = [
    "Scenario",
    "ScenarioError",
    "PhaseKey",
    "load_scenario",
    "parse_scenario",
    "parse_scenario_text",
    "scenario_hash",
    "scenario_to_dict",
    "scenario_to_yaml",
    "set_by_path",
    "get_by_path",
    "total_hours",
    "InputError",
    "read_input_file",
    "safe_yaml",
    "MAX_HORIZON_WEEKS",
    "MAX_PER_YEAR",
    "MAX_PER_CHILD_YEAR",
    "MAX_START_COUNT",
]
