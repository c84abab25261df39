"""``pnp-sim sensitivity``: which assumptions move the answer, from the command line.

``register(subparsers)`` adds the command to the main parser. The input is a scenario file
(its source comments say which numbers are uncertain) or a small spec file::

    scenario: ../baseline.yaml     # relative to the spec
    method: oneway                 # oneway | morris | sobol
    kpis: [wait_assessment_mean, placements_per_year]
    groups: [phases, referrals]    # group names or prefixes (default: every uncertain group)
    reps: 20
    seed: 20221
    set: {horizon_weeks: 260}      # fixed changes to the scenario, by dotted path

Command-line flags override the spec. Runs go through the sweep store: with ``--store`` an
interrupted analysis resumes where it stopped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

EXIT_OK = 0
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
METHODS = ("oneway", "morris", "sobol", "decision")


class SensitivitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scenario: str
    method: str = Field(default="oneway", pattern="^(oneway|morris|sobol|decision)$")
    kpis: list[str] | None = None
    groups: list[str] | None = None
    reps: int | None = Field(default=None, ge=2, le=10_000)
    seed: int | None = Field(default=None, ge=0)
    trajectories: int | None = Field(default=None, ge=2)
    n_base: int | None = Field(default=None, ge=4)
    top: int | None = Field(default=None, ge=1)
    set: dict[str, Any] = {}


def _err(msg: str) -> int:
    print(f"pnp-sim sensitivity: {msg}", file=sys.stderr)
    return EXIT_ERROR


def _load(path: Path) -> tuple[Any, Any, SensitivitySpec]:
    """(scenario, sources, spec) from a scenario file or a spec file."""
    from sim.scenario.schema import (
        ScenarioError,
        parse_scenario,
        parse_scenario_text,
        read_input_file,
        safe_yaml,
        scenario_to_dict,
        set_by_path,
    )
    from sim.scenario.sources import read_sources

    text = read_input_file(path, ScenarioError)
    data = safe_yaml(text, str(path), ScenarioError)
    if isinstance(data, dict) and "scenario" in data and "phases" not in data:
        try:
            spec = SensitivitySpec.model_validate(data)
        except ValidationError as exc:
            lines = [f"  - {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
            raise ScenarioError(str(path), [("", "invalid sensitivity spec\n" +
                                             "\n".join(lines))]) from None
        scen_path = (path.parent / spec.scenario).resolve()
        scen_text = read_input_file(scen_path, ScenarioError)
        scenario = parse_scenario_text(scen_text, str(scen_path))
        sources = read_sources(scen_text)
        if spec.set:
            d = scenario_to_dict(scenario)
            for p, v in spec.set.items():
                try:
                    set_by_path(d, p, v)
                except KeyError as exc:
                    raise ScenarioError(str(path), [(f"set.{p}", str(exc))]) from None
            scenario = parse_scenario(d, str(path))
        return scenario, sources, spec
    scenario = parse_scenario_text(text, str(path))
    return scenario, read_sources(text), SensitivitySpec(scenario=str(path))


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from sim.outputs.kpi_defs import KPIS
    from sim.scenario.schema import scenario_hash
    from sim.sensitivity.oneway import DEFAULT_KPIS, one_way
    from sim.sensitivity.output import write_html, write_result
    from sim.sensitivity.params import uncertain_groups

    scenario, sources, spec = _load(Path(args.input))
    method = args.method or spec.method
    kpis = args.kpi or spec.kpis or list(DEFAULT_KPIS)
    bad = [k for k in kpis if k not in KPIS]
    if bad:
        return _err(f"unknown KPI {', '.join(bad)}; expected names such as "
                    f"{', '.join(DEFAULT_KPIS)}")
    seed = args.seed if args.seed is not None else (spec.seed if spec.seed is not None
                                                    else scenario.seed)
    include = args.groups or spec.groups
    groups = uncertain_groups(scenario, sources, include=include)
    if not groups:
        return _err(f"{args.input}: no uncertain number found (numbers need a source comment "
                    "such as [assume] or [domain ...]; see docs/sensitivity.md)"
                    + (f" matching {', '.join(include)}" if include else ""))
    out = Path(args.out or f"out/sensitivity-{scenario.name}-{scenario_hash(scenario)}-s{seed}")
    run: dict[str, Any] = {"store": args.store, "backend": args.backend,
                           "workers": args.workers, "address": args.address,
                           "progress": not args.quiet}
    if args.store and not str(args.store).endswith((".duckdb", ".db")):
        return _err(f"--store {args.store}: expected a .duckdb file")
    try:
        if method == "decision":
            files = _decision(scenario, groups, kpis, seed, spec, args, out, run)
        elif method == "oneway":
            reps = args.reps or spec.reps or 20
            _announce(f"one-way sensitivity of {scenario.name}: {len(groups)} groups x 2 + "
                      f"base, {reps} replications each", (2 * len(groups) + 1) * reps,
                      scenario, seed, run)
            res = one_way(scenario, groups, kpis, reps=reps, seed=seed, **run)
            files = write_result(out, "oneway", res.table, scenario, seed, reps,
                                 {"method": "oneway", "runs": res.runs, "ran_now": res.ran,
                                  "kpis": kpis})
            _print_oneway(res)
            files.append(write_html(out, scenario, seed, reps, args.lang, oneway=res))
            files += [out / f"tornado-{k}.svg" for k in res.kpis
                      if (out / f"tornado-{k}.svg").exists()]
        else:
            files = _global(method, scenario, groups, kpis, seed, spec, args, out, run)
    except KeyboardInterrupt:
        print("interrupted: finished replications are kept in the store; run the same "
              "command again to resume" if args.store else
              "interrupted (use --store FILE to make runs resumable)", file=sys.stderr)
        return EXIT_INTERRUPTED
    for f in files:
        print(f"wrote {f}")
    return EXIT_OK


def _global_reps(args: argparse.Namespace, spec: SensitivitySpec, method: str) -> int:
    """Replications per point of Morris and Sobol: at least MIN_REPS (a clear error if not)."""
    from sim.scenario.schema import ScenarioError
    from sim.sensitivity.engine import MIN_REPS

    reps = int(args.reps or spec.reps or MIN_REPS)
    if reps < MIN_REPS:
        raise ScenarioError(str(args.input), [("reps", f"{method} needs at least {MIN_REPS} "
                                               f"replications per point (got {reps}): with "
                                               "fewer, the noise the points share (common "
                                               "random numbers) rests on one degree of "
                                               "freedom")])
    return reps


def _global(method: str, scenario: Any, groups: list[Any], kpis: list[str], seed: int,
            spec: SensitivitySpec, args: argparse.Namespace, out: Path,
            run: dict[str, Any]) -> list[Path]:
    import pandas as pd

    from sim.sensitivity.model_sa import RunLog, morris, sobol, sobol_emulated, top_groups
    from sim.sensitivity.output import write_html, write_result

    reps = _global_reps(args, spec, method)
    shown: dict[str, Any] = {}
    files: list[Path] = []
    log = RunLog()
    top = args.top or spec.top or 4
    chosen = groups
    if method == "morris" or len(groups) > top:
        traj = args.trajectories or spec.trajectories or 10
        _announce(f"Morris screening of {scenario.name}: {len(groups)} groups, {traj} "
                  f"trajectories, {reps} replications per point",
                  traj * (len(groups) + 1) * reps, scenario, seed, run)
        m = morris(scenario, groups, kpis, trajectories=traj, reps=reps, seed=seed, log=log,
                   **run)
        table = pd.DataFrame(m.table())
        files += write_result(out, "morris", table, scenario, seed, reps,
                              {"method": "morris", "trajectories": traj, "runs": log.runs,
                               "ran_now": log.ran, "kpis": kpis})
        _print_morris(m)
        shown["morris"] = m
        chosen = top_groups(m, groups, top)
    if method == "sobol" and args.emulator:
        n_train = args.emulator
        _announce(f"Sobol indices of the top {len(chosen)} groups through a Gaussian-process "
                  f"emulator: {n_train} points x {reps} replications", n_train * reps,
                  scenario, seed, run)
        before = log.runs
        s = sobol_emulated(scenario, chosen, kpis, n_train=n_train, reps=reps, seed=seed,
                           log=log, **run)
    elif method == "sobol":
        n_base = args.n_base or spec.n_base or 64
        _announce(f"Sobol indices of the top {len(chosen)} groups: {n_base} base rows x "
                  f"{len(chosen) + 2} points x {reps} replications",
                  n_base * (len(chosen) + 2) * reps, scenario, seed, run)
        before = log.runs
        s = sobol(scenario, chosen, kpis, n_base=n_base, reps=reps, seed=seed, log=log, **run)
    if method == "sobol":
        shown["sobol"] = s
        files += write_result(out, "sobol", pd.DataFrame(s.table()), scenario, seed, reps,
                              {"method": s.method, "runs": log.runs - before, "kpis": kpis,
                               "emulator_loo": s.emulator_loo})
        for k, kpi in enumerate(s.outputs):
            print(f"\n{kpi}: noise share {s.noise_share[k]:.2f} "
                  f"[{s.noise_share_low[k]:.2f}, {s.noise_share_high[k]:.2f}]")
            tiers = " > ".join("{" + ", ".join(s.names[j] for j in t) + "}"
                               for t in s.tiers(k))
            print(f"  ranking the intervals support (total order; inputs in one tier cannot "
                  f"be told apart): {tiers}")
            for j, name in enumerate(s.names):
                print(f"  {name:45s} first {s.first[k, j]:6.3f} "
                      f"[{s.first_low[k, j]:6.3f}, {s.first_high[k, j]:6.3f}]  total "
                      f"{s.total[k, j]:6.3f} [{s.total_low[k, j]:6.3f}, {s.total_high[k, j]:6.3f}]")
    files.append(write_html(out, scenario, seed, reps, args.lang, **shown))
    return files


def _decision(scenario: Any, groups: list[Any], kpis: list[str], seed: int,
              spec: SensitivitySpec, args: argparse.Namespace, out: Path,
              run: dict[str, Any]) -> list[Path]:
    """The least staffing across the plausible ranges of the top groups, and the verdict."""
    from sim.scenario.schema import ScenarioError
    from sim.sensitivity.decision import decision_sensitivity
    from sim.sensitivity.model_sa import RunLog, morris, top_groups
    from sim.sensitivity.output import write_html, write_result
    from sim.sensitivity.staffing_link import staffing_functions
    from sim.staffing.spec import build_problem

    if not args.target:
        raise ScenarioError(str(args.input), [("--target", "the decision method needs at least "
                                               "one --target 'KPI <= NUMBER'")])
    bounds: dict[str, tuple[float, float]] = {}
    for item in args.bounds or []:
        role, _, rng = item.partition("=")
        lo, _, hi = rng.partition(":")
        try:
            bounds[role.strip()] = (float(lo), float(hi))
        except ValueError:
            raise ScenarioError(str(args.input), [("--bounds", f"expected ROLE=LOW:HIGH (got "
                                                   f"{item!r})")]) from None
    from sim.staffing.targets import Stability

    problem = build_problem(scenario, args.target, roles=args.roles, bounds=bounds, seed=seed,
                            stability=Stability(enabled=not args.no_stability),
                            source="pnp-sim sensitivity")
    top = args.top or spec.top or 3
    chosen = groups
    if len(groups) > top:
        reps = _global_reps(args, spec, "Morris screening")
        traj = args.trajectories or spec.trajectories or 10
        _announce(f"Morris screening to find the top {top} groups",
                  traj * (len(groups) + 1) * reps, scenario, seed, run)
        m = morris(scenario, groups, kpis, trajectories=traj, reps=reps, seed=seed,
                   log=RunLog(), **run)
        chosen = top_groups(m, groups, top)
    print(f"least-staffing searches at the low and high value of {len(chosen)} groups: "
          f"{2 * len(chosen) + 1} searches", file=sys.stderr)
    backend = "serial" if run["backend"] == "inline" else run["backend"]
    least, meets = staffing_functions(problem.space, problem.targets, problem.settings,
                                      seed=seed, store=run["store"], backend=backend,
                                      workers=run["workers"])
    res = decision_sensitivity(scenario, chosen, least, meets)
    print(res.sentence(args.lang))
    files = write_result(out, "decision", res.table(), scenario, seed,
                         problem.settings.confirm_reps,
                         {"method": "decision", "verdict": res.verdict,
                          "sentence": res.sentence(args.lang),
                          "targets": [str(t) for t in problem.targets],
                          "recommended": res.recommended})
    files.append(write_html(out, scenario, seed, problem.settings.confirm_reps, args.lang,
                            decision=res))
    return files


_PROBE: dict[str, float] = {}


def _announce(what: str, runs: int, scenario: Any, seed: int, run: dict[str, Any]) -> None:
    """Print the work's runs and estimated time (sim.running.estimate) before it starts; the
    replication time is measured once per command."""
    from sim.running.estimate import estimate, probe_seconds
    from sim.scenario.schema import scenario_hash

    key = scenario_hash(scenario)
    if key not in _PROBE:
        try:
            _PROBE[key] = probe_seconds(scenario, seed)
        except Exception:  # noqa: BLE001 - the analysis itself reports a failing scenario
            _PROBE[key] = float("nan")
    workers = 1 if run.get("backend") == "inline" else run.get("workers")
    print(f"{what} = {estimate(runs, workers=workers, seconds_per_run=_PROBE[key]).text()}",
          file=sys.stderr)


def _print_oneway(res: Any) -> None:
    for kpi in res.kpis:
        t = res.for_kpi(kpi)
        if t.empty:
            continue
        print(f"\n{kpi}: base {t['base_mean'].iloc[0]:.3g}, replication noise "
              f"±{t['noise_half_width'].iloc[0]:.3g}")
        for _, r in t.head(12).iterrows():
            print(f"  {r['label_en'][:48]:48s} low {r['low_diff']:+8.3g} "
                  f"[{r['low_diff_ci_low']:+.3g}, {r['low_diff_ci_high']:+.3g}]  high "
                  f"{r['high_diff']:+8.3g} [{r['high_diff_ci_low']:+.3g}, "
                  f"{r['high_diff_ci_high']:+.3g}]  {r['verdict']}")


def _print_morris(m: Any) -> None:
    clear = m.clear_effect()
    for k, kpi in enumerate(m.outputs):
        print(f"\n{kpi}: Morris mu* (noise share {m.noise_share[k]:.2f})")
        for j in m.ranking(k)[:12]:
            print(f"  {m.names[j]:45s} mu* {m.mu_star[k, j]:8.3g} ± {m.mu_star_conf[k, j]:.3g}"
                  f"  noise floor {m.noise_floor[k, j]:.3g}"
                  f"  {'clear effect' if clear[k, j] else 'no clear effect'}")


def register(subparsers: Any) -> None:
    """Add ``sensitivity`` to an argparse subparsers object."""
    p = subparsers.add_parser(
        "sensitivity", help="which assumptions move the answer (tornado, Morris, Sobol)",
        description="One-way (tornado), Morris or Sobol sensitivity of a scenario's uncertain "
        "numbers ([assume], [domain ...] sources), under common random numbers.")
    p.add_argument("input", metavar="SCENARIO|SPEC", help="scenario or sensitivity spec YAML")
    p.add_argument("--method", choices=METHODS, default=None, help="default: oneway")
    p.add_argument("--kpi", action="append", default=None,
                   help="a KPI to analyse (repeat for several)")
    p.add_argument("--groups", action="append", default=None,
                   help="only these groups (names or prefixes, e.g. phases.guidance)")
    p.add_argument("--reps", type=int, default=None,
                   help="replications per point (default: 20 one-way, 3 global; Morris and "
                   "Sobol need at least 3)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--trajectories", type=int, default=None, help="Morris (default 10)")
    p.add_argument("--n-base", dest="n_base", type=int, default=None,
                   help="Sobol base rows, a power of 2 (default 64)")
    p.add_argument("--top", type=int, default=None,
                   help="Sobol for this many top groups from Morris (default 4)")
    p.add_argument("--emulator", type=int, default=None, metavar="POINTS",
                   help="Sobol through a Gaussian-process emulator fitted on POINTS points "
                   "(far fewer runs than direct Sobol)")
    p.add_argument("--target", action="append", default=None,
                   help="decision: a target 'KPI <= NUMBER' the staffing must meet (repeat)")
    p.add_argument("--roles", nargs="+", default=None,
                   help="decision: the roles whose hours the search sets (default: all)")
    p.add_argument("--bounds", action="append", default=None, metavar="ROLE=LOW:HIGH",
                   help="decision: the hours the search may give a role (default: the method "
                   "minimum to 38)")
    p.add_argument("--no-stability", dest="no_stability", action="store_true",
                   help="decision: do not require a waiting list that does not grow")
    p.add_argument("--store", default=None, help="DuckDB store: resumable runs")
    p.add_argument("--backend", choices=("local", "dask", "inline"), default="local")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--address", default=None, help="Dask scheduler address")
    p.add_argument("--out", default=None, help="output folder")
    p.add_argument("--lang", choices=("nl", "en"), default="nl",
                   help="language of sensitivity.html")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sensitivity)
