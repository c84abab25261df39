"""When nothing within the bounds meets the targets: say so, say what limits, say what helps.

What limits is read from the largest staffing (every axis at its upper bound): a role whose
offered load exceeds even its upper bound (the *bounds*); children waiting for a family rather
than for staff (the *family pool*: ``waiting_family`` against ``waiting_staff``, and
``wait_family_mean`` against ``wait_assessment_mean``); a wait target close to the measured
window, or a waiting-list trend that replications cannot settle (the *horizon*). When families
limit, a one-axis search over recruitment (interested families a year) with every role at its
upper bound finds the least recruitment that meets the targets, and a second search finds the
least staffing at that recruitment.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.domain import label
from sim.staffing.decide import MEETS
from sim.staffing.space import RECRUITMENT, Space, Variable
from sim.staffing.targets import STABILITY_KPI

if TYPE_CHECKING:
    from sim.staffing.search import Search, StaffingResult

#: Recruitment tried when families limit: up to this many times the scenario's [assume].
RECRUITMENT_FACTOR = 4.0
#: Recruitment levels tried, from the least that meets, for a confirmed staffing.
HELP_TRIES = 3


def family_limited(means: dict[str, float]) -> bool:
    """True when children wait mostly for a family, not for staff."""
    wf, ws = means.get("waiting_family", math.nan), means.get("waiting_staff", math.nan)
    tf = means.get("waiting_family_trend_per_year", 0.0)
    ts = means.get("waiting_staff_trend_per_year", 0.0)
    if math.isnan(wf) or math.isnan(ws):
        return False
    return wf > ws or (tf > 0 and tf > ts)


def explain(search: Search, result: StaffingResult) -> None:
    """Fill ``result.limits`` and ``result.helps`` (nothing meets, or nothing confirmed)."""
    sp = search.space
    top = tuple(v.high for v in sp.variables)
    d = search.decide(top)
    limits: list[str] = []
    if result.frontier and result.answer is None:
        limits.append(f"{len(result.refuted)} candidate(s) met the targets in the search but "
                      "not on fresh replications (too close to a threshold to be sure); "
                      "more confirmation replications or wider bounds may settle it")
    for role in d.overloaded:
        load = result.loads[role]
        limits.append(
            f"the bounds: {label(role, 'en')} has {load.load:.1f} h of work a week to do "
            f"({load.needed_hours:.1f} h contracted, with {load.leave_share:.0%} leave), "
            "more than its upper bound; raise the bound or lower the demand")
    means = d.means
    if d.status != MEETS and means:
        failing = [c for c in d.checks if c.status != MEETS]
        if failing:
            limits.append("at the largest staffing within the bounds ("
                          + sp.short(top) + ") these targets are not met: "
                          + "; ".join(f"{c.target} (mean {c.mean:.3g}, {c.status} on "
                                      f"{c.n} replications)" for c in failing))
        if family_limited(means):
            limits.append(
                "the family pool: children wait for a family more than for staff "
                f"(on average {means.get('waiting_family', math.nan):.1f} waiting for a "
                f"family against {means.get('waiting_staff', math.nan):.1f} for staff; mean "
                f"wait for a family {means.get('wait_family_mean', math.nan):.1f} weeks "
                f"against {means.get('wait_assessment_mean', math.nan):.1f} weeks to start "
                "assessment), so more hours do not help")
        measured = search.scenario.horizon_weeks - search.scenario.warmup_weeks
        for c in failing:
            kpi = c.target.kpi
            if (kpi.startswith("wait_") or kpi.startswith("referral_to")) and \
                    c.target.threshold * 3 > measured:
                limits.append(f"the horizon: {c.target} is long against the {measured:g} "
                              "measured weeks (longer waits are cut off); lengthen the horizon")
            if kpi == STABILITY_KPI and c.status != "fails" and \
                    c.n >= search.settings.max_reps and len(failing) == 1:
                limits.append("the horizon: whether the waiting list grows cannot be settled "
                              "with these replications; lengthen the horizon")
    result.limits = limits
    if (search.settings.explain_recruitment and family_limited(means)
            and not search.scenario.families.unlimited and RECRUITMENT not in sp.keys
            and result.answer is None and not result.frontier):
        result.helps += _recruitment_help(search)


def _recruitment_help(search: Search) -> list[str]:
    from sim.staffing.search import Search as _Search
    from sim.staffing.search import Settings

    sc = search.scenario
    now = sc.families.interested_per_year
    step = max(1.0, round(now * 0.1))
    rec = Variable(RECRUITMENT, now + step, max(now + step, now * RECRUITMENT_FACTOR), step)
    pinned = Space(tuple(Variable(v.key, v.high, v.high, v.step, v.cost)
                         for v in search.space.variables) + (rec,))
    settings = Settings(**{**search.settings.__dict__, "explain_recruitment": False})
    probe = _Search(sc, pinned, [t for t in search.targets if t.kpi != STABILITY_KPI],
                    search.ev, settings, search.progress)
    grid = rec.grid()
    i = probe.least(lambda x: (*(v.high for v in search.space.variables), x), grid, None)
    if i is None:
        return [f"even {grid[-1]:g} interested families a year (now {now:g}) with every role "
                "at its upper bound do not meet the targets"]
    from sim.staffing.space import apply_point

    # the least recruitment is itself at the edge: if no staffing can be confirmed there, try
    # a step or two more
    for need in grid[i:i + HELP_TRIES]:
        at = apply_point(sc, Space((Variable(RECRUITMENT, need, need, 1.0),)), (need,))
        inner = _Search(at, search.space,
                        [t for t in search.targets if t.kpi != STABILITY_KPI],
                        search.ev, settings, search.progress).run()
        if inner.answer is not None:
            return [f"with {need:g} interested families a year (now {now:g}) the targets are "
                    f"met at {search.space.short(inner.answer)} h "
                    f"({', '.join(search.space.keys)}), confirmed as the answer would be"]
    return [f"with {grid[i]:g} interested families a year (now {now:g}) and every role at its "
            "upper bound the targets are met in the search (not confirmed)"]
