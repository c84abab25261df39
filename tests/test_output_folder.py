"""``pnp-sim run --out``: the folder is written as a whole (temporary folder, renamed), the
checkpoint is kept until the output is complete, another run's folder is refused, and CSV
dialects for Dutch-language spreadsheets."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from sim import run_experiment
from sim.cli import main
from sim.outputs.output import checkpoint_folder, csv_dialect, frame_to_csv
from tests.conftest import ROOT, SCENARIOS

BASELINE = str(SCENARIOS / "baseline.yaml")
FILES = {"kpis.csv", "summary.csv", "weekly.csv", "events.csv", "little.csv", "children.csv",
         "stamp.json", "scenario.yaml"}

# Runs the CLI in a child process that kills itself with SIGKILL after writing two tables.
KILL_WHILE_WRITING = textwrap.dedent("""
    import os, signal, sys
    import sim.outputs.output as o
    real = o.frame_to_csv
    n = [0]
    def dying(frame, path=None, dialect="comma"):
        real(frame, path, dialect)
        n[0] += 1
        if n[0] == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    o.frame_to_csv = dying
    from sim.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _cli(*args: str) -> list[str]:
    return ["run", BASELINE, "--reps", "3", "--workers", "1", *args]


def test_kill_while_writing_leaves_no_partial_folder_and_keeps_the_checkpoint(
        tmp_path: Path) -> None:
    out = tmp_path / "res"
    cmd = [sys.executable, "-c", KILL_WHILE_WRITING, *_cli("--seed", "4", "--out", str(out))]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == -9, done.stderr
    assert not out.exists(), "a half-written output folder is in place"
    partial = checkpoint_folder(out)
    assert len(list(partial.rglob("rep-*.json"))) == 3, "the checkpoint was lost"
    # the rerun takes the replications from the checkpoint and completes the folder
    assert main(_cli("--seed", "4", "--out", str(out))) == 0
    assert {p.name for p in out.iterdir()} == FILES
    assert not partial.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["res"], "temporary folders left"
    fresh = run_experiment(_load(), reps=3, seed=4)
    kpis = pd.read_csv(out / "kpis.csv")
    pd.testing.assert_series_equal(kpis["wait_family_p90"], fresh.kpis["wait_family_p90"],
                                   check_names=False)


def test_a_folder_of_another_run_is_refused_then_replaced_on_request(tmp_path: Path,
                                                                     capsys) -> None:
    out = tmp_path / "res"
    assert main(_cli("--seed", "11", "--out", str(out))) == 0
    before = (out / "kpis.csv").read_bytes()
    capsys.readouterr()
    assert main(_cli("--seed", "12", "--out", str(out))) == 2
    err = capsys.readouterr().err
    assert "holds another run" in err and "seed 11" in err and "--replace" in err
    assert (out / "kpis.csv").read_bytes() == before, "the refused run touched the folder"
    assert main(_cli("--seed", "12", "--out", str(out), "--replace")) == 0
    stamp = json.loads((out / "stamp.json").read_text())
    assert stamp["seed"] == 12
    assert set(pd.read_csv(out / "kpis.csv")["seed"]) == {12}
    # the same scenario and seed again simply replaces the folder, with a note
    assert main(_cli("--seed", "12", "--out", str(out))) == 0
    assert "replacing the earlier output" in capsys.readouterr().err


def test_a_folder_that_is_not_a_run_is_never_touched(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(_cli("--out", str(out), "--replace")) == 2
    assert "holds no pnp-sim run" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"


def test_csv_dialects() -> None:
    frame = pd.DataFrame({"kpi": ["a"], "mean": [1234.5]})
    assert frame_to_csv(frame) == "kpi,mean\na,1234.5\n"
    assert frame_to_csv(frame, dialect="nl") == "kpi;mean\na;1234,5\n"
    assert csv_dialect("semicolon") == csv_dialect("nl")
    with pytest.raises(ValueError, match="unknown CSV dialect"):
        csv_dialect("tab")


def test_run_writes_the_semicolon_dialect(tmp_path: Path) -> None:
    out = tmp_path / "nl"
    assert main(_cli("--seed", "2", "--out", str(out), "--csv-dialect", "semicolon")) == 0
    nl = pd.read_csv(out / "summary.csv", sep=";", decimal=",")
    en = run_experiment(_load(), reps=3, seed=2).summary
    assert list(nl["kpi"]) == list(en["kpi"])
    assert nl["mean"].to_numpy() == pytest.approx(en["mean"].to_numpy(), nan_ok=True)


def _load():
    from sim.scenario.schema import load_scenario

    return load_scenario(BASELINE)
