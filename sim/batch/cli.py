"""``pnp-sim sweep`` and ``pnp-sim results``: batch runs from the command line.

``register(subparsers)`` adds both commands to the main ``pnp-sim`` parser; ``python -m
sim.batch.cli`` runs them on their own. Users get one readable message and a non-zero exit
code on any error, never a traceback.

Exit codes: 0 done; 1 the spec, store or backend cannot be used; 3 the sweep finished but some
points failed (listed; a rerun retries them); 130 interrupted (a rerun resumes).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_FAILED_POINTS = 3
EXIT_INTERRUPTED = 130

TABLES = ("kpis", "summary", "points", "failures", "weekly")


def _err(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return EXIT_ERROR


def cmd_sweep(args: argparse.Namespace) -> int:
    """``pnp-sim sweep``: run a spec into a store, with the shared progress bar."""
    from sim.batch.backends import BackendError
    from sim.batch.spec import SpecError, load_spec
    from sim.batch.store import StoreError
    from sim.batch.store_schema import failure_message
    from sim.batch.sweep import run_sweep

    backend = args.backend or ("dask" if args.address else "local")
    if args.workers is not None and args.workers < 1:
        return _err(f"--workers must be 1 or more (got {args.workers})")
    if args.address and backend != "dask":
        return _err("--address is for the dask backend (use --backend dask or leave it out)")
    if args.address and args.workers is not None:
        print("note: --workers is ignored with --address: the cluster's own workers run the "
              "sweep", file=sys.stderr)
    try:
        loaded = load_spec(args.spec, allow_large=getattr(args, "allow_large", False))
    except SpecError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    store = Path(args.store)
    if store.suffix.lower() not in (".duckdb", ".db"):
        return _err(f"--store {store}: expected a .duckdb file")
    from sim.running.estimate import estimate

    runs = loaded.n_points() * loaded.spec.replications
    # time a replication of the first valid point (the spec's `set` and values applied)
    probe = next((p.scenario for p in itertools.islice(loaded.points(), 10)
                  if p.scenario is not None), loaded.base)
    est = estimate(runs, probe, loaded.spec.seed, workers=1 if args.address else args.workers)
    where = " (one core; a cluster divides it by its workers)" if args.address else ""
    print(f"sweep '{loaded.name}': {loaded.n_points():,} points x "
          f"{loaded.spec.replications:,} replications = {est.text()}{where} -> {store}",
          file=sys.stderr)
    import duckdb

    try:
        summary = run_sweep(loaded, store, backend=backend, workers=args.workers,
                            address=args.address, progress=not args.quiet)
    except (StoreError, BackendError) as exc:
        return _err(str(exc))
    except (duckdb.Error, OSError) as exc:
        # a full disk or a damaged store is named as such, with what was kept
        return _err(failure_message(exc, store))
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    if summary.note:
        print(f"note: {summary.note}", file=sys.stderr)
    print(summary.text())
    if summary.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.complete else EXIT_FAILED_POINTS


def _show(df: Any) -> str:
    import pandas as pd

    with pd.option_context("display.max_rows", 200, "display.max_columns", 30,
                           "display.width", 160, "display.max_colwidth", 60):
        return str(df.to_string(index=False))


def _export(df: Any, out: Path, fmt: str) -> None:
    """Write ``df`` to ``out`` through a temporary file beside it, renamed when complete; on
    any failure (a full disk) the temporary file is removed, so no partial file is left. The
    file is written by pandas/pyarrow, not by the store's locked-down DuckDB connection."""
    import os

    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def cmd_results(args: argparse.Namespace) -> int:
    """``pnp-sim results``: list or export what a store holds."""
    from sim.batch.store import Store, StoreError
    from sim.batch.store_schema import is_no_space

    try:
        with Store(args.store, read_only=True) as st:
            if args.experiment is None:
                if args.export:
                    return _err("--export needs --experiment NAME (see the list without it)")
                exps = st.experiments()
                if exps.empty:
                    print(f"{args.store}: no experiments stored yet")
                    return EXIT_OK
                cols = ["experiment", "points", "invalid_points", "replications_per_point",
                        "replications_done", "replications_planned", "failed_replications",
                        "parameters", "updated_at"]
                print(_show(exps[cols]))
                return EXIT_OK
            table = args.table
            if table == "kpis":
                df = st.kpi_table(args.experiment)
            elif table == "summary":
                df = st.summary(args.experiment)
            elif table == "failures":
                df = st.failures(args.experiment)
            elif table == "weekly":
                df = st.weekly_table(args.experiment)
            else:
                df = st.points(args.experiment)
            if not args.export:
                print(_show(df))
                return EXIT_OK
            out = Path(args.export)
            fmt = args.format or {".parquet": "parquet", ".csv": "csv"}.get(
                out.suffix.lower())
            if fmt is None:
                return _err(f"--export {out}: give a .parquet or .csv file, or --format")
            if not out.parent.exists():
                return _err(f"--export {out}: the folder {out.parent} does not exist")
            _export(df, out, fmt)
            print(f"wrote {len(df)} rows ({table}) of '{args.experiment}' to {out}")
            return EXIT_OK
    except StoreError as exc:
        return _err(str(exc))
    except OSError as exc:
        if is_no_space(exc):
            return _err(f"no space left on the disk holding {args.export}; nothing was "
                        "written (the store is unchanged)")
        return _err(f"cannot write {args.export}: {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - duckdb, pyarrow: one line, no traceback
        from sim.batch.store_schema import damaged_message, looks_damaged

        if looks_damaged(exc):  # a store that opened but cannot be read through
            return _err(damaged_message(Path(args.store), str(exc)))
        return _err(f"{args.store}: {type(exc).__name__}: {exc}")


def register(subparsers: Any) -> None:
    """Add the ``sweep`` and ``results`` commands to an argparse subparsers object."""
    sweep = subparsers.add_parser(
        "sweep", help="run a sweep spec (many scenario points) into a DuckDB store",
        description="Run every point of a sweep spec, storing each replication as it "
        "finishes. Running the same spec again skips what is stored and retries failures.",
    )
    sweep.add_argument("spec", help="sweep spec YAML file (see scenarios/sweeps/)")
    sweep.add_argument("--store", required=True, help="DuckDB store file (created if missing)")
    sweep.add_argument("--backend", choices=("local", "dask"), default=None,
                       help="local process pool (default) or a Dask cluster")
    sweep.add_argument("--workers", type=int, default=None,
                       help="worker processes (local pool or local Dask cluster; "
                       "default: one per CPU core)")
    sweep.add_argument("--address", default=None,
                       help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies "
                       "--backend dask; without it a local Dask cluster is started)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep.add_argument("--allow-large", action="store_true",
                       help="run a sweep of more than 100,000 points or 1,000,000 runs "
                       "(points x replications; up to 10,000,000 points and 100,000,000 runs)")
    sweep.set_defaults(func=cmd_sweep)

    results = subparsers.add_parser(
        "results", help="list the experiments and points in a store, export them",
        description="Without --experiment: list the experiments. With it: list its points, "
        "or with --export write a table to Parquet or CSV.",
    )
    results.add_argument("store", help="DuckDB store file")
    results.add_argument("-e", "--experiment", default=None, help="experiment (spec) name")
    results.add_argument("--table", choices=TABLES, default=None,
                         help="kpis: one row per point and replication; summary: mean and "
                         "95%% interval per point and KPI; points; failures; weekly "
                         "(default: points when listing, kpis when exporting)")
    results.add_argument("--export", default=None, metavar="FILE",
                         help="write the table to FILE (.parquet or .csv)")
    results.add_argument("--format", choices=("parquet", "csv"), default=None,
                         help="file format (default: from the FILE suffix)")
    results.set_defaults(func=_results_entry)


def _results_entry(args: argparse.Namespace) -> int:
    if args.table is None:
        args.table = "kpis" if args.export else "points"
    return cmd_results(args)


def main(argv: list[str] | None = None) -> int:
    """``python -m sim.batch.cli``: the sweep and results commands on their own."""
    parser = argparse.ArgumentParser(prog="pnp-sim", description="pnp-sim batch runs")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
