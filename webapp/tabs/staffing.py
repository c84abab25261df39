"""The "Minimale bezetting / Least staffing" tab: targets and bounds, Search with progress, the
answer with its guarantee, the frontier chart, the bottleneck per point, "nothing meets it
because ...", and a button that loads a frontier point as the current scenario.

The lead wires it into the page: ``render(scenario, lang, on_load=...)`` where ``on_load``
receives the chosen point's scenario as plain data (``sim.scenario_to_dict`` form). Everything
but :func:`render` is free of Streamlit, so it can be tested and reused by the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from sim.outputs.kpi_defs import KPIS, format_number
from sim.scenario.domain import ROLES, label
from sim.scenario.schema import Scenario, parse_scenario, scenario_to_dict
from sim.staffing.guarantee import guarantee_details, guarantee_sentence
from sim.staffing.messages import kpi_label, msg
from sim.staffing.outputs import binding_text, html_section, loads_text
from sim.staffing.search import Settings, StaffingResult
from sim.staffing.space import METHOD_MINIMUM, Space, apply_point, role_variable
from sim.staffing.targets import Stability, Target, make_target
from webapp.widgets import held, held_list, held_value


def tr(key: str, lang: str, **fmt: Any) -> str:
    """A word of the tab, from the one staffing catalogue (:mod:`sim.staffing.messages`)."""
    return msg(key, lang, **fmt)


def kpi_option(kpi: str, lang: str) -> str:
    """The editor's name of a KPI: its label with its unit ('Bezetting P&P-begeleider (%)')."""
    d = KPIS[kpi]
    unit = "%" if d.unit == "share" else d.unit_label(lang)
    return f"{d.label(lang)} ({unit})" if unit else d.label(lang)


def kpi_options(lang: str) -> dict[str, str]:
    """Editor name -> KPI key, for every KPI."""
    return {kpi_option(k, lang): k for k in KPIS}


def editor_rows(targets: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Targets ({kpi, op, threshold} in the KPI's own scale) as the editor shows them: by
    label with unit, shares in %."""
    out = []
    for r in targets:
        d = KPIS[r["kpi"]]
        value = float(r["threshold"]) * (100.0 if d.unit == "share" else 1.0)
        out.append({"kpi": kpi_option(r["kpi"], lang), "op": r["op"], "threshold": value})
    return out


def editor_targets(rows: list[dict[str, Any]], lang: str) -> list[Target]:
    """Targets from the editor's rows (labels, shares in %); a bad row raises TargetError."""
    names = kpi_options(lang)
    out = []
    for i, r in enumerate(rows):
        kpi = names.get(str(r["kpi"]), str(r["kpi"]))
        value = float(r["threshold"])
        if kpi in KPIS and KPIS[kpi].unit == "share":
            value /= 100.0
        out.append(make_target({"kpi": kpi, "op": r["op"], "threshold": value},
                               f"target {i + 1}"))
    return out


#: The tab's default targets (the KPI's own scale).
DEFAULT_TARGETS = [{"kpi": "referral_to_placement_p90", "op": "<=", "threshold": 52.0},
                   {"kpi": "utilisation_pnp_counsellor", "op": "<=", "threshold": 0.85}]


def frontier_frame(result: StaffingResult, lang: str = "nl") -> pd.DataFrame:
    """One row per frontier point: role hours, answer flag, cost and bottleneck text."""
    rows = []
    for fp in result.frontier:
        row: dict[str, Any] = {v.key: x for v, x in zip(result.space.variables, fp.point,
                                                        strict=True)}
        row["answer"] = fp.point == result.answer
        row["cost"] = fp.cost
        row["point"] = result.space.short(fp.point)
        row["bottleneck"] = "; ".join(binding_text(k, why, lang) for k, why in fp.binding)
        rows.append(row)
    return pd.DataFrame(rows)


def decomposition_frame(result: StaffingResult, lang: str = "nl") -> pd.DataFrame:
    """The floor's decomposition of the time to placement, one row per setting and part."""
    if result.floor is None:
        return pd.DataFrame(columns=["setting", "component", "weeks"])
    return pd.DataFrame(result.floor.table(lang),
                        columns=["setting", "setting_key", "component", "component_key",
                                 "weeks"])


def decomposition_chart(result: StaffingResult, lang: str = "nl") -> alt.Chart | None:
    """A small stacked bar per setting: where the weeks to placement go."""
    df = decomposition_frame(result, lang)
    if df.empty:
        return None
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("weeks:Q", title=tr("weeks", lang), stack="zero"),
        y=alt.Y("setting:N", title=tr("setting", lang), sort=None),
        color=alt.Color("component:N", title=tr("component", lang)),
        tooltip=[alt.Tooltip("component:N", title=tr("component", lang)),
                 alt.Tooltip("weeks:Q", title=tr("weeks", lang), format=".1f")],
    ).properties(height=140)


def frontier_chart(result: StaffingResult, lang: str = "nl") -> alt.Chart | None:
    """Two roles as axes, the third (if searched) as facets; the answer ringed."""
    df = frontier_frame(result, lang)
    roles = [v.key for v in result.space.variables if v.is_role]
    if df.empty or not roles:
        return None
    x = roles[0]
    y = roles[1] if len(roles) > 1 else None
    tooltip = [alt.Tooltip("point:N", title=tr("point", lang)),
               alt.Tooltip("bottleneck:N", title=tr("bottleneck", lang))]
    enc: dict[str, Any] = {"x": alt.X(f"{x}:Q", title=f"{label(x, lang)} (h)",
                                      scale=alt.Scale(zero=False)),
                           "tooltip": tooltip}
    if y is not None:
        enc["y"] = alt.Y(f"{y}:Q", title=f"{label(y, lang)} (h)", scale=alt.Scale(zero=False))
    base = alt.Chart(df)
    points = base.mark_circle(size=110).encode(**enc)
    ring = base.transform_filter("datum.answer").mark_point(size=420, strokeWidth=2,
                                                              color="black").encode(**enc)
    chart = (points + ring).properties(height=300, width=300)
    if len(roles) > 2:
        chart = chart.facet(column=alt.Column(f"{roles[2]}:O",
                                              title=f"{label(roles[2], lang)} (h)"))
    return chart


def build_targets(rows: list[dict[str, Any]]) -> list[Target]:
    """Targets from the tab's editor rows ({kpi, op, threshold}); bad rows raise TargetError."""
    return [make_target({"kpi": r["kpi"], "op": r["op"], "threshold": float(r["threshold"])},
                        f"target {i + 1}") for i, r in enumerate(rows)]


def point_scenario(result: StaffingResult, point: tuple[float, ...]) -> dict[str, Any]:
    """The frontier point's scenario as plain data, for ``on_load``."""
    return scenario_to_dict(apply_point(result.scenario, result.space, point))


def report_section(result: StaffingResult, lang: str = "nl") -> str:
    """The HTML section for the board report (the lead adds it to webapp/report.py)."""
    return html_section(result, lang)


class Job:
    """A search running in a background thread, so the page (and its sidebar) stays usable:
    the thread only writes here; the page reads it on each rerun. ``cancel`` sets the
    evaluator's stop flag: the search stops between replications and keeps what it found."""

    def __init__(self, search: Any, ev: Any):
        self.search = search
        self.ev = ev
        self.progress: Any = None
        self.result: StaffingResult | None = None
        self.error: str | None = None
        self.done = False
        search.progress = self._report

    def _report(self, p: Any) -> None:
        self.progress = p

    def run(self) -> None:
        try:
            self.result = self.search.run()
        except Exception as exc:  # noqa: BLE001 - shown to the planner in one line
            self.error = str(exc) or type(exc).__name__
        finally:
            self.ev.close()
            self.done = True

    def cancel(self) -> None:
        self.ev.stop.set()


def start_job(scen: Scenario, space: Space, targets: list[Target], settings: Settings,
              store: str | None, backend: str = "local", background: bool = True) -> Job:
    """Start a search (in a thread when ``background``; else it runs here, for tests)."""
    import threading

    from sim.staffing.evaluate import Evaluator
    from sim.staffing.search import Search

    ev = Evaluator(scen.seed, store, backend).open()
    job = Job(Search(scen, space, targets, ev, settings), ev)
    if background:
        threading.Thread(target=job.run, name="least-staffing", daemon=True).start()
    else:
        job.run()
    return job


def render(scenario: Scenario | dict[str, Any], lang: str = "nl",
           on_load: Callable[[dict[str, Any]], None] | None = None,
           store: str | None = None, key: str = "staffing",
           background: bool = True) -> StaffingResult | None:
    """Draw the tab for ``scenario`` (texts in ``lang``); returns the last result shown."""
    import streamlit as st

    from sim.staffing.targets import TargetError

    scen = scenario if isinstance(scenario, Scenario) else parse_scenario(scenario, "scenario")
    st.subheader(tr("title", lang))
    st.caption(tr("intro", lang))
    options = list(kpi_options(lang))
    rows = st.data_editor(
        pd.DataFrame(editor_rows(DEFAULT_TARGETS, lang)), num_rows="dynamic",
        key=f"{key}-targets-{lang}",
        column_config={
            "kpi": st.column_config.SelectboxColumn(tr("kpi", lang), options=options,
                                                    width="large"),
            "op": st.column_config.SelectboxColumn(tr("op", lang), options=["<=", ">="]),
            "threshold": st.column_config.NumberColumn(tr("threshold", lang)),
        })
    roles = st.multiselect(tr("roles", lang), list(ROLES),
                           default=held_list(f"{key}-roles-{lang}", list(ROLES), list(ROLES)),
                           format_func=lambda r: label(r, lang), key=f"{key}-roles-{lang}")
    st.caption(tr("bounds", lang))
    cols = st.columns(max(1, len(roles)))
    bounds: dict[str, tuple[float, float]] = {}
    for col, role in zip(cols, roles, strict=False):
        held_bounds = held_value(f"{key}-b-{role}", (METHOD_MINIMUM[role], 38.0))
        bounds[role] = col.slider(label(role, lang), 0.0, 76.0, tuple(held_bounds), 1.0,
                                  key=f"{key}-b-{role}")
    c1, c2, c3 = st.columns(3)
    step = c1.number_input(tr("step", lang), 0.5, 38.0, float(held_value(f"{key}-step", 1.0)),
                           0.5, key=f"{key}-step")
    confidence = c2.select_slider(tr("confidence", lang), [0.8, 0.9, 0.95, 0.99],
                                  held_value(f"{key}-conf", 0.95),
                                  format_func=lambda x: f"{100 * x:g}%", key=f"{key}-conf")
    stable = c3.checkbox(tr("stability", lang), bool(held_value(f"{key}-stab", True)),
                         key=f"{key}-stab")
    state = st.session_state
    job: Job | None = state.get(f"{key}-job")
    running = job is not None and not job.done
    if st.button(tr("search", lang), type="primary", key=f"{key}-go", disabled=running):
        try:
            targets = editor_targets(rows.dropna().to_dict(orient="records"), lang)
        except TargetError as exc:
            st.error(str(exc))
            return None
        if not roles or not targets:
            st.error(tr("no_roles" if not roles else "no_targets", lang))
            return None
        space = Space(tuple(role_variable(r, bounds[r][0], bounds[r][1], step)
                            for r in roles))
        settings = Settings(confidence=float(confidence),
                            stability=Stability(enabled=bool(stable)))
        state.pop(f"{key}-result", None)
        job = state[f"{key}-job"] = start_job(scen, space, targets, settings, store,
                                              background=background)
        running = not job.done
    if job is not None and running:
        _progress(job, lang, key)
        return None
    if job is not None and job.done:
        if job.error is not None:
            st.error(tr("failed", lang, error=job.error))
        elif job.result is not None:
            state[f"{key}-result"] = job.result
        state.pop(f"{key}-job", None)
    result: StaffingResult | None = state.get(f"{key}-result")
    if result is None:
        return None
    show(result, lang, on_load, key)
    return result


def _progress(job: Job, lang: str, key: str) -> None:
    """The running search: a bar that only grows, what is being decided, the time left and a
    Cancel button; only this fragment reruns (once a second), not the page."""
    import streamlit as st

    @st.fragment(run_every=1.0)
    def panel() -> None:
        if st.session_state.get(f"{key}-job") is not job:
            return  # a stale timer of a search already shown
        if job.done:
            st.rerun(scope="app")
        p = job.progress
        st.progress(p.fraction if p is not None else 0.0,
                    text=p.text(lang) if p is not None else tr("running", lang))
        st.caption(tr("running", lang))
        if st.button(tr("cancel", lang), key=f"{key}-cancel"):
            job.cancel()

    panel()


def show(result: StaffingResult, lang: str = "nl",
         on_load: Callable[[dict[str, Any]], None] | None = None, key: str = "staffing") -> None:
    """The answer, the floor and its decomposition, the guarantee, limits, what would help,
    the frontier and the replications spent: every sentence from the catalogue."""
    import streamlit as st

    st.markdown(f"### {tr('answer_head', lang)}")
    if result.cancelled:
        st.warning(tr("cancelled", lang))
    if result.answer is not None:
        st.success(result.space.describe(result.answer, lang))
    else:
        st.warning(tr("none", lang))
    for said in result.limits:
        st.error(said[lang])
    if result.helps:
        st.markdown(f"**{tr('helps', lang)}**")
        for i, said in enumerate(result.helps):
            st.markdown(f"- {said[lang]}")
            lever = result.levers.get(i)
            if lever is not None and on_load is not None and st.button(
                    tr("load_lever", lang), key=f"{key}-lever-{i}"):
                on_load(scenario_to_dict(lever))
    fl = result.floor
    if fl is not None:
        with st.expander(tr("floor_title", lang), expanded=fl.blocked or result.answer is None):
            for row in fl.rows(lang):
                st.markdown(row)
            chart = decomposition_chart(result, lang)
            if chart is not None and fl.decomposed_kpi is not None:
                title = tr("decomp_title", lang, kpi=kpi_label(fl.decomposed_kpi, lang))
                st.markdown(f"**{title}**")
                who = tr("decomp_tail" if fl.decomposed_kpi.endswith("_p90") else "decomp_all",
                         lang)
                st.caption(tr("decomp_note", lang, who=who))
                st.altair_chart(chart, width="stretch")
    st.info(guarantee_sentence(result, lang))
    with st.expander(tr("guarantee_help", lang)):
        for detail in guarantee_details(result, lang):
            st.markdown(f"- {detail}")
    chart = frontier_chart(result, lang)
    if chart is not None:
        st.markdown(f"### {tr('frontier_short', lang)}")
        st.caption(tr("frontier_help", lang))
        st.altair_chart(chart)
        frame = frontier_frame(result, lang)
        st.dataframe(frame, hide_index=True)
        points = list(frame["point"])
        choice = st.selectbox(tr("point", lang), points, key=f"{key}-pick",
                              index=held(f"{key}-pick", points))
        if on_load is not None and st.button(tr("load", lang), key=f"{key}-load"):
            point = next(fp.point for fp in result.frontier
                         if result.space.short(fp.point) == choice)
            on_load(point_scenario(result, point))
    st.caption(loads_text(result, lang))
    st.caption(tr("spent", lang, ran=result.spent.ran, cached=result.spent.cached,
                  decided=len(result.decisions), simulated=result.simulated,
                  grid=result.grid_size, seconds=format_number(result.elapsed_s, lang, 1)))
