"""SIGKILL of ``pnp-sim run`` and ``pnp-sim sweep`` at random moments: no process of the run
stays alive (fork server, workers, resource tracker), no partial output folder is left, and a
rerun gives results bit-identical to an uninterrupted run.

Only the main process is killed (as ``kill -9 PID`` would), never its process group: the
workers must notice by themselves. Processes are found by a token in their environment, which
every process of the run inherits (the table is read from /proc; psutil is not needed).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
KILLS = 10

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(),
                                reason="reads the process table from /proc (Linux)")


def processes_with(token: str) -> list[int]:
    """Pids of live processes whose environment holds ``token`` (zombies excluded)."""
    needle = token.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def _env(token: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), PNP_KILL_TEST=token)


def _wait_gone(token: str, timeout: float = 15.0) -> list[int]:
    deadline = time.monotonic() + timeout
    left = processes_with(token)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = processes_with(token)
    return left


def _kill_at_random(cmd: list[str], rng: random.Random, low: float, high: float) -> None:
    token = uuid.uuid4().hex
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(token), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(low, high))
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    left = _wait_gone(token)
    for pid in left:  # do not leave them behind for the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the killed run still alive: {left}"


def _run(cmd: list[str]) -> None:
    token = uuid.uuid4().hex
    done = subprocess.run(cmd, cwd=ROOT, env=_env(token), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert not _wait_gone(token), "processes of a finished run still alive"


def _scenario(tmp_path: Path) -> Path:
    data = yaml.safe_load(BASELINE.read_text())
    data["horizon_weeks"] = 260
    path = tmp_path / "scen.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _complete_or_absent(out: Path) -> None:
    if out.exists():
        names = {p.name for p in out.iterdir()}
        assert names == {"kpis.csv", "summary.csv", "weekly.csv", "events.csv", "little.csv",
                         "children.csv", "stamp.json", "scenario.yaml"}, names


def test_killed_run_leaves_no_process_and_no_partial_folder(tmp_path: Path) -> None:
    scen = _scenario(tmp_path)
    rng = random.Random()
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "run", str(scen), "--reps", "16", "--seed", "5",
           "--workers", "2", "--out", str(out)]
    for _ in range(KILLS):
        _kill_at_random(cmd, rng, 0.2, 2.5)
        _complete_or_absent(out)
    _run(cmd)
    reference = tmp_path / "reference"
    _run([*cmd[:-1], str(reference)])
    for name in ("kpis.csv", "weekly.csv", "events.csv", "children.csv", "little.csv",
                 "summary.csv", "stamp.json"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".killed.")]
    assert not left, f"temporary folders left: {left}"


def test_killed_sweep_leaves_no_process(tmp_path: Path) -> None:
    import duckdb

    spec = {
        "name": "kill", "base": str(BASELINE), "replications": 4, "seed": 3,
        "set": {"horizon_weeks": 156, "warmup_weeks": 13},
        "parameters": [{"path": "staff.pnp_counsellor.schedule.0.hours", "name": "h",
                        "values": [12, 19, 24, 30]}],
    }
    spec_path = tmp_path / "spec.yaml"
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    rng = random.Random()

    def cmd(store: Path) -> list[str]:
        return [sys.executable, "-m", "sim.batch.cli", "sweep", str(spec_path), "--store",
                str(store), "--workers", "2", "--quiet"]

    store = tmp_path / "killed.duckdb"
    for _ in range(KILLS):
        _kill_at_random(cmd(store), rng, 0.3, 3.0)
    _run(cmd(store))
    reference = tmp_path / "reference.duckdb"
    _run(cmd(reference))
    query = "SELECT scenario_hash, seed, rep, kpi, value FROM kpis ORDER BY ALL"
    got = duckdb.connect(str(store), read_only=True).execute(query).fetchall()
    want = duckdb.connect(str(reference), read_only=True).execute(query).fetchall()
    assert len(want) > 0 and got == want
