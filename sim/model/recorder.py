"""What happened: child states over time, the event log and per-state sojourns.

Every referred child is in exactly one state until it leaves the programme. The recorder keeps
the count and the time integral of each state (for L in Little's law and the weekly series) and,
independently, the length of every stay (for W), so the Little's-law check compares two separate
bookkeepings rather than one with itself.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.domain import CHILD_PHASES

WAITING_STAFF = "waiting_staff"
WAITING_FAMILY = "waiting_family"
CRISIS_ADMISSION = "crisis_admission"
STATES: tuple[str, ...] = (*CHILD_PHASES, WAITING_STAFF, WAITING_FAMILY, CRISIS_ADMISSION)
EXITED = "exited"


class Recorder:
    """Counts and integrals per state, sojourns, and the event log of one replication."""

    def __init__(self, env: Any, warmup: float, detail: bool):
        self.env = env
        self.warmup = warmup
        self.detail = detail
        self.count = dict.fromkeys(STATES, 0)
        self.area = dict.fromkeys(STATES, 0.0)
        self._last = dict.fromkeys(STATES, 0.0)
        self.entries = dict.fromkeys(STATES, 0)  # entries at or after the warm-up
        self.sojourn_sum = dict.fromkeys(STATES, 0.0)  # lengths of stays entered after warm-up
        self.events: list[tuple[int, float, str, str, str]] = []
        self.referred = 0
        self.exited = 0
        # residential weeks: children living in a residential group while in P&P
        self.resid_count = 0
        self.resid_area = 0.0
        self._resid_last = 0.0
        # family days: children living with their P&P family, weighted by their share of days
        self.family_weight = 0.0
        self.family_area = 0.0
        self.window_start: dict[str, Any] = {}

    # --------------------------------------------------------------- state changes

    def _touch(self, state: str, now: float) -> None:
        self.area[state] += self.count[state] * (now - self._last[state])
        self._last[state] = now

    def _touch_resid(self, now: float) -> None:
        dt = now - self._resid_last
        self.resid_area += self.resid_count * dt
        self.family_area += self.family_weight * dt
        self._resid_last = now

    def move(self, child: Any, new: str, detail: str = "") -> None:
        """Child leaves its state for ``new`` (a state, or ``EXITED``)."""
        now = self.env.now
        old = child.state
        if old == new:
            return
        count, area, last = self.count, self.area, self._last
        if old is not None:
            area[old] += count[old] * (now - last[old])  # the integral up to now (inlined _touch)
            last[old] = now
            count[old] -= 1
            if child.state_since >= self.warmup:
                self.sojourn_sum[old] += now - child.state_since
            if old == WAITING_FAMILY and child.first_placement is None:
                child.family_wait += now - child.state_since
        if new == EXITED:
            self.exited += 1
            child.state = None
            resid = in_family = False
        else:
            area[new] += count[new] * (now - last[new])
            last[new] = now
            count[new] += 1
            if now >= self.warmup:
                self.entries[new] += 1
            child.state = new
            resid = new == CRISIS_ADMISSION or (child.residential and not child.placed)
            in_family = child.placed and new != CRISIS_ADMISSION
        child.state_since = now
        if resid != child.in_residential or in_family != child.in_family:
            self._touch_resid(now)
            if resid != child.in_residential:
                self.resid_count += 1 if resid else -1
                child.in_residential = resid
            if in_family != child.in_family:
                self.family_weight += child.day_share if in_family else -child.day_share
                child.in_family = in_family
        if self.detail:
            self.events.append((child.id, now, "exit" if new == EXITED else "enter", new, detail))

    def log(self, child_id: int, event: str, phase: str = "", detail: str = "") -> None:
        if self.detail:
            self.events.append((child_id, self.env.now, event, phase, detail))

    def referral(self, child: Any) -> None:
        self.referred += 1
        self.log(child.id, "referral", "", child.source)

    # --------------------------------------------------------------- windows

    def settle(self) -> None:
        """Bring every integral up to now."""
        now = self.env.now
        for s in STATES:
            self._touch(s, now)
        self._touch_resid(now)

    def mark_window_start(self) -> None:
        """Remember the integrals at the end of the warm-up."""
        self.settle()
        self.window_start = {"area": dict(self.area), "resid_area": self.resid_area,
                             "family_area": self.family_area}

    def open_stays(self, children: list[Any]) -> None:
        """Add stays still running at the horizon (censored there) to the sojourn totals."""
        now = self.env.now
        for child in children:
            if child.state is not None and child.state_since >= self.warmup:
                self.sojourn_sum[child.state] += now - child.state_since
