"""A search's answer as text (CLI), tables (CSV), JSON and an HTML section for the report.

Every file carries the stamp of :func:`sim.running.runner.make_stamp` (scenario hash, seed, version,
model fingerprint); files are written under a temporary name and renamed, so a half-written
result is never left.
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from sim.outputs.kpi_defs import KPIS, format_number
from sim.running.runner import make_stamp
from sim.scenario.domain import label
from sim.staffing.guarantee import guarantee_details, guarantee_sentence
from sim.staffing.messages import component_label, kpi_label, msg
from sim.staffing.search import StaffingResult


def stamp(result: StaffingResult) -> dict[str, Any]:
    s = make_stamp(result.scenario, result.seed, result.spent.total)
    s["search"] = "least staffing"
    return s


def _fmt(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3g}"


def frontier_table(result: StaffingResult) -> pd.DataFrame:
    """One row per minimal staffing: values, objective, binding axes and each target's
    decision with the interval that decided it."""
    rows = []
    for fp in result.frontier:
        row: dict[str, Any] = dict(zip(result.space.keys, fp.point, strict=True))
        row["total_hours"] = sum(x for v, x in zip(result.space.variables, fp.point,
                                                   strict=True) if v.is_role)
        row["cost"] = fp.cost
        row["answer"] = fp.point == result.answer
        row["decided_by"] = fp.decision.how
        row["replications"] = fp.decision.n
        row["binding"] = "; ".join(f"{k}: {why}" for k, why in fp.binding)
        for c in fp.decision.checks:
            row[f"{c.target.kpi}_mean"] = c.mean
            row[f"{c.target.kpi}_bound"] = c.deciding_bound
            row[f"{c.target.kpi}_status"] = c.status
        rows.append(row)
    return pd.DataFrame(rows)


def decisions_table(result: StaffingResult) -> pd.DataFrame:
    """Every candidate the search decided (simulated, inferred or analytic)."""
    rows = []
    for p, d in sorted(result.decisions.items()):
        row: dict[str, Any] = dict(zip(result.space.keys, p, strict=True))
        row.update(status=d.status, how=d.how, replications=d.n,
                   overloaded=",".join(d.overloaded))
        for c in d.checks:
            row[f"{c.target.kpi}_mean"] = c.mean
            row[f"{c.target.kpi}_low"] = c.low
            row[f"{c.target.kpi}_high"] = c.high
            row[f"{c.target.kpi}_status"] = c.status
        rows.append(row)
    return pd.DataFrame(rows)


def _line(item: dict[str, str], lang: str) -> str:
    return item.get(lang, item.get("en", ""))


def floor_dict(result: StaffingResult, lang: str = "en") -> dict[str, Any] | None:
    """The floor for the JSON: each target under the three settings (mean, 95% interval,
    replications, as the Results tab shows them), what is out of reach, the decomposition."""
    fl = result.floor
    if fl is None:
        return None
    from sim.staffing.floor import SETTINGS, analytic_phase_weeks

    per = {}
    for t in fl.targets:
        row = {}
        for setting in SETTINGS:
            m, lo, hi, n = fl.summary(setting, t.kpi)
            row[setting] = {"mean": m, "ci_low": lo, "ci_high": hi, "n": n,
                            "text": fl.figure(setting, t.kpi, lang)}
        per[str(t)] = row
    return {"replications": fl.reps, "upper_bounds": fl.point, "targets": per,
            "out_of_reach": [{"target": str(r.target), "where": r.where}
                             for r in fl.out_of_reach],
            "phases": [k for k, _ in fl.phases("both")],
            "analytic_phase_weeks_no_wait": analytic_phase_weeks(fl.scenarios["both"])
            if "both" in fl.scenarios else None,
            "decomposed_kpi": fl.decomposed_kpi, "decomposition": fl.table(lang),
            "elapsed_s": round(fl.elapsed_s, 3)}


def loads_text(result: StaffingResult, lang: str = "en") -> str:
    """The offered-load line, saying that it is net of leave."""
    items = [msg("load_item", lang, role=label(r, lang),
                 load=format_number(load.load, lang, 1),
                 needed=format_number(load.needed_hours, lang, 1))
             for r, load in result.loads.items()]
    return msg("loads", lang, loads=", ".join(items))


def summary_dict(result: StaffingResult, lang: str = "en") -> dict[str, Any]:
    conf = result.confirmation
    return {
        **stamp(result),
        "targets": [str(t) for t in result.targets],
        "variables": [{"key": v.key, "low": v.low, "high": v.high, "step": v.step,
                       "cost": v.cost} for v in result.space.variables],
        "confidence": result.settings.confidence,
        "answer": None if result.answer is None else dict(zip(result.space.keys,
                                                              result.answer, strict=True)),
        "language": lang,
        "cancelled": result.cancelled,
        "guarantee": guarantee_sentence(result, lang),
        "guarantee_details": guarantee_details(result, lang),
        "floor": floor_dict(result, lang),
        "confirmation": None if conf is None else {
            "status": conf.status, "replications": conf.n,
            "first_rep": result.settings.confirm_offset
            + (result.attempts - 1) * result.settings.most_confirm_reps,
            "checks": [{"target": str(c.target), "mean": c.mean, "bound": c.deciding_bound,
                        "level": c.level, "status": c.status} for c in conf.checks]},
        "confirmation_attempts": result.attempts,
        "frontier": frontier_table(result).to_dict(orient="records"),
        "limits": [_line(x, lang) for x in result.limits],
        "helps": [_line(x, lang) for x in result.helps],
        "offered_load_hours_per_week_net_of_leave": {r: round(load.load, 3)
                                                     for r, load in result.loads.items()},
        "contracted_hours_needed_with_leave": {r: round(load.needed_hours, 3)
                                               for r, load in result.loads.items()},
        "replications_run": result.spent.ran,
        "replications_from_store": result.spent.cached,
        "candidates_decided": len(result.decisions),
        "candidates_simulated": result.simulated,
        "grid_size": result.grid_size,
        "full_grid_replications": result.full_grid_reps,
        "elapsed_s": round(result.elapsed_s, 3),
    }


def _status(status: str, lang: str) -> str:
    return msg(status, lang) if status in ("meets", "fails", "undecided",
                                           "undecided within tolerance") else status


def floor_lines(result: StaffingResult, lang: str = "en") -> list[str]:
    """The floor's rows and, when a limit is explained, its decomposition as a table."""
    fl = result.floor
    if fl is None:
        return []
    lines = [f"{msg('floor_title', lang)}:"]
    lines += [f"  {x}" for x in fl.rows(lang)]
    if not fl.blocked:
        lines.append(f"  {msg('floor_ok', lang)}")
    if fl.decomposition and fl.decomposed_kpi and (fl.blocked or result.answer is None):
        lines.append(msg("decomp_title", lang, kpi=kpi_label(fl.decomposed_kpi, lang)) + ":")
        who = msg("decomp_tail" if fl.decomposed_kpi.endswith("_p90") else "decomp_all", lang)
        lines.append("  " + msg("decomp_note", lang, who=who))
        from sim.staffing.floor import SETTINGS

        shown = [st for st in SETTINGS if st in fl.decomposition]
        comps = list(dict.fromkeys(k for st in shown for k in fl.decomposition[st]))
        heads = [msg(f"set_{st}", lang) for st in shown]
        width = max([len(component_label(c, lang)) for c in comps] + [10])
        lines.append("  " + msg("component", lang).ljust(width) + "  "
                     + "  ".join(h.rjust(max(len(h), 8)) for h in heads))
        for c in comps:
            cells = [format_number(fl.decomposition.get(st, {}).get(c, 0.0), lang, 1)
                     .rjust(max(len(h), 8)) for st, h in zip(shown, heads, strict=True)]
            lines.append("  " + component_label(c, lang).ljust(width) + "  " + "  ".join(cells))
    lines.append("  " + msg("floor_seconds", lang, seconds=format_number(fl.elapsed_s, lang, 1),
                            reps=fl.reps))
    return lines


def text(result: StaffingResult, lang: str = "en") -> str:
    """The CLI's answer: the floor, staffing, guarantee, frontier, limits, what would help,
    offered loads and replications spent, every sentence from the catalogue in ``lang``."""
    sp = result.space
    lines = [f"{msg('answer', lang)}: " + "; ".join(t.text(lang) for t in result.targets)]
    lines += floor_lines(result, lang)
    if result.cancelled:
        lines.append(f"  {msg('cancelled', lang)}")
    if result.answer is not None:
        cost = sp.cost(result.answer)
        lines.append(f"  {sp.describe(result.answer, lang)}"
                     + (f" ({msg('cost', lang, cost=format_number(cost, lang, 0))})"
                        if cost is not None else ""))
        if result.confirmation is not None:
            for c in result.confirmation.checks:
                d = KPIS[c.target.kpi]
                lines.append("    " + msg(
                    "confirm_line", lang, target=c.target.text(lang),
                    figure=d.format(c.mean, lang),
                    bound=d.number(c.deciding_bound, lang, max(2, d.decimals(c.mean))
                                   if d.unit == "children/year" else None),
                    n=c.n, status=_status(c.status, lang)))
    else:
        lines.append(f"  {msg('none', lang)}")
    lines.append(f"{msg('guarantee', lang)}: {guarantee_sentence(result, lang)}")
    lines += [f"  - {x}" for x in guarantee_details(result, lang)]
    if result.frontier:
        lines.append(f"{msg('frontier', lang)}, "
                     f"{', '.join(v.label(lang) for v in sp.variables)}:")
        for fp in result.frontier:
            mark = "*" if fp.point == result.answer else " "
            price = f" {format_number(fp.cost, lang, 0)}" if fp.cost is not None else ""
            lines.append(f"  {mark} {sp.short(fp.point):<16}{price} {msg('binding', lang)}: "
                         + ("; ".join(binding_text(k, why, lang) for k, why in fp.binding)
                            or "-"))
    if result.limits:
        lines.append(f"{msg('limits', lang)}:")
        lines += [f"  - {_line(x, lang)}" for x in result.limits]
    if result.helps:
        lines.append(f"{msg('helps', lang)}:")
        lines += [f"  - {_line(x, lang)}" for x in result.helps]
    lines.append(loads_text(result, lang))
    lines.append(msg("spent", lang, ran=result.spent.ran, cached=result.spent.cached,
                     decided=len(result.decisions), simulated=result.simulated,
                     grid=result.grid_size,
                     seconds=format_number(result.elapsed_s, lang, 1)))
    return "\n".join(lines)


def binding_text(key: str, why: str, lang: str = "en") -> str:
    """'P&P counsellor (lower bound)': a binding axis and its reason in ``lang``."""
    from sim.staffing.targets import make_target

    name = label(key, lang)
    if why == "lower bound":
        reason = msg("lower_bound", lang)
    elif why == "offered load (stability)":
        reason = msg("offered_load_reason", lang)
    else:
        parts = []
        for item in why.split(", "):
            try:
                parts.append(make_target(item).text(lang))
            except Exception:  # noqa: BLE001 - a status word, not a target
                parts.append(_status(item, lang))
        reason = ", ".join(parts)
    return f"{name} ({reason})"


def _atomic(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(result: StaffingResult, out: str | Path, lang: str = "en") -> list[Path]:
    """``staffing.json``, ``frontier.csv``, ``candidates.csv`` (stamp columns first)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    st = stamp(result)
    written = []
    summary = summary_dict(result, lang)
    p = folder / "staffing.json"
    _atomic(p, lambda t: Path(t).write_text(json.dumps(summary, indent=2, default=str)))
    written.append(p)
    for name, df in (("frontier.csv", frontier_table(result)),
                     ("candidates.csv", decisions_table(result))):
        df = df.copy()
        for i, key in enumerate(("scenario_hash", "seed", "version", "model_fingerprint")):
            df.insert(i, key, st[key])
        p = folder / name
        _atomic(p, lambda t, d=df: d.to_csv(t, index=False))
        written.append(p)
    return written


def floor_html(result: StaffingResult, lang: str = "nl") -> str:
    """The floor for the report: its rows, and the decomposition as a table (weeks per child,
    one column per setting)."""
    fl = result.floor
    if fl is None:
        return ""
    from sim.staffing.floor import SETTINGS

    e = html.escape
    parts = [f"<h3>{e(msg('floor_title', lang))}</h3><ul>"]
    parts += [f"<li>{e(x)}</li>" for x in fl.rows(lang)]
    parts.append("</ul>")
    if fl.decomposition and fl.decomposed_kpi and (fl.blocked or result.answer is None):
        shown = [st for st in SETTINGS if st in fl.decomposition]
        comps = list(dict.fromkeys(k for st in shown for k in fl.decomposition[st]))
        who = msg("decomp_tail" if fl.decomposed_kpi.endswith("_p90") else "decomp_all", lang)
        parts.append(f"<p>{e(msg('decomp_title', lang, kpi=kpi_label(fl.decomposed_kpi, lang)))}"
                     f" <small>{e(msg('decomp_note', lang, who=who))}</small></p>")
        head = "".join(f"<th>{e(msg(f'set_{st}', lang))}</th>" for st in shown)
        parts.append(f"<table><tr><th>{e(msg('component', lang))}</th>{head}</tr>")
        for c in comps:
            cells = "".join(
                f"<td>{e(format_number(fl.decomposition[st].get(c, 0.0), lang, 1))}</td>"
                for st in shown)
            parts.append(f"<tr><td>{e(component_label(c, lang))}</td>{cells}</tr>")
        parts.append("</table>")
    return "\n".join(parts)


def html_section(result: StaffingResult, lang: str = "nl") -> str:
    """A self-contained ``<section>`` for the HTML report (no scripts, no external files)."""
    sp = result.space
    e = html.escape
    parts = [f'<section class="staffing"><h2>{e(msg("answer", lang))}</h2>']
    parts.append("<p>" + e(", ".join(t.text(lang) for t in result.targets)) + "</p>")
    if result.answer is not None:
        parts.append(f"<p><strong>{e(sp.describe(result.answer, lang))}</strong></p>")
    else:
        parts.append(f"<p><strong>{e(msg('none', lang))}</strong></p>")
    parts.append(floor_html(result, lang))
    parts.append(f"<p>{e(guarantee_sentence(result, lang))}</p><ul>")
    parts += [f"<li>{e(x)}</li>" for x in guarantee_details(result, lang)]
    parts.append("</ul>")
    if result.frontier:
        head = "".join(f"<th>{e(v.label(lang))}</th>" for v in sp.variables)
        parts.append(f"<h3>{e(msg('frontier', lang))}</h3><table><tr>{head}"
                     f"<th>{e(msg('binding', lang))}</th></tr>")
        for fp in result.frontier:
            cells = "".join(f"<td>{x:g}</td>" for x in fp.point)
            bind = "; ".join(binding_text(k, why, lang) for k, why in fp.binding)
            style = ' style="font-weight:bold"' if fp.point == result.answer else ""
            parts.append(f"<tr{style}>{cells}<td>{e(bind)}</td></tr>")
        parts.append("</table>")
    for title, items in ((msg("limits", lang), result.limits),
                         (msg("helps", lang), result.helps)):
        if items:
            parts.append(f"<h3>{e(title)}</h3><ul>"
                         + "".join(f"<li>{e(_line(x, lang))}</li>" for x in items) + "</ul>")
    parts.append(f"<p>{e(loads_text(result, lang))}</p>")
    st = stamp(result)
    spent = msg("spent", lang, ran=result.spent.ran, cached=result.spent.cached,
                decided=len(result.decisions), simulated=result.simulated,
                grid=result.grid_size, seconds=format_number(result.elapsed_s, lang, 1))
    parts.append(f"<p><small>{e(spent)}; "
                 f"{e(st['scenario_hash'])}, seed {st['seed']}, version {e(str(st['version']))}"
                 f", model {e(str(st['model_fingerprint']))}</small></p></section>")
    return "\n".join(parts)


__all__ = ["KPIS", "decisions_table", "frontier_table", "html_section", "summary_dict",
           "text", "write_outputs"]
