"""Result tables as plain columns, written to CSV without pandas.

Importing pandas (and, through it, pyarrow) costs about half a second, more than the rest of a
short ``pnp-sim run`` spends outside its replications. A :class:`Table` holds the same values
as the DataFrame that :class:`sim.running.runner.ExperimentResult` builds from the same records, and
:meth:`Table.to_csv` writes the same bytes as ``DataFrame.to_csv(index=False)`` would.

It does so only for the column types the results have: whole numbers, numbers with gaps
(None), text with gaps and true/false. For any other column (all gaps in one replication,
mixed types, a replication without rows) :func:`table_from_parts` returns None and the caller
falls back to the pandas table, so the bytes never differ (``tests/test_table.py`` checks
both against pandas, with hypothesis).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Column kinds, as the dtype pandas would infer: int64, float64, bool, str (with gaps).
INT, FLOAT, BOOL, STR, NONE = "int", "float", "bool", "str", "none"


def _kind(values: Sequence[Any]) -> str | None:
    """The dtype pandas infers for one replication's column, or None when it is not one of
    the plain kinds (then the caller uses pandas)."""
    ints = floats = strs = bools = gaps = 0
    for v in values:
        t = type(v)
        if t is float:
            floats += 1
        elif t is int:
            ints += 1
        elif t is str:
            strs += 1
        elif v is None:
            gaps += 1
        elif t is bool:
            bools += 1
        elif isinstance(v, float):  # numpy float64
            floats += 1
        else:
            return None  # numpy ints, numpy bools, anything else: leave it to pandas
    n = len(values)
    if gaps == n:
        return NONE
    if ints == n:
        return INT
    if ints + floats + gaps == n:
        return FLOAT
    if strs + gaps == n:
        return STR
    if bools == n:
        return BOOL
    return None


def _combine(kinds: Iterable[str]) -> str | None:
    """The kind of the concatenated column (``pd.concat``), where it is certain."""
    found = set(kinds)
    if len(found) == 1:
        kind = found.pop()
        return None if kind == NONE else kind
    if found == {INT, FLOAT}:
        return FLOAT
    if found == {STR, NONE}:
        return STR
    return None


class Table:
    """Named columns of plain Python values with their kinds."""

    def __init__(self, columns: Sequence[str], data: Sequence[list[Any]],
                 kinds: Sequence[str]):
        self.columns = list(columns)
        self.data = list(data)
        self.kinds = list(kinds)

    def __len__(self) -> int:
        return len(self.data[0]) if self.data else 0

    def stamped(self, stamp: dict[str, Any]) -> Table:
        """The table with the stamp columns in front (as :func:`sim.outputs.output.stamped`)."""
        n = len(self)
        cols = [stamp["scenario_hash"], stamp["seed"], stamp["version"]]
        kinds = [_kind([c]) for c in cols]
        if None in kinds:
            raise ValueError("a stamp holds a value that is not plain text or a number")
        return Table(["scenario_hash", "seed", "version", *self.columns],
                     [[c] * n for c in cols] + self.data,
                     [k or STR for k in kinds] + self.kinds)

    def to_csv(self, path: str | Path | None, sep: str = ",", decimal: str = ".") -> str | None:
        """Write as ``DataFrame.to_csv(path, index=False, sep=sep, decimal=decimal)`` does,
        or return the text when ``path`` is None."""
        out = []
        for values, kind in zip(self.data, self.kinds, strict=True):
            if kind == FLOAT:
                out.append(_floats(values, decimal))
            elif kind == STR:
                out.append(["" if v is None else v for v in values])
            else:
                out.append(values)
        if path is None:
            import io

            buf = io.StringIO()
            _write(buf, sep, self.columns, out)
            return buf.getvalue()
        with open(path, "w", newline="", encoding="utf-8") as fh:
            _write(fh, sep, self.columns, out)
        return None


def _floats(values: list[Any], decimal: str) -> list[Any]:
    """Floats as pandas writes them: the shortest repr, gaps and NaN empty, ``decimal`` for
    the point. The csv module writes a float with repr, the same digits as numpy."""
    isnan = math.isnan
    if decimal == ".":
        return ["" if v is None or isnan(v) else float(v) for v in values]
    return ["" if v is None or isnan(v) else repr(float(v)).replace(".", decimal, 1)
            for v in values]


def _write(fh: Any, sep: str, columns: list[str], data: list[list[Any]]) -> None:
    import os

    w = csv.writer(fh, delimiter=sep, lineterminator=os.linesep, quoting=csv.QUOTE_MINIMAL,
                   quotechar='"', doublequote=True)
    w.writerow(columns)
    w.writerows(zip(*data, strict=True))


def table_from_parts(columns: Sequence[str], parts: Sequence[Sequence[Sequence[Any]]],
                     extra: Mapping[str, Sequence[Any]] | None = None) -> Table | None:
    """The concatenation of ``parts`` (each a list of rows, as the DataFrame of one
    replication is built from), with ``extra`` columns holding one value per part (``rep``),
    or None when pandas would type a column otherwise than this module knows for sure."""
    extra = extra or {}
    if not parts or any(len(rows) == 0 for rows in parts):
        return None
    width = len(columns)
    if any(len(row) != width for rows in parts for row in rows):
        return None
    data: list[list[Any]] = []
    kinds: list[str] = []
    for j in range(width):
        per_part = [[row[j] for row in rows] for rows in parts]
        part_kinds = [_kind(col) for col in per_part]
        if None in part_kinds:
            return None
        kind = _combine(k for k in part_kinds if k is not None)
        if kind is None:
            return None
        data.append([v for col in per_part for v in col])
        kinds.append(kind)
    names = list(columns)
    for name, values in extra.items():
        if not _ints(values, len(parts)):
            return None
        names.append(name)
        data.append([v for v, rows in zip(values, parts, strict=True) for _ in rows])
        kinds.append(INT)
    return Table(names, data, kinds)


def _ints(values: Sequence[Any], n: int) -> bool:
    """Whether an extra column is ``n`` plain Python ints (int64 in pandas)."""
    return len(values) == n and all(type(v) is int for v in values)


def float_table(columns: Sequence[str], parts: Sequence[Any],
                extra: Mapping[str, Sequence[Any]] | None = None) -> Table | None:
    """:func:`table_from_parts` for parts that are 2-D float arrays (the weekly series): every
    column is float64 without looking at each value."""
    extra = extra or {}
    if not parts or any(p is None or len(p) == 0 for p in parts):
        return None
    if any(p.ndim != 2 or p.shape[1] != len(columns) or p.dtype.kind != "f" for p in parts):
        return None
    data = [[v for p in parts for v in p[:, j].tolist()] for j in range(len(columns))]
    kinds = [FLOAT] * len(columns)
    names = list(columns)
    for name, values in extra.items():
        if not _ints(values, len(parts)):
            return None
        names.append(name)
        data.append([v for v, p in zip(values, parts, strict=True) for _ in range(len(p))])
        kinds.append(INT)
    return Table(names, data, kinds)
