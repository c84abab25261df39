"""How far a search is, for a progress bar that only ever grows, with the time left and what is
being decided now ("checking 12/23/12 h: 40 of 60 replications").

A search's length is not known in advance (how many candidates stay undecided, whether the
confirmation passes), so the fraction is an estimate in three stretches: the floor (up to
:data:`FLOOR_SHARE`), the walk (candidates decided against an estimate from the grid's binary
searches, up to :data:`CONFIRM_AT`), and the confirmation (up to 1, reached only when the
search ends). When the walk needs more candidates than estimated, the fraction creeps toward
the next stretch instead of jumping back: it never decreases. The time left is the elapsed
time scaled by the fraction still to go.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sim.outputs.kpi_defs import format_number
from sim.staffing.messages import msg

FLOOR_SHARE = 0.15
CONFIRM_AT = 0.85


@dataclass
class SearchProgress:
    """One progress report: what the bar and the status line show."""

    fraction: float
    #: Estimated seconds left (None until there is enough to estimate from).
    eta_s: float | None
    decided: int
    ran: int
    cached: int
    #: Catalogue key and fields of what is being decided now.
    doing: str = ""
    doing_fmt: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        parts = []
        if self.doing:
            fmt = dict(self.doing_fmt)
            if self.doing == "progress_floor":
                fmt["setting"] = msg(f"set_{fmt['setting']}", lang)
            parts.append(msg(self.doing, lang, **fmt))
        parts.append(msg("progress_counts", lang, decided=self.decided, ran=self.ran,
                         cached=self.cached))
        if self.eta_s is not None:
            parts.append(msg("progress_eta", lang,
                             seconds=format_number(self.eta_s, lang, 0)))
        return "; ".join(parts)


Report = Callable[[SearchProgress], None]


class Tracker:
    """Turns the search's events into monotone :class:`SearchProgress` reports."""

    def __init__(self, report: Report | None, grids: list[list[float]], floor: bool):
        self.report = report
        self.start = time.monotonic()
        self.fraction = 0.0
        self.stage = "floor" if floor else "walk"
        # each axis: a binary search for its least value, then the reduced box's walk
        self.expected = max(4, 1 + 2 * sum(max(1, math.ceil(math.log2(len(g) + 1)))
                                           for g in grids))
        self.decided = 0
        self.ran = self.cached = 0
        self.doing = ""
        self.doing_fmt: dict[str, Any] = {}
        self._floor_step = 0

    def _base(self) -> tuple[float, float]:
        if self.stage == "floor":
            return 0.0, FLOOR_SHARE
        if self.stage == "walk":
            return FLOOR_SHARE, CONFIRM_AT
        return CONFIRM_AT, 1.0

    def set_stage(self, stage: str) -> None:
        self.stage = stage
        self.fraction = max(self.fraction, self._base()[0])
        self._emit()

    def floor_step(self, setting: str) -> None:
        self._floor_step += 1
        lo, hi = self._base()
        self.fraction = max(self.fraction, lo + (hi - lo) * (self._floor_step - 1) / 3)
        self.doing, self.doing_fmt = "progress_floor", {"setting": setting}
        self._emit()

    def doing_now(self, key: str, **fmt: Any) -> None:
        self.doing, self.doing_fmt = key, fmt
        self._emit()

    def rep(self, done: int, total: int) -> None:
        """One replication finished (``done`` of ``total`` in the current batch)."""
        if self.doing in ("progress_check", "progress_confirm"):
            self.doing_fmt = {**self.doing_fmt, "done": done, "total": total}
        lo, hi = self._base()
        if self.stage == "floor":
            step = (hi - lo) / 3
            target = lo + step * (self._floor_step - 1 + done / max(1, total))
        elif self.stage == "walk":
            target = lo + (hi - lo) * min(0.98, (self.decided + done / max(1, total) / 2)
                                          / self.expected)
        else:
            target = lo + (hi - lo) * 0.9 * done / max(1, total)
        self._advance(target, hi)

    def candidate(self, decided: int, ran: int, cached: int) -> None:
        self.decided, self.ran, self.cached = decided, ran, cached
        lo, hi = self._base()
        if self.stage == "walk":
            self._advance(lo + (hi - lo) * min(0.98, decided / self.expected), hi)
        else:
            self._emit()

    def spent(self, ran: int, cached: int) -> None:
        self.ran, self.cached = ran, cached

    def _advance(self, target: float, hi: float) -> None:
        if target <= self.fraction:
            # past the estimate: creep toward the stretch's end, never back
            target = self.fraction + (hi - self.fraction) * 0.02
        self.fraction = min(max(self.fraction, target), 0.999)
        self._emit()

    def finish(self) -> None:
        self.fraction = 1.0
        self.doing, self.doing_fmt = "", {}
        self._emit()

    def _emit(self) -> None:
        if self.report is None:
            return
        elapsed = time.monotonic() - self.start
        eta = None
        if 0.05 <= self.fraction < 1.0 and elapsed > 1.0:
            eta = elapsed * (1.0 - self.fraction) / self.fraction
        elif self.fraction >= 1.0:
            eta = 0.0
        self.report(SearchProgress(self.fraction, eta, self.decided, self.ran, self.cached,
                                   self.doing, dict(self.doing_fmt)))
