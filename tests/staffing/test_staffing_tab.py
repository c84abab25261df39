"""The least-staffing tab's Streamlit-free parts and the report section, on a search judged by
a deterministic rule (no simulation), and the tab drawing without errors."""

from __future__ import annotations

from sim.staffing.decide import FAILS, MEETS, Decision
from sim.staffing.evaluate import Evaluator
from sim.staffing.search import Search, Settings
from sim.staffing.space import Space, Variable
from sim.staffing.targets import Stability, parse_target
from sim.theory.textbook import textbook_scenario
from webapp.tabs import staffing as tab


class _Rule(Search):
    def _simulate(self, point, most=None):  # noqa: ANN001, ANN202
        ok = point[0] + point[1] >= 20 and point[2] >= 10
        return Decision(point, MEETS if ok else FAILS, checks=[])

    def confirm(self, point, attempt):  # noqa: ANN001, ANN202
        return self._simulate(point)


def _result():  # noqa: ANN202
    scen = textbook_scenario(0.1, {"dist": "fixed", "value": 1.0}, 1)
    space = Space(tuple(Variable(r, 8, 20, 2) for r in
                        ("coordinator", "pnp_counsellor", "parent_counsellor")))
    return _Rule(scen, space, [parse_target("wait_assessment_mean <= 1")], Evaluator(1),
                 Settings(stability=Stability(enabled=False), floor=False)).run()


def test_frontier_frame_chart_and_report() -> None:
    result = _result()
    frame = tab.frontier_frame(result, "nl")
    assert list(frame["point"]) == ["8/12/10", "10/10/10", "12/8/10"]
    assert frame["answer"].sum() == 1
    assert "Ouder-/gezinsbegeleider" in frame["bottleneck"].iloc[0]
    spec = tab.frontier_chart(result, "en").to_dict()
    assert spec["facet"]["column"]["field"] == "parent_counsellor"
    html = tab.report_section(result, "nl")
    assert "Minimale bezetting" in html and "Met 95% zekerheid" in html and "<script" not in html
    data = tab.point_scenario(result, result.frontier[1].point)
    assert data["staff"]["coordinator"]["schedule"][-1]["hours"] == 10.0


def test_editor_offers_kpis_by_label_with_units_and_shares_in_percent() -> None:
    rows = tab.editor_rows(tab.DEFAULT_TARGETS, "nl")
    assert rows[0]["kpi"] == "Aanmelding tot plaatsing (90e percentiel) (weken)"
    assert rows[1] == {"kpi": "Bezetting P&P-begeleider (%)", "op": "<=", "threshold": 85.0}
    targets = tab.editor_targets(rows, "nl")
    assert [str(t) for t in targets] == ["referral_to_placement_p90 <= 52",
                                         "utilisation_pnp_counsellor <= 0.85"]
    assert "Utilisation P&P counsellor (%)" in tab.kpi_options("en")


def test_dutch_tab_shows_the_floor_without_english() -> None:
    from streamlit.testing.v1 import AppTest

    from sim.staffing.search import search_staffing
    from tests.staffing.test_staffing_floor import FAST, SPACE, D, _fixed
    from tests.staffing.test_staffing_messages import assert_dutch

    blocked = search_staffing(_fixed(), SPACE,
                              [parse_target(f"referral_to_placement_mean <= {D - 1}")],
                              seed=5, settings=FAST)

    def app() -> None:
        from sim import load_scenario
        from webapp.tabs.staffing import render

        render(load_scenario("scenarios/baseline.yaml"), "nl")

    at = AppTest.from_function(app)
    at.session_state["staffing-result"] = blocked
    at.run(timeout=60)
    assert not at.exception
    shown = [e.value for e in (*at.markdown, *at.error, *at.warning, *at.info, *at.caption)]
    page = "\n".join(str(v) for v in shown)
    assert "Aanmelding & beeldvorming" in page and "niet haalbaar" in page
    assert "Wat geen bezetting kan verbeteren (de bodem)" in [x.label for x in at.expander]
    assert "Wat de waarborg betekent" in [x.label for x in at.expander]
    assert_dutch(page)


def test_targets_from_editor_rows() -> None:
    import pytest

    from sim.staffing.targets import TargetError

    rows = [{"kpi": "utilisation_pnp_counsellor", "op": "<=", "threshold": 0.85}]
    assert str(tab.build_targets(rows)[0]) == "utilisation_pnp_counsellor <= 0.85"
    with pytest.raises(TargetError, match="did you mean"):
        tab.build_targets([{"kpi": "utilisation_pnp", "op": "<=", "threshold": 1}])


def test_tab_draws() -> None:
    from streamlit.testing.v1 import AppTest

    def app() -> None:
        from sim import load_scenario
        from webapp.tabs.staffing import render

        render(load_scenario("scenarios/baseline.yaml"), "nl")

    at = AppTest.from_function(app).run(timeout=60)
    assert not at.exception
    assert at.subheader[0].value == "Minimale bezetting"
    assert any(b.label == "Zoeken" for b in at.button)


def test_tab_shows_a_result() -> None:
    from streamlit.testing.v1 import AppTest

    def app() -> None:
        import streamlit as st

        from sim import load_scenario
        from webapp.tabs.staffing import render

        render(load_scenario("scenarios/baseline.yaml"), "en",
               on_load=lambda data: st.session_state.update(loaded=data))

    at = AppTest.from_function(app)
    at.session_state["staffing-result"] = _result()
    at.run(timeout=60)
    assert not at.exception
    assert at.success[0].value.startswith("Content coordinator 8 h")
    assert at.info[0].value.startswith("With 95% confidence the staffing 8/12/10")
    next(b for b in at.button if b.label.startswith("Load this point")).click().run(timeout=60)
    assert at.session_state["loaded"]["staff"]["pnp_counsellor"]["schedule"][-1]["hours"] == 12
