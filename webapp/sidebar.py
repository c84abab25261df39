"""The sidebar: language, scenario source, the inputs, and the run button with its progress."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from sim.scenario.domain import ROLES
from sim.scenario.schema import Scenario, ScenarioError, parse_scenario, scenario_hash
from webapp import inputs as inp
from webapp.engine import RunOutcome, run_cached
from webapp.i18n import LANGS, error_text, fmt_num, run_name, source_words, t, term
from webapp.state import (
    Run,
    input_values,
    lang,
    number_errors,
    number_label,
    on_lang_change,
    on_source_change,
    on_unit_change,
    on_upload,
    origin_of,
    scenario_files,
    source_error_text,
    ss,
    start_sets,
)
from webapp.widgets import held, integer, number


def language() -> str:
    st.radio(t("lang.label", lang()), list(LANGS), key="ui:lang", horizontal=True,
             index=held("ui:lang", list(LANGS)),
             format_func=lambda code: t(f"lang.{code}", code), on_change=on_lang_change)
    return lang()


def source(lg: str) -> None:
    st.subheader(t("src.header", lg))
    files = scenario_files()
    state = ss()
    if state.get("ui:source_file") not in files and files:
        state["ui:source_file"] = files[0]
    st.selectbox(t("src.select", lg), files, key="ui:source_file", on_change=on_source_change,
                 index=held("ui:source_file", files) if files else None)
    st.file_uploader(t("src.upload", lg), type=["yaml", "yml"], key="ui:upload",
                     help=t("src.upload_help", lg), on_change=on_upload)
    err = state.get("ui:source_error")
    if err:
        st.error(t("src.bad_upload", lg, name=err[0]) + "\n\n" + source_error_text(err[1], lg))
    with st.container(key="loaded"):
        st.caption(loaded_text(lg))


def loaded_text(lg: str) -> str:
    """The loaded scenario's name, source in words and hash: what a run is tied to."""
    state = ss()
    base = state["base"]
    text = t("src.loaded", lg, name=base.get("name") or t("name.base", lg),
             source=source_words(state["base_source"], lg),
             hash=scenario_hash(parse_scenario(base, "base")))
    sets = state.get("base_sets")
    if sets is not None:
        text += t("src.loaded_sets", lg, n=len(sets.overrides))
    return text


def _schedule(group: str, value_label: str, value_step_label: str, lg: str,
              max_value: float) -> None:
    state = ss()
    unit = state[inp.TIME_UNIT_KEY]
    integer(t("in.steps", lg), inp.k_steps(group), min_value=1, max_value=inp.MAX_STEPS)
    n = int(state[inp.k_steps(group)])
    if n == 1:
        number(value_label, inp.k_step(group, 0, "value"), max_value=max_value, step=0.5)
        return
    for i in range(n):
        c1, c2 = st.columns(2)
        with c1:
            if i == 0:
                st.caption(t("in.from_start", lg))
            else:
                number(t(f"in.from_{unit}", lg, n=i + 1), inp.k_step(group, i, "from"),
                       max_value=5200.0, step=1.0)
        with c2:
            number(t(value_step_label, lg, n=i + 1), inp.k_step(group, i, "value"),
                   max_value=max_value, step=0.5)


def _source(sources: Any, path: str, lg: str) -> None:
    """Where the input's value comes from ([method], [domain], [assume], ...), beside it."""
    from webapp.tabs.sensitivity import source_note

    note = source_note(sources, path, lg)
    if note:
        st.caption(note)


def zero_hours(role: str) -> bool:
    """Whether every step of ``role``'s schedule, as shown, has 0 hours."""
    state = ss()
    group = inp.staff_group(role)
    n = int(state.get(inp.k_steps(group), 1))
    return all(float(state.get(inp.k_step(group, i, "value"), 0.0)) == 0.0 for i in range(n))


def inputs(lg: str) -> None:
    from webapp.state import current_sources

    srcs = current_sources()
    st.subheader(t("in.header", lg))
    st.radio(t("in.time_unit", lg), list(inp.TIME_UNITS), key=inp.TIME_UNIT_KEY, horizontal=True,
             index=held(inp.TIME_UNIT_KEY, list(inp.TIME_UNITS)),
             format_func=lambda u: t(f"in.unit.{u}", lg), on_change=on_unit_change)
    with st.expander(t("in.staff", lg), expanded=True, key="exp-staff"):
        st.caption(t("in.staff_help", lg))
        for role in ROLES:
            st.markdown(f"**{term(role, lg)}**")
            _schedule(inp.staff_group(role), t("in.hours", lg), "in.hours_step", lg, 168.0)
            if zero_hours(role):
                st.warning(t("in.zero_hours", lg, role=term(role, lg)))
            _source(srcs, f"staff.{role}.schedule.0.hours", lg)
            number(t("in.leave", lg), inp.K_LEAVE[role], max_value=95.0, step=1.0,
                   help=t("in.leave_help", lg))
            _source(srcs, f"staff.{role}.leave_share", lg)
    with st.expander(t("in.referrals", lg), key="exp-referrals"):
        _schedule(inp.REF_GROUP, t("in.per_year", lg), "in.per_year_step", lg, 1000.0)
        _source(srcs, "referrals.schedule.0.per_year", lg)
        st.markdown(f"**{t('in.sources', lg)}**")
        for src in inp.SOURCES:
            number(term(src, lg), inp.K_SOURCE[src], max_value=100.0, step=5.0)
            _source(srcs, f"referrals.sources.{src}.share", lg)
        total = inp.source_total(input_values())
        st.caption(t("in.sources_sum", lg, total=fmt_num(total, lg, 0)))
    with st.expander(t("in.families", lg), key="exp-families"):
        number(t("in.interested", lg), inp.K_INTERESTED, max_value=10000.0,
               help=t("in.interested_help", lg))
        _source(srcs, "families.interested_per_year", lg)
        number(t("in.pass_rate", lg), inp.K_PASS_RATE, max_value=100.0,
               help=t("in.pass_rate_help", lg))
        _source(srcs, "families.screening.pass_rate", lg)
        number(t("in.family_leave", lg), inp.K_FAMILY_LEAVE, max_value=100.0)
        _source(srcs, "families.leave_per_year", lg)
    with st.expander(t("in.risk", lg), key="exp-risk"):
        number(t("in.breakdown", lg), inp.K_BREAKDOWN, max_value=20.0, step=0.1,
               help=t("in.breakdown_help", lg))
        _source(srcs, "breakdown.weekly_hazard.guidance", lg)
        number(t("in.underserved", lg), inp.K_UNDERSERVED, max_value=20.0, step=0.1)
        _source(srcs, "breakdown.underserved", lg)
        st.radio(t("in.policy", lg), list(inp.POLICIES), key=inp.K_POLICY,
                 index=held(inp.K_POLICY, list(inp.POLICIES)),
                 format_func=lambda p: t(f"in.policy.{p}", lg))
    with st.expander(t("in.start", lg), key="exp-start"):
        st.caption(t("in.start_help", lg))
        for key in inp.START_KEYS:
            integer(term(key, lg), inp.K_START[key], max_value=10000)
        integer(t("in.pool", lg), inp.K_POOL, max_value=10000)
    with st.expander(t("in.run", lg), key="exp-run"):
        state = ss()
        number(t("in.horizon", lg), inp.K_HORIZON, min_value=1.0, max_value=5200.0, step=52.0)
        st.caption(t("in.years", lg, years=fmt_num(float(state[inp.K_HORIZON]) / 52.0, lg, 1)))
        number(t("in.warmup", lg), inp.K_WARMUP, max_value=5200.0, step=13.0)
        integer(t("in.reps", lg), inp.K_REPS, min_value=1, max_value=10000,
                help=t("in.reps_help", lg))
        integer(t("in.seed", lg), inp.K_SEED, max_value=2**31 - 1, help=t("in.seed_help", lg))


# --------------------------------------------------------------------------- running


def unique_name(name: str) -> str:
    """``name``, or ``name (2)``, ``(3)``, ... when a run of that name exists."""
    existing = ss()["runs"]
    if name not in existing:
        return name
    i = 2
    while f"{name} ({i})" in existing:
        i += 1
    return f"{name} ({i})"


def suggested_name(data: dict[str, Any], lg: str) -> str:
    """The next run's name: what changed against the loaded scenario."""
    return unique_name(run_name(ss()["base"], data, lg))


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
        outcome: RunOutcome = run_cached(scenario, progress=progress)
    except ImportError as exc:
        bar.empty()
        where.error(t("run.not_ready", lg, error=exc))
        return None
    except Exception as exc:  # the model rejected the scenario: say so, keep earlier results
        bar.empty()
        ss()["ui:run_error"] = t("run.failed", lg, error=f"{type(exc).__name__}: {exc}")
        return None
    bar.empty()
    origin, changes = origin_of(scenario)
    run = Run(name, outcome.result, outcome.seconds, outcome.cached, outcome.key,
              origin=origin, changes=changes)
    state = ss()
    if name in state["runs"]:
        state["ui:replaced"] = name
    state["runs"][name] = run
    # The newest run is the one shown and offered for download.
    state["ui:view_run"] = name
    state["ui:dl_run"] = name
    return run


def run_box(lg: str, data: dict[str, Any], scenario: Scenario | None,
            error: ScenarioError | None) -> None:
    state = ss()
    st.subheader(t("run.header", lg))
    suggestion = suggested_name(data, lg)
    # The name follows the inputs until the planner types one of their own.
    if "ui:run_name" not in state or state["ui:run_name"] == state.get("ui:run_name_auto"):
        state["ui:run_name"] = suggestion
    state["ui:run_name_auto"] = suggestion
    # The name field is drawn after a click is handled (in a slot above the button), so that it
    # can offer the next free name at once, without an extra rerun of the page.
    name_slot = st.empty()
    bad = number_errors(inp.PREFIX)
    if bad:
        # A refused text blocks the run: never run the older value still in the state.
        scenario = None
    clicked = st.button(t("run.button", lg), key="ui:run", type="primary",
                        disabled=scenario is None, width="stretch")
    if bad:
        st.error(t("run.fields_bad", lg, n=len(bad),
                   fields=", ".join(number_label(k) for k in bad)))
    elif scenario is not None:
        st.caption(t("run.hash", lg, hash=scenario_hash(scenario), seed=scenario.seed,
                     reps=scenario.replications))
    else:
        st.error(t("run.invalid", lg))
        total = inp.source_total(input_values())
        if abs(total - 100.0) > 1e-6:
            st.error(t("in.sources_bad", lg, total=fmt_num(total, lg, 1)))
        st.error(t("in.invalid", lg) + "\n\n" + error_text(error, lg))
    if clicked and scenario is not None:
        state.pop("ui:run_error", None)
        state.pop("ui:replaced", None)
        name = str(state.get("ui:run_name", "")).strip() or suggestion
        start = time.perf_counter()
        run = execute(scenario, name, lg, st)
        if run is not None:
            state.pop("ui:unc_msg", None)
            start_sets(run, scenario)  # the loaded scenario's parameter sets, if any
            state["ui:view_run"] = run.name
            state["ui:last_run"] = (run.name, run.result.stamp["replications"],
                                    time.perf_counter() - start, run.cached)
            state["ui:run_name"] = state["ui:run_name_auto"] = suggested_name(data, lg)
    name_slot.text_input(t("run.name", lg), value=str(state.get("ui:run_name") or ""),
                         key="ui:run_name", help=t("run.name_help", lg))
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


__all__ = ["language", "source", "inputs", "run_box", "execute", "ScenarioError"]
