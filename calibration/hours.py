"""Staff hours per case from a time-registration file (case, role, week, hours).

A case log cannot show how many hours a phase takes from each role; a time registration can.
Each registered week is put to the phase the case was in at mid-week; a phase's hours per
week per case for a role is then the hours registered in that phase over the case-weeks
spent in it by the registered cases (a ratio estimate). Its interval treats cases as the
independent units (the ratio estimator's pseudo-values, summarised by ``sim.outputs.stats``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration.errors import LogError, Problem
from calibration.fit import Estimate
from calibration.privacy import redact
from calibration.read import ALIASES, Mapping, _check_key, _objects, pseudonym, read_table
from calibration.timeline import TASK_TRAINING, Timeline
from sim.outputs.stats import summarise
from sim.scenario.domain import CHILD_PHASES, LABELS, ROLES
from sim.scenario.inputs import did_you_mean

#: Dutch and English role labels are accepted besides the keys.
ROLE_NAMES = {**{r: r for r in ROLES},
              **{LABELS[lang][r].lower(): r for lang in ("nl", "en") for r in ROLES}}


def read_hours(data: bytes, source: str, key: str, origin: pd.Timestamp | None,
               mapping: Mapping | None = None) -> pd.DataFrame:
    """case (pseudonymised), role, t (weeks on the log's clock), hours."""
    _check_key(key)
    raw, offset = read_table(data, source)
    names = {str(c): (mapping.columns.get(str(c)) if mapping else None)
             or ALIASES.get(str(c).strip().lower()) or str(c).strip().lower()
             for c in raw.columns}
    frame = _objects(raw.rename(columns=names))
    del raw
    problems: list[Problem] = []
    for col in ("case_id", "role", "hours"):
        if col not in frame.columns:
            problems.append(Problem(None, col, "required column is missing"))
    if "week" not in frame.columns and "timestamp" not in frame.columns:
        problems.append(Problem(None, "week", "required column is missing (or 'date')"))
    if problems:
        raise LogError(source, problems)
    case = frame["case_id"].map(lambda v: pseudonym(key, v))
    roles = frame["role"].map(lambda v: ROLE_NAMES.get(str(v).strip().lower()))
    for i in np.flatnonzero(roles.isna().to_numpy())[:20]:
        got = str(frame["role"].iloc[i])
        near = did_you_mean(got.lower(), ROLE_NAMES)
        problems.append(Problem(int(i) + offset, "role", "unknown role "
                                + redact(got, key, [got] if near else [])
                                + near
                                + f" (expected one of: {', '.join(ROLES)})"))
    hours = pd.to_numeric(frame["hours"], errors="coerce")
    for i in np.flatnonzero((hours.isna() | (hours < 0)).to_numpy())[:20]:
        problems.append(Problem(int(i) + offset, "hours",
                                "expected hours of 0 or more, got "
                                f"{redact(frame['hours'].iloc[i], key)}"))
    if "week" in frame.columns and "timestamp" not in frame.columns:
        t = pd.to_numeric(frame["week"], errors="coerce").to_numpy(float)
    else:
        stamps = pd.to_datetime(frame["timestamp"], errors="coerce", format="mixed", utc=True)
        stamps = stamps.dt.tz_convert(None)
        start = origin if origin is not None else stamps.min().normalize()
        t = ((stamps - start) / pd.Timedelta(days=7)).to_numpy(float)
    for i in np.flatnonzero(np.isnan(t))[:20]:
        problems.append(Problem(int(i) + offset, "week", "expected a week number or a date"))
    if problems:
        raise LogError(source, problems)
    return pd.DataFrame({"case": case, "role": roles, "t": t, "hours": hours.to_numpy(float)})


def fit_hours(tl: Timeline, reg: pd.DataFrame,
              multiplier: pd.Series | None = None) -> dict[tuple[str, str], Estimate]:
    """Hours per week per case, by (phase, role), with 95% intervals over cases; a case's
    hours are divided by its complexity's hours ``multiplier`` (index: case), so the
    estimate is for the medium level, as the scenario states it."""
    if multiplier is not None:
        reg = reg.assign(hours=reg["hours"] / multiplier.reindex(reg["case"]).fillna(1.0)
                         .to_numpy())
    st = tl.stays
    st = st.assign(ph=st["state"].where(st["state"] != TASK_TRAINING, "training"))
    st = st[st["ph"].isin(CHILD_PHASES) & st["case"].isin(set(reg["case"]))]
    lo, hi = float(reg["t"].min()), float(reg["t"].max()) + 1.0
    weeks = (np.minimum(st["end"], hi) - np.maximum(st["start"], lo)).clip(lower=0)
    case_weeks = st.assign(w=weeks).groupby(["case", "ph"])["w"].sum()
    mid = reg.assign(m=reg["t"] + 0.5).sort_values("m")
    stays = st.sort_values("start")
    joined = pd.merge_asof(mid, stays[["case", "start", "end", "ph"]], left_on="m",
                           right_on="start", by="case")
    joined = joined[(joined["m"] < joined["end"]) & joined["ph"].notna()]
    hours = joined.groupby(["case", "ph", "role"])["hours"].sum()
    out: dict[tuple[str, str], Estimate] = {}
    for phase in CHILD_PHASES:
        if phase not in case_weeks.index.get_level_values(1):
            continue
        w = case_weeks.xs(phase, level="ph")
        w = w[w > 0]
        if len(w) < 5:
            continue
        for role in ROLES:
            try:
                h = hours.xs((phase, role), level=("ph", "role"))
            except KeyError:
                h = pd.Series(dtype=float)
            h = h.reindex(w.index).fillna(0.0)
            ratio = float(h.sum() / w.sum())
            pseudo = ratio + (h - ratio * w) / w.mean()
            s = summarise(pseudo.to_numpy(), None)
            out[(phase, role)] = Estimate(ratio, max(0.0, s.low), s.high, len(w))
    return out
