"""The Results tab: key-figure cards with intervals, the growth warning, and the charts."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sim.outputs.kpi_defs import HEADLINE_KPIS
from sim.scenario.domain import ROLES
from sim.scenario.schema import Scenario
from webapp import charts as ch
from webapp import growth as gr
from webapp.engine import cache_key
from webapp.i18n import fmt_ci, fmt_kpi, kpi_label, t
from webapp.report import in_short
from webapp.state import Run, runs, ss
from webapp.tables import summary_table
from webapp.widgets import held, held_value, show_chart

#: The cards in the first rows: the headline KPIs except those shown per role below them.
CARD_KPIS = tuple(k for k in HEADLINE_KPIS if not k.startswith("utilisation_"))


def kpi_card(summary: pd.DataFrame, kpi: str, lg: str, warn: bool = False,
             sets: pd.DataFrame | None = None) -> None:
    row = summary.loc[kpi]
    with st.container(border=True):
        st.metric(kpi_label(kpi, lg), fmt_kpi(kpi, float(row["mean"]), lg))
        st.caption(fmt_ci(kpi, float(row["ci_low"]), float(row["ci_high"]), lg))
        if sets is not None and kpi in sets.index:
            st.caption(inputs_ci(kpi, sets.loc[kpi], lg))
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


def inputs_ci(kpi: str, row: Any, lg: str) -> str:
    """'Incl. invoer: 95% 2,9 – 6,1 weken': the interval including the inputs, in short."""
    from sim.outputs.kpi_defs import KPIS

    low, high = float(row["low"]), float(row["high"])
    if low != low or high != high:
        return t("unc.card", lg, interval=t("kpi.no_ci", lg))
    return t("unc.card", lg, interval=KPIS[kpi].format_interval(low, high, lg))


def sets_options(lg: str) -> None:
    """The loaded scenario's parameter sets: run over them with each run (on by default)."""
    from webapp import uncertainty as unc
    from webapp.state import base_sets

    sets = base_sets()
    if sets is None:
        return
    state = ss()
    state.setdefault("ui:unc_reps", unc.DEFAULT_REPS)
    with st.container(border=True, key="unc-options"):
        st.checkbox(t("unc.option", lg, n=len(sets.overrides)), key="ui:unc_on",
                    value=bool(held_value("ui:unc_on", False)),
                    help=t("unc.option_help", lg))
        st.number_input(t("unc.reps", lg), min_value=2, max_value=1000, step=1,
                        key="ui:unc_reps", value=int(state["ui:unc_reps"]))


def sets_progress(job: Any, lg: str) -> None:
    """The running run over the parameter sets: a bar and a Cancel button; only this
    fragment reruns (once a second), as in the least-staffing tab."""

    @st.fragment(run_every=1.0)
    def panel() -> None:
        if ss().get("ui:unc_job") is not job:
            return  # a stale timer of a job already collected
        if job.done:
            st.rerun(scope="app")
        with st.container(key="unc-progress"):
            st.progress(job.fraction, text=t("unc.progress", lg, done=job.done_reps,
                                             total=job.total))
            if st.button(t("unc.cancel", lg), key="ui:unc_cancel"):
                job.cancel()

    panel()


def sets_section(run: Run, lg: str, growing: bool) -> None:
    """Each KPI with both parts: the usual simulation-noise interval and the 95% interval
    including what we do not know about the inputs; how many sets, and why that is enough."""
    from webapp import uncertainty as unc
    from webapp.i18n import fmt_num, path_label

    state = ss()
    job = state.get("ui:unc_job")
    msg = state.get("ui:unc_msg")
    if run.sets_skipped:
        st.info(t("unc.skipped", lg, fields=", ".join(path_label(p, lg)
                                                      for p in run.sets_skipped)))
        return
    if job is not None and job.name == run.name:
        sets_progress(job, lg)
        return
    if msg is not None and run.sets is None:
        kind, what = msg
        if kind == "cancelled" and what == run.name:
            st.warning(t("unc.cancelled", lg))
        elif kind == "failed":
            st.error(t("unc.failed", lg, error=what))
    got = run.sets
    if got is None:
        return
    with st.container(key="unc-result"):
        st.subheader(t("unc.title", lg))
        stamp = got.stamp
        st.markdown(t("unc.what", lg, n=got.sets, reps=got.reps,
                      method=unc.method_words(got.result.method, lg)))
        st.caption(unc.reason(got.sets, lg))
        st.caption(t("unc.stamp", lg, hash=stamp["scenario_hash"], seed=stamp["seed"],
                     n=got.sets, reps=got.reps, digest=stamp["sets_digest"],
                     version=stamp["version"]))
        if growing:
            st.warning(t("unc.growing", lg))
        table = unc.widths(run.summary.set_index("kpi"), got.summary)
        rows = []
        from sim.outputs.kpi_defs import KPIS

        def interval(d: Any, low: float, high: float) -> str:
            if low != low or high != high:
                return t("kpi.no_ci", lg)
            return str(d.format_interval(float(low), float(high), lg))

        for kpi, r in table.iterrows():
            d = KPIS[str(kpi)]
            share = r["input_share"]
            rows.append({
                t("col.kpi", lg): kpi_label(str(kpi), lg),
                t("unc.col.noise", lg): interval(d, r["noise_low"], r["noise_high"]),
                t("unc.col.mean", lg): fmt_kpi(str(kpi), float(r["mean"]), lg),
                t("unc.col.inputs", lg): interval(d, r["low"], r["high"]),
                t("unc.col.share", lg): ("" if share != share
                                         else fmt_num(100 * float(share), lg, 0) + "%"),
            })
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        st.caption(t("unc.help", lg))


def render(lg: str, scenario: Scenario | None) -> None:
    from webapp.state import collect_draw, collect_sets

    state = ss()
    all_runs = runs()
    collect_sets()
    drawing = collect_draw()
    if drawing is not None and state.get("base_source") == f"calibration:{state.get('cal:used')}":
        # The loaded calibration's sets are still being drawn: they join it when done. No
        # timer here (the calibration tab has the bar): the page is not rerun every second
        # while the planner works with the results.
        st.caption(t("unc.drawing", lg, done=drawing.done_sets, n=drawing.total))
    sets_options(lg)
    if not all_runs:
        st.markdown(t("first.what", lg))
        st.markdown(t("first.default", lg))
        st.markdown(t("first.todo", lg))
        return
    names = list(all_runs)
    if state.get("ui:view_run") not in names:
        state["ui:view_run"] = names[-1]
    st.selectbox(t("res.show_run", lg), names, key="ui:view_run",
                 index=held("ui:view_run", names))
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
    sets = run.sets.summary if run.sets is not None else None
    cols = st.columns(3)
    for i, kpi in enumerate(CARD_KPIS):
        with cols[i % 3]:
            kpi_card(summary, kpi, lg, warn=bool(warning) and grows_with(kpi, growth),
                     sets=sets)
    cols = st.columns(3)
    for i, role in enumerate(ROLES):
        with cols[i]:
            kpi_card(summary, f"utilisation_{role}", lg, sets=sets)
            kpi_card(summary, f"caseload_{role}", lg, sets=sets)
    sets_section(run, lg, bool(warning))
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
