"""The Parameter sweeps tab: start a sweep of the current scenario in the background, follow
it, and look at any store in the results folder (or an uploaded one)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from sim.scenario.schema import Scenario, scenario_to_dict
from webapp import sweep_jobs as sj
from webapp.i18n import fmt_num, t, term
from webapp.state import persist, register_options, ss
from webapp.widgets import held, integer

#: Parameters a planner can sweep from the app: key -> (dotted path, label key or term).
PARAMETERS: dict[str, str] = {
    "hours_coordinator": "staff.coordinator.schedule.0.hours",
    "hours_pnp_counsellor": "staff.pnp_counsellor.schedule.0.hours",
    "hours_parent_counsellor": "staff.parent_counsellor.schedule.0.hours",
    "referrals": "referrals.schedule.0.per_year",
    "interested": "families.interested_per_year",
    "pass_rate": "families.screening.pass_rate",
}


def parameter_label(key: str, lg: str) -> str:
    if key == "":
        return t("sw.none", lg)
    if key.startswith("hours_"):
        return t("sw.hours", lg, role=term(key.removeprefix("hours_"), lg))
    return t(f"sw.param.{key}", lg)


def current_value(data: dict[str, Any], path: str) -> float:
    node: Any = data
    for part in path.split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    return float(node)


def default_values(value: float, lg: str) -> str:
    """The current value and two around it, written as the reader writes numbers."""
    if 0 < value <= 1:
        values = [round(value * f, 2) for f in (0.75, 1.0, 1.25) if value * f <= 1]
    else:
        values = sorted({round(value * f) for f in (0.75, 1.0, 1.25)})
    sep = "; " if lg == "nl" else ", "
    return sep.join(fmt_num(v, lg, 0 if float(v).is_integer() else 2).replace(".", "")
                    if lg == "nl" else f"{v:g}" for v in values)


for _i in range(sj.MAX_PARAMETERS):
    register_options(f"ui:sw_param_{_i}", ("", *PARAMETERS), parameter_label)
persist(*(f"ui:sw_param_{i}" for i in range(sj.MAX_PARAMETERS)), "ui:sw_reps", "ui:sw_workers",
        "ui:sw_name", "ui:sw_store")


def render(lg: str, scenario: Scenario | None) -> None:
    st.caption(t("sw.intro", lg, folder=_shown_folder()))
    start_form(lg, scenario)
    jobs_view(lg)
    st.divider()
    store = pick_store(lg)
    from webapp.tabs.sweep_store import render_sweeps_tab

    try:
        render_sweeps_tab(lg, store)
    except Exception as exc:  # a broken store must not take this page down
        st.error(t("sweeps.failed", lg, error=f"{type(exc).__name__}: {exc}"))


def _shown_folder() -> str:
    folder = sj.results_dir()
    try:
        return folder.relative_to(sj.ROOT).as_posix() + "/"
    except ValueError:
        return folder.name + "/"


def start_form(lg: str, scenario: Scenario | None) -> None:
    state = ss()
    st.subheader(t("sw.start_header", lg))
    if scenario is None:
        st.error(t("yaml.invalid_now", lg))
        return
    data = scenario_to_dict(scenario)
    chosen: list[tuple[str, list[float]]] = []
    problems: list[str] = []
    defaults = ["hours_pnp_counsellor", "", ""]
    cols = st.columns(sj.MAX_PARAMETERS)
    for i, col in enumerate(cols):
        key = f"ui:sw_param_{i}"
        state.setdefault(key, defaults[i])
        with col:
            st.selectbox(t("sw.param", lg, n=i + 1), ["", *PARAMETERS], key=key,
                         index=held(key, ["", *PARAMETERS]),
                         format_func=lambda k: parameter_label(k, lg))
            param = state[key]
            if not param:
                continue
            path = PARAMETERS[param]
            vkey = f"ui:sw_values_{i}_{param}"
            state.setdefault(vkey, default_values(current_value(data, path), lg))
            st.text_input(t("sw.values", lg), key=vkey, help=t("sw.values_help", lg),
                          value=str(state[vkey]))
            try:
                values = sj.parse_values(str(state[vkey]))
            except ValueError as exc:
                problems.append(t("sw.bad_value", lg, value=str(exc)))
                continue
            if param == "pass_rate" and any(v > 1 for v in values):
                values = [v / 100 for v in values]
            chosen.append((path, values))
    c1, c2, c3 = st.columns(3)
    with c1:
        state.setdefault("ui:sw_reps", 10)
        integer(t("sw.reps", lg), "ui:sw_reps", min_value=1, max_value=1000)
    with c2:
        state.setdefault("ui:sw_workers", max(1, (_cpus() or 1)))
        integer(t("sw.workers", lg), "ui:sw_workers", min_value=1, max_value=256)
    with c3:
        state.setdefault("ui:sw_name", t("sw.default_name", lg))
        st.text_input(t("sw.name", lg), key="ui:sw_name", value=str(state["ui:sw_name"]))
    paths = [p for p, _ in chosen]
    if len(set(paths)) != len(paths):
        problems.append(t("sw.twice", lg))
    from webapp.state import number_errors, number_label

    bad = number_errors("ui:sw_")
    if bad:
        problems.append(t("run.fields_bad", lg, n=len(bad),
                          fields=", ".join(number_label(k) for k in bad)))
    for p in problems:
        st.error(p)
    points = 1
    for _, v in chosen:
        points *= len(v)
    st.caption(t("sw.size", lg, points=points, reps=int(state["ui:sw_reps"]),
                 total=points * int(state["ui:sw_reps"])))
    if st.button(t("sw.start", lg), key="ui:sw_start", disabled=bool(problems) or not chosen):
        job = sj.start_sweep(data, chosen, int(state["ui:sw_reps"]),
                             int(state["ui:sw_workers"]), str(state["ui:sw_name"]))
        state["ui:sw_store"] = job.store
        st.success(t("sw.started", lg, store=job.store))


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def jobs_view(lg: str) -> None:
    jobs = sj.list_jobs()
    if not jobs:
        return
    running = any(j.running for j in jobs)

    @st.fragment(run_every=2.0 if running else None)
    def _jobs() -> None:
        st.markdown(f"**{t('sw.jobs', lg)}**")
        for job in sj.list_jobs()[:5]:
            if job.running:
                st.progress(job.fraction, text=t("sw.running", lg, name=job.name, done=job.done,
                                                 total=job.total, store=job.store))
            elif job.returncode in (0, 3):
                st.caption(t("sw.finished", lg, name=job.name, store=job.store,
                             started=job.started))
            else:
                st.caption(t("sw.failed", lg, name=job.name, code=job.returncode,
                             log=(job.folder / "log.txt").relative_to(sj.results_dir())
                             .as_posix()))

    _jobs()


def pick_store(lg: str) -> Any:
    state = ss()
    st.subheader(t("sw.open_header", lg))
    up = st.file_uploader(t("sw.upload", lg), type=["duckdb"], key="ui:sw_upload")
    if up is not None and state.get("ui:sw_uploaded") != up.file_id:
        state["ui:sw_store"] = sj.save_upload(up.name, up.getvalue())
        state["ui:sw_uploaded"] = up.file_id
    stores = sj.list_stores()
    if not stores:
        st.info(t("sw.no_stores", lg, folder=_shown_folder()))
        return None
    if state.get("ui:sw_store") not in stores:
        state["ui:sw_store"] = stores[0]
    st.selectbox(t("sw.store", lg), stores, key="ui:sw_store",
                 index=held("ui:sw_store", stores))
    if sj.running_store(str(state["ui:sw_store"])):
        # The sweep still writes it (and holds its lock): say so, rather than "cannot open".
        st.info(t("sw.store_running", lg))
        return None
    return sj.resolve_store(str(state["ui:sw_store"]))
