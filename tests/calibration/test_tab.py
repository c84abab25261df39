"""The calibration tab draws, shows a calibration and makes it the current scenario."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _app() -> None:
    from pathlib import Path

    import streamlit as st

    from calibration.calibrate import calibrate
    from calibration.read import load_mapping, read_case_log
    from calibration.report import calibration_report
    from webapp.tabs.calibration import render

    if "cal:result" not in st.session_state:
        ex = Path("calibration/examples")
        log = read_case_log((ex / "synthetic_cases.csv").read_bytes(), "cases.csv",
                            "tab-test-key-00000", load_mapping((ex / "mapping.yaml").read_bytes()))
        from sim import load_scenario

        cal = calibrate(log, load_scenario(ex / "synthetic_truth.yaml"), gof=False)
        st.session_state["cal:result"] = {"cal": cal, "yaml": "x: 1\n", "log": log,
                                          "families": None,
                                          "report": calibration_report(cal, {})}
    render("en")


def test_tab_shows_fits_and_uses_the_calibration_as_current_scenario() -> None:
    at = AppTest.from_function(_app, default_timeout=120)
    at.run()
    assert not at.exception
    assert any("Calibration from your own records" in s.value for s in at.subheader)
    assert len(at.dataframe) >= 1
    use = next(b for b in at.button if b.label == "Use as the current scenario")
    use.click().run()
    assert not at.exception
    assert at.session_state["base_source"].startswith("calibration:")
    assert at.session_state["base"]["referrals"]["schedule"][0]["per_year"] > 0
