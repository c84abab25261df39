"""Is the waiting list growing, whose queue is it, and why do roles sit below 100% meanwhile?

No Streamlit: the results tab, the summary sentence and the report all call
:func:`assess`. The trend test is ``sim.outputs.stationarity.growth_verdict`` on the per-replication
slopes (the ``*_trend_per_year`` KPIs), pooled over replications; the years are the measured
weeks (horizon minus warm-up) / 52.

Two more figures explain a growing staff queue under the ``waitlist`` policy, where a phase
starts only when *every* role it needs has the hours free at once:

- the *short role*: the role whose weekly needed hours exceed its available hours the most
  (needed / available over the measured weeks);
- per role, the share of its available hours left unused in the weeks children waited for
  staff: hours that could not be used because another role was missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.outputs.stationarity import GrowthVerdict, growth_verdict
from sim.scenario.domain import ROLES

QUEUES = {
    "waiting_trend_per_year": "all",
    "waiting_staff_trend_per_year": "staff",
    "waiting_family_trend_per_year": "family",
}


@dataclass(frozen=True)
class Growth:
    """The growth findings of one run."""

    years: float
    verdicts: dict[str, GrowthVerdict]
    #: role whose needed hours exceed its available hours the most (None without a shortage)
    short_role: str | None
    #: needed / available hours per role over the measured weeks
    need_ratio: dict[str, float] = field(default_factory=dict)
    #: per role: share of available hours unused in weeks with children waiting for staff
    idle_while_waiting: dict[str, float] = field(default_factory=dict)
    #: mean children waiting (all) in the last measured week, and in the first
    waiting_end: float = math.nan
    waiting_start: float = math.nan
    #: roles with no hours at all over the measured weeks (the short role, whatever the ratio)
    no_hours: tuple[str, ...] = ()

    @property
    def growing(self) -> bool:
        return self.verdicts["all"].growing or self.verdicts["staff"].growing or \
            self.verdicts["family"].growing

    @property
    def queues(self) -> list[str]:
        """Which queues grow: 'staff', 'family' (or 'all' when neither alone is clear)."""
        out = [q for q in ("staff", "family") if self.verdicts[q].growing]
        if not out and self.verdicts["all"].growing:
            out = ["all"]
        return out


def measured_years(scenario: Any) -> float:
    return max(float(scenario.horizon_weeks) - float(scenario.warmup_weeks), 0.0) / 52.0


def assess(result: Any, weekly: Any | None = None) -> Growth:
    """The growth findings of an ``ExperimentResult`` (``weekly`` may be given when the caller
    already holds ``result.weekly``)."""
    years = measured_years(result.scenario)
    kpis = result.kpis
    verdicts = {q: growth_verdict(kpis[k].to_numpy(dtype=float), years)
                for k, q in QUEUES.items() if k in kpis}
    w = result.weekly if weekly is None else weekly
    w = w[w["week"] >= float(result.scenario.warmup_weeks)]
    ratio: dict[str, float] = {}
    idle: dict[str, float] = {}
    waiting = w["waiting_staff"].to_numpy(dtype=float) > 0
    for role in ROLES:
        avail = w[f"available_{role}"].to_numpy(dtype=float)
        need = w[f"needed_{role}"].to_numpy(dtype=float)
        used = w[f"used_{role}"].to_numpy(dtype=float)
        ratio[role] = float(need.sum() / avail.sum()) if avail.sum() > 0 else math.nan
        a = avail[waiting].sum()
        idle[role] = float(np.clip(a - used[waiting].sum(), 0, None) / a) if a > 0 else math.nan
    # A role at 0 hours has no ratio to compare, but it is the one every child waits for: it
    # was skipped before and the flag blamed another role (issue 18).
    no_hours = tuple(r for r in ROLES if not w[f"available_{r}"].to_numpy(dtype=float).sum() > 0)
    short = [r for r in ROLES if not math.isnan(ratio[r]) and ratio[r] > 1.0]
    short_role = no_hours[0] if no_hours else (max(short, key=lambda r: ratio[r]) if short
                                                else None)
    total = (w["waiting_staff"] + w["waiting_family"]).groupby(w["week"]).mean()
    return Growth(years, verdicts, short_role, ratio, idle,
                  float(total.iloc[-1]) if len(total) else math.nan,
                  float(total.iloc[0]) if len(total) else math.nan, no_hours)


def warning_text(g: Growth, lang: str) -> str | None:
    """The warning for the cards, the summary and the report; None when nothing grows."""
    from webapp.i18n import fmt_num, t, term

    if not g.growing:
        return None
    parts = []
    for q in g.queues:
        v = g.verdicts[q]
        who = t(f"growth.queue.{q}", lang)
        if q == "staff" and g.no_hours:
            who += " " + t("growth.role_zero", lang,
                           role=", ".join(term(r, lang) for r in g.no_hours))
        elif q == "staff" and g.short_role:
            who += " " + t("growth.role", lang, role=term(g.short_role, lang))
        parts.append(t("growth.queue_line", lang, who=who, slope=fmt_num(v.slope, lang, 1),
                       low=fmt_num(v.low, lang, 1), high=fmt_num(v.high, lang, 1),
                       rising=v.reps_rising, n=v.n))
    return t("growth.warning", lang, queues="; ".join(parts),
             start=fmt_num(g.waiting_start, lang, 1), end=fmt_num(g.waiting_end, lang, 1),
             years=fmt_num(g.years, lang, 0))


def idle_text(g: Growth, lang: str) -> str | None:
    """Why roles stay below 100% while children wait for staff (``waitlist`` only)."""
    from webapp.i18n import fmt_num, t, term

    shares = {r: v for r, v in g.idle_while_waiting.items() if not math.isnan(v)}
    if not shares or g.verdicts.get("staff") is None:
        return None
    lines = ", ".join(f"{term(r, lang)} {fmt_num(100 * v, lang, 0)}%" for r, v in shares.items())
    short = term(g.short_role, lang) if g.short_role else t("growth.no_short", lang)
    return t("growth.idle", lang, shares=lines, short=short)
