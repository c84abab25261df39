"""Issue 17 item 4 in the app: a scenario loaded with parameter sets shows each KPI with both
parts of the interval (simulation noise only, and including what we do not know about the
inputs), with the number of sets and why that is enough; Dutch first, English beside.

The sets here are written by hand (the referral rate and the assessment's mean, spread as a
fit would leave them) on a short baseline, so each test takes seconds; the browser journey
(test_browser_uncertainty.py) calibrates the synthetic log for real.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np
import pytest
from app_helpers import click_run, new_app, open_tab, set_number

from sim.outputs.kpi_defs import KPIS
from sim.outputs.stats import summarise_sets
from sim.running.parameter_sets import ParameterSets, ParameterSetsError
from sim.scenario.schema import load_scenario, parse_scenario, scenario_hash, scenario_to_dict
from webapp import inputs as inp
from webapp import uncertainty as unc
from webapp.i18n import t

PNP_HOURS = inp.k_step("staff.pnp_counsellor", 0, "value")
REFERRALS = inp.k_step("ref", 0, "value")
RATES = (10.0, 14.0, 18.0, 22.0, 12.0, 20.0)


def short_base() -> dict[str, Any]:
    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data.update(horizon_weeks=130, warmup_weeks=26, replications=8, seed=11)
    data["referrals"]["schedule"] = [{"from_week": 0, "per_year": 16.0}]
    return data


def make_sets(data: dict[str, Any]) -> ParameterSets:
    """Six sets: referral rates from 10 to 22 a year and assessment means of 8-12 weeks."""
    base = parse_scenario(data, "base")
    dur = data["phases"]["assessment"]["duration"]
    sets = []
    for i, rate in enumerate(RATES):
        d = copy.deepcopy(dur)
        d["mean"] = 8.0 + 4.0 * i / (len(RATES) - 1)
        sets.append({"referrals.schedule": [{"from_week": 0, "per_year": rate}],
                     "phases.assessment.duration": d})
    return ParameterSets("hand-made test sets", sets, scenario_hash(base))


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sets run in the script, in this process; nothing cached from another test."""
    monkeypatch.setattr(unc, "BACKGROUND", False)
    monkeypatch.setattr(unc, "WORKERS", 1)
    unc.CACHE.clear()


def loaded_app(lang: str = "nl") -> Any:
    at = new_app(reps=8)
    if lang != "nl":
        at.radio(key="ui:lang").set_value(lang).run()
    data = short_base()
    at.session_state["ui:pending_load"] = (data, "calibration:testlog", None, make_sets(data))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state["ui:unc_reps"] = 3
    return at


def sets_frame(at: Any, lang: str = "nl") -> Any:
    frames = [d.value for d in at.dataframe if t("unc.col.inputs", lang) in d.value.columns]
    assert len(frames) == 1, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def current(at: Any) -> Any:
    return at.session_state["runs"][at.session_state["ui:view_run"]]


def test_two_part_interval_in_dutch(quick: None) -> None:
    at = loaded_app()
    loaded = scenario_hash(parse_scenario(at.session_state["base"], "base"))
    # The sidebar says the sets go with the loaded scenario.
    assert any("6 parametersets" in c.value and loaded in c.value for c in at.sidebar.caption)
    open_tab(at, "results")
    box = at.checkbox(key="ui:unc_on")
    assert box.value is True and "6 parametersets" in box.label  # on by default
    click_run(at)
    run = current(at)
    got = run.sets
    assert got is not None and got.sets == 6 and got.reps == 3
    # One stamp: the hash of the run over the sets is the run's, which is the loaded one.
    assert got.stamp["scenario_hash"] == run.result.stamp["scenario_hash"] == loaded
    assert got.stamp["parameter_sets"] == 6 and got.stamp["replications"] == 18
    # The estimator is sim.outputs.stats.summarise_sets on the (set x replication) matrix.
    matrix = np.array([r.kpis["referrals_per_year"].to_numpy(float) for r in got.result.sets])
    s = summarise_sets(matrix, KPIS["referrals_per_year"])
    row = got.summary.loc["referrals_per_year"]
    assert (row["low"], row["high"]) == pytest.approx((s.low, s.high), rel=1e-12)
    # Referral rates of 10-22 a year: the interval with the inputs is far wider than the
    # noise-only one, and holds the spread of the sets.
    table = unc.widths(run.summary.set_index("kpi"), got.summary)
    for kpi in ("referrals_per_year", "placements_per_year", "wait_assessment_mean"):
        assert table.loc[kpi, "width"] >= table.loc[kpi, "noise_width"], kpi
    assert table.loc["referrals_per_year", "width"] > 3 * table.loc["referrals_per_year",
                                                                     "noise_width"]
    assert row["low"] < 12 and row["high"] > 20
    assert row["input_share"] > 0.8
    # What the page says: the Dutch label, the number of sets, and why (six is few).
    page = " ".join(m.value for m in at.markdown)
    assert "95%-interval inclusief wat we niet weten over je invoer" in page
    assert "6 parametersets × 3 replicaties (hand-made test sets)" in page
    captions = " ".join(c.value for c in at.caption)
    assert t("unc.few", "nl", n=6, rel="32", t="2,57", excess="31", enough=40) in captions
    assert "Incl. invoer: 95%" in captions and f"Scenario-hash {loaded}" in captions
    frame = sets_frame(at)
    cell = frame.loc[frame[t("col.kpi", "nl")] == KPIS["referrals_per_year"].nl,
                     t("unc.col.inputs", "nl")].iloc[0]
    assert cell == KPIS["referrals_per_year"].format_interval(row["low"], row["high"], "nl")
    assert "," in cell  # Dutch notation


def test_english_labels_beside(quick: None) -> None:
    at = loaded_app("en")
    open_tab(at, "results", "en")
    click_run(at)
    page = " ".join(m.value for m in at.markdown)
    assert "95% interval including what we do not know about your inputs" in page
    assert "6 parameter sets × 3 replications" in page
    frame = sets_frame(at, "en")
    assert t("unc.col.noise", "en") in frame.columns and len(frame) == len(KPIS)


def test_off_means_only_the_usual_run(quick: None) -> None:
    at = loaded_app()
    open_tab(at, "results")
    at.checkbox(key="ui:unc_on").uncheck().run()
    click_run(at)
    assert current(at).sets is None
    assert t("unc.col.inputs", "nl") not in " ".join(
        " ".join(map(str, d.value.columns)) for d in at.dataframe)


def test_edits_keep_or_drop_the_sets(quick: None) -> None:
    """Hours are not fitted: the sets apply to the edited scenario (its hash in the stamp).
    The referral rate is fitted: every set would overwrite it, so the sets are not run."""
    at = loaded_app()
    at.session_state["ui:unc_reps"] = 2
    open_tab(at, "results")
    set_number(at, PNP_HOURS, 30).run()
    click_run(at)
    run = current(at)
    assert run.changes and run.sets is not None
    assert run.sets.stamp["scenario_hash"] == run.result.stamp["scenario_hash"]
    assert run.sets.stamp["scenario_hash"] != run.origin[2]
    set_number(at, REFERRALS, 30).run()
    click_run(at)
    run = current(at)
    assert run.sets is None and run.sets_skipped == ["referrals.schedule.0.per_year"]
    info = " ".join(i.value for i in at.info)
    assert "De parametersets beschrijven dit bewerkte scenario dus niet meer" in info


def test_loading_another_scenario_drops_the_sets(quick: None) -> None:
    at = loaded_app()
    at.selectbox(key="ui:source_file").set_value("two-counsellors.yaml").run()
    assert at.session_state["base_sets"] is None
    open_tab(at, "results")
    assert not any(c.key == "ui:unc_on" for c in at.checkbox)
    click_run(at)
    assert current(at).sets is None


def test_a_second_equal_run_reuses_the_sets(quick: None, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    at = loaded_app()
    open_tab(at, "results")
    click_run(at)
    first = current(at).sets
    monkeypatch.setattr(unc, "run_sets", lambda *a, **k: pytest.fail("ran again"))
    click_run(at)
    assert current(at).sets is first


def test_cancel_stops_and_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    data = short_base()
    data["horizon_weeks"] = 520
    scenario = parse_scenario(data, "base")
    monkeypatch.setattr(unc, "WORKERS", 1)
    job = unc.start("run", scenario, make_sets(data), 50, background=True)
    deadline = time.monotonic() + 120
    while job.done_reps == 0 and not job.done and time.monotonic() < deadline:
        time.sleep(0.01)  # a wait on a condition, not a timed assertion
    job.cancel()
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.done and job.cancelled and job.result is None and job.error is None
    assert job.done_reps < job.total


def test_why_enough_in_words() -> None:
    text = unc.reason(40, "en")
    assert text.startswith("Why 40 sets are enough") and "about 11%" in text
    assert "(2.02) is 3% above" in text
    assert unc.reason(40, "nl").startswith("Waarom 40 sets genoeg zijn")
    assert "ongeveer 11%" in unc.reason(40, "nl") and "(2,02)" in unc.reason(40, "nl")
    assert unc.reason(5, "en").startswith("Note: with 5 sets")


def test_the_method_in_the_page_language() -> None:
    cli = "bootstrap over cases (Poisson weights) of log 787a9a25d913: 40 sets"
    assert unc.method_words(cli, "nl") == "bootstrap over de dossiers van log 787a9a25d913"
    assert unc.method_words(cli, "en") == "bootstrap over the cases of log 787a9a25d913"
    assert unc.method_words("own tool v2", "nl") == "own tool v2"  # as given
    assert unc.method_words(" ", "nl") == "sets zoals gegeven"


def test_conflicts_name_only_fitted_fields() -> None:
    sets = make_sets(short_base())
    changes = [("staff.pnp_counsellor.schedule.0.hours", 19, 30),
               ("referrals.schedule.0.per_year", 16, 30), ("referrals.schedule", [], [1]),
               ("phases.assessment.hours.pnp_counsellor", 1, 2),
               ("phases.assessment.duration.mean", 9, 10), ("seed", 1, 2)]
    assert unc.conflicts(sets, changes) == ["referrals.schedule.0.per_year",
                                            "referrals.schedule",
                                            "phases.assessment.duration.mean"]
    assert unc.conflicts(sets, None) == []


# --------------------------------------------------------------------------- hostile files


def fit_text(data: dict[str, Any], sets: list[Any] | None = None, digest: Any = None) -> bytes:
    import yaml

    base = parse_scenario(data, "base")
    doc = {"pnp_sim_parameter_sets": 1,
           "scenario_hash": digest if digest is not None else scenario_hash(base),
           "method": "test",
           "sets": sets if sets is not None else [{"overrides": ov}
                                                  for ov in make_sets(data).overrides]}
    return yaml.safe_dump(doc).encode("utf-8")


@pytest.mark.parametrize(("raw", "words"), [
    (b"", "expected 1"),
    (b"pnp_sim_parameter_sets: 1\n", "sets: expected a list of 2 to 1000"),
    (b"pnp_sim_parameter_sets: 1\nsets: [\n", "not valid YAML"),
    ("pnp_sim_parameter_sets: 1 # Gezinnen\u00eb\n".encode("cp1252"), "save the file as UTF-8"),
    (b"x" * 1_000_001, "at most 1000000"),
])
def test_a_bad_sets_file_is_refused_by_name(raw: bytes, words: str) -> None:
    base = parse_scenario(short_base(), "base")
    with pytest.raises(ParameterSetsError) as err:
        unc.read_fit(raw, "fit.yaml", base)
    assert str(err.value).startswith("fit.yaml") and words in str(err.value)


def test_sets_of_another_scenario_or_with_bad_values_are_refused() -> None:
    data = short_base()
    base = parse_scenario(data, "base")
    with pytest.raises(ParameterSetsError, match="not to the loaded"):
        unc.read_fit(fit_text(data, digest="0123456789ab"), "fit.yaml", base)
    bad = [{"overrides": {"referrals.schedule": [{"from_week": 0, "per_year": x}]}}
           for x in (12.0, float("nan"))]
    with pytest.raises(ParameterSetsError, match=r"sets\.1"):
        unc.read_fit(fit_text(data, bad), "fit.yaml", base)
    bad = [{"overrides": {"no.such.field": 1}}, {"overrides": {}}]
    with pytest.raises(ParameterSetsError, match="no.such.field"):
        unc.read_fit(fit_text(data, bad), "fit.yaml", base)
    # The good file is read with a BOM too, and duplicates are simply equal sets.
    sets = unc.read_fit(b"\xef\xbb\xbf" + fit_text(data), "fit.yaml", base)
    assert len(sets.overrides) == len(RATES)


# --------------------------------------------------------------------------- drawing sets


class _Fake:
    """Stands in for a calibration (``scenario``) and its log (``digest``)."""

    def __init__(self) -> None:
        self.scenario = parse_scenario(short_base(), "base")
        self.digest = "0123456789ab"


def test_drawing_writes_the_file_the_cli_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set i is one bootstrap on seed i (``calibrate --sets 1 --seed i``); the result is the
    CLI's sets file, read back by ``sim.running.parameter_sets``."""
    import calibration.uncertainty as cu

    calls: list[tuple[int, int]] = []

    def fake(log: Any, base: Any, cal: Any, sets: int, seed: int, **kw: Any) -> list[Any]:
        calls.append((sets, seed))
        return [{"referrals.schedule": [{"from_week": 0, "per_year": 10.0 + seed}]}]

    monkeypatch.setattr(cu, "parameter_sets", fake)
    fake_cal = _Fake()
    job = unc.draw(fake_cal, fake_cal.scenario, fake_cal, None, 5, background=False)
    assert calls == [(1, i) for i in range(5)]
    assert job.done and job.sets is not None and job.error is None and not job.cancelled
    assert [ov["referrals.schedule"][0]["per_year"] for ov in job.sets.overrides] == [
        10.0, 11.0, 12.0, 13.0, 14.0]
    assert job.sets.scenario_hash == scenario_hash(fake_cal.scenario)
    assert job.text is not None and "pnp_sim_parameter_sets: 1" in job.text
    assert unc.method_words(job.sets.method, "nl") == (
        "bootstrap over de dossiers van log 0123456789ab")


def test_drawing_can_be_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import calibration.uncertainty as cu

    go_on = threading.Event()

    def slow(*a: Any, **kw: Any) -> list[Any]:
        go_on.wait(60)
        return [{"seed": 1}]

    monkeypatch.setattr(cu, "parameter_sets", slow)
    fake_cal = _Fake()
    job = unc.draw(fake_cal, fake_cal.scenario, fake_cal, None, 40, background=True)
    job.cancel()
    go_on.set()
    deadline = time.monotonic() + 60
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.01)  # a wait on a condition, not a timed assertion
    assert job.done and job.cancelled and job.sets is None and job.done_sets <= 1


def test_sets_drawn_after_use_join_the_loaded_calibration(quick: None) -> None:
    """'Use as the current scenario' before the sets are drawn: they join the scenario when
    they are, if it is still that calibration (same hash); a later load keeps them out."""
    at = new_app(reps=8)
    data = short_base()
    at.session_state["ui:pending_load"] = (data, "calibration:0123456789ab", None, None)
    fake = _Fake()
    at.session_state["cal:used"] = fake.digest
    at.session_state["cal:result"] = {"cal": fake}
    job = unc.DrawJob(6, done_sets=2)
    at.session_state["cal:draw"] = job
    open_tab(at, "results")
    assert t("unc.drawing", "nl", done=2, n=6) in " ".join(c.value for c in at.caption)
    assert at.session_state["base_sets"] is None
    job.done_sets, job.sets, job.done = 6, make_sets(data), True
    at.run()  # collected where the sets are shown
    assert at.session_state["base_sets"] is job.sets
    assert at.checkbox(key="ui:unc_on").value is True
    assert "cal:draw" not in at.session_state
    # Drawn for a calibration that is no longer loaded: kept with it, not with the scenario.
    at.selectbox(key="ui:source_file").set_value("two-counsellors.yaml").run()
    at.session_state["cal:draw"] = unc.DrawJob(6, sets=make_sets(data), done=True)
    at.run()
    assert at.session_state["base_sets"] is None
