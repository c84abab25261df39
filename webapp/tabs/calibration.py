"""The "Kalibratie / Calibration" tab: calibrate from your own log, back-cast, use the result.

The uploaded logs stay in memory: they are read from the upload widget's bytes,
pseudonymised at once (``calibration.read``) and never written to disk, the store or a cache.
Only the pseudonymised fits are kept in the session. The lead wires :func:`render` into the
page; "use as current scenario" goes through the page's one loader (``webapp.state.load``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from webapp.state import collect_draw
from webapp.widgets import held_value


def _t(key: str, lang: str) -> str:
    """A text of this tab, from the one catalogue (:mod:`webapp.i18n`, keys ``caltab.*``)."""
    from webapp.i18n import t

    return t(f"caltab.{key}", lang)


def _base_scenario() -> Any:
    from sim.scenario.schema import load_scenario, parse_scenario

    data = st.session_state.get("base")
    if isinstance(data, dict):
        return parse_scenario(data, "current scenario")
    return load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml")


def _use_as_current(scenario: Any, digest: str, text: str | None = None,
                    sets: Any = None) -> None:
    """Load the calibrated scenario through the page's one loader (a button callback, so it
    runs before any input is drawn): every input then shows it, and a run uses exactly the
    fitted values. Its parameter sets (if drawn) go with it."""
    from sim.scenario.schema import scenario_to_dict
    from webapp.state import set_base

    set_base(scenario_to_dict(scenario), f"calibration:{digest}", text, sets)
    st.session_state["cal:used"] = digest


def _drawing_panel(job: Any, lang: str) -> None:
    """Drawing the parameter sets: a bar and a Cancel button; only this fragment reruns
    (once a second), as in the least-staffing tab."""

    state: Any = st.session_state

    @st.fragment(run_every=1.0)
    def panel() -> None:
        if state.get("cal:draw") is not job:
            return  # a stale timer of a draw already collected
        if job.done:
            st.rerun(scope="app")
        with st.container(key="cal-drawing"):
            st.progress(job.fraction, text=_t("sets_busy", lang).format(
                done=job.done_sets, n=job.total))
            if st.button(_t("sets_cancel", lang), key="cal:draw_cancel"):
                job.cancel()

    panel()


def _attach_fit(lang: str) -> None:
    """A parameter-sets file for the loaded scenario: read and checked against it
    (``webapp.uncertainty.read_fit``), then loaded with it through the one loader."""
    from sim.scenario.inputs import InputError
    from sim.scenario.schema import parse_scenario
    from webapp.state import set_base
    from webapp.uncertainty import read_fit

    state = st.session_state
    state.pop("cal:fit_error", None)
    state.pop("cal:fit_ok", None)
    up = state.get("cal:fit")
    if up is None:
        return
    try:
        sets = read_fit(up.getvalue(), up.name, parse_scenario(state["base"], "base"))
    except InputError as exc:
        state["cal:fit_error"] = str(exc)
        return
    set_base(state["base"], state["base_source"], state.get("base_text"), sets)
    state["cal:fit_ok"] = len(sets.overrides)


def _sig(value: Any) -> Any:
    """A fitted number to three significant digits (the fit is no more precise than that)."""
    if isinstance(value, float) and value == value and value != 0:
        from math import floor, log10

        return round(value, max(0, 2 - floor(log10(abs(value)))))
    return value


def _calibrate(lang: str) -> None:
    from calibration.calibrate import calibrate
    from calibration.errors import LogError
    from calibration.read import load_mapping, new_key, read_case_log, read_family_log
    from calibration.report import calibration_report
    from calibration.yamlout import scenario_yaml

    state = st.session_state
    up = state.get("cal:cases")
    if up is None:
        return
    key = (state.get("cal:key") or "").strip()
    if not key:
        key = new_key()
        state["cal:newkey"] = key
    try:
        mp = state.get("cal:mapping")
        mapping = load_mapping(mp.getvalue(), mp.name) if mp is not None else None
        log = read_case_log(up.getvalue(), up.name, key, mapping)
        fam_up = state.get("cal:families")
        fam = (read_family_log(fam_up.getvalue(), fam_up.name, key, mapping, origin=log.origin,
                               end=log.end) if fam_up is not None else None)
        base = _base_scenario()
        with st.spinner(_t("busy", lang)):
            cal = calibrate(log, base, fam)
        n = int(state.get("cal:sets", 40) or 0)
    except LogError as exc:
        from webapp.i18n import t

        message = str(exc)
        if state.get("cal:mapping") is None and "column" in message:
            # A log with its own column names needs the mapping file: say so.
            message += "\n\n" + t("cal.need_mapping", lang)
        state["cal:error"] = message
        return
    state.pop("cal:error", None)
    tags = cal.tags()
    text = scenario_yaml(cal.scenario, tags, [f"Calibrated from log {cal.digest} "
                                              f"({cal.n_cases} cases) by the pnp-sim app"])
    # only pseudonymised results are kept; the raw bytes stay in the upload widget
    state["cal:result"] = {"cal": cal, "yaml": text, "log": log, "families": fam,
                           "report": calibration_report(cal, {"log": cal.digest}),
                           "sets": None, "sets_yaml": None, "sets_asked": n}
    old = state.pop("cal:draw", None)
    if old is not None:
        old.cancel()
    if n >= 2:
        # A fit per set: drawn in the background, with progress and Cancel (see _drawing).
        from webapp.uncertainty import draw

        state["cal:draw"] = draw(log, base, cal, fam, n)
        collect_draw()


def render(lang: str) -> None:
    """Draw the tab (``lang``: "nl" or "en"); parameter sets from a file last."""
    _render(lang)
    st.divider()
    _fit_part(lang)


def _render(lang: str) -> None:
    st.subheader(_t("title", lang))
    st.caption(_t("intro", lang))
    st.file_uploader(_t("cases", lang), type=["csv", "parquet", "xes"], key="cal:cases")
    st.file_uploader(_t("families", lang), type=["csv", "parquet", "xes"], key="cal:families")
    st.file_uploader(_t("mapping", lang), type=["yaml", "yml"], key="cal:mapping")
    st.text_input(_t("key", lang), type="password", key="cal:key",
                  value=str(held_value("cal:key", "")))
    from calibration.uncertainty import DEFAULT_SETS

    state = st.session_state
    state.setdefault("cal:sets", DEFAULT_SETS)
    st.number_input(_t("sets", lang), min_value=0, max_value=200, step=1, key="cal:sets",
                    value=int(state["cal:sets"]),
                    help=_t("sets_help", lang))
    st.button(_t("run", lang), key="cal:run", on_click=_calibrate, args=(lang,))
    if state.get("cal:error"):
        st.error(state["cal:error"])
    if state.get("cal:newkey"):
        st.info(_t("newkey", lang) + state["cal:newkey"])
    res = state.get("cal:result")
    if not res:
        return
    cal = res["cal"]
    st.markdown(f"**{_t('fitted', lang)}** · {_t('few', lang)}")
    # The fitted values in the planner's words and notation ("6,27", not "6.2727" and a path).
    from calibration.privacy import start_state_text
    from webapp.i18n import path_label, t, value_text

    rows = [{t("rep.col.input", lang): path_label(f.path, lang),
             t("rep.col.value", lang): (start_state_text(f.value)
                                        if f.path.startswith("start_state.")
                                        else value_text(_sig(f.value), lang)),
             "n": (f.est.n if not f.est.small else "<5") if f.est else "",
             t("cal.ci", lang): (f"{value_text(_sig(f.est.low), lang)} – "
                                 f"{value_text(_sig(f.est.high), lang)}"
                                 if f.est and f.est.low == f.est.low
                                 and not f.est.small else "")}  # small cells hidden
            for f in cal.fitted]
    st.dataframe(pd.DataFrame(rows).astype(str), hide_index=True, width="stretch")
    st.markdown(f"**{_t('kept', lang)}**: " + "; ".join(cal.kept))
    with st.expander(_t("report", lang)):
        st.html(res["report"])
    drawing = collect_draw()
    sets = res.get("sets")
    if drawing is not None:
        _drawing_panel(drawing, lang)
    elif sets is not None:
        st.caption(_t("sets_drawn", lang).format(n=len(sets.overrides)))
    elif res.get("sets_cancelled"):
        st.warning(_t("sets_cancelled", lang))
    elif res.get("sets_error"):
        st.error(_t("sets_failed", lang).format(error=res["sets_error"]))
    elif res.get("sets_asked", 0) >= 2:
        st.warning(_t("sets_none", lang))
    c1, c2, c3 = st.columns(3)
    c1.download_button(_t("download", lang), res["yaml"], file_name="calibrated.yaml",
                       mime="text/yaml", key="cal:dl")
    c2.download_button(_t("dlreport", lang), res["report"], file_name="fit-report.html",
                       mime="text/html", key="cal:dlrep")
    # Used before the sets are drawn, the scenario gets them when they are (collect_draw).
    c3.button(_t("use", lang), key="cal:use", on_click=_use_as_current,
              args=(cal.scenario, cal.digest, res["yaml"], sets))
    if sets is not None:
        c1.download_button(_t("dlsets", lang), res["sets_yaml"], file_name="fit-sets.yaml",
                           mime="text/yaml", key="cal:dlsets")
    if state.get("cal:used") == cal.digest:
        st.success(_t("used", lang))
    _backcast_part(lang, res)


def _fit_part(lang: str) -> None:
    """Parameter sets from a file (``pnp-sim calibrate --parameter-sets``) for the loaded
    scenario, e.g. a calibrated scenario uploaded in the sidebar."""
    state = st.session_state
    st.file_uploader(_t("fit_upload", lang), type=["yaml", "yml"], key="cal:fit",
                     on_change=_attach_fit, args=(lang,))
    if state.get("cal:fit_error"):
        st.error(state["cal:fit_error"])
    elif state.get("cal:fit_ok") and state.get("base_sets") is not None:
        st.success(_t("fit_loaded", lang).format(n=state["cal:fit_ok"]))


def _backcast_part(lang: str, res: dict[str, Any]) -> None:
    from calibration.backcast import SERIES_LABELS, run_backcast
    from calibration.backcast_report import backcast_report

    log = res["log"]
    st.markdown(f"### {_t('bc', lang)}")
    default = log.date(log.end * 0.6) if log.origin is not None else None
    cut = st.text_input(_t("cutoff", lang), value=default or f"{log.end * 0.6:.0f}",
                        key="cal:cutoff")
    reps = st.number_input(_t("reps", lang), min_value=20, max_value=400, value=100,
                           key="cal:reps")  # simulated histories: 20 parameter sets x reps/20
    if st.button(_t("bcrun", lang), key="cal:bcrun"):
        try:
            bc = run_backcast(log, res["cal"].scenario, log.week(cut),
                              reps=max(1, int(reps) // 20), sets=20, families=res["families"])
        except ValueError as exc:
            st.error(str(exc))
            return
        st.session_state["cal:bc"] = (bc, backcast_report(bc, log))
    got = st.session_state.get("cal:bc")
    if not got:
        return
    bc, page = got
    (st.success if bc.passed else st.error)(_t("passed" if bc.passed else "failed", lang))
    table = pd.DataFrame([{"series": SERIES_LABELS[s.name], "coverage": f"{s.coverage:.0%}",
                           "needed": f"{s.threshold:.0%}",
                           "verdict": "pass" if s.passed else "fail"} for s in bc.series])
    st.dataframe(table, hide_index=True)
    st.download_button(_t("bcdl", lang), page, file_name="backcast-report.html",
                       mime="text/html", key="cal:bcdl")
