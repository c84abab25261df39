"""Each child's states over time, rebuilt from its events.

A phase, wait or crisis-admission activity with lifecycle ``start`` (the default) means the
child enters that state; the state lasts until the next state starts, the child exits, or
the log ends (then it is right-censored). A ``complete`` ends the state: the time until the
next start is spent waiting for staff. The time from a referral to the first state is also a
wait for staff. Training that follows a ``new_task`` event during guidance is a training
episode (``task_training``), not the training phase.

From the stays come the *visits* of each phase: the phase's own stays until the child moves
on, with waits for staff, crisis admissions and training episodes in between left out. A
visit's work is what the model calls the phase's duration; a visit cut short by a breakdown,
an exit other than completion, or the end of the log is censored at the work done so far.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.read import EXITS, CaseLog
from sim.scenario.domain import CHILD_PHASES, MATCHING_PHASES, PLACED_PHASES

TASK_TRAINING = "task_training"
WAITS = ("waiting_staff", "crisis_admission")


@dataclass
class Timeline:
    stays: pd.DataFrame  # case, state, start, end, censored, next, placed, phase
    visits: pd.DataFrame  # case, phase, start, work, outcome ('done'|'failed'|'censored')
    points: pd.DataFrame  # case, activity, t, state, phase, placed
    referrals: pd.DataFrame  # case, t
    exits: pd.DataFrame  # case, outcome, t
    end: float


def build(log: CaseLog, end: float | None = None) -> Timeline:
    """Stays, visits and point events of every case, censored at ``end`` (default: log end)."""
    end = log.end if end is None else end
    ev = log.events[log.events["t"] <= end]
    ev = ev.sort_values(["case", "t", "row"], kind="stable")
    stays: list[tuple] = []
    points: list[tuple] = []
    refs: list[tuple] = []
    exits: list[tuple] = []
    visits: list[tuple] = []
    cases = ev["case"].to_numpy()
    acts = ev["activity"].to_numpy()
    ts = ev["t"].to_numpy(dtype=float)
    lcs = ev["lifecycle"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, cases[1:] != cases[:-1], True])
    for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
        _one_case(cases[b0], acts[b0:b1], ts[b0:b1], lcs[b0:b1], end, stays, points, refs,
                  exits, visits)
    stays_df = pd.DataFrame(stays, columns=["case", "state", "start", "end", "censored", "next",
                                            "placed", "phase"])
    visits_df = pd.DataFrame(visits, columns=["case", "phase", "start", "work", "outcome",
                                              "truncated"])
    points_df = pd.DataFrame(points, columns=["case", "activity", "t", "state", "phase",
                                              "placed"])
    # typed even when empty: an empty object column used as a mask selects columns instead
    stays_df = stays_df.astype({"censored": bool, "placed": bool, "start": float, "end": float})
    visits_df = visits_df.astype({"truncated": bool, "start": float, "work": float})
    points_df = points_df.astype({"placed": bool, "t": float})
    return Timeline(
        stays=stays_df,
        visits=visits_df,
        points=points_df,
        referrals=pd.DataFrame(refs, columns=["case", "t"]),
        exits=pd.DataFrame(exits, columns=["case", "outcome", "t"]),
        end=end,
    )


def _one_case(case, acts, ts, lcs, end, stays, points, refs, exits, visits) -> None:
    cur: str | None = None
    cur_start = 0.0
    gap: float | None = None
    placed = False
    cur_placed = False
    task = False
    mine: list[list] = []  # this case's stays: state, start, end, censored, next, placed
    pts: list[list] = []
    referred = False
    exited: str | None = None

    def close(t: float, nxt: str, censored: bool = False) -> None:
        mine.append([cur, cur_start, t, censored, nxt, cur_placed])

    for a, t, lc in zip(acts, ts, lcs, strict=True):
        if a == "referral":
            referred = True
            refs.append((case, t))
            if cur is None:
                gap = t
            continue
        if a in EXITS:
            if cur is not None:
                close(t, a)
            elif gap is not None and t > gap:
                mine.append(["waiting_staff", gap, t, False, a, placed])
            cur, gap, exited = None, None, a
            exits.append((case, a, t))
            continue
        if a in CHILD_PHASES or a in ("waiting_staff", "waiting_family", "crisis_admission"):
            state = TASK_TRAINING if (a == "training" and task) else a
            if lc == "complete":
                if cur is not None and (cur == a or (cur == TASK_TRAINING and a == "training")):
                    close(t, "complete")
                    cur, gap = None, t
                continue
            if state == TASK_TRAINING:
                task = False
            if state in PLACED_PHASES:
                placed = True
            if cur is not None:
                close(t, state)
            elif gap is not None and t > gap and state != "waiting_staff":
                mine.append(["waiting_staff", gap, t, False, state, placed])
            cur, cur_start, cur_placed, gap = state, t, placed, None
            continue
        # point events
        if a == "placement":
            placed = True
            cur_placed = cur_placed or cur == "waiting_staff"
        pts.append([a, t, cur, placed, len(mine)])
        if a == "new_task":
            task = True
        if a == "breakdown":
            placed = False
    if exited is None:
        if cur is not None:
            close(end, "end", True)
        elif gap is not None and end > gap:
            mine.append(["waiting_staff", gap, end, True, "end", placed])
    # the phase each stay counts towards: waits for staff count towards the phase they wait for
    phase_of: list[str] = [""] * len(mine)
    following = ""
    for i in range(len(mine) - 1, -1, -1):
        st = mine[i][0]
        if st in CHILD_PHASES:
            following = st
        elif st == TASK_TRAINING:
            following = "training"
        elif st == "waiting_family":
            following = ""
        phase_of[i] = following if st in (*WAITS, TASK_TRAINING) or st in CHILD_PHASES else ""
        if st in CHILD_PHASES:
            phase_of[i] = st
    previous = ""
    for i, s in enumerate(mine):  # a wait with no phase after it counts towards the one before
        if s[0] in CHILD_PHASES:
            previous = s[0]
        elif s[0] == TASK_TRAINING:
            previous = "guidance"
        elif s[0] in WAITS and not phase_of[i]:
            phase_of[i] = previous
        stays.append((case, *s, phase_of[i]))
    for a, t, state, pl, idx in pts:
        phase = phase_of[idx] if idx < len(phase_of) else ""
        points.append((case, a, t, state, phase, pl))
    _visits(case, mine, pts, exited, referred, visits)


def _visits(case, mine, pts, exited, referred, visits) -> None:
    """Group a case's stays into phase visits and say how each ended."""
    i = 0
    first = True
    fails = sorted(p[1] for p in pts if p[0] == "match_failed")
    breaks = sorted(p[1] for p in pts if p[0] == "breakdown")
    while i < len(mine):
        state = mine[i][0]
        if state not in CHILD_PHASES:
            i += 1
            continue
        work = 0.0
        start = mine[i][1]
        j = i
        last_end = mine[i][2]
        censored = False
        while j < len(mine):
            st, s0, s1, cens, nxt, _ = mine[j]
            if st == state:
                work += s1 - s0
                last_end = s1
                censored = cens
            elif st in WAITS or (state == "guidance" and st == TASK_TRAINING):
                if cens:
                    censored = True
            else:
                break
            j += 1
        ended_by = mine[j - 1][4]
        if any(start <= b <= last_end for b in breaks) or (
                ended_by in EXITS and ended_by != "completed") or censored:
            outcome = "censored"
        elif state in MATCHING_PHASES and any(last_end - 1e-9 <= f <= last_end + 1e-9
                                              for f in fails):
            outcome = "failed"
        else:
            outcome = "done"
        visits.append((case, state, start, work, outcome, first and not referred))
        first = False
        i = j
