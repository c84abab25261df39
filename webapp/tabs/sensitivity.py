"""The "Gevoeligheid / Sensitivity" tab: which assumptions move the answer.

``render(scenario, sources, lang)`` is called by the app inside a tab, with the scenario in
use and its sources (:func:`sim.scenario.sources.read_sources` of the file it came from). It runs
the one-way analysis (the tornado per KPI, with the replication noise beside the bars) and, on
request, Morris screening (the global ranking). The chart and table builders are plain
functions, tested without Streamlit. Texts are Dutch first, with English.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.outputs.kpi_defs import KPIS
from sim.sensitivity.chart import tornado_chart, tornado_frame  # noqa: F401 - one chart code
from webapp.i18n import source_text, t, value_text
from webapp.widgets import held_list, held_value


def _t(key: str, lang: str, **fmt: Any) -> str:
    """A text of this tab, from the one catalogue (:mod:`webapp.i18n`, keys ``sens.*``)."""
    return t(f"sens.{key}", lang, **fmt)


def source_note(sources: Any, path: str, lang: str = "nl") -> str:
    """A short caption for an input: where its value comes from (for the sidebar inputs;
    '' when the scenario names no source for it)."""
    src = sources.get(path) if sources is not None else None
    if src is None:
        return ""
    return f"{t('rep.col.source', lang)}: {source_text(src, lang)}"


def groups_frame(groups: Any, lang: str = "nl") -> pd.DataFrame:
    """Every uncertain group with its source and plausible range (what the analysis varies)."""
    def num(x: float) -> str:
        return value_text(float(f"{x:.3g}"), lang)

    rows = []
    for g in groups:
        rng = (f"×{num(g.low)} – ×{num(g.high)}" if g.kind == "scale"
               else f"{num(g.low)} – {num(g.high)}")
        rows.append({_t("param", lang): g.label(lang),
                     _t("source", lang): source_text(g.source, lang),
                     _t("range", lang): rng, "": _range_note(g.range_note, lang)})
    return pd.DataFrame(rows)


def _range_note(note: str, lang: str) -> str:
    """Why a group has its range (``sim.sensitivity.params`` writes it in English), in the
    page's language: the source kinds and the two fixed phrases in words."""
    if lang != "nl":
        return note
    for en, key in (("(assume)", "src.kind_word.assume"), ("(domain)", "src.kind_word.domain"),
                    ("(method)", "src.kind_word.method"), ("(user)", "src.kind_word.user"),
                    ("(calibrated)", "src.kind_word.calibrated")):
        note = note.replace(en, f"({t(key, lang)})")
    return (note.replace("range in the file", "bereik uit het bestand")
            .replace("domain: ", "publiek cijfer: ")
            .replace(" (absolute range on a group: ignored)",
                     " (absoluut bereik op een groep: genegeerd)"))


def ranking_frame(morris: Any, lang: str = "nl", output: int = 0) -> pd.DataFrame:
    """The Morris ranking of one output, largest mu* first."""
    clear = morris.clear_effect()
    rows = [{_t("param", lang): morris.names[j], _t("mu", lang): morris.mu_star[output, j],
             "±": morris.mu_star_conf[output, j], _t("floor", lang): morris.noise_floor[output, j],
             _t("verdict", lang): _t("clear effect" if clear[output, j] else "no clear effect",
                                   lang)}
            for j in morris.ranking(output)]
    return pd.DataFrame(rows)


class _Progress:
    """A sweep progress object on a Streamlit progress bar."""

    def __init__(self, total: int, bar: Any):
        self.total, self.done, self.bar = max(total, 1), 0, bar

    def update(self, ok: bool = True) -> None:
        self.done += 1
        self.bar.progress(min(1.0, self.done / self.total))

    def finish(self) -> None:
        self.bar.empty()


def render(scenario: Any, sources: Any, lang: str = "nl", key: str = "sens",
           workers: int = 2, decision: Any = None) -> None:
    """The tab's content. Results are kept in the session under ``key``. ``decision`` (a
    :class:`sim.sensitivity.decision.DecisionResult`, e.g. from the least-staffing tab's
    targets) adds the decision verdict: robust or not, and the least staffing per case."""
    import streamlit as st

    from sim.sensitivity.model_sa import morris
    from sim.sensitivity.oneway import DEFAULT_KPIS, one_way
    from sim.sensitivity.params import uncertain_groups

    st.subheader(_t("title", lang))
    st.caption(_t("intro", lang))
    groups = uncertain_groups(scenario, sources)
    if not groups:
        st.info(_t("none", lang))
        return
    kpis = st.multiselect(_t("kpis", lang), list(KPIS),
                          default=held_list(f"{key}-kpis", list(KPIS), list(DEFAULT_KPIS)),
                          format_func=lambda k: KPIS[k].label(lang), key=f"{key}-kpis")
    with st.expander(_t("sources", lang)):
        st.dataframe(groups_frame(groups, lang), hide_index=True)
    names = {g.name: g.label(lang) for g in groups}
    chosen = st.multiselect(_t("groups", lang), list(names), format_func=lambda n: names.get(n, n),
                            key=f"{key}-groups",
                            default=held_list(f"{key}-groups", list(names), []))
    reps = int(st.number_input(_t("reps", lang), 2, 200, int(held_value(f"{key}-reps", 20)),
                               key=f"{key}-reps"))
    use = [g for g in groups if not chosen or g.name in chosen]
    if st.button(_t("run", lang), key=f"{key}-run") and kpis:
        bar = st.progress(0.0, text=_t("running", lang, n=(2 * len(use) + 1) * reps))
        st.session_state[f"{key}-oneway"] = one_way(
            scenario, use, kpis, reps=reps, workers=workers,
            progress=lambda total: _Progress(total, bar))
    res = st.session_state.get(f"{key}-oneway")
    if res is not None:
        for kpi in res.kpis:
            st.altair_chart(tornado_chart(res, kpi, lang), width="stretch")
            base = res.for_kpi(kpi)["base_mean"].iloc[0]
            st.caption(_t("caption", lang, kpi=KPIS[kpi].label(lang),
                         base=KPIS[kpi].format(base, lang)))
        from sim.running.runner import make_stamp
        from sim.sensitivity.output import stamped

        csv = stamped(res.table, make_stamp(scenario, res.seed, res.reps)).to_csv(index=False)
        st.download_button(_t("download", lang), csv.encode(), "sensitivity-oneway.csv",
                           "text/csv", key=f"{key}-download")
    st.markdown(f"**{_t('morris', lang)}**")
    if st.button(_t("run_morris", lang), key=f"{key}-run-morris") and kpis:
        bar = st.progress(0.0)
        st.session_state[f"{key}-morris"] = morris(
            scenario, use, kpis, trajectories=10, reps=3, workers=workers,
            progress=lambda total: _Progress(total, bar))
    if decision is not None:
        st.markdown(f"**{_t('decision', lang)}**")
        (st.success if decision.verdict == "robust" else st.warning)(decision.sentence(lang))
        if len(decision.rows):
            st.dataframe(decision.table(), hide_index=True)
    m = st.session_state.get(f"{key}-morris")
    if m is not None:
        for k, kpi in enumerate(m.outputs):
            st.markdown(KPIS[kpi].label(lang))
            st.dataframe(ranking_frame(m, lang, k), hide_index=True)
