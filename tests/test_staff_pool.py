"""The staff pool on small hand-computed traces: start and finish times, hours in use and the
time integrals, for each service policy (as Ciw tests each of its modules on its own).

Roles: ``c`` = coordinator, ``p`` = pnp_counsellor. Times in weeks, hours per week.
"""

from __future__ import annotations

from typing import Any

import pytest
import simpy

from sim.model.staff import (
    CANCELLED,
    DONE,
    PRIORITY_ASSESSMENT,
    PRIORITY_CRISIS,
    PRIORITY_PLACED,
    QUEUED,
    RUNNING,
    SharePool,
    StaffPool,
    WaitlistPool,
    staff_pool,
)

C, P, Q = "coordinator", "pnp_counsellor", "parent_counsellor"


class Trace:
    """A pool plus a log of when each named job started, stopped and finished."""

    def __init__(self, policy: str, hours: dict[str, float], caps: dict[str, Any] | None = None):
        self.env = simpy.Environment()
        self.pool: StaffPool = staff_pool(self.env, policy, caps)
        self.pool.set_capacity({C: 0.0, P: 0.0, Q: 0.0} | hours)
        self.log: list[tuple[float, str, str]] = []
        self.jobs: dict[str, Any] = {}

    def job(self, at: float, name: str, needs: dict[str, float], work: float,
            priority: int = PRIORITY_ASSESSMENT) -> None:
        def arrive(_event: simpy.Event) -> None:
            job = self.pool.serve(needs, work, priority, self._moved, name)
            self.jobs[name] = job
            job.done.callbacks.append(lambda _e: self.log.append((self.env.now, name, "done")))

        self.env.timeout(at).callbacks.append(arrive)

    def at(self, when: float, action: Any) -> None:
        self.env.timeout(when).callbacks.append(lambda _e: action())

    def _moved(self, job: Any, running: bool) -> None:
        self.log.append((self.env.now, job.owner, "start" if running else "stop"))

    def run(self, until: float) -> None:
        self.env.run(until=until)
        self.pool.account()

    def times(self, name: str, what: str) -> list[float]:
        return [t for t, n, w in self.log if n == name and w == what]


def test_policies_are_subclasses_of_one_pool():
    env = simpy.Environment()
    assert isinstance(staff_pool(env, "waitlist"), WaitlistPool)
    assert isinstance(staff_pool(env, "share"), SharePool)
    assert issubclass(WaitlistPool, StaffPool) and issubclass(SharePool, StaffPool)
    with pytest.raises(ValueError, match="unknown service policy 'fifo'"):
        staff_pool(env, "fifo")


# ---------------------------------------------------------------------------------- waitlist


def test_waitlist_fifo_two_servers():
    """c = 2 h, jobs of 1 h: A 0-3, B 0-5, C arrives at 1, waits for A, runs 3-5."""
    tr = Trace("waitlist", {C: 2.0})
    tr.job(0, "A", {C: 1.0}, 3.0)
    tr.job(0, "B", {C: 1.0}, 5.0)
    tr.job(1, "C", {C: 1.0}, 2.0)
    tr.run(6)
    assert tr.times("A", "start") == [0] and tr.times("A", "done") == [3]
    assert tr.times("B", "done") == [5]
    assert tr.times("C", "start") == [3] and tr.times("C", "done") == [5]
    st = tr.pool
    assert st.int_used[C] == pytest.approx(2 * 5)  # both hours in use from 0 to 5
    assert st.int_available[C] == pytest.approx(2 * 6)
    # demand: A+B from 0, C from 1 (waiting counts as needed), all gone by 5
    assert st.int_needed[C] == pytest.approx(1 * 3 + 1 * 5 + 1 * 4)
    assert st.int_cases[C] == pytest.approx(3 + 5 + 2)
    assert st.used(C) == 0 and st.queue_length == 0


def test_waitlist_no_overtaking_on_a_shared_role():
    """c = 3 h: A needs 2 h (0-4). B needs 2 h at 1: only 1 h free, it waits. C needs 1 h at 2:
    the hour is free, but C may not pass B, who waits for the same role; both start at 4."""
    tr = Trace("waitlist", {C: 3.0})
    tr.job(0, "A", {C: 2.0}, 4.0)
    tr.job(1, "B", {C: 2.0}, 1.0)
    tr.job(2, "C", {C: 1.0}, 1.0)
    tr.run(10)
    assert tr.times("B", "start") == [4] and tr.times("C", "start") == [4]
    assert tr.times("B", "done") == [5] and tr.times("C", "done") == [5]
    assert tr.pool.int_used[C] == pytest.approx(2 * 4 + 3 * 1)


def test_waitlist_other_roles_are_not_blocked():
    """p is full, so B waits for p; C needs only c and starts at once."""
    tr = Trace("waitlist", {C: 1.0, P: 2.0})
    tr.job(0, "A", {P: 2.0}, 4.0)
    tr.job(1, "B", {P: 1.0}, 1.0)
    tr.job(2, "C", {C: 1.0}, 1.0)
    tr.run(10)
    assert tr.times("C", "start") == [2] and tr.times("B", "start") == [4]


def test_waitlist_priority_before_arrival():
    """A holds c until 2; an assessment (at 0.5) and a placed child's phase (at 1) wait: the
    placed child goes first."""
    tr = Trace("waitlist", {C: 1.0})
    tr.job(0, "A", {C: 1.0}, 2.0)
    tr.job(0.5, "assess", {C: 1.0}, 1.0, PRIORITY_ASSESSMENT)
    tr.job(1, "placed", {C: 1.0}, 1.0, PRIORITY_PLACED)
    tr.run(10)
    assert tr.times("placed", "start") == [2] and tr.times("assess", "start") == [3]


def test_waitlist_caseload_cap_holds_a_job_back():
    tr = Trace("waitlist", {C: 10.0}, caps={C: 1})
    tr.job(0, "A", {C: 1.0}, 2.0)
    tr.job(0, "B", {C: 1.0}, 2.0)
    tr.run(10)
    assert tr.times("B", "start") == [2] and tr.times("B", "done") == [4]
    assert tr.pool.int_cases[C] == pytest.approx(4)


def test_waitlist_schedule_drop_pauses_the_latest_job_and_keeps_its_work():
    """c = 2 h, A (0) and B (1) need 1 h for 10 weeks. At 4 the hours drop to 1: B, the most
    recent, is paused with 7 weeks left, and runs again when A is done at 10: done at 17."""
    tr = Trace("waitlist", {C: 2.0})
    tr.job(0, "A", {C: 1.0}, 10.0)
    tr.job(1, "B", {C: 1.0}, 10.0)
    tr.at(4, lambda: tr.pool.set_capacity({C: 1.0}))
    tr.run(20)
    assert tr.times("B", "stop") == [4]
    assert tr.times("B", "start") == [1, 10] and tr.times("B", "done") == [17]
    assert tr.times("A", "done") == [10]
    assert tr.pool.int_used[C] == pytest.approx(2 * 3 + 1 * 13 + 1 * 1)


def test_waitlist_suspend_resume_and_cancel():
    """A is suspended from 2 to 5 (done at 3 + 3 = 8 instead of 6); B waits for c and gets
    it at 2; C waits behind B and is cancelled at 3, so it never runs."""
    tr = Trace("waitlist", {C: 1.0})
    tr.job(0, "A", {C: 1.0}, 4.0)
    tr.job(1, "B", {C: 1.0}, 1.0)
    tr.job(1.5, "C", {C: 1.0}, 1.0)
    tr.at(2, lambda: tr.pool.suspend(tr.jobs["A"]))
    tr.at(2.5, lambda: tr.pool.cancel(tr.jobs["C"]))
    tr.at(5, lambda: tr.pool.resume(tr.jobs["A"]))
    tr.run(20)
    assert tr.times("B", "start") == [2] and tr.times("B", "done") == [3]
    assert tr.times("A", "start") == [0, 5] and tr.times("A", "done") == [7]
    assert tr.times("C", "start") == [] and tr.jobs["C"].state == CANCELLED
    assert tr.jobs["A"].state == DONE
    assert tr.pool.int_used[C] == pytest.approx(2 + 1 + 2)


def test_recruitment_reserve_comes_off_the_top():
    tr = Trace("waitlist", {C: 2.0})
    tr.pool.reserve({C: 1.5})
    tr.job(0, "A", {C: 1.0}, 1.0)  # only 0.5 h left for jobs: A waits for ever
    tr.run(5)
    assert tr.jobs["A"].state == QUEUED
    assert tr.pool.recruitment_intensity == 1.0
    tr.pool.set_capacity({C: 1.0})
    assert tr.pool.recruitment_intensity == pytest.approx(1 / 1.5)
    assert tr.pool.int_used[C] == pytest.approx(1.5 * 5)


# ---------------------------------------------------------------------------------- share


def test_share_splits_the_hours_and_slows_both():
    """c = 2 h, two jobs need 2 h for 2 weeks: each gets half, both finish at 4."""
    tr = Trace("share", {C: 2.0})
    tr.job(0, "A", {C: 2.0}, 2.0)
    tr.job(0, "B", {C: 2.0}, 2.0)
    tr.run(10)
    assert tr.times("A", "done") == [pytest.approx(4)]
    assert tr.times("B", "done") == [pytest.approx(4)]
    assert tr.pool.int_used[C] == pytest.approx(2 * 4)
    assert tr.pool.int_needed[C] == pytest.approx(4 * 4)


def test_share_late_arrival_slows_the_running_job():
    """A alone at full speed 0-1 (1 week left), then A and B at half speed: both end at 3."""
    tr = Trace("share", {C: 2.0})
    tr.job(0, "A", {C: 2.0}, 2.0)
    tr.job(1, "B", {C: 2.0}, 1.0)
    tr.run(10)
    assert tr.times("A", "done") == [pytest.approx(3)]
    assert tr.times("B", "done") == [pytest.approx(3)]
    assert tr.pool.int_used[C] == pytest.approx(2 * 3)


def test_share_crisis_work_first():
    """A crisis job takes all of c for its week; the other job stands still until then."""
    tr = Trace("share", {C: 2.0})
    tr.job(0, "A", {C: 2.0}, 2.0, PRIORITY_PLACED)
    tr.job(0, "crisis", {C: 2.0}, 1.0, PRIORITY_CRISIS)
    tr.run(10)
    assert tr.times("crisis", "done") == [pytest.approx(1)]
    assert tr.times("A", "done") == [pytest.approx(3)]


def test_share_rate_of_the_least_covered_role():
    """A needs c and p; p is overloaded by B (factor 1/2), so A runs at half speed although c
    is free: A's 1 week of work takes 2."""
    tr = Trace("share", {C: 5.0, P: 2.0})
    tr.job(0, "A", {C: 1.0, P: 2.0}, 1.0)
    tr.job(0, "B", {P: 2.0}, 10.0)
    tr.run(2.5)
    assert tr.times("A", "done") == [pytest.approx(2)]
    assert tr.pool.int_used[C] == pytest.approx(0.5 * 2)


def test_share_underserved_flag_fires_changed():
    tr = Trace("share", {C: 2.0})
    tr.job(0, "A", {C: 2.0}, 4.0)
    fired: list[float] = []

    def watch() -> None:
        assert tr.jobs["A"].underserved is False
        tr.pool.changed(tr.jobs["A"]).callbacks.append(lambda _e: fired.append(tr.env.now))

    tr.at(0.5, watch)
    tr.job(1, "B", {C: 2.0}, 0.5)  # A slows to half from 1 to 2, then full speed again
    tr.run(10)
    assert fired == [1]
    assert tr.jobs["A"].underserved is False
    assert tr.times("A", "done") == [pytest.approx(4.5)]


def test_share_caseload_cap_queues():
    tr = Trace("share", {C: 2.0}, caps={C: 1})
    tr.job(0, "A", {C: 1.0}, 2.0)
    tr.job(0, "B", {C: 1.0}, 2.0)
    tr.run(10)
    assert tr.times("B", "start") == [2] and tr.times("B", "done") == [pytest.approx(4)]


def test_share_many_equal_jobs_finish_together():
    """200 jobs of 1 h on 10 h: each runs at 1/20 speed, so 0.5 weeks of work take 10."""
    tr = Trace("share", {C: 10.0})
    for i in range(200):
        tr.job(0, f"j{i}", {C: 1.0}, 0.5)
    tr.run(20)
    done = [t for t, _n, w in tr.log if w == "done"]
    assert len(done) == 200 and done == pytest.approx([10.0] * 200)
    assert tr.pool.int_used[C] == pytest.approx(10 * 10)
    assert all(j.state == DONE for j in tr.jobs.values())


def test_share_suspend_keeps_the_remaining_work():
    tr = Trace("share", {C: 1.0})
    tr.job(0, "A", {C: 1.0}, 3.0)
    tr.at(1, lambda: tr.pool.suspend(tr.jobs["A"]))
    tr.at(4, lambda: tr.pool.resume(tr.jobs["A"]))
    tr.run(10)
    assert tr.times("A", "done") == [pytest.approx(6)]
    assert tr.jobs["A"].state == DONE and tr.pool.cases[C] == 0
    assert tr.jobs["A"].state != RUNNING
