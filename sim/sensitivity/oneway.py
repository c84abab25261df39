"""One-way sensitivity (the tornado): each uncertain group at its low and its high value.

Every run uses the same seed and replication indices as the base, so replication i of the low,
the high and the base scenario saw the same referrals, children and families (common random
numbers), and the effect of a group is the paired difference per replication, with its 95%
interval from :func:`sim.outputs.stats.summarise`. Beside each bar stands the replication noise: the
half-width of the base KPI's own interval. A bar whose interval contains zero reads "no clear
effect", however long it looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.outputs.kpi_defs import HEADLINE_KPIS, KPIS
from sim.outputs.stats import summarise
from sim.scenario.schema import Scenario
from sim.sensitivity.evaluate import Evaluations, ProgressFactory, evaluate_scenarios
from sim.sensitivity.params import Group, scenario_at, setting_text

#: KPIs a tornado shows unless told otherwise.
DEFAULT_KPIS: tuple[str, ...] = ("wait_assessment_mean", "referral_to_placement_p90",
                                 "placements_per_year", "utilisation_pnp_counsellor")


@dataclass
class OneWayResult:
    """The tornado table (one row per KPI and group) and what produced it."""

    table: pd.DataFrame
    groups: list[Group]
    kpis: list[str]
    reps: int
    seed: int
    runs: int
    ran: int
    elapsed_s: float

    def for_kpi(self, kpi: str) -> pd.DataFrame:
        """The rows of one KPI, largest effect first."""
        t = self.table[self.table["kpi"] == kpi]
        return t.sort_values("swing", ascending=False).reset_index(drop=True)


def _verdict(low: float, high: float) -> str:
    if np.isnan(low) or np.isnan(high):
        return "no data"
    return "clear effect" if (low > 0 or high < 0) else "no clear effect"


def tornado_table(evals: Evaluations, groups: Sequence[Group], kpis: Sequence[str],
                  data: dict[str, Any] | None = None) -> pd.DataFrame:
    """Rows from evaluations laid out as [base, g1 low, g1 high, g2 low, ...]; with the
    scenario's ``data``, the low and high settings in the parameters' own units too."""
    rows: list[dict[str, Any]] = []
    for kpi in kpis:
        y = evals.kpi(kpi)  # (points, reps)
        base = y[0]
        b = summarise(base, kpi)
        noise = (b.high - b.low) / 2 if b.n > 1 else float("nan")
        for i, g in enumerate(groups):
            row: dict[str, Any] = {
                "kpi": kpi, "group": g.name, "label_en": g.label("en"),
                "label_nl": g.label("nl"), "source": g.source.kind,
                "source_note": g.source.note, "range_note": g.range_note,
                "low_setting": g.low, "high_setting": g.high, "setting": g.kind,
                "base_mean": b.mean, "base_ci_low": b.low, "base_ci_high": b.high,
                "noise_half_width": noise,
            }
            if data is not None:
                for side, x in (("low", g.low), ("high", g.high)):
                    for lang in ("nl", "en"):
                        row[f"{side}_text_{lang}"] = setting_text(data, g, x, lang)
            for side, j in (("low", 1 + 2 * i), ("high", 2 + 2 * i)):
                d = summarise(y[j] - base)  # paired, per replication (differences: unbounded)
                row[f"{side}_mean"] = float(np.nanmean(y[j])) if d.n else float("nan")
                row[f"{side}_diff"] = d.mean
                row[f"{side}_diff_ci_low"] = d.low
                row[f"{side}_diff_ci_high"] = d.high
                row[f"{side}_verdict"] = _verdict(d.low, d.high)
                row["n"] = d.n
            row["swing"] = float(np.nanmax(np.abs([row["low_diff"], row["high_diff"], 0.0])))
            row["verdict"] = ("clear effect" if "clear effect" in (row["low_verdict"],
                                                                    row["high_verdict"])
                              else "no clear effect")
            rows.append(row)
    return pd.DataFrame(rows)


def one_way(
    scenario: Scenario,
    groups: Sequence[Group],
    kpis: Sequence[str] | None = None,
    reps: int = 20,
    seed: int | None = None,
    store: str | None = None,
    backend: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool | ProgressFactory = False,
    experiment: str | None = None,
) -> OneWayResult:
    """Run the base and every group at its low and high value, ``reps`` replications each
    with the same seed: (2 x groups + 1) x reps runs (fewer when the store holds some)."""
    kpis = list(kpis or DEFAULT_KPIS)
    unknown = [k for k in kpis if k not in KPIS]
    if unknown:
        raise ValueError(f"unknown KPI(s): {', '.join(unknown)}; expected one of "
                         f"{', '.join(HEADLINE_KPIS)} or another name in `pnp-sim run` output")
    seed = scenario.seed if seed is None else seed
    scenarios = [scenario]
    labels: list[dict[str, Any]] = [{"group": "base"}]
    for g in groups:
        for side, x in (("low", g.low), ("high", g.high)):
            scenarios.append(scenario_at(scenario, [g], [x], name=f"{scenario.name} {g.name} "
                                         f"{side}"))
            labels.append({"group": g.name, "side": side, "value": x})
    from sim.scenario.schema import scenario_hash, scenario_to_dict

    ev = evaluate_scenarios(scenarios, reps, seed,
                            experiment or f"oneway-{scenario_hash(scenario)}-s{seed}",
                            labels=labels, store=store, backend=backend, workers=workers,
                            address=address, progress=progress)
    return OneWayResult(tornado_table(ev, groups, kpis, scenario_to_dict(scenario)),
                        list(groups), kpis, reps, seed,
                        len(scenarios) * reps, ev.ran, ev.elapsed_s)
