"""``pnp-sim calibrate`` and ``pnp-sim backcast``, registered through the entry-point group
``pnp_sim.commands`` (``sim`` never imports this package).

The raw logs are read into memory only; identifiers are pseudonymised at once with a key the
user gives (``--key-file``, or the environment variable ``PNP_CALIBRATION_KEY``) or, failing
both, a fresh key written to ``--out`` + ``.key`` for the user to keep. Outputs are written
to a temporary file and renamed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from calibration.errors import LogError, fail
from calibration.read import (
    TimeRules,
    load_mapping,
    new_key,
    read_case_log,
    read_family_log,
    read_path,
)
from calibration.yamlout import scenario_yaml, write_atomic
from sim import __version__
from sim.running.runner import make_stamp
from sim.scenario.schema import load_scenario, scenario_hash

EXIT_BAD_INPUT = 2


def _key(args: argparse.Namespace) -> tuple[str, str]:
    """The pseudonymisation key: from --key-file, else PNP_CALIBRATION_KEY, else a new one.
    A key shorter than 16 bytes is refused from either source."""
    from calibration.errors import fail
    from calibration.privacy import key_problem

    if args.key_file:
        try:
            text = Path(args.key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(args.key_file, f"cannot read the key file: {type(exc).__name__}",
                       what="this key") from None
        problem = key_problem(text)
        if problem:
            raise fail(args.key_file, problem, what="this key")
        return text, f"key from {args.key_file}"
    env = os.environ.get("PNP_CALIBRATION_KEY", "")
    if env.strip():
        problem = key_problem(env)
        if problem:
            raise fail("PNP_CALIBRATION_KEY", problem, what="this key")
        return env.strip(), "key from PNP_CALIBRATION_KEY"
    key = new_key()
    args.new_key_file = Path(str(args.out or args.report) + ".key")
    return key, (f"new key, written to {args.new_key_file} once the outputs are: keep it to "
                 "pseudonymise later logs the same way")


def _rules(args: argparse.Namespace) -> TimeRules:
    rules = TimeRules(date_format=args.date_format, drop_duplicates=args.drop_duplicates)
    if args.earliest:
        rules.earliest = args.earliest
    rules.latest = args.latest
    for name in ("earliest", "latest"):
        value = getattr(rules, name)
        if value is not None and pd.isna(pd.to_datetime(value, errors="coerce")):
            raise fail(f"--{name}", f"expected a date such as 2021-01-31, got {value!r}")
    return rules


def _save_new_key(args: argparse.Namespace, key: str) -> None:
    """Write a generated key (only after the outputs, so a failed run leaves nothing)."""
    target = getattr(args, "new_key_file", None)
    if target is not None:
        write_atomic(target, key + "\n")
        os.chmod(target, 0o600)


def _logs(args: argparse.Namespace, key: str) -> tuple[Any, Any]:
    mapping = load_mapping(read_path(args.mapping), args.mapping) if args.mapping else None
    children = None
    log_path = Path(args.log)
    beside = log_path.with_name("children.csv")
    if log_path.name == "events.csv" and beside.exists():
        children = beside.read_bytes()
    rules = _rules(args)
    log = read_case_log(Path(args.log), str(args.log), key, mapping, children=children,
                        rules=rules)
    fam = None
    if args.families:
        fam = read_family_log(Path(args.families), args.families, key, mapping,
                              origin=log.origin, end=log.end, rules=rules, week0=log.week0)
    for note in log.notes + (fam.notes if fam is not None else []):
        print(f"note: {note}", file=sys.stderr)
    return log, fam


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from calibration.calibrate import calibrate
    from calibration.report import calibration_report

    base = load_scenario(args.base)
    key, key_note = _key(args)
    log, fam = _logs(args, key)
    print(f"{args.log}: {log.n_cases} cases, pseudonymised ({key_note})", file=sys.stderr)
    hours = None
    if args.hours:
        from calibration.hours import read_hours

        hours = read_hours(read_path(args.hours), args.hours, key, log.origin)
    cal = calibrate(log, base, fam, seed=args.seed, hours=hours)
    cal.scenario = cal.scenario.model_copy(update={
        "name": f"{base.name}-calibrated",
        "description": f"Calibrated from log {log.digest} ({log.n_cases} cases) on base "
                       f"{base.name}; numbers without a [calibrated] tag are the base's."})
    stamp = {"log": log.digest, "base": f"{base.name} ({scenario_hash(base)})",
             "version": __version__,
             "model_fingerprint": make_stamp(base, 0, 1)["model_fingerprint"]}
    header = ["pnp-sim calibrated scenario. Every fitted number carries its source:",
              f"[calibrated log=HASH n=CASES 95% LOW-HIGH]. Log {log.digest}, end "
              f"{log.date(log.end)}; base scenario {base.name}; pnp-sim {__version__}.",
              "Numbers without a tag are kept from the base scenario (staff hours per case "
              "cannot be read from a case log)."]
    tags = cal.tags()
    for phase in ("assessment", "prematching", "discrete_matching", "open_matching",
                  "fitting", "training", "guidance", "anchoring"):
        if not any(p.startswith(f"phases.{phase}.hours.") for p in tags):
            tags[f"phases.{phase}.hours"] = "[base: hours per case are not in a case log]"
    text = scenario_yaml(cal.scenario, tags, header)
    write_atomic(args.out, text)
    if args.report:
        write_atomic(args.report, calibration_report(cal, stamp))
    if args.parameter_sets:
        from calibration.uncertainty import parameter_sets, sets_yaml

        print(f"drawing {args.sets} parameter sets (bootstrap over cases) ...", file=sys.stderr)
        sets = parameter_sets(log, base, cal, args.sets, args.seed, families=fam)
        if len(sets) < 2:
            raise fail(args.log, "too few cases to draw parameter sets from")
        write_atomic(args.parameter_sets, sets_yaml(cal.scenario, sets, log.digest))
    _save_new_key(args, key)
    for note in cal.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {args.out}" + (f" and {args.report}" if args.report else "")
          + (f" and {args.parameter_sets}" if args.parameter_sets else ""), file=sys.stderr)
    return 0


def _cmd_backcast(args: argparse.Namespace) -> int:
    from calibration.backcast import run_backcast
    from calibration.backcast_report import backcast_report

    scenario = load_scenario(args.scenario)
    key, key_note = _key(args)
    log, fam = _logs(args, key)
    try:
        cutoff = log.week(args.cutoff)
    except (ValueError, TypeError):
        raise fail("--cutoff", f"expected a date such as 2022-01-01, got {args.cutoff!r}") from None
    print(f"{args.log}: {log.n_cases} cases ({key_note}); cut-off {log.date(cutoff)}",
          file=sys.stderr)
    result = run_backcast(log, scenario, cutoff, reps=args.reps, seed=args.seed,
                          families=fam, workers=args.workers, sets=args.sets)
    write_atomic(args.report, backcast_report(result, log))
    _save_new_key(args, key)
    verdict = "PASSED" if result.passed else "FAILED"
    for s in result.series:
        print(f"  {s.name:<16} coverage {100 * s.coverage:5.1f}%  needed "
              f"{100 * s.threshold:5.1f}%  p {s.p_value:.3f}  {'pass' if s.passed else 'FAIL'}")
    for d in result.distributions:
        print(f"  {d.name:<16} KS {d.distance:.3f}  p {d.p_value:.3f}  "
              f"{'pass' if d.passed else 'FAIL' if d.tested else 'not tested'}")
    print(f"back-cast {verdict} (p = {result.p_value:.3f} over {result.reps} simulated "
          f"histories from {result.sets} parameter sets); wrote {args.report}", file=sys.stderr)
    return 0 if result.passed else 1


def _run(func: Any) -> Any:
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except LogError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        except ValueError as exc:  # a back-cast cut-off outside the log, and the like
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT

    return wrapped


def _reading_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date-format", help="strftime form of the dates, e.g. %%d/%%m/%%Y "
                        "(default: ISO, or the day/month order the whole column shows)")
    parser.add_argument("--earliest", help="earliest plausible event date (default 1990-01-01)")
    parser.add_argument("--latest", help="latest plausible event date (default: a year from "
                                         "today)")
    parser.add_argument("--drop-duplicates", action="store_true",
                        help="drop repeated identical events (counted) instead of refusing")


def register(sub: Any) -> None:
    """Add ``calibrate`` and ``backcast`` to the ``pnp-sim`` command line."""
    cal = sub.add_parser("calibrate", help="fit a scenario from an organisation's case log")
    cal.add_argument("log", help="case log: CSV, Parquet or XES (or a pnp-sim events.csv)")
    cal.add_argument("--families", help="family log (interest, screening, approval, leaving)")
    cal.add_argument("--mapping", help="YAML mapping of your activity names to P&P's")
    cal.add_argument("--base", required=True, help="base scenario for what a log cannot show")
    cal.add_argument("--out", required=True, help="calibrated scenario YAML to write")
    cal.add_argument("--report", help="HTML fit report to write")
    cal.add_argument("--hours", help="time registration: case_id, role, week (or date), hours")
    cal.add_argument("--key-file", help="file holding your pseudonymisation key")
    cal.add_argument("--seed", type=int, default=0, help="seed of the goodness-of-fit bootstrap")
    cal.add_argument("--parameter-sets", metavar="FIT",
                     help="also write parameter sets drawn from the fit's uncertainty, for "
                          "'pnp-sim run CALIBRATED --parameter-uncertainty FIT'")
    cal.add_argument("--sets", type=int, default=40, help="parameter sets to draw (default 40)")
    _reading_options(cal)
    cal.set_defaults(func=_run(_cmd_calibrate))

    bc = sub.add_parser("backcast", help="check a calibrated scenario on a period it was not "
                                         "fitted on")
    bc.add_argument("log", help="case log (as for calibrate)")
    bc.add_argument("--families", help="family log")
    bc.add_argument("--mapping", help="YAML mapping file")
    bc.add_argument("--scenario", required=True, help="calibrated scenario")
    bc.add_argument("--cutoff", required=True, help="cut-off date (or week for week logs)")
    bc.add_argument("--report", required=True, help="HTML back-cast report to write")
    bc.add_argument("--sets", type=int, default=20,
                    help="parameter sets drawn by bootstrap over cases (default 20)")
    bc.add_argument("--reps", type=int, default=5,
                    help="replications per parameter set (default 5: 100 histories)")
    bc.add_argument("--seed", type=int, default=1)
    bc.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    bc.add_argument("--key-file", help="file holding your pseudonymisation key")
    _reading_options(bc)
    bc.set_defaults(func=_run(_cmd_backcast), out=None)
