"""The page: sidebar (language, scenario, inputs, run) and the result tabs.

``app.py`` calls :func:`main`. Session state keys: ``base`` (the loaded scenario's data),
``base_source``, ``runs`` (name -> run record), widget keys ``in:*`` (inputs, see
``webapp.inputs``) and ``ui:*`` (everything else).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from sim.domain import CHILD_PHASES, ROLES
from sim.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    parse_scenario_text,
    scenario_hash,
    scenario_to_dict,
    scenario_to_yaml,
)
from webapp import charts as ch
from webapp import inputs as inp
from webapp import minimum as mn
from webapp.downloads import results_zip, safe_name, scenario_yaml
from webapp.engine import RunOutcome, cache_key, run_cached
from webapp.i18n import (
    DEFAULT_LANG,
    LANGS,
    fmt_ci,
    fmt_diff,
    fmt_kpi,
    fmt_num,
    kpi_label,
    t,
    term,
)
from webapp.report import CARD_KPIS, in_short

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
DEFAULT_SCENARIO = "baseline.yaml"

TABS = ("results", "compare", "minimum", "downloads", "scenario", "sweeps")

@dataclass
class Run:
    """A named run kept in the session."""

    name: str
    result: Any
    seconds: float
    cached: bool
    key: tuple[str, int, int]
    _summary: pd.DataFrame | None = None

    @property
    def summary(self) -> pd.DataFrame:
        """``result.summary``, computed once (the property recomputes every interval)."""
        if self._summary is None:
            self._summary = self.result.summary
        return self._summary


def ss() -> Any:
    return st.session_state


def lang() -> str:
    value = ss().get("ui:lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


# --------------------------------------------------------------------------- scenario state


def scenario_files() -> list[str]:
    names = sorted(p.name for p in SCENARIO_DIR.glob("*.yaml"))
    if DEFAULT_SCENARIO in names:
        names.remove(DEFAULT_SCENARIO)
        names.insert(0, DEFAULT_SCENARIO)
    return names


def set_base(data: dict[str, Any], source: str) -> None:
    """Make ``data`` the loaded scenario; every input widget starts again from it."""
    state = ss()
    state["base"] = data
    state["base_source"] = source
    for key in [k for k in state if isinstance(k, str) and k.startswith(inp.PREFIX)]:
        del state[key]


#: Widgets in tabs that may be hidden; Streamlit forgets the state of a widget that is not drawn,
#: so these are re-assigned every run (Streamlit's documented way to keep them).
PERSIST = ("ui:view_run", "ui:dl_run", "ui:cmp_runs", "ui:cmp_base", "ui:cmp_auto", "ui:min_start",
           "ui:min_use_p90", "ui:min_p90", "ui:min_use_util", "ui:min_util", "ui:min_use_wait",
           "ui:min_wait", "ui:yaml_text")


def init_state() -> None:
    state = ss()
    normalise_options()
    for key in PERSIST:
        if key in state:
            state[key] = state[key]
    state.setdefault("runs", {})
    state.setdefault("ui:lang", DEFAULT_LANG)
    state.setdefault(inp.TIME_UNIT_KEY, "weeks")
    state.setdefault("ui:time_unit_prev", state[inp.TIME_UNIT_KEY])
    if "base" not in state:
        files = scenario_files()
        name = DEFAULT_SCENARIO if DEFAULT_SCENARIO in files else (files[0] if files else None)
        if name is None:
            st.error(t("src.none", lang()))
            st.stop()
        try:
            scenario = load_scenario(SCENARIO_DIR / str(name))
        except ScenarioError as exc:
            st.error(str(exc))
            st.stop()
        set_base(scenario_to_dict(scenario), f"scenarios/{name}")
        state["ui:source_file"] = name
    for key, value in inp.defaults(state["base"], state[inp.TIME_UNIT_KEY]).items():
        if key not in state:
            state[key] = value


def input_values() -> dict[str, Any]:
    state = ss()
    return {k: state[k] for k in state if isinstance(k, str) and k.startswith(inp.PREFIX)}


def current_scenario() -> tuple[dict[str, Any], Scenario | None, str | None]:
    """(scenario data from the inputs, the validated scenario or None, error text or None)."""
    state = ss()
    data = inp.build_scenario_dict(state["base"], input_values(), state[inp.TIME_UNIT_KEY])
    try:
        return data, parse_scenario(data, state["base_source"]), None
    except ScenarioError as exc:
        return data, None, str(exc)


# --------------------------------------------------------------------------- callbacks


def _on_source_change() -> None:
    state = ss()
    name = state.get("ui:source_file")
    state.pop("ui:source_error", None)
    try:
        scenario = load_scenario(SCENARIO_DIR / str(name))
    except ScenarioError as exc:
        state["ui:source_error"] = (str(name), str(exc))
        return
    set_base(scenario_to_dict(scenario), f"scenarios/{name}")


def _on_upload() -> None:
    state = ss()
    up = state.get("ui:upload")
    state.pop("ui:source_error", None)
    if up is None:
        return
    raw = up.getvalue()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        state["ui:source_error"] = (up.name, f"{up.name}: expected a UTF-8 text (YAML) file")
        return
    try:
        scenario = parse_scenario_text(text, up.name)
    except ScenarioError as exc:
        state["ui:source_error"] = (up.name, str(exc))
        return
    set_base(scenario_to_dict(scenario), f"upload:{up.name}")


def _on_unit_change() -> None:
    state = ss()
    new = state[inp.TIME_UNIT_KEY]
    inp.convert_from_values(state, inp.from_keys(), state.get("ui:time_unit_prev", "weeks"), new)
    state["ui:time_unit_prev"] = new


def _on_cmp_pick() -> None:
    ss()["ui:cmp_auto"] = False


def _on_apply_yaml() -> None:
    state = ss()
    state.pop("ui:yaml_error", None)
    state.pop("ui:yaml_ok", None)
    source = t("yaml.source", lang())
    try:
        scenario = parse_scenario_text(state.get("ui:yaml_text", ""), source)
    except ScenarioError as exc:
        state["ui:yaml_error"] = str(exc)
        return
    set_base(scenario_to_dict(scenario), source)
    state["ui:yaml_ok"] = True


# --------------------------------------------------------------------------- sidebar


#: Keyed option widgets whose shown labels depend on the language: key -> (options, label).
#: Streamlit's browser side keeps the *label* of the selected option and sends it back on every
#: rerun; after a language switch that old label is no option of the redrawn widget any more,
#: and Streamlit hands the raw label to the script ("Wachtlijst: ..." instead of "waitlist") or
#: silently resets the widget to its first option. So on a switch every such widget is given its
#: key again, which makes Streamlit send the browser the new label, and every value read is
#: mapped back to its key first. A tab with such a widget adds it here.
LANG_OPTIONS: dict[str, tuple[tuple[Any, ...], Callable[[Any, str], str]]] = {
    inp.TIME_UNIT_KEY: (inp.TIME_UNITS, lambda u, lg: t(f"in.unit.{u}", lg)),
    inp.K_POLICY: (inp.POLICIES, lambda p, lg: t(f"in.policy.{p}", lg)),
}


def option_key(key: str, value: Any) -> Any:
    """``value`` of widget ``key`` as an option key, mapping a label in any language back."""
    spec = LANG_OPTIONS.get(key)
    if spec is None or value in spec[0]:
        return value
    options, label = spec
    for option in options:
        if any(value == label(option, code) for code in LANGS):
            return option
    return value


def normalise_options(force: bool = False) -> None:
    """Give every language-dependent option widget its key (see :data:`LANG_OPTIONS`);
    ``force`` re-assigns even a key, so that Streamlit sends the browser the new label."""
    state = ss()
    for key in LANG_OPTIONS:
        if key in state:
            value = option_key(key, state[key])
            if force or value != state[key]:
                state[key] = value


def _on_lang_change() -> None:
    normalise_options(force=True)


def sidebar_language() -> str:
    st.radio(t("lang.label", lang()), list(LANGS), key="ui:lang", horizontal=True,
             format_func=lambda code: t(f"lang.{code}", code), on_change=_on_lang_change)
    return lang()


def sidebar_source(lg: str) -> None:
    st.subheader(t("src.header", lg))
    files = scenario_files()
    state = ss()
    if state.get("ui:source_file") not in files and files:
        state["ui:source_file"] = files[0]
    st.selectbox(t("src.select", lg), files, key="ui:source_file", on_change=_on_source_change)
    st.file_uploader(t("src.upload", lg), type=["yaml", "yml"], key="ui:upload",
                     help=t("src.upload_help", lg), on_change=_on_upload)
    err = state.get("ui:source_error")
    if err:
        st.error(t("src.bad_upload", lg, name=err[0]) + "\n\n```\n" + err[1] + "\n```")


def _bounds(key: str, low: float | None, high: float | None) -> tuple[Any, Any]:
    """Widget bounds widened to the value it holds: a loaded file may go beyond the usual range
    (Streamlit refuses to draw a number input whose value lies outside its bounds)."""
    value = ss().get(key)
    if isinstance(value, int | float):
        if high is not None and value > high:
            high = type(high)(value)
        if low is not None and value < low:
            low = type(low)(value)
    return low, high


def _number(label: str, key: str, *, min_value: float = 0.0, max_value: float | None = None,
            step: float = 1.0, fmt: str = "%.1f", help: str | None = None) -> None:
    low, high = _bounds(key, min_value, max_value)
    st.number_input(label, key=key, min_value=low, max_value=high, step=step, format=fmt,
                    help=help)


def _int(label: str, key: str, *, min_value: int = 0, max_value: int | None = None,
         help: str | None = None) -> None:
    low, high = _bounds(key, min_value, max_value)
    st.number_input(label, key=key, min_value=low, max_value=high, step=1, help=help)


def _schedule(group: str, value_label: str, value_step_label: str, lg: str,
              max_value: float) -> None:
    state = ss()
    unit = state[inp.TIME_UNIT_KEY]
    _int(t("in.steps", lg), inp.k_steps(group), min_value=1, max_value=inp.MAX_STEPS)
    n = int(state[inp.k_steps(group)])
    if n == 1:
        _number(value_label, inp.k_step(group, 0, "value"), max_value=max_value, step=0.5)
        return
    for i in range(n):
        c1, c2 = st.columns(2)
        with c1:
            if i == 0:
                st.caption(t("in.from_start", lg))
            else:
                _number(t(f"in.from_{unit}", lg, n=i + 1), inp.k_step(group, i, "from"),
                        max_value=5200.0, step=1.0)
        with c2:
            _number(t(value_step_label, lg, n=i + 1), inp.k_step(group, i, "value"),
                    max_value=max_value, step=0.5)


def sidebar_inputs(lg: str) -> None:
    st.subheader(t("in.header", lg))
    st.radio(t("in.time_unit", lg), list(inp.TIME_UNITS), key=inp.TIME_UNIT_KEY, horizontal=True,
             format_func=lambda u: t(f"in.unit.{u}", lg), on_change=_on_unit_change)
    with st.expander(t("in.staff", lg), expanded=True):
        st.caption(t("in.staff_help", lg))
        for role in ROLES:
            st.markdown(f"**{term(role, lg)}**")
            _schedule(inp.staff_group(role), t("in.hours", lg), "in.hours_step", lg, 168.0)
            _number(t("in.leave", lg), inp.K_LEAVE[role], max_value=95.0, step=1.0, fmt="%.0f",
                    help=t("in.leave_help", lg))
    with st.expander(t("in.referrals", lg)):
        _schedule(inp.REF_GROUP, t("in.per_year", lg), "in.per_year_step", lg, 1000.0)
        st.markdown(f"**{t('in.sources', lg)}**")
        for src in inp.SOURCES:
            _number(term(src, lg), inp.K_SOURCE[src], max_value=100.0, step=5.0, fmt="%.0f")
        total = inp.source_total(input_values())
        st.caption(t("in.sources_sum", lg, total=fmt_num(total, lg, 0)))
    with st.expander(t("in.families", lg)):
        _number(t("in.interested", lg), inp.K_INTERESTED, max_value=10000.0,
                help=t("in.interested_help", lg))
        _number(t("in.pass_rate", lg), inp.K_PASS_RATE, max_value=100.0, fmt="%.0f",
                help=t("in.pass_rate_help", lg))
        _number(t("in.family_leave", lg), inp.K_FAMILY_LEAVE, max_value=100.0, fmt="%.0f")
    with st.expander(t("in.risk", lg)):
        _number(t("in.breakdown", lg), inp.K_BREAKDOWN, max_value=20.0, step=0.1, fmt="%.2f",
                help=t("in.breakdown_help", lg))
        _number(t("in.underserved", lg), inp.K_UNDERSERVED, max_value=20.0, step=0.1, fmt="%.2f")
        st.radio(t("in.policy", lg), list(inp.POLICIES), key=inp.K_POLICY,
                 format_func=lambda p: t(f"in.policy.{p}", lg))
    with st.expander(t("in.start", lg)):
        st.caption(t("in.start_help", lg))
        for key in inp.START_KEYS:
            _int(term(key, lg), inp.K_START[key], max_value=10000)
        _int(t("in.pool", lg), inp.K_POOL, max_value=10000)
    with st.expander(t("in.run", lg)):
        state = ss()
        _number(t("in.horizon", lg), inp.K_HORIZON, min_value=1.0, max_value=5200.0, step=52.0,
                fmt="%.0f")
        st.caption(t("in.years", lg, years=fmt_num(float(state[inp.K_HORIZON]) / 52.0, lg, 1)))
        _number(t("in.warmup", lg), inp.K_WARMUP, max_value=5200.0, step=13.0, fmt="%.0f")
        _int(t("in.reps", lg), inp.K_REPS, min_value=1, max_value=10000, help=t("in.reps_help", lg))
        _int(t("in.seed", lg), inp.K_SEED, max_value=2**31 - 1, help=t("in.seed_help", lg))


def _next_run_name() -> str:
    runs = ss()["runs"]
    i = len(runs) + 1
    while f"Run {i}" in runs:
        i += 1
    return f"Run {i}"


def execute(scenario: Scenario, name: str, lg: str, where: Any) -> Run | None:
    """Run ``scenario`` (or take it from the cache) with a progress bar; keep it as ``name``."""
    bar = where.progress(0.0, text=t("run.progress", lg, done=0, total=scenario.replications))

    last = [0.0]

    def progress(done: int, total: int) -> None:
        # At most five updates a second: each one costs the browser a repaint.
        now = time.perf_counter()
        if done < total and now - last[0] < 0.2:
            return
        last[0] = now
        bar.progress(min(1.0, done / max(total, 1)), text=t("run.progress", lg, done=done,
                                                               total=total))

    try:
        # The run's name is not put into the scenario: a cached result is shared by every run
        # of the same scenario, whatever each run is called.
        outcome: RunOutcome = run_cached(scenario,
                                         progress=progress)
    except ImportError as exc:
        bar.empty()
        where.error(t("run.not_ready", lg, error=exc))
        return None
    except Exception as exc:  # the model rejected the scenario: say so, keep earlier results
        bar.empty()
        ss()["ui:run_error"] = t("run.failed", lg, error=f"{type(exc).__name__}: {exc}")
        return None
    bar.empty()
    run = Run(name, outcome.result, outcome.seconds, outcome.cached, outcome.key)
    state = ss()
    if name in state["runs"]:
        state["ui:replaced"] = name
    state["runs"][name] = run
    # The newest run is the one shown and offered for download.
    state["ui:view_run"] = name
    state["ui:dl_run"] = name
    return run


def sidebar_run(lg: str, scenario: Scenario | None, error: str | None) -> None:
    state = ss()
    st.subheader(t("run.header", lg))
    if "ui:run_name" not in state:
        state["ui:run_name"] = _next_run_name()
    # The name field is drawn after a click is handled (in a slot above the button), so that it
    # can offer the next free name at once, without an extra rerun of the page.
    name_slot = st.empty()
    clicked = st.button(t("run.button", lg), key="ui:run", type="primary",
                        disabled=scenario is None, width="stretch")
    if scenario is not None:
        st.caption(t("run.hash", lg, hash=scenario_hash(scenario), seed=scenario.seed,
                     reps=scenario.replications))
    else:
        st.error(t("run.invalid", lg))
        total = inp.source_total(input_values())
        if abs(total - 100.0) > 1e-6:
            st.error(t("in.sources_bad", lg, total=fmt_num(total, lg, 1)))
        st.error(t("in.invalid", lg) + "\n\n```\n" + str(error) + "\n```")
    if clicked and scenario is not None:
        state.pop("ui:run_error", None)
        state.pop("ui:replaced", None)
        name = str(state.get("ui:run_name", "")).strip() or _next_run_name()
        start = time.perf_counter()
        run = execute(scenario, name, lg, st)
        if run is not None:
            state["ui:view_run"] = run.name
            state["ui:last_run"] = (run.name, run.result.stamp["replications"],
                                    time.perf_counter() - start, run.cached)
            state["ui:run_name"] = _next_run_name()
    name_slot.text_input(t("run.name", lg), key="ui:run_name", help=t("run.name_help", lg))
    if state.get("ui:run_error"):
        st.error(state["ui:run_error"])
    last = state.get("ui:last_run")
    if last:
        name, reps, seconds, cached = last
        st.success(t("run.done", lg, reps=reps, seconds=fmt_num(seconds, lg, 2)))
        if cached:
            st.caption(t("run.cached", lg))
    if state.get("ui:replaced"):
        st.info(t("run.replaced", lg, name=state["ui:replaced"]))


# --------------------------------------------------------------------------- results


def _kpi_card(summary: pd.DataFrame, kpi: str, lg: str) -> None:
    row = summary.loc[kpi]
    with st.container(border=True):
        st.metric(kpi_label(kpi, lg), fmt_kpi(kpi, float(row["mean"]), lg))
        st.caption(fmt_ci(kpi, float(row["ci_low"]), float(row["ci_high"]), lg))


def summary_table(s: pd.DataFrame, lg: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.kpi", lg): [kpi_label(k, lg) for k in s["kpi"]],
        t("col.mean", lg): [fmt_kpi(k, m, lg) for k, m in zip(s["kpi"], s["mean"], strict=True)],
        t("col.ci_low", lg) + " – " + t("col.ci_high", lg): [
            fmt_ci(k, lo, hi, lg)
            for k, lo, hi in zip(s["kpi"], s["ci_low"], s["ci_high"], strict=True)
        ],
        t("col.n", lg): s["n"].astype(int),
    })


_CHART_MEMO: dict[tuple[Any, ...], Any] = {}


def chart_for(run: Run, key: str, builder: Any, lg: str) -> Any:
    """Charts are memoised per (scenario hash, reps, seed, language, chart)."""
    memo_key = (run.key, lg, key)
    if memo_key not in _CHART_MEMO:
        if len(_CHART_MEMO) > 200:
            _CHART_MEMO.clear()
        _CHART_MEMO[memo_key] = builder(run.result, lg)
    return _CHART_MEMO[memo_key]


def show_chart(chart: Any, help_text: str, lg: str) -> None:
    st.altair_chart(chart, width="stretch")
    st.caption(help_text)


def tab_results(lg: str, scenario: Scenario | None) -> None:
    state = ss()
    runs: dict[str, Run] = state["runs"]
    if not runs:
        st.info(t("res.none", lg))
        return
    names = list(runs)
    if state.get("ui:view_run") not in names:
        state["ui:view_run"] = names[-1]
    st.selectbox(t("res.show_run", lg), names, key="ui:view_run")
    run = runs[state["ui:view_run"]]
    result = run.result
    stamp = result.stamp
    st.caption(t("res.stamp", lg, hash=stamp["scenario_hash"], seed=stamp["seed"],
                 reps=stamp["replications"], version=stamp["version"]))
    if scenario is not None and cache_key(scenario) != run.key and run.name == names[-1]:
        st.warning(t("res.stale", lg))
    st.subheader(t("res.kpis", lg))
    st.caption(t("res.kpis_help", lg))
    summary = run.summary.set_index("kpi")
    st.markdown(in_short(summary, lg))
    cols = st.columns(3)
    for i, kpi in enumerate(CARD_KPIS):
        with cols[i % 3]:
            _kpi_card(summary, kpi, lg)
    cols = st.columns(3)
    for i, role in enumerate(ROLES):
        with cols[i]:
            _kpi_card(summary, f"utilisation_{role}", lg)
            _kpi_card(summary, f"caseload_{role}", lg)
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


# --------------------------------------------------------------------------- compare


def compare_frames(runs: dict[str, Run], base: str, others: list[str],
                   lg: str) -> list[tuple[str, pd.DataFrame, int]]:
    """Per other run: a display table of paired differences (other - base) per KPI."""
    from sim.runner import compare_experiments

    out = []
    for other in others:
        df = compare_experiments(runs[base].result, runs[other].result)
        n = int(df["n"].max()) if len(df) else 0
        clear = [
            (not math.isnan(lo) and not math.isnan(hi)) and (lo > 0 or hi < 0)
            for lo, hi in zip(df["diff_ci_low"], df["diff_ci_high"], strict=True)
        ]
        kpis = list(df["kpi"])
        table = pd.DataFrame({
            t("col.kpi", lg): [kpi_label(k, lg) for k in kpis],
            t("col.base_mean", lg): [fmt_kpi(k, v, lg) for k, v in zip(kpis, df["base_mean"],
                                                                        strict=True)],
            t("col.other_mean", lg): [fmt_kpi(k, v, lg) for k, v in zip(kpis, df["other_mean"],
                                                                         strict=True)],
            t("col.diff", lg): [fmt_diff(k, v, lg) for k, v in zip(kpis, df["diff_mean"],
                                                                   strict=True)],
            t("col.diff_ci", lg): [
                f"{fmt_diff(k, lo, lg)} – {fmt_diff(k, hi, lg)}"
                for k, lo, hi in zip(kpis, df["diff_ci_low"], df["diff_ci_high"], strict=True)
            ],
            t("col.significant", lg): [t("word.yes", lg) if c else t("word.no", lg) for c in clear],
        })
        out.append((other, table, n))
    return out


def side_by_side(runs: dict[str, Run], names: list[str], lg: str) -> pd.DataFrame:
    first = runs[names[0]].summary
    table = pd.DataFrame({t("col.kpi", lg): [kpi_label(k, lg) for k in first["kpi"]]})
    for name in names:
        s = runs[name].summary.set_index("kpi").reindex(first["kpi"])
        table[name] = [
            f"{fmt_kpi(k, m, lg)} ({fmt_ci(k, lo, hi, lg)})"
            for k, m, lo, hi in zip(first["kpi"], s["mean"], s["ci_low"], s["ci_high"],
                                    strict=True)
        ]
    return table


def tab_compare(lg: str) -> None:
    state = ss()
    runs: dict[str, Run] = state["runs"]
    st.caption(t("cmp.intro", lg))
    if len(runs) < 2:
        st.info(t("cmp.need_two", lg))
        return
    names = list(runs)
    chosen = [n for n in state.get("ui:cmp_runs", []) if n in names]
    # Until the user picks runs, the comparison follows the two latest runs.
    if state.get("ui:cmp_auto", True) or len(chosen) < 2:
        state["ui:cmp_runs"] = names[-2:]
        state["ui:cmp_auto"] = True
    elif len(chosen) != len(state["ui:cmp_runs"]):
        state["ui:cmp_runs"] = chosen
    st.multiselect(t("cmp.runs", lg), names, key="ui:cmp_runs", on_change=_on_cmp_pick)
    chosen = list(state["ui:cmp_runs"])
    if len(chosen) < 2:
        st.info(t("cmp.pick_two", lg))
        return
    if state.get("ui:cmp_base") not in chosen:
        state["ui:cmp_base"] = chosen[0]
    st.selectbox(t("cmp.base", lg), chosen, key="ui:cmp_base")
    base = state["ui:cmp_base"]
    others = [n for n in chosen if n != base]
    st.subheader(t("cmp.side_by_side", lg))
    st.dataframe(side_by_side(runs, [base, *others], lg), hide_index=True)
    for other, table, n in compare_frames(runs, base, others, lg):
        st.subheader(t("cmp.diff_header", lg, other=other, base=base))
        if runs[other].result.seed != runs[base].result.seed:
            st.warning(t("cmp.seed_differs", lg, other=other, base=base))
        st.caption(t("cmp.diff_help", lg, n=n))
        st.dataframe(table, hide_index=True)
    selected = {n: runs[n].result for n in [base, *others]}
    show_chart(ch.compare_waiting_chart(selected, lg), t("cmp.waiting.help", lg), lg)
    show_chart(ch.compare_utilisation_chart(selected, lg), t("cmp.util.help", lg), lg)


# --------------------------------------------------------------------------- minimum


def tab_minimum(lg: str, data: dict[str, Any], scenario: Scenario | None) -> None:
    state = ss()
    st.caption(t("min.intro", lg))
    template = mn.load_template()
    start = mn.template_start_week(template)
    if template is not None:
        st.caption(t("min.template", lg, source="scenarios/minimum-requirements.yaml"))
    else:
        st.caption(t("min.template_builtin", lg))
    state.setdefault("ui:min_start", float(start) if start is not None else 0.0)
    _number(t("min.start_week", lg), "ui:min_start", max_value=5200.0, fmt="%.0f",
            help=t("min.start_help", lg))
    st.markdown(f"**{t('min.targets', lg)}**")
    state.setdefault("ui:min_use_p90", True)
    state.setdefault("ui:min_p90", 52.0)
    state.setdefault("ui:min_use_util", True)
    state.setdefault("ui:min_util", 85.0)
    state.setdefault("ui:min_use_wait", False)
    state.setdefault("ui:min_wait", 8.0)
    for use, key, label, high in (
        ("ui:min_use_p90", "ui:min_p90", "min.p90_weeks", 5200.0),
        ("ui:min_use_util", "ui:min_util", "min.util_max", 100.0),
        ("ui:min_use_wait", "ui:min_wait", "min.wait_weeks", 5200.0),
    ):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        with c1:
            st.checkbox(t(use.replace("ui:min_use_", "min.use_"), lg), key=use)
        with c2:
            _number(t(label, lg), key, max_value=high, fmt="%.0f")
    targets = mn.make_targets(
        state["ui:min_p90"] if state["ui:min_use_p90"] else None,
        state["ui:min_util"] if state["ui:min_use_util"] else None,
        state["ui:min_wait"] if state["ui:min_use_wait"] else None,
    )
    min_data = mn.build_minimum_dict(data, float(state["ui:min_start"]))
    st.caption(t("min.staffing", lg, text=mn.staffing_text(min_data, lg)))
    clicked = st.button(t("min.button", lg), key="ui:min_run", disabled=scenario is None)
    if scenario is None:
        st.error(t("yaml.invalid_now", lg))
        return
    if clicked:
        if not targets:
            st.warning(t("min.no_target", lg))
            return
        try:
            min_scenario = parse_scenario(min_data, t("min.run_name", lg))
        except ScenarioError as exc:
            st.error(str(exc))
            return
        run = execute(min_scenario, t("min.run_name", lg), lg, st)
        if run is not None:
            state["ui:min_done"] = (run.name, [(tg.key, tg.kpi, tg.limit, tg.role)
                                                for tg in targets])
    if state.get("ui:run_error") and clicked:
        st.error(state["ui:run_error"])
    done = state.get("ui:min_done")
    if done and done[0] in state["runs"]:
        name, spec = done
        judged = mn.judge(state["runs"][name].summary,
                          [mn.Target(k, kpi, lim, role) for k, kpi, lim, role in spec])
        show_judgement(judged, state["runs"][name], lg)


def _target_text(j: mn.Judged, lg: str) -> str:
    tg = j.target
    if tg.key == "p90":
        return t("min.target_p90", lg, n=fmt_num(tg.limit, lg, 0))
    if tg.key == "util":
        return t("min.target_util", lg, role=term(tg.role, lg), pct=fmt_num(100 * tg.limit, lg, 0))
    return t("min.target_wait", lg, n=fmt_num(tg.limit, lg, 0))


def show_judgement(judged: list[mn.Judged], run: Run, lg: str) -> None:
    verdict = mn.overall(judged)
    bad = [_target_text(j, lg) for j in judged if j.verdict == verdict]
    if verdict == mn.MET:
        st.success(t("min.verdict_met", lg))
    elif verdict == mn.NOT_MET:
        st.error(t("min.verdict_not_met", lg, targets="; ".join(bad)))
    else:
        st.warning(t("min.verdict_uncertain", lg, targets="; ".join(bad)))
    table = pd.DataFrame({
        t("col.target", lg): [_target_text(j, lg) for j in judged],
        t("col.result", lg): [
            f"{fmt_kpi(j.target.kpi, j.mean, lg)} ({fmt_ci(j.target.kpi, j.ci_low, j.ci_high, lg)})"
            for j in judged
        ],
        t("col.verdict", lg): [t(f"min.{j.verdict}", lg) for j in judged],
    })
    st.dataframe(table, hide_index=True)
    share = run.summary.set_index("kpi").loc["placed_share", "mean"]
    st.caption(t("min.note_placed", lg, share=fmt_kpi("placed_share", float(share), lg)))
    st.caption(t("min.saved_as", lg, name=run.name))


# --------------------------------------------------------------------------- downloads


def tab_downloads(lg: str) -> None:
    from webapp.report import build_report

    state = ss()
    runs: dict[str, Run] = state["runs"]
    if not runs:
        st.info(t("dl.none", lg))
        return
    names = list(runs)
    if state.get("ui:dl_run") not in names:
        view = state.get("ui:view_run")
        state["ui:dl_run"] = view if view in names else names[-1]
    st.selectbox(t("dl.run", lg), names, key="ui:dl_run")
    name = state["ui:dl_run"]
    run = runs[name]
    st.markdown(t("dl.intro", lg, name=name))
    stem = f"pnp-{safe_name(name)}-{run.key[0]}"
    result = run.result
    st.download_button(t("dl.yaml", lg), scenario_yaml(result, name), file_name=f"{stem}.yaml",
                       mime="application/x-yaml", help=t("dl.yaml_help", lg), key="ui:dl_yaml",
                       on_click="ignore")
    st.download_button(t("dl.csv", lg), lambda: results_zip(result, "csv"),
                       file_name=f"{stem}-csv.zip", mime="application/zip", key="ui:dl_csv",
                       on_click="ignore")
    st.download_button(t("dl.parquet", lg), lambda: results_zip(result, "parquet"),
                       file_name=f"{stem}-parquet.zip", mime="application/zip",
                       key="ui:dl_parquet", on_click="ignore")
    st.download_button(t("dl.report", lg), lambda: build_report(name, result, lg).encode("utf-8"),
                       file_name=f"{stem}-{lg}.html", mime="text/html",
                       help=t("dl.report_help", lg), key="ui:dl_report", on_click="ignore")


# --------------------------------------------------------------------------- scenario file


def tab_scenario(lg: str, scenario: Scenario | None) -> None:
    state = ss()
    st.caption(t("yaml.intro", lg))
    if scenario is None:
        st.error(t("yaml.invalid_now", lg))
        return
    # What will be simulated: the staffing schedule entered, then the whole file.
    show_chart(ch.schedule_chart(scenario_to_dict(scenario), lg), t("chart.schedule.help", lg),
               lg)
    text = scenario_to_yaml(scenario)
    h = scenario_hash(scenario)
    # Refill the editor when the inputs change, unless the user is editing it.
    if state.get("ui:yaml_for") != h and state.get("ui:yaml_text") == state.get("ui:yaml_filled"):
        state["ui:yaml_text"] = text
        state["ui:yaml_filled"] = text
        state["ui:yaml_for"] = h
    state.setdefault("ui:yaml_text", text)
    state.setdefault("ui:yaml_filled", text)
    st.text_area(t("yaml.edit", lg), key="ui:yaml_text", height=420)
    st.button(t("yaml.apply", lg), key="ui:yaml_apply", on_click=_on_apply_yaml)
    if state.get("ui:yaml_error"):
        st.error(t("yaml.bad", lg) + "\n\n```\n" + state["ui:yaml_error"] + "\n```")
    elif state.pop("ui:yaml_ok", False):
        st.success(t("yaml.applied", lg))


def tab_sweeps(lg: str) -> None:
    try:
        from webapp.sweeps_tab import render_sweeps_tab
    except ImportError:
        st.info(t("sweeps.missing", lg))
        return
    try:
        render_sweeps_tab(lg)
    except Exception as exc:  # another team's tab must not take this page down
        st.error(t("sweeps.failed", lg, error=f"{type(exc).__name__}: {exc}"))


# --------------------------------------------------------------------------- page


def main() -> None:
    st.set_page_config(page_title="P&P planner", layout="wide")
    # No developer menu (deploy, clear cache, ...) for the planners using the page.
    st.set_option("client.toolbarMode", "viewer")
    init_state()
    with st.sidebar:
        lg = sidebar_language()
    data, scenario, error = current_scenario()
    with st.sidebar:
        sidebar_run(lg, scenario, error)
    main_area(lg, data, scenario)
    # The inputs come last in the script (they still sit in the sidebar): after a run, the key
    # figures reach the browser before the sixty-odd input widgets are sent again.
    with st.sidebar:
        st.divider()
        sidebar_source(lg)
        st.caption(t("src.loaded", lg, source=ss()["base_source"],
                     hash=scenario_hash(parse_scenario(ss()["base"], "base"))))
        sidebar_inputs(lg)


def main_area(lg: str, data: dict[str, Any], scenario: Scenario | None) -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        pkg_version = version("pnp-sim")
    except PackageNotFoundError:
        pkg_version = "?"
    st.title(t("app.title", lg))
    st.caption(t("app.caption", lg) + " " + t("app.version", lg, version=pkg_version))
    labels = {key: t(f"tab.{key}", lg) for key in TABS}
    state = ss()
    if state.get("ui:tab") not in labels.values():
        # After a language switch, stay on the same tab under its new name.
        opened = next((k for k in TABS for code in LANGS if state.get("ui:tab") ==
                       t(f"tab.{k}", code)), TABS[0])
        state["ui:tab"] = labels[opened]
    # Only the open tab runs (on_change="rerun"): hidden tabs cost nothing.
    tabs = dict(zip(TABS, st.tabs(list(labels.values()), key="ui:tab", on_change="rerun"),
                    strict=True))
    render = {
        "results": lambda: tab_results(lg, scenario),
        "compare": lambda: tab_compare(lg),
        "minimum": lambda: tab_minimum(lg, data, scenario),
        "downloads": lambda: tab_downloads(lg),
        "scenario": lambda: tab_scenario(lg, scenario),
        "sweeps": lambda: tab_sweeps(lg),
    }
    for key, container in tabs.items():
        if container.open is not False:
            with container:
                render[key]()


__all__ = ["main", "CHILD_PHASES"]
