"""``pnp-sim staffing``: the least staffing that meets a planner's targets, from the shell."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.scenario.schema import InputError, ScenarioError, load_scenario, read_input_file, safe_yaml

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def _pairs(items: list[str] | None, flag: str, parse: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"{flag} expects KEY=VALUE (got {item!r})")
        try:
            out[key.strip()] = parse(value)
        except ValueError:
            raise ValueError(f"{flag} {item!r}: cannot read {value!r}") from None
    return out


def _range(text: str) -> tuple[float, float]:
    lo, sep, hi = text.partition(":")
    if not sep:
        raise ValueError
    return float(lo), float(hi)


def _yaml_value(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


class _Progress:
    """The search's progress as the one progress bar (:class:`sim.running.progress.ProgressBar`): a
    fraction that only grows, what is being decided and the time left (Ctrl-C keeps what was
    spent in the store)."""

    def __init__(self, quiet: bool, lang: str = "en"):
        from sim.running.progress import ProgressBar

        self.quiet = quiet
        self.lang = lang
        self.bar = ProgressBar(0, label="least staffing:")

    def __call__(self, p: Any) -> None:
        if not self.quiet:
            self.bar.status(f"{p.fraction:4.0%}  {p.text(self.lang)}")

    def done(self) -> None:
        if not self.quiet:
            self.bar.finish()


def _work_ahead(problem: Any, workers: int | None, lang: str) -> str:
    """The runs and time said before the search starts (one estimator: :mod:`sim.running.estimate`).

    The search is sequential, so only its floor has a known number of runs; the line gives
    the grid, the floor's runs with their estimated time, and the measured replication time.
    """
    from math import prod

    from sim.outputs.kpi_defs import format_number
    from sim.running.estimate import estimate
    from sim.staffing.floor import SETTINGS
    from sim.staffing.messages import msg

    s = problem.settings
    reps = s.floor_reps or problem.scenario.replications
    floor = estimate(len(SETTINGS) * reps if s.floor else 0, problem.scenario, problem.seed,
                     workers)
    grid = prod(len(g) for g in problem.space.grids())
    return msg("work", lang, grid=format_number(grid, lang, 0), floor=floor.text(lang),
               first=s.first_reps, max=s.max_reps)


def cmd_staffing(args: argparse.Namespace) -> int:
    from sim.outputs.kpi_defs import KPIS
    from sim.staffing.evaluate import EvaluationError, Evaluator
    from sim.staffing.outputs import text, write_outputs
    from sim.staffing.search import Search
    from sim.staffing.spec import Recruitment, Reps, build_problem, load_problem
    from sim.staffing.targets import Stability

    if args.list_kpis:
        for k, d in KPIS.items():
            print(f"{k:40s} {d.unit:14s} {d.en}")
        return 0
    if not args.file:
        print("pnp-sim staffing: a scenario or staffing spec file is needed", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        path = Path(args.file)
        data = safe_yaml(read_input_file(path, ScenarioError), str(path), ScenarioError)
        if isinstance(data, dict) and "targets" in data and "base" in data:
            problem = load_problem(path)
        else:
            if not args.target:
                print("pnp-sim staffing: give at least one --target 'KPI <= NUMBER' "
                      "(or a staffing spec file)", file=sys.stderr)
                return EXIT_BAD_INPUT
            from sim.staffing.spec import apply_set

            scenario = apply_set(load_scenario(path),
                                 _pairs(args.set, "--set", _yaml_value), "--set")
            rec = None
            if args.recruitment:
                parts = [float(x) for x in args.recruitment.split(":")]
                if len(parts) not in (2, 3):
                    raise ValueError("--recruitment expects LOW:HIGH[:STEP]")
                rec = Recruitment(low=parts[0], high=parts[1],
                                  step=parts[2] if len(parts) == 3 else 5.0)
            problem = build_problem(
                scenario, args.target, roles=args.roles, step=args.step,
                bounds=_pairs(args.bounds, "--bounds", _range),
                costs=_pairs(args.cost, "--cost", float), fte_hours=args.fte_hours,
                recruitment=rec, confidence=args.confidence,
                stability=Stability(enabled=not args.no_stability),
                floor=not args.no_floor,
                reps=Reps(first=args.first_reps, max=args.max_reps,
                          confirm=args.confirm_reps),
                seed=args.seed, source="pnp-sim staffing")
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except ValueError as exc:
        print(f"pnp-sim staffing: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT

    backend = args.backend or ("dask" if args.address else "local")
    if not args.quiet:
        print(_work_ahead(problem, args.workers, args.lang), file=sys.stderr)
    progress = _Progress(args.quiet, args.lang)
    ev = Evaluator(problem.seed, args.store, backend, args.workers, args.address)
    try:
        ev.open()
        result = Search(problem.scenario, problem.space, problem.targets, ev,
                        problem.settings, progress).run()
    except KeyboardInterrupt:
        progress.done()
        print("interrupted: finished replications are kept"
              + (f" in {args.store}; run the same command again to resume" if args.store
                 else " only with --store; add --store FILE to make a search resumable"),
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except EvaluationError as exc:
        progress.done()
        print(f"pnp-sim staffing: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - store or backend: one line, no traceback
        progress.done()
        if type(exc).__name__ in ("StoreError", "BackendError"):
            print(f"pnp-sim staffing: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        raise
    finally:
        ev.close()
    progress.done()
    print(text(result, args.lang))
    out = Path(args.out) if args.out else Path("out") / (
        f"staffing-{problem.name}-{result.spent and _hash(problem)}-s{problem.seed}")
    for p in write_outputs(result, out, args.lang):
        print(f"wrote {p}")
    return 0


def _hash(problem: Any) -> str:
    from sim.scenario.schema import scenario_hash

    return scenario_hash(problem.scenario)


def register(subparsers: Any) -> None:
    """Add ``staffing`` to the ``pnp-sim`` command."""
    p = subparsers.add_parser(
        "staffing", help="least hours per role that meet targets, with a guarantee",
        description="Find the least weekly hours per role meeting every --target at the "
        "chosen confidence (and, by default, a waiting list that does not grow), with the "
        "staffing frontier. FILE is a scenario (then give --target) or a staffing spec.")
    p.add_argument("file", nargs="?", help="scenario YAML or staffing spec YAML")
    p.add_argument("--target", action="append",
                   help="'KPI <= NUMBER' or 'KPI >= NUMBER' (repeat for several)")
    p.add_argument("--roles", nargs="+", default=None,
                   help="roles to search (default: all three)")
    p.add_argument("--step", type=float, default=1.0, help="hours per step (default 1)")
    p.add_argument("--bounds", action="append", metavar="ROLE=MIN:MAX",
                   help="hours bounds (default: method minimum 8/19/8 h up to 38 h)")
    p.add_argument("--cost", action="append", metavar="ROLE=EUR",
                   help="cost per hour; the objective is then the least cost")
    p.add_argument("--fte-hours", type=float, default=None,
                   help="search in whole persons of this many hours")
    p.add_argument("--recruitment", default=None, metavar="LOW:HIGH[:STEP]",
                   help="also search interested families a year")
    p.add_argument("--set", action="append", metavar="PATH=VALUE",
                   help="fixed scenario change by dotted path, e.g. "
                   "referrals.schedule.0.per_year=6")
    p.add_argument("--confidence", type=float, default=0.95)
    p.add_argument("--no-stability", action="store_true",
                   help="drop the default 'waiting list must not grow' target")
    p.add_argument("--no-floor", action="store_true",
                   help="skip the floor (what no staffing can beat) before the search")
    p.add_argument("--first-reps", type=int, default=5)
    p.add_argument("--max-reps", type=int, default=40)
    p.add_argument("--confirm-reps", type=int, default=30)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--store", default=None, help="DuckDB store caching every replication")
    p.add_argument("--backend", choices=("serial", "local", "dask"), default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--address", default=None, help="Dask scheduler address")
    p.add_argument("--out", default=None, help="output folder")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.add_argument("--list-kpis", action="store_true", help="list the KPI names and stop")
    p.set_defaults(func=cmd_staffing)
