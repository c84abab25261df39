"""``pnp-sim calibrate`` and ``pnp-sim backcast`` on the synthetic example."""

from __future__ import annotations

from pathlib import Path

from sim.cli import main
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "calibration" / "examples"


def test_calibrate_writes_a_tagged_scenario_and_a_report_without_raw_ids(tmp_path, capsys):
    out, report = tmp_path / "cal.yaml", tmp_path / "fit.html"
    rc = main(["calibrate", str(EX / "synthetic_cases.csv"), "--families",
               str(EX / "synthetic_families.csv"), "--mapping", str(EX / "mapping.yaml"),
               "--base", str(EX / "synthetic_truth.yaml"), "--out", str(out),
               "--report", str(report)])
    assert rc == 0
    scenario = load_scenario(out)  # loads back and validates
    text = out.read_text()
    assert "[calibrated log=" in text and "95%" in text
    assert "[base: hours per case are not in a case log]" in text
    assert scenario.families.screening.pass_rate < 0.4
    page = report.read_text()
    assert "Calibration report" in page and "<svg" in page
    raw_ids = {line.split(",")[0] for line in
               (EX / "synthetic_cases.csv").read_text().splitlines()[2:]}
    for raw in list(raw_ids)[:50]:
        assert raw not in page and raw not in text
    key = Path(str(out) + ".key")
    assert key.exists() and len(key.read_text().strip()) == 64
    assert not list(tmp_path.glob(".*cal.yaml.*"))  # no temporary file left behind

    bc = tmp_path / "bc.html"
    rc = main(["backcast", str(EX / "synthetic_cases.csv"), "--mapping",
               str(EX / "mapping.yaml"), "--scenario", str(out), "--cutoff", "2023-01-01",
               "--report", str(bc), "--reps", "2", "--sets", "3", "--workers", "1", "--key-file",
               str(key)])
    assert rc in (0, 1)  # 1: the back-cast failed its criteria (6 histories only)
    page = bc.read_text()
    assert "Acceptance criteria" in page and "Verdict" in page
    assert page.index("Acceptance criteria") < page.index("Verdict")


def test_bad_log_is_one_message_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("case_id,activity,timestamp\nA,referral,2021-01-01\nA,asessment,2021-02-01\n")
    rc = main(["calibrate", str(bad), "--base", str(ROOT / "scenarios" / "baseline.yaml"),
               "--out", str(tmp_path / "x.yaml")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "bad.csv" in err and "row 3, column 'activity'" in err
    assert "did you mean 'assessment'" in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()
    assert not (tmp_path / "x.yaml.key").exists()
