"""The "Sweeps" tab: open a sweep store, pick an experiment, plot a KPI against the swept
parameters with its 95% interval, and show the table.

``render_sweeps_tab(lang)`` is called by the app inside a tab. Its texts live in
the one catalogue, ``webapp.i18n`` (keys ``store.*``). KPI names come
from ``sim.outputs.kpi_defs`` like everywhere else in the app.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from sim.outputs.kpi_defs import KPIS
from webapp.charts import localise
from webapp.i18n import DEFAULT_LANG, LANGS, TEXT
from webapp.widgets import held

#: This view's texts, from the one catalogue (``webapp.i18n``, keys ``store.*``).
LABELS: dict[str, dict[str, str]] = {
    lg: {k.removeprefix("store."): v[lg] for k, v in TEXT.items() if k.startswith("store.")}
    for lg in LANGS
}

#: A parameter with at most this many distinct values can be fixed at one of them.
MAX_FIXABLE = 25


def tr(key: str, lang: str, **fmt: Any) -> str:
    """The label for ``key`` in ``lang`` (Dutch for an unknown language); KeyError if missing."""
    text = LABELS[lang if lang in LANGS else DEFAULT_LANG][key]
    return text.format(**fmt) if fmt else text


def unit_label(unit: str, lang: str) -> str:
    """A KPI unit in ``lang`` (the unit itself if this tab has no label for it)."""
    if not unit:
        return ""
    return LABELS[lang if lang in LANGS else DEFAULT_LANG].get(f"unit.{unit}", unit)


def kpi_name(kpi: str, lang: str) -> str:
    """The KPI's label from its definition (the name itself for a KPI no longer defined)."""
    d = KPIS.get(kpi)
    return d.label(lang) if d is not None else kpi


def kpi_title(k: str, lg: str) -> str:
    """'KPI name (unit)' in ``lg``."""
    unit = unit_label(KPIS[k].unit, lg) if k in KPIS else ""
    return f"{kpi_name(k, lg)} ({unit})" if unit else kpi_name(k, lg)


def _register_language_options() -> None:
    """The select boxes whose labels change with the language (see webapp.state)."""
    from webapp.state import register_options

    register_options("sweeps_kpi", tuple(KPIS), kpi_title)
    register_options("sweeps_y", ("",), lambda _v, lg: tr("none", lg))


_register_language_options()


@st.cache_data(show_spinner=False, max_entries=32)
def _load(path: str, mtime: float, experiment: str | None, kpi: str | None
          ) -> dict[str, Any]:
    """Read what the tab shows; cached per file version (``mtime``), experiment and KPI."""
    from sim.batch.store import Store

    with Store(path, read_only=True) as store:
        out: dict[str, Any] = {"experiments": store.experiments()}
        if experiment is not None:
            out["info"] = store.experiment(experiment)
            out["kpis"] = sorted(
                {str(r[0]) for r in store.con.execute(
                    """SELECT DISTINCT k.kpi FROM kpis k JOIN points p
                       ON p.scenario_hash = k.scenario_hash WHERE p.experiment = ?""",
                    [experiment]).fetchall()},
                key=lambda k: (list(KPIS).index(k) if k in KPIS else len(KPIS), k))
            if kpi is not None:
                out["summary"] = store.summary(experiment, kpi)
        return out


def _store_mtime(path: Path) -> float:
    wal = path.with_name(path.name + ".wal")
    times = [path.stat().st_mtime] + ([wal.stat().st_mtime] if wal.exists() else [])
    return max(times)


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(
        series)


def line_chart(df: pd.DataFrame, x: str, x_title: str, y_title: str,
               one_per_x: bool) -> alt.Chart:
    """Mean against one parameter: a line with its 95% band, or, when several points share an
    x value (Latin hypercube), each point with its own interval bar."""
    kind = "quantitative" if _is_numeric(df[x]) else "nominal"
    base = alt.Chart(df).encode(x=alt.X(f"{x}:{kind[0].upper()}", title=x_title))
    tooltip = [alt.Tooltip(x, title=x_title), alt.Tooltip("mean:Q", title=y_title, format=".3g"),
               alt.Tooltip("ci_low:Q", format=".3g"), alt.Tooltip("ci_high:Q", format=".3g"),
               alt.Tooltip("n:Q")]
    if one_per_x:
        band = base.mark_area(opacity=0.25).encode(y=alt.Y("ci_low:Q", title=y_title),
                                                   y2="ci_high:Q")
        line = base.mark_line(point=True).encode(y="mean:Q", tooltip=tooltip)
        return (band + line).properties(height=360)
    bars = base.mark_errorbar().encode(y=alt.Y("ci_low:Q", title=y_title), y2="ci_high:Q")
    dots = base.mark_point(filled=True).encode(y="mean:Q", tooltip=tooltip)
    return (bars + dots).properties(height=360)


def heat_map(df: pd.DataFrame, x: str, y: str, x_title: str, y_title: str,
             kpi_title: str) -> alt.Chart:
    tooltip = [alt.Tooltip(x, title=x_title), alt.Tooltip(y, title=y_title),
               alt.Tooltip("mean:Q", title=kpi_title, format=".3g"),
               alt.Tooltip("ci_low:Q", format=".3g"), alt.Tooltip("ci_high:Q", format=".3g"),
               alt.Tooltip("n:Q")]
    discrete = df[x].nunique() <= MAX_FIXABLE and df[y].nunique() <= MAX_FIXABLE
    if discrete:
        chart = alt.Chart(df).mark_rect().encode(
            x=alt.X(f"{x}:O", title=x_title), y=alt.Y(f"{y}:O", title=y_title, sort="descending"),
            color=alt.Color("mean:Q", title=kpi_title), tooltip=tooltip)
        text = alt.Chart(df).mark_text(fontSize=11).encode(
            x=alt.X(f"{x}:O"), y=alt.Y(f"{y}:O", sort="descending"),
            text=alt.Text("mean:Q", format=".3g"))
        return (chart + text).properties(height=360)
    return alt.Chart(df).mark_circle(size=120).encode(
        x=alt.X(f"{x}:Q", title=x_title), y=alt.Y(f"{y}:Q", title=y_title),
        color=alt.Color("mean:Q", title=kpi_title), tooltip=tooltip).properties(height=360)


def render_sweeps_tab(lang: str, path: Path | None = None) -> None:
    """Draw the results of the store at ``path`` (texts in ``lang``: "nl" or "en"). The
    caller picks ``path`` inside the results folder (``webapp.sweep_jobs``); nothing here
    opens a path typed by the user."""
    lg = lang if lang in LANGS else DEFAULT_LANG
    if path is None:
        st.info(tr("store_hint", lg))
        return

    from sim.batch.store import StoreError

    try:
        data = _load(str(path), _store_mtime(path), None, None)
    except (StoreError, OSError):
        # The same message whatever the reason: it must not tell whether a file exists.
        st.error(tr("store_bad", lg))
        return
    exps: pd.DataFrame = data["experiments"]
    if exps.empty:
        st.info(tr("no_experiments", lg))
        return

    names = exps["experiment"].tolist()
    experiment = st.selectbox(tr("experiment", lg), names, key="sweeps_experiment",
                              index=held("sweeps_experiment", names))
    row = exps.set_index("experiment").loc[experiment]
    st.caption(tr("progress", lg, done=int(row.replications_done),
                  planned=int(row.replications_planned),
                  failed=int(row.failed_replications), invalid=int(row.invalid_points)))
    if int(row.replications_done) == 0:
        st.warning(tr("no_results", lg))
        return
    if int(row.replications_done) < int(row.replications_planned):
        st.warning(tr("incomplete", lg))

    mtime = _store_mtime(path)
    try:
        details = _load(str(path), mtime, experiment, None)
    except StoreError:
        st.error(tr("store_bad", lg))
        return
    kpis: list[str] = details["kpis"]
    params: list[str] = details["info"]["parameters"]

    def kpi_fmt(k: str) -> str:
        return kpi_title(k, lg)

    default_kpi = kpis.index("wait_family_p90") if "wait_family_p90" in kpis else 0
    kpi = st.selectbox(tr("kpi", lg), kpis, index=default_kpi, format_func=kpi_fmt,
                       key="sweeps_kpi")
    summary: pd.DataFrame = _load(str(path), mtime, experiment, kpi)["summary"]

    cols = st.columns(2)
    x = cols[0].selectbox(tr("x_param", lg), params, key="sweeps_x",
                          format_func=lambda v: param_title(v, lg))
    others = [p for p in params if p != x]
    none = tr("none", lg)
    # The "none" choice is the empty key with a label, so that a language switch keeps it.
    y_choice = cols[1].selectbox(tr("y_param", lg), ["", *others], key="sweeps_y",
                                 format_func=lambda v: none if v == "" else param_title(v, lg))
    y = None if y_choice in ("", none) else y_choice

    # fix the remaining parameters at one value each where they take few values (a grid)
    view = summary
    spread: list[str] = []
    rest = [p for p in params if p not in (x, y)]
    if rest:
        fixed_cols = st.columns(min(3, len(rest)))
        for i, p in enumerate(rest):
            values = sorted(view[p].dropna().unique().tolist(), key=_sort_key)
            if 1 < len(values) <= MAX_FIXABLE:
                choice = fixed_cols[i % len(fixed_cols)].selectbox(
                    tr("fixed", lg, param=param_title(p, lg)), values, key=f"sweeps_fix_{p}")
                view = view[view[p] == choice]
            elif len(values) > MAX_FIXABLE:
                spread.append(p)
    if spread:
        st.caption(tr("spread", lg, params=", ".join(param_title(p, lg) for p in spread)))

    plot = view.dropna(subset=["mean"])
    kpi_heading = kpi_fmt(kpi)
    if plot.empty:
        st.info(tr("na", lg))
    elif y is None:
        one_per_x = not plot[x].duplicated().any()
        st.altair_chart(localise(line_chart(plot.sort_values(x, key=_sort_series), x,
                                            param_title(x, lg), kpi_heading, one_per_x), lg),
                        width="stretch")
        st.caption(tr("chart_line", lg, kpi=kpi_name(kpi, lg), x=param_title(x, lg)))
    else:
        st.altair_chart(localise(heat_map(plot, x, y, param_title(x, lg), param_title(y, lg),
                                          kpi_heading), lg), width="stretch")
        st.caption(tr("chart_heat", lg, kpi=kpi_name(kpi, lg), x=param_title(x, lg),
                      y=param_title(y, lg)))

    st.markdown(f"**{tr('table', lg)}**")
    table = view[["point", *params, "mean", "ci_low", "ci_high", "n"]].rename(columns={
        "point": tr("point", lg), "mean": tr("mean", lg), "ci_low": tr("ci_low", lg),
        "ci_high": tr("ci_high", lg), "n": tr("n", lg)})
    st.dataframe(display_table(table, kpi, lg), hide_index=True, width="stretch")
    from webapp.downloads import excel_csv

    st.download_button(tr("download", lg), excel_csv(table, "nl" if lg == "nl" else "en"),
                       file_name=f"{experiment}-{kpi}.csv", mime="text/csv",
                       key="sweeps_download")
    _use_point(str(path), experiment, view, params, lg)


def param_title(name: str, lg: str) -> str:
    """A swept parameter in words ("Uren per week: P&P-begeleider"), not its store name
    (``staff_pnp_counsellor_hours``); an unknown name as it is."""
    from sim.scenario.domain import ROLES
    from webapp.i18n import t, term

    low = name.lower()
    for role in ROLES:
        if role in low and "hours" in low:
            return t("sw.hours", lg, role=term(role, lg))
    for key, part in (("referrals", "per_year"), ("interested", "interested"),
                      ("pass_rate", "pass_rate")):
        if part in low:
            return t(f"sw.param.{key}", lg)
    return name


def point_scenario_text(path: str, experiment: str, point: Any) -> str | None:
    """The YAML of one point's scenario, as the store keeps it (None when it has none)."""
    from sim.batch.store import Store

    with Store(path, read_only=True) as store:
        row = store.con.execute(
            "SELECT s.scenario_yaml FROM points p JOIN scenarios s USING (scenario_hash) "
            "WHERE p.experiment = ? AND p.point = ?", [experiment, point]).fetchone()
    return None if row is None else str(row[0])


def _use_point(path: str, experiment: str, view: pd.DataFrame, params: list[str],
               lg: str) -> None:
    """Load one point of the sweep as the current scenario (the page's one loader)."""
    from sim.batch.store import StoreError
    from sim.scenario.schema import ScenarioError, parse_scenario_text, scenario_to_dict
    from webapp.i18n import value_text
    from webapp.state import load

    if view.empty:
        return
    rows = {row["point"]: ", ".join(f"{param_title(p, lg)} {value_text(row[p], lg)}"
                                    for p in params) for _, row in view.iterrows()}
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    point = c1.selectbox(tr("load_point", lg), list(rows), key="sweeps_load_point",
                         format_func=lambda v: f"{v}: {rows.get(v, '')}")
    if c2.button(tr("use_point", lg), key="sweeps_use_point"):
        try:
            text = point_scenario_text(path, experiment, point)
            scenario = parse_scenario_text(text or "", f"{experiment} {point}")
        except (StoreError, ScenarioError, OSError):
            st.error(tr("point_bad", lg))
            return
        load(scenario_to_dict(scenario), f"sweep:{experiment}:{rows[point]}", text)
        st.rerun()


def display_table(table: pd.DataFrame, kpi: str, lg: str) -> pd.DataFrame:
    """The table as text, every figure formatted by its KPI (Dutch decimal commas), swept
    values as numbers in the reader's notation."""
    from sim.outputs.kpi_defs import format_number

    out = table.copy()
    d = KPIS.get(kpi)
    for col in (tr("mean", lg), tr("ci_low", lg), tr("ci_high", lg)):
        out[col] = [d.format(v, lg) if d is not None else format_number(v, lg, 3)
                    for v in table[col]]
    for col in out.columns:
        if col in (tr("mean", lg), tr("ci_low", lg), tr("ci_high", lg), tr("n", lg),
                   tr("point", lg)):
            continue
        if _is_numeric(table[col]):
            out[col] = [format_number(float(v), lg, 0 if float(v).is_integer() else 2)
                        for v in table[col]]
    return out


def _sort_key(v: Any) -> tuple[int, float, str]:
    if isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v)):
        return (0, float(v), "")
    return (1, 0.0, str(v))


def _sort_series(s: pd.Series) -> pd.Series:
    return s.map(lambda v: _sort_key(v))
