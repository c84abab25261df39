"""A self-contained HTML report of one run, fit to hand to a board.

Everything is inside the one file: styles inline, charts as inline SVG rendered from the same
Altair charts the page shows (by ``vl-convert``, no JavaScript, no CDN), the inputs, the KPIs
with their 95% intervals, the package version, the seed and the scenario hash. It opens offline.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

from sim.domain import PLACED_PHASES, ROLES
from sim.scenario import scenario_hash, scenario_to_yaml
from webapp.charts import SINGLE_CHARTS
from webapp.i18n import fmt_ci, fmt_kpi, fmt_num, kpi_label, t, term

#: The key figures the page shows as cards, and the report shows first.
CARD_KPIS = (
    "wait_assessment_mean",
    "wait_family_mean",
    "referral_to_placement_mean",
    "referral_to_placement_p90",
    "placements_per_year",
    "breakdowns_per_year",
)
HEADLINE_KPIS = (
    *CARD_KPIS,
    *(f"utilisation_{r}" for r in ROLES),
    *(f"caseload_{r}" for r in ROLES),
)

_CSS = """
body{font-family:Helvetica,Arial,sans-serif;color:#1f2937;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #d1d5db;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
td.num{text-align:right;white-space:nowrap}.muted{color:#6b7280;font-size:.9rem}
figure{margin:1.2rem 0}figcaption{color:#374151;font-size:.92rem;margin-top:.3rem}
pre{background:#f3f4f6;padding:.8rem;overflow-x:auto;font-size:.8rem}
svg{max-width:100%;height:auto}
"""


def chart_svg(chart: Any) -> str:
    """An Altair chart as an inline SVG string (rendered locally by vl-convert)."""
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(chart.to_dict())
    # Drop the XML prolog, if any, so the SVG can sit inside HTML.
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return svg


def _schedule_text(steps: list[Any], field: str, lang: str, key: str) -> str:
    parts = []
    for s in steps:
        value = fmt_num(getattr(s, field), lang, 1)
        if key == "rep.hours_from":
            parts.append(t(key, lang, hours=value, week=fmt_num(s.from_week, lang, 0)))
        else:
            parts.append(t(key, lang, rate=value, week=fmt_num(s.from_week, lang, 0)))
    return "; ".join(parts)


def input_rows(scenario: Any, lang: str) -> list[tuple[str, str]]:
    """The planner-facing inputs of a scenario as (label, value) rows."""
    rows: list[tuple[str, str]] = []
    for role in ROLES:
        rs = scenario.staff.role(role)
        text = _schedule_text(rs.schedule, "hours", lang, "rep.hours_from")
        leave = fmt_num(100 * rs.leave_share, lang, 0)
        rows.append((f"{t('rep.staff', lang)}: {term(role, lang)}",
                     f"{text} ({t('in.leave', lang)}: {leave})"))
    ref = scenario.referrals
    rows.append((t("rep.referrals", lang), _schedule_text(ref.schedule, "per_year", lang,
                                                          "rep.rate_from")))
    rows.append((t("rep.sources", lang), "; ".join(
        f"{term(k, lang)} {fmt_num(100 * v.share, lang, 0)}%" for k, v in ref.sources.items())))
    fam = scenario.families
    rows.append((t("rep.families", lang), f"{fmt_num(fam.interested_per_year, lang, 1)} / "
                 f"{fmt_num(100 * fam.screening.pass_rate, lang, 0)}%"))
    rows.append((t("in.family_leave", lang), fmt_num(100 * fam.leave_per_year, lang, 0)))
    brk = scenario.breakdown
    rows.append((t("rep.breakdown", lang), "; ".join(
        f"{term(k, lang)} {v:.4g}" for k, v in brk.weekly_hazard.items() if k in PLACED_PHASES)))
    rows.append((t("in.underserved", lang), fmt_num(brk.underserved, lang, 2)))
    rows.append((t("rep.policy", lang), t(f"in.policy.{scenario.policy}", lang)))
    start = scenario.start_state
    children = ", ".join(f"{term(k, lang)}: {n}" for k, n in start.children.items() if n) or "0"
    rows.append((t("rep.start", lang), t("rep.start_value", lang, children=children,
                                          families=start.families_in_pool)))
    rows.append((t("rep.horizon", lang), t("rep.horizon_value", lang,
                                            horizon=fmt_num(scenario.horizon_weeks, lang, 0),
                                            warmup=fmt_num(scenario.warmup_weeks, lang, 0))))
    return rows


def in_short(summary: Any, lg: str) -> str:
    """One plain-language sentence with the run's main figures (``summary`` indexed by kpi)."""
    r2p = summary.loc["referral_to_placement_mean"]
    utils = {role: float(summary.loc[f"utilisation_{role}", "mean"]) for role in ROLES}
    busiest = max(utils, key=lambda r: -1.0 if math.isnan(utils[r]) else utils[r])
    return t("res.in_short", lg,
             mean=fmt_num(float(r2p["mean"]), lg, 1), low=fmt_num(float(r2p["ci_low"]), lg, 1),
             high=fmt_num(float(r2p["ci_high"]), lg, 1),
             p90=fmt_num(float(summary.loc["referral_to_placement_p90", "mean"]), lg, 0),
             placements=fmt_num(float(summary.loc["placements_per_year", "mean"]), lg, 1),
             role=term(busiest, lg), util=fmt_kpi(f"utilisation_{busiest}", utils[busiest], lg))


def _kpi_table(summary: Any, title: str, lang: str) -> list[str]:
    esc = html.escape
    out = [f"<h2>{esc(title)}</h2><table>",
           f"<tr><th>{esc(t('col.kpi', lang))}</th><th>{esc(t('col.mean', lang))}</th>"
           f"<th>{esc(t('col.ci_low', lang))} – {esc(t('col.ci_high', lang))}</th>"
           f"<th>{esc(t('col.n', lang))}</th></tr>"]
    for row in summary.itertuples(index=False):
        out.append(
            f"<tr><td>{esc(kpi_label(row.kpi, lang))}</td>"
            f'<td class="num">{esc(fmt_kpi(row.kpi, row.mean, lang))}</td>'
            f'<td class="num">{esc(fmt_ci(row.kpi, row.ci_low, row.ci_high, lang))}</td>'
            f'<td class="num">{int(row.n)}</td></tr>'
        )
    out.append("</table>")
    return out


def build_report(name: str, result: Any, lang: str, now: dt.datetime | None = None) -> str:
    """The whole report as one HTML string."""
    esc = html.escape
    scenario = result.scenario
    stamp = result.stamp
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    out = [
        f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{esc(t('rep.title', lang))}: {esc(name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(t('rep.title', lang))}: {esc(name)}</h1>",
        f'<p class="muted">{esc(t("rep.generated", lang, when=when, version=stamp["version"]))}'
        "</p>",
        f"<h2>{esc(t('rep.identity', lang))}</h2><table>",
    ]
    identity = [(t("rep.run_name", lang), name)]
    if scenario.name != name:
        identity.append((t("rep.scenario", lang), scenario.name))
    identity += [
        (t("rep.hash", lang), stamp["scenario_hash"]),
        (t("rep.seed", lang), str(stamp["seed"])),
        (t("rep.reps", lang), str(stamp["replications"])),
        (t("rep.version", lang), str(stamp["version"])),
    ]
    out += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in identity]
    out.append(f"</table><h2>{esc(t('rep.inputs', lang))}</h2><table>")
    out += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in input_rows(scenario, lang)]
    out.append("</table>")
    summary = result.summary
    indexed = summary.set_index("kpi")
    headline = indexed.loc[list(HEADLINE_KPIS)].reset_index()
    out += _kpi_table(headline, t("rep.kpis", lang), lang)
    out.append(f"<p>{esc(in_short(indexed, lang))}</p>")
    out.append(f"<h2>{esc(t('rep.charts', lang))}</h2>")
    for key, builder in SINGLE_CHARTS:
        try:
            chart = builder(result, lang)
            body = chart_svg(chart) if chart is not None else esc(t("chart.dist.none", lang))
        except Exception as exc:  # a chart that fails must not cost the whole report
            body = esc(t("rep.chart_missing", lang, error=exc))
        out.append(f"<figure>{body}<figcaption>{esc(t(f'chart.{key}.help', lang))}"
                   "</figcaption></figure>")
    out += _kpi_table(summary, t("rep.all_kpis", lang), lang)
    yaml_text = scenario_to_yaml(scenario)
    out.append(f"<h2>{esc(t('rep.full_yaml', lang))}</h2>")
    out.append(f'<p class="muted">{esc(t("rep.hash", lang))} {esc(scenario_hash(scenario))}</p>')
    out.append(f"<pre>{esc(yaml_text)}</pre>")
    out.append(f'<p class="muted">{esc(t("rep.footer", lang))}</p></body></html>')
    return "\n".join(out)
