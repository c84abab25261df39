"""Display tables of results (no Streamlit): the KPI summary, runs side by side, paired
differences with better/worse marks, and the minimum check. Every figure is formatted by its
KPI definition (``sim.outputs.kpi_defs``) through ``webapp.i18n``."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from sim.outputs.kpi_defs import KPIS
from webapp.i18n import fmt_ci, fmt_diff, fmt_kpi, kpi_label, t


def kpi_with_unit(kpi: str, lang: str) -> str:
    """'Wachttijd tot beeldvorming (gemiddeld) [weken]' style label for table rows."""
    unit = KPIS[kpi].unit_label(lang)
    if KPIS[kpi].unit == "EUR/year":
        unit = "€ " + unit
    if KPIS[kpi].unit == "share":
        unit = "%"
    return f"{kpi_label(kpi, lang)} ({unit})" if unit else kpi_label(kpi, lang)


def summary_table(s: pd.DataFrame, lg: str) -> pd.DataFrame:
    """Every KPI of one run: mean, 95% interval, replications."""
    return pd.DataFrame({
        t("col.kpi", lg): [kpi_label(k, lg) for k in s["kpi"]],
        t("col.mean", lg): [fmt_kpi(k, m, lg) for k, m in zip(s["kpi"], s["mean"], strict=True)],
        t("col.ci_low", lg) + " – " + t("col.ci_high", lg): [
            fmt_ci(k, lo, hi, lg)
            for k, lo, hi in zip(s["kpi"], s["ci_low"], s["ci_high"], strict=True)
        ],
        t("col.n", lg): s["n"].astype(int),
    })


def verdict_mark(kpi: str, low: float, high: float, lang: str) -> str:
    """'better' / 'worse' when the whole interval of the difference lies on one side of zero
    (the KPI's direction says which side is good), 'no clear difference' otherwise, and
    'clear difference' for a KPI without a direction."""
    if math.isnan(low) or math.isnan(high) or (low <= 0 <= high):
        return t("cmp.mark.none", lang)
    better = KPIS[kpi].is_better(low if low > 0 else high)
    if better is None:
        return t("cmp.mark.changed", lang)
    return t("cmp.mark.better", lang) if better else t("cmp.mark.worse", lang)


def difference_table(df: pd.DataFrame, lg: str, kpis: list[str] | None = None) -> pd.DataFrame:
    """Paired differences (other - base) per KPI from ``sim.running.runner.compare_experiments``."""
    if kpis is not None:
        df = df.set_index("kpi").loc[kpis].reset_index()
    names = list(df["kpi"])
    # The means of both runs are in the side-by-side table above; four columns fit the page.
    return pd.DataFrame({
        t("col.kpi", lg): [kpi_label(k, lg) for k in names],
        t("col.significant", lg): [
            verdict_mark(k, lo, hi, lg)
            for k, lo, hi in zip(names, df["diff_ci_low"], df["diff_ci_high"], strict=True)
        ],
        t("col.diff", lg): [fmt_diff(k, v, lg) for k, v in zip(names, df["diff_mean"],
                                                               strict=True)],
        t("col.diff_ci", lg): [
            f"{fmt_diff(k, lo, lg)} … {fmt_diff(k, hi, lg)}"
            for k, lo, hi in zip(names, df["diff_ci_low"], df["diff_ci_high"], strict=True)
        ],
    })


def compare_frames(runs: dict[str, Any], base: str, others: list[str],
                   lg: str) -> list[tuple[str, pd.DataFrame, int]]:
    """Per other run: a display table of paired differences (other - base) per KPI."""
    from sim.running.runner import compare_experiments

    out = []
    for other in others:
        df = compare_experiments(runs[base].result, runs[other].result)
        n = int(df["n"].max()) if len(df) else 0
        out.append((other, difference_table(df, lg), n))
    return out


def side_by_side(summaries: dict[str, pd.DataFrame], lg: str,
                 kpis: list[str] | None = None,
                 growing: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """Key figures of several runs (name -> summary) side by side: mean and interval.
    ``growing`` (run -> KPIs that grow with the horizon in that run) puts the growth caveat
    beside such a figure: a growing queue is never shown as a steady figure."""
    first = next(iter(summaries.values()))
    names = list(first["kpi"]) if kpis is None else kpis
    table = pd.DataFrame({t("col.kpi", lg): [kpi_label(k, lg) for k in names]})
    caveat = " · " + t("growth.card", lg)
    for name, summary in summaries.items():
        s = summary.set_index("kpi").reindex(names)
        grows = (growing or {}).get(name, set())
        table[name] = [
            f"{fmt_kpi(k, m, lg)} ({fmt_ci(k, lo, hi, lg)})" + (caveat if k in grows else "")
            for k, m, lo, hi in zip(names, s["mean"], s["ci_low"], s["ci_high"], strict=True)
        ]
    return table
