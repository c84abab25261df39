"""KPIs of one replication, computed over the window after the warm-up.

Waits are taken over children referred after the warm-up (children in the start state never
waited). A child still waiting at the horizon has no completed wait and is left out of that
wait's statistics; ``waiting_staff`` and ``waiting_family`` show how many were waiting.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.model.recorder import STATES, WAITING_FAMILY, WAITING_STAFF
from sim.outputs.kpi_defs import FTE_HOURS, KPIS
from sim.outputs.stationarity import slope_per_year
from sim.scenario.domain import ROLES

if TYPE_CHECKING:
    import pandas as pd

    from sim.model import PnPModel

WEEKLY_COLUMNS: tuple[str, ...] = (
    "week",
    *STATES,
    "families_pool",
    "families_screening",
    "referred_total",
    "exited_total",
    *(f"{k}_{r}" for k in ("available", "needed", "used", "caseload") for r in ROLES),
)


def _stats(prefix: str, values: list[float]) -> dict[str, float]:
    if not values:
        return {f"{prefix}_mean": math.nan, f"{prefix}_median": math.nan, f"{prefix}_p90": math.nan}
    ordered = sorted(values)
    return {
        f"{prefix}_mean": float(np.mean(values)),
        f"{prefix}_median": median(ordered),
        f"{prefix}_p90": quantile(ordered, 0.9),
    }


def median(ordered: list[float]) -> float:
    """``numpy.median`` of sorted finite values, to the bit, without numpy's per-call cost
    (a third of the KPIs' time in a short replication)."""
    n = len(ordered)
    half = n // 2
    if n % 2:
        return float(ordered[half])
    return (ordered[half - 1] + ordered[half]) / 2.0


def quantile(ordered: list[float], q: float) -> float:
    """``numpy.quantile(values, q)`` (its default, linear method) of sorted finite values, to
    the bit: the same virtual index and the same interpolation formula as numpy's."""
    virtual = (len(ordered) - 1) * q
    below = math.floor(virtual)
    above = min(below + 1, len(ordered) - 1)
    a, b = float(ordered[below]), float(ordered[above])
    t = virtual - below
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def compute_kpis(model: PnPModel) -> dict[str, float]:
    """Every KPI in :data:`sim.outputs.kpi_defs.KPIS` for one finished replication."""
    s = model.s
    window = model.horizon - model.warmup
    years = window / 52.0
    kids = [c for c in model.children if not c.initial and c.referred >= model.warmup]
    out: dict[str, float] = {}
    out |= _stats(
        "wait_assessment", [c.t_assess - c.referred for c in kids if c.t_assess is not None]
    )
    out |= _stats(
        "wait_family",
        [c.family_wait for c in kids if c.first_placement is not None and c.source_needs_family],
    )
    out |= _stats(
        "referral_to_placement",
        [c.first_placement - c.referred for c in kids if c.first_placement is not None],
    )
    start_counts = model.window_start["counts"]
    for key, name in (
        ("referrals", "referrals_per_year"),
        ("placements", "placements_per_year"),
        ("completed", "completed_per_year"),
        ("breakdowns", "breakdowns_per_year"),
        ("crisis_admissions", "crisis_admissions_per_year"),
        ("left", "left_programme_per_year"),
        ("aged_out", "aged_out_per_year"),
        ("withdrawn", "withdrawn_per_year"),
    ):
        out[name] = (model.counts[key] - start_counts[key]) / years
    rec = model.rec
    area0 = rec.window_start["area"]
    out["residential_weeks_waiting_per_year"] = (
        rec.resid_area - rec.window_start["resid_area"]
    ) / years
    family_days = (rec.family_area - rec.window_start["family_area"]) / years * 7.0
    out["family_days_per_year"] = family_days
    out["net_saving_per_year"] = family_days * (
        s.costs.residential_per_day - s.costs.family_per_day
    )
    out["placed_share"] = (
        sum(c.first_placement is not None for c in kids) / len(kids) if kids else math.nan
    )
    mean_in = {st: (rec.area[st] - area0[st]) / window for st in STATES}
    out["children_in_programme"] = sum(mean_in.values())
    out["waiting_staff"] = mean_in[WAITING_STAFF]
    out["waiting_family"] = mean_in[WAITING_FAMILY]
    first = math.ceil(model.warmup)
    week_ends = model._week_ends[first:]
    pool = [float(row[0]) for row in week_ends]
    out["families_in_pool"] = float(np.mean(pool)) if pool else math.nan
    staff_w = [float(row[1]) for row in week_ends]
    family_w = [float(row[2]) for row in week_ends]
    out["waiting_staff_trend_per_year"] = slope_per_year(staff_w)
    out["waiting_family_trend_per_year"] = slope_per_year(family_w)
    out["waiting_trend_per_year"] = slope_per_year(np.add(staff_w, family_w))
    out["families_approved_per_year"] = model.families.approved_after_warmup / years
    st, w0 = model.staff, model.window_start
    for r in ROLES:
        avail = st.int_available[r] - w0["available"][r]
        used = st.int_used[r] - w0["used"][r]
        cases = (st.int_cases[r] - w0["cases"][r]) / window
        leave = s.staff.role(r).leave_share
        contracted = avail / window / (1.0 - leave) if leave < 1 else 0.0
        out[f"utilisation_{r}"] = used / avail if avail > 0 else math.nan
        out[f"caseload_{r}"] = cases
        fte = contracted / FTE_HOURS
        out[f"caseload_per_fte_{r}"] = cases / fte if fte > 0 else math.nan
    missing = set(KPIS) - set(out)
    assert not missing, f"KPIs not computed: {sorted(missing)}"
    return {k: out[k] for k in KPIS}


CHILD_COLUMNS: tuple[str, ...] = (
    "child", "initial", "source", "age", "intensity", "complexity", "referred_week",
    "assessment_start_week", "first_placement_week", "family_wait_weeks", "outcome",
)


def child_records(model: PnPModel) -> list[tuple[object, ...]]:
    """One tuple per referred child, in :data:`CHILD_COLUMNS` order (compact: what a worker
    sends back; :func:`children_table` makes the DataFrame). The outcome is 'completed',
    'left', 'aged_out', 'withdrawn', or '' while still in P&P."""
    return [
        (c.id, c.initial, c.source, c.age, c.intensity, c.complexity, c.referred,
         c.t_assess, c.first_placement, c.family_wait, c.outcome)
        for c in model.children
    ]


def children_table(model: PnPModel) -> pd.DataFrame:
    """One row per referred child: profile, referral, start of assessment, first placement,
    weeks waited for a family, and outcome (see :func:`child_records`)."""
    import pandas as pd

    return pd.DataFrame(child_records(model), columns=list(CHILD_COLUMNS))


LITTLE_COLUMNS: tuple[str, ...] = ("phase", "L", "lam", "W", "lamW", "rel_error", "entries")


def little_records(model: PnPModel) -> list[tuple[object, ...]]:
    """Little's law per state over the window, one tuple per state in :data:`LITTLE_COLUMNS`
    order: L (time average) against lambda x W (from the stays)."""
    rec = model.rec
    window = model.horizon - model.warmup
    rows: list[tuple[object, ...]] = []
    for st in STATES:
        L = (rec.area[st] - rec.window_start["area"][st]) / window
        n = rec.entries[st]
        lam = n / window
        W = rec.sojourn_sum[st] / n if n else math.nan
        lam_w = lam * W if n else 0.0
        rel = abs(L - lam_w) / L if L > 0 else (0.0 if lam_w == 0 else math.inf)
        rows.append((st, L, lam, W, lam_w, rel, n))
    return rows


def little_table(model: PnPModel) -> pd.DataFrame:
    """Little's law per state as a DataFrame (see :func:`little_records`)."""
    import pandas as pd

    return pd.DataFrame(little_records(model), columns=list(LITTLE_COLUMNS))
