"""The staff pool's common part: jobs, hours per role, caseloads, time integrals and the queue.

A *job* is one stretch of work on one case (a child's phase, a family's screening, crisis
work): it needs a number of hours per week from one or more roles for a given amount of
*work*, measured in weeks of fully staffed progress. :class:`StaffPool` keeps what both
service policies share; ``sim.model.staff_waitlist`` and ``sim.model.staff_share`` decide
when a job runs and how fast (as SimPy's resources and Ciw's service disciplines are
subclasses of one base).

In both policies hours in use never exceed hours available. Standing recruitment work
(phase 1) is reserved off the top of each role, before any case.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any, cast

import simpy

from sim.scenario.domain import ROLES

EPS = 1e-9

PRIORITY_CRISIS = 0
PRIORITY_PLACED = 1
PRIORITY_MATCHING = 2
PRIORITY_ASSESSMENT = 3

QUEUED, RUNNING, SUSPENDED, DONE, CANCELLED = range(5)

_NO_LANE: frozenset[str] = frozenset()

#: Called with (job, running) when a job starts or stops running.
Listener = Callable[["Job", bool], None]


class Job:
    """One stretch of work on one case; ``done`` fires when its work is complete."""

    __slots__ = (
        "needs",
        "priority",
        "seq",
        "remaining",
        "state",
        "done",
        "rate",
        "token",
        "run_start",
        "listener",
        "_changed",
        "underserved",
        "order",
        "lane",
        "owner",
        "phase",
        "group",
        "target",
        "on_done",
    )

    def __init__(
        self,
        needs: dict[str, float],
        work: float,
        priority: int,
        seq: int,
        done: simpy.Event | None,
        listener: Listener | None,
        owner: Any = None,
        phase: str = "",
        on_done: Callable[[], None] | None = None,
    ):
        self.needs = needs
        self.priority = priority
        self.seq = seq
        self.remaining = work
        self.state = QUEUED
        #: Fires when the work is done (``None`` for a job with ``on_done`` instead).
        self.done = cast(simpy.Event, done)
        #: Share of full speed: 1 while running under ``waitlist``; under ``share`` the rate of
        #: its group when its hours were last flagged (``job.group.rate`` is the current one).
        self.rate = 0.0
        self.token = 0
        self.run_start = 0.0
        self.listener = listener
        self._changed: simpy.Event | None = None
        #: True while the job lacks some of its hours (queued, or slowed under ``share``).
        self.underserved = True
        #: Queue position: priority class first, then arrival.
        self.order = (priority, seq)
        #: The roles it needs: the queue lane it waits in (set when it first queues).
        self.lane: frozenset[str] = _NO_LANE
        #: Whose work it is (a child) and which phase, for the listener.
        self.owner = owner
        self.phase = phase
        #: ``share`` only: the rate group it runs in, and the group's progress at which it ends.
        self.group: Any = None
        self.target = 0.0
        #: Called when the work is done, in place of a ``done`` event (for jobs no process
        #: waits on); it runs after the freed hours have gone to the queue, where the event's
        #: callbacks would have run.
        self.on_done = on_done


class StaffPool:
    """Hours per week of the three roles, shared by all jobs; a policy subclass runs them."""

    policy = ""

    def __init__(
        self,
        env: simpy.Environment,
        caseload_caps: dict[str, int | None] | None = None,
    ):
        self.env = env
        self.caps = {r: c for r, c in (caseload_caps or {}).items() if c is not None}
        self.capacity = dict.fromkeys(ROLES, 0.0)
        self.reserve_need = dict.fromkeys(ROLES, 0.0)
        self.reserved = dict.fromkeys(ROLES, 0.0)
        self.used_jobs = dict.fromkeys(ROLES, 0.0)
        self.demand = dict.fromkeys(ROLES, 0.0)
        self.cases = dict.fromkeys(ROLES, 0)
        # time integrals, for weekly averages and KPIs
        self.int_available = dict.fromkeys(ROLES, 0.0)
        self.int_used = dict.fromkeys(ROLES, 0.0)
        self.int_needed = dict.fromkeys(ROLES, 0.0)
        self.int_cases = dict.fromkeys(ROLES, 0.0)
        self._last = 0.0
        self._seq = 0
        self._lanes: dict[frozenset[str], list[Job]] = {}  # queued jobs by the roles they need
        self._queued = 0
        self._running: dict[Job, None] = {}
        self.recruitment_intensity = 1.0

    # ------------------------------------------------------------------ accounting

    def account(self) -> None:
        """Bring the time integrals up to now; called before any change of state."""
        self.account_until(self.env.now)

    def account_until(self, now: float) -> None:
        """Bring the time integrals up to ``now`` (not before the last change of state)."""
        dt = now - self._last
        if dt <= 0:
            return
        cap, used, res, dem, need, cases = (self.capacity, self.used_jobs, self.reserved,
                                            self.demand, self.reserve_need, self.cases)
        avail_i, used_i, need_i, cases_i = (self.int_available, self.int_used, self.int_needed,
                                            self.int_cases)
        for r in ROLES:  # on the hot path: locals, not attribute look-ups
            avail_i[r] += cap[r] * dt
            used_i[r] += (used[r] + res[r]) * dt
            need_i[r] += (dem[r] + need[r]) * dt
            cases_i[r] += cases[r] * dt
        self._last = now

    def used(self, role: str) -> float:
        """Hours per week in use now: jobs plus the recruitment reservation."""
        return self.used_jobs[role] + self.reserved[role]

    # ------------------------------------------------------------------ capacity

    def set_capacity(self, capacity: dict[str, float]) -> None:
        """New hours per week available per role (after leave); fits the jobs to them."""
        self.account()
        self.capacity.update(capacity)
        self._update_reservation()
        self._rebalance()

    def reserve(self, needs: dict[str, float]) -> None:
        """Standing hours per week (recruitment) taken before any job."""
        self.account()
        self.reserve_need = dict.fromkeys(ROLES, 0.0) | needs
        self._update_reservation()
        self._rebalance()

    def _update_reservation(self) -> None:
        intensity = 1.0
        for r in ROLES:
            need = self.reserve_need[r]
            self.reserved[r] = min(need, self.capacity[r])
            if need > 0:
                intensity = min(intensity, self.reserved[r] / need)
        self.recruitment_intensity = intensity

    def _free(self, role: str) -> float:
        return self.capacity[role] - self.reserved[role] - self.used_jobs[role]

    # ------------------------------------------------------------------ policy hooks

    def _rebalance(self) -> None:
        """After the hours changed: fit the running jobs to what is left."""
        raise NotImplementedError

    def _enter(self, job: Job) -> None:
        """A job with hours to get joins (or rejoins) the pool."""
        raise NotImplementedError

    def _stop(self, job: Job) -> None:
        """Take a running job off its hours (paused, cancelled or preempted)."""
        raise NotImplementedError

    def _after_leave(self) -> None:
        """After a job left: give its hours to others."""
        raise NotImplementedError

    # ------------------------------------------------------------------ jobs

    def serve(
        self,
        needs: dict[str, float],
        work: float,
        priority: int,
        listener: Listener | None = None,
        owner: Any = None,
        phase: str = "",
        on_done: Callable[[], None] | None = None,
    ) -> Job:
        """Start (or queue) a job; ``job.done`` fires when ``work`` weeks of progress are done.

        With ``on_done`` the job has no ``done`` event: ``on_done()`` is called instead. A job
        that needs no hours is never queued.
        """
        self._seq += 1
        done = None if on_done else self.env.event()
        job = Job(needs, work, priority, self._seq, done, listener, owner, phase, on_done)
        if needs:
            self._enter(job)
        else:
            self._start_free(job)
        return job

    def _start_free(self, job: Job) -> None:
        """A job that needs no hours just takes its time."""
        job.state = RUNNING
        job.rate = 1.0
        job.run_start = self.env.now
        job.underserved = False
        if job.listener:
            job.listener(job, True)
        timer = self.env.timeout(job.remaining)
        timer.callbacks.append(_Timer(self._finish_free, job, job.token))

    def _finish_free(self, job: Job, token: int) -> None:
        if job.token == token and job.state == RUNNING:
            job.state = DONE
            job.remaining = 0.0
            _signal_done(job)

    def suspend(self, job: Job) -> None:
        """Pause a job (crisis admission): its hours go back, its remaining work is kept."""
        if job.state in (DONE, CANCELLED, SUSPENDED):
            return
        if not job.needs:
            job.remaining = max(0.0, job.remaining - (self.env.now - job.run_start))
            job.token += 1
            job.state = SUSPENDED
            return
        self._leave(job, SUSPENDED)

    def resume(self, job: Job) -> None:
        """Put a suspended job back in line (waitlist) or back into the share."""
        if job.state != SUSPENDED:
            return
        if job.needs:
            self._enter(job)
        else:
            self._start_free(job)

    def cancel(self, job: Job) -> None:
        """Drop a job for good (breakdown); its hours go back."""
        if job.state in (DONE, CANCELLED):
            return
        if not job.needs:
            job.token += 1
            job.state = CANCELLED
            return
        self._leave(job, CANCELLED)

    def _leave(self, job: Job, new_state: int) -> None:
        self.account()
        was = job.state
        if was == RUNNING:
            self._stop(job)
        elif was == QUEUED:
            self._dequeue(job)
        if was in (RUNNING, QUEUED):
            for r, h in job.needs.items():
                self.demand[r] -= h
        job.state = new_state
        job.token += 1
        self._after_leave()

    def changed(self, job: Job) -> simpy.Event:
        """Event that fires the next time the job gains or loses its full hours."""
        if job._changed is None:
            job._changed = self.env.event()
        return job._changed

    def _flag(self, job: Job, underserved: bool) -> None:
        if job.underserved != underserved:
            job.underserved = underserved
            ev = job._changed
            if ev is not None:
                job._changed = None
                ev.succeed()

    # ------------------------------------------------------------------ the queue

    def _scan(self, try_start: Callable[[Job], bool]) -> None:
        """Offer queued jobs, in (priority, arrival) order, to ``try_start``.

        A job that cannot start blocks its roles for the rest of the scan, and a job needing a
        blocked role is not offered (no overtaking on a shared role). Jobs wait in lanes, one
        per set of roles: a lane's jobs share their roles, so once a lane's first job is blocked
        the whole lane is, and the scan only ever looks at the lanes' first jobs.
        """
        lanes = self._lanes
        waiting = [lane for lane in lanes.values() if lane]
        if len(waiting) == 1:  # one lane (always so with one role): its jobs in order
            lane = waiting[0]
            while lane and try_start(lane[0]):
                lane.pop(0)
            return
        blocked: set[str] = set()
        closed: set[frozenset[str]] = set()
        n_roles = len(ROLES)
        while len(blocked) < n_roles:
            best: list[Job] | None = None
            best_key: frozenset[str] = frozenset()
            for key, lane in lanes.items():
                if not lane or key in closed:
                    continue
                if best is None or lane[0].order < best[0].order:
                    best, best_key = lane, key
            if best is None:
                return
            job = best[0]
            if blocked.isdisjoint(best_key) and try_start(job):
                best.pop(0)
                continue
            blocked |= best_key
            closed.add(best_key)

    def _cap_reached(self, job: Job) -> bool:
        """Whether any role the job needs has reached its caseload cap."""
        caps = self.caps
        if not caps:
            return False
        cases = self.cases
        return any(r in caps and cases[r] >= caps[r] for r in job.needs)

    def _enqueue(self, job: Job) -> None:
        if not job.lane:
            job.lane = frozenset(job.needs)
        lane = self._lanes.get(job.lane)
        if lane is None:
            lane = self._lanes[job.lane] = []
        if not lane or lane[-1].order < job.order:
            lane.append(job)  # the usual case: it arrived last
        else:
            bisect.insort(lane, job, key=_order)
        self._queued += 1

    def _dequeue(self, job: Job) -> None:
        self._lanes[job.lane].remove(job)
        self._queued -= 1

    def _finish(self, job: Job) -> None:
        """A running job's work is done: its hours, demand and caseload place go back."""
        del self._running[job]
        used, demand, cases = self.used_jobs, self.demand, self.cases
        for r, h in job.needs.items():
            used[r] -= h
            demand[r] -= h
            cases[r] -= 1
        job.remaining = 0.0
        job.state = DONE
        if job.on_done is None:
            job.done.succeed()

    # ------------------------------------------------------------------ inspection

    @property
    def queue_length(self) -> int:
        """Jobs waiting for hours (or, under ``share``, for a caseload place)."""
        return self._queued

    def running_jobs(self) -> list[Job]:
        """Jobs holding hours now, in the order they started."""
        return list(self._running)


class _Timer:
    """Callback of a job's timer: calls ``fn(job, token)`` when the timer fires.

    The token tells a stale timer (the job was paused or cancelled since) from a live one.
    """

    __slots__ = ("fn", "job", "token")

    def __init__(self, fn: Callable[[Job, int], None], job: Job, token: int):
        self.fn = fn
        self.job = job
        self.token = token

    def __call__(self, _event: simpy.Event) -> None:
        self.fn(self.job, self.token)


def _signal_done(job: Job) -> None:
    if job.on_done is None:
        job.done.succeed()
    else:
        job.on_done()


def _order(job: Job) -> tuple[int, int]:
    return job.order
