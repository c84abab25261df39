"""``pnp-sim staffing``: answer, guarantee and frontier printed, stamped files written, a
repeated search served by the store, and bad input refused with the field named."""

from __future__ import annotations

import json
from pathlib import Path

from sim.cli import main
from sim.scenario.schema import scenario_to_yaml
from sim.theory.textbook import textbook_scenario


def _scenario(tmp_path: Path) -> Path:
    scen = textbook_scenario(1.0, {"dist": "exponential", "mean": 2.0}, 1, hours_per_case=1.0,
                             horizon_weeks=150, warmup_weeks=20)
    p = tmp_path / "mm.yaml"
    p.write_text(scenario_to_yaml(scen))
    return p


ARGS = ["--target", "wait_assessment_mean <= 0.5", "--roles", "pnp_counsellor",
        "--bounds", "pnp_counsellor=1:8", "--backend", "serial", "--first-reps", "5",
        "--max-reps", "20", "--confirm-reps", "20", "--quiet"]


def test_cli_answers_writes_and_resumes(tmp_path, capsys) -> None:  # noqa: ANN001
    scen = _scenario(tmp_path)
    store = tmp_path / "s.duckdb"
    out = tmp_path / "out"
    assert main(["staffing", str(scen), *ARGS, "--store", str(store), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Least staffing" in printed and "P&P counsellor 4 h" in printed
    assert "With 95% confidence the staffing 4 meets every target" in printed
    data = json.loads((out / "staffing.json").read_text())
    assert data["answer"] == {"pnp_counsellor": 4.0}
    assert {"scenario_hash", "seed", "version", "model_fingerprint"} <= set(data)
    ran = data["replications_run"]
    assert ran > 0
    header = (out / "frontier.csv").read_text().splitlines()[0]
    assert header.startswith("scenario_hash,seed,version,model_fingerprint,pnp_counsellor")
    # the same search again: every replication comes from the store
    assert main(["staffing", str(scen), *ARGS, "--store", str(store), "--out", str(out)]) == 0
    again = json.loads((out / "staffing.json").read_text())
    assert again["replications_run"] == 0 and again["replications_from_store"] > 0
    assert again["answer"] == data["answer"]


def test_cli_refuses_bad_targets_and_bounds(tmp_path, capsys) -> None:  # noqa: ANN001
    scen = _scenario(tmp_path)
    assert main(["staffing", str(scen), "--target", "wait_asessment_mean <= 1"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'wait_assessment_mean'" in err and "Traceback" not in err
    assert main(["staffing", str(scen), "--target", "wait_assessment_mean <= 1",
                 "--bounds", "pnp_counsellor=9:3"]) == 2
    assert "bounds.pnp_counsellor" in capsys.readouterr().err
    assert main(["staffing", str(scen)]) == 2


def test_spec_file_errors_name_file_and_field(tmp_path, capsys) -> None:  # noqa: ANN001
    scen = _scenario(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"base: {scen.name}\ntargets: ['wait_assessment_mean <= 0.5']\n"
                    "role: [pnp_counsellor]\n")
    assert main(["staffing", str(spec)]) == 2
    err = capsys.readouterr().err
    assert str(spec) in err and "role: unknown field; did you mean 'roles'?" in err
    spec.write_text(f"base: {scen.name}\ntargets: ['wait_assessment_mean <= 0.5']\n"
                    "roles: [pnp_counselor]\n")
    assert main(["staffing", str(spec)]) == 2
    assert "roles" in capsys.readouterr().err


def test_spec_file_runs(tmp_path, capsys) -> None:  # noqa: ANN001
    scen = _scenario(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"name: mm\nbase: {scen.name}\ntargets: ['wait_assessment_mean <= 0.5']\n"
        "roles: [pnp_counsellor]\nbounds: {pnp_counsellor: [1, 8]}\n"
        "replications: {first: 5, max: 20, confirm: 20}\nseed: 4\n")
    assert main(["staffing", str(spec), "--backend", "serial", "--quiet",
                 "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "staffing.json").read_text())["answer"] == \
        {"pnp_counsellor": 4.0}


def test_cli_floor_refuses_in_dutch_and_says_what_stability_tested(tmp_path, capsys) -> None:  # noqa: ANN001
    """A target below the service time alone is refused by the floor, in Dutch with --lang nl
    (no raw KPI key); --no-stability says that stability was not tested."""
    scen = _scenario(tmp_path)
    args = ["--roles", "pnp_counsellor", "--bounds", "pnp_counsellor=1:8", "--backend",
            "serial", "--quiet", "--out", str(tmp_path / "o")]
    # mean service 2 weeks: a mean time to placement of 1 week is out of reach
    assert main(["staffing", str(scen), "--target", "referral_to_placement_mean <= 1",
                 *args, "--lang", "nl"]) == 0
    printed = capsys.readouterr().out
    assert "Wat geen bezetting kan verbeteren (de bodem)" in printed
    assert "met personeel niet haalbaar" in printed and "Aanmelding & beeldvorming" in printed
    assert "referral_to_placement" not in printed.split("wrote")[0]
    data = json.loads((tmp_path / "o" / "staffing.json").read_text())
    assert data["floor"]["out_of_reach"] == [{"target": "referral_to_placement_mean <= 1",
                                              "where": "both"}]
    assert data["candidates_decided"] == 0
    assert main(["staffing", str(scen), "--target", "referral_to_placement_mean <= 1",
                 *args, "--no-stability"]) == 0
    printed = capsys.readouterr().out
    assert "Stability not tested" in printed and "always refused" not in printed


def test_cli_says_the_work_ahead_before_it_starts(tmp_path, capsys) -> None:  # noqa: ANN001
    """Before the search: the grid's size and the floor's runs with an estimated time, from
    the one estimator (sim.running.estimate), in the language asked for."""
    scen = _scenario(tmp_path)
    args = ["--roles", "pnp_counsellor", "--bounds", "pnp_counsellor=1:8", "--backend",
            "serial", "--out", str(tmp_path / "o"), "--target", "referral_to_placement_mean <= 1"]
    assert main(["staffing", str(scen), *args, "--lang", "nl"]) == 0
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    # 8 staffings (1..8 h); the floor runs 3 settings x the scenario's replications
    reps = 3 * textbook_scenario(1.0, {"dist": "exponential", "mean": 2.0}, 1).replications
    assert first.startswith("Werk vooraf: 8 mogelijke bezettingen; eerst de bodem: "
                            f"{reps} runs, ongeveer ")
    assert "één replicatie duurde hier" in first
    assert main(["staffing", str(scen), *args, "--quiet"]) == 0
    assert "Work ahead" not in capsys.readouterr().err
