"""Sweep specifications: which scenario points to run, validated before anything runs.

A sweep spec is a YAML file (read by :mod:`sim.scenario.inputs`: a regular file of at most 1 MB, a
bounded safe loader, nothing is evaluated as code)::

    name: staffing-2025
    base: ../baseline.yaml            # the base scenario, relative to this file
    replications: 10                  # per point
    seed: 20221                       # every point runs replications 0..9 with this seed
    set:                              # optional fixed changes applied to every point
      horizon_weeks: 260
    parameters:                       # what varies, by dotted path in the scenario
      - path: staff.pnp_counsellor.schedule.0.hours
        values: [19, 24, 30]
      - path: staff.parent_counsellor.schedule.0.hours
        range: {start: 8, stop: 24, step: 4}      # 8, 12, 16, 20, 24 (stop included)
      - path: referrals.schedule.0.per_year
        between: [8, 20]                          # sampled by the Latin hypercube below
    latin_hypercube: {points: 20, seed: 7}

Parameters given by ``values`` or ``range`` are crossed (every combination); parameters given by
``between`` are sampled together by a Latin hypercube of ``points`` points, and that sample is
crossed with the grid. Every problem is reported against the file and the field path, in the
same style as scenario errors (:class:`SpecError`).
"""

from __future__ import annotations

import decimal
import hashlib
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sim.scenario.inputs import (
    MAX_INT,
    InputError,
    describe_errors,
    number_problems,
    read_input_file,
    safe_yaml,
    short_repr,
)
from sim.scenario.paths import get_by_path, set_by_path
from sim.scenario.schema import (
    Scenario,
    ScenarioError,
    canonical,
    load_scenario,
    parse_scenario,
    scenario_hash,
    scenario_to_dict,
)

#: Column names of the results tables, which parameter names may not take.
RESERVED_COLUMNS = ("point", "rep", "seed", "scenario_hash", "params", "error", "kpi", "value",
                    "mean", "ci_low", "ci_high", "n", "replications", "replications_done",
                    "failed", "attempts", "week", "experiment")

#: Scenario fields a sweep may not vary: they are set by the spec itself.
RESERVED_PATHS = ("name", "description", "replications", "seed")

#: Most points a sweep may have without ``--allow-large`` (``allow_large=True``) ...
MAX_POINTS = 100_000
#: ... and with it (a point's index is a 32-bit integer in the store).
MAX_POINTS_LARGE = 10_000_000
#: Most runs (points x replications) a sweep may have without ``--allow-large`` ...
MAX_RUNS = 1_000_000
#: ... and with it: a 10-year baseline replication takes about 0.1-0.2 s of one core, so
#: 10^8 runs are weeks of a 16-core machine; more is split into several sweeps.
MAX_RUNS_LARGE = 100_000_000
#: Most values of one ``range`` (checked before it is expanded).
MAX_RANGE_VALUES = 100_000
#: Most values of one parameter tried against the base scenario when the spec is loaded;
#: the others are checked point by point as the sweep runs (a refused point is not run).
MAX_TRIAL_VALUES = 50


class SpecError(InputError):
    """A sweep spec that cannot be used, with every problem listed by field path."""

    what = "sweep spec"


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class RangeSpec(_Strict):
    """Evenly spaced values from ``start`` to ``stop`` (included when reached) by ``step``."""

    start: float
    stop: float
    step: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> RangeSpec:
        if self.stop < self.start:
            raise ValueError("stop must be at least start")
        if (self.stop - self.start) / self.step >= MAX_RANGE_VALUES:
            raise ValueError(f"the range has {self.count_estimate()} values, more than "
                             f"{MAX_RANGE_VALUES:,}; use a larger step")
        return self

    def count_estimate(self) -> str:
        """The number of values as text, without expanding (it may be astronomically
        large)."""
        ratio = (self.stop - self.start) / self.step
        return f"{int(ratio) + 1:,}" if ratio < 1e18 else f"about {ratio:.3g}"

    def count(self) -> int:
        """How many values :meth:`expand` gives, without expanding."""
        return int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1

    def expand(self) -> list[float | int]:
        n = self.count() - 1
        whole = all(float(x).is_integer() for x in (self.start, self.stop, self.step))
        # as many decimals as start and step are written with: 0.1 + 2 * 0.1 gives 0.3
        decimals = max(_decimals(self.start), _decimals(self.step))
        out: list[float | int] = []
        for i in range(n + 1):
            v = round(self.start + i * self.step, decimals)
            out.append(int(v) if whole else v)
        return out


def _decimals(x: float) -> int:
    exponent = decimal.Decimal(repr(float(x))).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class ParameterSpec(_Strict):
    """One swept parameter: where it goes and which values it takes."""

    #: Dotted path in the scenario, or several paths that all get the same value.
    path: str | list[str]
    #: Short column name in results (default: the path).
    name: str | None = None
    values: list[Any] | None = None
    range: RangeSpec | None = None
    #: [low, high] for the Latin hypercube.
    between: tuple[float, float] | None = None
    #: Latin hypercube values rounded to whole numbers.
    integer: bool = False
    #: Latin hypercube values rounded to this many decimals.
    decimals: int | None = Field(default=None, ge=0, le=12)

    @field_validator("path")
    @classmethod
    def _paths(cls, v: str | list[str]) -> str | list[str]:
        paths = [v] if isinstance(v, str) else v
        if not paths:
            raise ValueError("give at least one path")
        for p in paths:
            if not p or any(not part for part in p.split(".")):
                raise ValueError(f"{p!r} is not a dotted path like staff.coordinator.leave_share")
            if p.split(".")[0] in RESERVED_PATHS:
                raise ValueError(
                    f"{p!r} cannot be swept: name, description, replications and seed "
                    "are set by the sweep spec itself"
                )
        return v

    @field_validator("values")
    @classmethod
    def _non_empty(cls, v: list[Any] | None) -> list[Any] | None:
        if v is not None and not v:
            raise ValueError("give at least one value")
        return v

    @model_validator(mode="after")
    def _exactly_one(self) -> ParameterSpec:
        given = [k for k in ("values", "range", "between") if getattr(self, k) is not None]
        if len(given) != 1:
            which = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one of values, range or between (got {which})")
        if self.between is not None and self.between[1] < self.between[0]:
            raise ValueError("between must be [low, high] with low <= high")
        if (self.integer or self.decimals is not None) and self.between is None:
            raise ValueError("integer and decimals only apply to between (Latin hypercube)")
        if self.integer and self.between is not None and \
                math.ceil(self.between[0]) > math.floor(self.between[1]):
            raise ValueError("between holds no whole number, but integer is true")
        from sim.outputs.kpi_defs import KPIS

        if self.label in KPIS or self.label in RESERVED_COLUMNS:
            what = "a KPI" if self.label in KPIS else "a column of the results tables"
            raise ValueError(f"name {self.label!r} is also the name of {what}; choose another "
                             "name")
        return self

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path)

    @property
    def label(self) -> str:
        return self.name or self.paths[0]

    def grid_count(self) -> int:
        """How many values the grid parameter takes, without expanding a range."""
        if self.values is not None:
            return len(self.values)
        assert self.range is not None
        return self.range.count()

    def grid_values(self) -> list[Any]:
        if self.values is not None:
            return list(self.values)
        assert self.range is not None
        return self.range.expand()

    def from_unit(self, u: float) -> float | int:
        """Map a Latin hypercube coordinate in [0, 1) onto ``between``."""
        assert self.between is not None
        low, high = self.between
        if self.integer:
            # equal-width bins over the whole numbers low..high
            lo, hi = math.ceil(low), math.floor(high)
            return int(min(hi, lo + math.floor(u * (hi - lo + 1))))
        v = low + u * (high - low)
        return round(v, self.decimals) if self.decimals is not None else float(v)


class LatinHypercube(_Strict):
    points: int = Field(ge=1, le=MAX_POINTS_LARGE)
    seed: int = Field(default=0, ge=0, le=MAX_INT)


class SweepSpec(_Strict):
    """A validated sweep spec (the file's content; see :func:`load_spec`)."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    base: str
    replications: int = Field(ge=1, le=10_000)
    seed: int = Field(ge=0, le=MAX_INT)
    #: Keep the weekly series of every replication in the store (bigger, slower).
    store_weekly: bool = False
    #: Fixed changes applied to every point, by dotted path.
    set: dict[str, Any] = {}
    parameters: list[ParameterSpec] = Field(min_length=1)
    latin_hypercube: LatinHypercube | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        sampled = [p for p in self.parameters if p.between is not None]
        if sampled and self.latin_hypercube is None:
            raise ValueError(
                "parameters with 'between' need a latin_hypercube: {points: N, seed: S}"
            )
        if self.latin_hypercube is not None and not sampled:
            raise ValueError("latin_hypercube is given but no parameter uses 'between'")
        seen: dict[str, int] = {}
        for i, p in enumerate(self.parameters):
            for path in p.paths:
                if path in seen:
                    raise ValueError(f"path {path!r} is swept twice (parameters {seen[path]} "
                                     f"and {i})")
                seen[path] = i
        labels = [p.label for p in self.parameters]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise ValueError(f"parameter names must differ: {', '.join(dupes)}")
        return self

    def n_points(self) -> int:
        """How many points the sweep has, computed without expanding anything."""
        n = 1
        for p in self.parameters:
            if p.between is None:
                n *= p.grid_count()
        if self.latin_hypercube is not None:
            n *= self.latin_hypercube.points
        return n


# --------------------------------------------------------------------------- points


@dataclass(frozen=True)
class Point:
    """One scenario of the sweep: its index, the swept values and the full scenario."""

    index: int
    params: dict[str, Any]
    scenario: Scenario | None
    scenario_hash: str
    #: Why the scenario is not valid (the point is then recorded as failed, not run).
    error: str | None = None


@dataclass
class LoadedSpec:
    """A spec with its base scenario loaded: what a sweep needs."""

    spec: SweepSpec
    source: str
    text: str
    base: Scenario

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def parameter_names(self) -> list[str]:
        return [p.label for p in self.spec.parameters]

    def spec_hash(self) -> str:
        """Identifies what the sweep computes: the points and the seed (not reps or name)."""
        data = {
            "base": scenario_hash(self.base),
            "set": canonical(self.spec.set),
            "parameters": canonical([p.model_dump(mode="json") for p in self.spec.parameters]),
            "latin_hypercube": (
                self.spec.latin_hypercube.model_dump(mode="json")
                if self.spec.latin_hypercube else None
            ),
            "seed": self.spec.seed,
        }
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def n_points(self) -> int:
        return self.spec.n_points()

    def _base_dict(self) -> dict[str, Any]:
        data = scenario_to_dict(self.base)
        for path, value in self.spec.set.items():
            set_by_path(data, path, value)
        data["seed"] = self.spec.seed
        data["replications"] = self.spec.replications
        return data

    def _lhs(self) -> list[list[float]]:
        sampled = [p for p in self.spec.parameters if p.between is not None]
        lh = self.spec.latin_hypercube
        if not sampled or lh is None:
            return [[]]
        from scipy.stats import qmc

        sampler = qmc.LatinHypercube(d=len(sampled), seed=lh.seed)
        unit = sampler.random(n=lh.points)
        return [list(map(float, row)) for row in unit]

    def points(self) -> Iterator[Point]:
        """Every point, in a fixed order (grid first, Latin hypercube innermost).

        Points are generated one at a time, so a large sweep does not hold every scenario in
        memory at once.
        """
        # a JSON round trip copies the plain scenario data much faster than copy.deepcopy
        base_json = json.dumps(self._base_dict())
        grid = [p for p in self.spec.parameters if p.between is None]
        sampled = [p for p in self.spec.parameters if p.between is not None]
        lhs_rows = self._lhs()
        grid_values = [p.grid_values() for p in grid]
        index = 0
        for combo in itertools.product(*grid_values):
            for row in lhs_rows:
                params: dict[str, Any] = {}
                data = json.loads(base_json)
                for p, v in zip(grid, combo, strict=True):
                    params[p.label] = v
                    for path in p.paths:
                        set_by_path(data, path, v)
                for p, u in zip(sampled, row, strict=True):
                    v = p.from_unit(u)
                    params[p.label] = v
                    for path in p.paths:
                        set_by_path(data, path, v)
                data["name"] = f"{self.spec.name} #{index}"
                yield _make_point(index, params, data, self.source)
                index += 1


def _make_point(index: int, params: dict[str, Any], data: dict[str, Any], source: str) -> Point:
    try:
        scenario = parse_scenario(data, f"{source} point {index} {_fmt_params(params)}")
    except ScenarioError as exc:
        digest = hashlib.sha256(
            json.dumps(data, sort_keys=True, default=str).encode()
        ).hexdigest()[:16]
        return Point(index, params, None, f"invalid-{digest}", error=str(exc))
    return Point(index, params, scenario, scenario_hash(scenario))


def _fmt_params(params: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{k}={short_repr(v)}" for k, v in params.items()) + ")"


# --------------------------------------------------------------------------- loading


def parse_spec(data: Any, source: str = "<sweep>", base_dir: Path | None = None,
               text: str = "", *, allow_large: bool = False) -> LoadedSpec:
    """Validate loaded data (a dict) as a sweep spec, load its base scenario and check that
    every path exists and every single value is accepted by the scenario schema.

    A sweep of more than :data:`MAX_POINTS` points or :data:`MAX_RUNS` runs (points x
    replications) is refused unless ``allow_large`` (the CLI's ``--allow-large``), and one of
    more than :data:`MAX_POINTS_LARGE` points or :data:`MAX_RUNS_LARGE` runs always; both
    numbers are computed before anything is expanded."""
    if not isinstance(data, dict):
        raise SpecError(source, [("", "expected a mapping of fields at the top level")])
    numbers = number_problems(data)
    if numbers:
        raise SpecError(source, numbers)
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(source, describe_errors(exc, SweepSpec)) from None
    size = _size_problem(spec, allow_large)
    if size:
        raise SpecError(source, [("parameters", size)])
    runs = _runs_problem(spec, allow_large)
    if runs:
        raise SpecError(source, [("replications", runs)])

    base_path = Path(spec.base)
    if not base_path.is_absolute() and base_dir is not None:
        base_path = base_dir / base_path
    if not base_path.exists():
        raise SpecError(source, [("base", f"base scenario file not found: {base_path}")])
    try:
        base = load_scenario(base_path)
    except ScenarioError as exc:
        problems = [("base", f"the base scenario {base_path} is invalid:")]
        problems += [(f"base: {p}", m) for p, m in exc.problems]
        raise SpecError(source, problems) from None

    loaded = LoadedSpec(spec, source, text, base)
    problems = _check_against_base(loaded)
    if problems:
        raise SpecError(source, problems)
    return loaded


def _size_problem(spec: SweepSpec, allow_large: bool) -> str | None:
    """Why the sweep is too large to run, or None."""
    n = spec.n_points()
    limit = MAX_POINTS_LARGE if allow_large else MAX_POINTS
    if n <= limit:
        return None
    factors = [f"{p.grid_count():,}" for p in spec.parameters if p.between is None]
    if spec.latin_hypercube is not None:
        factors.append(f"{spec.latin_hypercube.points:,} Latin hypercube points")
    shown = f"{n:,}" if n < 10**15 else f"about {float(n):.3g}"
    msg = f"the sweep has {shown} points ({' x '.join(factors)}), more than {limit:,}"
    if allow_large:
        return msg + "; split it into several sweeps"
    return msg + ("; use fewer values, or give --allow-large to run up to "
                  f"{MAX_POINTS_LARGE:,} points")


def _runs_problem(spec: SweepSpec, allow_large: bool) -> str | None:
    """Why the sweep has too many runs (points x replications), or None."""
    runs = spec.n_points() * spec.replications
    limit = MAX_RUNS_LARGE if allow_large else MAX_RUNS
    if runs <= limit:
        return None
    msg = (f"the sweep has {runs:,} runs ({spec.n_points():,} points x "
           f"{spec.replications:,} replications), more than {limit:,}")
    if allow_large:
        return msg + "; split it into several sweeps or use fewer replications"
    return msg + ("; use fewer points or replications, or give --allow-large to run up to "
                  f"{MAX_RUNS_LARGE:,} runs")


def _trial_values(values: list[Any]) -> list[Any]:
    """At most :data:`MAX_TRIAL_VALUES` of ``values``, evenly spread, first and last kept."""
    if len(values) <= MAX_TRIAL_VALUES:
        return values
    step = (len(values) - 1) / (MAX_TRIAL_VALUES - 1)
    return [values[round(i * step)] for i in range(MAX_TRIAL_VALUES)]


def _check_against_base(loaded: LoadedSpec) -> list[tuple[str, str]]:
    """Every path must exist in the base scenario, and every value on its own must give a
    valid scenario (combinations are checked when the points are made)."""
    spec = loaded.spec
    problems: list[tuple[str, str]] = []
    base = scenario_to_dict(loaded.base)

    def check_path(where: str, path: str) -> bool:
        parent, _, _last = path.rpartition(".")
        try:
            get_by_path(base, path)
            return True
        except KeyError:
            pass
        # a new key in an existing mapping (e.g. hours of a role a phase did not need yet)
        try:
            node = get_by_path(base, parent) if parent else base
        except KeyError as exc:
            problems.append((where, f"{path!r} is not in the base scenario ({exc.args[0]})"))
            return False
        if not isinstance(node, dict):
            problems.append((where, f"{path!r} is not in the base scenario"))
            return False
        return True

    for key in spec.set:
        if key.split(".")[0] in RESERVED_PATHS:
            problems.append((f"set.{key}", "name, description, replications and seed are set "
                             "by the sweep spec itself"))
        else:
            check_path(f"set.{key}", key)
    if problems:
        return problems

    # all fixed changes together (one may only be valid with another: horizon and warmup)
    fixed = loaded._base_dict()
    fixed_json = json.dumps(fixed)
    try:
        parse_scenario(json.loads(fixed_json), "")
    except ScenarioError as exc:
        out = []
        for path, msg in exc.problems:
            keys = [k for k in spec.set if path == k or path.startswith(k + ".")]
            if keys:
                out.append((f"set.{keys[0]}", msg if path == keys[0] else f"{path}: {msg}"))
            else:
                out.append(("set", f"{path + ': ' if path else ''}{msg}"))
        return out

    for i, param in enumerate(spec.parameters):
        paths_ok = True
        for j, path in enumerate(param.paths):
            where = f"parameters.{i}.path" + (f".{j}" if isinstance(param.path, list) else "")
            paths_ok = check_path(where, path) and paths_ok
        if not paths_ok:
            continue
        if param.between is not None:
            field = f"parameters.{i}.between"
            trial = [param.from_unit(0.0), param.from_unit(1.0 - 1e-12)]
        elif param.values is not None:
            field = f"parameters.{i}.values"
            trial = _trial_values(list(param.values))
        else:
            field = f"parameters.{i}.range"
            trial = _trial_values(param.grid_values())
        bad: list[str] = []
        for value in trial:
            data = json.loads(fixed_json)
            for path in param.paths:
                set_by_path(data, path, value)
            try:
                parse_scenario(data, "")
            except ScenarioError as exc:
                why = "; ".join(f"{p}: {m}" if p else m for p, m in exc.problems)
                bad.append(f"value {short_repr(value)} gives an invalid scenario ({why})")
                if len(bad) >= 3:
                    break
        problems += [(field, b) for b in bad]
    return problems


def parse_spec_text(text: str, source: str = "<sweep>", base_dir: Path | None = None,
                    *, allow_large: bool = False) -> LoadedSpec:
    """Parse YAML text (bounded safe loader, at most 1 MB) and validate it as a spec."""
    return parse_spec(safe_yaml(text, source, SpecError), source, base_dir, text,
                      allow_large=allow_large)


def load_spec(path: str | Path, *, allow_large: bool = False) -> LoadedSpec:
    """Read and validate a sweep spec file (a regular file of at most 1 MB); the base path
    is relative to the spec file."""
    p = Path(path)
    return parse_spec_text(read_input_file(p, SpecError), str(p), p.parent,
                           allow_large=allow_large)
