"""Targets a planner sets: ``kpi <= x`` or ``kpi >= x`` on any KPI, and the stability target.

Targets are validated like scenarios (pydantic), and a bad one is refused with a message naming
the field and, for an unknown KPI, the nearest known name (did you mean ...?).
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.outputs.kpi_defs import KPIS
from sim.scenario.inputs import did_you_mean
from sim.scenario.schema import InputError

#: The KPI the stability target tests: least-squares slope of the waiting list for *staff*,
#: one value per replication (sim.outputs.stationarity). Staffing can only shorten that list; the
#: waiting list for a family is tested apart (sim.staffing.floor, with unlimited hours) and
#: reported as a limit of recruitment, not as a staffing failure.
STABILITY_KPI = "waiting_staff_trend_per_year"


class TargetError(InputError):
    """Targets that cannot be used; ``str()`` names the source and every field at fault."""

    what = "staffing target"


def kpi_hint(name: str) -> str:
    """'unknown KPI ...; did you mean ...?' for a name not in :data:`sim.outputs.kpi_defs.KPIS`."""
    return (f"unknown KPI {name!r}" + did_you_mean(name, KPIS, cutoff=0.5)
            + " (pnp-sim staffing --list-kpis shows them all)")


class Target(BaseModel):
    """One target: the replication mean of ``kpi`` must be ``op`` ``threshold``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kpi: str
    op: Literal["<=", ">="]
    threshold: float
    #: Half-width below which an undecided candidate is left undecided (within tolerance):
    #: the KPI is then too close to the threshold to matter. None: 1% of |threshold| [assume].
    tolerance: float | None = Field(default=None, ge=0)

    @field_validator("kpi")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in KPIS:
            raise ValueError(kpi_hint(v))
        return v

    @field_validator("threshold")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("expected a finite number")
        return v

    @property
    def tol(self) -> float:
        return self.tolerance if self.tolerance is not None else 0.01 * abs(self.threshold)

    @property
    def upper(self) -> bool:
        """True for ``<=`` targets (the KPI must stay below the threshold)."""
        return self.op == "<="

    def text(self, lang: str = "en") -> str:
        """'Bezetting P&P-begeleider ≤ 85%': label and threshold as ``KpiDef`` writes them (a
        growth tolerance with two decimals, as the stability line shows it)."""
        d = KPIS[self.kpi]
        dec = 2 if d.unit == "children/year" else None
        return (f"{d.label(lang)} {'≤' if self.upper else '≥'} "
                f"{d.number(self.threshold, lang, dec)}")

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.threshold:g}"


class Stability(BaseModel):
    """The waiting list for staff must not grow: the one-sided upper bound of its slope across
    replications must stay below ``children`` over the measured window, and every role's
    offered load must be below its available hours (checked analytically, no noise). The
    waiting list for a family is judged apart (see :data:`STABILITY_KPI`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    #: Growth tolerated over the whole measured window, in children [assume: one child].
    children: float = Field(default=1.0, gt=0)

    def target(self, measured_weeks: float) -> Target:
        years = max(measured_weeks / 52.0, 1e-9)
        return Target(kpi=STABILITY_KPI, op="<=", threshold=self.children / years,
                      tolerance=0.0)


_TARGET_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|=<|=>|<|>)\s*(\S+)\s*$")


def parse_target(text: str, source: str = "--target") -> Target:
    """``"referral_to_placement_p90 <= 52"`` as a :class:`Target` (``<`` reads as ``<=``)."""
    m = _TARGET_RE.match(text)
    if not m:
        raise TargetError(source, [("", f"expected 'KPI <= NUMBER' or 'KPI >= NUMBER' "
                                        f"(got {text!r})")])
    kpi, op, value = m.groups()
    op = {"<": "<=", "=<": "<=", ">": ">=", "=>": ">="}.get(op, op)
    try:
        threshold = float(value)
    except ValueError:
        raise TargetError(source, [(kpi, f"expected a number after {op} (got {value!r})")]) \
            from None
    return make_target({"kpi": kpi, "op": op, "threshold": threshold}, source)


def make_target(data: Any, source: str = "<target>") -> Target:
    """Validate a mapping (or a 'KPI <= X' string) as a target, or raise TargetError."""
    if isinstance(data, str):
        return parse_target(data, source)
    try:
        return Target.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            field = ".".join(str(p) for p in e["loc"])
            msg = str(e["msg"]).removeprefix("Value error, ")
            problems.append((field, msg))
        raise TargetError(source, problems) from None
