"""Decision sensitivity wired to the least-staffing search (:mod:`sim.staffing`).

:func:`staffing_functions` turns a search space, targets and settings into the two functions
:func:`sim.sensitivity.decision.decision_sensitivity` needs: the least staffing of a scenario
(a full search, with its confirmation) and whether a given staffing meets the targets in a
scenario (judged on ``confirm_reps`` replications at the search's confidence, the stability
target included, exactly as the search judges a candidate).
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.scenario.schema import Scenario, scenario_hash
from sim.sensitivity.decision import LeastStaffing, Meets, Staffing
from sim.sensitivity.evaluate import evaluate_scenarios
from sim.staffing import Settings, Space, Target, search_staffing
from sim.staffing.decide import FAILS, MEETS, judge
from sim.staffing.space import apply_point


def staffing_functions(space: Space, targets: Sequence[Target], settings: Settings | None = None,
                       seed: int | None = None, store: str | None = None,
                       backend: str = "serial", workers: int | None = None
                       ) -> tuple[LeastStaffing, Meets]:
    """``(least_staffing, meets)`` for :func:`~sim.sensitivity.decision.decision_sensitivity`."""
    s = settings or Settings()

    def least(scenario: Scenario) -> Staffing | None:
        res = search_staffing(scenario, space, list(targets), seed=seed, settings=s,
                              store=store, backend=backend, workers=workers)
        if res.answer is None:
            return None
        return {k: float(x) for k, x in zip(space.keys, res.answer, strict=True)}

    def meets(scenario: Scenario, staffing: Staffing) -> bool | None:
        point = tuple(float(staffing[k]) for k in space.keys)
        scen = apply_point(scenario, space, point)
        all_targets = list(targets)
        if s.stability.enabled:
            all_targets.append(s.stability.target(scen.horizon_weeks - scen.warmup_weeks))
        ev = evaluate_scenarios([scen], s.confirm_reps, scenario.seed if seed is None else seed,
                                f"decision-{scenario_hash(scen)}", store=store,
                                backend="inline" if backend == "serial" else backend,
                                workers=workers)
        rows = [dict(zip(ev.kpis, map(float, ev.values[0, r]), strict=True))
                for r in range(s.confirm_reps)]
        d = judge(point, rows, all_targets, s.confidence, fail_level=s.confidence)
        return True if d.status == MEETS else False if d.status == FAILS else None

    return least, meets
