"""The Compare tab: runs side by side and paired differences marked better or worse."""

from __future__ import annotations

import streamlit as st

from sim.outputs.kpi_defs import HEADLINE_KPIS
from webapp import charts as ch
from webapp.i18n import t
from webapp.state import runs, ss
from webapp.tables import compare_frames, side_by_side
from webapp.widgets import held, held_list, show_chart


def _on_pick() -> None:
    ss()["ui:cmp_auto"] = False


def render(lg: str) -> None:
    state = ss()
    all_runs = runs()
    st.caption(t("cmp.intro", lg))
    if len(all_runs) < 2:
        st.info(t("cmp.need_two", lg))
        return
    names = list(all_runs)
    chosen = [n for n in state.get("ui:cmp_runs", []) if n in names]
    # Until the user picks runs, the comparison follows the two latest runs.
    if state.get("ui:cmp_auto", True) or len(chosen) < 2:
        state["ui:cmp_runs"] = names[-2:]
        state["ui:cmp_auto"] = True
    elif len(chosen) != len(state["ui:cmp_runs"]):
        state["ui:cmp_runs"] = chosen
    st.multiselect(t("cmp.runs", lg), names, key="ui:cmp_runs", on_change=_on_pick,
                   default=held_list("ui:cmp_runs", names, []),
                   placeholder=t("ui.choose", lg))
    chosen = list(state["ui:cmp_runs"])
    if len(chosen) < 2:
        st.info(t("cmp.pick_two", lg))
        return
    if state.get("ui:cmp_base") not in chosen:
        state["ui:cmp_base"] = chosen[0]
    st.selectbox(t("cmp.base", lg), chosen, key="ui:cmp_base", index=held("ui:cmp_base", chosen))
    base = state["ui:cmp_base"]
    others = [n for n in chosen if n != base]
    st.subheader(t("cmp.side_by_side", lg))
    from webapp.tabs.results import grows_with, growth_of

    growing = {}
    for n in [base, *others]:
        g = growth_of(all_runs[n])
        if g.growing:
            growing[n] = {k for k in HEADLINE_KPIS if grows_with(k, g)}
    st.dataframe(side_by_side({n: all_runs[n].summary for n in [base, *others]}, lg,
                              list(HEADLINE_KPIS), growing), hide_index=True, width="stretch")
    for other, table, n in compare_frames(all_runs, base, others, lg):
        st.subheader(t("cmp.diff_header", lg, other=other, base=base))
        if all_runs[other].result.seed != all_runs[base].result.seed:
            st.warning(t("cmp.seed_differs", lg, other=other, base=base))
        st.caption(t("cmp.diff_help", lg, n=n))
        st.dataframe(table, hide_index=True, width="stretch")
    selected = {n: all_runs[n].result for n in [base, *others]}
    show_chart(ch.compare_waiting_chart(selected, lg), t("cmp.waiting.help", lg), lg)
    show_chart(ch.compare_utilisation_chart(selected, lg), t("cmp.util.help", lg), lg)
