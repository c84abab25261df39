"""Whole-log checks on the coded events (integer case and activity codes, times, rows):
duplicates and time order. On codes, a few million events need tens of MB, where the same
checks on a table of strings needed hundreds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.errors import Problem


@dataclass
class Coded:
    """The kept events in file order: case code, activity code, time, lifecycle complete,
    the file's row."""

    case: np.ndarray
    act: np.ndarray
    t: np.ndarray
    complete: np.ndarray
    row: np.ndarray

    def take(self, mask: np.ndarray) -> Coded:
        return Coded(self.case[mask], self.act[mask], self.t[mask], self.complete[mask],
                     self.row[mask])

    def frame(self, names: list[str], vocabulary: tuple[str, ...]) -> pd.DataFrame:
        """case (pseudonym), activity, t, lifecycle, row. Object columns of shared strings
        (8 bytes a row): pandas' own string type would copy every cell, and hand out a new
        Python string per cell to ``.to_numpy()``."""
        case = np.array(names, dtype=object)[self.case]
        acts = np.array(vocabulary, dtype=object)[self.act]
        lifecycle = np.array(["start", "complete"], dtype=object)[self.complete.view(np.int8)]
        return pd.DataFrame({"case": pd.Series(case, dtype=object),
                             "activity": pd.Series(acts, dtype=object),
                             "t": self.t, "lifecycle": pd.Series(lifecycle, dtype=object),
                             "row": self.row})


def _by_case(ev: Coded) -> tuple[np.ndarray, np.ndarray]:
    """File order grouped by case (stable), and whether each sits right after an event of
    the same case in that order."""
    order = np.argsort(ev.case, kind="stable")
    same = np.zeros(len(order), dtype=bool)
    same[1:] = ev.case[order[1:]] == ev.case[order[:-1]]
    return order, same


def duplicates(ev: Coded, states: np.ndarray, drop: bool, problems: list[Problem],
               notes: list[str]) -> Coded:
    """Events repeated exactly (same case, activity, time and lifecycle): refused with their
    count and the first rows, or dropped with a count when ``drop``. A repeated referral
    would double the referral rate; a repeated breakdown its hazard. A state entered twice
    at one moment with other events between (a breakdown, a wait for a family and a family
    found in the same minute) is a real path: only an immediate repeat counts for a state
    (``states``: whether each activity code is one); a point event never repeats."""
    n = len(ev.case)
    if n == 0:
        return ev
    order = np.lexsort((ev.row, ev.complete, ev.t, ev.act, ev.case))
    same_key = np.zeros(n, dtype=bool)
    same_key[1:] = ((ev.case[order[1:]] == ev.case[order[:-1]])
                    & (ev.act[order[1:]] == ev.act[order[:-1]])
                    & (ev.t[order[1:]] == ev.t[order[:-1]])
                    & (ev.complete[order[1:]] == ev.complete[order[:-1]]))
    dup = np.zeros(n, dtype=bool)
    dup[order] = same_key
    if not dup.any():
        return ev
    by_case, same_case = _by_case(ev)
    prev = np.zeros(n, dtype=bool)  # the same as the case's previous event
    o = by_case
    prev[o[1:]] = (same_case[1:] & (ev.act[o[1:]] == ev.act[o[:-1]])
                   & (ev.t[o[1:]] == ev.t[o[:-1]])
                   & (ev.complete[o[1:]] == ev.complete[o[:-1]]))
    dup &= ~states[ev.act] | prev
    count = int(dup.sum())
    if count == 0:
        return ev
    if drop:
        notes.append(f"{count} duplicate events (same case, activity, time and lifecycle as "
                     "an earlier row) were dropped")
        return ev.take(~dup)
    group_start = np.maximum.accumulate(np.where(~same_key, np.arange(n), 0))
    first_row = np.empty(n, dtype=ev.row.dtype)
    first_row[order] = ev.row[order[group_start]]
    for i in np.flatnonzero(dup)[:5]:
        problems.append(Problem(int(ev.row[i]), "", f"duplicate of row {int(first_row[i])} "
                                "(same case, activity, time and lifecycle)"))
    problems.append(Problem(None, "", f"{count} duplicate events in all; remove them, or give "
                                      "--drop-duplicates to drop them (they are counted in "
                                      "the report)"))
    return ev


def check_order(ev: Coded, names: list[str], vocabulary: tuple[str, ...], referral: int,
                problems: list[Problem]) -> None:
    """Within a case, times never go back in file order, and nothing precedes the referral."""
    n = len(ev.case)
    if n == 0:
        return
    order, same = _by_case(ev)
    back = np.zeros(n, dtype=bool)
    prev_row = np.zeros(n, dtype=ev.row.dtype)
    back[order[1:]] = same[1:] & (ev.t[order[1:]] < ev.t[order[:-1]])
    prev_row[order[1:]] = ev.row[order[:-1]]
    for i in np.flatnonzero(back)[:20]:
        problems.append(Problem(int(ev.row[i]), "timestamp",
                                f"time goes back within case {names[ev.case[i]]} (before "
                                f"the previous event of this case, row {int(prev_row[i])})"))
    refs = ev.act == referral
    if not refs.any():
        return
    n_cases = int(ev.case.max()) + 1
    t_ref = np.full(n_cases, np.inf)
    np.minimum.at(t_ref, ev.case[refs], ev.t[refs])
    t_ref[np.isinf(t_ref)] = -np.inf  # a case without a referral: nothing is early
    ref_row = np.full(n_cases, np.iinfo(np.int64).max)
    np.minimum.at(ref_row, ev.case[refs], ev.row[refs])
    early = (ev.t < t_ref[ev.case]) & ~refs
    seen: set[int] = set()
    for i in np.flatnonzero(early):
        case = int(ev.case[i])
        if len(seen) >= 20:
            break
        if case in seen:
            continue
        seen.add(case)
        problems.append(Problem(int(ev.row[i]), "timestamp",
                                f"case {names[case]}: {vocabulary[ev.act[i]]} before its "
                                f"referral (row {int(ref_row[case])})"))
