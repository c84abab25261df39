"""The page: the sidebar (language, run button, scenario and inputs) and the result tabs.

``app.py`` calls :func:`main`. The state lives in ``webapp.state``, the sidebar in
``webapp.sidebar``, each tab in ``webapp.tabs`` (registry: ``webapp.tabs.TABS``), and the
presentation that needs no Streamlit (charts, tables, texts, report) in its own modules.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.scenario import Scenario
from webapp import sidebar
from webapp.i18n import LANGS, t
from webapp.state import current_scenario, init_state, ss
from webapp.tabs import TABS, Context


def main() -> None:
    st.set_page_config(page_title="P&P planner", layout="wide")
    # No developer menu (deploy, clear cache, ...) for the planners using the page; the same
    # is set in .streamlit/config.toml so that it holds from the first paint.
    st.set_option("client.toolbarMode", "minimal")
    init_state()
    with st.sidebar:
        lg = sidebar.language()
    data, scenario, error = current_scenario()
    with st.sidebar:
        sidebar.run_box(lg, data, scenario, error)
    main_area(lg, data, scenario)
    # The inputs come last in the script (they still sit in the sidebar): after a run, the key
    # figures reach the browser before the sixty-odd input widgets are sent again.
    with st.sidebar:
        st.divider()
        sidebar.source(lg)
        sidebar.inputs(lg)


def main_area(lg: str, data: dict[str, Any], scenario: Scenario | None) -> None:
    from sim import __version__ as pkg_version  # the one version lookup (sim.stamp)

    st.title(t("app.title", lg))
    st.caption(t("app.caption", lg) + " " + t("app.version", lg, version=pkg_version))
    labels = {tab.key: tab.label(lg) for tab in TABS}
    state = ss()
    if state.get("ui:tab") not in labels.values():
        # After a language switch, stay on the same tab under its new name.
        opened = next((tab.key for tab in TABS for code in LANGS
                       if state.get("ui:tab") == tab.label(code)), TABS[0].key)
        state["ui:tab"] = labels[opened]
    # Only the open tab runs (on_change="rerun"): hidden tabs cost nothing.
    containers = st.tabs(list(labels.values()), key="ui:tab", on_change="rerun")
    context = Context(lg, data, scenario)
    for tab, container in zip(TABS, containers, strict=True):
        if container.open is not False:
            with container:
                tab.render(context)


__all__ = ["main"]
