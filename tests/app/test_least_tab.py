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
