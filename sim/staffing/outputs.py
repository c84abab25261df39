"""A search's answer as text (CLI), tables (CSV), JSON and an HTML section for the report.

Every file carries the stamp of :func:`sim.runner.make_stamp` (scenario hash, seed, version,
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

from sim.kpi_defs import KPIS
from sim.runner import make_stamp
from sim.staffing.guarantee import guarantee_details, guarantee_sentence
from sim.staffing.search import StaffingResult

_WORDS = {
    "en": {"answer": "Least staffing", "none": "Nothing within the bounds meets the targets.",
           "frontier": "Staffing frontier (minimal staffings: no axis can lose a step)",
           "binding": "binding", "limits": "What limits", "helps": "What would help",
           "spent": "Replications", "guarantee": "Guarantee"},
    "nl": {"answer": "Minimale bezetting", "none": "Niets binnen de grenzen haalt de doelen.",
           "frontier": "Bezettingsfront (minimale bezettingen: geen as kan een stap zakken)",
           "binding": "bindend", "limits": "Wat beperkt", "helps": "Wat zou helpen",
           "spent": "Replicaties", "guarantee": "Waarborg"},
}


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


def summary_dict(result: StaffingResult) -> dict[str, Any]:
    conf = result.confirmation
    return {
        **stamp(result),
        "targets": [str(t) for t in result.targets],
        "variables": [{"key": v.key, "low": v.low, "high": v.high, "step": v.step,
                       "cost": v.cost} for v in result.space.variables],
        "confidence": result.settings.confidence,
        "answer": None if result.answer is None else dict(zip(result.space.keys,
                                                              result.answer, strict=True)),
        "guarantee": guarantee_sentence(result),
        "guarantee_details": guarantee_details(result),
        "confirmation": None if conf is None else {
            "status": conf.status, "replications": conf.n,
            "first_rep": result.settings.confirm_offset
            + (result.attempts - 1) * result.settings.most_confirm_reps,
            "checks": [{"target": str(c.target), "mean": c.mean, "bound": c.deciding_bound,
                        "level": c.level, "status": c.status} for c in conf.checks]},
        "confirmation_attempts": result.attempts,
        "frontier": frontier_table(result).to_dict(orient="records"),
        "limits": result.limits,
        "helps": result.helps,
        "offered_load_hours_per_week": {r: round(load.load, 3)
                                        for r, load in result.loads.items()},
        "replications_run": result.spent.ran,
        "replications_from_store": result.spent.cached,
        "candidates_decided": len(result.decisions),
        "candidates_simulated": result.simulated,
        "grid_size": result.grid_size,
        "full_grid_replications": result.full_grid_reps,
        "elapsed_s": round(result.elapsed_s, 3),
    }


def text(result: StaffingResult, lang: str = "en") -> str:
    """The CLI's answer: staffing, guarantee, frontier, limits and replications spent."""
    w = _WORDS["nl" if lang == "nl" else "en"]
    sp = result.space
    lines = [f"{w['answer']}: " + ", ".join(str(t) for t in result.targets)]
    if result.answer is not None:
        lines.append(f"  {sp.describe(result.answer, lang)}"
                     + (f" (cost {sp.cost(result.answer):,.0f} per week)"
                        if sp.has_costs() else ""))
        if result.confirmation is not None:
            for c in result.confirmation.checks:
                lines.append(f"    {c.target}: mean {_fmt(c.mean)}, one-sided "
                             f"{c.level:.1%} bound {_fmt(c.deciding_bound)} over {c.n} "
                             f"fresh replications: {c.status}")
    else:
        lines.append(f"  {w['none']}")
    lines.append(f"{w['guarantee']}: {guarantee_sentence(result, lang)}")
    lines += [f"  - {x}" for x in guarantee_details(result, lang)]
    if result.frontier:
        lines.append(f"{w['frontier']}, {', '.join(sp.keys)}:")
        for fp in result.frontier:
            mark = "*" if fp.point == result.answer else " "
            cost = f" cost {fp.cost:,.0f}" if fp.cost is not None else ""
            lines.append(f"  {mark} {sp.short(fp.point):<16}{cost} {w['binding']}: "
                         + ("; ".join(f"{k} ({why})" for k, why in fp.binding) or "-"))
    if result.limits:
        lines.append(f"{w['limits']}:")
        lines += [f"  - {x}" for x in result.limits]
    if result.helps:
        lines.append(f"{w['helps']}:")
        lines += [f"  - {x}" for x in result.helps]
    loads = ", ".join(f"{r} {load.load:.1f} h/week" for r, load in result.loads.items())
    lines.append(f"Offered load (at the upper bounds): {loads}")
    lines.append(
        f"{w['spent']}: {result.spent.ran} run, {result.spent.cached} from the store; "
        f"{len(result.decisions)} candidates decided ({result.simulated} simulated) of "
        f"{result.grid_size} on the grid (a full grid at {result.settings.max_reps} "
        f"replications: {result.full_grid_reps}); {result.elapsed_s:.1f} s")
    return "\n".join(lines)


def _atomic(path: Path, write: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(result: StaffingResult, out: str | Path) -> list[Path]:
    """``staffing.json``, ``frontier.csv``, ``candidates.csv`` (stamp columns first)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    st = stamp(result)
    written = []
    summary = summary_dict(result)
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


def html_section(result: StaffingResult, lang: str = "nl") -> str:
    """A self-contained ``<section>`` for the HTML report (no scripts, no external files)."""
    w = _WORDS["nl" if lang == "nl" else "en"]
    sp = result.space
    e = html.escape
    parts = [f'<section class="staffing"><h2>{e(w["answer"])}</h2>']
    parts.append("<p>" + e(", ".join(t.text(lang) for t in result.targets)) + "</p>")
    if result.answer is not None:
        parts.append(f"<p><strong>{e(sp.describe(result.answer, lang))}</strong></p>")
    else:
        parts.append(f"<p><strong>{e(w['none'])}</strong></p>")
    parts.append(f"<p>{e(guarantee_sentence(result, lang))}</p><ul>")
    parts += [f"<li>{e(x)}</li>" for x in guarantee_details(result, lang)]
    parts.append("</ul>")
    if result.frontier:
        head = "".join(f"<th>{e(v.label(lang))}</th>" for v in sp.variables)
        parts.append(f"<h3>{e(w['frontier'])}</h3><table><tr>{head}"
                     f"<th>{e(w['binding'])}</th></tr>")
        for fp in result.frontier:
            cells = "".join(f"<td>{x:g}</td>" for x in fp.point)
            bind = "; ".join(f"{k} ({why})" for k, why in fp.binding)
            style = ' style="font-weight:bold"' if fp.point == result.answer else ""
            parts.append(f"<tr{style}>{cells}<td>{e(bind)}</td></tr>")
        parts.append("</table>")
    for title, items in ((w["limits"], result.limits), (w["helps"], result.helps)):
        if items:
            parts.append(f"<h3>{e(title)}</h3><ul>"
                         + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>")
    st = stamp(result)
    parts.append(f"<p><small>{e(w['spent'])}: {result.spent.total}; scenario "
                 f"{e(st['scenario_hash'])}, seed {st['seed']}, version {e(str(st['version']))}"
                 f", model {e(str(st['model_fingerprint']))}</small></p></section>")
    return "\n".join(parts)


__all__ = ["KPIS", "decisions_table", "frontier_table", "html_section", "summary_dict",
           "text", "write_outputs"]
