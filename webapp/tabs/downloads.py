"""The Report and downloads tab: a board report over ticked runs (HTML and PDF), the scenario
as YAML, and the result tables as CSV (separator and decimal mark of choice) or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from webapp.downloads import CSV_DIALECTS, results_zip, safe_name, scenario_yaml
from webapp.i18n import t
from webapp.state import runs, ss
from webapp.widgets import held


def _sourced_yaml(result: Any, name: str) -> bytes:
    """The run's scenario as YAML with each number's source beside it: from the loaded file's
    comments, and ``user`` where the planner changed a value."""
    from sim.scenario.schema import scenario_to_dict
    from sim.scenario.sources import leading_comment
    from webapp.state import current_sources

    text = ss().get("base_text") or ""
    sources = current_sources(scenario_to_dict(result.scenario))
    return scenario_yaml(result, name, sources, leading_comment(text) if text else "")


def analysis_sections(lg: str) -> list[str]:
    """HTML sections of the analyses done in this session, for the board report: the last
    least-staffing search (its answer, guarantee and frontier) and the last sensitivity
    analysis (tornado and ranking)."""
    from sim.sensitivity.report import report_section as sensitivity_section
    from webapp.tabs import staffing as staffing_tab

    state = ss()
    out = []
    staffing = state.get("staffing-result")
    if staffing is not None:
        out.append(staffing_tab.report_section(staffing, lg))
    oneway, morris = state.get("sens-oneway"), state.get("sens-morris")
    if oneway is not None or morris is not None:
        section = sensitivity_section(oneway=oneway, morris=morris, lang=lg)
        if section:
            out.append(section)
    return out


def render(lg: str) -> None:
    from webapp.report import CHROMIUM, build_report, report_pdf

    state = ss()
    all_runs = runs()
    if not all_runs:
        st.info(t("dl.none", lg))
        return
    names = list(all_runs)

    # The report: a decision between the ticked runs.
    st.subheader(t("dl.report_header", lg))
    st.caption(t("dl.report_intro", lg))
    picked = [n for n in state.get("ui:report_runs", []) if n in names]
    if not picked:
        picked = names[-3:]
    state["ui:report_runs"] = picked
    st.multiselect(t("dl.report_runs", lg), names, key="ui:report_runs", default=picked,
                   placeholder=t("ui.choose", lg))
    chosen = [n for n in state["ui:report_runs"] if n in names] or names[-1:]
    selected = {n: all_runs[n].result for n in chosen}
    extra = analysis_sections(lg)
    from webapp.state import current_sources

    sources = current_sources()
    stem = f"pnp-rapport-{safe_name('-'.join(chosen))[:60]}" if lg == "nl" else \
        f"pnp-report-{safe_name('-'.join(chosen))[:60]}"
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(t("dl.report", lg),
                           lambda: build_report(selected, lg, extra_sections=extra,
                                                sources=sources).encode("utf-8"),
                           file_name=f"{stem}-{lg}.html", mime="text/html",
                           help=t("dl.report_help", lg), key="ui:dl_report", on_click="ignore")
    with c2:
        if Path(CHROMIUM).exists():
            st.download_button(t("dl.pdf", lg),
                               lambda: report_pdf(build_report(selected, lg,
                                                               extra_sections=extra,
                                                               sources=sources)),
                               file_name=f"{stem}-{lg}.pdf", mime="application/pdf",
                               help=t("dl.pdf_help", lg), key="ui:dl_pdf", on_click="ignore")
        else:  # the PDF is printed by Debian's Chromium (`make browser`)
            st.caption(t("dl.pdf_missing", lg))

    # Files of one run.
    st.subheader(t("dl.files_header", lg))
    if state.get("ui:dl_run") not in names:
        view = state.get("ui:view_run")
        state["ui:dl_run"] = view if view in names else names[-1]
    st.selectbox(t("dl.run", lg), names, key="ui:dl_run", index=held("ui:dl_run", names))
    name = state["ui:dl_run"]
    run = all_runs[name]
    st.markdown(t("dl.intro", lg, name=name))
    stem = f"pnp-{safe_name(name)}-{run.key[0]}"
    result = run.result
    st.download_button(t("dl.yaml", lg), _sourced_yaml(result, name), file_name=f"{stem}.yaml",
                       mime="application/x-yaml", help=t("dl.yaml_help", lg), key="ui:dl_yaml",
                       on_click="ignore")
    state.setdefault("ui:csv_dialect", "nl" if lg == "nl" else "en")
    st.radio(t("dl.csv_dialect", lg), list(CSV_DIALECTS), key="ui:csv_dialect", horizontal=True,
             index=held("ui:csv_dialect", list(CSV_DIALECTS)),
             format_func=lambda d: t(f"dl.csv_dialect.{d}", lg))
    dialect = state["ui:csv_dialect"] if state["ui:csv_dialect"] in CSV_DIALECTS else "en"
    st.download_button(t("dl.csv", lg), lambda: results_zip(result, "csv", dialect),
                       file_name=f"{stem}-csv.zip", mime="application/zip", key="ui:dl_csv",
                       on_click="ignore")
    st.download_button(t("dl.parquet", lg), lambda: results_zip(result, "parquet"),
                       file_name=f"{stem}-parquet.zip", mime="application/zip",
                       key="ui:dl_parquet", on_click="ignore")
