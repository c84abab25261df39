"""Sensitivity results as stamped CSV and JSON files, written atomically.

Every table starts with the stamp columns (``scenario_hash, seed, version,
model_fingerprint``) of :func:`sim.running.runner.make_stamp`; the JSON file carries the full stamp,
the method and the run counts beside the rows.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from sim.running.runner import make_stamp
from sim.scenario.schema import Scenario

STAMP_COLUMNS = ("scenario_hash", "seed", "version", "model_fingerprint")


def stamped(table: pd.DataFrame, stamp: dict[str, Any]) -> pd.DataFrame:
    """The table with the stamp columns first."""
    out = table.copy()
    for i, col in enumerate(STAMP_COLUMNS):
        out.insert(i, col, stamp[col])
    return out


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _clean(x: Any) -> Any:
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if hasattr(x, "tolist") and getattr(x, "ndim", 0) > 0:
        return _clean(x.tolist())
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if hasattr(x, "item"):
        return _clean(x.item())
    return x


def write_result(out_dir: str | Path, name: str, table: pd.DataFrame, scenario: Scenario,
                 seed: int, reps: int, info: dict[str, Any]) -> list[Path]:
    """Write ``NAME.csv`` and ``NAME.json`` into ``out_dir``; returns their paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = make_stamp(scenario, seed, reps)
    csv = folder / f"{name}.csv"
    _atomic_write(csv, stamped(table, stamp).to_csv(index=False))
    js = folder / f"{name}.json"
    payload = {"stamp": stamp, **info, "rows": table.to_dict(orient="records")}
    _atomic_write(js, json.dumps(_clean(payload), indent=1, ensure_ascii=False))
    return [csv, js]


def write_html(out_dir: str | Path, scenario: Scenario, seed: int, reps: int, lang: str = "nl",
               **results: Any) -> Path:
    """``sensitivity.html``: the report section on its own page, with the stamp; beside it
    ``tornado-KPI.svg`` per KPI of a one-way analysis (the same chart as in the page)."""
    import html

    from sim.sensitivity.report import report_section

    stamp = make_stamp(scenario, seed, reps)
    foot = ", ".join(f"{k} {html.escape(str(v))}" for k, v in stamp.items())
    page = (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>"
            f"{html.escape(scenario.name)}</title></head><body>"
            f"{report_section(lang=lang, **results)}<p><small>{foot}</small></p></body></html>")
    path = Path(out_dir) / "sensitivity.html"
    _atomic_write(path, page)
    oneway = results.get("oneway")
    if oneway is not None:  # the same charts as files, e.g. for a slide
        from sim.sensitivity.chart import save_svg, tornado_chart

        for kpi in oneway.kpis:
            if not oneway.for_kpi(kpi).empty:
                save_svg(tornado_chart(oneway, kpi, lang), Path(out_dir) / f"tornado-{kpi}.svg")
    return path
