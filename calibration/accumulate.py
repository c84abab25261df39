"""A log reduced chunk by chunk to a few numbers per event (bounded memory).

Each chunk of text is pseudonymised at once and turned into codes: the case (an integer per
pseudonym), the activity and lifecycle (indices into the vocabulary), a keep flag (not an
ignored activity) and the time (see :mod:`calibration.times`). Case attributes are kept as
the first value per case. What only the whole log can tell (the dd/mm order, duplicates
across chunks, time order within a case, whether a bad value is a common word that may be
shown) is judged in :meth:`Events.finish`. Problems keep their first rows only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from calibration.checks import Coded
from calibration.errors import LogError, Problem
from calibration.privacy import MIN_CASES, redact
from calibration.times import NAT, DateColumn, TimeColumn, to_us
from sim.scenario.inputs import did_you_mean


@dataclass
class _Bad:
    """The first rows of one kind of bad value, and in how many cases each value occurs (up
    to :data:`MIN_CASES`, enough to know whether it may be shown)."""

    limit: int
    rows: list[tuple[int, object, object]] = field(default_factory=list)  # row, value, extra
    cases: dict[str, set[int]] = field(default_factory=dict)

    def add(self, mask: np.ndarray, values: np.ndarray, extra: np.ndarray, codes: np.ndarray,
            rows: np.ndarray) -> None:
        if not mask.any():
            return
        for i in np.flatnonzero(mask)[:max(self.limit - len(self.rows), 0)]:
            self.rows.append((int(rows[i]), values[i], extra[i]))
            self.cases.setdefault(str(values[i]), set())
        for i in np.flatnonzero(mask):
            seen = self.cases.get(str(values[i]))
            if seen is not None and len(seen) < MIN_CASES and codes[i] >= 0:
                seen.add(int(codes[i]))

    def common(self, vocabulary: tuple[str, ...] | list[str] = ()) -> set[str]:
        """The values safe to show: in at least :data:`MIN_CASES` cases, or a near-miss
        of a vocabulary word (a typo, not an identifier)."""
        return {v for v, seen in self.cases.items()
                if len(seen) >= MIN_CASES
                or (vocabulary and difflib.get_close_matches(v, vocabulary, 1, 0.8))}


def _strip(value: object) -> object:
    return str(value).strip() if value is not None else None


class Events:
    """The events of a case or family log, as codes."""

    def __init__(self, source: str, key: str, vocabulary: tuple[str, ...],
                 activity_map: dict[str, str], ignore: set[str], time: TimeColumn,
                 hash_ids: bool = True) -> None:
        self.source, self.key = source, key
        self.vocabulary = vocabulary
        self.index = {a: i for i, a in enumerate(vocabulary)}
        self.activity_map, self.ignore = activity_map, ignore
        self.time, self.hash_ids = time, hash_ids
        self.names: list[str] = []
        self.code_of: dict[str, int] = {}
        self.case: list[np.ndarray] = []
        self.act: list[np.ndarray] = []
        self.complete: list[np.ndarray] = []
        self.keep: list[np.ndarray] = []
        self.n = 0
        self.unknown = _Bad(50)
        self.bad_lifecycle = _Bad(20)
        self.empty_case: list[int] = []

    def codes(self, ids: pd.Series) -> np.ndarray:
        """Case codes (-1 for an empty id); identifiers are hashed here, first of all."""
        from calibration.read import pseudonym

        local, uniques = pd.factorize(ids.to_numpy(dtype=object))
        names = [pseudonym(self.key, u) if self.hash_ids else str(u) for u in uniques]
        lookup = np.empty(len(names) + 1, dtype=np.int32)
        lookup[-1] = -1
        for j, name in enumerate(names):
            code = self.code_of.get(name)
            if code is None:
                code = self.code_of[name] = len(self.names)
                self.names.append(name)
            lookup[j] = code
        return lookup[local]

    def add(self, frame: pd.DataFrame, rows: np.ndarray, lifecycle: bool = True
            ) -> tuple[np.ndarray, np.ndarray]:
        """Reduce one chunk (schema columns, text); returns its case codes and keep flags."""
        self.n += len(frame)
        codes = self.codes(frame["case_id"])
        local, uniques = pd.factorize(frame["activity"].to_numpy(dtype=object))
        raw = np.array([_strip(u) for u in uniques] + [None], dtype=object)
        mapped = np.array([self.activity_map.get(str(a), a) if a is not None else None
                           for a in raw], dtype=object)
        ignored = np.array([a in self.ignore for a in raw])
        known = np.array([self.index.get(str(m), -1) if m is not None else -1 for m in mapped],
                         dtype=np.int16)
        acts, keep = known[local], ~ignored[local]
        self.unknown.add(keep & (acts < 0), raw[local], mapped[local], codes, rows)
        complete = np.zeros(len(frame), dtype=bool)
        if lifecycle and "lifecycle" in frame.columns:
            lc_local, lc_uniques = pd.factorize(frame["lifecycle"].to_numpy(dtype=object))
            lcs = np.array([str(v).strip().lower() if v else "start" for v in lc_uniques]
                           + ["start"], dtype=object)
            values = lcs[lc_local]
            self.bad_lifecycle.add(keep & ~np.isin(values, ["start", "complete"]), values,
                                   values, codes, rows)
            complete = values == "complete"
        if lifecycle and len(self.empty_case) < 20:
            for i in np.flatnonzero(keep & (codes < 0))[:20 - len(self.empty_case)]:
                self.empty_case.append(int(rows[i]))
        self.time.add(frame[self.time.column], rows)
        self.case.append(codes)
        self.act.append(acts)
        self.complete.append(complete)
        self.keep.append(keep)
        return codes, keep

    def problems(self, family: bool, choices: list[str]) -> list[Problem]:
        """Unknown activities, bad lifecycles and empty case ids, as messages."""
        out: list[Problem] = []
        common = self.unknown.common(choices)
        for row, act, mapped in self.unknown.rows:
            shown = str(mapped) in common
            if family:
                out.append(Problem(row, "activity", "unknown family activity "
                                   f"{redact(act, self.key, common)}"
                                   + (did_you_mean(str(mapped), self.vocabulary) if shown
                                      else "")
                                   + f" (expected one of: {', '.join(self.vocabulary)})"))
            else:
                out.append(Problem(row, "activity",
                                   f"unknown activity {redact(act, self.key, common)}"
                                   + (did_you_mean(str(mapped), choices, cutoff=0.5)
                                      if shown else "")
                                   + " (map it in the mapping file, or list it under "
                                     "'ignore')"))
        common = self.bad_lifecycle.common()
        for row, value, _ in self.bad_lifecycle.rows:
            out.append(Problem(row, "lifecycle", "expected 'start' or 'complete', got "
                                                 f"{redact(value, self.key, common)}"))
        out += [Problem(row, "case_id", "empty case id") for row in self.empty_case]
        return out

    def coded(self, t: np.ndarray, first_row: int) -> Coded:
        """The kept events as codes, in file order (the chunks' arrays are released)."""
        def joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        keep = joined(self.keep, bool)
        rows = np.flatnonzero(keep)
        coded = Coded(joined(self.case, np.int32)[keep], joined(self.act, np.int16)[keep],
                      t[keep], joined(self.complete, bool)[keep], rows + first_row)
        self.keep, self.case, self.act, self.complete = [], [], [], []
        return coded


class Attributes:
    """Case attributes, checked on every kept row and kept as the first value per case."""

    def __init__(self, source: str, key: str, values: dict[str, tuple[str, ...]],
                 mapping: dict[str, dict[str, str]], birth_window: tuple[pd.Timestamp,
                                                                         pd.Timestamp]):
        self.source, self.key = source, key
        self.allowed, self.mapping = values, mapping
        self.first: dict[str, dict[int, object]] = {a: {} for a in (*values, "age")}
        self.bad = {a: _Bad(5) for a in values}
        self.bad_age: list[tuple[int, object]] = []
        self.births = DateColumn(source, "birth_date", None)
        self.birth: dict[int, tuple[int, int]] = {}
        lo, hi = (to_us(t) for t in birth_window)
        self.birth_window = lo, hi
        self.odd_birth: dict[bool, list[int]] = {True: [], False: []}

    def add(self, frame: pd.DataFrame, rows: np.ndarray, codes: np.ndarray,
            keep: np.ndarray) -> None:
        for attr, allowed in self.allowed.items():
            if attr not in frame.columns:
                continue
            own = self.mapping.get(attr, {})
            local, uniques = pd.factorize(frame[attr].to_numpy(dtype=object))
            vals = np.array([own.get(v, v) for v in uniques] + [None], dtype=object)[local]
            filled = keep & (local >= 0)
            self.bad[attr].add(filled & ~np.isin(vals, list(allowed)), vals, vals, codes, rows)
            self._first(attr, filled, vals, codes)
        if "age" in frame.columns:
            text = frame["age"].to_numpy(dtype=object)
            age = pd.to_numeric(frame["age"], errors="coerce").to_numpy(dtype=float)
            filled = keep & (frame["age"].notna().to_numpy())
            for i in np.flatnonzero(filled & np.isnan(age))[:max(5 - len(self.bad_age), 0)]:
                self.bad_age.append((int(rows[i]), text[i]))
            self._first("age", filled, age, codes)
        if "birth_date" in frame.columns:
            filled = keep & frame["birth_date"].notna().to_numpy()
            if filled.any():
                day, month = self.births.add(frame["birth_date"][filled], rows[filled])
                lo, hi = self.birth_window
                for order, stamps in ((True, day), (False, month)):
                    odd = (stamps != NAT) & ((stamps < lo) | (stamps > hi))
                    shown = self.odd_birth[order]
                    shown += [int(r) for r in rows[filled][odd][:max(5 - len(shown), 0)]]
                sub = codes[filled]
                _, first = np.unique(sub, return_index=True)
                for i in first:
                    self.birth.setdefault(int(sub[i]), (int(day[i]), int(month[i])))

    def _first(self, attr: str, filled: np.ndarray, vals: np.ndarray, codes: np.ndarray) -> None:
        sub, subv = codes[filled], vals[filled]
        _, first = np.unique(sub, return_index=True)
        store = self.first[attr]
        for i in first:
            store.setdefault(int(sub[i]), subv[i])

    def finish(self, names: list[str], start: pd.Timestamp | None) -> pd.DataFrame:
        """One row per case code: age, source, intensity, complexity and birth week; a
        :class:`LogError` for bad values."""
        problems: list[Problem] = []
        for attr, allowed in self.allowed.items():
            common = self.bad[attr].common(allowed)
            for row, value, _ in self.bad[attr].rows:
                shown = str(value) in common
                problems.append(Problem(row, attr, f"unknown value "
                                        f"{redact(value, self.key, common)}"
                                        + (did_you_mean(str(value), allowed) if shown else "")
                                        + f" (expected one of: {', '.join(allowed)})"))
        for row, value in self.bad_age:
            problems.append(Problem(row, "age",
                                    f"expected whole years, got {redact(value, self.key)}"))
        birth = np.full(len(names), np.nan)
        if self.birth:
            try:
                dayfirst = self.births.dayfirst()
                self.births.check_ambiguous()
            except LogError as exc:
                raise LogError(self.source, exc.problems) from None
            for row, _ in self.births.bad[dayfirst][:5]:
                problems.append(Problem(row, "birth_date", "expected a date such as 2012-05-31"))
            lo = pd.Timestamp(self.birth_window[0], unit="us").date()
            for row in self.odd_birth[dayfirst]:
                problems.append(Problem(row, "birth_date",
                                        f"a birth date outside {lo} to next year"))
            if start is not None:
                start_us = to_us(start)
                for code, pair in self.birth.items():
                    stamp = pair[0] if dayfirst else pair[1]
                    if stamp != NAT:
                        birth[code] = (stamp - start_us) / (7 * 86400 * 10**6)
        if problems:
            raise LogError(self.source, problems)
        n = len(names)

        def column(attr: str, dtype: object) -> np.ndarray:
            out = np.full(n, np.nan, dtype=dtype)  # type: ignore[call-overload]
            for code, value in self.first.get(attr, {}).items():
                out[code] = value
            return out

        return pd.DataFrame({"age": column("age", float),
                             **{a: column(a, object) for a in self.allowed},
                             "birth": birth}, index=pd.Index(names, name="case"))
