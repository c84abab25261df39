"""The ``share`` service policy: every case is admitted at once and the hours are shared.

Each role's hours are split over its jobs in proportion to what they need (crisis work first);
a job progresses at the rate of its least-covered role, so work slows instead of queueing.
Only caseload caps hold a job back.

Jobs that need the same roles in the same tier (crisis or not) always progress at the same
rate, so they are kept in one :class:`_Group` with one progress clock: a job ends when its
group's clock reaches the job's target. A change then costs work per group (at most 2 x 7),
not per job, and finding the next completion is a heap look-up: the cost of a replication
grows linearly with the cases in progress, where recomputing every job made it quadratic.
"""

from __future__ import annotations

import heapq

import simpy

from sim.model.staff_pool import DONE, PRIORITY_CRISIS, QUEUED, RUNNING, Job, StaffPool
from sim.scenario.domain import ROLES

_UNDERSERVED = 1.0 - 1e-9
_INDEX = {r: i for i, r in enumerate(ROLES)}
_N = len(ROLES)


class _Group:
    """Running jobs of one tier that need the same roles: they share one rate."""

    __slots__ = ("crisis", "lane", "roles", "rate", "progress", "since", "need", "jobs", "heap")

    def __init__(self, crisis: bool, lane: frozenset[str]):
        self.crisis = crisis
        self.lane = lane
        #: Indices (in ROLES) of the roles the group needs.
        self.roles = tuple(sorted(_INDEX[r] for r in lane))
        self.rate = 0.0
        #: Weeks of progress a job of this group has made since the group was created.
        self.progress = 0.0
        self.since = 0.0
        #: Hours per week the members need, per role (indexed as ROLES; zero for the others).
        self.need = [0.0] * _N
        self.jobs: dict[Job, None] = {}
        #: (target, admission number, job, token): the next job to finish on top.
        self.heap: list[tuple[float, int, Job, int]] = []

    def advance(self, now: float) -> None:
        dt = now - self.since
        if dt > 0:
            self.progress += self.rate * dt
        self.since = now

    def top(self) -> tuple[float, int, Job, int] | None:
        """The live entry that finishes first (stale entries of jobs that left are dropped)."""
        heap = self.heap
        while heap:
            entry = heap[0]
            job = entry[2]
            if job.state == RUNNING and job.token == entry[3] and job.group is self:
                return entry
            heapq.heappop(heap)
        return None


class SharePool(StaffPool):
    """Every job runs at once (within caseload caps), at the rate its scarcest role allows."""

    policy = "share"

    def __init__(self, env: simpy.Environment,
                 caseload_caps: dict[str, int | None] | None = None):
        super().__init__(env, caseload_caps)
        self._groups: dict[tuple[bool, frozenset[str]], _Group] = {}
        self._version = 0
        self._timer_at = -1.0  # when the live timer fires (-1: none)
        self._admitted = 0
        self._new: list[Job] = []  # admitted since the last reshare: not yet flagged

    def _enter(self, job: Job) -> None:
        self.account()
        demand = self.demand
        for r, h in job.needs.items():
            demand[r] += h
        job.state = QUEUED
        self._enqueue(job)
        self._admit()
        self._reshare()

    def _rebalance(self) -> None:
        self._reshare()

    def _after_leave(self) -> None:
        self._admit()
        self._reshare()

    def _admit(self) -> None:
        """Admit queued jobs in order while their roles' caseload caps allow."""
        if self._queued:
            self._scan(self._try_admit)

    def _try_admit(self, job: Job) -> bool:
        if self._cap_reached(job):
            return False
        self._queued -= 1
        now = self.env.now
        key = (job.priority == PRIORITY_CRISIS, job.lane)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(*key)
            group.since = now
        group.advance(now)
        job.state = RUNNING
        job.rate = 0.0
        job.group = group
        job.target = group.progress + job.remaining
        self._admitted += 1
        heapq.heappush(group.heap, (job.target, self._admitted, job, job.token))
        group.jobs[job] = None
        need = group.need
        for r, h in job.needs.items():
            need[_INDEX[r]] += h
        self._running[job] = None
        for r in job.needs:
            self.cases[r] += 1
        self._new.append(job)
        if job.listener:
            job.listener(job, True)
        return True

    def _remove(self, job: Job) -> None:
        """Take a job out of its group (the group's clock must be at now)."""
        group = job.group
        del group.jobs[job]
        if group.jobs:
            need = group.need
            for r, h in job.needs.items():
                need[_INDEX[r]] -= h
        else:
            group.need = [0.0] * _N  # exactly zero, no rounding left over
        job.group = None
        del self._running[job]

    def _stop(self, job: Job) -> None:
        group = job.group
        group.advance(self.env.now)
        job.remaining = max(0.0, job.target - group.progress)
        rate = group.rate
        for r, h in job.needs.items():
            self.used_jobs[r] -= h * rate
        self._remove(job)
        for r in job.needs:
            self.cases[r] -= 1
        job.rate = 0.0
        if job.listener:
            job.listener(job, False)
        self._flag(job, True)

    def _reshare(self) -> None:
        """Recompute every group's rate and set a timer for the next completion."""
        now = self.env.now
        tiers: tuple[list[_Group], list[_Group]] = ([], [])  # crisis work first, then the rest
        for g in self._groups.values():
            if g.jobs:
                if now > g.since:
                    g.progress += g.rate * (now - g.since)
                g.since = now
                tiers[0 if g.crisis else 1].append(g)
        cap, res = self.capacity, self.reserved
        free = [max(0.0, cap[r] - res[r]) for r in ROLES]
        used = [0.0] * _N
        flip: list[_Group] = []
        for tier_groups in tiers:
            if not tier_groups:
                continue
            need = [0.0] * _N
            for g in tier_groups:
                gn = g.need
                for i in g.roles:
                    need[i] += gn[i]
            factor = [min(1.0, f / n) if n > 0 else 1.0 for f, n in zip(free, need, strict=True)]
            tier_used = [0.0] * _N
            for g in tier_groups:
                roles = g.roles
                rate = factor[roles[0]]
                for i in roles[1:]:
                    if factor[i] < rate:
                        rate = factor[i]
                if (rate < _UNDERSERVED) != (g.rate < _UNDERSERVED):
                    flip.append(g)
                g.rate = rate
                gn = g.need
                for i in roles:
                    tier_used[i] += gn[i] * rate
            for i in range(_N):
                used[i] += tier_used[i]
                free[i] = max(0.0, free[i] - tier_used[i])
        self.used_jobs = dict(zip(ROLES, used, strict=True))
        for g in flip:
            underserved = g.rate < _UNDERSERVED
            for j in g.jobs:
                j.rate = g.rate
                self._flag(j, underserved)
        if self._new:
            for j in self._new:
                if j.group is not None:
                    j.rate = j.group.rate
                    self._flag(j, j.group.rate < _UNDERSERVED)
            self._new.clear()
        soonest = -1.0
        for tier_groups in tiers:
            for g in tier_groups:
                if g.rate > 0:
                    top = g.top()
                    if top is not None:
                        wait = max(0.0, top[0] - g.progress) / g.rate
                        if soonest < 0 or wait < soonest:
                            soonest = wait
        if soonest < 0:
            self._version += 1  # nothing runs: any pending timer is stale
            self._timer_at = -1.0
            return
        when = now + soonest
        if abs(self._timer_at - when) <= 1e-12 * max(1.0, when):
            return  # the pending timer already fires then: no need for another event
        self._version += 1
        self._timer_at = when
        timer = self.env.timeout(soonest)
        timer.callbacks.append(_Tick(self, self._version))

    def _tick(self, version: int) -> None:
        if version != self._version:
            return
        self._timer_at = -1.0
        self.account()
        now = self.env.now
        finished: list[tuple[int, Job]] = []
        for g in self._groups.values():
            if not g.jobs or g.rate <= 0:
                continue
            g.advance(now)
            while (top := g.top()) is not None and top[0] - g.progress <= 1e-9:
                heapq.heappop(g.heap)
                finished.append((top[1], top[2]))
        finished.sort(key=_first)
        demand, cases = self.demand, self.cases
        for _, job in finished:
            self._remove(job)
            for r, h in job.needs.items():
                demand[r] -= h
                cases[r] -= 1
            job.remaining = 0.0
            job.state = DONE
            if job.on_done is None:
                job.done.succeed()
        if finished:
            self._admit()
        self._reshare()
        for _, job in finished:
            if job.on_done is not None:
                job.on_done()


class _Tick:
    """Callback of the share timer; a newer reshare makes an older timer stale."""

    __slots__ = ("pool", "version")

    def __init__(self, pool: SharePool, version: int):
        self.pool = pool
        self.version = version

    def __call__(self, _event: simpy.Event) -> None:
        self.pool._tick(self.version)


def _first(item: tuple[int, Job]) -> int:
    return item[0]
