"""The least-staffing tab is wired into the page and draws from the current scenario."""

from __future__ import annotations

from tests.app.app_helpers import new_app, open_tab


def test_least_staffing_tab_draws_its_inputs_in_both_languages() -> None:
    at = open_tab(new_app(), "least")
    assert "Minimale bezetting" in [h.value for h in at.subheader]
    assert any(b.label == "Zoeken" for b in at.button)
    at.radio(key="ui:lang").set_value("en").run()
    at = open_tab(at, "least", "en")
    assert "Least staffing" in [h.value for h in at.subheader]
    assert any(b.label == "Search" for b in at.button)


def test_calibration_tab_is_wired_into_the_page() -> None:
    at = open_tab(new_app(), "calibration")
    assert "Kalibratie op eigen gegevens" in [h.value for h in at.subheader]
    assert len(at.get("file_uploader")) >= 3


def test_report_carries_the_analysis_sections_before_the_assumptions(baseline) -> None:
    from sim import run_experiment
    from webapp.report import build_report

    res = run_experiment(baseline.model_copy(update={"horizon_weeks": 104, "warmup_weeks": 0}),
                         reps=2, seed=1)
    html = build_report({"A": res}, "nl", extra_sections=["<h2>Minimale bezetting X</h2>"])
    assert html.index("Minimale bezetting X") < html.index("Invoer en aannames met hun bron")


def test_sensitivity_tab_and_sources_beside_the_inputs() -> None:
    at = open_tab(new_app(), "sensitivity")
    assert "Gevoeligheid" in [h.value for h in at.subheader]  # one language (issue 18)
    captions = [c.value for c in at.sidebar.caption]
    # each role's hours come from the method document; its leave share is an assumption
    assert captions.count("Bron: methodedocument 3.2") == 3, captions
    assert "Bron: aanname" in captions


def test_downloaded_scenario_keeps_its_sources(baseline) -> None:
    from pathlib import Path

    from sim import parse_scenario_text, run_experiment
    from sim.scenario.schema import scenario_hash, scenario_to_dict
    from sim.scenario.sources import read_sources, with_user_values
    from webapp.downloads import scenario_yaml

    text = (Path(__file__).resolve().parents[2] / "scenarios" / "baseline.yaml").read_text()
    short = baseline.model_copy(update={"horizon_weeks": 104, "warmup_weeks": 0})
    res = run_experiment(short, reps=2, seed=3)
    base = scenario_to_dict(baseline)
    srcs = read_sources(text)
    marked = with_user_values(srcs, base, scenario_to_dict(short))
    out = scenario_yaml(res, "A", marked).decode()
    again = parse_scenario_text(out, "download.yaml")
    assert scenario_hash(again) == scenario_hash(res.scenario)
    back = read_sources(out)
    assert back.get("staff.pnp_counsellor.schedule.0.hours").kind == \
        srcs.get("staff.pnp_counsellor.schedule.0.hours").kind
    assert back.get("horizon_weeks").kind == "user"
