"""When nothing within the bounds meets the targets: say so, say what limits, and show only the
levers that help, each checked by simulation.

What limits comes from the floor (:mod:`sim.staffing.floor`: a target no staffing can reach,
and why, decomposed from the model's own records; a waiting list for a family that grows even
with unlimited hours) and from the largest staffing (a role whose offered load exceeds its
upper bound; the targets it misses, with the figure the Results tab shows for that staffing;
a wait target close to the measured window).

The levers tried: more interested families a year (the least that meets the targets at the
upper bounds, by a binary search), more hours for one role (twice its upper bound), a shorter
phase (each phase the floor names, half as long, with unlimited hours and families). Each is
run on the same replications as the floor (common random numbers) and shown, with its figure
and interval, only when every target then meets at the planner's confidence (one-sided
bound). No inner least-staffing search is run: the planner loads the setting and searches
again (the earlier inner searches made a refused search take many minutes).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.outputs.kpi_defs import KPIS, format_number
from sim.scenario.domain import label
from sim.scenario.schema import (
    MAX_PER_YEAR,
    Scenario,
    parse_scenario,
    scenario_hash,
    scenario_to_dict,
)
from sim.staffing.decide import MEETS, check_target
from sim.staffing.messages import figure_of, kpi_label, msg
from sim.staffing.space import RECRUITMENT, apply_point
from sim.staffing.targets import STABILITY_KPI, Target

if TYPE_CHECKING:
    from sim.staffing.search import Search, StaffingResult

#: Recruitment tried: up to this many times the scenario's [assume] ...
RECRUITMENT_FACTOR = 4.0
#: ... and at least this many more families a year [assume] ...
RECRUITMENT_MORE = 60.0
#: ... and never above the documented ceiling of interested families a year.
MAX_RECRUITMENT = MAX_PER_YEAR
#: Shorter phases tried: this share of their duration [assume: half, a large but
#: conceivable change of practice].
PHASE_FACTOR = 0.5
#: Phases tried (the longest the floor names).
PHASES_TRIED = 2

LANGS = ("nl", "en")


def both(make: Callable[[str], str]) -> dict[str, str]:
    """One line in both languages."""
    return {lang: make(lang) for lang in LANGS}


def said(key: str, **fmt: Any) -> dict[str, str]:
    """Catalogue line ``key`` in both languages; a field given as a function of the language
    (a label, a figure) is filled per language."""
    return {lang: msg(key, lang, **{k: v(lang) if callable(v) else v for k, v in fmt.items()})
            for lang in LANGS}


def family_limited(means: dict[str, float]) -> bool:
    """True when children wait mostly for a family, not for staff."""
    wf, ws = means.get("waiting_family", math.nan), means.get("waiting_staff", math.nan)
    if math.isnan(wf) or math.isnan(ws):
        return False
    return wf > ws


def _plain(search: Search) -> list[Target]:
    return [t for t in search.targets if t.kpi != STABILITY_KPI]


def _reps(search: Search) -> int:
    return search.settings.floor_reps or search.scenario.replications


def _rows(search: Search, scen: Scenario) -> list[dict[str, float]]:
    return search.ev.kpis(scen, scenario_hash(scen), range(_reps(search)))


def _meets(search: Search, rows: list[dict[str, float]], targets: list[Target]) -> bool:
    level = search.settings.confidence
    return all(check_target([r.get(t.kpi, math.nan) for r in rows], t, level).status == MEETS
               for t in targets)


def _figures(rows: list[dict[str, float]], targets: list[Target], lang: str) -> str:
    return "; ".join(f"{kpi_label(t.kpi, lang)} "
                     f"{figure_of(t.kpi, [r.get(t.kpi, math.nan) for r in rows], lang)}"
                     for t in targets)


def _targets_text(targets: list[Target], lang: str) -> str:
    return "; ".join(t.text(lang) for t in targets)


def explain(search: Search, result: StaffingResult) -> None:
    """Fill ``result.limits`` and ``result.helps`` (nothing meets, or nothing confirmed)."""
    sp = search.space
    floor = result.floor
    limits: list[dict[str, str]] = []
    if floor is not None:
        floor.complete(search.ev)
        lines = {lang: floor.sentences(lang) for lang in LANGS}
        limits += [{"nl": a, "en": b} for a, b in zip(lines["nl"], lines["en"], strict=True)]
    top = tuple(v.high for v in sp.variables)
    top_scen = apply_point(search.base, sp, top)
    means: dict[str, float] = {}
    blocked = floor is not None and floor.blocked
    if not blocked:
        if result.frontier and result.answer is None:
            n = len(result.refuted)
            limits.append(said("limit_refuted", n=n))
        d = search.decide(top)
        for role in d.overloaded:
            load = result.loads[role]
            limits.append(said(
                "limit_bound", role=partial(label, role),
                load=partial(format_number, load.load),
                needed=partial(format_number, load.needed_hours),
                leave=partial(KPIS["placed_share"].number, load.leave_share)))
        rows = _rows(search, top_scen)
        means = {k: float(sum(r.get(k, 0.0) for r in rows) / max(1, len(rows)))
                 for k in ("waiting_family", "waiting_staff")}
        failing = [c.target for c in d.checks if c.status != MEETS]
        if d.status != MEETS and failing:
            limits.append(said("limit_top", point=sp.short(top),
                               which=lambda lang: _figures(rows, failing, lang)))
        measured = search.scenario.horizon_weeks - search.scenario.warmup_weeks
        for t in failing:
            if (t.kpi.startswith("wait_") or t.kpi.startswith("referral_to")) and \
                    t.threshold * 3 > measured:
                limits.append(said("limit_horizon", target=t.text,
                                   weeks=lambda lang: format_number(measured, lang, 0)))
        c = next((c for c in d.checks if c.target.kpi == STABILITY_KPI), None)
        if c is not None and c.status not in (MEETS, "fails") and \
                c.n >= search.settings.max_reps and len(failing) == 1:
            limits.append(said("limit_trend"))
    result.limits = limits
    if search.settings.explain_recruitment and not result.cancelled:
        levers = helps(search, result, family_limited(means))
        result.helps = [line for line, _ in levers]
        result.levers = {i: sc for i, (_, sc) in enumerate(levers) if sc is not None}


#: A line of "what would help" and the scenario to load for it: None where the lever was
#: checked with unlimited hours (a scenario of 10,000 h a week is no plan to load).
Lever = tuple[dict[str, str], "Scenario | None"]


def helps(search: Search, result: StaffingResult, family_bound: bool) -> list[Lever]:
    """The levers that meet every target on simulation (see the module docstring), each with
    the scenario it was checked on (None for a line that is not a lever)."""
    sp = search.space
    floor = result.floor
    plain = _plain(search)
    out: list[Lever] = []
    tried = False
    where = {r.where for r in floor.out_of_reach} if floor is not None else set()
    fam = search.scenario.families
    recruitable = not fam.unlimited and RECRUITMENT not in sp.keys
    top = tuple(v.high for v in sp.variables)
    top_scen = apply_point(search.base, sp, top)
    if recruitable and plain and "both" not in where and (
            "hours" in where or family_bound or floor is None):
        tried = True
        out += _more_families(search, top_scen, plain, sp.short(top))
    if floor is not None and floor.family_growth is not None and recruitable:
        tried = True
        out += _stop_family_growth(search, floor.scenarios["hours"])
    if not where and plain:
        tried = True
        for i, v in enumerate(sp.variables):
            if not v.is_role:
                continue
            hours = 2 * v.high
            point = (*top[:i], hours, *top[i + 1:])
            scen = apply_point(search.base, sp, point)
            rows = _rows(search, scen)
            if _meets(search, rows, plain):
                out.append((said(
                    "help_role", role=partial(label, v.key), hours=f"{hours:g}",
                    figure=partial(_figures, rows, plain), reps=len(rows),
                    target=lambda lang: _targets_text(plain, lang)), scen))
    if floor is not None and "both" in where:
        tried = True
        for phase, _ in floor.phases("both")[:PHASES_TRIED]:
            scen = shorter_phase(floor.scenarios["both"], phase, PHASE_FACTOR)
            rows = _rows(search, scen)
            if _meets(search, rows, plain):
                out.append((said(
                    "help_phase", phase=partial(label, phase),
                    pct=lambda lang: KPIS["placed_share"].number(1 - PHASE_FACTOR, lang),
                    figure=partial(_figures, rows, plain), reps=len(rows),
                    target=lambda lang: _targets_text(plain, lang)), None))
    if out:
        out.append((said("help_then"), None))
    elif tried:
        out.append((said("no_helps"), None))
    return out


def _grid(now: float) -> list[float]:
    step = max(1.0, round(now * 0.1))
    high = min(MAX_RECRUITMENT, max(now + RECRUITMENT_MORE, now * RECRUITMENT_FACTOR))
    n = int(math.floor((high - now) / step + 1e-9))
    return [now + i * step for i in range(1, n + 1)]


def _least(grid: list[float], ok: Callable[[float], bool]) -> int | None:
    lo, hi, best = 0, len(grid) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if ok(grid[mid]):
            best, hi = mid, mid - 1
        else:
            lo = mid + 1
    return best


def with_families(scen: Scenario, n: float) -> Scenario:
    data = scenario_to_dict(scen)
    data["families"]["interested_per_year"] = float(n)
    return parse_scenario(data, "<lever: interested families>")


def _least_families(search: Search, scen: Scenario, targets: list[Target]
                    ) -> tuple[float, list[dict[str, float]]] | None:
    """The fewest interested families a year on the recruitment grid with which ``scen``
    meets ``targets`` on simulation, with the rows it was judged on (None: none does)."""
    grid = _grid(search.scenario.families.interested_per_year)
    found: dict[float, list[dict[str, float]]] = {}

    def ok(n: float) -> bool:
        search.tracker.doing_now("progress_help", what=f"{n:g}")
        found[n] = _rows(search, with_families(scen, n))
        return _meets(search, found[n], targets)

    i = _least(grid, ok)
    return None if i is None else (grid[i], found[grid[i]])


def _more_families(search: Search, top_scen: Scenario, plain: list[Target], point: str
                   ) -> list[Lever]:
    now = search.scenario.families.interested_per_year
    least = _least_families(search, top_scen, plain)
    if least is None:
        return []
    n, rows = least
    return [(said("help_families", n=f"{n:g}", now=f"{now:g}", point=point,
                  figure=partial(_figures, rows, plain), reps=len(rows),
                  target=lambda lang: _targets_text(plain, lang)),
             with_families(top_scen, n))]


def _stop_family_growth(search: Search, hours_scen: Scenario) -> list[Lever]:
    now = search.scenario.families.interested_per_year
    sc = search.scenario
    tol = search.settings.stability.children / max(
        (sc.horizon_weeks - sc.warmup_weeks) / 52.0, 1e-9)
    trend = Target(kpi="waiting_family_trend_per_year", op="<=", threshold=tol, tolerance=0.0)
    least = _least_families(search, hours_scen, [trend])
    if least is None:
        return []
    n, rows = least
    values = [r.get(trend.kpi, math.nan) for r in rows]
    return [(said("help_families_stop", n=f"{n:g}", now=f"{now:g}", reps=len(rows),
                  trend=lambda lang: figure_of(trend.kpi, values, lang)), None)]


def _scale(dist: dict[str, Any], f: float) -> dict[str, Any]:
    """A duration distribution ``f`` times as long (every one here is a scale family)."""
    out = dict(dist)
    for k in ("value", "mean", "sd", "low", "mode", "high"):
        if k in out and isinstance(out[k], int | float):
            out[k] = float(out[k]) * f
    return out


def shorter_phase(scen: Scenario, phase: str, factor: float) -> Scenario:
    """``scen`` with ``phase``'s durations (every complexity) ``factor`` times as long."""
    data = copy.deepcopy(scenario_to_dict(scen))
    spec = data["phases"][phase]
    spec["duration"] = _scale(spec["duration"], factor)
    for k, d in (spec.get("duration_by_complexity") or {}).items():
        spec["duration_by_complexity"][k] = _scale(d, factor)
    return parse_scenario(data, f"<lever: shorter {phase}>")
