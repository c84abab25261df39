"""HTML reports: the fit report of a calibration and the back-cast report.

Charts are small inline SVG drawn here (no script, no external file), so a report is one
self-contained file. Any cell that counts fewer than 5 cases is shown as "<5"
(:func:`cell`), so no child can be singled out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from calibration.calibrate import Calibration, Fitted
from calibration.fit import DurationFit, km_curve

MIN_CELL = 5
STYLE = """<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#b42318;font-weight:bold}
.note{color:#555;font-size:90%}</style>"""


def esc(x: object) -> str:
    return html.escape(str(x))


def cell(count: int) -> str:
    """A count of cases, or '<5' when it is too small to show."""
    return "&lt;5" if 0 < count < MIN_CELL else str(count)


def fmt(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}g}"


def svg_lines(series: Sequence[tuple[np.ndarray, np.ndarray, str, str]], xlabel: str,
              ylabel: str, width: int = 460, height: int = 220,
              band: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
              step: Sequence[bool] | None = None) -> str:
    """A small line chart as SVG: (x, y, colour, label) per series, an optional band."""
    xs = [np.asarray(s[0], float) for s in series if len(s[0])]
    ys = [np.asarray(s[1], float) for s in series if len(s[1])]
    if band is not None:
        xs.append(band[0])
        ys += [band[1], band[2]]
    if not xs:
        return "<p class='note'>no data</p>"
    x0, x1 = min(float(np.nanmin(x)) for x in xs), max(float(np.nanmax(x)) for x in xs)
    y0 = min(0.0, min(float(np.nanmin(y)) for y in ys))
    y1 = max(float(np.nanmax(y)) for y in ys) or 1.0
    x1 = x1 if x1 > x0 else x0 + 1
    m = 40

    def px(x: np.ndarray) -> np.ndarray:
        return m + (x - x0) / (x1 - x0) * (width - m - 10)

    def py(y: np.ndarray) -> np.ndarray:
        return height - 30 - (y - y0) / (y1 - y0 or 1) * (height - 45)

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"role='img'><rect width='100%' height='100%' fill='white'/>"]
    if band is not None:
        bx, lo, hi = (np.asarray(a, float) for a in band)
        corners = list(zip(px(bx), py(hi), strict=True)) + list(
            zip(px(bx[::-1]), py(lo[::-1]), strict=True))
        out.append("<polygon fill='#9ecae1' fill-opacity='0.5' points='"
                   + " ".join(f"{a:.1f},{b:.1f}" for a, b in corners) + "'/>")
    for i, (x, y, colour, label) in enumerate(series):
        x, y = np.asarray(x, float), np.asarray(y, float)
        if not len(x):
            continue
        if step is not None and step[i]:
            x = np.repeat(x, 2)[1:]
            y = np.repeat(y, 2)[:-1]
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px(x), py(y), strict=True))
        out.append(f"<polyline fill='none' stroke='{colour}' stroke-width='1.8' points='{pts}'/>")
        out.append(f"<text x='{width - 150}' y='{14 + 14 * i}' font-size='11' "
                   f"fill='{colour}'>{esc(label)}</text>")
    out.append(f"<line x1='{m}' y1='{height - 30}' x2='{width - 10}' y2='{height - 30}' "
               "stroke='#888'/>")
    out.append(f"<line x1='{m}' y1='15' x2='{m}' y2='{height - 30}' stroke='#888'/>")
    out.append(f"<text x='{m}' y='{height - 12}' font-size='11'>{fmt(x0)}</text>")
    out.append(f"<text x='{width - 40}' y='{height - 12}' font-size='11'>{fmt(x1)}</text>")
    out.append(f"<text x='{width / 2 - 30}' y='{height - 2}' font-size='11'>{esc(xlabel)}"
               "</text>")
    out.append(f"<text x='2' y='12' font-size='11'>{esc(ylabel)} (max {fmt(y1)})</text>")
    out.append("</svg>")
    return "".join(out)


def duration_section(phase: str, fit: DurationFit) -> str:
    t, F = km_curve(fit.times, fit.observed)
    grid = np.linspace(0, float(np.quantile(fit.times, 0.99)) if len(fit.times) else 1, 60)
    # the Kaplan-Meier curve is shown on a grid, never at single children's times
    if len(t):
        idx = np.searchsorted(t, grid, side="right") - 1
        km = np.where(idx >= 0, F[np.maximum(idx, 0)], 0.0)
    else:
        km = np.zeros_like(grid)
    chart = svg_lines([(grid, km, "#333", "data (Kaplan-Meier)"),
                       (grid, fit.cdf(grid), "#d62728", f"fit: {fit.name}")],
                      "weeks", "share finished", step=[True, False])
    aic = "".join(f"<tr><td>{esc(k)}{' (chosen)' if k == fit.name else ''}</td>"
                  f"<td>{fmt(v, 6)}</td><td>{fmt(v - min(fit.aic.values()), 3)}</td></tr>"
                  for k, v in sorted(fit.aic.items(), key=lambda kv: kv[1]))
    sd = (f", sd {fmt(fit.sd.value)} (95% {fmt(fit.sd.low)}–{fmt(fit.sd.high)})"
          if fit.sd else "")
    gof = ("not tested" if math.isnan(fit.gof_p) else
           f"bootstrap Kolmogorov–Smirnov D = {fmt(fit.gof_stat)}, p = {fmt(fit.gof_p, 2)}"
           + (" (the fit is doubtful)" if fit.gof_p < 0.05 else ""))
    return (f"<h3>{esc(phase)}</h3><p>{esc(fit.name)}: mean {fmt(fit.mean.value)} weeks "
            f"(95% {fmt(fit.mean.low)}–{fmt(fit.mean.high)}){sd}; "
            f"{cell(fit.n)} visits, of which {cell(fit.n_censored)} censored. "
            f"Goodness of fit: {gof}.</p>{chart}"
            f"<table><tr><th>family</th><th>AIC</th><th>ΔAIC</th></tr>{aic}</table>")


SUPPRESSED = "<span class='note'>suppressed (&lt;5)</span>"


def table_html(frame: pd.DataFrame, count_columns: Sequence[str] = (),
               keep: Sequence[str] = ()) -> str:
    """A table; a row whose count is under 5 shows none of its derived figures either (a
    rate and its interval would give the count back), except the ``keep`` columns."""
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    for _, r in frame.iterrows():
        tds = []
        hide = any(0 < int(r[c]) < MIN_CELL for c in count_columns)
        for c in frame.columns:
            v = r[c]
            if c in count_columns:
                tds.append(f"<td>{cell(int(v))}</td>")
            elif hide and c not in keep:
                tds.append(f"<td>{SUPPRESSED}</td>")
            elif isinstance(v, float):
                tds.append(f"<td>{fmt(v)}</td>")
            else:
                tds.append(f"<td>{esc(v)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _start_state_text(value: object) -> str:
    """Start-state counts with small cells suppressed; per-case elapsed weeks only as a
    median over at least 5 cases (never the list)."""
    from calibration.privacy import start_state_text

    return esc(start_state_text(value))


def _fitted_row(f: Fitted) -> dict[str, str]:
    small = f.est is not None and f.est.small
    if f.path.startswith("start_state."):
        value = _start_state_text(f.value)
    elif small:
        value = SUPPRESSED
    else:
        value = esc(f.value) if not isinstance(f.value, float) else fmt(f.value, 4)
    interval = ("–" if not f.est or math.isnan(f.est.low) else SUPPRESSED if small
                else f"{fmt(f.est.low)}–{fmt(f.est.high)}")
    return {"quantity": esc(f.what), "path": esc(f.path), "value": value,
            "n": cell(f.est.n) if f.est else "–", "95% interval": interval}


def _raw_table(rows: list[dict[str, str]]) -> str:
    """A table of cells already escaped and suppressed."""
    if not rows:
        return "<p class='note'>none</p>"
    head = "".join(f"<th>{esc(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r.values()) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def calibration_report(cal: Calibration, stamp: dict[str, str]) -> str:
    fitted_rows = [_fitted_row(f) for f in cal.fitted]
    parts = [f"<!doctype html><html lang='en'><meta charset='utf-8'><title>Calibration "
             f"report</title>{STYLE}<h1>Calibration report</h1>",
             f"<p>Log {esc(cal.digest)} ({cell(cal.n_cases)} cases, identifiers pseudonymised "
             "with a keyed hash). " + " · ".join(f"{esc(k)} {esc(v)}" for k, v in stamp.items())
             + "</p>",
             "<p class='note'>Durations are the time a phase takes when fully staffed, "
             "fitted by censored maximum likelihood (phases still running at the log's end, "
             "or cut short by a breakdown or an exit, count as censored, not dropped) over "
             "the exponential, gamma and lognormal families, chosen by AIC. Counts under 5 "
             "are shown as &lt;5.</p>",
             "<h2>Fitted numbers</h2>", _raw_table(fitted_rows),
             "<h2>Notes</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in cal.notes)
             + "</ul>",
             "<h2>Kept from the base scenario</h2><ul>"
             + "".join(f"<li>{esc(k)}</li>" for k in cal.kept) + "</ul>"]
    if "referrals_by_year" in cal.tables:
        parts += ["<h2>Referrals by year</h2>",
                  table_html(cal.tables["referrals_by_year"], ["referrals"], ["year"])]
    if "breakdowns" in cal.tables and len(cal.tables["breakdowns"]):
        parts += ["<h2>Breakdowns by phase</h2>",
                  table_html(cal.tables["breakdowns"], ["breakdowns"], ["phase", "weeks"])]
    if "family_funnel" in cal.tables:
        parts += ["<h2>Family funnel</h2>", table_html(cal.tables["family_funnel"],
                                                       ["families"])]
    parts.append("<h2>Durations: data against fit</h2>")
    parts += [duration_section(p, f) for p, f in cal.durations.items()]
    parts.append("</html>")
    return "\n".join(parts)
