"""The sensitivity tab in a Streamlit session (AppTest): it runs the tornado and shows it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    from sim.scenario.schema import load_scenario
    from sim.scenario.sources import load_sources
    from tests.conftest import SCENARIOS, edit
    from webapp.tabs.sensitivity import render

    scen = edit(load_scenario(SCENARIOS / "baseline.yaml"), {"horizon_weeks": 104})
    render(scen, load_sources(SCENARIOS / "baseline.yaml"), lang="nl", workers=1)


def test_tab_runs_the_tornado_and_shows_one_chart_per_kpi() -> None:
    at = AppTest.from_function(_page, default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Gevoeligheid" in at.subheader[0].value
    at.multiselect(key="sens-groups").set_value(["referrals.schedule.0.per_year"])
    at.multiselect(key="sens-kpis").set_value(["wait_assessment_mean"])
    at.number_input(key="sens-reps").set_value(2)
    at.button(key="sens-run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("vega_lite_chart")) == 1
    assert any("replicatieruis" in c.value for c in at.caption)


def _page_with_decision() -> None:
    from sim.scenario.schema import load_scenario
    from sim.scenario.sources import load_sources
    from sim.sensitivity.decision import DecisionResult, DecisionRow
    from tests.conftest import SCENARIOS
    from webapp.tabs.sensitivity import render

    decision = DecisionResult({"pnp_counsellor": 19.0}, [
        DecisionRow("referrals.schedule.0.per_year", "Referrals per year",
                    "Aanmeldingen per jaar", "high", 1.5, {"pnp_counsellor": 24.0}, False)],
        "not robust", ("referrals.schedule.0.per_year", "high", "misses the targets"))
    render(load_scenario(SCENARIOS / "baseline.yaml"), load_sources(SCENARIOS / "baseline.yaml"),
           lang="nl", decision=decision)


def test_tab_shows_the_decision_verdict() -> None:
    at = AppTest.from_function(_page_with_decision, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.warning[0].value.startswith("Niet robuust: Aanmeldingen per jaar (hoog)")
    assert "P&P-begeleider 19 -> 24 u" in at.warning[0].value
