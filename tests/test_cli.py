"""The command line: run, validate, schema; clear errors; stamped outputs; resume."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import __version__, run_experiment, scenario_hash
from sim.cli import main
from sim.outputs.fingerprint import model_fingerprint
from sim.outputs.kpi_defs import KPIS
from sim.running import tasks as tasks_module
from tests.conftest import ROOT, SCENARIOS, edit

BASELINE = str(SCENARIOS / "baseline.yaml")


def test_run_prints_kpis_with_intervals_and_writes_stamped_files(tmp_path, capsys, baseline):
    out = tmp_path / "res"
    code = main(["run", BASELINE, "--reps", "3", "--seed", "11", "--workers", "1",
                 "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Wait to start assessment (mean)" in printed
    assert "95% CI" in printed
    expected = run_experiment(baseline, reps=3, seed=11)
    row = expected.summary.set_index("kpi").loc["placements_per_year"]
    kpi = KPIS["placements_per_year"]
    assert kpi.format(row["mean"]) in printed
    assert kpi.format_interval(row["ci_low"], row["ci_high"]) in printed
    digest = scenario_hash(baseline)
    for name in ("kpis", "summary", "weekly", "events", "little"):
        frame = pd.read_csv(out / f"{name}.csv")
        assert (frame["scenario_hash"] == digest).all()
        assert (frame["seed"] == 11).all()
        assert (frame["version"] == __version__).all()
    kpis = pd.read_csv(out / "kpis.csv")
    pd.testing.assert_series_equal(kpis["wait_assessment_mean"],
                                   expected.kpis["wait_assessment_mean"], check_names=False)
    stamp = json.loads((out / "stamp.json").read_text())
    assert stamp == {"scenario_hash": digest, "scenario_name": "baseline", "seed": 11,
                     "replications": 3, "version": __version__,
                     "model_fingerprint": model_fingerprint()}
    assert not (out / ".partial").exists()


def test_run_writes_parquet(tmp_path):
    out = tmp_path / "pq"
    assert main(["run", BASELINE, "--reps", "2", "--out", str(out), "--format", "parquet",
                 "--workers", "1"]) == 0
    frame = pd.read_parquet(out / "weekly.parquet")
    assert len(frame) == 2 * 520
    assert {"scenario_hash", "seed", "version", "rep", "waiting_staff"} <= set(frame.columns)


def test_dutch_labels(tmp_path, capsys):
    assert main(["run", BASELINE, "--reps", "2", "--lang", "nl", "--out", str(tmp_path),
                 "--workers", "1"]) == 0
    assert "Wachttijd tot beeldvorming (gemiddeld)" in capsys.readouterr().out


def test_validate_reports_field_and_exit_code(capsys):
    bad = ROOT / "tests" / "data" / "malformed" / "pass_rate_above_one.yaml"
    assert main(["validate", BASELINE]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "families.screening.pass_rate" in err and "at most 1" in err
    assert "Traceback" not in err


def test_missing_file_is_a_clear_error(capsys):
    assert main(["run", "no-such-file.yaml", "--reps", "1"]) == 2
    assert "no-such-file.yaml" in capsys.readouterr().err


def test_bad_flag_values_are_refused(capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", BASELINE, "--reps", "0"])
    assert info.value.code == 2
    assert "expected 1 or more" in capsys.readouterr().err


def test_schema_is_json_schema_for_editors(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert "staff" in schema["properties"]


def test_interrupted_run_resumes_where_it_stopped(tmp_path, baseline, monkeypatch):
    """Stop after two replications; the rerun runs only the missing ones, same results."""
    checkpoint = tmp_path / "ckpt"

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(baseline, reps=5, seed=3, progress=stop_after_two, checkpoint=checkpoint)
    assert len(list(checkpoint.rglob("rep-*.json"))) == 2
    ran: list[int] = []
    real = tasks_module.run_task

    def counting(task):
        ran.append(task.rep)
        return real(task)

    monkeypatch.setattr(tasks_module, "run_task", counting)
    resumed = run_experiment(baseline, reps=5, seed=3, checkpoint=checkpoint)
    assert ran == [2, 3, 4]
    fresh = run_experiment(baseline, reps=5, seed=3)
    pd.testing.assert_frame_equal(resumed.kpis, fresh.kpis)
    assert not checkpoint.exists()


def test_checkpoint_of_another_scenario_is_not_reused(tmp_path, baseline):
    checkpoint = tmp_path / "ckpt"
    other = edit(baseline, {"staff.pnp_counsellor.schedule.0.hours": 25})

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(baseline, reps=3, seed=3, progress=stop, checkpoint=checkpoint)
    res = run_experiment(other, reps=3, seed=3, checkpoint=checkpoint)
    pd.testing.assert_frame_equal(res.kpis, run_experiment(other, reps=3, seed=3).kpis)


def test_command_is_installed_and_module_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "run", BASELINE, "--reps", "2", "--workers", "2",
         "--out", str(tmp_path / "o"), "--progress"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "replications [" in proc.stderr and "2/2" in proc.stderr
    assert "Little's law check" in proc.stdout
    exe = Path(sys.executable).with_name("pnp-sim")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"pnp-sim {__version__}"
