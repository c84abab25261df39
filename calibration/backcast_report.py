"""The back-cast report: criteria first, then a verdict and a chart per series."""

from __future__ import annotations

import numpy as np

from calibration.backcast import (
    ALPHA,
    SERIES_LABELS,
    WEEKS_PER_MONTH,
    Backcast,
)
from calibration.read import CaseLog
from calibration.report import STYLE, cell, esc, fmt, svg_lines


def backcast_report(bc: Backcast, log: CaseLog) -> str:
    verdict = ("<span class='pass'>PASSED</span>" if bc.passed
               else "<span class='fail'>FAILED</span>")
    parts = [
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>Back-cast report</title>",
        STYLE, "<h1>Back-cast report</h1>",
        "<h2>Acceptance criteria (fixed before the comparison)</h2><ul>",
        f"<li>The simulated histories come from {bc.sets} parameter set(s), each a "
        "calibration of a bootstrap resample of the cases before the cut-off, so the bands "
        "include what the log leaves uncertain about the inputs, not only simulation "
        "noise.</li>",
        "<li>Each check (seven monthly series and the referral-to-placement distribution) "
        "gives every history, observed and simulated alike, a discrepancy against all the "
        "others: the share of months outside their 95% band, or the Kolmogorov–Smirnov "
        "distance. Its rank is the check's p-value; the smallest over the checks is ranked "
        "the same way (a Monte Carlo test).</li>",
        f"<li>The back-cast fails when the observed history is among the most extreme "
        f"{100 * ALPHA:.0f}% of the {bc.reps + 1} histories. A right model fails by chance "
        f"at most {100 * ALPHA:.0f}% of the time, whatever the number of checks and their "
        "correlation, if the model and its parameter uncertainty are right. On synthetic "
        "logs from an unchanged process, with 100 histories, it failed 9.7% of the time "
        "(95% 5.2-17.4%; README, 'Calibration'): more than 5%.</li></ul>",
        f"<p>Log {esc(log.digest)}: fitted on {esc(log.date(0))} to {esc(log.date(bc.cutoff))} "
        f"(cut-off), compared from the cut-off to {esc(log.date(bc.end))}; "
        f"{bc.reps} simulated histories ({bc.sets} parameter sets); p = {fmt(bc.p_value, 2)}. "
        "Stamp: "
        + " · ".join(f"{esc(k)} {esc(v)}" for k, v in bc.stamp.items()) + "</p>",
        f"<h2>Verdict: {verdict}</h2>",
        "<p class='note'>The band is where one history falls with 95% probability in the "
        "model (2.5% and 97.5% quantiles over replications), not the interval of the mean; "
        "the line is the mean over replications. Distances are compared with their noise "
        "floor, the same distance between independent replications.</p>",
        "<p class='note'>Rank: the share of simulated histories whose mean over the months "
        "is below the observed one (0.5 is the middle; near 0 or 1 the log is at the edge of "
        "what the model gives).</p>",
        "<table><tr><th>series</th><th>coverage</th><th>needed</th><th>p (this check)</th>"
        "<th>rank of the level</th><th>mean abs. error</th><th>its noise floor</th>"
        "<th>verdict</th></tr>",
    ]
    for s in bc.series:
        v = "<span class='pass'>pass</span>" if s.passed else "<span class='fail'>fail</span>"
        parts.append(f"<tr><td>{esc(SERIES_LABELS[s.name])}</td><td>{100 * s.coverage:.0f}%"
                     f"</td><td>{100 * s.threshold:.0f}%</td><td>{fmt(s.p_value, 2)}</td>"
                     f"<td>{fmt(s.level_rank, 2)}</td><td>{fmt(s.mae)}</td>"
                     f"<td>{fmt(s.mae_floor)}</td><td>{v}</td></tr>")
    for d in bc.distributions:
        v = ("not tested (fewer than 5 placed)" if not d.tested else
             "<span class='pass'>pass</span>" if d.passed else "<span class='fail'>fail</span>")
        parts.append(f"<tr><td>Referral to placement (weeks), {cell(len(d.observed))} "
                     f"children</td><td colspan='2'>KS {fmt(d.distance)}</td>"
                     f"<td>{fmt(d.p_value, 2)}</td><td></td><td></td><td></td><td>{v}</td>"
                     "</tr>")
    parts.append("</table>")
    for s in bc.series:
        x = s.months.astype(float)
        chart = svg_lines([(x, s.observed, "#d62728", "observed"),
                           (x, s.mean, "#08519c", "simulated mean")],
                          f"months after the cut-off ({WEEKS_PER_MONTH:.2f} weeks each)",
                          SERIES_LABELS[s.name], band=(x, s.low, s.high), width=640)
        parts.append(f"<h3>{esc(SERIES_LABELS[s.name])}</h3>{chart}")
    for d in bc.distributions:
        if len(d.observed) >= 5 and len(d.simulated):
            grid = np.linspace(0, float(max(d.observed.max(), np.quantile(d.simulated, 0.99))),
                               60)
            obs = np.searchsorted(np.sort(d.observed), grid, side="right") / len(d.observed)
            sim = np.searchsorted(np.sort(d.simulated), grid, side="right") / len(d.simulated)
            parts.append("<h3>Referral to placement: observed against simulated</h3>"
                         + svg_lines([(grid, obs, "#d62728", "observed"),
                                      (grid, sim, "#08519c", "simulated")],
                                     "weeks", "share placed within", step=[True, True]))
    parts.append("</html>")
    return "\n".join(parts)
