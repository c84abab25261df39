"""Altair charts of experiment results, with 95% bands across replications.

Every builder takes an ``ExperimentResult`` (or several, for comparisons) and a language and
returns an Altair chart; the page and the HTML report use the same builders. Texts come from
``webapp.i18n``. Bands come from ``sim.outputs.stats.summarise_rows`` (the one interval function),
clipped at zero for counts and hours; utilisation is not clipped at 100% (hours used can exceed
hours available when a role works over).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from sim.outputs.kpi_defs import NON_NEGATIVE, KpiDef
from sim.outputs.stats import summarise_rows
from sim.scenario.domain import CHILD_PHASES, MATCHING_PHASES, PLACED_PHASES, ROLES
from webapp.i18n import t, term

ROLE_COLORS = {
    "coordinator": "#4c78a8",
    "pnp_counsellor": "#e45756",
    "parent_counsellor": "#54a24b",
}
#: What the builders return (a single, layered or stacked Altair chart).
AnyChart = alt.Chart | alt.LayerChart | alt.FacetChart | alt.VConcatChart
WIDTH = 640
HEIGHT = 260
#: Counts of children and hours: the bands stop at zero.
COUNT = KpiDef("count", "", "", "", bounds=NON_NEGATIVE)


# --------------------------------------------------------------------------- frames


def weekly(result: Any) -> pd.DataFrame:
    """All replications' weekly rows (``ExperimentResult`` concatenates them once and keeps
    them)."""
    return result.weekly


def events(result: Any) -> pd.DataFrame:
    """All replications' events, likewise kept by the result."""
    return result.events


# --------------------------------------------------------------------------- statistics


def t_bands(df: pd.DataFrame, value: str, by: Sequence[str] = ("week",),
            kpi: str | KpiDef | None = None) -> pd.DataFrame:
    """Mean and 95% interval of ``value`` across replications, per ``by`` group, from
    ``sim.outputs.stats.summarise_rows`` (clipped to the bounds of ``kpi``, or at zero for counts).

    ``df`` has one row per (replication, group). NaNs are left out; a group with one value gets
    that value as both bounds.
    """
    wide = df.pivot_table(index=list(by), columns="rep", values=value, aggfunc="first",
                          dropna=False).sort_index()
    matrix = wide.to_numpy(dtype=float)
    mean, low, high = summarise_rows(matrix, kpi if kpi is not None else COUNT)
    out = wide.index.to_frame(index=False)
    out["mean"] = mean
    out["n"] = (~np.isnan(matrix)).sum(axis=1)
    out["ci_low"] = low
    out["ci_high"] = high
    return out


#: Number formats of Vega's axes and tooltips per language (Dutch: 1.234,5).
LOCALES: dict[str, dict[str, Any]] = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
}


def localise(chart: Any, lang: str) -> Any:
    """``chart`` with the reader's decimal mark on its axes and tooltips."""
    return chart.configure(locale={"number": LOCALES.get(lang, LOCALES["en"])})


YEAR_AXIS = alt.Axis(format="d", tickMinStep=1)


def _warmup_rect(warmup_weeks: float, lang: str) -> AnyChart:
    """The warm-up, shaded: weeks left out of the statistics."""
    frame = pd.DataFrame({"x": [0.0], "x2": [warmup_weeks / 52.0],
                          "label": [t("chart.warmup", lang)]})
    return alt.Chart(frame).mark_rect(color="#9ca3af", opacity=0.18).encode(
        x="x:Q", x2="x2:Q", tooltip=[alt.Tooltip("label:N", title=" ")])


def _line_band(data: pd.DataFrame, x: str, color: str, x_title: str, y_title: str,
               color_title: str, y_format: str | None = None,
               domain: list[str] | None = None, range_: list[str] | None = None,
               lang: str | None = None, warmup_weeks: float = 0.0,
               legend: Literal["right", "bottom"] = "right", width: int = WIDTH) -> AnyChart:
    """Mean lines with their 95% bands. With ``lang``, a weekly x axis is shown in years
    (week / 52) and the warm-up is shaded."""
    if lang is not None and x == "week":
        data = data.assign(year=data["week"] / 52.0)
        x, x_title = "year", t("col.year", lang)
    if domain is None:
        # Legend in the order the series come (phase order), not alphabetical.
        domain = list(dict.fromkeys(data[color]))
    scale = (alt.Scale(domain=domain, range=range_) if range_
             else alt.Scale(domain=domain, scheme="tableau10"))
    y_axis = alt.Axis(format=y_format) if y_format else alt.Undefined
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(nice=False, zero=True),
                axis=YEAR_AXIS if x == "year" else alt.Undefined),
        color=alt.Color(f"{color}:N", title=color_title, scale=scale,
                        legend=alt.Legend(orient=legend, labelLimit=260, columns=(
                            1 if legend == "right" else 3))),
    )
    band = base.mark_area(opacity=0.22).encode(
        y=alt.Y("ci_low:Q", title=y_title, axis=y_axis), y2="ci_high:Q"
    )
    line = base.mark_line(strokeWidth=1.8).encode(
        y=alt.Y("mean:Q", title=y_title, axis=y_axis),
        tooltip=[alt.Tooltip(f"{color}:N", title=color_title),
                 alt.Tooltip(f"{x}:Q", title=x_title, format=".1f"),
                 alt.Tooltip("mean:Q", format=".2f"),
                 alt.Tooltip("ci_low:Q", format=".2f"),
                 alt.Tooltip("ci_high:Q", format=".2f")],
    )
    layers: list[Any] = [band, line]
    if lang is not None and warmup_weeks > 0:
        layers.insert(0, _warmup_rect(warmup_weeks, lang))
    return alt.layer(*layers).properties(width=width, height=HEIGHT)


# --------------------------------------------------------------------------- single run


def _series_bands(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """Week-by-week bands of several weekly columns, stacked with their label as 'series'."""
    parts = []
    for col in columns:
        b = t_bands(frame, col)
        b["series"] = term(col, lang)
        parts.append(b)
    return pd.concat(parts, ignore_index=True)


def waiting_frame(result: Any, lang: str) -> pd.DataFrame:
    return _series_bands(weekly(result), ["waiting_staff", "waiting_family"], lang)


def waiting_chart(result: Any, lang: str) -> AnyChart:
    data = waiting_frame(result, lang)
    return _line_band(data, "week", "series", t("col.week", lang), t("col.children", lang),
                      t("col.series", lang), lang=lang,
                      warmup_weeks=float(result.scenario.warmup_weeks)).properties(
        title=t("chart.waiting.title", lang))


def phases_frame(result: Any, lang: str) -> pd.DataFrame:
    frame = weekly(result).copy()
    frame["matching"] = frame[list(MATCHING_PHASES)].sum(axis=1)
    groups = ["assessment", "matching", *PLACED_PHASES, "crisis_admission"]
    return _series_bands(frame, groups, lang)


def phases_chart(result: Any, lang: str) -> AnyChart:
    """Small multiples: one panel per phase (a shared y axis, so panels compare), each with
    its mean line and 95% band, the x axis in years."""
    data = phases_frame(result, lang).assign(year=lambda d: d["week"] / 52.0)
    order = list(dict.fromkeys(data["series"]))
    x = alt.X("year:Q", title=t("col.year", lang), scale=alt.Scale(nice=False, zero=True),
              axis=YEAR_AXIS)
    base = alt.Chart().encode(x=x)
    band = base.mark_area(opacity=0.3, color="#4c78a8").encode(
        y=alt.Y("ci_low:Q", title=t("col.children", lang)), y2="ci_high:Q")
    line = base.mark_line(strokeWidth=1.4, color="#1f4e79").encode(
        y="mean:Q", tooltip=[alt.Tooltip("series:N", title=t("col.phase", lang)),
                             alt.Tooltip("year:Q", format=".1f", title=t("col.year", lang)),
                             alt.Tooltip("mean:Q", format=".2f"),
                             alt.Tooltip("ci_low:Q", format=".2f"),
                             alt.Tooltip("ci_high:Q", format=".2f")])
    return alt.layer(band, line, data=data).properties(width=190, height=110).facet(
        facet=alt.Facet("series:N", sort=order, title=None,
                        header=alt.Header(labelFontSize=12, labelLimit=200)),
        columns=4).properties(title=t("chart.phases.title", lang))


def utilisation_frame(result: Any, lang: str) -> pd.DataFrame:
    """Per role and week: hours used / hours available, mean and 95% band across replications."""
    frame_w = weekly(result)
    parts = []
    for role in ROLES:
        avail = frame_w[f"available_{role}"].to_numpy(dtype=float)
        used = frame_w[f"used_{role}"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            util = np.where(avail > 0, used / np.where(avail > 0, avail, 1.0), np.nan)
        frame = pd.DataFrame({"week": frame_w["week"], "rep": frame_w["rep"], "util": util})
        b = t_bands(frame, "util")
        b["series"] = term(role, lang)
        parts.append(b)
    return pd.concat(parts, ignore_index=True)


def _hundred_rule(lang: str) -> AnyChart:
    return alt.Chart(pd.DataFrame({"y": [1.0], "label": [t("chart.hundred", lang)]})).mark_rule(
        strokeDash=[6, 4], color="black"
    ).encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title=" ")])


def utilisation_chart(result: Any, lang: str) -> AnyChart:
    data = utilisation_frame(result, lang)
    roles = [term(r, lang) for r in ROLES]
    lines = _line_band(data, "week", "series", t("col.week", lang), t("col.utilisation", lang),
                       t("col.role", lang), y_format="%", domain=roles,
                       range_=[ROLE_COLORS[r] for r in ROLES], lang=lang,
                       warmup_weeks=float(result.scenario.warmup_weeks))
    return alt.layer(lines, _hundred_rule(lang)).properties(
        title=t("chart.util.title", lang), width=WIDTH, height=HEIGHT
    )


def placement_times(result: Any) -> pd.DataFrame:
    """Per (replication, child referred after the warm-up): weeks from referral to placement.

    Placement is the child's first ``placement`` event; children not placed by the horizon are
    left out (as in the KPI).
    """
    ev = events(result)
    warmup = float(result.scenario.warmup_weeks)
    ref = ev[ev["event"] == "referral"].groupby(["rep", "child"])["week"].min()
    placed = ev[ev["event"] == "placement"].groupby(["rep", "child"])["week"].min()
    both = pd.concat({"referral": ref, "placement": placed}, axis=1).dropna()
    both = both[both["referral"] >= warmup]
    both["weeks"] = both["placement"] - both["referral"]
    return both.reset_index()[["rep", "child", "weeks"]]


def distribution_chart(result: Any, lang: str) -> AnyChart | None:
    times = placement_times(result)
    if times.empty:
        return None
    p90 = float(np.percentile(times["weeks"], 90))
    title_x = t("col.weeks", lang)
    bars = alt.Chart(times).mark_bar(opacity=0.8).encode(
        x=alt.X("weeks:Q", bin=alt.Bin(step=_bin_step(times["weeks"])), title=title_x,
                axis=alt.Axis(labelOverlap="greedy", labelSeparation=6)),
        y=alt.Y("count():Q", title=t("col.children", lang)),
    )
    rule = alt.Chart(pd.DataFrame({"p90": [p90], "label": [t("chart.p90", lang)]})).mark_rule(
        strokeDash=[6, 4], color="black"
    ).encode(x="p90:Q", tooltip=[alt.Tooltip("label:N", title=" "),
                                 alt.Tooltip("p90:Q", format=".1f", title=title_x)])
    return alt.layer(bars, rule).properties(
        title=t("chart.dist.title", lang), width=WIDTH, height=HEIGHT
    )


def _bin_step(weeks: pd.Series) -> float:
    span = float(weeks.max())
    for step in (1, 2, 4, 8, 13, 26, 52):
        if span / step <= 40:
            return float(step)
    return 104.0


def _t_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mean, 95% interval (at least zero: these are counts) and n of each row of ``matrix``
    (rows: series, columns: replications), from ``sim.outputs.stats.summarise_rows``."""
    mean, low, high = summarise_rows(matrix, COUNT)
    return mean, low, high, np.full(matrix.shape[0], float(matrix.shape[1]))


def flow_frame(result: Any, lang: str) -> pd.DataFrame:
    """Children referred after the warm-up: how many per replication reached each phase and
    each outcome, with the mean and 95% interval across replications."""
    ev = events(result)
    warmup = float(result.scenario.warmup_weeks)
    reps = pd.Index(sorted({r.rep for r in result.replications}), name="rep")
    key = ev["rep"].to_numpy(dtype=np.int64) * 10_000_000 + ev["child"].to_numpy(dtype=np.int64)
    is_ref = (ev["event"] == "referral").to_numpy()
    cohort = np.unique(key[is_ref & (ev["week"].to_numpy() >= warmup)])
    ev = ev[np.isin(key, cohort)]

    def per_rep(frame: pd.DataFrame) -> np.ndarray:
        counts = frame.groupby("rep")["child"].nunique().reindex(reps, fill_value=0)
        return counts.to_numpy(dtype=float)

    event = ev["event"]
    entered = ev[event == "enter"]
    by_phase = {phase: grp for phase, grp in entered.groupby("phase")}
    exits = ev[event == "exit"]
    referred = per_rep(ev[event == "referral"])
    rows: list[tuple[str, str, np.ndarray]] = [("phase", "referred", referred)]
    empty = ev.iloc[0:0]
    for phase in CHILD_PHASES:
        if phase == "fitting":
            rows.append(("phase", "placed", per_rep(ev[event == "placement"])))
        rows.append(("phase", phase, per_rep(by_phase.get(phase, empty))))
    rows.append(("outcome", "completed", per_rep(exits[exits["detail"] == "completed"])))
    rows.append(("outcome", "breakdown", per_rep(ev[event == "breakdown"])))
    rows.append(("outcome", "left", per_rep(exits[exits["detail"] == "left"])))
    rows.append(("outcome", "in_programme", referred - per_rep(exits)))
    mean, low, high, n = _t_rows(np.vstack([r[2] for r in rows]))
    return pd.DataFrame({
        "mean": mean, "ci_low": low, "ci_high": high, "n": n,
        "group": [t(f"chart.flow.group_{g}", lang) for g, _, _ in rows],
        "stage": [term(k, lang) for _, k, _ in rows],
        "order": range(len(rows)),
    })


def flow_chart(result: Any, lang: str) -> AnyChart:
    data = flow_frame(result, lang)
    order = list(data.sort_values("order")["stage"])
    # Every label shown (no overlap pruning), whiskers at the centre of each bar's band.
    axis = alt.Axis(labelOverlap=False, labelLimit=260)
    y = alt.Y("stage:N", sort=order, title=None, axis=axis)
    y_mid = alt.Y("stage:N", sort=order, title=None, axis=axis, bandPosition=0.5)
    bars = alt.Chart(data).mark_bar(opacity=0.85).encode(
        y=y,
        x=alt.X("mean:Q", title=t("col.count", lang)),
        color=alt.Color("group:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("stage:N", title=t("col.phase", lang)),
                 alt.Tooltip("mean:Q", format=".1f"),
                 alt.Tooltip("ci_low:Q", format=".1f"), alt.Tooltip("ci_high:Q", format=".1f")],
    )
    whiskers = alt.Chart(data).mark_rule(color="black", strokeWidth=1.5).encode(
        y=y_mid, x="ci_low:Q", x2="ci_high:Q")
    return alt.layer(bars, whiskers).properties(
        title=t("chart.flow.title", lang), width=WIDTH, height=22 * len(data)
    )


# --------------------------------------------------------------------------- comparisons


def compare_waiting_chart(results: dict[str, Any], lang: str) -> AnyChart:
    parts = []
    for name, result in results.items():
        frame = weekly(result).copy()
        frame["waiting"] = frame["waiting_staff"] + frame["waiting_family"]
        b = t_bands(frame, "waiting")
        b["run"] = name
        parts.append(b)
    data = pd.concat(parts, ignore_index=True)
    warmup = float(next(iter(results.values())).scenario.warmup_weeks)
    return _line_band(data, "week", "run", t("col.week", lang), t("col.children", lang),
                      t("col.run", lang), lang=lang, warmup_weeks=warmup,
                      legend="bottom").properties(title=t("cmp.waiting.title", lang))


def compare_utilisation_chart(results: dict[str, Any], lang: str) -> AnyChart:
    parts = []
    for name, result in results.items():
        u = utilisation_frame(result, lang)
        u["run"] = name
        parts.append(u)
    data = pd.concat(parts, ignore_index=True)
    charts = []
    for role in ROLES:
        sub = data[data["series"] == term(role, lang)]
        c = _line_band(sub, "week", "run", t("col.week", lang), t("col.utilisation", lang),
                       t("col.run", lang), y_format="%", lang=lang, legend="bottom",
                       width=WIDTH - 60)
        charts.append(alt.layer(c, _hundred_rule(lang)).properties(
            title=term(role, lang), width=WIDTH - 60, height=160))
    # One legend under the three panels (the run names), so nothing is cut at the right.
    return alt.vconcat(*charts).resolve_scale(color="shared").properties(
        title=t("cmp.util.title", lang))


def schedule_frame(data: dict[str, Any], lang: str) -> pd.DataFrame:
    """Contracted hours per week of each role over the horizon, from scenario data."""
    horizon = float(data["horizon_weeks"])
    rows = []
    for role in ROLES:
        steps = [s for s in data["staff"][role]["schedule"] if float(s["from_week"]) < horizon]
        for step in steps:
            rows.append({"week": float(step["from_week"]), "hours": float(step["hours"]),
                         "series": term(role, lang)})
        rows.append({"week": horizon, "hours": float(steps[-1]["hours"]),
                     "series": term(role, lang)})
    return pd.DataFrame(rows)


def schedule_chart(data: dict[str, Any], lang: str) -> AnyChart:
    """The staffing the user entered: hours per week per role, as steps over time."""
    frame = schedule_frame(data, lang)
    roles = [term(r, lang) for r in ROLES]
    return alt.Chart(frame).mark_line(interpolate="step-after", strokeWidth=2.2).encode(
        x=alt.X("week:Q", title=t("col.week", lang), scale=alt.Scale(nice=False)),
        y=alt.Y("hours:Q", title=t("in.hours", lang)),
        color=alt.Color("series:N", title=t("col.role", lang),
                        scale=alt.Scale(domain=roles, range=[ROLE_COLORS[r] for r in ROLES]),
                        legend=alt.Legend(orient="right", labelLimit=220)),
        strokeDash=alt.StrokeDash("series:N", legend=None),
        tooltip=[alt.Tooltip("series:N", title=t("col.role", lang)),
                 alt.Tooltip("week:Q", title=t("col.week", lang)),
                 alt.Tooltip("hours:Q", title=t("in.hours", lang))],
    ).properties(title=t("chart.schedule.title", lang), width=WIDTH, height=200)


#: The single-run charts: (key of title/help texts, builder).
SINGLE_CHARTS: list[tuple[str, Any]] = [
    ("waiting", waiting_chart),
    ("phases", phases_chart),
    ("util", utilisation_chart),
    ("dist", distribution_chart),
    ("flow", flow_chart),
]
