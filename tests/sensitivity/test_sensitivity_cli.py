"""``pnp-sim sensitivity``: stamped outputs, specs, readable errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.scenario.schema import load_scenario, scenario_hash
from tests.conftest import SCENARIOS


def _spec(tmp_path: Path, groups: str = "[referrals.schedule]", **extra: object) -> Path:
    lines = [f"scenario: {SCENARIOS / 'baseline.yaml'}", "reps: 3", "seed: 5",
             "set: {horizon_weeks: 156}", f"groups: {groups}",
             "kpis: [wait_assessment_mean]"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    path = tmp_path / "spec.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_oneway_writes_stamped_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    out = tmp_path / "out"
    rc = main(["sensitivity", str(_spec(tmp_path)), "--backend", "inline", "--quiet",
               "--out", str(out), "--store", str(tmp_path / "s.duckdb")])
    assert rc == 0
    table = pd.read_csv(out / "oneway.csv")
    assert list(table.columns[:4]) == ["scenario_hash", "seed", "version", "model_fingerprint"]
    assert (table["seed"] == 5).all() and len(table) == 1
    data = json.loads((out / "oneway.json").read_text())
    assert data["stamp"]["seed"] == 5 and data["runs"] == 9
    base = load_scenario(SCENARIOS / "baseline.yaml")
    assert data["stamp"]["scenario_hash"] != scenario_hash(base)  # the spec's `set` applies
    printed = capsys.readouterr()
    assert "Referrals per year" in printed.out
    # the runs and an estimated time from a measured replication, before the work
    assert "1 groups x 2 + base, 3 replications each = 9 runs, about " in printed.err
    assert "on 1 worker (one replication took " in printed.err
    page = (out / "sensitivity.html").read_text()
    assert "Aanmeldingen per jaar" in page and data["stamp"]["model_fingerprint"] in page
    # a real tornado chart in the page, and the same chart as an image file
    assert page.count("<svg") == 1 and "Verschil met de basis (weken)" in page
    svg = (out / "tornado-wait_assessment_mean.svg").read_text()
    assert "<svg" in svg and "replicatieruis" in svg and "per jaar (×0,50)" in svg
    assert str(out / "tornado-wait_assessment_mean.svg") in printed.out


def test_morris_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                     ) -> None:
    out = tmp_path / "m"
    spec = _spec(tmp_path, groups="[referrals.schedule, families.interested_per_year]")
    args = ["sensitivity", str(spec), "--method", "morris", "--trajectories", "2",
            "--backend", "inline", "--quiet", "--out", str(out)]
    # two replications would leave the shared noise one degree of freedom: refused, readably
    assert main([*args, "--reps", "2"]) == 2
    err = capsys.readouterr().err
    assert "at least 3 replications" in err and "reps" in err and "Traceback" not in err
    assert not out.exists()
    rc = main([*args, "--reps", "3"])
    assert rc == 0
    assert "2 trajectories, 3 replications per point = 18 runs, about " in \
        capsys.readouterr().err
    table = pd.read_csv(out / "morris.csv")
    assert set(table["parameter"]) == {"referrals.schedule.0.per_year",
                                       "families.interested_per_year"}
    assert {"mu_star", "mu_star_conf", "noise_floor", "clear_effect"} <= set(table.columns)
    assert "Morris" in (out / "sensitivity.html").read_text()


def test_bad_input_gives_a_message_not_a_traceback(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", str(_spec(tmp_path)), "--kpi", "nonsense", "--quiet"]) == 2
    assert "unknown KPI nonsense" in capsys.readouterr().err
    bare = tmp_path / "bare.yaml"
    bare.write_text("\n".join(line.split("#")[0] for line in
                               (SCENARIOS / "baseline.yaml").read_text().splitlines()))
    assert main(["sensitivity", str(bare), "--quiet", "--out", str(tmp_path / "o")]) == 2
    assert "no uncertain number" in capsys.readouterr().err
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("scenario: baseline.yaml\nmethod: everything\n")
    assert main(["sensitivity", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "wrong.yaml" in err and "method" in err and "Traceback" not in err


def test_decision_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    from sim.scenario.schema import scenario_to_yaml
    from sim.scenario.sources import Source, scenario_to_sourced_yaml
    from sim.theory.textbook import textbook_scenario

    scen = textbook_scenario(1.0, {"dist": "exponential", "mean": 2.0}, 1, hours_per_case=1.0,
                             horizon_weeks=150, warmup_weeks=20)
    path = tmp_path / "mm.yaml"
    path.write_text(scenario_to_sourced_yaml(
        scen, {"referrals.schedule.0.per_year": Source("assume")}))
    assert scenario_to_yaml(scen)  # the file is a plain scenario with one sourced number
    out = tmp_path / "d"
    rc = main(["sensitivity", str(path), "--method", "decision", "--target",
               "wait_assessment_mean <= 0.5", "--roles", "pnp_counsellor", "--seed", "3",
               "--bounds", "pnp_counsellor=1:8",
               "--backend", "inline", "--quiet", "--out", str(out), "--lang", "en"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "Not robust: Referrals per year (high)" in printed
    data = json.loads((out / "decision.json").read_text())
    assert data["verdict"] == "not robust" and data["stamp"]["seed"] == 3
    page = (out / "sensitivity.html").read_text()
    assert "Not robust" in page and "Decision" in page
    assert main(["sensitivity", str(path), "--method", "decision", "--quiet"]) == 2
    assert "--target" in capsys.readouterr().err
