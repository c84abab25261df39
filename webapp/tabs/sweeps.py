"""The Parameter sweeps tab (``webapp.sweeps_tab``), kept from taking the page down."""

from __future__ import annotations

import streamlit as st

from sim.scenario import Scenario
from webapp.i18n import t


def render(lg: str, scenario: Scenario | None) -> None:
    try:
        from webapp.sweeps_tab import render_sweeps_tab
    except ImportError:
        st.info(t("sweeps.missing", lg))
        return
    try:
        render_sweeps_tab(lg)
    except Exception as exc:  # another team's tab must not take this page down
        st.error(t("sweeps.failed", lg, error=f"{type(exc).__name__}: {exc}"))
