"""The Scenario file tab: the staffing entered over time and the whole scenario as YAML."""

from __future__ import annotations

import streamlit as st

from sim.scenario.schema import Scenario, scenario_hash, scenario_to_dict, scenario_to_yaml
from webapp import charts as ch
from webapp.i18n import error_text, t
from webapp.state import on_apply_yaml, ss
from webapp.widgets import show_chart


def render(lg: str, scenario: Scenario | None) -> None:
    state = ss()
    st.caption(t("yaml.intro", lg))
    if scenario is None:
        st.error(t("yaml.invalid_now", lg))
        return
    # What will be simulated: the staffing schedule entered, then the whole file.
    show_chart(ch.schedule_chart(scenario_to_dict(scenario), lg), t("chart.schedule.help", lg),
               lg)
    text = scenario_to_yaml(scenario)
    h = scenario_hash(scenario)
    # Refill the editor when the inputs change, unless the user is editing it.
    if state.get("ui:yaml_for") != h and state.get("ui:yaml_text") == state.get("ui:yaml_filled"):
        state["ui:yaml_text"] = text
        state["ui:yaml_filled"] = text
        state["ui:yaml_for"] = h
    state.setdefault("ui:yaml_text", text)
    state.setdefault("ui:yaml_filled", text)
    st.text_area(t("yaml.edit", lg), key="ui:yaml_text", height=420)
    st.button(t("yaml.apply", lg), key="ui:yaml_apply", on_click=on_apply_yaml)
    if state.get("ui:yaml_error"):
        st.error(t("yaml.bad", lg) + "\n\n" + error_text(state["ui:yaml_error"], lg))
    elif state.pop("ui:yaml_ok", False):
        st.success(t("yaml.applied", lg))
