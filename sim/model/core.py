"""The P&P model: children flow through the phases, drawing on staff hours and foster families.

One :class:`PnPModel` is one replication. Its processes are
- the referral process (Poisson, rate by schedule) that creates children;
- one life process per child: assessment, matching with a family (three sub-phases, each of
  which can fail), then the placed phases fitting, training, guidance (with training episodes
  for new developmental tasks) and anchoring, until handover to regular foster care;
- family recruitment and screening (``sim.model.families``);
- the staff schedule, which changes the hours per role over time (``sim.model.staff``);
- the run loop, which writes one row of the weekly series at the end of every week.

While placed (fitting to anchoring), a child faces two competing risks: breakdown and crisis.
Both are Poisson with a rate that depends on the phase, the child and whether the case gets
its hours; each time that rate changes, the time to the next risk event is drawn afresh,
which is exact for piecewise-constant hazards.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from sim.model import ageing, leaving, rng, startstate, withdrawal
from sim.model.families import COMPLEXITY_RANK, Family, FamilyPool
from sim.model.recorder import (
    CRISIS_ADMISSION,
    EXITED,
    STATES,
    WAITING_FAMILY,
    WAITING_STAFF,
    Recorder,
)
from sim.model.staff import (
    DONE,
    PRIORITY_ASSESSMENT,
    PRIORITY_CRISIS,
    PRIORITY_MATCHING,
    PRIORITY_PLACED,
    QUEUED,
    Job,
    staff_pool,
)
from sim.scenario.distributions import Fixed
from sim.scenario.domain import CHILD_PHASES, MATCHING_PHASES, PLACED_PHASES, ROLES
from sim.scenario.schema import ComplexityEffect, Scenario, total_hours

Proc = Generator[simpy.Event, Any, Any]
BREAKDOWN = "breakdown"
COMPLETED = "completed"
_NO_EFFECT = ComplexityEffect()


def _first_step(fn: Callable[..., None], *args: Any) -> Proc:
    """A process whose only step calls ``fn``: it starts a callback chain at the moment a
    process created here would take its first step, so the events keep their order."""
    fn(*args)
    yield from ()


def _first_of(env: simpy.Environment, *events: simpy.Event) -> simpy.Event:
    """An event that fires when the first of ``events`` is processed: SimPy's ``any_of``
    without building its condition value, which the race never reads (same event order)."""
    first = env.event()

    def fire(_event: simpy.Event) -> None:
        if not first.triggered:
            first.succeed()

    for ev in events:
        ev.callbacks.append(fire)
    return first


class Child:
    """A referred child and what happened to it so far."""

    __slots__ = (
        "id",
        "source",
        "residential",
        "has_family",
        "age",
        "intensity",
        "complexity",
        "cx",
        "referred",
        "initial",
        "stream",
        "_risk",
        "state",
        "state_since",
        "placed",
        "excluded",
        "t_assess",
        "family_wait",
        "first_placement",
        "in_residential",
        "family",
        "outcome",
        "source_needs_family",
        "in_family",
        "day_share",
        "birth",
        "proc",
        "job",
        "pending",
        "elapsed",
    )

    def __init__(self, cid: int, stream: rng.Stream, referred: float, initial: bool):
        self.id = cid
        self.stream = stream
        self._risk: rng.Stream | None = None
        self.referred = referred
        self.initial = initial
        self.state: str | None = None
        self.state_since = referred
        self.placed = False
        self.excluded: set[int] = set()
        self.t_assess: float | None = None
        self.family_wait = 0.0
        self.first_placement: float | None = None
        self.in_residential = False
        self.in_family = False
        self.day_share = 1.0
        self.family: Family | None = None
        self.outcome = ""
        self.source = ""
        self.residential = True
        self.has_family = False
        self.source_needs_family = True
        self.age = 0
        self.intensity = ""
        self.complexity = ""
        self.cx = 0
        # leaving early (sim.model.ageing, sim.model.withdrawal, sim.model.leaving)
        self.birth = 0.0
        self.proc: simpy.Process | None = None
        self.job: Job | None = None
        self.pending: simpy.Event | None = None
        self.elapsed: tuple[str, float] | None = None  # start state: (phase, weeks done)


class PnPModel:
    """One replication of one scenario."""

    def __init__(self, scenario: Scenario, seed: int, rep: int, detail: bool = True):
        self.s = scenario
        self.seed = seed
        self.rep = rep
        self.env = simpy.Environment()
        self.streams = rng.Streams(seed, rep)
        self.horizon = scenario.horizon_weeks
        self.warmup = scenario.warmup_weeks
        self.rec = Recorder(self.env, self.warmup, detail)
        caps = {r: scenario.staff.role(r).caseload_cap for r in ROLES}
        self.staff = staff_pool(self.env, scenario.policy, caps)
        self.families = FamilyPool(self.env, scenario, self.streams, self.staff, detail=detail)
        self.children: list[Child] = []
        self.counts = dict.fromkeys(
            ("referrals", "placements", "completed", "breakdowns", "crises",
             "crisis_admissions", "left", leaving.AGED_OUT, leaving.WITHDRAWN),
            0,
        )
        self._snapshots: list[tuple[float, ...]] = []  # detail only: the weekly rows
        #: Per week: families in the pool and children waiting for staff and for a family at
        #: the week's end (what the KPIs read of the weekly series).
        self._week_ends: list[tuple[int, int, int]] = []
        self.age_outs = ageing.AgeOuts(self)
        self.withdrawal_armed: dict[int, tuple[str | None, float]] = {}
        self.withdrawal_streams: dict[int, rng.Stream] = {}
        self.elapsed_seen: dict[str, int] = {}
        self.profiles_seen: dict[str, int] = {}
        self.window_start: dict[str, dict[str, float]] = {}
        self._prepare()

    # ------------------------------------------------------------------ set-up

    def _effect(self, complexity: str) -> ComplexityEffect:
        return self.s.complexity_effects.get(complexity, _NO_EFFECT)  # type: ignore[call-overload]

    def _prepare(self) -> None:
        """Precompute hours per phase and complexity, so the hot path only looks them up."""
        s = self.s
        self._needs: dict[str, dict[str, dict[str, float]]] = {}
        for phase in CHILD_PHASES:
            base = total_hours(s.phases.spec(phase).hours)
            self._needs[phase] = {
                cx: {
                    r: h * self._effect(cx).hours
                    for r, h in base.items()
                    if h * self._effect(cx).hours > 0
                }
                for cx in COMPLEXITY_RANK
            }
        self._durations = {
            phase: {
                cx: (s.phases.spec(phase).duration_for(cx), self._effect(cx).duration)
                for cx in COMPLEXITY_RANK
            }
            for phase in CHILD_PHASES
        }
        #: Phases that never take time for a child of this complexity (a fixed zero duration):
        #: they are skipped, passing over the draw their duration would have used.
        self._instant = {
            phase: {
                cx for cx, (dist, mult) in by_cx.items()
                if mult == 0 or (isinstance(dist, Fixed) and dist.value == 0)
            }
            for phase, by_cx in self._durations.items()
        }
        self._success = {sub: s.phases.spec(sub).success for sub in MATCHING_PHASES}
        #: Per complexity, the draws that matching and the placed phases pass over when none
        #: of them takes time and every matching step succeeds (0 if not so): such a child
        #: goes through them at once, as it would step by step (issue 16; the textbook
        #: queues, where six of the seven phases take no time).
        sure = all(p >= 1.0 for p in self._success.values())
        self._instant_matching = {
            cx: 2 * len(MATCHING_PHASES)
            if sure and all(cx in self._instant[sub] for sub in MATCHING_PHASES) else 0
            for cx in COMPLEXITY_RANK
        }
        #: (Guidance draws its work rather than passing over a draw: one draw either way.)
        self._instant_placement = {
            cx: len(PLACED_PHASES)
            if all(cx in self._instant[p] for p in PLACED_PHASES) else 0
            for cx in COMPLEXITY_RANK
        }
        ref = s.referrals
        self._sources = rng.cumulative(list(ref.sources), [v.share for v in ref.sources.values()])
        self._intensities = rng.cumulative(list(ref.intensity), list(ref.intensity.values()))
        self._complexities = rng.cumulative(list(ref.complexity), list(ref.complexity.values()))
        self._listener = self._job_moved
        self._crisis_needs = total_hours(s.crisis.hours)
        self._crisis_rate = s.crisis.per_placement_per_year / 52.0
        hz = s.breakdown.weekly_hazard
        self._hazard: dict[str, float] = {p: float(hz.get(p, 0.0)) for p in PLACED_PHASES}  # type: ignore[call-overload]
        #: Whether any wait can end in a withdrawal (else no clock is ever armed).
        wd = s.withdrawal
        self._withdraws = wd.waiting_staff_per_year > 0 or wd.waiting_family_per_year > 0

    def work(self, child: Child, phase: str) -> float:
        """Weeks of fully staffed progress this child needs in ``phase``."""
        dist, mult = self._durations[phase][child.complexity]
        if child.elapsed is not None:  # a start-state child part-way through its phase
            return startstate.remaining_work(child, phase, dist, mult)
        return float(dist.sample(child.stream.uniform())) * mult

    def _instant_phase(self, child: Child, phase: str) -> bool:
        """Whether ``phase`` takes no time for this child; if so its duration draw is passed
        over, so the child's later draws stay the same as when it was sampled."""
        if child.complexity in self._instant[phase]:
            child.stream.skip()
            return True
        return False

    def risk_stream(self, child: Child) -> rng.Stream:
        if child._risk is None:
            child._risk = self.streams.get(rng.CHILD, child.id, 1, buffer=16)
        return child._risk

    # ------------------------------------------------------------------ run

    def run(self) -> PnPModel:
        env = self.env
        env.process(self._staff_schedule())
        self.staff.reserve(total_hours(self.s.phases.sensibiliseren.hours))
        env.process(_first_step(self.families.recruit,
                                self.streams.get(rng.FAMILY_ARRIVALS, buffer=256)))
        env.process(self._referrals())
        self._start_state()
        if self.warmup > 0:
            env.process(self._mark_warmup())
        else:
            self._window_start()
        self._run_weeks()
        if len(self._week_ends) < int(self.horizon):
            self._record_week(self.horizon)  # the last full week ends at the horizon itself
        self.rec.settle()
        self.staff.account()
        self.rec.open_stays(self.children)
        return self

    def release(self) -> None:
        """Break the model's reference cycles once its results have been read, so that
        reference counting frees it at once (issue 16).

        A model is one web of cycles (a child and its job, a waiting process and its event,
        the pool's jobs and the model's listener), which only Python's cyclic garbage
        collector could free: it did so while later replications ran, and traversed every
        live object each time (a fifth to a quarter of a replication's CPU). The model cannot
        be read after this.
        """
        self.env._queue.clear()  # pending events hold callbacks into the model
        for child in self.children:
            proc = child.proc
            if proc is not None and proc.is_alive:
                proc._generator.close()  # its frame holds the child and the model
            child.proc = child.job = child.pending = None
        for part in (self.staff, self.families, self.age_outs, self):
            vars(part).clear()  # the pools' jobs call back into the pools and the model

    def _staff_schedule(self) -> Proc:
        staff = self.s.staff
        weeks = sorted({st.from_week for r in ROLES for st in staff.role(r).schedule})
        for week in weeks:
            if week >= self.horizon:
                break
            if week > self.env.now:
                yield self.env.timeout(week - self.env.now)
            self.staff.set_capacity(
                {
                    r: staff.role(r).hours_at(week) * (1.0 - staff.role(r).leave_share)
                    for r in ROLES
                }
            )

    def _mark_warmup(self) -> Proc:
        yield self.env.timeout(self.warmup)
        self._window_start()

    def _window_start(self) -> None:
        self.rec.mark_window_start()
        self.staff.account()
        st = self.staff
        self.window_start = {
            "available": dict(st.int_available),
            "used": dict(st.int_used),
            "needed": dict(st.int_needed),
            "cases": dict(st.int_cases),
        }
        self.window_start["counts"] = {k: float(v) for k, v in self.counts.items()}

    def _run_weeks(self) -> None:
        """Run to the horizon, writing one row per week (children per state at the week's end,
        hours averaged over it).

        The row of week k is written once every event due at or before k has been processed,
        so it sees a schedule step or a family leaving at k, as a monitor process's one-week
        timeouts did; it costs no event of its own. (A monitor timeout came before events at
        exactly k that were created after week k-1's row: only durations that add up to whole
        weeks from within a week could tell the difference.)
        """
        env = self.env
        week = 1.0
        while week < self.horizon:
            while env.peek() <= week:
                env.step()
            self._record_week(week)
            week += 1.0
        env.run(until=self.horizon)

    def _record_week(self, week: float) -> None:
        """What the KPIs need of week ``week``'s end; with ``detail`` also the full snapshot of
        counts and cumulative hour integrals, differenced in :meth:`weekly_rows`. Without it
        the hour integrals are not split at week ends (only their totals are read)."""
        rec, fam = self.rec, self.families
        count = rec.count
        self._week_ends.append((fam.size, count[WAITING_STAFF], count[WAITING_FAMILY]))
        if not rec.detail:
            return
        st = self.staff
        st.account_until(week)
        self._snapshots.append((
            *rec.count.values(), fam.size, fam.in_screening, rec.referred, rec.exited,
            *st.int_available.values(), *st.int_needed.values(), *st.int_used.values(),
            *st.int_cases.values(),
        ))

    def weekly_rows(self) -> np.ndarray:
        """One row per full week: counts at the week's end, hours and cases averaged over it."""
        if not self._snapshots:
            return np.zeros((0, 1 + len(STATES) + 4 + 4 * len(ROLES)))
        snap = np.asarray(self._snapshots, dtype=float)
        split = len(STATES) + 4
        integrals = snap[:, split:]
        per_week = np.diff(integrals, axis=0, prepend=np.zeros((1, integrals.shape[1])))
        weeks = np.arange(len(snap), dtype=float)[:, None]
        return np.hstack([weeks, snap[:, :split], per_week])

    # ------------------------------------------------------------------ referrals

    def _referrals(self) -> Proc:
        """Poisson referrals with a rate that follows the schedule (by thinning)."""
        steps = self.s.referrals.schedule
        peak = max(st.per_year for st in steps) / 52.0
        if peak <= 0:
            return
        arrivals = self.streams.get(rng.REFERRALS, buffer=256)
        index = 0
        while True:
            yield self.env.timeout(arrivals.exponential(peak))
            now = self.env.now
            rate = steps[0].per_year
            for st in steps:
                if st.from_week <= now:
                    rate = st.per_year
            if arrivals.uniform() * peak * 52.0 >= rate:
                continue
            index += 1
            child = self._new_child(index, now, initial=False)
            self.counts["referrals"] += 1
            self._start_life(child, "assessment")

    def _new_child(self, index: int, now: float, initial: bool) -> Child:
        purpose = rng.INITIAL_CHILD if initial else rng.CHILD
        stream = self.streams.get(purpose, index, buffer=24)
        child = Child(len(self.children) + 1, stream, now, initial)
        ref = self.s.referrals
        child.source = stream.pick(self._sources)
        src = ref.sources[child.source]
        child.residential = src.residential
        child.has_family = src.has_family
        child.source_needs_family = not src.has_family
        child.age = stream.integer(ref.age.min, ref.age.max)
        child.intensity = stream.pick(self._intensities)
        child.complexity = stream.pick(self._complexities)
        child.cx = COMPLEXITY_RANK[child.complexity]
        child.day_share = self.s.costs.day_share.get(child.intensity, 1.0)
        self.children.append(child)
        self.rec.referral(child)
        ageing.set_birth(self, child)
        return child

    def _start_state(self) -> None:
        """Children already in the programme, and families already approved, at week 0."""
        start = self.s.start_state
        fam_stream = self.streams.get(rng.INITIAL_FAMILY, buffer=64)
        pool = []
        for _ in range(start.families_in_pool):
            draws = [fam_stream.uniform() for _ in range(12)]
            pool.append(self.families.new_family(draws))
            self.families.add(pool[-1])
        if start.families_in_screening:
            self.families.start_screening(start.families_in_screening,
                                          self.streams.get(rng.INITIAL_SCREENING, buffer=64))
        # in a running programme a family that fits a waiting child takes it at once: in a
        # snapshot the waiting children are ones the pool's families did not take
        passed_over = {f.id for f in pool} if start.pool_fits_no_waiting_child else set()
        index = 0
        for state, n in start.children.items():
            for _ in range(n):
                index += 1
                child = self._new_child(index, 0.0, initial=True)
                startstate.set_elapsed(self, child, state)
                startstate.set_profile(self, child, state)
                child.cx = COMPLEXITY_RANK[child.complexity]
                if state in MATCHING_PHASES or state in PLACED_PHASES:
                    child.family = self.families.family_for(child, [])
                elif state == "waiting_family":
                    child.excluded.update(passed_over)
                self._start_life(child, state)

    # ------------------------------------------------------------------ a child's life

    def _start_life(self, child: Child, start: str) -> None:
        """Start the child's life process, with its ageing-out timer (``sim.model.ageing``)."""
        child.proc = self.env.process(self._guarded_life(child, start))
        self.age_outs.add(child)

    def _guarded_life(self, child: Child, start: str) -> Proc:
        """The child's life; ageing out or withdrawal interrupts it (``sim.model.leaving``)."""
        try:
            yield from self._life(child, start)
        except simpy.Interrupt as stop:
            leaving.settle(self, child, str(stop.cause))

    def _life(self, child: Child, start: str) -> Proc:
        """From referral (or the given start state) to leaving the programme."""
        rec = self.rec
        if start == "assessment" and not self._instant_phase(child, "assessment"):
            yield from self._phase(child, "assessment", PRIORITY_ASSESSMENT)
        first_match = MATCHING_PHASES.index(start) if start in MATCHING_PHASES else 0
        placed_from = start if start in PLACED_PHASES else PLACED_PHASES[0]
        skip_matching = start in PLACED_PHASES
        while True:
            if not skip_matching and not child.has_family:
                if child.family is None:
                    rec.move(child, WAITING_FAMILY, "family")
                    if self._withdraws:
                        withdrawal.on_wait(self, child)
                    child.pending = self.families.request(child)
                    child.family = yield child.pending
                    child.pending = None
                    if rec.detail:
                        rec.log(child.id, "family_found", "", str(child.family.id))
                matched = True
                instant = self._instant_matching[child.complexity]
                if instant and not first_match:  # every step instant and sure: at once
                    child.stream.skip(instant)
                    first_match = len(MATCHING_PHASES)
                for sub in MATCHING_PHASES[first_match:]:
                    if not self._instant_phase(child, sub):
                        yield from self._phase(child, sub, PRIORITY_MATCHING)
                    if not child.stream.uniform() < self._success[sub]:
                        matched = False
                        if rec.detail:
                            rec.log(child.id, "match_failed", sub, str(child.family.id))
                        child.excluded.add(child.family.id)
                        self.families.failed_match(child.family)
                        child.family = None
                        break
                first_match = 0
                if not matched:
                    continue
            skip_matching = False
            outcome = yield from self._placement(child, placed_from)
            placed_from = PLACED_PHASES[0]
            if outcome == COMPLETED:
                self.counts["completed"] += 1
                child.outcome = COMPLETED
                rec.move(child, EXITED, COMPLETED)
                return
            # breakdown: back to the residential group
            self.counts["breakdowns"] += 1
            rec.log(child.id, "breakdown")
            if child.family is not None and not child.has_family:
                child.excluded.add(child.family.id)
                self.families.after_breakdown(child.family)
            child.family = None
            child.has_family = False
            child.placed = False
            child.residential = True
            if self.risk_stream(child).uniform() < self.s.breakdown.rematch_share:
                continue
            self.counts["left"] += 1
            child.outcome = "left"
            rec.move(child, EXITED, "left")
            return

    def _placement(self, child: Child, start: str) -> Proc:
        """Fitting to anchoring; returns COMPLETED or BREAKDOWN."""
        child.placed = True
        if start == PLACED_PHASES[0]:
            self.counts["placements"] += 1
            if self.rec.detail:
                self.rec.log(child.id, "placement", start,
                             str(child.family.id) if child.family else "")
        if child.first_placement is None:
            child.first_placement = self.env.now
        instant = self._instant_placement[child.complexity]
        if instant and start == PLACED_PHASES[0] and child.elapsed is None:
            child.stream.skip(instant)  # no placed phase takes time: each passes over a draw
            return COMPLETED
        for phase in PLACED_PHASES[PLACED_PHASES.index(start):]:
            if phase == "guidance":
                outcome = yield from self._guidance(child)
            elif self._instant_phase(child, phase):
                continue
            else:
                outcome = yield from self._phase(child, phase, PRIORITY_PLACED)
            if outcome == BREAKDOWN:
                return BREAKDOWN
        return COMPLETED

    def _guidance(self, child: Child) -> Proc:
        """Begeleiding, interrupted by training episodes when a new developmental task comes."""
        spec = self.s.phases.guidance
        remaining = self.work(child, "guidance")
        rate = spec.new_task_per_year / 52.0
        effect = self._effect(child.complexity)
        while remaining > 0:
            gap = child.stream.exponential(rate)
            stretch = min(gap, remaining)
            outcome = yield from self._phase(child, "guidance", PRIORITY_PLACED, work=stretch)
            if outcome == BREAKDOWN:
                return BREAKDOWN
            remaining -= stretch
            if remaining <= 0:
                break
            episode = spec.task_training.sample(child.stream.uniform()) * effect.duration
            self.rec.log(child.id, "new_task", "training")
            outcome = yield from self._phase(child, "training", PRIORITY_PLACED, work=episode)
            if outcome == BREAKDOWN:
                return BREAKDOWN
        return COMPLETED

    def _phase(self, child: Child, phase: str, priority: int, work: float | None = None) -> Proc:
        """Do one phase's work with the hours it needs; placed children face their risks."""
        if work is None:
            work = self.work(child, phase)
        if work <= 0:
            return COMPLETED
        job = self.staff.serve(self._needs[phase][child.complexity], work, priority,
                               self._listener, child, phase)
        child.job = job
        if job.state == QUEUED:  # a job that starts at once moved the child into the phase
            self.rec.move(child, WAITING_STAFF, phase)
            if self._withdraws:
                withdrawal.on_wait(self, child)
        if not child.placed:
            yield job.done
            return COMPLETED
        return (yield from self._race(child, phase, job))

    def _job_moved(self, job: Job, running: bool) -> None:
        """A child's job started (the child is in the phase) or stopped (it waits for staff)."""
        child = job.owner
        if running:
            if child.t_assess is None and job.phase == "assessment":
                child.t_assess = self.env.now
            self.rec.move(child, job.phase)
        else:
            self.rec.move(child, WAITING_STAFF, job.phase)
            if self._withdraws:
                withdrawal.on_wait(self, child)

    def _race(self, child: Child, phase: str, job: Job) -> Proc:
        """Wait for the job while breakdown and crisis compete with it."""
        env, staff = self.env, self.staff
        risk = self.risk_stream(child)
        base = self._hazard[phase] * self._effect(child.complexity).breakdown
        underserved_mult = self.s.breakdown.underserved
        while job.state != DONE:
            # the age multiplier follows the current age; at a birthday the clock is redrawn
            age_mult, birthday = ageing.age_multiplier(self, child, env.now)
            if base <= 0:
                birthday = float("inf")
            hazard = base * age_mult * (underserved_mult if job.underserved else 1.0)
            total = hazard + self._crisis_rate
            if total <= 0:
                yield job.done
                break
            delay = risk.exponential(total)
            clock = env.timeout(delay)
            events = [job.done, clock]
            if job.needs:
                events.append(staff.changed(job))
            # a birthday after the clock rings can never come first: no timer for it
            if birthday < env.now + delay:
                events.append(env.timeout(max(0.0, birthday - env.now)))
            yield _first_of(env, *events)
            if job.state == DONE or not clock.processed:
                continue  # finished, or the hours changed: draw the clock afresh
            if risk.uniform() * total < hazard:
                staff.cancel(job)
                return BREAKDOWN
            yield from self._crisis(child, job, risk, phase)
        return COMPLETED

    def _crisis(self, child: Child, job: Job, risk: rng.Stream, phase: str) -> Proc:
        """On-call crisis work first; sometimes a crisis admission that pauses the phase."""
        self.counts["crises"] += 1
        self.rec.log(child.id, "crisis", phase)
        crisis = self.s.crisis
        work = crisis.work_duration.sample(risk.uniform())
        admitted = risk.uniform() < crisis.admission_probability
        weeks = crisis.admission_duration.sample(risk.uniform())
        if self._crisis_needs and work > 0:
            self.staff.serve(self._crisis_needs, work, PRIORITY_CRISIS)
        if not admitted or weeks <= 0:
            return
        self.counts["crisis_admissions"] += 1
        self.staff.suspend(job)
        self.rec.move(child, CRISIS_ADMISSION, phase)
        yield self.env.timeout(weeks)
        self.rec.move(child, WAITING_STAFF, phase)
        self.staff.resume(job)
