"""Global sensitivity of the model: the engine's evaluator built on the sweep machinery.

Each row of the engine's parameter matrix sets every uncertain group to a value (a factor, or
a share); that scenario runs replications 0..r-1 with one seed, so the points share common
random numbers (the engine's noise corrections allow for that). Morris screens every group;
Sobol indices follow for the top ones (by Morris mu* on the first KPI, or a chosen list).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.scenario.schema import Scenario, scenario_hash
from sim.sensitivity.engine import (
    Evaluator,
    MorrisResult,
    Problem,
    SobolResult,
    morris_screening,
    sobol_indices,
)
from sim.sensitivity.evaluate import ProgressFactory, evaluate_scenarios
from sim.sensitivity.params import Group, scenario_at


@dataclass
class RunLog:
    """How many model runs an analysis needed, and how many the store already held."""

    runs: int = 0
    ran: int = 0
    elapsed_s: float = 0.0
    calls: list[str] = field(default_factory=list)


def problem_of(groups: Sequence[Group]) -> Problem:
    return Problem([g.name for g in groups], [(g.low, g.high) for g in groups])


def model_evaluator(
    scenario: Scenario,
    groups: Sequence[Group],
    kpis: Sequence[str],
    seed: int,
    experiment: str,
    store: str | None = None,
    backend: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | ProgressFactory = False,
    log: RunLog | None = None,
) -> Evaluator:
    """An engine evaluator: X (n x groups) and r -> KPIs (n, r, len(kpis))."""

    def evaluate(x: np.ndarray, r: int) -> np.ndarray:
        scenarios = [scenario_at(scenario, groups, list(row), name=f"{scenario.name} #{i}")
                     for i, row in enumerate(x)]
        labels = [{g.name: float(v) for g, v in zip(groups, row, strict=True)} for row in x]
        ev = evaluate_scenarios(scenarios, r, seed, experiment, labels=labels, store=store,
                                backend=backend, workers=workers, address=address,
                                progress=progress)
        if log is not None:
            log.runs += len(scenarios) * r
            log.ran += ev.ran
            log.elapsed_s += ev.elapsed_s
            log.calls.append(experiment)
        idx = [ev.kpis.index(k) for k in kpis]
        return ev.values[:, :, idx]

    return evaluate


def _experiment(kind: str, scenario: Scenario, seed: int) -> str:
    return f"{kind}-{scenario_hash(scenario)}-s{seed}"


def morris(
    scenario: Scenario, groups: Sequence[Group], kpis: Sequence[str], trajectories: int = 10,
    reps: int = 3, seed: int | None = None, log: RunLog | None = None, **run: object,
) -> MorrisResult:
    """Morris screening of every group: trajectories x (groups + 1) x reps runs."""
    seed = scenario.seed if seed is None else seed
    ev = model_evaluator(scenario, groups, kpis, seed, _experiment("morris", scenario, seed),
                         log=log, **run)  # type: ignore[arg-type]
    return morris_screening(problem_of(groups), ev, trajectories=trajectories, reps=reps,
                            seed=seed % (2 ** 32), outputs=list(kpis))


def sobol(
    scenario: Scenario, groups: Sequence[Group], kpis: Sequence[str], n_base: int = 64,
    reps: int = 3, seed: int | None = None, log: RunLog | None = None, n_boot: int = 500,
    **run: object,
) -> SobolResult:
    """First- and total-order indices of the given groups: n_base x (groups + 2) x reps runs."""
    seed = scenario.seed if seed is None else seed
    ev = model_evaluator(scenario, groups, kpis, seed, _experiment("sobol", scenario, seed),
                         log=log, **run)  # type: ignore[arg-type]
    return sobol_indices(problem_of(groups), ev, n_base=n_base, reps=reps,
                         seed=seed % (2 ** 32), n_boot=n_boot, outputs=list(kpis))


def sobol_emulated(
    scenario: Scenario, groups: Sequence[Group], kpis: Sequence[str], n_train: int = 64,
    reps: int = 3, seed: int | None = None, log: RunLog | None = None, n_boot: int = 50,
    **run: object,
) -> SobolResult:
    """Sobol indices through a Gaussian-process emulator: n_train x reps runs."""
    from sim.sensitivity.emulator import emulated_sobol

    seed = scenario.seed if seed is None else seed
    ev = model_evaluator(scenario, groups, kpis, seed, _experiment("emulator", scenario, seed),
                         log=log, **run)  # type: ignore[arg-type]
    return emulated_sobol(problem_of(groups), ev, n_train=n_train, reps=reps,
                          seed=seed % (2 ** 32), n_boot=n_boot, outputs=list(kpis))


def top_groups(result: MorrisResult, groups: Sequence[Group], n: int) -> list[Group]:
    """The n groups that matter most over all KPIs: per KPI, mu* above its noise floor as a
    share of the KPI's largest mu*, summed over the KPIs (a group that only noise moves
    scores nothing, so a noisy KPI does not pick the groups)."""
    mu = np.nan_to_num(result.mu_star, nan=0.0)
    above = np.clip(mu - np.nan_to_num(result.noise_floor, nan=0.0), 0.0, None)
    scale = np.maximum(mu.max(axis=1, keepdims=True), 1e-300)
    score = (above / scale).sum(axis=0)
    order = sorted(range(len(groups)), key=lambda j: (-score[j], j))
    return [groups[j] for j in order[:n]]
