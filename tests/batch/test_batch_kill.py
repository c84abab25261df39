"""A real sweep process killed with SIGKILL mid-sweep, then resumed: no lost and no
duplicated rows, and the same numbers as an uninterrupted run."""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
from batch_helpers import ROOT, write_spec

from sim.batch.spec import load_spec
from sim.batch.store import Store
from sim.batch.sweep import run_sweep
from sim.outputs.kpi_defs import KPIS

PROGRESS = re.compile(r"\]\s+(\d+)/(\d+)")


def _start(spec: Path, store: Path) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.batch.cli", "sweep", str(spec), "--store", str(store),
         "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def _kill(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _kill_after_progress(spec: Path, store: Path, at_least: int) -> None:
    proc, lines = _start(spec, store)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.05)
        except queue.Empty:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            continue
        m = PROGRESS.search(line)
        if m and int(m.group(1)) >= at_least:
            _kill(proc)
            return
    _kill(proc)
    raise AssertionError("no progress seen in time")


def _check_consistent(store: Path) -> int:
    """Every stored replication is whole: one row, all its KPIs, nothing twice."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        dupes = con.execute("""SELECT count(*) FROM (SELECT scenario_hash, seed, rep
                               FROM replications GROUP BY ALL HAVING count(*) > 1)""").fetchall()
        assert dupes == [(0,)]
        partial = con.execute(
            """SELECT count(*) FROM replications r LEFT JOIN (
                   SELECT scenario_hash, seed, rep, count(*) AS n FROM kpis GROUP BY ALL) k
               USING (scenario_hash, seed, rep) WHERE coalesce(k.n, 0) <> ?""",
            [len(KPIS)]).fetchall()
        assert partial == [(0,)], "a replication was stored without all its KPIs"
        orphans = con.execute(
            """SELECT count(*) FROM kpis k ANTI JOIN replications r
               USING (scenario_hash, seed, rep)""").fetchall()
        assert orphans == [(0,)], "KPIs stored without their replication row"
        row = con.execute("SELECT count(*) FROM replications").fetchall()
        return int(row[0][0])
    finally:
        con.close()


def test_sigkill_mid_sweep_then_resume(tmp_path: Path) -> None:
    # 9 points x 20 replications of a four-year baseline: several seconds on 2 workers,
    # long enough to be killed part-way (progress is reported at most twice a second)
    spec = write_spec(tmp_path, replications=20, set={"horizon_weeks": 208, "warmup_weeks": 13},
                      parameters=[
        {"path": "staff.pnp_counsellor.schedule.0.hours", "name": "pnp_hours",
         "values": [19, 24, 30]},
        {"path": "referrals.schedule.0.per_year", "name": "referrals",
         "values": [8, 12, 16]},
    ])
    planned = 9 * 20
    store = tmp_path / "killed.duckdb"

    # 1. killed once some replications are stored
    _kill_after_progress(spec, store, at_least=8)
    first = _check_consistent(store)
    assert 8 <= first < planned

    # 2. resumed, and killed again at a random moment (start-up, registering or running)
    proc, _ = _start(spec, store)
    time.sleep(random.Random().uniform(0.2, 3.0))
    if proc.poll() is None:
        _kill(proc)
    second = _check_consistent(store)
    assert second >= first

    # 3. resumed to the end
    proc, lines = _start(spec, store)
    assert proc.wait(timeout=300) == 0
    out = "".join(lines.queue)
    assert "complete: every replication is stored" in out
    assert f"already stored: {second}" in out
    assert _check_consistent(store) == planned
    with Store(store, read_only=True) as st:
        assert st.con.execute("SELECT count(*) FROM failures").fetchall() == [(0,)]
        resumed = st.kpi_table("test-sweep")

    # the same numbers as a sweep that was never interrupted
    reference = tmp_path / "reference.duckdb"
    assert run_sweep(load_spec(spec), reference, workers=2).complete
    with Store(reference, read_only=True) as st:
        expected = st.kpi_table("test-sweep")
    assert resumed.shape == expected.shape == (planned, len(expected.columns))
    assert resumed.equals(expected)
