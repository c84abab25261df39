"""The ``waitlist`` service policy: a job starts only when all the hours it needs are free.

It then holds those hours until its work is done. Waiting jobs queue by priority, then by
arrival. A job may not overtake an earlier job that waits for a role it also needs, so a large
job is never starved by a stream of small ones (conservative backfilling). With one role and
equal jobs this is the textbook FIFO M/G/c queue. When a role's hours drop (a schedule step
down), the most recently started jobs are paused and re-queued at their old place until the
rest fits: their remaining work is kept.
"""

from __future__ import annotations

from sim.model.staff_pool import EPS, QUEUED, RUNNING, Job, StaffPool, _Timer
from sim.scenario.domain import ROLES


class WaitlistPool(StaffPool):
    """Jobs queue until every role they need has the hours free, then run at full speed."""

    policy = "waitlist"

    def _enter(self, job: Job) -> None:
        self.account()
        demand = self.demand
        for r, h in job.needs.items():
            demand[r] += h
        job.state = QUEUED
        if not self._queued and self._fits(job):
            self._start(job)  # nobody waits and the hours are free: no need to queue
            return
        self._enqueue(job)
        self._dispatch()

    def _rebalance(self) -> None:
        self._preempt_overflow()
        self._dispatch()

    def _after_leave(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        """Start every queued job whose hours are free, in order."""
        if self._queued:
            self._scan(self._try_start)

    def _fits(self, job: Job) -> bool:
        """Whether every role the job needs has its hours free and a place in its caseload."""
        caps, cases, cap, res, used = (self.caps, self.cases, self.capacity, self.reserved,
                                       self.used_jobs)
        for r, h in job.needs.items():
            if caps and r in caps and cases[r] >= caps[r]:
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

    def _start(self, job: Job) -> None:
        used, cases = self.used_jobs, self.cases
        for r, h in job.needs.items():
            used[r] += h
            cases[r] += 1
        job.state = RUNNING
        job.rate = 1.0
        now = self.env.now
        job.run_start = now
        self._running[job] = None
        timer = self.env.timeout(job.remaining)
        timer.callbacks.append(_Timer(self._complete, job, job.token))
        if job.listener:
            job.listener(job, True)
        if job.underserved:
            self._flag(job, False)

    def _stop(self, job: Job) -> None:
        del self._running[job]
        used, cases = self.used_jobs, self.cases
        for r in job.needs:
            cases[r] -= 1
        job.remaining = max(0.0, job.remaining - (self.env.now - job.run_start))
        for r, h in job.needs.items():
            used[r] -= h
        job.rate = 0.0
        if job.listener:
            job.listener(job, False)
        self._flag(job, True)

    def _complete(self, job: Job, token: int) -> None:
        if job.token != token or job.state != RUNNING:
            return  # paused or cancelled since this timer was set
        self.account()
        self._finish(job)
        self._dispatch()
        if job.on_done is not None:
            job.on_done()

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
