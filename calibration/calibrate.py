"""From a case log (and optionally a family log) to a calibrated scenario.

Every fitted number is a :class:`Fitted` entry: its dotted path in the scenario, its value,
n and 95% interval; :mod:`calibration.yamlout` writes each as the source comment of its line.
What a case log cannot show (staff hours per case, family profiles) is kept from the base
scenario and listed in ``kept``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from calibration.change import duration_changes, rate_change
from calibration.errors import LogError, Problem, fail
from calibration.fit import (
    Z95,
    DurationFit,
    Estimate,
    fit_duration,
    poisson_glm,
    poisson_rate,
    proportion,
    zero_event_bound,
)
from calibration.read import ATTRIBUTE_VALUES, CaseLog, FamilyLog
from calibration.timeline import TASK_TRAINING, Timeline, build
from sim.scenario.domain import CHILD_PHASES, MATCHING_PHASES, PLACED_PHASES
from sim.scenario.schema import (
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_to_dict,
    set_by_path,
)

WEEKS_PER_YEAR = 52.0


@dataclass
class Fitted:
    path: str
    value: Any
    est: Estimate | None
    what: str

    def tag(self, digest: str) -> str:
        e = self.est
        if e is None:
            return f"[calibrated log={digest}]"
        if e.small:  # neither n nor the interval: they would give the small count away
            return f"[calibrated log={digest} n<5]"
        n = f"n={e.n}"
        if math.isnan(e.low):
            return f"[calibrated log={digest} {n}]"
        return f"[calibrated log={digest} {n} 95% {_g(e.low)}-{_g(e.high)}]"


def _g(x: float) -> str:
    return f"{x:.3g}"


@dataclass
class Calibration:
    scenario: Scenario
    fitted: list[Fitted]
    durations: dict[str, DurationFit]
    kept: list[str]
    digest: str
    n_cases: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def tags(self) -> dict[str, str]:
        return {f.path: f.tag(self.digest) for f in self.fitted}


def _cx_mult(base: Scenario, cases: pd.DataFrame, what: str) -> pd.Series:
    eff = base.complexity_effects
    mult = {cx: getattr(eff[cx], what) if cx in eff else 1.0
            for cx in ("low", "medium", "high")}
    return cases["complexity"].map(mult).astype(float).fillna(1.0)


def calibrate(log: CaseLog, base: Scenario, families: FamilyLog | None = None,
              end: float | None = None, gof: bool = True, seed: int = 0,
              hours: pd.DataFrame | None = None, changes: bool = True,
              like: Calibration | None = None) -> Calibration:
    """Fit everything the log shows; keep the rest from ``base``. With ``changes``, the
    referral rate and the main durations are tested for a change during the log. With
    ``like`` (a refit of a resample, as in the parameter bootstrap) each duration keeps that
    calibration's family and starts from its values, which is several times faster."""
    hint = like.durations if like is not None else {}
    tl = build(log, end)
    if not tl.end > 0:
        raise fail(log.source, "the log covers no time (every event at one moment); a "
                               "calibration needs weeks to years of events")
    data = copy.deepcopy(scenario_to_dict(base))
    fitted: list[Fitted] = []
    kept: list[str] = []
    notes: list[str] = []
    tables: dict[str, pd.DataFrame] = {}

    def put(path: str, value: Any, est: Estimate | None, what: str) -> None:
        if path.startswith("complexity_effects."):  # a base without this complexity's entry
            data.setdefault("complexity_effects", {}).setdefault(path.split(".")[1], {})
        set_by_path(data, path, value)
        fitted[:] = [f for f in fitted if f.path != path]  # a later, better fit replaces it
        fitted.append(Fitted(path, value, est, what))

    cases = log.cases
    # ---- referrals: rate, by year, and the mix
    refs = tl.referrals
    span = tl.end - (float(refs["t"].min()) if len(refs) else 0.0)
    span = max(tl.end - 0.0, 1e-9) if len(refs) else span
    rate = (poisson_rate(len(refs), tl.end / WEEKS_PER_YEAR * log.parallel) if len(refs)
            else None)
    if rate is not None and rate.n > 0:
        what = "Referrals per year"
        shift = (rate_change(refs["t"].to_numpy(dtype=float), tl.end, seed)
                 if changes else None)
        if shift is not None and shift.found:
            # the scenario starts at the log's end: the rate since the change is today's
            flat = rate
            rate = poisson_rate(shift.n_after, (tl.end - shift.tau) / WEEKS_PER_YEAR
                                * log.parallel)
            before = shift.before * WEEKS_PER_YEAR / log.parallel
            what = f"Referrals per year since {log.date(shift.tau)} (rate changed)"
            notes.append(
                f"The referral rate changed around {log.date(shift.tau)}: about "
                f"{before:.3g} a year before, {rate.value:.3g} a year after (change-point "
                f"test, p = {shift.p_value:.3g}). The scenario uses the rate since the "
                f"change; one flat rate over the whole log ({flat.value:.3g} a year) would "
                "misstate today's. To replay the log, use the schedule in the report.")
            tables["referral_schedule"] = pd.DataFrame([
                {"from": log.date(0), "from_week": 0.0, "per_year": before},
                {"from": log.date(shift.tau), "from_week": round(shift.tau, 2),
                 "per_year": rate.value}])
        put("referrals.schedule", [{"from_week": 0, "per_year": round(rate.value, 4)}],
            None, "referrals")
        fitted[-1] = Fitted("referrals.schedule.0.per_year", round(rate.value, 4), rate, what)
        years = np.floor(refs["t"].to_numpy() / WEEKS_PER_YEAR).astype(int)
        rows = []
        for y in range(int(math.ceil(tl.end / WEEKS_PER_YEAR))):
            exposure = min(tl.end, (y + 1) * WEEKS_PER_YEAR) - y * WEEKS_PER_YEAR
            est = poisson_rate(int((years == y).sum()),
                               exposure / WEEKS_PER_YEAR * log.parallel)
            rows.append({"year": log.date(y * WEEKS_PER_YEAR)[:10], "referrals": est.n,
                         "per_year": est.value, "low": est.low, "high": est.high})
        tables["referrals_by_year"] = pd.DataFrame(rows)
    else:
        kept.append("referrals.schedule")
    referred = cases.loc[cases.index.isin(refs["case"])]
    for attr in ("source", "intensity", "complexity"):
        col = referred[attr].dropna()
        if len(col) < 5:
            kept.append(f"referrals.{attr}")
            continue
        counts = col.value_counts()
        keys = [k for k in ATTRIBUTE_VALUES[attr] if counts.get(k, 0) > 0]
        shares = {k: round(counts.get(k, 0) / len(col), 4) for k in keys}
        last = keys[-1]
        shares[last] = round(1 - sum(v for k, v in shares.items() if k != last), 4)
        tables[f"mix_{attr}"] = counts.rename("cases").to_frame()
        if attr == "source":
            base_src = data["referrals"]["sources"]
            data["referrals"]["sources"] = {k: {**base_src.get(k, {"has_family": False,
                                                                   "residential": True}),
                                                "share": shares[k]} for k in keys}
            for k in keys:
                fitted.append(Fitted(f"referrals.sources.{k}.share", shares[k],
                                     proportion(int(counts.get(k, 0)), len(col)),
                                     f"Share of referrals from {k}"))
        else:
            set_by_path(data, f"referrals.{attr}", shares)
            for k in keys:
                fitted.append(Fitted(f"referrals.{attr}.{k}", shares[k],
                                     proportion(int(counts.get(k, 0)), len(col)),
                                     f"Share of referrals with {attr} {k}"))
    ages = referred["age"].dropna()
    if len(ages) >= 5:
        lo, hi = int(ages.min()), int(ages.max())
        put("referrals.age.min", lo, Estimate(lo, math.nan, math.nan, len(ages),
                                              int((ages == lo).sum())),
            "Youngest age at referral")
        put("referrals.age.max", hi, Estimate(hi, math.nan, math.nan, len(ages),
                                              int((ages == hi).sum())),
            "Oldest age at referral")
    else:
        kept.append("referrals.age")

    # ---- durations (work when fully staffed), normalised to the medium complexity
    visits = tl.visits[~tl.visits["truncated"]]
    mult = _cx_mult(base, cases, "duration")
    durations: dict[str, DurationFit] = {}
    for phase in CHILD_PHASES:
        v = visits[visits["phase"] == phase]
        work = v["work"].to_numpy() / mult.reindex(v["case"]).fillna(1.0).to_numpy()
        fit = fit_duration(work, (v["outcome"] != "censored").to_numpy(), seed, gof,
                           hint.get(phase))
        if fit is None:
            kept.append(f"phases.{phase}.duration")
            continue
        durations[phase] = fit
        set_by_path(data, f"phases.{phase}.duration_by_complexity", {})
        put(f"phases.{phase}.duration", fit.scenario_dist(), fit.mean,
            f"Duration of {phase} (weeks, medium complexity)")
    if changes:
        _duration_changes(visits, mult, tl.end, log, notes)
    # training episodes during guidance
    st = tl.stays
    ep = st[st["state"] == TASK_TRAINING]
    ep_work = (ep["end"] - ep["start"]).to_numpy() / mult.reindex(ep["case"]).fillna(1).to_numpy()
    fit = fit_duration(ep_work, ~ep["censored"].to_numpy(), seed, gof,
                       hint.get("task_training"))
    if fit is not None:
        durations["task_training"] = fit
        put("phases.guidance.task_training", fit.scenario_dist(), fit.mean,
            "Training episode for a new task (weeks)")
    else:
        kept.append("phases.guidance.task_training")
    guid = st[st["state"] == "guidance"]
    tasks = int((tl.points["activity"] == "new_task").sum())
    g_exp = float((guid["end"] - guid["start"]).sum())
    if g_exp > 0 and len(guid) >= 5:
        est = poisson_rate(tasks, g_exp / WEEKS_PER_YEAR)
        put("phases.guidance.new_task_per_year", round(est.value, 4), est,
            "New developmental tasks per year of guidance")
    # ---- matching success per sub-phase
    for sub in MATCHING_PHASES:
        v = tl.visits[(tl.visits["phase"] == sub) & (tl.visits["outcome"] != "censored")]
        if len(v) >= 5:
            est = proportion(int((v["outcome"] == "done").sum()), len(v))
            put(f"phases.{sub}.success", round(est.value, 4), est, f"Success of {sub}")
        else:
            kept.append(f"phases.{sub}.success")
    # ---- breakdown, crisis, rematch, withdrawal
    _risks(tl, cases, base, put, kept, tables, notes)
    # ---- families
    if families is not None:
        _families(families, put, kept, tables)
        pool, screening = family_state(families)
        data["start_state"]["families_in_pool"] = pool
        data["start_state"]["families_in_screening"] = screening
        fitted.append(Fitted("start_state.families_in_pool", pool, None,
                             f"Approved families not matched or gone at "
                             f"{log.date(families.end)}"))
        fitted.append(Fitted("start_state.families_in_screening", screening, None,
                             f"Weeks already in screening at {log.date(families.end)}"))
    else:
        kept.append("families (no family log given)")
    # ---- start state: the state at the log's end
    start, elapsed, order = _start_children(tl)
    data["start_state"]["children"] = start
    data["start_state"]["elapsed"] = elapsed
    profiles = _profiles(order, cases, tl.end)
    data["start_state"]["profiles"] = profiles
    data["start_state"]["pool_fits_no_waiting_child"] = True  # a snapshot of a running one
    fitted.append(Fitted("start_state.children", start, None,
                         f"Children per state at {log.date(tl.end)}"))
    fitted.append(Fitted("start_state.elapsed", elapsed, None,
                         f"Weeks already done in their phase at {log.date(tl.end)}"))
    fitted.append(Fitted("start_state.profiles", profiles, None,
                         f"Age, complexity and intensity of the children at "
                         f"{log.date(tl.end)}"))
    if hours is not None and len(hours):
        _hours(tl, hours[hours["t"] <= tl.end], base, cases, data, put, kept)
    else:
        kept.append("staff hours per case (a case log cannot show them; no time registration)")
    try:
        scenario = parse_scenario(data, f"calibrated from {log.source}")
    except ScenarioError as exc:
        # the log implies a scenario beyond the model's documented ceilings (docs/limits.md),
        # e.g. more than 1,000 referrals a year: a refusal that says which field, not a crash
        raise LogError(log.source, [Problem(None, "", f"the fitted scenario is out of range: "
                                            f"{path or 'scenario'}: {what}")
                                    for path, what in exc.problems]) from None
    return Calibration(scenario, fitted, durations, kept, log.digest, log.n_cases, tables,
                       notes)


#: The durations tested for a change over time (the ones that drive waiting and capacity).
CHANGE_PHASES = ("assessment", "prematching", "discrete_matching", "open_matching", "fitting",
                 "guidance")


def _duration_changes(visits: pd.DataFrame, mult: pd.Series, end: float, log: CaseLog,
                      notes: list[str]) -> None:
    data = {}
    for phase in CHANGE_PHASES:
        v = visits[visits["phase"] == phase]
        work = v["work"].to_numpy() / mult.reindex(v["case"]).fillna(1.0).to_numpy()
        data[phase] = (v["start"].to_numpy(dtype=float), np.maximum(work, 1e-6),
                       (v["outcome"] != "censored").to_numpy())
    for ch in duration_changes(data, end):
        notes.append(f"The duration of {ch.phase} changed during the log: median "
                     f"{ch.median_before:.3g} weeks for visits started before "
                     f"{log.date(ch.split)}, {ch.median_after:.3g} after (log-rank test, "
                     f"p = {ch.p_value:.2g} after Bonferroni). The scenario's duration is "
                     "fitted over the whole log; calibrate on the recent part of the log "
                     "for today's.")


#: The order in which the model creates start children, so they queue for staff as they did
#: in the log: the model gives hours to jobs as they arrive (a waiting job does not push out a
#: running one), so a start state written alphabetically (assessment before guidance) let
#: assessments take the hours that placed children held at the cut-off, and the first months
#: of a back-cast ran too many assessments (found by the rank diagnostic in docs/calibration.md).
#: Placed children first, then matching, assessment, waiting for a family: the model's
#: service priority (``sim.model.staff_pool``).
START_ORDER = (*PLACED_PHASES, *MATCHING_PHASES, "assessment", "waiting_family")


def start_state(tl: Timeline) -> tuple[dict[str, int], dict[str, list[float]]]:
    """Children per state at the timeline's end (waits for staff count towards their phase;
    training episodes towards guidance), and the weeks of work each has already done in its
    phase (``start_state.elapsed``).

    The states come in :data:`START_ORDER`; within a state, children who hold staff come
    first and the waiting ones after, each in the order their stay began: the model's
    queue at the cut-off, as far as a start state can say it."""
    counts, elapsed, _ = _start_children(tl)
    return counts, elapsed


def start_profiles(tl: Timeline, cases: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Age (whole years at the timeline's end), complexity and intensity of the start
    children, per state in the order of :func:`start_state` (``start_state.profiles``).
    What the log does not show is left out and drawn by the model."""
    return _profiles(_start_children(tl)[2], cases, tl.end)


def _profiles(order: dict[str, list[str]], cases: pd.DataFrame,
              end: float) -> dict[str, list[dict[str, Any]]]:
    """:func:`start_profiles` of the cases in ``order`` (per state), at week ``end``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key, ids in order.items():
        rows = []
        for case in ids:
            row: dict[str, Any] = {}
            if case in cases.index:
                c = cases.loc[case]
                birth = float(c.get("birth", math.nan))
                if math.isfinite(birth) and end >= birth:
                    row["age"] = min(30, int((end - birth) / WEEKS_PER_YEAR))
                for attr in ("complexity", "intensity"):
                    v = c.get(attr)
                    if isinstance(v, str) and v:
                        row[attr] = v
            rows.append(row)
        out[key] = rows
    return out


def _start_children(tl: Timeline) -> tuple[dict[str, int], dict[str, list[float]],
                                            dict[str, list[str]]]:
    """:func:`start_state`'s counts and elapsed weeks, and the cases in the same order."""
    st = tl.stays
    open_ = st[st["censored"]]
    waiting = open_["state"].isin(["waiting_staff", "crisis_admission"]).to_numpy()
    open_ = open_.iloc[np.lexsort((open_["start"].to_numpy(dtype=float), waiting))]
    visits = tl.visits.groupby(["case", "phase"])["work"].last()
    counts: dict[str, int] = {}
    elapsed: dict[str, list[float]] = {}
    order: dict[str, list[str]] = {}
    for case, state, phase in zip(open_["case"], open_["state"], open_["phase"], strict=True):
        key = state
        if state == TASK_TRAINING:
            key = "guidance"
        elif state in ("waiting_staff", "crisis_admission"):
            key = phase or "assessment"
        if key in CHILD_PHASES or key == "waiting_family":
            counts[key] = counts.get(key, 0) + 1
            order.setdefault(key, []).append(case)
        if key in CHILD_PHASES:
            done = float(visits.get((case, key), 0.0)) if (state != "waiting_staff"
                                                           or phase == key) else 0.0
            elapsed.setdefault(key, []).append(round(done, 3))
    keys = sorted(counts, key=START_ORDER.index)
    return ({k: counts[k] for k in keys}, {k: elapsed[k] for k in keys if k in elapsed},
            {k: order[k] for k in keys})


def _split_at_11(start: np.ndarray, end: np.ndarray, birth: np.ndarray):
    """Exposure before and after each child's 11th birthday."""
    b11 = birth + 11 * WEEKS_PER_YEAR
    b11 = np.where(np.isnan(b11), np.inf, b11)
    under = np.clip(np.minimum(end, b11) - start, 0, None)
    over = (end - start) - under
    return under, over


def _risks(tl: Timeline, cases: pd.DataFrame, base: Scenario, put, kept, tables,
           notes: list[str]) -> None:
    st = tl.stays
    placed = st[st["placed"] & st["state"].isin([*PLACED_PHASES, TASK_TRAINING,
                                                 "waiting_staff"])].copy()
    placed["phase"] = placed["phase"].where(placed["phase"] != "", "fitting")
    birth = cases["birth"].reindex(placed["case"]).to_numpy(dtype=float)
    under, over = _split_at_11(placed["start"].to_numpy(), placed["end"].to_numpy(), birth)
    cx = _cx_mult(base, cases, "breakdown").reindex(placed["case"]).fillna(1).to_numpy()
    age_mult = base.breakdown.age_over_10
    # a placed child waiting for staff faces `breakdown.underserved` times the hazard, so its
    # weeks count that many times; otherwise the fit would carry the multiplier twice
    raw = under + over  # calendar weeks placed, outside crisis admissions
    served = _underserved_weight(placed, base)
    under, over = under * served, over * served
    weighted = (under + over * age_mult) * cx  # exposure of a reference child
    pts = tl.points
    bd = pts[pts["activity"] == "breakdown"]
    # the placed phases' pooled hazard: the prior for a phase with no breakdowns (below)
    in_placed = placed["phase"].isin(PLACED_PHASES).to_numpy()
    pooled_k = int(bd["phase"].isin(PLACED_PHASES).sum())
    pooled_e = float(weighted[in_placed].sum())
    rows = []
    for phase in PLACED_PHASES:
        in_phase = (placed["phase"] == phase).to_numpy()
        k = int((bd["phase"] == phase).sum())
        exposure = float(weighted[in_phase].sum())
        if exposure <= 0 or in_phase.sum() < 5:
            kept.append(f"breakdown.weekly_hazard.{phase}")
            continue
        est = poisson_rate(k, exposure)
        if k == 0 and pooled_k > 0:
            # a phase with no breakdowns is drawn (parameter sets) from half an event at the
            # placed phases' pooled hazard plus its own exposure, not from Jeffreys' prior
            # alone, whose mean 0.5 / exposure far exceeds a small true hazard seen briefly
            est = replace(est, prior_exposure=0.5 * pooled_e / pooled_k)
        weeks = float(raw[in_phase].sum())
        rows.append({"phase": phase, "breakdowns": k, "weeks": weeks,
                     "weekly_hazard": est.value, "low": est.low, "high": est.high})
        if k == 0:  # the estimate is 0; what the log does say is an exact upper bound
            notes.append(f"No breakdowns in {phase} in {weeks:.0f} weeks of exposure: weekly "
                         f"hazard below {zero_event_bound(exposure):.3g} (exact one-sided 95% "
                         "Poisson bound); the scenario uses 0, the estimate.")
        put(f"breakdown.weekly_hazard.{phase}", float(f"{est.value:.4g}"), est,
            f"Weekly breakdown hazard in {phase} (under 11, medium complexity)")
    tables["breakdowns"] = pd.DataFrame(rows)
    _multipliers(placed, under, over, bd, cases, base, put, kept, notes)
    # crises: per placement-year, outside crisis admissions
    total = float(raw.sum())
    crises = int(((pts["activity"] == "crisis") & pts["placed"]).sum())
    if total > 0 and len(placed) >= 5:
        est = poisson_rate(crises, total / WEEKS_PER_YEAR)
        put("crisis.per_placement_per_year", round(est.value, 4), est,
            "Crises per placement-year")
        adm = st[st["state"] == "crisis_admission"]
        if crises >= 5:
            p = proportion(min(len(adm), crises), crises)
            put("crisis.admission_probability", round(p.value, 4), p,
                "Share of crises leading to a crisis admission")
        fit = fit_duration((adm["end"] - adm["start"]).to_numpy(), ~adm["censored"].to_numpy(),
                           gof=False)
        if fit is not None:
            put("crisis.admission_duration", fit.scenario_dist(), fit.mean,
                "Crisis admission (weeks)")
    # rematch after breakdown: the next stay of the case after the breakdown that lasts
    # (the timeline puts a zero-length wait for staff at the breakdown itself), a wait for
    # staff counting as the phase it waits for
    if len(bd) >= 5:
        nxt = st.merge(bd[["case", "t"]], on="case")
        nxt = nxt[(nxt["start"] >= nxt["t"] - 1e-9) & (nxt["end"] > nxt["start"] + 1e-9)]
        nxt = nxt.sort_values("start", kind="stable").groupby(["case", "t"]).first()
        state = nxt["state"].where(nxt["state"] != "waiting_staff", nxt["phase"])
        exits = tl.exits.set_index("case")
        left = 0
        back = int(state.isin(["waiting_family", *MATCHING_PHASES]).sum())
        for case, t in zip(bd["case"], bd["t"], strict=True):
            if case in exits.index:
                rows_ = exits.loc[[case]]
                left += int(((rows_["outcome"] == "left") & (abs(rows_["t"] - t) < 1e-6)).sum())
        if back + left >= 5:
            p = proportion(back, back + left)
            put("breakdown.rematch_share", round(p.value, 4), p,
                "Share of broken-down children who go back to matching")
    # withdrawal while waiting (children not yet placed)
    kinds = {"waiting_staff": "withdrawal.waiting_staff_per_year",
             "waiting_family": "withdrawal.waiting_family_per_year"}
    seen: dict[str, tuple[int, float]] = {}
    for kind in kinds:
        w = st[(st["state"] == kind) & ~st["placed"]]
        exposure = float((w["end"] - w["start"]).sum()) / WEEKS_PER_YEAR
        if len(w) >= 5 and exposure > 0:
            seen[kind] = (int((w["next"] == "withdrawn").sum()), exposure)
    for kind, path in kinds.items():
        if kind not in seen:
            kept.append(path)
            continue
        k, exposure = seen[kind]
        est = poisson_rate(k, exposure)
        other = [v for o, v in seen.items() if o != kind]
        if k == 0 and other:
            # no withdrawal seen in this wait: drawn (parameter sets) as if the other wait's
            # rate applied, with half an event when that one saw none either (a few weeks of
            # waiting for staff alone would draw rates of several a year)
            k_o, e_o = other[0]
            est = replace(est, prior_exposure=0.5 * e_o / max(k_o, 0.5))
        put(path, round(est.value, 4), est, f"Withdrawals per year while {kind}")


def _hours(tl: Timeline, reg: pd.DataFrame, base: Scenario, cases: pd.DataFrame,
           data: dict[str, Any], put, kept) -> None:
    """Hours per week per case from a time registration, spread over the layers as in the
    base scenario (the 'child' layer where the base has none for that role)."""
    from calibration.hours import fit_hours

    fits = fit_hours(tl, reg, _cx_mult(base, cases, "hours"))
    for phase in CHILD_PHASES:
        layers_of = data["phases"][phase].get("hours") or {}
        for role in ("coordinator", "pnp_counsellor", "parent_counsellor"):
            est = fits.get((phase, role))
            if est is None:
                kept.append(f"phases.{phase}.hours.{role} (too few registered cases)")
                continue
            layers = layers_of.get(role) or {}
            total = sum(layers.values())
            shares = ({k: v / total for k, v in layers.items()} if total > 0
                      else {"child": 1.0})
            value = {k: float(f"{est.value * sh:.4g}") for k, sh in shares.items()}
            put(f"phases.{phase}.hours.{role}", value, est,
                f"{role} hours per week per case in {phase} (time registration)")


MIN_GROUP_EVENTS = 5


def _underserved_weight(placed: pd.DataFrame, base: Scenario) -> np.ndarray:
    """How many weeks of a fully served placement one week of each stay is worth for the
    breakdown hazard: ``breakdown.underserved`` while waiting for staff, else 1.

    Under the ``waitlist`` policy a placed child's job lacks its hours exactly while the log
    shows it waiting for staff. Under ``share`` a slowed job stays in its phase in the log, so
    the log cannot tell those weeks apart and every week counts once (documented)."""
    waiting = (placed["state"] == "waiting_staff").to_numpy()
    if base.policy != "waitlist":
        return np.ones(len(placed))
    return np.where(waiting, float(base.breakdown.underserved), 1.0)


def _multipliers(placed: pd.DataFrame, under: np.ndarray, over: np.ndarray, bd: pd.DataFrame,
                 cases: pd.DataFrame, base: Scenario, put, kept, notes: list[str]) -> None:
    """Age-over-10 and complexity breakdown multipliers by Poisson regression on exposure
    cells (phase x over 10 x complexity), where each group has at least 5 breakdowns; a
    multiplier the data cannot pin down is held at the base value (as an offset)."""
    cx_of = cases["complexity"].astype(object).fillna("medium")
    cx = cx_of.reindex(placed["case"]).fillna("medium").to_numpy()
    phase = placed["phase"].to_numpy()
    expo = pd.DataFrame({"phase": np.r_[phase, phase], "over": np.r_[np.zeros(len(phase)),
                                                                      np.ones(len(phase))],
                         "cx": np.r_[cx, cx], "E": np.r_[under, over]})
    birth = cases["birth"].reindex(bd["case"]).to_numpy(dtype=float)
    ev = pd.DataFrame({"phase": bd["phase"].to_numpy(),
                       "over": (bd["t"].to_numpy() >= birth + 11 * WEEKS_PER_YEAR).astype(float),
                       "cx": cx_of.reindex(bd["case"]).fillna("medium").to_numpy(), "y": 1.0})
    cells = expo.groupby(["phase", "over", "cx"], as_index=False)["E"].sum()
    cells = cells.merge(ev.groupby(["phase", "over", "cx"], as_index=False)["y"].sum(),
                        how="left").fillna({"y": 0.0})
    cells = cells[(cells["E"] > 0) & cells["phase"].isin(PLACED_PHASES)]
    eff = base.complexity_effects
    base_cx = {c: (eff[c].breakdown if c in eff else 1.0)
               for c in ("low", "medium", "high")}
    free = {"over": ev["over"].sum() >= MIN_GROUP_EVENTS
            and (1 - ev["over"]).sum() >= MIN_GROUP_EVENTS}
    for c in ("low", "high"):
        free[c] = (ev["cx"] == c).sum() >= MIN_GROUP_EVENTS and (
            ev["cx"] == "medium").sum() >= MIN_GROUP_EVENTS
    # a phase with no breakdowns has no finite log-hazard (the regression would diverge):
    # it keeps its exact Poisson fit from _risks and stays out of the regression
    phases = [p for p in PLACED_PHASES if (cells["phase"] == p).any()
              and cells.loc[cells["phase"] == p, "y"].sum() > 0]
    cells = cells[cells["phase"].isin(phases)]
    if len(ev) < 4 * MIN_GROUP_EVENTS or not any(free.values()) or not phases:
        kept.append("breakdown.age_over_10 and complexity breakdown multipliers (too few "
                    "breakdowns per group to fit them)")
        return
    cols = [(cells["phase"] == p).to_numpy(float) for p in phases]
    names = list(phases)
    offset = np.log(cells["E"].to_numpy())
    if free["over"]:
        cols.append(cells["over"].to_numpy(float))
        names.append("over")
    else:
        offset = offset + cells["over"].to_numpy() * math.log(base.breakdown.age_over_10)
        kept.append("breakdown.age_over_10")
    for c in ("low", "high"):
        if free[c]:
            cols.append((cells["cx"] == c).to_numpy(float))
            names.append(c)
        else:
            offset = offset + (cells["cx"] == c).to_numpy() * math.log(
                max(base_cx[c] / max(base_cx["medium"], 1e-12), 1e-12))
            kept.append(f"complexity_effects.{c}.breakdown")
    X = np.column_stack(cols)
    offset = offset + np.log(max(base_cx["medium"], 1e-12))
    try:
        beta, cov = poisson_glm(cells["y"].to_numpy(float), X, offset)
        se = np.sqrt(np.diag(cov))
        ok = bool(np.all(np.isfinite(beta)) and np.all(np.isfinite(se))
                  and np.all(np.abs(beta) < 30))
    except (np.linalg.LinAlgError, FloatingPointError, OverflowError, ValueError):
        ok = False
    if not ok:
        kept.append("breakdown.age_over_10 and complexity breakdown multipliers (the "
                    "regression did not converge on this log)")
        notes.append("The breakdown regression (age and complexity multipliers) did not "
                     "converge; the base scenario's multipliers are kept.")
        return

    def est(i: int, n: int) -> Estimate:
        return Estimate(math.exp(beta[i]), math.exp(beta[i] - Z95 * se[i]),
                        math.exp(beta[i] + Z95 * se[i]), n)

    for i, name in enumerate(names):
        if name in PLACED_PHASES:
            e = est(i, int((ev["phase"] == name).sum()))
            put(f"breakdown.weekly_hazard.{name}", float(f"{e.value:.4g}"), e,
                f"Weekly breakdown hazard in {name} (under 11, medium; Poisson regression)")
        elif name == "over":
            e = est(i, int(ev["over"].sum()))
            put("breakdown.age_over_10", float(f"{e.value:.4g}"), e,
                "Breakdown multiplier from age 11 (Poisson regression)")
        elif name in ("low", "high"):
            e = est(i, int((ev["cx"] == name).sum()))
            put(f"complexity_effects.{name}.breakdown",
                float(f"{e.value * base_cx['medium']:.4g}"), e,
                f"Breakdown multiplier for {name} complexity (against medium)")


def _screening_starts(ev: pd.DataFrame) -> pd.Series:
    """Each family's screening start: its ``screening_start``, else its ``interest``."""
    start = ev[ev["activity"] == "screening_start"].groupby("case")["t"].min()
    return start.combine_first(ev[ev["activity"] == "interest"].groupby("case")["t"].min())


def family_state(fl: FamilyLog) -> tuple[int, list[float]]:
    """Families in the pool and in screening at the family log's end.

    In the pool: approved, with no later ``matched`` or ``left``. A family that took a child
    and came back after the placement ended is not counted (the log has no activity for its
    return), so the pool is a lower bound. In screening: an ``interest`` or
    ``screening_start`` with no ``approved`` or ``rejected`` after it (the weeks since its
    screening start, else its interest), in the order of their start."""
    ev = fl.events.sort_values("t", kind="stable")
    last = ev.groupby("case").tail(1)
    pool = int((last["activity"] == "approved").sum())
    decided = set(ev.loc[ev["activity"].isin(["approved", "rejected", "left"]), "case"])
    start = _screening_starts(ev)
    start = start[~start.index.isin(decided)].sort_values(kind="stable")
    weeks = [round(max(0.0, fl.end - float(t)), 3) for t in start.to_numpy()]
    return pool, weeks


def _families(fl: FamilyLog, put, kept, tables) -> None:
    ev = fl.events
    first = ev.groupby("case")["t"].min()
    interest = ev[ev["activity"] == "interest"]
    if len(interest) >= 5:
        est = poisson_rate(len(interest), fl.end / WEEKS_PER_YEAR)
        put("families.interested_per_year", round(est.value, 4), est,
            "Interested families per year")
    approved = set(ev.loc[ev["activity"] == "approved", "case"])
    rejected = set(ev.loc[ev["activity"] == "rejected", "case"])
    if len(approved | rejected) >= 5:
        p = proportion(len(approved), len(approved | rejected))
        put("families.screening.pass_rate", round(p.value, 4), p, "Screening pass rate")
    # screening duration: from screening start (else interest) to approval or rejection
    start = _screening_starts(ev)
    done = ev[ev["activity"].isin(["approved", "rejected"])].groupby("case")["t"].min()
    cases = start.index
    t_end = done.reindex(cases)
    dur = (t_end.fillna(fl.end) - start).to_numpy()
    fit = fit_duration(dur, t_end.notna().to_numpy(), gof=False)
    if fit is not None:
        put("families.screening.duration", fit.scenario_dist(), fit.mean,
            "Screening (weeks)")
    # leaving the pool: from approval (or a return) to matched/left/end
    appr = ev[ev["activity"] == "approved"].groupby("case")["t"].min()
    later = ev[ev["activity"].isin(["matched", "left"])].merge(
        appr.rename("t0").reset_index(), on="case")
    later = later[later["t"] >= later["t0"]].sort_values("t").groupby("case").first()
    t_out = later["t"].reindex(appr.index).fillna(fl.end)
    exposure = float((t_out - appr).sum())
    left = int((later["activity"] == "left").sum())
    if len(appr) >= 5 and exposure > 0:
        est = poisson_rate(left, exposure / WEEKS_PER_YEAR)
        put("families.leave_per_year", round(est.value, 4), est,
            "Families leaving the pool per year")
    del first
    tables["family_funnel"] = pd.DataFrame({
        "step": ["interested", "screened", "approved", "rejected", "left"],
        "families": [len(interest), len(done), len(approved), len(rejected),
                     int((ev["activity"] == "left").sum())]})
