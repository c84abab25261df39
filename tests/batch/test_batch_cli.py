"""The sweep and results commands: output, exports, and one readable message on every error."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from batch_helpers import ROOT, write_spec

from sim.batch import cli
from sim.batch.backends import BackendError, DaskBackend
from sim.batch.store import Store, StoreError
from sim.outputs.kpi_defs import KPIS


@pytest.fixture
def small_spec(tmp_path: Path) -> Path:
    """The helpers' small spec (2 x 3 points, 3 replications) written to a file."""
    return write_spec(tmp_path)



def run_cli(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_register_adds_both_commands() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    cli.register(sub)
    args = parser.parse_args(["sweep", "s.yaml", "--store", "x.duckdb", "--backend", "dask",
                              "--workers", "3", "--address", "tcp://h:8786"])
    assert args.func is cli.cmd_sweep
    assert (args.spec, args.store, args.backend, args.workers, args.address) == (
        "s.yaml", "x.duckdb", "dask", 3, "tcp://h:8786")
    args = parser.parse_args(["results", "x.duckdb", "-e", "a", "--export", "o.csv"])
    assert callable(args.func) and args.experiment == "a"


def test_sweep_then_results_and_exports(small_spec: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    code, out, err = run_cli("sweep", str(small_spec), "--store", str(store), "--workers", "2",
                             capsys=capsys)
    assert code == 0, err
    assert "18 planned" in out and "complete: every replication is stored" in out
    assert "18/18" in err and "left" in err  # progress bar with the time left
    # runs and the estimated time, from a measured replication, before it starts
    assert "6 points x 3 replications = 18 runs, about " in err
    assert "on 2 workers (one replication took " in err
    assert err.index("18 runs, about") < err.index("18/18")

    code, out, _ = run_cli("results", str(store), capsys=capsys)
    assert code == 0 and "test-sweep" in out and "18" in out

    code, out, _ = run_cli("results", str(store), "-e", "test-sweep", capsys=capsys)
    assert code == 0
    assert "pnp_hours" in out and "referrals" in out and len(out.strip().splitlines()) == 7

    parquet = tmp_path / "k.parquet"
    code, out, _ = run_cli("results", str(store), "-e", "test-sweep", "--export", str(parquet),
                           capsys=capsys)
    assert code == 0 and "wrote 18 rows" in out
    df = pd.read_parquet(parquet)
    assert len(df) == 18 and {"point", "pnp_hours", "referrals", "rep", *KPIS} <= set(df.columns)

    csv = tmp_path / "summary.csv"
    code, _, _ = run_cli("results", str(store), "-e", "test-sweep", "--table", "summary",
                         "--export", str(csv), capsys=capsys)
    assert code == 0
    summary = pd.read_csv(csv)
    assert len(summary) == 6 * len(KPIS)
    assert {"mean", "ci_low", "ci_high", "n"} <= set(summary.columns)
    ok = summary.dropna(subset=["mean"])
    assert (ok.ci_low <= ok["mean"] + 1e-12).all() and (ok["mean"] <= ok.ci_high + 1e-12).all()
    # the summary is the mean of the stored replications
    one = df[(df.point == 2)]["placements_per_year"].mean()
    got = summary[(summary.point == 2) & (summary.kpi == "placements_per_year")]["mean"]
    assert got.iloc[0] == pytest.approx(one)

    # a second run has nothing to do
    code, out, _ = run_cli("sweep", str(small_spec), "--store", str(store), "--quiet",
                           capsys=capsys)
    assert code == 0 and "already stored: 18; run now: 0" in out


def test_failed_points_give_exit_code_3(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    # each value alone is valid; warmup 60 with a 52-week horizon is not
    spec = write_spec(tmp_path, replications=1, set={"warmup_weeks": 10, "horizon_weeks": 104},
                      parameters=[{"path": "warmup_weeks", "values": [10, 60]},
                                  {"path": "horizon_weeks", "values": [52, 104]}])
    store = tmp_path / "s.duckdb"
    code, out, _ = run_cli("sweep", str(spec), "--store", str(store), "--quiet", capsys=capsys)
    assert code == cli.EXIT_FAILED_POINTS
    assert "1 point(s) the scenario schema refuses" in out and "warmup_weeks=60" in out
    code, out, _ = run_cli("results", str(store), "-e", "test-sweep", "--table", "failures",
                           capsys=capsys)
    # the scenario schema's own message, naming the field
    assert code == 0 and "warmup_weeks" in out and "shorter" in out


@pytest.mark.parametrize("argv_tail, words", [
    (["--workers", "0"], "--workers must be 1 or more"),
    (["--backend", "local", "--address", "tcp://127.0.0.1:1"], "--address is for the dask"),
])
def test_bad_options(small_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     argv_tail: list[str], words: str) -> None:
    code, _, err = run_cli("sweep", str(small_spec), "--store", str(tmp_path / "s.duckdb"),
                           *argv_tail, capsys=capsys)
    assert code == 1 and words in err and "Traceback" not in err


def test_errors_are_one_message_without_traceback(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nreplications: many\n", encoding="utf-8")
    code, _, err = run_cli("sweep", str(bad), "--store", str(tmp_path / "s.duckdb"),
                           capsys=capsys)
    assert code == 1 and "replications" in err and "Traceback" not in err

    spec = write_spec(tmp_path)
    code, _, err = run_cli("sweep", str(spec), "--store", str(tmp_path / "no" / "s.duckdb"),
                           capsys=capsys)
    assert code == 1 and "does not exist" in err

    code, _, err = run_cli("results", str(tmp_path / "missing.duckdb"), capsys=capsys)
    assert code == 1 and "no such store file" in err

    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    code, _, err = run_cli("results", str(other), capsys=capsys)
    assert code == 1 and "not a pnp-sim sweep store" in err

    store = tmp_path / "s.duckdb"
    Store(store).close()
    code, _, err = run_cli("results", str(store), "-e", "nope", capsys=capsys)
    assert code == 1 and "no experiment named 'nope'" in err
    code, _, err = run_cli("results", str(store), "-e", "nope", "--export", "x.txt",
                           capsys=capsys)
    assert code == 1 and "Traceback" not in err


def test_a_store_in_use_is_refused_readably(tmp_path: Path) -> None:
    store = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); sys.stdin.read()", str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="in use by another process"):
            Store(store)
    finally:
        holder.communicate("")


def test_unreachable_dask_scheduler_is_a_readable_error() -> None:
    with pytest.raises(BackendError, match="cannot connect to the Dask scheduler"):
        DaskBackend(address="tcp://127.0.0.1:9", timeout_s=2)


def test_a_scheduler_without_workers_is_a_readable_error() -> None:
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=0, processes=False, dashboard_address=None)
    try:
        with pytest.raises(BackendError, match="has no workers after 1 s; start some with: "
                           "dask worker "):
            DaskBackend(address=cluster.scheduler_address, wait_for_workers_s=1)
    finally:
        cluster.close()


def test_the_installed_command_has_sweep_and_results(tmp_path: Path) -> None:
    """Through the lead's ``pnp-sim`` entry point (sim.cli), as users run it."""
    spec = tmp_path / "s.yaml"
    spec.write_text("name: [unclosed\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from sim.cli import main; sys.exit(main())",
         "sweep", str(spec), "--store", str(tmp_path / "x.duckdb")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "invalid sweep spec" in proc.stderr and "Traceback" not in proc.stderr



def test_sweep_on_a_dask_cluster_started_with_the_dask_command(small_spec: Path, tmp_path: Path
                                                               ) -> None:
    """What docs/batch.md tells users: `dask scheduler`, `dask worker ADDRESS`, then
    `pnp-sim sweep ... --address ADDRESS`. The stored results equal a local-pool run."""
    import json
    import os
    import time

    dask_cmd = Path(sys.executable).with_name("dask")
    if not dask_cmd.exists():
        pytest.skip("the dask command is not installed next to this Python")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    info = tmp_path / "scheduler.json"
    procs = [subprocess.Popen(
        [str(dask_cmd), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(info)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert info.exists(), "the scheduler did not start"
        address = json.loads(info.read_text(encoding="utf-8"))["address"]
        procs.append(subprocess.Popen(
            [str(dask_cmd), "worker", address, "--nworkers", "2", "--nthreads", "1",
             "--no-dashboard"],
            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        store = tmp_path / "cluster.duckdb"
        proc = subprocess.run(
            [sys.executable, "-m", "sim.batch.cli", "sweep", str(small_spec), "--store",
             str(store), "--address", address, "--quiet"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        assert "(dask backend" in proc.stdout and "complete" in proc.stdout
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    local = tmp_path / "local.duckdb"
    assert cli.main(["sweep", str(small_spec), "--store", str(local), "--quiet"]) == 0
    with Store(store, read_only=True) as a, Store(local, read_only=True) as b:
        ta, tb = a.kpi_table("test-sweep"), b.kpi_table("test-sweep")
        assert len(ta) == 18 and ta.equals(tb)
        workers = {w.split(":")[1] for (w,) in a.con.execute(
            "SELECT DISTINCT worker FROM replications").fetchall()}
        assert len(workers) >= 1  # the worker processes recorded themselves
