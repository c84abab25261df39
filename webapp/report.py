"""A report for a board deciding between options (the runs a planner ticks), as one
self-contained HTML file and as PDF.

Order (issue 11): the question and the answer in two sentences; one summary table of the
options with the headline KPIs, their intervals and better/worse marks against the first
option; the warnings of growing waiting lists; the charts; the assumptions with their sources;
the full scenarios in an appendix. Everything is inside the one file: styles inline, charts as
inline SVG rendered from the same Altair charts the page shows (by ``vl-convert``, no
JavaScript, no CDN). The print layout has page breaks, numbered pages and the stamp (scenario
hash, seed, version, model fingerprint) in every page's footer; :func:`report_pdf` prints it
with Playwright and Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from pathlib import Path
from typing import Any

from sim.outputs.kpi_defs import HEADLINE_KPIS, KPIS
from sim.scenario.domain import PLACED_PHASES, ROLES
from webapp import charts as ch
from webapp import growth as gr
from webapp.i18n import fmt_ci, fmt_diff, fmt_kpi, fmt_num, kpi_label, t, term

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
.warn{background:#fff7ed;border-left:4px solid #f97316;padding:.5rem .8rem}
.better{color:#166534}.worse{color:#b91c1c}
.answer{font-size:1.05rem;background:#f0f9ff;border-left:4px solid #0284c7;padding:.6rem .9rem}
.stamp{color:#6b7280;font-size:.8rem}
section.page{break-before:page}
@page{size:A4;margin:16mm 14mm 18mm 14mm}
@media print{body{margin:0;max-width:none}figure{break-inside:avoid}tr{break-inside:avoid}
pre{white-space:pre-wrap}}
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
        f"{term(k, lang)} {fmt_num(v, lang, 4)}" for k, v in brk.weekly_hazard.items()
        if k in PLACED_PHASES)))
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



def in_short(summary: Any, lg: str, growth: gr.Growth | None = None) -> str:
    """One plain-language sentence with the run's main figures (``summary`` indexed by kpi);
    when the waiting list grows, the sentence says the waits are no steady figure."""
    r2p = summary.loc["referral_to_placement_mean"]
    utils = {role: float(summary.loc[f"utilisation_{role}", "mean"]) for role in ROLES}
    busiest = max(utils, key=lambda r: -1.0 if math.isnan(utils[r]) else utils[r])
    key = "res.in_short_growing" if growth is not None and growth.growing else "res.in_short"
    return t(key, lg,
             mean=fmt_kpi("referral_to_placement_mean", float(r2p["mean"]), lg),
             ci=fmt_ci("referral_to_placement_mean", float(r2p["ci_low"]),
                       float(r2p["ci_high"]), lg),
             p90=fmt_kpi("referral_to_placement_p90",
                         float(summary.loc["referral_to_placement_p90", "mean"]), lg),
             placements=fmt_num(float(summary.loc["placements_per_year", "mean"]), lg, 1),
             role=term(busiest, lg), util=fmt_kpi(f"utilisation_{busiest}", utils[busiest], lg),
             saving=fmt_kpi("net_saving_per_year",
                            float(summary.loc["net_saving_per_year", "mean"]), lg))


def _options_table(results: dict[str, Any], lang: str) -> list[str]:
    """The headline KPIs of every option, with interval; marks against the first option."""
    from sim.running.runner import compare_experiments
    from webapp.tables import verdict_mark

    esc = html.escape
    names = list(results)
    base = names[0]
    diffs = {n: compare_experiments(results[base], results[n]).set_index("kpi")
             for n in names[1:]}
    summaries = {n: r.summary.set_index("kpi") for n, r in results.items()}
    out = ["<table><tr><th>" + esc(t("col.kpi", lang)) + "</th>"
           + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>"]
    for kpi in HEADLINE_KPIS:
        cells = []
        for n in names:
            row = summaries[n].loc[kpi]
            ci = fmt_ci(kpi, float(row["ci_low"]), float(row["ci_high"]), lang)
            text = (f"<b>{esc(fmt_kpi(kpi, float(row['mean']), lang))}</b><br>"
                    f'<span class="muted">{esc(ci)}</span>')
            if n != base:
                d = diffs[n].loc[kpi]
                mark = verdict_mark(kpi, float(d["diff_ci_low"]), float(d["diff_ci_high"]), lang)
                better = KPIS[kpi].is_better(float(d["diff_mean"]))
                cls = "" if mark == t("cmp.mark.none", lang) else (
                    "better" if better else "worse" if better is False else "")
                diff = fmt_diff(kpi, float(d["diff_mean"]), lang)
                text += f'<br><span class="{cls}">{esc(diff)} · {esc(mark)}</span>'
            cells.append(f'<td class="num">{text}</td>')
        out.append(f"<tr><td>{esc(kpi_label(kpi, lang))}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    out.append(f'<p class="muted">{esc(t("rep.marks", lang, base=base))}</p>')
    return out


def _answer(results: dict[str, Any], growths: dict[str, gr.Growth], lang: str) -> str:
    """The question and the answer in two sentences."""
    names = list(results)
    p90 = {n: float(r.summary.set_index("kpi").loc["referral_to_placement_p90", "mean"])
           for n, r in results.items()}
    steady = [n for n in names if not growths[n].growing]
    pool = steady or names
    best = min(pool, key=lambda n: p90[n] if not math.isnan(p90[n]) else math.inf)
    question = t("rep.question", lang, options=", ".join(names))
    if len(names) == 1:
        answer = t("rep.answer_one", lang, name=best,
                   p90=fmt_kpi("referral_to_placement_p90", p90[best], lang))
    else:
        answer = t("rep.answer", lang, name=best,
                   p90=fmt_kpi("referral_to_placement_p90", p90[best], lang))
    grow = [n for n in names if growths[n].growing]
    if grow:
        answer += " " + t("rep.answer_growing", lang, names=", ".join(grow))
    return f"{question} {answer}"


def _stamp_line(results: dict[str, Any]) -> str:
    parts = []
    for name, r in results.items():
        s = r.stamp
        parts.append(f"{name}: {s['scenario_hash']} · seed {s['seed']} · "
                     f"v{s['version']} · {str(s.get('model_fingerprint', ''))[:12]}")
    return " | ".join(parts)


def build_report(results: Any, lang: str, now: dt.datetime | None = None,
                 name: str | None = None, extra_sections: list[str] | None = None,
                 sources: Any = None) -> str:
    """The report as one HTML string. ``results`` maps option names to results (one result
    with ``name`` is accepted too). ``extra_sections`` are ready HTML sections of the analyses
    run in this session (least staffing, sensitivity), placed after the charts. ``sources``
    (``sim.scenario.sources.ScenarioSources`` of the loaded scenario) name where each value comes
    from; without it, the shipped baseline file's."""
    if not isinstance(results, dict):
        results = {name or results.scenario.name: results}
    esc = html.escape
    names = list(results)
    srcs = sources if sources is not None else _file_sources(BASELINE)
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    first = next(iter(results.values()))
    growths = {n: gr.assess(r) for n, r in results.items()}
    stamp = _stamp_line(results)
    title = f"{t('rep.title', lang)}: {', '.join(names)}"
    out = [
        f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="muted">'
        f'{esc(t("rep.generated", lang, when=when, version=first.stamp["version"]))}</p>',
        f'<p class="answer">{esc(_answer(results, growths, lang))}</p>',
        f"<h2>{esc(t('rep.options', lang))}</h2>",
        *_options_table(results, lang),
        *[f"<p>{esc(n)}: {esc(in_short(r.summary.set_index('kpi'), lang, growths[n]))}</p>"
          for n, r in results.items()],
        f"<h2>{esc(t('rep.growth', lang))}</h2>",
    ]
    warned = False
    # Only the options whose waiting list grows are listed under this heading.
    for n, g in growths.items():
        if not g.growing:
            continue
        text = gr.warning_text(g, lang)
        if text:
            warned = True
            out.append(f'<p class="warn"><b>{esc(n)}</b>: {esc(text)}</p>')
        idle = gr.idle_text(g, lang)
        if idle and results[n].scenario.policy == "waitlist" and \
                g.verdicts["staff"].verdict != "stable":
            out.append(f"<p><b>{esc(n)}</b>: {esc(idle)}</p>")
    if not warned:
        out.append(f"<p>{esc(t('rep.no_growth', lang))}</p>")
    out.append(f"<section class=\"page\"><h2>{esc(t('rep.charts', lang))}</h2>")
    charts: list[tuple[str, Any]] = []
    if len(results) > 1:
        charts += [("cmp.waiting", lambda: ch.compare_waiting_chart(results, lang)),
                   ("cmp.util", lambda: ch.compare_utilisation_chart(results, lang))]
    for key, builder in ch.SINGLE_CHARTS:
        if len(results) == 1 or key in ("phases", "flow"):
            for r in results.values():
                charts.append((f"chart.{key}", lambda b=builder, r=r: b(r, lang)))
    for key, make in charts:
        try:
            chart = make()
            body = (chart_svg(ch.localise(chart, lang)) if chart is not None
                    else esc(t("chart.dist.none", lang)))
        except Exception as exc:  # a chart that fails must not cost the whole report
            body = esc(t("rep.chart_missing", lang, error=exc))
        out.append(f"<figure>{body}<figcaption>{esc(t(f'{key}.help', lang))}"
                   "</figcaption></figure>")
    out.append("</section>")
    for section in extra_sections or []:
        out.append(f'<section class="page">{section}</section>')
    out.append(f"<section class=\"page\"><h2>{esc(t('rep.assumptions', lang))}</h2>")
    for n, r in results.items():
        out.append(f"<h3>{esc(n)}</h3><table>")
        out += [f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>"
                for k, v in input_rows(r.scenario, lang)]
        out.append("</table>")
    out += sourced_rows(srcs, lang)
    out.append("</section>")
    out.append(f"<section class=\"page\"><h2>{esc(t('rep.appendix', lang))}</h2>")
    out += appendix(results, srcs, lang)
    out.append("</section>")
    out.append(f'<p class="muted">{esc(t("rep.footer", lang))}</p>')
    out.append(f'<p class="stamp" id="stamp">{esc(stamp)}</p></body></html>')
    return "\n".join(out)


BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.yaml"


def _file_sources(path: Path) -> Any:
    from sim.scenario.sources import ScenarioSources, load_sources

    try:
        return load_sources(path)
    except Exception:  # noqa: BLE001 - no sources is a report without a source column
        return ScenarioSources({}, {})


def sourced_rows(sources: Any, lang: str) -> list[str]:
    """The values with a source other than the team's assumption, as a table in words; the
    assumptions counted in one sentence (they are all in the downloadable scenario file)."""
    from webapp.i18n import path_label, source_text

    esc = html.escape
    items = list(getattr(sources, "sources", {}).items())
    named = [(p, s) for p, s in items if s.kind != "assume"]
    out = []
    if named:
        out.append(f"<p>{esc(t('rep.sources_intro', lang))}</p><table>"
                   f"<tr><th>{esc(t('rep.col.input', lang))}</th>"
                   f"<th>{esc(t('rep.col.source', lang))}</th></tr>")
        out += [f"<tr><td>{esc(path_label(p, lang))}</td><td>{esc(source_text(s, lang))}</td>"
                "</tr>" for p, s in named]
        out.append("</table>")
    assumed = len(items) - len(named)
    if assumed:
        out.append(f"<p>{esc(t('rep.assumed', lang, n=assumed))}</p>")
    return out


def appendix(results: dict[str, Any], sources: Any, lang: str) -> list[str]:
    """Where the options differ: one row per input that is not the same in all options, its
    value in each option and its source in words; then each option's identity (hash, seed,
    replications, version). No YAML: a board reads a table."""
    from sim.scenario.schema import scenario_to_dict
    from webapp.i18n import path_label, source_text, value_text
    from webapp.scenario_diff import differences

    esc = html.escape
    names = list(results)
    out = []
    if len(names) == 1:
        out.append(f"<p>{esc(t('rep.appendix_one', lang))}</p>")
    else:
        rows = differences([scenario_to_dict(r.scenario) for r in results.values()])
        if not rows:
            out.append(f"<p>{esc(t('rep.appendix_same', lang))}</p>")
        else:
            out.append(f"<p>{esc(t('rep.appendix_intro', lang))}</p><table><tr>"
                       f"<th>{esc(t('rep.col.input', lang))}</th>"
                       + "".join(f"<th>{esc(n)}</th>" for n in names)
                       + f"<th>{esc(t('rep.col.source', lang))}</th></tr>")
            for path, values in rows:
                cells = "".join(f'<td class="num">{esc(value_text(v, lang))}</td>'
                                for v in values)
                out.append(f"<tr><td>{esc(path_label(path, lang))}</td>{cells}"
                           f"<td>{esc(source_text(sources.get(path), lang))}</td></tr>")
            out.append("</table>")
    out.append(f"<h3>{esc(t('rep.identity_table', lang))}</h3><table><tr>"
               f"<th>{esc(t('rep.run_name', lang))}</th><th>{esc(t('rep.hash', lang))}</th>"
               f"<th>{esc(t('rep.seed', lang))}</th><th>{esc(t('rep.reps', lang))}</th>"
               f"<th>{esc(t('rep.version', lang))}</th></tr>")
    for n, r in results.items():
        s = r.stamp
        out.append(f'<tr><td>{esc(n)}</td><td><span class="hash">{esc(s["scenario_hash"])}'
                   f'</span></td><td>{s["seed"]}</td><td>{s["replications"]}</td>'
                   f'<td>{esc(str(s["version"]))}</td></tr>')
    out.append("</table>")
    return out
CHROMIUM = "/usr/bin/chromium"


def report_pdf(report_html: str, chromium: str = CHROMIUM) -> bytes:
    """The report printed to PDF (A4) by Debian's Chromium through Playwright, with numbered
    pages and the stamp in every page's footer."""
    import re

    from playwright.sync_api import sync_playwright

    match = re.search(r'<p class="stamp" id="stamp">(.*?)</p>', report_html)
    stamp = match.group(1) if match else ""
    footer = (
        '<div style="font-size:7px;width:100%;padding:0 10mm;color:#555;'
        'display:flex;justify-content:space-between"><span style="max-width:80%">'
        f'{stamp}</span><span><span class="pageNumber"></span> / '
        '<span class="totalPages"></span></span></div>')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.set_content(report_html, wait_until="load")
            pdf: bytes = page.pdf(format="A4", print_background=True,
                                  display_header_footer=True, header_template="<div></div>",
                                  footer_template=footer,
                                  margin={"top": "14mm", "bottom": "18mm", "left": "12mm",
                                          "right": "12mm"})
        finally:
            browser.close()
    return pdf
