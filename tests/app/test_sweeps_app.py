"""Sweeps from the app (issue 11): started in the background into the results folder, followed,
and opened from a list; nothing outside the results folder is ever read."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import ROOT, click_run, new_app, open_tab, set_number

from sim.scenario.schema import load_scenario, scenario_to_dict
from webapp import sweep_jobs as sj
from webapp.i18n import t


@pytest.fixture
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setenv("PNP_RESULTS_DIR", str(folder))
    return folder


def test_values_in_either_notation() -> None:
    assert sj.parse_values("8; 12,5; 16") == [8.0, 12.5, 16.0]
    assert sj.parse_values("8, 12.5, 16") == [8.0, 12.5, 16.0]
    assert sj.parse_values("8 12.5") == [8.0, 12.5]
    with pytest.raises(ValueError, match="abc"):
        sj.parse_values("8; abc")


def test_only_stores_inside_the_results_folder(results: Path, tmp_path: Path) -> None:
    (results / "a.duckdb").write_bytes(b"x")
    (results / "sub").mkdir()
    (results / "sub" / "b.duckdb").write_bytes(b"x")
    outside = tmp_path / "secret.duckdb"
    outside.write_bytes(b"x")
    assert set(sj.list_stores()) == {"a.duckdb", "sub/b.duckdb"}
    assert sj.resolve_store("sub/b.duckdb") == (results / "sub" / "b.duckdb").resolve()
    # Anything else is None, whether it exists or not: the answer reveals nothing.
    for name in ("../secret.duckdb", str(outside), "/etc/passwd", "../nothing.duckdb",
                 "a.duckdb/../../secret.duckdb"):
        assert sj.resolve_store(name) is None, name
    saved = sj.save_upload("../../evil name.duckdb", b"y")
    assert saved == "uploads/evil-name.duckdb"
    assert (results / saved).read_bytes() == b"y"


def _wait(job: sj.Job, seconds: float = 240) -> sj.Job:
    deadline = time.time() + seconds
    while time.time() < deadline:
        job = sj.read_job(job.folder)
        if not job.running:
            return job
        time.sleep(0.5)
    raise AssertionError((job.folder / "log.txt").read_text())


def test_sweep_started_from_the_app_runs_in_the_background(results: Path, spy: Any) -> None:
    at = new_app()
    open_tab(at, "sweeps")
    assert [e.value for e in at.error] == []
    # One parameter (the P&P counsellor's hours) with two values, one replication each.
    at.text_input(key="ui:sw_values_0_hours_pnp_counsellor").set_value("12; 19")
    set_number(at, "ui:sw_reps", 1)
    set_number(at, "ui:sw_workers", 1)
    at.text_input(key="ui:sw_name").set_value("test sweep")
    at.run()
    at.button(key="ui:sw_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    jobs = sj.list_jobs()
    assert len(jobs) == 1 and jobs[0].total == 2
    job = _wait(jobs[0])
    assert job.returncode == 0, (job.folder / "log.txt").read_text()
    assert job.done == 2
    spec = (job.folder / "spec.yaml").read_text()
    assert "staff.pnp_counsellor.schedule.0.hours" in spec and "- 12.0" in spec
    # The store is listed and opens in the tab.
    assert job.store in sj.list_stores()
    at.run()
    assert at.selectbox(key="ui:sw_store").value == job.store
    assert at.selectbox(key="sweeps_experiment").value == "test-sweep"
    assert not at.exception and [e.value for e in at.error] == []
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    # The x axis is the parameter in words, not its store name (issue 18).
    assert at.selectbox(key="sweeps_x").value is not None
    assert "Uren per week: P&P-begeleider" in at.selectbox(key="sweeps_x").options
    # A point of the sweep becomes the current scenario through the page's one loader: every
    # input shows it, and a run of it untouched has its hash.
    points = at.selectbox(key="sweeps_load_point")
    twelve = next(o for o in points.options if o.endswith("P&P-begeleider 12"))
    points.set_value(int(twelve.split(":", 1)[0])).run()
    at.button(key="sweeps_use_point").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["base_source"].startswith("sweep:test-sweep:")
    hours = "in:staff.pnp_counsellor.0.value"
    assert at.session_state[hours] == 12.0
    assert at.text_input(key="tx:" + hours).value == "12"
    click_run(at)
    from sim.scenario.schema import parse_scenario, scenario_hash

    loaded = scenario_hash(parse_scenario(at.session_state["base"], "base"))
    assert scenario_hash(spy.last.scenario) == loaded


def test_base_of_the_sweep_is_the_current_scenario(results: Path) -> None:
    data = scenario_to_dict(load_scenario(ROOT / "scenarios/baseline.yaml"))
    data["referrals"]["schedule"][0]["per_year"] = 5.0
    folder = results / "x"
    job = sj.start_sweep(data, [("staff.coordinator.schedule.0.hours", [8.0])], 1, 1, "b",
                         folder)
    text = (job.folder / "base.yaml").read_text()
    assert "per_year: 5.0" in text
    _wait(job)


def test_empty_files_and_the_staffing_cache_are_no_sweep_stores(results: Path) -> None:
    results.mkdir(parents=True, exist_ok=True)
    (results / "empty.duckdb").write_bytes(b"")
    (results / sj.LEAST_STAFFING_STORE).write_bytes(b"x" * 10)
    (results / "real.duckdb").write_bytes(b"x" * 10)
    assert sj.list_stores() == ["real.duckdb"]


def test_a_running_sweep_s_store_says_it_is_still_running(results: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    running = sj.Job("s", results / "sweeps" / "s", "s.duckdb", "now", 1, 4, None)
    monkeypatch.setattr(sj, "list_jobs", lambda folder=None: [running])
    assert sj.running_store("s.duckdb") and not sj.running_store("other.duckdb")
    results.mkdir(parents=True, exist_ok=True)
    (results / "s.duckdb").write_bytes(b"x" * 10)
    at = new_app()
    open_tab(at, "sweeps")
    assert t("sw.store_running", "nl") in [i.value for i in at.info]
    assert t("store.store_bad", "nl") not in [e.value for e in at.error]
