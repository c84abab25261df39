"""The sensitivity section of the HTML report: self-contained HTML (no scripts, no links).

``report_section(oneway=..., morris=..., sobol=..., lang=...)`` returns a ``<section>`` the
report page can include: per KPI the tornado chart as inline SVG (the app's chart, from
:mod:`sim.sensitivity.chart`: bars, 95% whiskers, the noise band) above a table of the same
numbers (the paired difference at the low and the high setting, in the parameter's own units,
its 95% interval, the replication noise beside it), the Morris ranking with its noise
floor, and the Sobol indices with the noise share.
"""

from __future__ import annotations

import html
import math
from typing import Any

from sim.outputs.kpi_defs import KPIS, format_number

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Gevoeligheid: welke aannames bepalen het resultaat",
        "oneway": "Eén voor één (tornado): elk onzeker gegeven op zijn lage en hoge waarde, "
                  "met dezelfde toevalsgetallen als de basis ({reps} replicaties). Verschil "
                  "met de basis en 95%-interval; 'ruis' is de halve breedte van het interval "
                  "van de basis.",
        "param": "Gegeven (bron, bereik)", "low": "Laag", "high": "Hoog",
        "verdict": "Oordeel", "clear effect": "duidelijk effect",
        "no clear effect": "geen duidelijk effect", "no data": "geen gegevens",
        "noise": "replicatieruis ±{noise}", "base": "basis {base}",
        "morris": "Rangorde (Morris-screening, {traj} trajecten × {reps} replicaties): mu* is "
                  "het gemiddelde absolute effect over het bereik; de ruisvloer is wat ruis "
                  "alleen zou geven.",
        "mu": "mu*", "floor": "ruisvloer", "sobol": "Sobol-indices ({method}); ruisaandeel "
        "{share}",
        "first": "eerste orde", "total": "totaal",
    },
    "en": {
        "title": "Sensitivity: which assumptions move the answer",
        "oneway": "One at a time (tornado): each uncertain input at its low and high value, "
                  "with the same random numbers as the base ({reps} replications). Difference "
                  "from the base with its 95% interval; 'noise' is the half-width of the "
                  "base's own interval.",
        "param": "Input (source, range)", "low": "Low", "high": "High",
        "verdict": "Verdict", "clear effect": "clear effect",
        "no clear effect": "no clear effect", "no data": "no data",
        "noise": "replication noise ±{noise}", "base": "base {base}",
        "morris": "Ranking (Morris screening, {traj} trajectories × {reps} replications): mu* "
                  "is the mean absolute effect across the range; the noise floor is what "
                  "noise alone gives.",
        "mu": "mu*", "floor": "noise floor", "sobol": "Sobol indices ({method}); noise share "
        "{share}",
        "first": "first order", "total": "total",
    },
}

STYLE = ("<style>.sens td,.sens th{padding:2px 6px;font-size:90%;text-align:left}"
         ".sens .bar{display:inline-block;height:10px;background:#4c78a8}"
         ".sens .neg{background:#e45756}.sens .muted{color:#777}</style>")


def _num(x: float, lang: str, decimals: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return format_number(x, lang, decimals)


def _bar(diff: float, scale: float) -> str:
    if not scale or math.isnan(diff):
        return ""
    width = min(120, int(round(120 * abs(diff) / scale)))
    return f'<span class="bar{" neg" if diff < 0 else ""}" style="width:{width}px"></span>'


def _svg(res: Any, kpi: str, lang: str, top: int) -> str:
    """The tornado as inline SVG: the chart code the app uses (sim.sensitivity.chart)."""
    from sim.sensitivity.chart import to_svg, tornado_chart

    svg = to_svg(tornado_chart(res, kpi, lang, top))
    return svg[svg.index("<svg"):] if "<svg" in svg else ""


def _oneway(res: Any, lang: str, top: int, charts: bool = True) -> str:
    t = TEXT[lang]
    parts = [f"<p>{html.escape(t['oneway'].format(reps=res.reps))}</p>"]
    for kpi in res.kpis:
        rows = res.for_kpi(kpi).head(top)
        if rows.empty:
            continue
        d = KPIS[kpi]
        first = rows.iloc[0]
        scale = float(rows["swing"].max()) or 1.0
        base = t["base"].format(base=_num(first["base_mean"], lang))
        noise = t["noise"].format(noise=_num(first["noise_half_width"], lang))
        parts.append(f"<h4>{html.escape(d.label(lang))} ({html.escape(d.unit_label(lang))}): "
                     f"{html.escape(base)}, {html.escape(noise)}</h4>")
        if charts:
            parts.append(f"<figure class='tornado'>{_svg(res, kpi, lang, top)}</figure>")
        parts.append(f"<table class='sens'><tr><th>{t['param']}</th><th>{t['low']}</th>"
                     f"<th>{t['high']}</th><th>{t['verdict']}</th></tr>")
        for _, r in rows.iterrows():
            label = r["label_nl"] if lang == "nl" else r["label_en"]
            if isinstance(r.get(f"low_text_{lang}"), str):
                label += f" ({t['low'].lower()} {r[f'low_text_{lang}']}, " \
                         f"{t['high'].lower()} {r[f'high_text_{lang}']})"
            cells = []
            for side in ("low", "high"):
                cells.append(
                    f"<td>{_bar(r[f'{side}_diff'], scale)} {_num(r[f'{side}_diff'], lang)} "
                    f"<span class='muted'>[{_num(r[f'{side}_diff_ci_low'], lang)}; "
                    f"{_num(r[f'{side}_diff_ci_high'], lang)}]</span></td>")
            parts.append(f"<tr><td>{html.escape(label)} <span class='muted'>"
                         f"[{html.escape(r['source'])}; {html.escape(r['range_note'])}]</span>"
                         f"</td>{''.join(cells)}<td>{html.escape(t[r['verdict']])}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def _morris(m: Any, lang: str, top: int) -> str:
    t = TEXT[lang]
    parts = [f"<p>{html.escape(t['morris'].format(traj=m.trajectories, reps=m.reps))}</p>"]
    clear = m.clear_effect()
    for k, kpi in enumerate(m.outputs):
        parts.append(f"<h4>{html.escape(KPIS[kpi].label(lang) if kpi in KPIS else kpi)}</h4>"
                     f"<table class='sens'><tr><th>{t['param']}</th><th>{t['mu']}</th>"
                     f"<th>{t['floor']}</th><th>{t['verdict']}</th></tr>")
        for j in m.ranking(k)[:top]:
            verdict = t["clear effect"] if clear[k, j] else t["no clear effect"]
            parts.append(f"<tr><td>{html.escape(m.names[j])}</td><td>"
                         f"{_num(m.mu_star[k, j], lang)} ± {_num(m.mu_star_conf[k, j], lang)}"
                         f"</td><td>{_num(m.noise_floor[k, j], lang)}</td><td>{verdict}</td>"
                         "</tr>")
        parts.append("</table>")
    return "".join(parts)


def _sobol(s: Any, lang: str) -> str:
    t = TEXT[lang]
    parts = []
    for k, kpi in enumerate(s.outputs):
        share = (f"{_num(s.noise_share[k], lang)} [{_num(s.noise_share_low[k], lang)}; "
                 f"{_num(s.noise_share_high[k], lang)}]")
        name = KPIS[kpi].label(lang) if kpi in KPIS else kpi
        parts.append(f"<h4>{html.escape(name)}</h4><p>"
                     f"{html.escape(t['sobol'].format(method=s.method, share=share))}</p>"
                     f"<table class='sens'><tr><th>{t['param']}</th><th>{t['first']}</th>"
                     f"<th>{t['total']}</th></tr>")
        for j, p in enumerate(s.names):
            parts.append(
                f"<tr><td>{html.escape(p)}</td><td>{_num(s.first[k, j], lang)} "
                f"[{_num(s.first_low[k, j], lang)}; {_num(s.first_high[k, j], lang)}]</td>"
                f"<td>{_num(s.total[k, j], lang)} [{_num(s.total_low[k, j], lang)}; "
                f"{_num(s.total_high[k, j], lang)}]</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def _decision(d: Any, lang: str) -> str:
    t = TEXT[lang]
    head = "Beslissing" if lang == "nl" else "Decision"
    parts = [f"<h4>{head}</h4><p><strong>{html.escape(d.sentence(lang))}</strong></p>"]
    table = d.table()
    if not table.empty:
        least_cols = [c for c in table.columns if c.startswith("least_")]
        parts.append(f"<table class='sens'><tr><th>{t['param']}</th><th>{t['low']}/"
                     f"{t['high']}</th>" + "".join(
                         f"<th>{html.escape(c.removeprefix('least_'))}</th>"
                         for c in least_cols) + "</tr>")
        for _, r in table.iterrows():
            label = r["label_nl"] if lang == "nl" else r["label_en"]
            cells = "".join(f"<td>{_num(r[c], lang, 1)}</td>" for c in least_cols)
            parts.append(f"<tr><td>{html.escape(label)}</td><td>{html.escape(t[r['side']])}"
                         f"</td>{cells}</tr>")
        parts.append("</table>")
    return "".join(parts)


def report_section(oneway: Any = None, morris: Any = None, sobol: Any = None,
                   lang: str = "nl", top: int = 12, decision: Any = None,
                   charts: bool = True) -> str:
    """The report's sensitivity section (empty string when there is nothing to show); with
    ``charts`` the tornado of every KPI as inline SVG above its table."""
    lang = lang if lang in TEXT else "nl"
    body = "".join([
        _oneway(oneway, lang, top, charts) if oneway is not None else "",
        _morris(morris, lang, top) if morris is not None else "",
        _sobol(sobol, lang) if sobol is not None else "",
        _decision(decision, lang) if decision is not None else "",
    ])
    if not body:
        return ""
    return (f"<section id='sensitivity'>{STYLE}<h2>{html.escape(TEXT[lang]['title'])}</h2>"
            f"{body}</section>")
