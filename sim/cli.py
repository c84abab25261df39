"""Command line: ``pnp-sim run | validate | schema`` (and ``sweep | results`` from sim.batch).

A thin layer over :mod:`sim.running.runner`: it parses flags, shows progress and prints tables.
Users never see a traceback: bad input is one clear message and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import __version__
from sim.outputs.kpi_defs import KPIS
from sim.outputs.kpis import LITTLE_COLUMNS
from sim.outputs.output import (
    CSV_ALIASES,
    CSV_DIALECTS,
    OutputFolderError,
    check_out_folder,
    checkpoint_folder,
    write_run_folder,
)
from sim.running.runner import run_experiment
from sim.scenario.inputs import InputError
from sim.scenario.schema import Scenario, ScenarioError, load_scenario, scenario_hash

if TYPE_CHECKING:
    from sim.running.runner import ExperimentResult

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def kpi_table(summary: Any, lang: str = "en") -> str:
    """The KPI summary (the ``summary`` DataFrame or its records) as aligned text: label,
    mean and 95% interval, each formatted by its KPI definition (``KpiDef.format`` /
    ``format_interval``: units, money in euros, shares in %)."""
    records = summary.to_dict("records") if hasattr(summary, "to_dict") else summary
    rows = []
    for rec in records:
        d = KPIS[rec["kpi"]]
        rows.append((d.label(lang), d.format(rec["mean"], lang),
                     d.format_interval(rec["ci_low"], rec["ci_high"], lang)))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    ci = "95%-BI" if lang == "nl" else "95% CI"
    head = f"{'KPI':<{w0}}  {'gemiddelde' if lang == 'nl' else 'mean':>{w1}}  {ci}"
    lines = [head, "-" * max(len(head), w0 + w1 + 30)]
    lines += [f"{a:<{w0}}  {b:>{w1}}  {c}" for a, b, c in rows]
    return "\n".join(lines)


#: The two queues whose growth is judged, with how the warning names them.
GROWTH_QUEUES = (
    ("waiting_staff_trend_per_year", "waiting for staff (the roles' hours)",
     "wachten op personeel (uren van de rollen)"),
    ("waiting_family_trend_per_year", "waiting for a family (the family pool)",
     "wachten op een gezin (de gezinnenpool)"),
)


def _kpi_values(result: Any, kpi: str) -> Any:
    """One KPI over the replications, without the pandas table where the result can."""
    if hasattr(result, "kpi_values"):
        return result.kpi_values(kpi)
    return result.kpis[kpi].to_numpy()


def growth_warnings(result: ExperimentResult, lang: str = "en") -> list[str]:
    """A warning per waiting list that grows over the measured weeks
    (:func:`sim.outputs.stationarity.growth_verdict`): its waits grow with the horizon, so they are
    not a steady-state figure."""
    from sim.outputs.stationarity import growth_verdict

    s = result.scenario
    years = (s.horizon_weeks - s.warmup_weeks) / 52.0
    out = []
    for kpi, en, nl in GROWTH_QUEUES:
        v = growth_verdict(_kpi_values(result, kpi), years)
        if not v.growing:
            continue
        d = KPIS[kpi]
        slope = d.format(v.slope, lang)
        band = d.format_interval(v.low, v.high, lang)
        if lang == "nl":
            out.append(
                f"WAARSCHUWING: de wachtlijst groeit: kinderen {nl}, {slope} "
                f"(95%-BI {band}; stijgend in {v.reps_rising} van {v.n} replicaties). De "
                "wachttijden groeien met de horizon: ze zijn geen evenwichtswaarde. Meer uren "
                "of gezinnen, of minder aanmeldingen, zijn nodig voor een stabiele wachtlijst.")
        else:
            out.append(
                f"WARNING: the waiting list grows: children {en}, {slope} (95% CI {band}; "
                f"rising in {v.reps_rising} of {v.n} replications). Its waits grow with the "
                "horizon: they are not a steady-state figure. A stable waiting list needs more "
                "hours or families, or fewer referrals.")
    return out


def little_gaps(result: ExperimentResult) -> tuple[float, float, str]:
    """Little's law over a run: per state the mean relative gap over the replications (NaN
    left out; an infinite mean counts as no figure), then the median and the largest gap and
    the state it is in. Plain Python: a run's summary never imports pandas."""
    sums: dict[str, list[float]] = {}
    col = LITTLE_COLUMNS.index("rel_error")
    for r in result.replications:
        for row in r.little_rows:
            value = float(row[col])
            acc = sums.setdefault(str(row[0]), [0.0, 0.0])
            if not math.isnan(value):
                acc[0] += value
                acc[1] += 1
    gaps = {phase: s / n for phase, (s, n) in sums.items() if n and math.isfinite(s / n)}
    if not gaps:
        return math.nan, math.nan, "no state"
    where = max(gaps, key=lambda phase: gaps[phase])  # the first state with the largest gap
    values = sorted(gaps.values())
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return median, gaps[where], where


def _cmd_run_sets(args: argparse.Namespace, scenario: Scenario) -> int:
    """``run --parameter-uncertainty FIT``: every parameter set, each KPI with both parts."""
    from sim.running.parameter_sets import load_parameter_sets, run_sets
    from sim.running.progress import ProgressBar
    from sim.running.runner import make_stamp

    sets = load_parameter_sets(args.parameter_uncertainty)
    reps = args.reps if args.reps is not None else 10
    seed = args.seed if args.seed is not None else scenario.seed
    n = len(sets.overrides)
    print(f"pnp-sim {__version__}  scenario {scenario.name} ({scenario_hash(scenario)})  seed "
          f"{seed}  {n} parameter sets x {reps} replications", file=sys.stderr)
    show = args.progress or sys.stderr.isatty()
    progress = ProgressBar(n * reps, label="runs") if show else None
    try:
        result = run_sets(scenario, sets, reps, seed, args.workers, progress,
                          args.parameter_uncertainty)
    finally:
        if progress is not None:
            progress.finish()
    en = args.lang == "en"
    print(("95% interval including what we do not know about your inputs" if en else
           "95%-interval inclusief wat we niet weten over uw invoer")
          + f" ({n} parameter sets x {reps} replications; {sets.method or 'sets as given'})")
    print(f"{'KPI':<48} {'mean':>9} {'95% low':>9} {'95% high':>9} {'inputs sd':>9} "
          f"{'noise sd':>9} {'inputs':>7}")
    for _, r in result.summary.iterrows():
        label = str(r["en"] if en else r["nl"])[:48]
        share = "" if math.isnan(r["input_share"]) else f"{100 * r['input_share']:.0f}%"
        print(f"{label:<48} {r['mean']:9.3g} {r['low']:9.3g} {r['high']:9.3g} "
              f"{r['input_sd']:9.3g} {r['noise_sd']:9.3g} {share:>7}")
    stamp = make_stamp(scenario, seed, n * reps)
    print("\n'inputs sd' is the spread of the long-run KPI over the parameter sets (what we do "
          "not know about the inputs); 'noise sd' the simulation noise of the mean (more "
          "replications shrink it); 'inputs' its share of the variance. Stamp: "
          + ", ".join(f"{k} {v}" for k, v in stamp.items()))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from sim.running.progress import ProgressBar

    scenario = load_scenario(args.scenario)
    if args.parameter_uncertainty:
        return _cmd_run_sets(args, scenario)
    reps = args.reps if args.reps is not None else scenario.replications
    seed = args.seed if args.seed is not None else scenario.seed
    digest = scenario_hash(scenario)
    out = Path(args.out) if args.out else Path("out") / f"{scenario.name}-{digest}-s{seed}"
    note = check_out_folder(out, digest, seed, args.replace)  # before any work
    print(f"pnp-sim {__version__}  scenario {scenario.name} ({digest})  seed {seed}  "
          f"{reps} replications  {scenario.horizon_weeks:g} weeks", file=sys.stderr)
    show = args.progress or sys.stderr.isatty()
    progress = ProgressBar(reps, label="replications") if show else None
    partial = checkpoint_folder(out)
    try:
        result = run_experiment(
            scenario, reps=reps, seed=seed, workers=args.workers, progress=progress,
            checkpoint=partial, keep_checkpoint=True,
        )
    finally:
        if progress is not None:
            progress.finish()
    print(kpi_table(result.summary_records(), args.lang))
    for line in growth_warnings(result, args.lang):
        print(f"\n{line}")
    median, largest, where = little_gaps(result)
    print(f"\nLittle's law check (L against lambda x W per state, averaged over replications): "
          f"median gap {100 * median:.1f}%, largest {100 * largest:.1f}% "
          f"({where}). Stays that straddle the warm-up or the horizon make these gaps; "
          f"they shrink with longer horizons (see 'make validate').")
    if note:
        print(f"note: {note}", file=sys.stderr)
    paths = write_run_folder(result, out, args.format, args.csv_dialect, replace=True)
    shutil.rmtree(partial, ignore_errors=True)  # only now: the output is complete
    print(f"\nWrote {len(paths)} files to {out}/ (scenario {digest}, seed {seed}, "
          f"version {__version__})")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    for path in args.files:
        scenario = load_scenario(path)
        print(f"{path}: valid (scenario '{scenario.name}', hash {scenario_hash(scenario)})")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))
    return 0


def _whole(minimum: int) -> Callable[[str], int]:
    """argparse type: a whole number of at least ``minimum``, with a plain-words error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {minimum} or more, got {value}")
        return value

    return parse


#: The commands this module defines itself; the others come from register() hooks.
CORE_COMMANDS = ("run", "validate", "schema")


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names (its first word that is not an option), or None."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``pnp-sim`` parser: run, validate, schema, and the sweep commands.

    With ``command`` one of :data:`CORE_COMMANDS`, the other commands (sweeps, sensitivity,
    least staffing, installed plugins such as ``calibrate``) are not registered: importing
    them costs more than a short run (``calibrate`` alone imports pandas)."""
    parser = argparse.ArgumentParser(
        prog="pnp-sim",
        description="Capacity planning for Partners in Parenting (P&P) therapeutic foster care.",
    )
    parser.add_argument("--version", action="version", version=f"pnp-sim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="simulate a scenario and print its KPIs")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--reps", type=_whole(1), help="replications (default: the scenario's)")
    run.add_argument("--seed", type=_whole(0), help="base seed (default: the scenario's)")
    run.add_argument("--workers", type=_whole(1), default=os.cpu_count() or 1,
                     help="local worker processes (results do not depend on it)")
    run.add_argument("--out", help="output folder (default: out/NAME-HASH-sSEED)")
    run.add_argument("--format", choices=("csv", "parquet"), default="csv")
    run.add_argument("--lang", choices=("en", "nl"), default="en", help="label language")
    run.add_argument("--csv-dialect", choices=(*CSV_DIALECTS, *CSV_ALIASES), default="comma",
                     help="CSV separator and decimal mark: comma (',' and '.', default) or "
                     "semicolon (';' and ',', for a Dutch-language Excel; 'nl' is the same)")
    run.add_argument("--replace", action="store_true",
                     help="overwrite an --out folder that holds another run")
    run.add_argument("--progress", action="store_true",
                     help="show the progress bar even when stderr is not a terminal")
    run.add_argument("--parameter-uncertainty", metavar="FIT",
                     help="parameter-sets file (from 'pnp-sim calibrate --parameter-sets'): "
                          "run every set and report each KPI with input uncertainty")
    run.set_defaults(func=_cmd_run)

    val = sub.add_parser("validate", help="check scenario files")
    val.add_argument("files", nargs="+")
    val.set_defaults(func=_cmd_validate)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    schema.set_defaults(func=_cmd_schema)

    if command in CORE_COMMANDS:
        return parser
    try:
        from sim.batch.cli import register
    except ImportError:
        pass
    else:
        register(sub)
    from sim.sensitivity.cli import register as register_sensitivity

    register_sensitivity(sub)
    from sim.staffing.cli import register as register_staffing

    register_staffing(sub)
    _plugin_commands(sub)
    return parser


def _plugin_commands(sub: argparse._SubParsersAction) -> None:
    """Subcommands other installed packages add through the ``pnp_sim.commands`` entry-point
    group (``calibrate`` and ``backcast`` come from ``calibration``; sim never imports it)."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="pnp_sim.commands"):
        try:
            ep.load()(sub)
        except (ImportError, AttributeError, argparse.ArgumentError):
            continue


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises for a user's mistake)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ScenarioError, OutputFolderError, InputError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\ninterrupted: finished replications are kept; run the same command again to "
              "resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (OSError, ValueError) as exc:
        print(f"pnp-sim: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        if os.environ.get("PNP_SIM_DEBUG"):
            raise
        print(f"pnp-sim: internal error: {type(exc).__name__}: {exc} "
              "(set PNP_SIM_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
