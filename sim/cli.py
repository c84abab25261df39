"""Command line: ``pnp-sim run | validate | schema`` (and ``sweep | results`` from sim.batch).

A thin layer over :mod:`sim.runner`: it parses flags, shows progress and prints tables. Users
never see a traceback: bad input is one clear message and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sim import __version__
from sim.output import write_outputs
from sim.runner import run_experiment
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_hash

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class Progress:
    """A one-line progress bar with the time left, on stderr, only when it is a terminal."""

    def __init__(self, label: str, stream: object = sys.stderr, force: bool = False):
        self.label = label
        self.stream = stream
        self.enabled = force or getattr(stream, "isatty", lambda: False)()
        self.start = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / done * (total - done) if done else math.nan
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "." * (width - filled)
        end = "\n" if done == total else ""
        print(f"\r{self.label} [{bar}] {done}/{total}  {left:5.1f} s left", end=end,
              file=self.stream, flush=True)  # type: ignore[call-overload]


def _fmt(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "-"
    if unit == "share":
        return f"{100 * value:.1f}%"
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"


def kpi_table(summary: object, lang: str = "en") -> str:
    """The KPI summary as aligned text: label, mean and 95% interval."""
    rows = []
    for rec in summary.to_dict("records"):  # type: ignore[attr-defined]
        unit = rec["unit"]
        ci = f"[{_fmt(rec['ci_low'], unit)}, {_fmt(rec['ci_high'], unit)}]"
        shown_unit = "" if unit == "share" else unit
        rows.append((rec[lang], _fmt(rec["mean"], unit), ci, shown_unit))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    head = f"{'KPI':<{w0}}  {'mean':>{w1}}  {'95% CI':<{w2}}  unit"
    lines = [head, "-" * len(head)]
    lines += [f"{a:<{w0}}  {b:>{w1}}  {c:<{w2}}  {d}" for a, b, c, d in rows]
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    reps = args.reps if args.reps is not None else scenario.replications
    seed = args.seed if args.seed is not None else scenario.seed
    digest = scenario_hash(scenario)
    out = Path(args.out) if args.out else Path("out") / f"{scenario.name}-{digest}-s{seed}"
    print(f"pnp-sim {__version__}  scenario {scenario.name} ({digest})  seed {seed}  "
          f"{reps} replications  {scenario.horizon_weeks:g} weeks", file=sys.stderr)
    progress = Progress("replications", force=args.progress)
    result = run_experiment(
        scenario, reps=reps, seed=seed, workers=args.workers, progress=progress,
        checkpoint=out / ".partial",
    )
    print(kpi_table(result.summary, args.lang))
    little = result.little.groupby("phase", sort=False)[["L", "lamW", "rel_error"]].mean()
    gaps = little["rel_error"].replace(math.inf, math.nan)
    print(f"\nLittle's law check (L against lambda x W per state, averaged over replications): "
          f"median gap {100 * gaps.median():.1f}%, largest {100 * gaps.max():.1f}% "
          f"({gaps.idxmax()}). Stays that straddle the warm-up or the horizon make these gaps; "
          f"they shrink with longer horizons (see 'make validate').")
    paths = write_outputs(result, out, args.format)
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


def build_parser() -> argparse.ArgumentParser:
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
    run.add_argument("--progress", action="store_true",
                     help="show the progress bar even when stderr is not a terminal")
    run.set_defaults(func=_cmd_run)

    val = sub.add_parser("validate", help="check scenario files")
    val.add_argument("files", nargs="+")
    val.set_defaults(func=_cmd_validate)

    schema = sub.add_parser("schema", help="print the scenario JSON Schema (for editors)")
    schema.set_defaults(func=_cmd_schema)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ScenarioError as exc:
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
