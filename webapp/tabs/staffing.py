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

from sim.domain import ROLES, label
from sim.kpi_defs import KPIS
from sim.scenario import Scenario, parse_scenario, scenario_to_dict
from sim.staffing.guarantee import guarantee_details, guarantee_sentence
from sim.staffing.outputs import html_section
from sim.staffing.search import Settings, StaffingResult
from sim.staffing.space import METHOD_MINIMUM, Space, apply_point, role_variable
from sim.staffing.targets import Stability, Target, make_target

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Minimale bezetting", "Least staffing"),
    "intro": ("Zoek de minste uren per rol die uw doelen halen, met een waarborg.",
              "Find the fewest hours per role that meet your targets, with a guarantee."),
    "targets": ("Doelen", "Targets"),
    "kpi": ("KPI", "KPI"),
    "op": ("Richting", "Direction"),
    "threshold": ("Drempel", "Threshold"),
    "roles": ("Rollen om te zoeken", "Roles to search"),
    "bounds": ("Grenzen (uren per week)", "Bounds (hours per week)"),
    "step": ("Stap (uren)", "Step (hours)"),
    "confidence": ("Zekerheid", "Confidence"),
    "stability": ("Wachtlijst mag niet groeien", "Waiting list must not grow"),
    "search": ("Zoeken", "Search"),
    "progress": ("Kandidaten beslist: {decided}; replicaties: {ran} gedraaid, {cached} uit "
                 "de opslag", "Candidates decided: {decided}; replications: {ran} run, "
                 "{cached} from the store"),
    "answer": ("Antwoord", "Answer"),
    "none": ("Niets binnen de grenzen haalt de doelen.",
             "Nothing within the bounds meets the targets."),
    "frontier": ("Bezettingsfront", "Staffing frontier"),
    "frontier_help": ("Elk punt is een minimale bezetting: geen rol kan een stap zakken zonder "
                      "een doel te missen. Het omcirkelde punt is het antwoord.",
                      "Each point is a minimal staffing: no role can lose a step without "
                      "missing a target. The ringed point is the answer."),
    "bottleneck": ("Knelpunt", "Bottleneck"),
    "limits": ("Waarom niets volstaat", "Why nothing meets it"),
    "helps": ("Wat zou helpen", "What would help"),
    "load": ("Laad dit punt als huidig scenario", "Load this point as the current scenario"),
    "point": ("Frontpunt", "Frontier point"),
    "spent": ("{ran} replicaties gedraaid, {cached} uit de opslag; {decided} kandidaten "
              "beslist van {grid} op het rooster",
              "{ran} replications run, {cached} from the store; {decided} candidates decided "
              "of {grid} on the grid"),
}


def tr(key: str, lang: str, **fmt: Any) -> str:
    nl, en = TEXTS[key]
    text = nl if lang == "nl" else en
    return text.format(**fmt) if fmt else text


def frontier_frame(result: StaffingResult, lang: str = "nl") -> pd.DataFrame:
    """One row per frontier point: role hours, answer flag, cost and bottleneck text."""
    rows = []
    for fp in result.frontier:
        row: dict[str, Any] = {v.key: x for v, x in zip(result.space.variables, fp.point,
                                                        strict=True)}
        row["answer"] = fp.point == result.answer
        row["cost"] = fp.cost
        row["point"] = result.space.short(fp.point)
        row["bottleneck"] = "; ".join(
            f"{label(k, lang) if k in ROLES else k}: {why}" for k, why in fp.binding)
        rows.append(row)
    return pd.DataFrame(rows)


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


def render(scenario: Scenario | dict[str, Any], lang: str = "nl",
           on_load: Callable[[dict[str, Any]], None] | None = None,
           store: str | None = None, key: str = "staffing") -> StaffingResult | None:
    """Draw the tab for ``scenario`` (texts in ``lang``); returns the last result shown."""
    import streamlit as st

    from sim.staffing.evaluate import Evaluator
    from sim.staffing.search import Search
    from sim.staffing.targets import TargetError

    scen = scenario if isinstance(scenario, Scenario) else parse_scenario(scenario, "scenario")
    st.subheader(tr("title", lang))
    st.caption(tr("intro", lang))
    default = pd.DataFrame([
        {"kpi": "referral_to_placement_p90", "op": "<=", "threshold": 52.0},
        {"kpi": "utilisation_pnp_counsellor", "op": "<=", "threshold": 0.85},
    ])
    rows = st.data_editor(
        default, num_rows="dynamic", key=f"{key}-targets",
        column_config={
            "kpi": st.column_config.SelectboxColumn(tr("kpi", lang), options=list(KPIS)),
            "op": st.column_config.SelectboxColumn(tr("op", lang), options=["<=", ">="]),
            "threshold": st.column_config.NumberColumn(tr("threshold", lang)),
        })
    roles = st.multiselect(tr("roles", lang), list(ROLES), default=list(ROLES),
                           format_func=lambda r: label(r, lang), key=f"{key}-roles")
    st.caption(tr("bounds", lang))
    cols = st.columns(max(1, len(roles)))
    bounds: dict[str, tuple[float, float]] = {}
    for col, role in zip(cols, roles, strict=False):
        bounds[role] = col.slider(label(role, lang), 0.0, 76.0,
                                  (METHOD_MINIMUM[role], 38.0), 1.0, key=f"{key}-b-{role}")
    c1, c2, c3 = st.columns(3)
    step = c1.number_input(tr("step", lang), 0.5, 38.0, 1.0, 0.5, key=f"{key}-step")
    confidence = c2.select_slider(tr("confidence", lang), [0.8, 0.9, 0.95, 0.99], 0.95,
                                  key=f"{key}-conf")
    stable = c3.checkbox(tr("stability", lang), True, key=f"{key}-stab")
    state = st.session_state
    if st.button(tr("search", lang), type="primary", key=f"{key}-go"):
        try:
            targets = build_targets(rows.dropna().to_dict(orient="records"))
        except TargetError as exc:
            st.error(str(exc))
            return None
        space = Space(tuple(role_variable(r, bounds[r][0], bounds[r][1], step)
                            for r in roles))
        settings = Settings(confidence=float(confidence),
                            stability=Stability(enabled=bool(stable)))
        box = st.empty()
        bar = st.progress(0.0)

        def progress(decided: int, spent: Any) -> None:
            box.caption(tr("progress", lang, decided=decided, ran=spent.ran,
                           cached=spent.cached))
            bar.progress(min(1.0, decided / max(1, 8 * len(roles) + 4)))

        with Evaluator(scen.seed, store, "local") as ev:
            state[f"{key}-result"] = Search(scen, space, targets, ev, settings, progress).run()
        bar.empty()
    result: StaffingResult | None = state.get(f"{key}-result")
    if result is None:
        return None
    st.markdown(f"### {tr('answer', lang)}")
    if result.answer is not None:
        st.success(result.space.describe(result.answer, lang))
    else:
        st.warning(tr("none", lang))
    st.info(guarantee_sentence(result, lang))
    with st.expander("?"):
        for line in guarantee_details(result, lang):
            st.markdown(f"- {line}")
    if result.limits:
        st.markdown(f"**{tr('limits', lang)}**")
        for line in result.limits:
            st.markdown(f"- {line}")
    if result.helps:
        st.markdown(f"**{tr('helps', lang)}**")
        for line in result.helps:
            st.markdown(f"- {line}")
    chart = frontier_chart(result, lang)
    if chart is not None:
        st.markdown(f"### {tr('frontier', lang)}")
        st.caption(tr("frontier_help", lang))
        st.altair_chart(chart)
        frame = frontier_frame(result, lang)
        st.dataframe(frame, hide_index=True)
        choice = st.selectbox(tr("point", lang), list(frame["point"]), key=f"{key}-pick")
        if on_load is not None and st.button(tr("load", lang), key=f"{key}-load"):
            point = next(fp.point for fp in result.frontier
                         if result.space.short(fp.point) == choice)
            on_load(point_scenario(result, point))
    st.caption(tr("spent", lang, ran=result.spent.ran, cached=result.spent.cached,
                  decided=len(result.decisions), grid=result.grid_size))
    return result
