"""Whole flows through the page with Streamlit's AppTest: run, read KPIs, compare, cache, errors."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from app_helpers import ROOT, click_run, new_app, number_value, open_tab, set_number

from sim.running import runner
from sim.scenario.domain import ROLES
from sim.scenario.schema import load_scenario, scenario_hash, scenario_to_yaml
from webapp import engine
from webapp import inputs as inp
from webapp.downloads import scenario_yaml
from webapp.i18n import fmt_ci, fmt_diff, fmt_kpi, kpi_label, t, term

PNP_HOURS = inp.k_step("staff.pnp_counsellor", 0, "value")


def metrics(at: Any) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(elements: Any) -> list[str]:
    return [str(e.value) for e in elements]


def test_run_shows_kpi_cards_with_intervals(spy: Any) -> None:
    at = new_app(reps=4)
    # The first screen says what the tool answers and what to do first (issue 11, defect 7).
    assert t("first.what", "nl") in texts(at.markdown)
    assert t("first.todo", "nl") in texts(at.markdown)
    click_run(at)
    assert list(at.session_state["runs"]) == ["baseline"]
    result = at.session_state["runs"]["baseline"].result
    shown = metrics(at)
    summary = result.summary.set_index("kpi")
    for kpi in ("wait_assessment_mean", "wait_family_mean", "referral_to_placement_mean",
                "referral_to_placement_p90", "placements_per_year", "breakdowns_per_year",
                "utilisation_pnp_counsellor", "caseload_pnp_counsellor"):
        row = summary.loc[kpi]
        assert shown[kpi_label(kpi, "nl")] == fmt_kpi(kpi, row["mean"], "nl")
        ci = fmt_ci(kpi, row["ci_low"], row["ci_high"], "nl")
        assert ci in texts(at.caption), ci
    # The plain-language summary quotes the same figures.
    r2p = summary.loc["referral_to_placement_mean"]
    short = next(m for m in texts(at.markdown) if m.startswith("In het kort"))
    assert f"gemiddeld {fmt_kpi('referral_to_placement_mean', r2p['mean'], 'nl')}" in short
    assert fmt_ci("referral_to_placement_mean", r2p["ci_low"], r2p["ci_high"], "nl") in short
    # The net saving is a card, in euros without decimals (issue 11, defect 3).
    saving = shown[kpi_label("net_saving_per_year", "nl")]
    assert saving.startswith(("€ ", "−€ ")) and "," not in saving, saving
    utils = {r: summary.loc[f"utilisation_{r}", "mean"] for r in ROLES}
    busiest = max(utils, key=utils.__getitem__)
    assert term(busiest, "nl") in short
    # The numbers on the cards are the model's own, not something the page made up.
    assert len(result.replications) == 4
    assert not at.exception and not at.error
    # Each chart comes with its plain-language sentence.
    for key in ("waiting", "phases", "util", "dist", "flow"):
        assert t(f"chart.{key}.help", "nl") in texts(at.caption)


def test_changing_hours_changes_the_kpis(spy: Any) -> None:
    at = new_app(reps=3)
    click_run(at)
    before = metrics(at)
    set_number(at, PNP_HOURS, 40.0).run()
    # The page warns that the inputs changed since the run shown.
    assert t("res.stale", "nl") in texts(at.warning)
    click_run(at)
    after = metrics(at)
    util = kpi_label("utilisation_pnp_counsellor", "nl")
    assert before[util] != after[util]
    # Runs are named by what changed (issue 11, defect 7).
    assert list(at.session_state["runs"]) == ["baseline", "P&P-begeleider 40 u"]
    assert at.text_input(key="ui:run_name").value == "P&P-begeleider 40 u (2)"


def test_same_scenario_again_comes_from_the_cache(spy: Any) -> None:
    at = new_app(reps=3)
    click_run(at)
    click_run(at)
    assert len(spy.calls) == 1
    assert t("run.cached", "nl") in texts(at.caption)
    runs = at.session_state["runs"]
    assert list(runs) == ["baseline", "baseline (2)"]
    assert runs["baseline (2)"].cached and runs["baseline (2)"].result is runs["baseline"].result
    # A different seed is a different result: not from the cache.
    set_number(at, inp.K_SEED, 99).run()
    click_run(at)
    assert len(spy.calls) == 2


def test_cache_key_is_hash_reps_and_seed() -> None:
    base = load_scenario(ROOT / "scenarios/baseline.yaml")
    key = engine.cache_key(base)
    assert key == (scenario_hash(base), base.replications, base.seed)
    renamed = base.model_copy(update={"name": "other", "description": "x"})
    assert engine.cache_key(renamed) == key
    assert engine.cache_key(base.model_copy(update={"seed": 1})) != key
    assert engine.cache_key(base.model_copy(update={"replications": 3})) != key


def test_compare_two_runs(spy: Any) -> None:
    at = new_app(reps=4)
    click_run(at)
    set_number(at, PNP_HOURS, 30.0).run()
    click_run(at)
    runs = at.session_state["runs"]
    one, two = "baseline", "P&P-begeleider 30 u"
    expected = runner.compare_experiments(runs[one].result, runs[two].result)
    open_tab(at, "compare")
    assert at.multiselect(key="ui:cmp_runs").value == [one, two]
    assert t("cmp.diff_header", "nl", other=two, base=one) in texts(at.subheader)
    tables = [d.value for d in at.dataframe]
    diff = next(df for df in tables if t("col.diff_ci", "nl") in df.columns)
    util = diff.set_index(t("col.kpi", "nl")).loc[kpi_label("utilisation_pnp_counsellor", "nl")]
    row = expected.set_index("kpi").loc["utilisation_pnp_counsellor"]
    assert util[t("col.diff", "nl")] == fmt_diff("utilisation_pnp_counsellor", row["diff_mean"],
                                                 "nl")
    assert util[t("col.diff", "nl")].endswith("procentpunt")
    waits = diff.set_index(t("col.kpi", "nl")).loc[kpi_label("wait_assessment_mean", "nl")]
    w = expected.set_index("kpi").loc["wait_assessment_mean"]
    # Differences carry their sign and unit, rounded like the cards (issue 11, defects 3, 4).
    assert waits[t("col.diff", "nl")] == fmt_diff("wait_assessment_mean", w["diff_mean"], "nl")
    assert waits[t("col.diff", "nl")].endswith(" weken")
    # More P&P hours: the paired difference in their utilisation is clearly negative; the KPI
    # has no direction, so it is marked as a clear difference, not better or worse.
    assert row["diff_ci_high"] < 0
    assert util[t("col.significant", "nl")] == t("cmp.mark.changed", "nl")
    # Placements per year: higher is better.
    place = expected.set_index("kpi").loc["placements_per_year"]
    marks = diff.set_index(t("col.kpi", "nl"))[t("col.significant", "nl")]
    mark = marks.loc[kpi_label("placements_per_year", "nl")]
    if place["diff_ci_low"] > 0:
        assert mark == t("cmp.mark.better", "nl")
    elif place["diff_ci_high"] < 0:
        assert mark == t("cmp.mark.worse", "nl")
    else:
        assert mark == t("cmp.mark.none", "nl")
    # Swap the base: the difference flips sign.
    at.selectbox(key="ui:cmp_base").set_value(two).run()
    assert t("cmp.diff_header", "nl", other=one, base=two) in texts(at.subheader)


def test_english_switch(spy: Any) -> None:
    at = new_app()
    assert at.button(key="ui:run").label == t("run.button", "nl")
    at.radio(key="ui:lang").set_value("en").run()
    assert at.button(key="ui:run").label == t("run.button", "en")
    click_run(at)
    assert kpi_label("placements_per_year", "en") in metrics(at)
    assert at.title[0].value == t("app.title", "en")


def test_malformed_upload_shows_message_and_keeps_results(spy: Any) -> None:
    at = new_app(reps=3)
    click_run(at)
    before = metrics(at)
    at.file_uploader(key="ui:upload").set_value(("broken.yaml", b"staff: [unclosed", "text/yaml"))
    at.run()
    assert not at.exception
    errors = " ".join(texts(at.error))
    assert "broken.yaml" in errors and "geen geldige YAML" in errors
    assert metrics(at) == before
    assert at.session_state["base_source"] == "scenarios/baseline.yaml"


def test_upload_rejected_by_schema_names_the_field(spy: Any) -> None:
    at = new_app()
    text = re.sub(r"pass_rate: [0-9.]+", "pass_rate: 1.7",
                  scenario_to_yaml(load_scenario(ROOT / "scenarios/baseline.yaml")))
    at.file_uploader(key="ui:upload").set_value(("wrong.yaml", text.encode(), "text/yaml"))
    at.run()
    assert not at.exception
    errors = " ".join(texts(at.error))
    assert "families.screening.pass_rate" in errors
    # Issue 11, defect 6: the field in Dutch words beside its path, the message in Dutch, as
    # a list that wraps (no code block that cuts the line off).
    assert "P&P-gezinnen › screening › slaagkans" in errors
    assert "verwacht een waarde van hoogstens 1" in errors and "(kreeg 1.7)" in errors
    assert "```" not in errors


def test_invalid_value_blocks_the_run_and_keeps_results(spy: Any) -> None:
    at = new_app(reps=3)
    click_run(at)
    before = metrics(at)
    set_number(at, inp.K_SOURCE["own_groups"], 50.0).run()
    assert not at.exception
    errors = " ".join(texts(at.error))
    assert t("in.sources_bad", "nl", total="70,0") in errors
    assert "referrals.sources" in errors
    assert at.button(key="ui:run").disabled
    assert metrics(at) == before
    # Warm-up as long as the horizon: rejected with the field named.
    set_number(at, inp.K_SOURCE["own_groups"], 80.0).run()
    set_number(at, inp.K_WARMUP, 520.0).run()
    errors = " ".join(texts(at.error))
    assert "warmup_weeks" in errors and "horizon_weeks" in errors
    assert metrics(at) == before


def test_model_failure_is_a_message_not_a_traceback(spy: Any) -> None:
    at = new_app(reps=3)
    click_run(at)
    before = metrics(at)
    spy.fail_with = ValueError("no family can ever take this child")
    set_number(at, PNP_HOURS, 21.0).run()
    click_run(at)
    assert not at.exception
    assert any("no family can ever take this child" in e for e in texts(at.error))
    assert metrics(at) == before
    assert list(at.session_state["runs"]) == ["baseline"]


def test_yaml_download_round_trips_to_identical_results(spy: Any) -> None:
    at = new_app(reps=3)
    set_number(at, PNP_HOURS, 23.5).run()
    set_number(at, inp.K_SEED, 4242).run()
    click_run(at)
    first = next(iter(at.session_state["runs"].values()))
    yaml_bytes = scenario_yaml(first.result, first.name)
    # A fresh session (and an empty cache) loads the file and runs it again.
    engine.CACHE.clear()
    again = new_app(reps=1)
    again.file_uploader(key="ui:upload").set_value(("mine.yaml", yaml_bytes, "text/yaml")).run()
    assert not again.error, texts(again.error)
    assert number_value(again, inp.K_REPS) == 3
    assert number_value(again, inp.K_SEED) == 4242
    assert number_value(again, PNP_HOURS) == 23.5
    click_run(again)
    second = next(iter(again.session_state["runs"].values()))
    assert second.key == first.key
    assert len(spy.calls) == 2  # really simulated twice, not served from the cache
    pd.testing.assert_frame_equal(first.result.kpis, second.result.kpis)


def test_yaml_editor_applies_and_rejects(spy: Any) -> None:
    at = new_app()
    open_tab(at, "scenario")
    # The staffing entered is drawn above the file.
    assert t("chart.schedule.help", "nl") in texts(at.caption)
    assert at.get("vega_lite_chart")
    text = at.text_area(key="ui:yaml_text").value
    assert "pnp_counsellor" in text
    edited = re.sub(r"interested_per_year: [0-9.]+", "interested_per_year: 55.0", text)
    assert edited != text
    at.text_area(key="ui:yaml_text").set_value(edited).run()
    at.button(key="ui:yaml_apply").click().run()
    assert number_value(at, inp.K_INTERESTED) == 55.0
    at.text_area(key="ui:yaml_text").set_value("horizon_weeks: [oops").run()
    at.button(key="ui:yaml_apply").click().run()
    assert not at.exception
    assert t("yaml.bad", "nl") in " ".join(texts(at.error))
    assert number_value(at, inp.K_INTERESTED) == 55.0


def test_choosing_another_scenario_file_resets_inputs(spy: Any) -> None:
    at = new_app()
    at.selectbox(key="ui:source_file").set_value("minimum-requirements.yaml").run()
    group = "staff.pnp_counsellor"
    assert at.session_state[inp.k_steps(group)] == 2
    assert number_value(at, inp.k_step(group, 1, "value")) == 19.0
    click_run(at)
    expected = load_scenario(ROOT / "scenarios/minimum-requirements.yaml")
    assert scenario_hash(spy.last.scenario) == scenario_hash(expected)


@pytest.mark.parametrize("p90, expect", [(1500.0, "met"), (1.0, "not_met")])
def test_minimum_requirements_panel(spy: Any, p90: float, expect: str) -> None:
    at = new_app(reps=4)
    set_number(at, inp.k_step("ref", 0, "value"), 9.0).run()
    open_tab(at, "minimum")
    at.checkbox(key="ui:min_use_util").uncheck().run()
    set_number(at, "ui:min_p90", p90).run()
    open_tab(at, "minimum")
    assert number_value(at, "ui:min_start") == 26.0  # from minimum-requirements.yaml
    at.button(key="ui:min_run").click().run()
    assert not at.exception
    simulated = spy.last.scenario
    # The minimum staffing, with the user's own referrals.
    assert [(s.from_week, s.hours) for s in simulated.staff.pnp_counsellor.schedule] == [
        (0.0, 8.0), (26.0, 19.0)]
    assert simulated.staff.coordinator.schedule[0].hours == 8.0
    assert simulated.staff.parent_counsellor.schedule[0].hours == 8.0
    assert simulated.referrals.schedule[0].per_year == 9.0
    # The tab restates the referral rate it took from the sidebar (issue 11, defect 8).
    assert any(c.startswith("Gebruikte aanmeldingen") and "9,0" in c for c in texts(at.caption))
    if expect == "met":
        assert t("min.verdict_met", "nl") in texts(at.success)
        # The start of the trajectories is an input too.
        set_number(at, "ui:min_start", 40.0).run()
        at.button(key="ui:min_run").click().run()
        assert [(s.from_week, s.hours) for s in spy.last.scenario.staff.pnp_counsellor.schedule
                ] == [(0.0, 8.0), (40.0, 19.0)]
    else:
        assert any(t("min.target_p90", "nl", n="1") in e for e in texts(at.error))
    assert t("min.run_name", "nl") in at.session_state["runs"]


def test_sweeps_tab_is_present(spy: Any) -> None:
    at = new_app()
    labels = [tab.label for tab in at.tabs]
    assert t("tab.sweeps", "nl") in labels
    open_tab(at, "sweeps")
    try:
        import webapp.tabs.sweep_store  # noqa: F401
    except ImportError:
        assert t("sweeps.missing", "nl") in texts(at.info)


def test_file_beyond_the_usual_widget_ranges_still_loads(spy: Any) -> None:
    text = scenario_to_yaml(load_scenario(ROOT / "scenarios/baseline.yaml"))
    text = re.sub(r"leave_share: [0-9.]+", "leave_share: 0.97", text, count=1)
    text = re.sub(r"(- from_week: 0.0\n      hours: )[0-9.]+", r"\g<1>200.0", text, count=1)
    assert "hours: 200.0" in text and "leave_share: 0.97" in text
    at = new_app()
    at.file_uploader(key="ui:upload").set_value(("big.yaml", text.encode(), "text/yaml")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, texts(at.error)
    assert number_value(at, inp.k_step("staff.coordinator", 0, "value")) == 200.0
    assert number_value(at, inp.K_LEAVE["coordinator"]) == 97.0


def test_downloads_tab_offers_the_latest_run(spy: Any) -> None:
    at = new_app()
    open_tab(at, "downloads")
    assert t("dl.none", "nl") in texts(at.info)
    click_run(at)
    open_tab(at, "minimum")
    at.button(key="ui:min_run").click().run()
    open_tab(at, "downloads")
    assert at.selectbox(key="ui:dl_run").options == ["baseline", t("min.run_name", "nl")]
    assert at.selectbox(key="ui:dl_run").value == t("min.run_name", "nl")
    # HTML and PDF report, YAML, CSV and Parquet.
    assert len(at.get("download_button")) == 5
    at.selectbox(key="ui:dl_run").set_value("baseline").run()
    assert t("dl.intro", "nl", name="baseline") in texts(at.markdown)
    # The choice survives a visit to another tab.
    open_tab(at, "results")
    open_tab(at, "downloads")
    assert at.selectbox(key="ui:dl_run").value == "baseline"


def test_number_fields_show_the_page_s_decimal_sign(spy: Any) -> None:
    """Issue 11, defect 3 ('19.0' in the Dutch interface) and issue 18 (a decimal comma turned
    12,5 into 125): number fields are text boxes in the page's own notation."""
    at = new_app()
    texts = {w.key[3:]: w.value for w in at.text_input
             if w.key and w.key.startswith("tx:" + inp.PREFIX)}
    assert texts and all(not v.endswith(".0") and not v.endswith(",0") for v in texts.values())
    set_number(at, PNP_HOURS, "12,5").run()
    assert number_value(at, PNP_HOURS) == 12.5
    assert at.text_input(key="tx:" + PNP_HOURS).value == "12,5"
    switch_to = at.radio(key="ui:lang").set_value("en")
    switch_to.run()
    assert at.text_input(key="tx:" + PNP_HOURS).value == "12.5"
