"""Scenario schema: everything a run needs, validated before the model sees it.

A scenario is a YAML file. It is parsed with ``yaml.safe_load`` (nothing is evaluated as code)
and checked by the pydantic models below, which refuse unknown keys, wrong types, negative
rates and probabilities outside [0, 1]. Errors name the file, the field path and what was
expected (see :class:`ScenarioError`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
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

from sim.distributions import Distribution, Fixed
from sim.domain import Layer, PhaseKey, Role

#: A share or probability: between 0 and 1.
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Complexity = Literal["low", "medium", "high"]
Intensity = Literal["full_week", "five_days", "two_days", "holidays"]
Source = Literal["own_groups", "regular_foster", "other_facility"]
FamilyKind = Literal["speelgezin", "ondersteunend", "perspectiefbiedend"]

#: Fields that describe a run but do not change what is simulated; left out of the hash.
UNHASHED_FIELDS = ("name", "description", "replications", "seed")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)



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


class StartState(_Strict):
    """Children already in the programme and families already approved at week 0."""

    children: dict[PhaseKey | Literal["waiting_family"], int] = {}
    families_in_pool: int = Field(default=0, ge=0)
    #: Weeks of work each start child has already done in its phase (in the order the
    #: children of that phase are created; ``sim.startstate``). Its remaining work is drawn
    #: from the phase's duration given that it has lasted this long. Missing: a fresh start.
    elapsed: dict[PhaseKey, list[NonNegativeFloat]] = {}

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

    name: str = "scenario"
    description: str = ""
    horizon_weeks: PositiveFloat = 520.0
    warmup_weeks: NonNegativeFloat = 0.0
    replications: int = Field(default=20, ge=1, le=10_000)
    seed: int = Field(default=20221, ge=0)
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


# --------------------------------------------------------------------------- I/O and errors


class InputError(ValueError):
    """An input file that cannot be used, with every problem listed by field path; ``str()``
    is the message for the user (source, then one line per field)."""

    what = "input"

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: invalid {self.what}"]
        lines += [f"  - {path or '(top level)'}: {msg}" for path, msg in problems]
        super().__init__("\n".join(lines))


class ScenarioError(InputError):
    """A scenario that cannot be used."""

    what = "scenario"


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Known keys at the parent of ``loc``, for 'did you mean' hints."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        else:
            return []
        # unwrap Optional / containers we cannot walk
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


_DIST_TAGS = {"fixed", "exponential", "uniform", "triangular", "lognormal", "gamma"}
_TYPE_WORDS = {
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "string": "text",
    "list": "a list",
    "dict": "a mapping of fields",
    "model": "a mapping of fields",
    "tuple": "a list of two whole numbers",
}


def _expected(kind: str, ctx: dict[str, Any], msg: str) -> str:
    """What the field expects, in plain words."""
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in limits:
        words, key = limits[kind]
        return f"expected a value {words} {ctx.get(key)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} item(s)"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"expected 'dist' to be one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "expected a 'dist' field naming the distribution"
    for prefix, words in _TYPE_WORDS.items():
        if kind.startswith(prefix):
            return f"expected {words}"
    return msg.removeprefix("Value error, ")


def _describe(err: Any) -> tuple[str, str]:
    loc = tuple(p for p in err["loc"] if p not in _DIST_TAGS and p != "[key]")
    path = ".".join(str(p) for p in loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _field_names(Scenario, loc)
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1) if loc else []
        msg = "unknown field" + (f"; did you mean '{hint[0]}'?" if hint else "")
        if known:
            msg += f" (expected one of: {', '.join(known)})"
        return path, msg
    if kind == "missing":
        return path, "required field is missing"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) or kind == "value_error" else f" (got {got!r})"
    return path, _expected(kind, err.get("ctx") or {}, str(err["msg"])) + shown


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate already-loaded data (a dict) as a scenario, or raise :class:`ScenarioError`."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", "expected a mapping of fields at the top level")])
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, [_describe(e) for e in exc.errors()]) from None


def safe_yaml(text: str, source: str, error: type[InputError]) -> Any:
    """YAML text as data (safe loader only: nothing is evaluated as code); a syntax error is
    raised as ``error`` with the line and column."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", exc)
        raise error(source, [("", f"not valid YAML{at}: {problem}")]) from None


def read_input_file(path: Path, error: type[InputError]) -> str:
    """A UTF-8 input file's text; an unreadable file is raised as ``error`` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(str(path), [("", f"cannot read file: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise error(str(path), [("", "expected a UTF-8 text file")]) from None


def parse_scenario_text(text: str, source: str = "<scenario>") -> Scenario:
    """Parse YAML text (safe loader only) and validate it."""
    return parse_scenario(safe_yaml(text, source, ScenarioError), source)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; every problem is reported against the file name."""
    p = Path(path)
    return parse_scenario_text(read_input_file(p, ScenarioError), str(p))


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data (aliases, no defaults dropped) that validates back to the same scenario."""
    return scenario.model_dump(mode="json", by_alias=True)


def scenario_to_yaml(scenario: Scenario) -> str:
    """YAML text that loads back to an identical scenario (and so the same hash)."""
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


def scenario_hash(scenario: Scenario) -> str:
    """Short SHA-256 of everything that changes the simulation (not name, seed, reps)."""
    data = scenario_to_dict(scenario)
    for key in UNHASHED_FIELDS:
        data.pop(key, None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def set_by_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a value in scenario data by a dotted path (``staff.pnp_counsellor.schedule.1.hours``).

    List items are addressed by their index. Raises KeyError naming the part that is missing.
    """
    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[: i + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(f"{where}: no list item {part!r} (the list has {len(node)})")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            elif part not in node:
                raise KeyError(f"{where}: no such field")
            else:
                node = node[part]
        else:
            raise KeyError(f"{where}: cannot descend into a {type(node).__name__}")


def get_by_path(data: dict[str, Any], path: str) -> Any:
    """Read a value from scenario data by a dotted path; KeyError names the missing part."""
    node: Any = data
    for i, part in enumerate(path.split(".")):
        where = ".".join(path.split(".")[: i + 1])
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(f"{where}: no such field")
    return node


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
]
