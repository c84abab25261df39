"""The back-cast report: criteria first, then a verdict and a chart per series."""

from __future__ import annotations

import numpy as np

from calibration.backcast import (
    COVERAGE,
    FLOOR_QUANTILE,
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
        f"<li>A monthly series passes when at least {100 * COVERAGE:.0f}% of its months fall "
        "inside the simulated 95% band, or, if lower, at least the coverage that all but "
        f"{100 * FLOOR_QUANTILE:.2g}% of the model's own replications reach against the band "
        "of the others (the noise floor: an autocorrelated series cannot be held to more "
        "than the model itself achieves).</li>",
        "<li>The referral-to-placement distribution passes when its Kolmogorov–Smirnov "
        "distance to the simulated one is within the same quantile of the distance between "
        "one replication and the others, and at least 5 children were placed.</li>",
        "<li>The back-cast passes when every series and distribution passes. Each check is "
        f"held at {100 * FLOOR_QUANTILE:.2g}% (5% over the eight checks, Bonferroni), so a "
        "correct model fails the back-cast by chance at most 5% of the time.</li></ul>",
        f"<p>Log {esc(log.digest)}: fitted on {esc(log.date(0))} to {esc(log.date(bc.cutoff))} "
        f"(cut-off), compared from the cut-off to {esc(log.date(bc.end))}; "
        f"{bc.reps} replications. Stamp: "
        + " · ".join(f"{esc(k)} {esc(v)}" for k, v in bc.stamp.items()) + "</p>",
        f"<h2>Verdict: {verdict}</h2>",
        "<p class='note'>The band is where one history falls with 95% probability in the "
        "model (2.5% and 97.5% quantiles over replications), not the interval of the mean; "
        "the line is the mean over replications. Distances are compared with their noise "
        "floor, the same distance between independent replications.</p>",
        "<table><tr><th>series</th><th>coverage</th><th>needed</th><th>noise floor</th>"
        "<th>mean abs. error</th><th>its noise floor</th><th>verdict</th></tr>",
    ]
    for s in bc.series:
        v = "<span class='pass'>pass</span>" if s.passed else "<span class='fail'>fail</span>"
        parts.append(f"<tr><td>{esc(SERIES_LABELS[s.name])}</td><td>{100 * s.coverage:.0f}%"
                     f"</td><td>{100 * s.threshold:.0f}%</td><td>{100 * s.floor:.0f}%</td>"
                     f"<td>{fmt(s.mae)}</td><td>{fmt(s.mae_floor)}</td><td>{v}</td></tr>")
    for d in bc.distributions:
        v = "<span class='pass'>pass</span>" if d.passed else "<span class='fail'>fail</span>"
        parts.append(f"<tr><td>Referral to placement (weeks), {cell(len(d.observed))} "
                     f"children</td><td colspan='2'>KS {fmt(d.distance)}</td>"
                     f"<td>{fmt(d.floor)}</td><td></td><td></td><td>{v}</td></tr>")
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
