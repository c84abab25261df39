"""Staff hours as a shared, time-varying capacity that cases draw on while they progress.

A *job* is one stretch of work on one case (a child's phase, a family's screening, crisis
work): it needs a number of hours per week from one or more roles for a given amount of
*work*, measured in weeks of fully staffed progress. Two service policies:

``waitlist``
    A job starts only when every role it needs has its hours free (and its caseload cap is not
    reached); it then holds those hours until its work is done. Waiting jobs queue by
    priority, then by arrival. A job may not overtake an earlier job that waits for a role it
    also needs, so a large job is never starved by a stream of small ones (conservative
    backfilling). With one role and equal jobs this is the textbook FIFO M/G/c queue.
``share``
    Every job is admitted at once. Each role's hours are split over its jobs in proportion to
    what they need (crisis work first); a job progresses at the rate of its least-covered role.
    Work slows instead of queueing.

In both, hours in use never exceed hours available. Standing recruitment work (phase 1) is
reserved off the top of each role, before any case. When a role's hours drop (a schedule
step down), the most recently started waitlist jobs are paused and re-queued at their old
place until the rest fits: their remaining work is kept.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import partial

import simpy

from sim.domain import ROLES

EPS = 1e-9

PRIORITY_CRISIS = 0
PRIORITY_PLACED = 1
PRIORITY_MATCHING = 2
PRIORITY_ASSESSMENT = 3

QUEUED, RUNNING, SUSPENDED, DONE, CANCELLED = range(5)


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
    )

    def __init__(
        self,
        needs: dict[str, float],
        work: float,
        priority: int,
        seq: int,
        done: simpy.Event,
        listener: Callable[[Job, bool], None] | None,
    ):
        self.needs = needs
        self.priority = priority
        self.seq = seq
        self.remaining = work
        self.state = QUEUED
        self.done = done
        self.rate = 0.0
        self.token = 0
        self.run_start = 0.0
        self.listener = listener
        self._changed: simpy.Event | None = None
        #: True while the job lacks some of its hours (queued, or slowed under ``share``).
        self.underserved = True
        #: Queue position: priority class first, then arrival.
        self.order = (priority, seq)
        #: The roles it needs: the queue lane it waits in.
        self.lane = frozenset(needs)


class StaffPool:
    """Hours per week of the three roles, shared by all jobs under one service policy."""

    def __init__(
        self,
        env: simpy.Environment,
        policy: str,
        caseload_caps: dict[str, int | None] | None = None,
    ):
        self.env = env
        self.share = policy == "share"
        self.caps = caseload_caps or {}
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
        self._share_version = 0
        self._share_time = 0.0
        self.recruitment_intensity = 1.0

    # ------------------------------------------------------------------ accounting

    def account(self) -> None:
        """Bring the time integrals up to now; call before any change of state."""
        now = self.env.now
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
        return self.used_jobs[role] + self.reserved[role]

    # ------------------------------------------------------------------ capacity

    def set_capacity(self, capacity: dict[str, float]) -> None:
        """New hours per week available per role (after leave); pauses jobs that no longer fit."""
        self.account()
        self.capacity.update(capacity)
        self._rebalance()

    def reserve(self, needs: dict[str, float]) -> None:
        """Standing hours per week (recruitment) taken before any job."""
        self.account()
        self.reserve_need = dict.fromkeys(ROLES, 0.0) | needs
        self._rebalance()

    def _rebalance(self) -> None:
        """After the hours changed: re-reserve recruitment, then fit the jobs to what is left."""
        self._update_reservation()
        if self.share:
            self._reshare()
        else:
            self._preempt_overflow()
            self._dispatch()

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

    # ------------------------------------------------------------------ jobs

    def serve(
        self,
        needs: dict[str, float],
        work: float,
        priority: int,
        listener: Callable[[Job, bool], None] | None = None,
    ) -> Job:
        """Start (or queue) a job; ``job.done`` fires when ``work`` weeks of progress are done.

        A job that needs no hours is never queued; one with no work is done at once.
        """
        self._seq += 1
        job = Job(needs, work, priority, self._seq, self.env.event(), listener)
        self._enter(job)
        return job

    def _enter(self, job: Job) -> None:
        if not job.needs:
            self._start_free(job)
            return
        self.account()
        for r, h in job.needs.items():
            self.demand[r] += h
        job.state = QUEUED
        if not self.share and not self._queued and self._fits(job):
            self._start(job)  # nobody waits and the hours are free: no need to queue
            return
        self._enqueue(job)
        if self.share:
            self._admit()
            self._reshare()
        else:
            self._dispatch()

    def _start_free(self, job: Job) -> None:
        """A job that needs no hours just takes its time."""
        job.state = RUNNING
        job.rate = 1.0
        job.run_start = self.env.now
        job.underserved = False
        if job.listener:
            job.listener(job, True)
        token = job.token
        self.env.timeout(job.remaining).callbacks.append(partial(self._finish_free, job, token))

    def _finish_free(self, job: Job, token: int, _event: simpy.Event) -> None:
        if job.token == token and job.state == RUNNING:
            job.state = DONE
            job.remaining = 0.0
            job.done.succeed()

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
        self._enter(job)

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
        if self.share:
            self._admit()
            self._reshare()
        else:
            self._dispatch()

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

    # ------------------------------------------------------------------ waitlist

    def _scan(self, try_start: Callable[[Job], bool]) -> None:
        """Offer queued jobs, in (priority, arrival) order, to ``try_start``.

        A job that cannot start blocks its roles for the rest of the scan, and a job needing a
        blocked role is not offered (no overtaking on a shared role). Jobs wait in lanes, one
        per set of roles: a lane's jobs share their roles, so once a lane's first job is blocked
        the whole lane is, and the scan only ever looks at the lanes' first jobs.
        """
        blocked: set[str] = set()
        closed: set[frozenset[str]] = set()
        lanes = self._lanes
        while len(blocked) < len(ROLES):
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

    def _dispatch(self) -> None:
        """Waitlist: start every queued job whose hours are free, in order."""
        if self._queued:
            self._scan(self._try_start)

    def _cap_reached(self, job: Job) -> bool:
        """Whether any role the job needs has reached its caseload cap."""
        caps = self.caps
        return any((cap := caps.get(r)) is not None and self.cases[r] >= cap for r in job.needs)

    def _fits(self, job: Job) -> bool:
        """Whether every role the job needs has its hours free and a place in its caseload."""
        caps, cases, cap, res, used = (self.caps, self.cases, self.capacity, self.reserved,
                                       self.used_jobs)
        for r, h in job.needs.items():
            limit = caps.get(r)
            if limit is not None and cases[r] >= limit:
                return False
            if cap[r] - res[r] - used[r] + EPS < h:
                return False
        return True

    def _try_start(self, job: Job) -> bool:
        if not self._fits(job):
            return False
        self._queued -= 1
        self._start(job)
        return True

    def _enqueue(self, job: Job) -> None:
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

    def _start(self, job: Job) -> None:
        for r, h in job.needs.items():
            self.used_jobs[r] += h
            self.cases[r] += 1
        job.state = RUNNING
        job.rate = 1.0
        job.run_start = self.env.now
        self._running[job] = None
        token = job.token
        self.env.timeout(job.remaining).callbacks.append(partial(self._complete, job, token))
        if job.listener:
            job.listener(job, True)
        self._flag(job, False)

    def _stop(self, job: Job) -> None:
        """Take a running job off its hours (it is paused, cancelled or preempted)."""
        if self.share:
            self._advance_share()
            for r, h in job.needs.items():
                self.used_jobs[r] -= h * job.rate
        del self._running[job]
        for r in job.needs:
            self.cases[r] -= 1
        if not self.share:
            job.remaining = max(0.0, job.remaining - (self.env.now - job.run_start))
            for r, h in job.needs.items():
                self.used_jobs[r] -= h
        job.rate = 0.0
        if job.listener:
            job.listener(job, False)
        self._flag(job, True)

    def _complete(self, job: Job, token: int, _event: simpy.Event) -> None:
        if job.token != token or job.state != RUNNING:
            return  # paused or cancelled since this timer was set
        self.account()
        del self._running[job]
        for r, h in job.needs.items():
            self.used_jobs[r] -= h
            self.demand[r] -= h
            self.cases[r] -= 1
        job.remaining = 0.0
        job.state = DONE
        job.done.succeed()
        self._dispatch()

    def _preempt_overflow(self) -> None:
        for r in ROLES:
            if self._free(r) >= -EPS:
                continue
            for job in reversed(list(self._running)):
                if self._free(r) >= -EPS:
                    break
                if r in job.needs:
                    self._stop(job)
                    job.token += 1
                    job.state = QUEUED
                    self._enqueue(job)

    # ------------------------------------------------------------------ share

    def _admit(self) -> None:
        """Share policy: admit queued jobs in order while their roles' caseload caps allow."""
        if self._queued:
            self._scan(self._try_admit)

    def _try_admit(self, job: Job) -> bool:
        if self._cap_reached(job):
            return False
        self._queued -= 1
        self._advance_share()
        job.state = RUNNING
        job.rate = 0.0
        self._running[job] = None
        for r in job.needs:
            self.cases[r] += 1
        if job.listener:
            job.listener(job, True)
        return True

    def _advance_share(self) -> None:
        now = self.env.now
        dt = now - self._share_time
        if dt > 0:
            for job in self._running:
                job.remaining = max(0.0, job.remaining - job.rate * dt)
        self._share_time = now

    def _reshare(self) -> None:
        """Recompute every job's rate and set a timer for the next completion."""
        self._advance_share()
        running = self._running
        free = {r: max(0.0, self.capacity[r] - self.reserved[r]) for r in ROLES}
        used = dict.fromkeys(ROLES, 0.0)
        for tier in (True, False):  # crisis work first, then the rest
            jobs = [j for j in running if (j.priority == PRIORITY_CRISIS) == tier]
            if not jobs:
                continue
            need = dict.fromkeys(ROLES, 0.0)
            for j in jobs:
                for r, h in j.needs.items():
                    need[r] += h
            factor = {r: (min(1.0, free[r] / need[r]) if need[r] > 0 else 1.0) for r in ROLES}
            tier_used = dict.fromkeys(ROLES, 0.0)
            for j in jobs:
                rate = min(factor[r] for r in j.needs)
                j.rate = rate
                for r, h in j.needs.items():
                    tier_used[r] += h * rate
                self._flag(j, rate < 1.0 - 1e-9)
            for r in ROLES:
                used[r] += tier_used[r]
                free[r] = max(0.0, free[r] - tier_used[r])
        self.used_jobs = used
        self._share_version += 1
        soonest = min(
            (j.remaining / j.rate for j in running if j.rate > 0),
            default=None,
        )
        if soonest is not None:
            self.env.timeout(soonest).callbacks.append(
                partial(self._share_tick, self._share_version)
            )

    def _share_tick(self, version: int, _event: simpy.Event) -> None:
        if version != self._share_version:
            return
        self.account()
        self._advance_share()
        finished = [j for j in self._running if j.remaining <= 1e-9 and j.rate > 0]
        for job in finished:
            del self._running[job]
            for r, h in job.needs.items():
                self.demand[r] -= h
                self.cases[r] -= 1
            job.remaining = 0.0
            job.state = DONE
            job.done.succeed()
        if finished:
            self._admit()
        self._reshare()

    # ------------------------------------------------------------------ inspection

    @property
    def queue_length(self) -> int:
        return self._queued

    def running_jobs(self) -> list[Job]:
        return list(self._running)


def _order(job: Job) -> tuple[int, int]:
    return job.order
