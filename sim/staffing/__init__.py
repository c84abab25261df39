"""Least staffing: the fewest hours per role that meet a planner's targets, with a stated
guarantee, and the staffing frontier (see docs/staffing.md).

Modules: ``targets`` (what must hold), ``space`` (decision variables and how a value maps onto
a schedule), ``bounds`` (analytic offered load), ``decide`` (one-sided tests per candidate),
``evaluate`` (the one adapter to the store and backends), ``search`` (the monotone search and
confirmation), ``frontier`` (what limits when nothing meets), ``guarantee`` (plain words),
``outputs`` (text, CSV/JSON, HTML), ``spec`` (YAML spec files), ``cli``.
"""

from sim.staffing.search import Settings, StaffingResult, search_staffing
from sim.staffing.space import Space, Variable, role_variable
from sim.staffing.targets import Stability, Target, TargetError, parse_target

__all__ = ["Settings", "Space", "Stability", "StaffingResult", "Target", "TargetError",
           "Variable", "parse_target", "role_variable", "search_staffing"]
