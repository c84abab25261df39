"""The Results tab: key-figure cards with intervals, the growth warning, and the charts."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sim.domain import ROLES
from sim.kpi_defs import HEADLINE_KPIS
from sim.scenario import Scenario
from webapp import charts as ch
from webapp import growth as gr
from webapp.engine import cache_key
from webapp.i18n import fmt_ci, fmt_kpi, kpi_label, t
from webapp.report import in_short
from webapp.state import Run, runs, ss
from webapp.tables import summary_table
from webapp.widgets import show_chart

#: The cards in the first rows: the headline KPIs except those shown per role below them.
CARD_KPIS = tuple(k for k in HEADLINE_KPIS if not k.startswith("utilisation_"))


def kpi_card(summary: pd.DataFrame, kpi: str, lg: str, warn: bool = False) -> None:
    row = summary.loc[kpi]
    with st.container(border=True):
        st.metric(kpi_label(kpi, lg), fmt_kpi(kpi, float(row["mean"]), lg))
        st.caption(fmt_ci(kpi, float(row["ci_low"]), float(row["ci_high"]), lg))
        if warn:
            st.caption(":orange[" + t("growth.card", lg) + "]")


_CHART_MEMO: dict[tuple[Any, ...], Any] = {}


def chart_for(run: Run, key: str, builder: Any, lg: str) -> Any:
    """Charts are memoised per (scenario hash, reps, seed, language, chart)."""
    memo_key = (run.key, lg, key)
    if memo_key not in _CHART_MEMO:
        if len(_CHART_MEMO) > 200:
            _CHART_MEMO.clear()
        _CHART_MEMO[memo_key] = builder(run.result, lg)
    return _CHART_MEMO[memo_key]


def growth_of(run: Run) -> gr.Growth:
    memo_key = (run.key, "growth")
    if memo_key not in _CHART_MEMO:
        _CHART_MEMO[memo_key] = gr.assess(run.result, ch.weekly(run.result))
    growth: gr.Growth = _CHART_MEMO[memo_key]
    return growth


def origin_text(run: Run, lg: str) -> str:
    """The loaded scenario a run started from, and every input the run changed against it."""
    from webapp.i18n import path_label, source_words, value_text

    assert run.origin is not None
    name, source, digest = run.origin
    args = {"name": name or t("name.base", lg), "source": source_words(source, lg),
            "hash": digest}
    if not run.changes:
        return t("run.origin.same", lg, **args)
    changes = "; ".join(f"{path_label(p, lg)}: {value_text(a, lg)} → {value_text(b, lg)}"
                        for p, a, b in run.changes)
    return t("run.origin.changed", lg, changes=changes, **args)


def render(lg: str, scenario: Scenario | None) -> None:
    state = ss()
    all_runs = runs()
    if not all_runs:
        st.markdown(t("first.what", lg))
        st.markdown(t("first.default", lg))
        st.markdown(t("first.todo", lg))
        return
    names = list(all_runs)
    if state.get("ui:view_run") not in names:
        state["ui:view_run"] = names[-1]
    st.selectbox(t("res.show_run", lg), names, key="ui:view_run")
    run = all_runs[state["ui:view_run"]]
    result = run.result
    stamp = result.stamp
    st.caption(t("res.stamp", lg, hash=stamp["scenario_hash"], seed=stamp["seed"],
                 reps=stamp["replications"], version=stamp["version"]))
    if run.origin is not None:
        with st.container(key="run-origin"):
            st.caption(origin_text(run, lg))
    if scenario is not None and cache_key(scenario) != run.key and run.name == names[-1]:
        st.warning(t("res.stale", lg))
    st.subheader(t("res.kpis", lg))
    st.caption(t("res.kpis_help", lg))
    summary = run.summary.set_index("kpi")
    growth = growth_of(run)
    warning = gr.warning_text(growth, lg)
    if warning:
        st.warning(warning)
    st.markdown(in_short(summary, lg, growth))
    cols = st.columns(3)
    for i, kpi in enumerate(CARD_KPIS):
        with cols[i % 3]:
            kpi_card(summary, kpi, lg, warn=bool(warning) and grows_with(kpi, growth))
    cols = st.columns(3)
    for i, role in enumerate(ROLES):
        with cols[i]:
            kpi_card(summary, f"utilisation_{role}", lg)
            kpi_card(summary, f"caseload_{role}", lg)
    idle = gr.idle_text(growth, lg) if result.scenario.policy == "waitlist" else None
    if idle and growth.verdicts["staff"].verdict != "stable":
        st.info(idle)
    with st.expander(t("res.all_kpis", lg)):
        st.dataframe(summary_table(run.summary, lg), hide_index=True)
    st.subheader(t("res.charts", lg))
    for key, builder in ch.SINGLE_CHARTS:
        try:
            chart = chart_for(run, key, builder, lg)
        except Exception as exc:  # a chart must never take the page down
            st.warning(t("chart.unavailable", lg, error=f"{type(exc).__name__}: {exc}"))
            continue
        if chart is None:
            st.info(t("chart.dist.none", lg))
            continue
        show_chart(chart, t(f"chart.{key}.help", lg), lg)


#: Cards whose figure grows with the horizon when a queue grows: the wait for staff shows in
#: the wait to assessment, the wait for a family in its own card; both in referral to placement.
GROWS_WITH = {
    "staff": ("wait_assessment_mean", "referral_to_placement_mean", "referral_to_placement_p90"),
    "family": ("wait_family_mean", "referral_to_placement_mean", "referral_to_placement_p90"),
    "all": ("wait_assessment_mean", "wait_family_mean", "referral_to_placement_mean",
            "referral_to_placement_p90"),
}


def grows_with(kpi: str, growth: gr.Growth) -> bool:
    return any(kpi in GROWS_WITH[q] for q in growth.queues)
