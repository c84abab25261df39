"""The Minimum requirements tab: the method document's staffing against the planner's targets."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sim.scenario.schema import Scenario, ScenarioError, parse_scenario
from webapp import minimum_check as mn
from webapp.i18n import error_text, fmt_ci, fmt_kpi, fmt_num, t, term
from webapp.sidebar import execute
from webapp.state import Run, ss
from webapp.widgets import held_value, number


def referral_text(data: dict[str, Any], lg: str) -> str:
    """The referral rate the check uses (taken from the sidebar), as a sentence."""
    steps = data["referrals"]["schedule"]
    rates = "; ".join(t("rep.rate_from", lg, rate=fmt_num(float(s["per_year"]), lg, 1),
                        week=fmt_num(float(s["from_week"]), lg, 0)) for s in steps)
    return t("min.referrals", lg, rates=rates)


def render(lg: str, data: dict[str, Any], scenario: Scenario | None) -> None:
    state = ss()
    st.caption(t("min.intro", lg))
    template = mn.load_template()
    start = mn.template_start_week(template)
    if template is not None:
        st.caption(t("min.template", lg, source="scenarios/minimum-requirements.yaml"))
    else:
        st.caption(t("min.template_builtin", lg))
    state.setdefault("ui:min_start", float(start) if start is not None else 0.0)
    number(t("min.start_week", lg), "ui:min_start", max_value=5200.0,
           help=t("min.start_help", lg))
    st.markdown(f"**{t('min.targets', lg)}**")
    state.setdefault("ui:min_use_p90", True)
    state.setdefault("ui:min_p90", 52.0)
    state.setdefault("ui:min_use_util", True)
    state.setdefault("ui:min_util", 85.0)
    state.setdefault("ui:min_use_wait", False)
    state.setdefault("ui:min_wait", 8.0)
    for use, key, label, high in (
        ("ui:min_use_p90", "ui:min_p90", "min.p90_weeks", 5200.0),
        ("ui:min_use_util", "ui:min_util", "min.util_max", 100.0),
        ("ui:min_use_wait", "ui:min_wait", "min.wait_weeks", 5200.0),
    ):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        with c1:
            st.checkbox(t(use.replace("ui:min_use_", "min.use_"), lg), key=use,
                        value=bool(held_value(use, False)))
        with c2:
            number(t(label, lg), key, max_value=high)
    targets = mn.make_targets(
        state["ui:min_p90"] if state["ui:min_use_p90"] else None,
        state["ui:min_util"] if state["ui:min_use_util"] else None,
        state["ui:min_wait"] if state["ui:min_use_wait"] else None,
    )
    min_data = mn.build_minimum_dict(data, float(state["ui:min_start"]))
    st.caption(t("min.staffing", lg, text=mn.staffing_text(min_data, lg)))
    st.caption(referral_text(min_data, lg))
    # A refused number (its reason is under the field) blocks this run too: never an older value.
    from webapp.state import number_errors

    clicked = st.button(t("min.button", lg), key="ui:min_run",
                        disabled=scenario is None or bool(number_errors("ui:min_")))
    if scenario is None:
        st.error(t("yaml.invalid_now", lg))
        return
    if clicked:
        if not targets:
            st.warning(t("min.no_target", lg))
            return
        try:
            min_scenario = parse_scenario(min_data, t("min.run_name", lg))
        except ScenarioError as exc:
            st.error(error_text(exc, lg))
            return
        run = execute(min_scenario, t("min.run_name", lg), lg, st)
        if run is not None:
            state["ui:min_done"] = (run.name, [(tg.key, tg.kpi, tg.limit, tg.role)
                                                for tg in targets])
    if state.get("ui:run_error") and clicked:
        st.error(state["ui:run_error"])
    done = state.get("ui:min_done")
    if done and done[0] in state["runs"]:
        name, spec = done
        judged = mn.judge(state["runs"][name].summary,
                          [mn.Target(k, kpi, lim, role) for k, kpi, lim, role in spec])
        show_judgement(judged, state["runs"][name], lg)


def target_text(j: mn.Judged, lg: str) -> str:
    tg = j.target
    if tg.key == "p90":
        return t("min.target_p90", lg, n=fmt_num(tg.limit, lg, 0))
    if tg.key == "util":
        return t("min.target_util", lg, role=term(tg.role, lg), pct=fmt_num(100 * tg.limit, lg, 0))
    return t("min.target_wait", lg, n=fmt_num(tg.limit, lg, 0))


def show_judgement(judged: list[mn.Judged], run: Run, lg: str) -> None:
    verdict = mn.overall(judged)
    bad = [target_text(j, lg) for j in judged if j.verdict == verdict]
    if verdict == mn.MET:
        st.success(t("min.verdict_met", lg))
    elif verdict == mn.NOT_MET:
        st.error(t("min.verdict_not_met", lg, targets="; ".join(bad)))
    else:
        st.warning(t("min.verdict_uncertain", lg, targets="; ".join(bad)))
    table = pd.DataFrame({
        t("col.target", lg): [target_text(j, lg) for j in judged],
        t("col.result", lg): [
            f"{fmt_kpi(j.target.kpi, j.mean, lg)} ({fmt_ci(j.target.kpi, j.ci_low, j.ci_high, lg)})"
            for j in judged
        ],
        t("col.verdict", lg): [t(f"min.{j.verdict}", lg) for j in judged],
    })
    st.dataframe(table, hide_index=True)
    share = run.summary.set_index("kpi").loc["placed_share", "mean"]
    st.caption(t("min.note_placed", lg, share=fmt_kpi("placed_share", float(share), lg)))
    st.caption(referral_text(scenario_data(run), lg))
    st.caption(t("min.saved_as", lg, name=run.name))


def scenario_data(run: Run) -> dict[str, Any]:
    from sim.scenario.schema import scenario_to_dict

    return scenario_to_dict(run.result.scenario)
