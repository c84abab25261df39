"""Errors in an input log: every problem names the file, the row and the column."""

from __future__ import annotations

from dataclasses import dataclass

#: At most this many problems are listed; the rest are counted.
MAX_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    row: int | None  # the file's line (CSV: header is line 1) or record number
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        col = f", column '{self.column}'" if self.column else ""
        return f"{where}{col}: {self.message}"


class LogError(ValueError):
    """An event log, family log or mapping file that cannot be used; ``str()`` is the message
    for the user (the file, then one line per problem)."""

    def __init__(self, source: str, problems: list[Problem], what: str = "this log"):
        self.source = source
        self.problems = problems
        lines = [f"{source}: cannot use {what}"]
        lines += [f"  - {p}" for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            lines.append(f"  ... and {len(problems) - MAX_SHOWN} more problems")
        super().__init__("\n".join(lines))


def fail(source: str, message: str, row: int | None = None, column: str = "",
         what: str = "this log") -> LogError:
    return LogError(source, [Problem(row, column, message)], what)
