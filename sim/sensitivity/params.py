"""Uncertain parameter groups of a scenario, their plausible ranges, and how to set them.

A *group* is a handful of related numbers varied together, so a tornado has tens of rows, not
hundreds: all hours of one role in one phase, all parameters of one duration distribution (so
its mean scales and its shape stays), the breakdown hazards of all placed phases, the start
state's children. A group is set by one value:

- ``scale`` groups by a factor of their base values (base = 1);
- ``share`` groups (one component of shares that must add up to 1, such as the share of
  highly complex children) by the component's value; the other components are rescaled so the
  shares still add up to 1.

Which numbers are uncertain comes from their sources (:mod:`sim.scenario.sources`): by default every
``assume``, ``domain``, ``calibrated`` or ``user`` number, except the decisions a planner makes
(staff hours and caseload caps), the run settings and structural fields (ages, weeks of
schedule steps, the reference complexity level).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sim.scenario.domain import label as domain_label
from sim.scenario.schema import Scenario, get_by_path, parse_scenario, scenario_to_dict, set_by_path
from sim.scenario.sources import ScenarioSources, Source, number_leaves

#: Default plausible range as a factor of the value, by source kind (a stated +-share).
DEFAULT_SHARE: dict[str, float] = {"assume": 0.5, "user": 0.5, "domain": 0.2, "method": 0.2,
                                   "calibrated": 0.2}

#: Plausible ranges from public figures (shared/domain.md): group -> (low, high, factor?, why).
DOMAIN_RANGES: dict[str, tuple[float, float, bool, str]] = {
    "breakdown.weekly_hazard": (24.0 / 27.5, 31.2 / 27.5, True,
                                "pooled breakdown 27.5% (95% CI 24.0-31.2%), meta-analysis of "
                                "37 studies"),
    "families.screening.pass_rate": (0.15, 0.28, False,
                                     "15-28% of interested people become foster parents "
                                     "(Flemish parliament)"),
}

#: Fields that are decisions or structure, never varied (regular expressions on the path).
EXCLUDED = tuple(re.compile(p) for p in (
    r"^(horizon_weeks|warmup_weeks|replications|seed)$",
    r"\.from_week$",
    r"^staff\.[^.]+\.(schedule|caseload_cap)",
    r"^referrals\.age\.",
    r"^families\.age_range\.",
    r"^complexity_effects\.medium\.",
))

#: Shares that add up to 1: the parent of the components, and the key inside each component.
SHARE_SETS: dict[str, str] = {
    "referrals.intensity": "",
    "referrals.complexity": "",
    "families.max_complexity": "",
    "referrals.sources": "share",
    "families.kinds": "share",
}
#: The one component of each share set that is varied (the others are rescaled with it), so
#: each set is one row: the share of the most demanding children, or of the families and
#: sources that matter most to matching. A set without this component has no row.
SHARE_VARIED: dict[str, str] = {
    "referrals.intensity": "full_week",
    "referrals.complexity": "high",
    "families.max_complexity": "high",
    "referrals.sources": "regular_foster",
    "families.kinds": "perspectiefbiedend",
}

#: Probabilities (kept within [0, upper]).
PROBABILITY = re.compile(r"(success|pass_rate|leave_after_failed_match|stop_after_breakdown|"
                         r"rematch_share|admission_probability|leave_share|\.share)$")


@dataclass(frozen=True)
class Group:
    """One uncertain parameter group: what it sets, its range and where it comes from."""

    name: str
    paths: tuple[str, ...]
    kind: str  # "scale" or "share"
    base: float
    low: float
    high: float
    source: Source
    #: Why the range is what it is.
    range_note: str

    def label(self, lang: str = "en") -> str:
        return group_label(self.name, lang)

    def describe_value(self, x: float) -> str:
        if self.kind == "scale":
            return f"x{x:.3g}"
        return f"{x:.3g}"


def _share_set(path: str) -> tuple[str, str] | None:
    for parent, inner in SHARE_SETS.items():
        rest = path[len(parent) + 1:] if path.startswith(parent + ".") else None
        if rest is None:
            continue
        parts = rest.split(".")
        if (inner and len(parts) == 2 and parts[1] == inner) or (not inner and len(parts) == 1):
            return parent, inner
    return None


def group_of(path: str, data: dict[str, Any]) -> str:
    """The group a field belongs to (see the module docstring)."""
    parts = path.split(".")
    if _share_set(path):
        return path
    if "duration_by_complexity" in parts:
        i = parts.index("duration_by_complexity")
        return ".".join([*parts[:i], "duration"])
    parent = ".".join(parts[:-1])
    if parent:
        try:
            node = get_by_path(data, parent)
        except KeyError:
            node = None
        if isinstance(node, dict) and "dist" in node:
            return parent
    if len(parts) >= 2 and parts[-3:-2] == ["hours"]:
        return ".".join(parts[:-1])
    for prefix in ("breakdown.weekly_hazard", "start_state.children"):
        if path.startswith(prefix + "."):
            return prefix
    return path


def group_label(name: str, lang: str = "en") -> str:
    """A readable label: 'Fitting: P&P counsellor hours'."""
    parts = name.split(".")
    words = {"en": {"hours": "hours", "duration": "duration", "success": "match success",
                    "weekly_hazard": "breakdown hazards", "per_year": "per year",
                    "share": "share", "new_task_per_year": "new tasks per year",
                    "task_training": "training per new task"},
             "nl": {"hours": "uren", "duration": "duur", "success": "slaagkans match",
                    "weekly_hazard": "breukrisico's", "per_year": "per jaar",
                    "share": "aandeel"}}[lang if lang in ("en", "nl") else "en"]
    if parts[0] == "phases" and len(parts) >= 3:
        phase = domain_label(parts[1], lang)
        rest = [words.get(p, domain_label(p, lang).replace("_", " ")) for p in parts[2:]]
        if len(rest) == 2 and parts[2] == "hours":
            return f"{phase}: {rest[1]} {rest[0]}"
        return f"{phase}: {' '.join(rest)}"
    if name == "referrals.schedule.0.per_year":
        return "Aanmeldingen per jaar" if lang == "nl" else "Referrals per year"
    pretty = [words.get(p, domain_label(p, lang).replace("_", " ")) for p in parts
              if not p.isdigit()]
    return " · ".join(pretty)


_STRENGTH = ("method", "domain", "calibrated", "user", "assume")


def _weakest(sources: Iterable[Source]) -> Source:
    return max(sources, key=lambda s: _STRENGTH.index(s.kind))


def _range_for(name: str, sources: list[Source], kind: str, value: float | None
               ) -> tuple[float, float, str]:
    """(low, high) of the group's setting and why. ``value`` is the field's value for a group
    of one field (needed to turn an absolute range into factors), else None."""
    explicit = next((s for s in sources if s.has_range), None)
    if explicit is not None and explicit.low is not None and explicit.high is not None:
        lo, hi, factor, why = explicit.low, explicit.high, explicit.factor, "range in the file"
    elif name in DOMAIN_RANGES:
        lo, hi, factor, why = DOMAIN_RANGES[name]
        why = f"domain: {why}"
    else:
        share = DEFAULT_SHARE.get(_weakest(sources).kind, 0.5)
        lo, hi, factor = 1 - share, 1 + share, True
        why = f"±{share:.0%} ({_weakest(sources).kind})"
    if kind == "share":
        base = value or 0.0
        if factor:
            lo, hi = base * lo, base * hi
        return max(0.0, lo), min(hi, 0.99), why
    if not factor:
        if not value:
            return 1.0, 1.0, why + " (absolute range on a group: ignored)"
        lo, hi = lo / value, hi / value
    return max(0.0, lo), hi, why


def uncertain_groups(scenario: Scenario, sources: ScenarioSources,
                     include: Sequence[str] | None = None,
                     kinds: Sequence[str] | None = None) -> list[Group]:
    """The uncertain groups of a scenario, in file order.

    ``include`` (group names, or prefixes of them) restricts the list; ``kinds`` overrides
    which source kinds count as uncertain.
    """
    data = scenario_to_dict(scenario)
    want = tuple(kinds) if kinds is not None else ("assume", "domain", "calibrated", "user")
    members: dict[str, list[tuple[str, Source]]] = {}
    for path, value in number_leaves(data):
        src = sources.get(path)
        if src is None or src.kind not in want or any(rx.search(path) for rx in EXCLUDED):
            continue
        share = _share_set(path)
        if share and path.split(".")[len(share[0].split("."))] != SHARE_VARIED[share[0]]:
            continue  # rescaled with the set's varied component
        if value == 0 and not share:
            continue  # scaling zero changes nothing
        members.setdefault(group_of(path, data), []).append((path, src))
    out = []
    for name, items in members.items():
        if include and not any(name == i or name.startswith(i + ".") for i in include):
            continue
        paths = tuple(p for p, _ in items)
        kind = "share" if _share_set(name) else "scale"
        single = float(get_by_path(data, paths[0])) if len(paths) == 1 else None
        lo, hi, why = _range_for(name, [s for _, s in items], kind, single)
        if kind == "scale" and single and PROBABILITY.search(paths[0]):
            upper = 0.9 if paths[0].endswith("leave_share") else 1.0
            hi = min(hi, upper / single)
        base = float(single or 0.0) if kind == "share" else 1.0
        out.append(Group(name, paths, kind, base, lo, hi, _weakest(s for _, s in items), why))
    return out


def apply_values(data: dict[str, Any], groups: Sequence[Group], values: Sequence[float]
                 ) -> dict[str, Any]:
    """A copy of scenario data with each group set to its value (see the module docstring)."""
    out = json.loads(json.dumps(data))
    for g, x in zip(groups, values, strict=True):
        if g.kind == "share":
            parent, inner = _share_set(g.name) or ("", "")
            siblings = get_by_path(out, parent)
            keys = list(siblings)
            me = g.name.split(".")[len(parent.split("."))]

            def get(k: str, sib: dict[str, Any] = siblings, inner: str = inner) -> float:
                return float(sib[k][inner] if inner else sib[k])

            rest = sum(get(k) for k in keys if k != me)
            scale = (1 - x) / rest if rest > 0 else 0.0
            for k in keys:
                v = x if k == me else get(k) * scale
                if inner:
                    siblings[k][inner] = v
                else:
                    siblings[k] = v
            continue
        for path in g.paths:
            old = get_by_path(data, path)
            new = old * x
            if isinstance(old, int) and not isinstance(old, bool):
                new = max(0, int(math.floor(new + 0.5)))
            set_by_path(out, path, new)
    return out


def scenario_at(scenario: Scenario, groups: Sequence[Group], values: Sequence[float],
                name: str | None = None) -> Scenario:
    """The scenario with each group set to its value, validated."""
    data = apply_values(scenario_to_dict(scenario), groups, values)
    if name:
        data["name"] = name
    where = ", ".join(f"{g.name}={x:.4g}" for g, x in zip(groups, values, strict=True))
    return parse_scenario(data, f"{scenario.name} at {where}")


#: Unit words of scenario fields, by the end of their name (Dutch, English).
UNIT_WORDS: tuple[tuple[str, str, str], ...] = (
    ("per_year", "per jaar", "per year"), ("weeks", "weken", "weeks"),
    ("hours", "uur", "hours"), ("days", "dagen", "days"), ("minutes", "minuten", "minutes"),
    ("euro", "euro", "euro"), ("fte", "vte", "FTE"),
)


def unit_word(path: str, lang: str = "en") -> str:
    """The unit of a scenario field from its name ('' when the name does not say; effects
    are multipliers, without unit)."""
    if "effects" in path:
        return ""
    tail = path.split(".")[-1]
    for end, nl, en in UNIT_WORDS:
        if tail.endswith(end):
            return nl if lang == "nl" else en
    return ""


def setting_text(data: dict[str, Any], group: Group, x: float, lang: str = "en") -> str:
    """A group's setting ``x`` in the parameter's own units, as the tornado shows it.

    One field: its value and unit, then the factor (``9 per jaar (×0,75)``); several
    fields scaled together: the factor and the span of their values (``×0,75: 3–9 weken``);
    a share: a percentage (``35%``).
    """
    from sim.outputs.kpi_defs import format_number

    if group.kind == "share":
        return f"{format_number(100 * x, lang, 0)}%"
    factor = f"×{format_number(x, lang, 2)}"
    if not group.paths:  # a group that names no field: only its factor can be said
        return factor
    values = [float(get_by_path(data, p)) * x for p in group.paths]
    unit = unit_word(group.paths[0], lang)
    unit = unit if all(unit_word(p, lang) == unit for p in group.paths) else ""

    def num(v: float) -> str:
        return format_number(v, lang, 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2)

    span = num(values[0]) if len(values) == 1 else (
        num(min(values)) if min(values) == max(values)
        else f"{num(min(values))}–{num(max(values))}")
    span = f"{span} {unit}".strip()
    return f"{span} ({factor})" if len(values) == 1 else f"{factor}: {span}"


def base_values(groups: Sequence[Group]) -> list[float]:
    return [g.base for g in groups]
