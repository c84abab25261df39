"""The floor: what no staffing can beat, computed before any search.

Three settings run on the same replications 0, 1, ... n − 1 of the same seed (common random
numbers; n is the scenario's ``replications``, so every figure is the one the Results tab and
``pnp-sim run`` show for that scenario, through :func:`sim.outputs.stats.summarise`):

- ``bounds``: every searched role at its upper bound (the largest staffing the search may
  return);
- ``hours``: every searched role with :data:`UNLIMITED_HOURS` a week (no child ever waits for
  staff), the scenario's families;
- ``both``: unlimited hours and ``families.unlimited`` (a family is always at hand).

A target whose KPI is clearly on the wrong side of its threshold under ``both`` (the one-sided
bound at the planner's confidence) is out of reach by staffing and by recruitment: the phases'
own durations make it up. Under ``hours`` only: out of reach by staffing, and recruitment is
the lever. Such a target is refused without a search. Only targets in the KPI's better
direction (``<=`` on a KPI where lower is better, ``>=`` where higher is) are judged: for a
target such as a utilisation ceiling unlimited hours prove nothing.

The decomposition of a time-to-placement KPI comes from the model's own event log: for every
child referred in the measured window and placed, the weeks it spent in each state between its
referral and its first placement (waiting for staff, by the phase the wait holds up; waiting
for a family; each phase). For a
90th percentile it averages the children at or above their replication's 90th percentile (the
children who make up the tail), otherwise all placed children; then the mean over replications.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.outputs.kpi_defs import KPIS
from sim.outputs.stats import Summary, summarise
from sim.scenario.domain import CHILD_PHASES, MATCHING_PHASES
from sim.scenario.schema import Scenario, parse_scenario, scenario_hash, scenario_to_dict
from sim.staffing.decide import FAILS, check_target
from sim.staffing.messages import component_label, figure, join, kpi_label, msg, weeks
from sim.staffing.space import Space, apply_point
from sim.staffing.targets import STABILITY_KPI, Target

if TYPE_CHECKING:
    import pandas as pd

    from sim.running.runner import ExperimentResult
    from sim.staffing.evaluate import Evaluator

#: Hours a week that stand for "unlimited" [assume: far above any role's offered load; hours
#: have no documented ceiling, docs/limits.md].
UNLIMITED_HOURS = 10_000.0
#: The settings, in the order they are computed and shown.
SETTINGS: tuple[str, ...] = ("bounds", "hours", "both")
#: KPIs the floor keeps for its sentences (beside the targets').
EXTRA_KPIS = ("wait_family_mean", "waiting_family_trend_per_year", "waiting_staff",
              "waiting_family")
#: The phases named as making up the floor cover at least this share of its time.
NAMED_SHARE = 0.8


@dataclass(frozen=True)
class Reach:
    """A target the floor refuses: ``where`` is "both" (no staffing or recruitment reaches
    it) or "hours" (no staffing reaches it with the scenario's families)."""

    target: Target
    where: str


@dataclass
class Floor:
    """What no staffing can beat (see the module docstring)."""

    reps: int
    point: str
    #: setting -> KPI -> replication values (reps 0..n-1).
    values: dict[str, dict[str, np.ndarray]]
    #: setting -> component -> mean weeks per child (the decomposed KPI's children).
    decomposition: dict[str, dict[str, float]] = field(default_factory=dict)
    decomposed_kpi: str | None = None
    out_of_reach: list[Reach] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    elapsed_s: float = 0.0
    #: Growth of the waiting list for a family with unlimited hours (children a year),
    #: when its one-sided bound shows it growing.
    family_growth: Summary | None = None
    #: Scenarios of the settings (for suggestions built on them).
    scenarios: dict[str, Scenario] = field(default_factory=dict)

    def summary(self, setting: str, kpi: str) -> Summary:
        """The KPI under ``setting`` (all NaN when that setting was not run: the upper bounds
        are skipped once a target is refused)."""
        if setting not in self.values:
            return Summary(math.nan, math.nan, math.nan, 0)
        return summarise(self.values[setting][kpi], kpi)

    def figure(self, setting: str, kpi: str, lang: str = "en") -> str:
        return figure(kpi, self.summary(setting, kpi), lang)

    @property
    def blocked(self) -> bool:
        return bool(self.out_of_reach)

    def phases(self, setting: str = "both") -> list[tuple[str, float]]:
        """The phases that make up most of the time to placement under ``setting``, longest
        first (at least :data:`NAMED_SHARE` of the phases' time)."""
        dec = self.decomposition.get(setting, {})
        items = sorted(((k, w) for k, w in dec.items() if k in CHILD_PHASES and w > 0),
                       key=lambda kw: -kw[1])
        total = sum(w for _, w in items)
        out, acc = [], 0.0
        for k, w in items:
            out.append((k, w))
            acc += w
            if acc >= NAMED_SHARE * total:
                break
        return out

    def _shares(self, lang: str) -> str:
        """'Open matching 18.4 weeks, ...': the phases the floor names, with their weeks
        (a dash when the time to placement was not decomposed)."""
        ph = self.phases("both")
        return ", ".join(msg("phase_share", lang, phase=component_label(k, lang),
                             weeks=weeks(w, lang)) for k, w in ph) or "–"

    def rows(self, lang: str = "en") -> list[str]:
        """One line per target: the KPI under the three settings; for a time to placement,
        the analytic cross-check (mean phase time with no wait at all)."""
        out = [msg("floor_intro", lang, n=self.reps)]
        if self.decomposed_kpi is not None and "both" in self.scenarios:
            phases = analytic_phase_weeks(self.scenarios["both"])
            out.append(msg("floor_analytic", lang, weeks=weeks(sum(phases.values()), lang)))
        for t in self.targets:
            out.append(msg("floor_row" if "bounds" in self.values else "floor_row_refused",
                           lang, kpi=kpi_label(t.kpi, lang),
                           bounds=self.figure("bounds", t.kpi, lang), point=self.point,
                           hours=self.figure("hours", t.kpi, lang),
                           both=self.figure("both", t.kpi, lang)))
        return out

    def sentences(self, lang: str = "en") -> list[str]:
        """Why each refused target is out of reach, in the planner's words."""
        out = []
        for r in self.out_of_reach:
            t, d = r.target, KPIS[r.target.kpi]
            threshold = d.format(t.threshold, lang)
            if r.where == "both":
                ph = self.phases("both")
                out.append(msg(
                    "floor_both", lang, kpi=kpi_label(t.kpi, lang),
                    figure=self.figure("both", t.kpi, lang),
                    phases=join([component_label(k, lang) for k, _ in ph], lang)
                    or msg("c_other", lang),
                    threshold=threshold, shares=self._shares(lang)))
            else:
                fw = self.summary("hours", "wait_family_mean")
                out.append(msg(
                    "floor_hours", lang, kpi=kpi_label(t.kpi, lang),
                    figure=self.figure("hours", t.kpi, lang),
                    family_wait=figure("wait_family_mean", fw, lang), threshold=threshold,
                    both=self.figure("both", t.kpi, lang), shares=self._shares(lang)))
        if self.family_growth is not None:
            d = KPIS["waiting_family_trend_per_year"]
            out.append(msg("limit_family_grows", lang,
                           trend=figure(d.name, self.family_growth, lang)))
        return out

    def complete(self, ev: Evaluator) -> None:
        """Fill the decomposition of the settings that were served by the store (their event
        logs are not stored): re-run them with detail, only when a limit must be explained."""
        if self.decomposed_kpi is None:
            return
        for setting in SETTINGS:
            if setting not in self.decomposition and setting in self.values:
                res = ev.detailed(self.scenarios[setting], self.reps)
                self.decomposition[setting] = decompose(res, self.decomposed_kpi)

    def table(self, lang: str = "en") -> list[dict[str, Any]]:
        """The decomposition as rows {setting, component, weeks} (CLI, JSON, report, app)."""
        rows = []
        for setting in SETTINGS:
            for comp, w in self.decomposition.get(setting, {}).items():
                rows.append({"setting": msg(f"set_{setting}", lang), "setting_key": setting,
                             "component": component_label(comp, lang),
                             "component_key": comp, "weeks": round(w, 2)})
        return rows


def floor_scenarios(scenario: Scenario, space: Space) -> dict[str, Scenario]:
    """The three settings' scenarios (see the module docstring)."""
    top = apply_point(scenario, space, tuple(v.high for v in space.variables))
    data = scenario_to_dict(top)
    for v in space.variables:
        if v.is_role:
            data["staff"][v.key]["schedule"] = [{"from_week": 0, "hours": UNLIMITED_HOURS}]
    hours = parse_scenario(copy.deepcopy(data), "<floor: unlimited hours>")
    data["families"]["unlimited"] = True
    both = parse_scenario(data, "<floor: unlimited hours and families>")
    return {"bounds": top, "hours": hours, "both": both}


def in_better_direction(target: Target) -> bool:
    """True when meeting ``target`` means a *better* KPI (so unlimited means are a floor)."""
    better = KPIS[target.kpi].better
    return (target.upper and better == "lower") or (not target.upper and better == "higher")


def decompose(res: ExperimentResult, kpi: str) -> dict[str, float]:
    """Mean weeks per child in each state between referral and first placement (see the
    module docstring); empty when ``kpi`` is not a time to placement or nobody was placed."""
    if not kpi.startswith("referral_to_placement"):
        return {}
    ch, ev = res.children, res.events
    if ch.empty or ev.empty:
        return {}
    warm = res.scenario.warmup_weeks
    kids = ch[(~ch["initial"].astype(bool)) & (ch["referred_week"] >= warm)
              & ch["first_placement_week"].notna()]
    if kids.empty:
        return {}
    kids = kids[["rep", "child", "referred_week", "first_placement_week"]].copy()
    kids["total"] = kids["first_placement_week"] - kids["referred_week"]
    if kpi.endswith("_p90"):
        thr = kids.groupby("rep")["total"].transform(lambda s: float(np.quantile(s, 0.9)))
        kids = kids[kids["total"] >= thr - 1e-12]
    enters = ev[ev["event"] == "enter"][["rep", "child", "week", "phase", "detail"]].copy()
    # a staff wait is named by the phase it holds up ("waiting_staff:assessment")
    staff = enters["phase"] == "waiting_staff"
    enters.loc[staff, "phase"] = "waiting_staff:" + enters.loc[staff, "detail"].astype(str)
    enters = enters.drop(columns="detail")
    m = enters.merge(kids, on=["rep", "child"])
    m = m[m["week"] < m["first_placement_week"]].sort_values(["rep", "child", "week"],
                                                            kind="stable")
    nxt = m.groupby(["rep", "child"])["week"].shift(-1)
    end = np.minimum(nxt.fillna(m["first_placement_week"]), m["first_placement_week"])
    m = m.assign(dur=end - m["week"])
    per = m.pivot_table(index=["rep", "child"], columns="phase", values="dur", aggfunc="sum",
                        fill_value=0.0)
    per = per.reindex(pd_index(kids), fill_value=0.0)
    per["other"] = kids.set_index(["rep", "child"])["total"] - per.sum(axis=1)
    per["other"] = per["other"].clip(lower=0.0)
    by_rep = per.groupby(level="rep").mean()
    means = by_rep.mean(axis=0)
    order = [*CHILD_PHASES, *(f"waiting_staff:{p}" for p in CHILD_PHASES), "waiting_family",
             "crisis_admission", "other"]
    return {k: float(means[k]) for k in order if k in means.index and means[k] > 0.005}


def pd_index(kids: pd.DataFrame) -> Any:
    import pandas as pd

    return pd.MultiIndex.from_frame(kids[["rep", "child"]])


def analytic_phase_weeks(scenario: Scenario) -> dict[str, float]:
    """Expected weeks a referred child spends in each phase before placement, with no wait:
    assessment, and the matching phases as often as failed matches repeat them (the same
    visit counts as :mod:`sim.staffing.bounds`), for children who need a family. A cross-check
    of the simulated decomposition (conditioning on being placed is left out)."""
    s = scenario
    need = 1.0 - sum(src.share for src in s.referrals.sources.values() if src.has_family)
    success, visits = 1.0, {}
    for sub in MATCHING_PHASES:
        visits[sub] = success
        success *= s.phases.spec(sub).success
    attempts = 1.0 / success if success > 0 else math.inf
    out = dict.fromkeys(("assessment", *MATCHING_PHASES), 0.0)
    for cx, share in s.referrals.complexity.items():
        eff = s.complexity_effects.get(cx)
        dmult = eff.duration if eff is not None else 1.0
        out["assessment"] += share * s.phases.spec("assessment").duration_for(cx).mean() * dmult
        for sub in MATCHING_PHASES:
            out[sub] += (share * need * visits[sub] * attempts
                         * s.phases.spec(sub).duration_for(cx).mean() * dmult)
    return out


Tick = Callable[[str], None]


def _judge(floor: Floor, confidence: float) -> None:
    """Mark the targets out of reach (see the module docstring)."""
    for t in floor.targets:
        if not in_better_direction(t):
            continue
        for setting in ("both", "hours"):
            c = check_target(floor.values[setting][t.kpi], t, confidence)
            if c.status == FAILS:
                floor.out_of_reach.append(Reach(t, setting))
                break


def compute_floor(scenario: Scenario, space: Space, targets: list[Target], ev: Evaluator,
                  confidence: float = 0.95, reps: int | None = None,
                  tick: Tick | None = None, stability_children: float | None = 1.0) -> Floor:
    """Run the three settings (see the module docstring) and judge every target on them."""
    start = time.monotonic()
    n = reps or scenario.replications
    scens = floor_scenarios(scenario, space)
    plain = [t for t in targets if t.kpi != STABILITY_KPI]
    keys = list(dict.fromkeys([*(t.kpi for t in plain), *EXTRA_KPIS]))
    values: dict[str, dict[str, np.ndarray]] = {}
    decomposition: dict[str, dict[str, float]] = {}
    dkpi = next((t.kpi for t in plain if t.kpi.startswith("referral_to_placement")), None)
    top = space.short(tuple(v.high for v in space.variables))
    floor = Floor(n, top, values, decomposition, dkpi, targets=plain, scenarios=scens)
    # the two settings that decide first; the upper bounds only when the search will run
    for setting in ("both", "hours", "bounds"):
        if setting == "bounds":
            _judge(floor, confidence)
            if floor.blocked:
                break
        if tick is not None:
            tick(setting)
        scen = scens[setting]
        h = scenario_hash(scen)
        if ev.has(h, range(n)) or dkpi is None:
            # known (a repeated search): the KPIs alone; the decomposition when it is needed
            rows = ev.kpis(scen, h, range(n))
            values[setting] = {k: np.array([r.get(k, math.nan) for r in rows], dtype=float)
                               for k in keys}
            continue
        res = ev.detailed(scen, n)
        table = res.kpis
        values[setting] = {k: table[k].to_numpy(dtype=float) for k in keys}
        decomposition[setting] = decompose(res, dkpi)
    if stability_children is not None:
        measured_years = max((scenario.horizon_weeks - scenario.warmup_weeks) / 52.0, 1e-9)
        tol = stability_children / measured_years
        trend = Target(kpi="waiting_family_trend_per_year", op="<=", threshold=tol,
                       tolerance=0.0)
        c = check_target(values["hours"][trend.kpi], trend, confidence)
        if c.status == FAILS:
            floor.family_growth = summarise(values["hours"][trend.kpi], trend.kpi)
    floor.elapsed_s = time.monotonic() - start
    return floor
