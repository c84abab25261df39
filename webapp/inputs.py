"""Widget values <-> scenario data.

The page shows a handful of planner-facing inputs; everything else in the scenario comes from
the loaded file unchanged. Two pure functions do the work so they can be tested without a
browser:

- :func:`defaults` gives the widget values that show a scenario as it is;
- :func:`build_scenario_dict` applies widget values to the loaded scenario's data.

An input left at its shown value never touches the data, so a scenario that is loaded and run
untouched keeps its exact numbers (and its hash), whatever rounding the widgets do.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from sim.scenario.domain import CHILD_PHASES, ROLES

#: Weeks in one month (52 weeks / 12 months).
WEEKS_PER_MONTH = 52.0 / 12.0
TIME_UNITS = ("weeks", "months")
MAX_STEPS = 6
SOURCES = ("own_groups", "regular_foster", "other_facility")
START_KEYS: tuple[str, ...] = (*CHILD_PHASES, "waiting_family")
POLICIES = ("waitlist", "share")

#: Widget keys all start with this, so that loading another scenario can reset them.
PREFIX = "in:"
TIME_UNIT_KEY = "ui:time_unit"


def _r(x: float) -> float:
    """Round away float noise from unit conversions (1e-9 of a week or an hour is nothing)."""
    return round(float(x), 9)


def weeks_to_unit(weeks: float, unit: str) -> float:
    """Weeks shown in ``unit`` (months to six decimals)."""
    return round(weeks / WEEKS_PER_MONTH, 6) if unit == "months" else _r(weeks)


def unit_to_weeks(value: float, unit: str) -> float:
    """A value in ``unit`` as weeks (to 1/10,000 of a week, so months round-trip)."""
    return round(value * WEEKS_PER_MONTH, 4) if unit == "months" else _r(value)


def pct(share: float) -> float:
    return _r(share * 100.0)


def share(percent: float) -> float:
    return _r(percent / 100.0)


# --------------------------------------------------------------------------- keys


def k_steps(group: str) -> str:
    return f"{PREFIX}{group}.n"


def k_step(group: str, i: int, field: str) -> str:
    return f"{PREFIX}{group}.{i}.{field}"


K_SOURCE = {s: f"{PREFIX}src.{s}" for s in SOURCES}
K_LEAVE = {r: f"{PREFIX}staff.{r}.leave" for r in ROLES}
K_INTERESTED = f"{PREFIX}fam.interested"
K_PASS_RATE = f"{PREFIX}fam.pass_rate"
K_FAMILY_LEAVE = f"{PREFIX}fam.leave"
K_BREAKDOWN = f"{PREFIX}brk.mult"
K_UNDERSERVED = f"{PREFIX}brk.underserved"
K_POLICY = f"{PREFIX}policy"
K_START = {p: f"{PREFIX}start.{p}" for p in START_KEYS}
K_POOL = f"{PREFIX}start.pool"
K_HORIZON = f"{PREFIX}horizon"
K_WARMUP = f"{PREFIX}warmup"
K_REPS = f"{PREFIX}reps"
K_SEED = f"{PREFIX}seed"


def staff_group(role: str) -> str:
    return f"staff.{role}"


REF_GROUP = "ref"


def schedule_keys(group: str) -> list[str]:
    """All widget keys of one schedule (number of steps and every possible step)."""
    keys = [k_steps(group)]
    for i in range(MAX_STEPS):
        keys += [k_step(group, i, "from"), k_step(group, i, "value")]
    return keys


def from_keys() -> list[str]:
    """Keys of every 'from week/month' widget (converted when the time unit changes)."""
    groups = [staff_group(r) for r in ROLES] + [REF_GROUP]
    return [k_step(g, i, "from") for g in groups for i in range(MAX_STEPS)]


# --------------------------------------------------------------------------- defaults


def _schedule_defaults(
    steps: list[dict[str, Any]], value_field: str, group: str, unit: str
) -> dict[str, Any]:
    out: dict[str, Any] = {k_steps(group): len(steps)}
    last_from, last_value = 0.0, 0.0
    for i in range(MAX_STEPS):
        if i < len(steps):
            last_from = float(steps[i]["from_week"])
            last_value = float(steps[i][value_field])
        else:
            # Extra steps start half a year after the previous one, at the same level.
            last_from += 26.0
        out[k_step(group, i, "from")] = weeks_to_unit(last_from, unit)
        out[k_step(group, i, "value")] = _r(last_value)
    return out


def defaults(data: dict[str, Any], unit: str = "weeks") -> dict[str, Any]:
    """Widget values that show scenario ``data`` (from :func:`sim.scenario_to_dict`) as it is."""
    out: dict[str, Any] = {}
    for role in ROLES:
        rs = data["staff"][role]
        out.update(_schedule_defaults(rs["schedule"], "hours", staff_group(role), unit))
        out[K_LEAVE[role]] = pct(rs.get("leave_share", 0.0))
    ref = data["referrals"]
    out.update(_schedule_defaults(ref["schedule"], "per_year", REF_GROUP, unit))
    for src in SOURCES:
        spec = ref["sources"].get(src)
        out[K_SOURCE[src]] = pct(spec["share"]) if spec else 0.0
    fam = data["families"]
    out[K_INTERESTED] = _r(fam["interested_per_year"])
    out[K_PASS_RATE] = pct(fam["screening"]["pass_rate"])
    out[K_FAMILY_LEAVE] = pct(fam.get("leave_per_year", 0.0))
    out[K_BREAKDOWN] = 1.0
    out[K_UNDERSERVED] = _r(data["breakdown"].get("underserved", 1.0))
    out[K_POLICY] = data.get("policy", "waitlist")
    children = data.get("start_state", {}).get("children", {}) or {}
    for key in START_KEYS:
        out[K_START[key]] = int(children.get(key, 0))
    out[K_POOL] = int(data.get("start_state", {}).get("families_in_pool", 0))
    out[K_HORIZON] = _r(data["horizon_weeks"])
    out[K_WARMUP] = _r(data.get("warmup_weeks", 0.0))
    out[K_REPS] = int(data.get("replications", 20))
    out[K_SEED] = int(data.get("seed", 0))
    return out


# --------------------------------------------------------------------------- applying


def _changed(values: dict[str, Any], shown: dict[str, Any], key: str) -> bool:
    return key in values and values[key] != shown[key]


def _set_if_changed(
    values: dict[str, Any],
    shown: dict[str, Any],
    key: str,
    target: dict[str, Any],
    field: str,
    convert: Callable[[Any], Any] = lambda v: v,
) -> None:
    if _changed(values, shown, key):
        target[field] = convert(values[key])


def _apply_schedule(
    steps: list[dict[str, Any]],
    value_field: str,
    group: str,
    values: dict[str, Any],
    shown: dict[str, Any],
    unit: str,
) -> list[dict[str, Any]]:
    keys = [k_steps(group)] + [
        k_step(group, i, f) for i in range(MAX_STEPS) for f in ("from", "value")
    ]
    if not any(_changed(values, shown, k) for k in keys):
        return steps
    n = int(values.get(k_steps(group), shown[k_steps(group)]))
    out: list[dict[str, Any]] = []
    for i in range(n):
        step = copy.deepcopy(steps[i]) if i < len(steps) else {}
        kf, kv = k_step(group, i, "from"), k_step(group, i, "value")
        if i == 0:
            step["from_week"] = steps[0]["from_week"]  # the first step always starts at 0
        elif i >= len(steps) or _changed(values, shown, kf):
            step["from_week"] = unit_to_weeks(values.get(kf, shown[kf]), unit)
        if i >= len(steps) or _changed(values, shown, kv):
            step[value_field] = _r(values.get(kv, shown[kv]))
        out.append(step)
    return out


def build_scenario_dict(
    base: dict[str, Any], values: dict[str, Any], unit: str = "weeks"
) -> dict[str, Any]:
    """Scenario data: ``base`` with every widget value that differs from its shown value applied.

    ``values`` maps widget keys (see the ``K_*`` names) to what the user entered; keys that are
    missing count as unchanged. Validation is left to :func:`sim.parse_scenario`.
    """
    shown = defaults(base, unit)
    data = copy.deepcopy(base)
    for role in ROLES:
        rs = data["staff"][role]
        rs["schedule"] = _apply_schedule(
            rs["schedule"], "hours", staff_group(role), values, shown, unit
        )
        _set_if_changed(values, shown, K_LEAVE[role], rs, "leave_share", share)
    ref = data["referrals"]
    ref["schedule"] = _apply_schedule(ref["schedule"], "per_year", REF_GROUP, values, shown, unit)
    for src in SOURCES:
        if _changed(values, shown, K_SOURCE[src]):
            spec = ref["sources"].setdefault(src, _default_source(src))
            spec["share"] = share(values[K_SOURCE[src]])
    fam = data["families"]
    _set_if_changed(values, shown, K_INTERESTED, fam, "interested_per_year", _r)
    _set_if_changed(values, shown, K_PASS_RATE, fam["screening"], "pass_rate", share)
    _set_if_changed(values, shown, K_FAMILY_LEAVE, fam, "leave_per_year", share)
    brk = data["breakdown"]
    if _changed(values, shown, K_BREAKDOWN):
        mult = float(values[K_BREAKDOWN])
        brk["weekly_hazard"] = {k: _r(v * mult) for k, v in brk["weekly_hazard"].items()}
    _set_if_changed(values, shown, K_UNDERSERVED, brk, "underserved", _r)
    _set_if_changed(values, shown, K_POLICY, data, "policy")
    start = data.setdefault("start_state", {})
    children = start.setdefault("children", {})
    for key in START_KEYS:
        _set_if_changed(values, shown, K_START[key], children, key, int)
    _set_if_changed(values, shown, K_POOL, start, "families_in_pool", int)
    _set_if_changed(values, shown, K_HORIZON, data, "horizon_weeks", _r)
    _set_if_changed(values, shown, K_WARMUP, data, "warmup_weeks", _r)
    _set_if_changed(values, shown, K_REPS, data, "replications", int)
    _set_if_changed(values, shown, K_SEED, data, "seed", int)
    return data


def _default_source(src: str) -> dict[str, Any]:
    """A source the loaded scenario lacks: what the method document says about it."""
    # Children from regular foster care already live with a family [method 1.3].
    has_family = src == "regular_foster"
    return {"share": 0.0, "has_family": has_family, "residential": not has_family}


def source_total(values: dict[str, Any]) -> float:
    """Sum of the source-mix percentages entered."""
    return _r(sum(float(values.get(K_SOURCE[s], 0.0)) for s in SOURCES))


def convert_from_values(state: Any, keys: Iterable[str], old: str, new: str) -> None:
    """Re-express the 'from' widgets in ``state`` when the time unit changes."""
    if old == new:
        return
    for key in keys:
        if key in state:
            state[key] = weeks_to_unit(unit_to_weeks(float(state[key]), old), new)
