"""Times read chunk by chunk, with every judgement that needs the whole column made at the end.

Two things cannot be decided from one chunk: whether a ``timestamp`` column is a number of
weeks (every cell numeric) or dates, and whether dd/mm dates put the day or the month first
(a day above 12 anywhere in the column tells; it may come in the last chunk). So each chunk
is parsed both ways where it matters (8 bytes a row each) and the choice is made once the
whole column has been seen. Problems are kept as the first few rows of each kind, in file
order, with the shape of a bad cell (never its content).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration.errors import LogError, Problem, fail
from calibration.privacy import shape

#: A week-numbered log may span at most this many weeks (100 years): a larger week is a
#: typing or export error (and an astronomic one, such as 1e308, would hang the fits).
MAX_WEEKS = 5200.0
DAY_MONTH = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})"
#: dd/mm/yyyy (or mm/dd/yyyy) with an optional hh:mm[:ss]: built from its parts, fast.
_NUMERIC_DATE = (r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"
                 r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
NAT = np.iinfo(np.int64).min
_WEEK_US = 7 * 86400 * 10**6
SHOWN = 20


def to_us(stamp: object) -> int:
    """A timestamp as microseconds since 1970 (no overflow before the year 294,000)."""
    return int(np.datetime64(pd.Timestamp(stamp).to_datetime64(), "us").astype(np.int64))


def _micros(stamps: pd.Series) -> np.ndarray:
    """UTC-naive microseconds since 1970 (NaT as :data:`NAT`)."""
    naive = stamps.dt.tz_convert(None) if stamps.dt.tz is not None else stamps
    return naive.astype("datetime64[us]").to_numpy().view(np.int64)


def _mixed(text: pd.Series, dayfirst: bool) -> np.ndarray:
    """Non-ISO dates in microseconds: the common numeric forms from their parts, the rest by
    pandas' general parser (slow, so only for what the fast path cannot read)."""
    out = np.full(len(text), NAT, dtype=np.int64)
    parts = text.str.extract(_NUMERIC_DATE)
    fast = parts[0].notna().to_numpy()
    if fast.any():
        p = parts[fast].fillna("0").astype(int)
        day, month = (p[0], p[1]) if dayfirst else (p[1], p[0])
        built = pd.to_datetime(pd.DataFrame({"year": p[2], "month": month, "day": day,
                                             "hour": p[3], "minute": p[4], "second": p[5]}),
                               errors="coerce")
        out[fast] = _micros(built)
    if (~fast).any():
        other = pd.to_datetime(text[~fast], format="mixed", dayfirst=dayfirst,
                               errors="coerce", utc=True)
        out[~fast] = _micros(other)
    return out


class DateColumn:
    """Dates from text, chunk by chunk: the given format, else ISO 8601, else dd/mm or
    mm/dd as the *whole* column shows (see :meth:`dayfirst`)."""

    def __init__(self, source: str, column: str, date_format: str | None) -> None:
        self.source, self.column, self.date_format = source, column, date_format
        self.day_first = self.month_first = False
        self.day_month = False  # any cell in dd/mm form (not ISO)
        #: first rows that no reading could parse, per order (day first, month first)
        self.bad: dict[bool, list[tuple[int, str]]] = {True: [], False: []}

    def add(self, text: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Microseconds read day-first and month-first (the same array where the order
        does not matter); ``rows`` are the cells' file rows."""
        if self.date_format:
            one = _micros(pd.to_datetime(text, format=self.date_format, errors="coerce",
                                         utc=True))
            self._note_bad(one, one, text, rows)
            return one, one
        iso = _micros(pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True))
        rest = (iso == NAT) & text.notna().to_numpy()
        if not rest.any():
            self._note_bad(iso, iso, text, rows)
            return iso, iso
        sub = text[rest].astype(str)
        parts = sub.str.extract(DAY_MONTH).dropna()
        if not parts.empty:
            self.day_month = True
            self.day_first |= bool((parts[0].astype(int) > 12).any())
            self.month_first |= bool((parts[1].astype(int) > 12).any())
        day, month = iso.copy(), iso.copy()
        day[rest] = _mixed(sub, True)
        month[rest] = _mixed(sub, False)
        self._note_bad(day, month, text, rows)
        return day, month

    def _note_bad(self, day: np.ndarray, month: np.ndarray, text: pd.Series,
                  rows: np.ndarray) -> None:
        filled = text.notna().to_numpy()
        for order, stamps in ((True, day), (False, month)):
            shown = self.bad[order]
            if len(shown) < SHOWN:
                for i in np.flatnonzero((stamps == NAT) & filled)[:SHOWN - len(shown)]:
                    shown.append((int(rows[i]), shape(text.iloc[i])))

    def dayfirst(self) -> bool:
        """The column's order: a refusal when it cannot tell (every part at most 12) or
        mixes both orders. Month first when it has no dd/mm dates at all."""
        if self.day_first and self.month_first:
            raise fail(self.source, "the dates mix day-first (31/01/2021) and month-first "
                                    "(01/31/2021) forms; use one form, or ISO dates "
                                    "(2021-01-31)", column=self.column)
        return self.day_first

    def check_ambiguous(self) -> None:
        """Refuse a column of dd/mm dates where no part is above 12."""
        if self.day_month and not (self.day_first or self.month_first):
            raise fail(self.source, "the dates could be day-first (dd/mm/yyyy) or "
                                    "month-first (mm/dd/yyyy): no day above 12 tells them "
                                    "apart. Say which with --date-format %d/%m/%Y (or "
                                    "%m/%d/%Y), or use ISO dates (2021-01-31)",
                       column=self.column)


class TimeColumn:
    """The event time of every row: a ``week`` column, or a ``timestamp`` column that is
    weeks when every cell is numeric and dates otherwise."""

    def __init__(self, source: str, column: str, date_format: str | None) -> None:
        self.source, self.column = source, column
        self.numeric = True  # every cell so far is a number
        self.weeks: list[np.ndarray] = []  # while numeric
        self.filled: list[np.ndarray] = []
        self.day: list[np.ndarray] = []
        self.month: list[np.ndarray] = []
        self.rows0 = -1  # the first row's number
        self.n = 0
        self.dates = DateColumn(source, column, date_format)

    def add(self, text: pd.Series, rows: np.ndarray) -> None:
        if self.rows0 < 0 and len(rows):
            self.rows0 = int(rows[0])
        self.n += len(text)
        self.filled.append(text.notna().to_numpy())
        if self.numeric:
            weeks = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
            if self.column == "week" or not np.isnan(weeks).any():
                self.weeks.append(weeks)
                return
            self.numeric = False
            self._to_dates()
        self._add_dates(text, rows)

    def _to_dates(self) -> None:
        """A numeric start of a column that turned out to hold dates: its numbers as text."""
        done, self.weeks = self.weeks, []
        first = self.rows0
        for weeks in done:
            text = pd.Series([str(int(w)) if float(w).is_integer() else repr(float(w))
                              for w in weeks], dtype=object)
            self._add_dates(text, np.arange(first, first + len(weeks)))
            first += len(weeks)

    def _add_dates(self, text: pd.Series, rows: np.ndarray) -> None:
        day, month = self.dates.add(text, rows)
        self.day.append(day)
        self.month.append(month)

    def finish(self, problems: list[Problem], origin: pd.Timestamp | None,
               rules_window: tuple[pd.Timestamp, pd.Timestamp], week0: float | None = None
               ) -> tuple[np.ndarray, pd.Timestamp | None, float]:
        """Times in weeks since the log's window start, the window's start date (date logs)
        and the week number it corresponds to (week logs); impossible times go to
        ``problems`` with their rows."""
        if self.numeric:
            return self._weeks(problems, week0)
        return self._dates(problems, origin, rules_window)

    def _weeks(self, problems: list[Problem], week0: float | None
               ) -> tuple[np.ndarray, pd.Timestamp | None, float]:
        weeks = np.concatenate(self.weeks) if self.weeks else np.zeros(0)
        self.weeks = []
        bad = ~np.isfinite(weeks) | (weeks < 0) | (weeks > MAX_WEEKS)
        for i in np.flatnonzero(bad)[:SHOWN]:
            what = ("not a number" if np.isnan(weeks[i]) else "not finite"
                    if not np.isfinite(weeks[i]) else "negative" if weeks[i] < 0
                    else f"above {MAX_WEEKS:g} (100 years)")
            problems.append(Problem(int(i) + self.rows0, self.column,
                                    f"expected a number of weeks from 0 to {MAX_WEEKS:g}; "
                                    f"this one is {what}"))
        if bad.sum() > SHOWN:
            problems.append(Problem(None, self.column, f"{int(bad.sum())} impossible week "
                                                       "numbers in all"))
        if bad.any() or len(weeks) == 0:
            return weeks, None, 0.0
        w0 = float(weeks.min()) if week0 is None else week0
        weeks -= w0
        return weeks, None, w0

    def _dates(self, problems: list[Problem], origin: pd.Timestamp | None,
               window: tuple[pd.Timestamp, pd.Timestamp]
               ) -> tuple[np.ndarray, pd.Timestamp | None, float]:
        nan = np.full(self.n, np.nan)
        try:
            dayfirst = self.dates.dayfirst()
            self.dates.check_ambiguous()
        except LogError as exc:
            problems.extend(exc.problems)
            return nan, None, 0.0
        chosen = self.day if dayfirst else self.month
        stamps = np.concatenate(chosen)
        self.day, self.month = [], []
        filled = np.concatenate(self.filled)
        missing = stamps == NAT
        bad = missing & filled
        fmt = self.dates.date_format
        for row, form in self.dates.bad[dayfirst]:
            problems.append(Problem(row, self.column,
                                    "expected a date such as 2021-03-15 (or 2021-03-15T09:30)"
                                    + (f" in the form {fmt}" if fmt else "")
                                    + f", got a value shaped {form!r}"))
        lo, hi = (to_us(t) for t in window)
        outside = ((stamps < lo) | (stamps > hi)) & ~missing
        for i in np.flatnonzero(outside)[:SHOWN]:
            year = pd.Timestamp(int(stamps[i]), unit="us").year
            problems.append(Problem(int(i) + self.rows0, self.column,
                                    f"a date outside the plausible window "
                                    f"{window[0].date()} to {window[1].date()} (year {year}); "
                                    "correct it, or widen the window with --earliest/--latest"))
        if outside.sum() > SHOWN:
            problems.append(Problem(None, self.column, f"{int(outside.sum())} dates outside "
                                                       "the window in all"))
        for i in np.flatnonzero(missing & ~bad)[:SHOWN]:
            problems.append(Problem(int(i) + self.rows0, self.column, "empty date"))
        if missing.all() or outside.any():
            return nan, None, 0.0
        first = (pd.Timestamp(int(stamps[~missing].min()), unit="us") if origin is None
                 else origin)
        start = pd.Timestamp(first).normalize()
        start_us = to_us(start)
        weeks = (stamps - start_us) / _WEEK_US
        weeks[missing] = np.nan
        return weeks, start, 0.0
