"""The tornado chart, one Vega-Lite (altair) chart for the app and for ``sensitivity.html``.

``tornado_chart(result, kpi, lang)`` draws, per uncertain input, the paired difference from
the base at its low and its high setting, the 95% interval of each as a whisker and the
replication noise (± the half-width of the base's own interval) as a grey band around zero.
Each input's label is on its own line with its low and high settings in its own units under
it, and labels are never cut off. Share KPIs (utilisation) are drawn in percentage points.
The app shows the chart itself; the CLI saves it as SVG (:func:`save_svg`, through
vl-convert) and puts the same SVG in the page, so the two cannot drift.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from sim.outputs.kpi_defs import KPIS

TEXT: dict[str, dict[str, str]] = {
    "nl": {"low": "laag", "high": "hoog", "diff": "Verschil met de basis",
           "pp": "procentpunt", "param": "Onzeker gegeven (laag / hoog)",
           "noise": "grijze band: replicatieruis ±{noise}",
           "clear effect": "duidelijk effect", "no clear effect": "geen duidelijk effect",
           "no data": "geen gegevens", "interval": "95%-interval"},
    "en": {"low": "low", "high": "high", "diff": "Difference from the base",
           "pp": "percentage points", "param": "Uncertain input (low / high)",
           "noise": "grey band: replication noise ±{noise}",
           "clear effect": "clear effect", "no clear effect": "no clear effect",
           "no data": "no data", "interval": "95% interval"},
}


def _t(key: str, lang: str) -> str:
    return TEXT.get(lang, TEXT["nl"])[key]


def _scale(kpi: str) -> float:
    """Shares (utilisation) are drawn in percentage points."""
    return 100.0 if KPIS[kpi].unit == "share" else 1.0


def axis_title(kpi: str, lang: str) -> str:
    unit = _t("pp", lang) if _scale(kpi) != 1 else KPIS[kpi].unit_label(lang)
    return f"{_t('diff', lang)} ({unit})" if unit else _t("diff", lang)


def tornado_frame(result: Any, kpi: str, lang: str = "nl", top: int = 15) -> pd.DataFrame:
    """Long table for the chart: one row per input and side (low/high), largest first.
    ``param`` is the label with the settings on a second line (joined by ``|``)."""
    rows = result.for_kpi(kpi).head(top)
    k = _scale(kpi)
    out = []
    for order, (_, r) in enumerate(rows.iterrows()):
        label = r["label_nl"] if lang == "nl" else r["label_en"]
        settings = ""
        if f"low_text_{lang}" in r and isinstance(r[f"low_text_{lang}"], str):
            settings = (f"{_t('low', lang)} {r[f'low_text_{lang}']} / {_t('high', lang)} "
                        f"{r[f'high_text_{lang}']}")
        for side in ("low", "high"):
            out.append({"param": f"{label}|{settings}" if settings else label,
                        "label": label, "settings": settings, "order": order,
                        "side": _t(side, lang), "diff": k * r[f"{side}_diff"],
                        "ci_low": k * r[f"{side}_diff_ci_low"],
                        "ci_high": k * r[f"{side}_diff_ci_high"],
                        "verdict": _t(r[f"{side}_verdict"], lang),
                        "noise": k * r["noise_half_width"], "source": r["source"],
                        "range": r["range_note"]})
    return pd.DataFrame(out)


def tornado_chart(result: Any, kpi: str, lang: str = "nl", top: int = 15,
                  width: int = 420) -> alt.LayerChart | alt.FacetChart:
    """Horizontal bars of the paired difference per input (low and high side by side),
    whiskers for their 95% intervals, a grey band of ± the replication noise around zero."""
    data = tornado_frame(result, kpi, lang, top)
    order = list(dict.fromkeys(data["param"])) if len(data) else []
    noise = float(data["noise"].iloc[0]) if len(data) else float("nan")
    noise = 0.0 if math.isnan(noise) else noise
    # no axis title: it would lie over the long labels (they say what the rows are)
    y = alt.Y("param:N", sort=order, title=None,
              axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0,
                            labelFontSize=11, labelPadding=6))
    band = alt.Chart(pd.DataFrame({"lo": [-noise], "hi": [noise]})).mark_rect(
        color="#cccccc", opacity=0.5).encode(x="lo:Q", x2="hi:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#666666").encode(x="x:Q")
    colours = alt.Scale(domain=[_t("low", lang), _t("high", lang)],
                        range=["#4c78a8", "#e45756"])
    bars = alt.Chart(data).mark_bar(opacity=0.85, height=10).encode(
        x=alt.X("diff:Q", title=axis_title(kpi, lang)),
        y=y, yOffset=alt.YOffset("side:N", sort=[_t("low", lang), _t("high", lang)]),
        color=alt.Color("side:N", title="", scale=colours,
                        legend=alt.Legend(orient="bottom")),
        tooltip=["label", "settings", "side", "diff", "ci_low", "ci_high", "verdict",
                 "source", "range"])
    whiskers = alt.Chart(data).mark_rule(color="black", strokeWidth=1.5).encode(
        x="ci_low:Q", x2="ci_high:Q", y=y,
        yOffset=alt.YOffset("side:N", sort=[_t("low", lang), _t("high", lang)]))
    scale = _scale(kpi)
    shown = KPIS[kpi].format_diff(noise / scale, lang).lstrip("+")
    title = alt.TitleParams(KPIS[kpi].label(lang),
                            subtitle=[_t("noise", lang).replace("{noise}", shown)])
    return alt.layer(band, zero, bars, whiskers).properties(
        title=title, width=width, height=alt.Step(14))


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text (vl-convert; no browser, no network)."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(chart.to_dict()))


def save_svg(chart: alt.TopLevelMixin, path: str | Path) -> Path:
    """Write the chart as an SVG file, atomically (a temporary file, then renamed)."""
    import os

    out = Path(path)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(to_svg(chart), encoding="utf-8")
    os.replace(tmp, out)
    return out
