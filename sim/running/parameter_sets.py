"""Runs over parameter sets: what we do not know about the inputs, next to simulation noise.

A *parameter-sets file* (written by ``pnp-sim calibrate --parameter-sets``, but any tool may
write one) is YAML::

    pnp_sim_parameter_sets: 1          # format version
    scenario_hash: 1a2b3c4d5e6f        # optional: the scenario the sets belong to
    method: bootstrap over cases ...   # how the sets were drawn, in words
    sets:
      - weight: 1                      # optional, default 1 (only equal weights are used)
        overrides:                     # dotted scenario paths -> values
          referrals.schedule: [{from_week: 0, per_year: 21.3}]
          phases.assessment.duration: {dist: gamma, mean: 9.1, sd: 4.2}

Each set is the scenario with its overrides, checked like any scenario, and run on the one
run path (:func:`sim.running.runner.run_experiment`) with its own seed (``seed + set index``, so
sets are independent). KPIs are summarised by :func:`sim.outputs.stats.summarise_sets`. ``sim``
knows nothing about how the sets were made.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.outputs.kpi_defs import KPIS
from sim.outputs.stats import summarise_sets
from sim.running.runner import ExperimentResult, Progress, run_experiment
from sim.scenario.inputs import InputError, read_input_file
from sim.scenario.paths import set_by_path
from sim.scenario.schema import Scenario, parse_scenario, scenario_hash, scenario_to_dict

FORMAT_VERSION = 1
MAX_SETS = 1000


class ParameterSetsError(InputError):
    what = "parameter-sets file"


@dataclass
class ParameterSets:
    method: str
    overrides: list[dict[str, Any]]
    scenario_hash: str | None = None


def load_parameter_sets(path: str | Path) -> ParameterSets:
    """Read and check a parameter-sets file; errors name the file and the entry."""
    source = str(path)
    text = read_input_file(Path(path), ParameterSetsError)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterSetsError(source, [("", f"not valid YAML ({type(exc).__name__})")]) \
            from None
    return parse_parameter_sets(raw, source)


def parse_parameter_sets(raw: Any, source: str = "<parameter sets>") -> ParameterSets:
    if not isinstance(raw, dict) or raw.get("pnp_sim_parameter_sets") != FORMAT_VERSION:
        raise ParameterSetsError(source, [("pnp_sim_parameter_sets", f"expected "
                                           f"{FORMAT_VERSION} (a parameter-sets file)")])
    sets = raw.get("sets")
    if not isinstance(sets, list) or not 2 <= len(sets) <= MAX_SETS:
        raise ParameterSetsError(source, [("sets", f"expected a list of 2 to {MAX_SETS} sets")])
    out = []
    problems = []
    for i, s in enumerate(sets):
        ov = s.get("overrides") if isinstance(s, dict) else None
        if not isinstance(ov, dict) or not all(isinstance(k, str) for k in ov):
            problems.append((f"sets.{i}.overrides", "expected a mapping of dotted path: value"))
            continue
        if isinstance(s, dict) and s.get("weight", 1) != 1:
            problems.append((f"sets.{i}.weight", "only equal weights (1) are supported"))
        out.append(ov)
    if problems:
        raise ParameterSetsError(source, problems)
    return ParameterSets(str(raw.get("method", "")), out, raw.get("scenario_hash"))


def apply_set(scenario: Scenario, overrides: dict[str, Any], source: str) -> Scenario:
    """The scenario with one set's overrides, validated like any scenario."""
    data = copy.deepcopy(scenario_to_dict(scenario))
    for path, value in overrides.items():
        try:
            set_by_path(data, path, value)
        except KeyError as exc:
            raise ParameterSetsError(source, [(path, str(exc).strip("'\""))]) from None
    return parse_scenario(data, source)


@dataclass
class SetsResult:
    """The experiments of every parameter set, and each KPI summarised over them."""

    sets: list[ExperimentResult]
    method: str

    @property
    def summary(self) -> pd.DataFrame:
        rows = []
        for name, d in KPIS.items():
            matrix = np.array([r.kpis[name].to_numpy(dtype=float) for r in self.sets])
            s = summarise_sets(matrix, d)
            share = (s.input_sd ** 2 / (s.input_sd ** 2 + s.noise_sd ** 2)
                     if s.input_sd + s.noise_sd > 0 else float("nan"))
            rows.append({"kpi": name, "en": d.en, "nl": d.nl, "unit": d.unit, "mean": s.mean,
                         "low": s.low, "high": s.high, "input_sd": s.input_sd,
                         "noise_sd": s.noise_sd, "input_share": share, "sets": s.sets,
                         "reps": s.reps})
        return pd.DataFrame(rows)


def run_sets(scenario: Scenario, sets: ParameterSets, reps: int, seed: int, workers: int = 1,
             progress: Progress | None = None, source: str = "<parameter sets>") -> SetsResult:
    """Run ``reps`` replications of every parameter set (seed ``seed + index``)."""
    if sets.scenario_hash and sets.scenario_hash != scenario_hash(scenario):
        raise ParameterSetsError(source, [("scenario_hash", f"the sets belong to scenario "
                                           f"{sets.scenario_hash}, not {scenario_hash(scenario)}"
                                           " (calibrate again, or use that scenario)")])
    scenarios = [apply_set(scenario, ov, f"{source}: set {i}")
                 for i, ov in enumerate(sets.overrides)]
    total = len(scenarios) * reps
    results = []
    for i, sc in enumerate(scenarios):
        def step(done: int, _all: int, i: int = i) -> None:
            if progress:
                progress(i * reps + done, total)
        results.append(run_experiment(sc, reps=reps, seed=seed + i, workers=workers,
                                      progress=step, detail=False))
    return SetsResult(results, sets.method)
