"""Foster families: recruitment (phase 1), screening with Pleegzorg, the pool, and leaving.

Interested families arrive as a Poisson process whose rate is the scenario's
``interested_per_year`` times the share of the sensibiliseren hours actually covered. Each
candidate's draws (screening time, pass, profile, later departures) are taken at once from the
arrivals stream in a fixed number, so the same families appear in every scenario of a
comparison, whatever the staffing does with them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import simpy

from sim.model.rng import FAMILY, Stream, Streams
from sim.model.staff import PRIORITY_MATCHING, StaffPool
from sim.model.startstate import left_after
from sim.scenario.schema import Families, Scenario, total_hours

COMPLEXITY_RANK = {"low": 0, "medium": 1, "high": 2}
_DRAWS_PER_FAMILY = 12


class Family:
    """One approved (or screening) foster family and what it can offer."""

    __slots__ = ("id", "intensities", "age_lo", "age_hi", "max_cx", "_u", "_stream", "token")

    def __init__(self, fid: int, draws: list[float]):
        self.id = fid
        self._u = draws
        self._stream: Stream | None = None
        self.intensities: frozenset[str] = frozenset()
        self.age_lo = 0
        self.age_hi = 99
        self.max_cx = 2
        self.token = 0

    def uniform(self, streams: Streams) -> float:
        """Next of this family's own draws."""
        if self._u:
            return self._u.pop()
        if self._stream is None:
            self._stream = streams.get(FAMILY, self.id)
        return self._stream.uniform()

    def accepts(self, child: Any) -> bool:
        return (
            child.intensity in self.intensities
            and self.age_lo <= child.age <= self.age_hi
            and child.cx <= self.max_cx
            and self.id not in child.excluded
        )


def _cumulative(shares: dict[str, float]) -> list[tuple[float, str]]:
    """(running total, key) pairs: the key of the first total above u is the pick."""
    acc = 0.0
    out = []
    for key, share in shares.items():
        acc += share
        out.append((acc, key))
    return out


def _pick_cumulative(table: list[tuple[float, str]], u: float) -> str:
    """The key whose share interval holds ``u`` (the last key if rounding leaves a gap)."""
    for acc, key in table:
        if u < acc:
            return key
    return table[-1][1]


def _whole(bounds: tuple[int, int], u: float) -> int:
    """Whole number in [low, high], equally likely, from one uniform."""
    lo, hi = bounds
    return lo + min(int(u * (hi - lo + 1)), hi - lo)


class FamilyPool:
    """Approved families waiting for a child, and children waiting for a family (both FIFO)."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        streams: Streams,
        staff: StaffPool,
        on_change: Callable[[], None] | None = None,
        detail: bool = True,
    ):
        self.env = env
        self.spec: Families = scenario.families
        self.streams = streams
        self.staff = staff
        self.available: dict[Family, float] = {}  # family -> week it (re)joined the pool
        self.waiting: list[tuple[Any, simpy.Event]] = []
        self.in_screening = 0
        self.approved = 0
        self.approved_after_warmup = 0
        self.warmup = scenario.warmup_weeks
        self._next_id = 0
        self._screen_hours = total_hours(self.spec.screening.hours)
        self.left = 0
        #: (week, intensities, youngest, oldest, max complexity) of every screened candidate
        #: (kept with ``detail`` only: no output reads it, the common-random-numbers tests do)
        self.candidates: list[tuple[float, tuple[str, ...], int, int, int]] = []
        self._keep_candidates = detail
        # cumulative shares of the kinds and of the maximum complexity, for one-draw picks
        spec = self.spec
        self._kinds = _cumulative({k: v.share for k, v in spec.kinds.items()})
        self._kind_offer: dict[str, frozenset[str]] = {
            k: frozenset(v.intensities) for k, v in spec.kinds.items()}
        self._max_cx = _cumulative({k: float(v) for k, v in spec.max_complexity.items()})
        self._sorted_offer: dict[frozenset[str], tuple[str, ...]] = {}
        self._rate = spec.interested_per_year / 52.0
        self._arrivals: Stream | None = None

    # --------------------------------------------------------------- creating families

    def new_family(self, draws: list[float]) -> Family:
        self._next_id += 1
        fam = Family(self._next_id, draws)
        spec = self.spec
        kind = _pick_cumulative(self._kinds, fam.uniform(self.streams))
        fam.intensities = self._kind_offer[kind]
        lo = spec.age_range.youngest
        hi = spec.age_range.oldest
        fam.age_lo = _whole(lo, fam.uniform(self.streams))
        fam.age_hi = max(_whole(hi, fam.uniform(self.streams)), fam.age_lo)
        cx = _pick_cumulative(self._max_cx, fam.uniform(self.streams))
        fam.max_cx = COMPLEXITY_RANK[cx]
        return fam

    def family_for(self, child: Any, draws: list[float]) -> Family:
        """A family made to fit a child (start state, unlimited supply): never pooled."""
        self._next_id += 1
        fam = Family(self._next_id, draws)
        fam.intensities = frozenset({child.intensity})
        fam.age_lo = fam.age_hi = child.age
        fam.max_cx = child.cx
        return fam

    def recruit(self, arrivals: Stream) -> None:
        """Interested families arrive; each is screened, and those who pass join the pool.

        A chain of timeouts with a callback, not a process: the same events in the same order,
        without resuming a generator per candidate.
        """
        if self._rate <= 0:
            return
        self._arrivals = arrivals
        self.env.timeout(arrivals.exponential(self._rate)).callbacks.append(self._arrive)

    def _arrive(self, _event: simpy.Event) -> None:
        arrivals = self._arrivals
        assert arrivals is not None
        accept_u = arrivals.uniform()
        draws = arrivals.take(_DRAWS_PER_FAMILY)
        if accept_u < self.staff.recruitment_intensity:
            self._screen(draws)
        self.env.timeout(arrivals.exponential(self._rate)).callbacks.append(self._arrive)

    def _screen(self, draws: list[float]) -> None:
        fam = self.new_family(draws)
        if self._keep_candidates:
            offer = self._sorted_offer.get(fam.intensities)
            if offer is None:
                offer = self._sorted_offer[fam.intensities] = tuple(sorted(fam.intensities))
            self.candidates.append((self.env.now, offer, fam.age_lo, fam.age_hi, fam.max_cx))
        screening = self.spec.screening
        work = screening.duration.sample(fam.uniform(self.streams))
        passed = fam.uniform(self.streams) < screening.pass_rate
        self.in_screening += 1
        self.staff.serve(self._screen_hours, work, PRIORITY_MATCHING,
                         on_done=partial(self._screened, fam, passed))

    def start_screening(self, elapsed: list[float], stream: Stream) -> None:
        """Families already ``elapsed`` weeks into screening at week 0 (start state).

        Their profile draws and their screening come from ``stream`` (one stream for the start
        state, so other streams are untouched). The total screening time is redrawn until it
        exceeds the weeks already done (``startstate.left_after``).
        """
        screening = self.spec.screening
        for done in elapsed:
            fam = self.new_family(stream.take(_DRAWS_PER_FAMILY))
            left = left_after(lambda: float(screening.duration.sample(stream.uniform())), done)
            passed = stream.uniform() < screening.pass_rate
            self.in_screening += 1
            if left <= 0:  # finishing now
                self.env.timeout(0).callbacks.append(partial(self._screened_now, fam, passed))
                continue
            self.staff.serve(self._screen_hours, left, PRIORITY_MATCHING,
                             on_done=partial(self._screened, fam, passed))

    def _screened_now(self, fam: Family, passed: bool, _event: simpy.Event) -> None:
        self._screened(fam, passed)

    def _screened(self, fam: Family, passed: bool) -> None:
        self.in_screening -= 1
        if passed:
            self.approved += 1
            if self.env.now >= self.warmup:
                self.approved_after_warmup += 1
            self.add(fam)

    # --------------------------------------------------------------- the pool

    def add(self, fam: Family) -> None:
        """A family becomes available: the longest-waiting compatible child gets it."""
        for i, (child, ev) in enumerate(self.waiting):
            if fam.accepts(child):
                del self.waiting[i]
                ev.succeed(fam)
                return
        self.available[fam] = self.env.now
        fam.token += 1
        self._schedule_leaving(fam)

    def _schedule_leaving(self, fam: Family) -> None:
        spec = self.spec
        rate = spec.leave_per_year / 52.0
        u = fam.uniform(self.streams)
        wait = Stream.exponential_from(u, rate)
        if spec.max_idle_weeks is not None:
            wait = min(wait, spec.max_idle_weeks)
        if wait == float("inf"):
            return
        token = fam.token
        self.env.timeout(wait).callbacks.append(partial(self._leave, fam, token))

    def _leave(self, fam: Family, token: int, _event: simpy.Event) -> None:
        if fam.token == token and fam in self.available:
            del self.available[fam]
            self.left += 1

    def request(self, child: Any) -> simpy.Event:
        """Event whose value is the family found for ``child`` (at once if one is free)."""
        ev = self.env.event()
        if self.spec.unlimited:
            ev.succeed(self.family_for(child, []))
            return ev
        for fam in self.available:
            if fam.accepts(child):
                del self.available[fam]
                fam.token += 1
                ev.succeed(fam)
                return ev
        self.waiting.append((child, ev))
        return ev

    def failed_match(self, fam: Family) -> None:
        """After a failed matching step the family may stop; otherwise it goes back."""
        if self.spec.unlimited:
            return
        if fam.uniform(self.streams) < self.spec.leave_after_failed_match:
            self.left += 1
        else:
            self.add(fam)

    def after_breakdown(self, fam: Family) -> None:
        """After a breakdown the family may stop; otherwise it goes back to the pool."""
        if self.spec.unlimited:
            return
        if fam.uniform(self.streams) < self.spec.stop_after_breakdown:
            self.left += 1
        else:
            self.add(fam)

    @property
    def size(self) -> int:
        return len(self.available)
