"""The least-staffing search: a monotone grid search with sequential replications and a
confirmation on fresh replications (the guarantee; see :mod:`sim.staffing.guarantee`).

1. **Analytic bound.** A role whose hours leave less than its offered load
   (:mod:`sim.staffing.bounds`) fails the stability target without any simulation. The
   square-root staffing guess is the first value probed on each role's axis.
2. **Monotonicity.** More hours never make a target worse (up to noise), so a point that meets
   makes every larger point meet, and one that does not meet makes every smaller point not
   meet; such points are inferred, never simulated. The search first tests the largest
   staffing (all upper bounds: if that does not meet, nothing does), then finds each role's
   least value with the others at their upper bounds (no minimal point lies below it), then
   walks the reduced box: for each value of the first axis, the minimal points of the others
   (recursively; one axis: a binary search), stopping once the others are at their least.
3. **Sequential replications, common random numbers.** Every candidate runs replications
   0, 1, ... of the same seed (so candidates share referrals, children and families), first a
   few, then doubling, only while some target is undecided, up to a cap. A candidate *meets*
   only at the confirmation's strictness (one-sided ``look_level``), so the point put to
   confirmation has the margin to pass it; it *fails* at the planner's confidence (a wrong
   "fails" only makes the answer less lean, never wrong).
4. **Confirmation.** The cheapest minimal point is confirmed on a block of fresh replications
   the search never used; if it does not pass, it is marked and the search goes on from the
   next cheapest, at most ``confirm_attempts`` times.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from sim.scenario.schema import Scenario, scenario_hash, scenario_to_dict
from sim.staffing.bounds import RoleLoad, offered_loads
from sim.staffing.decide import (
    FAILS,
    MEETS,
    UNDECIDED,
    Decision,
    judge,
    settled,
    stages,
)
from sim.staffing.evaluate import Cancelled, Evaluator, Spent
from sim.staffing.floor import Floor, compute_floor
from sim.staffing.space import RECRUITMENT, Point, Space, Variable, apply_point
from sim.staffing.targets import Stability, Target
from sim.staffing.tracker import Report, Tracker


@dataclass(frozen=True)
class Settings:
    """How hard the search looks, and the confidence of its answer."""

    #: Confidence of the answer: P(the returned staffing misses a target) <= 1 - confidence.
    confidence: float = 0.95
    #: Replications of a candidate at its first look [assume]; doubled while undecided ...
    first_reps: int = 5
    #: ... up to this many [assume].
    max_reps: int = 40
    #: Fresh replications confirming the answer [assume].
    confirm_reps: int = 30
    #: Candidates that may be put to confirmation; the error is split over them.
    confirm_attempts: int = 3
    #: Looks per confirmation: confirm_reps fresh replications, then twice and four times as
    #: many while undecided (a staffing just inside a noisy target needs many to confirm).
    confirm_looks: int = 3
    #: First replication index of the confirmation blocks (far from the search's 0, 1, ...).
    confirm_offset: int = 100_000
    stability: Stability = Stability()
    #: When nothing meets the targets: try the levers (recruitment, hours, phase durations)
    #: and show those that meet the targets on simulation.
    explain_recruitment: bool = True
    #: Compute the floor (what no staffing can beat) before the search, and refuse a target
    #: below it without searching (:mod:`sim.staffing.floor`).
    floor: bool = True
    #: Replications per floor setting and per lever checked (None: the scenario's own
    #: ``replications``, so the figures are the Results tab's).
    floor_reps: int | None = None

    @property
    def alpha(self) -> float:
        return 1.0 - self.confidence

    @property
    def confirm_level(self) -> float:
        """Confidence of each confirmation attempt: the error split over the attempts."""
        return 1.0 - self.alpha / self.confirm_attempts

    @property
    def recheck_reps(self) -> int:
        """Search replications a frontier point must still meet on before confirmation."""
        return 2 * self.max_reps

    @property
    def most_confirm_reps(self) -> int:
        """Fresh replications one confirmation may use (all its looks)."""
        return 2 ** (self.confirm_looks - 1) * self.confirm_reps

    @property
    def look_level(self) -> float:
        """One-sided level of each look of a confirmation (its error split over the looks)."""
        return 1.0 - self.alpha / (self.confirm_attempts * self.confirm_looks)


@dataclass
class FrontierPoint:
    """A minimal feasible staffing: no axis can lose a step without failing."""

    point: Point
    decision: Decision
    objective: tuple[float, float]
    cost: float | None
    #: (variable key, reason): the axes that cannot go down a step, and why (a target, or
    #: "lower bound").
    binding: list[tuple[str, str]] = field(default_factory=list)
    confirmed: bool | None = None


@dataclass
class StaffingResult:
    """Everything a search found; :mod:`sim.staffing.outputs` writes and prints it."""

    scenario: Scenario
    space: Space
    targets: list[Target]
    settings: Settings
    seed: int
    answer: Point | None
    confirmation: Decision | None
    attempts: int
    frontier: list[FrontierPoint]
    decisions: dict[Point, Decision]
    loads: dict[str, RoleLoad]
    spent: Spent
    grid_size: int
    elapsed_s: float = 0.0
    #: Why nothing meets the targets, each line in both languages ({"nl": ..., "en": ...}).
    limits: list[dict[str, str]] = field(default_factory=list)
    #: Levers checked by simulation that meet the targets, each line in both languages.
    helps: list[dict[str, str]] = field(default_factory=list)
    refuted: list[Point] = field(default_factory=list)
    #: What no staffing can beat (None when the floor was not computed).
    floor: Floor | None = None
    #: The planner cancelled: the frontier is what was found by then, unconfirmed.
    cancelled: bool = False
    #: Index in ``helps`` -> the scenario that lever was checked on (to load and run it).
    levers: dict[int, Scenario] = field(default_factory=dict)

    @property
    def simulated(self) -> int:
        return sum(1 for d in self.decisions.values() if d.how in ("simulated",))

    @property
    def full_grid_reps(self) -> int:
        """Replications a full grid at the same step would take at the search's cap."""
        return self.grid_size * self.settings.max_reps

    @property
    def answer_decision(self) -> Decision | None:
        return self.decisions.get(self.answer) if self.answer is not None else None


Progress = Report
#: Frontier points re-checked on more search replications before the search gives up.
MAX_RECHECKS = 25


class Search:
    """One search; :func:`search_staffing` is the usual entry point."""

    def __init__(self, scenario: Scenario, space: Space, targets: list[Target],
                 evaluator: Evaluator, settings: Settings | None = None,
                 progress: Progress | None = None):
        self.scenario = scenario
        self.base = scenario_to_dict(scenario)
        self.space = space
        self.settings = settings or Settings()
        self.targets = list(targets)
        if self.settings.stability.enabled:
            measured = scenario.horizon_weeks - scenario.warmup_weeks
            self.targets.append(self.settings.stability.target(measured))
        self.ev = evaluator
        self.progress = progress
        self.decisions: dict[Point, Decision] = {}
        self._meets: list[Point] = []
        self._not: list[Point] = []
        self._loads: dict[float, dict[str, RoleLoad]] = {}
        self.refuted: list[Point] = []
        self.floor: Floor | None = None
        self.tracker = Tracker(None, space.grids(), self.settings.floor)

    # ------------------------------------------------------------------ one candidate

    def loads_at(self, point: Point) -> dict[str, RoleLoad]:
        fam = next((x for v, x in zip(self.space.variables, point, strict=True)
                    if v.key == RECRUITMENT), self.scenario.families.interested_per_year)
        if fam not in self._loads:
            scen = self.scenario
            if fam != scen.families.interested_per_year:
                scen = apply_point(self.base, Space((Variable(RECRUITMENT, fam, fam, 1.0),)),
                                   (fam,))
            self._loads[fam] = offered_loads(scen)
        return self._loads[fam]

    def overloaded(self, point: Point) -> list[str]:
        """Roles whose steady-state hours at ``point`` leave less than their offered load."""
        hours = {r: self.scenario.staff.role(r).schedule[-1].hours
                 for r in self.loads_at(point)}
        for v, x in zip(self.space.variables, point, strict=True):
            if v.is_role:
                hours[v.key] = x
        return [r for r, load in self.loads_at(point).items() if not load.stable_at(hours[r])]

    def _infer(self, point: Point) -> Decision | None:
        for p in self._meets:
            if all(a >= b for a, b in zip(point, p, strict=True)):
                src = self.decisions[p]
                return replace(src, point=point, how=f"inferred from {self.space.short(p)}",
                               status=MEETS)
        for p in self._not:
            if all(a <= b for a, b in zip(point, p, strict=True)):
                src = self.decisions[p]
                return replace(src, point=point, how=f"inferred from {self.space.short(p)}")
        return None

    def decide(self, point: Point) -> Decision:
        """The decision on ``point``: cached, inferred, analytic or simulated."""
        if point in self.decisions:
            return self.decisions[point]
        d = self._infer(point)
        if d is None:
            over = self.overloaded(point) if self.settings.stability.enabled else []
            if over:
                d = Decision(point, FAILS, how="analytic load", overloaded=over)
                self._not.append(point)
            else:
                d = self._simulate(point)
                (self._meets if d.status == MEETS else self._not).append(point)
        self.decisions[point] = d
        self.tracker.candidate(len(self.decisions), self.ev.spent.ran, self.ev.spent.cached)
        return d

    def _simulate(self, point: Point, most: int | None = None) -> Decision:
        """Sequential stages up to ``max_reps``; with ``most``: one look at ``most``."""
        scen = apply_point(self.base, self.space, point)
        h = scenario_hash(scen)
        d = Decision(point, UNDECIDED)
        looks = [most] if most else stages(self.settings.first_reps, self.settings.max_reps)
        for n in looks:
            self.tracker.doing_now("progress_check", point=self.space.short(point), done=0,
                                   total=n)
            rows = self.ev.kpis(scen, h, range(n))
            d = judge(point, rows, self.targets, self.settings.look_level,
                      fail_level=self.settings.confidence)
            if settled(d):
                break
        return d

    def confirm(self, point: Point, attempt: int) -> Decision:
        """Judge ``point`` on a fresh block of replications: ``confirm_reps`` at the first
        look, twice as many at the second (if the first neither confirms nor refutes), each
        look at the confirmation level split over the looks."""
        scen = apply_point(self.base, self.space, point)
        h = scenario_hash(scen)
        s = self.settings
        start = s.confirm_offset + attempt * s.most_confirm_reps
        d = Decision(point, UNDECIDED)
        for look in range(s.confirm_looks):
            n = 2 ** look * s.confirm_reps
            self.tracker.doing_now("progress_confirm", point=self.space.short(point), done=0,
                                   total=n)
            rows = self.ev.kpis(scen, h, range(start, start + n))
            d = judge(point, rows, self.targets, s.look_level, how="confirmed")
            if d.status in (MEETS, FAILS):
                break
        return d

    def _demote(self, point: Point, decision: Decision) -> None:
        """``point`` no longer counts as meeting; forget what was inferred from it."""
        self.decisions[point] = decision
        self._meets = [p for p in self._meets if p != point]
        self._not.append(point)
        for p in [p for p in self.decisions
                  if self.decisions[p].how == f"inferred from {self.space.short(point)}"]:
            del self.decisions[p]

    def ok(self, point: Point) -> bool:
        return self.decide(point).status == MEETS

    # ------------------------------------------------------------------ the walk

    def least(self, make: Callable[[float], Point], grid: list[float], guess: int | None
              ) -> int | None:
        """Index of the least grid value whose point meets (monotone binary search)."""
        lo, hi, best = 0, len(grid) - 1, None
        probe = guess
        while lo <= hi:
            mid = probe if probe is not None and lo <= probe <= hi else (lo + hi) // 2
            probe = None
            if self.ok(make(grid[mid])):
                best, hi = mid, mid - 1
            else:
                lo = mid + 1
        return best

    def _guess(self, axis: int, grid: list[float]) -> int | None:
        var = self.space.variables[axis]
        if not var.is_role:
            return None
        g = self.loads_at(tuple(v.high for v in self.space.variables))[var.key].sqrt_staffing()
        return next((i for i, x in enumerate(grid) if x >= g), len(grid) - 1)

    def minimal(self, prefix: Point, grids: list[list[float]]) -> list[Point]:
        """Minimal meeting points whose first coordinates are ``prefix``."""
        axis = len(prefix)
        if len(grids) == 1:
            i = self.least(lambda x: (*prefix, x), grids[0], self._guess(axis, grids[0]))
            return [] if i is None else [(*prefix, grids[0][i])]
        out: list[Point] = []
        lowest = tuple(g[0] for g in grids[1:])
        for x in grids[0]:
            sub = self.minimal((*prefix, x), grids[1:])
            out += sub
            if len(sub) == 1 and sub[0][axis + 1:] == lowest:
                break
        return pareto(out)

    def frontier(self, grids: list[list[float]]) -> list[Point]:
        return sorted(self.minimal((), grids), key=self.space.objective)

    def binding(self, point: Point, full: list[list[float]]) -> list[tuple[str, str]]:
        out = []
        for i, var in enumerate(self.space.variables):
            idx = full[i].index(point[i])
            if idx == 0:
                out.append((var.key, "lower bound"))
                continue
            below = (*point[:i], full[i][idx - 1], *point[i + 1:])
            d = self.decide(below)
            if d.status != MEETS:
                if d.overloaded:
                    out.append((var.key, "offered load (stability)"))
                else:
                    why = [c.target for c in d.checks if c.status != MEETS]
                    out.append((var.key, ", ".join(str(t) for t in why) or d.status))
        return out

    def _walk(self) -> StaffingResult:
        """The search proper (after the floor): the walk, the re-check, the confirmation."""
        sp = self.space
        full = sp.grids()
        grid_size = math.prod(len(g) for g in full)
        top = tuple(g[-1] for g in full)
        answer: Point | None = None
        confirmation: Decision | None = None
        attempts = 0
        points: list[Point] = []
        if self.ok(top):
            grids = []
            for axis, g in enumerate(full):
                i = self.least(partial(_with, top, axis), g, self._guess(axis, g))
                grids.append(g[i:] if i is not None else g[-1:])
            rechecked: set[Point] = set()
            while attempts < self.settings.confirm_attempts and len(rechecked) < MAX_RECHECKS:
                points = self.frontier(grids)
                if not points:
                    break
                best = points[0]
                if best not in rechecked and self.decisions[best].how == "simulated":
                    # before spending an attempt: does it still meet on twice the search's
                    # replications? (All candidates share replications 0, 1, ..., so a lucky
                    # sample would otherwise favour the whole frontier at once.)
                    rechecked.add(best)
                    again = self._simulate(best, self.settings.recheck_reps)
                    if again.status != MEETS:
                        self._demote(best, replace(again, how="did not hold on more "
                                                   "replications"))
                        continue
                    self.decisions[best] = again
                self.tracker.set_stage("confirm")
                confirmation = self.confirm(best, attempts)
                attempts += 1
                if confirmation.status == MEETS:
                    answer = best
                    break
                # not confirmed: it no longer counts as meeting; search again around it
                self.tracker.set_stage("walk")
                self.refuted.append(best)
                self._demote(best, replace(confirmation, how="not confirmed"))
            if answer is None and attempts and self.settings.confirm_attempts:
                points = self.frontier(grids)
        front = []
        for p in points:
            front.append(FrontierPoint(p, self.decisions[p], sp.objective(p), sp.cost(p),
                                       self.binding(p, full),
                                       True if p == answer else None))
        return StaffingResult(
            self.scenario, sp, self.targets, self.settings, self.ev.seed, answer, confirmation,
            attempts, front, dict(self.decisions), self.loads_at(top), self.ev.spent,
            grid_size, refuted=list(self.refuted), floor=self.floor)

    def _empty(self, cancelled: bool = False) -> StaffingResult:
        """A result without an answer: the floor refused a target, or the planner cancelled
        (then the frontier is the minimal points found so far, unconfirmed)."""
        sp = self.space
        top = tuple(v.high for v in sp.variables)
        front = [FrontierPoint(p, self.decisions[p], sp.objective(p), sp.cost(p))
                 for p in sorted(pareto(list(self._meets)), key=sp.objective)]
        return StaffingResult(
            self.scenario, sp, self.targets, self.settings, self.ev.seed, None, None, 0,
            front, dict(self.decisions), self.loads_at(top), self.ev.spent,
            math.prod(len(g) for g in sp.grids()), refuted=list(self.refuted),
            floor=self.floor, cancelled=cancelled)

    def run(self) -> StaffingResult:
        """Floor first (a target below it is refused without a search), then the search;
        when nothing meets, what limits and the levers that help (checked by simulation).
        A cancel (``Evaluator.stop``) returns what was found so far."""
        from sim.staffing.frontier import explain

        start = time.monotonic()
        self.tracker = Tracker(self.progress, self.space.grids(), self.settings.floor)
        tracker, ev = self.tracker, self.ev

        def on_rep(done: int, total: int) -> None:
            tracker.spent(ev.spent.ran, ev.spent.cached)
            tracker.rep(done, total)

        self.ev.on_rep = on_rep
        try:
            if self.settings.floor:
                self.floor = compute_floor(
                    self.scenario, self.space, self.targets, self.ev,
                    self.settings.confidence, self.settings.floor_reps,
                    tick=self.tracker.floor_step,
                    stability_children=self.settings.stability.children
                    if self.settings.stability.enabled else None)
                self.tracker.set_stage("walk")
            if self.floor is not None and self.floor.blocked:
                result = self._empty()
            else:
                result = self._walk()
            if result.answer is None:
                explain(self, result)
        except Cancelled:
            result = self._empty(cancelled=True)
        finally:
            self.ev.on_rep = None
        result.spent = self.ev.spent
        result.elapsed_s = time.monotonic() - start
        self.tracker.finish()
        return result


def _with(point: Point, axis: int, x: float) -> Point:
    """``point`` with coordinate ``axis`` set to ``x``."""
    return (*point[:axis], x, *point[axis + 1:])


def pareto(points: list[Point]) -> list[Point]:
    """The points no other point is below or equal to in every coordinate."""
    uniq = sorted(set(points))
    return [p for p in uniq
            if not any(q != p and all(a <= b for a, b in zip(q, p, strict=True))
                       for q in uniq)]


def search_staffing(scenario: Scenario, space: Space, targets: list[Target], *,
                    seed: int | None = None, settings: Settings | None = None,
                    evaluator: Evaluator | None = None, store: str | None = None,
                    backend: str = "serial", workers: int | None = None,
                    address: str | None = None, progress: Progress | None = None
                    ) -> StaffingResult:
    """Find the least staffing meeting ``targets`` (see the module docstring)."""
    s = scenario.seed if seed is None else seed
    own = evaluator is None
    ev = evaluator or Evaluator(s, store, backend, workers, address).open()
    try:
        return Search(scenario, space, targets, ev, settings, progress).run()
    finally:
        if own:
            ev.close()
