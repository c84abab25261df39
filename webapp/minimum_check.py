"""The minimum-requirements check: the method document's minimum staffing against targets.

The method document (section 3.2) asks for 8 h/week for each role at rollout and at least 19 h
for the P&P-begeleider once trajectories start. The check takes the user's own scenario (their
referrals, families, risks), replaces only the staffing schedules by that minimum and judges
each target on its 95% interval:

- *met*: the whole interval is on the good side of the target;
- *not met*: the whole interval is on the wrong side;
- *uncertain*: the interval straddles the target.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.scenario.domain import ROLES

ROLLOUT_HOURS = 8.0
PNP_TRAJECTORY_HOURS = 19.0
TEMPLATE = Path(__file__).resolve().parent.parent / "scenarios" / "minimum-requirements.yaml"

MET, NOT_MET, UNCERTAIN = "met", "not_met", "uncertain"


def load_template(path: Path = TEMPLATE) -> dict[str, Any] | None:
    """The shipped minimum-requirements scenario as data (read and validated like any other
    scenario), or None if it is absent or unusable."""
    from sim.scenario.schema import ScenarioError, load_scenario, scenario_to_dict

    try:
        return scenario_to_dict(load_scenario(path))
    except ScenarioError:
        return None


def template_start_week(template: dict[str, Any] | None) -> float | None:
    """Week from which the template's P&P-begeleider has its trajectory hours, if it says."""
    if template is None:
        return None
    try:
        steps = template["staff"]["pnp_counsellor"]["schedule"]
    except (KeyError, TypeError):
        return None
    later = [s for s in steps if float(s.get("hours", 0)) >= PNP_TRAJECTORY_HOURS]
    return float(later[0]["from_week"]) if later else None


def minimum_schedules(start_week: float) -> dict[str, list[dict[str, float]]]:
    """8 h for every role from week 0; the P&P-begeleider 19 h from ``start_week`` on."""
    out = {r: [{"from_week": 0.0, "hours": ROLLOUT_HOURS}] for r in ROLES}
    if start_week <= 0:
        out["pnp_counsellor"] = [{"from_week": 0.0, "hours": PNP_TRAJECTORY_HOURS}]
    else:
        out["pnp_counsellor"].append({"from_week": float(start_week),
                                      "hours": PNP_TRAJECTORY_HOURS})
    return out


def build_minimum_dict(user: dict[str, Any], start_week: float) -> dict[str, Any]:
    """The user's scenario data with only the staffing schedules set to the minimum."""
    data = copy.deepcopy(user)
    for role, schedule in minimum_schedules(start_week).items():
        data["staff"][role]["schedule"] = schedule
    return data


def staffing_text(data: dict[str, Any], lang: str) -> str:
    from webapp.i18n import fmt_num, term

    parts = []
    for role in ROLES:
        steps = data["staff"][role]["schedule"]
        h = "u" if lang == "nl" else "h"
        hours = " → ".join(f"{fmt_num(s['hours'], lang, 0)} {h}" for s in steps)
        parts.append(f"{term(role, lang)} {hours}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Target:
    """``kpi`` must be at most ``limit`` (all targets here are upper limits)."""

    key: str  # what the target is, for the texts
    kpi: str
    limit: float
    role: str = ""


@dataclass(frozen=True)
class Judged:
    target: Target
    mean: float
    ci_low: float
    ci_high: float
    verdict: str


def judge(summary: pd.DataFrame, targets: list[Target]) -> list[Judged]:
    """Each target against the experiment summary (columns kpi, mean, ci_low, ci_high)."""
    rows = summary.set_index("kpi")
    out = []
    for tgt in targets:
        mean, low, high = (float(rows.loc[tgt.kpi, c]) for c in ("mean", "ci_low", "ci_high"))
        if math.isnan(mean):
            verdict = UNCERTAIN
        elif high <= tgt.limit:
            verdict = MET
        elif low > tgt.limit:
            verdict = NOT_MET
        else:
            verdict = UNCERTAIN
        out.append(Judged(tgt, mean, low, high, verdict))
    return out


def overall(judged: list[Judged]) -> str:
    """NOT_MET if any target is not met, else UNCERTAIN if any is uncertain, else MET."""
    verdicts = {j.verdict for j in judged}
    if NOT_MET in verdicts:
        return NOT_MET
    if UNCERTAIN in verdicts:
        return UNCERTAIN
    return MET


def make_targets(p90_weeks: float | None, util_max_pct: float | None,
                 wait_weeks: float | None) -> list[Target]:
    targets = []
    if p90_weeks is not None:
        targets.append(Target("p90", "referral_to_placement_p90", float(p90_weeks)))
    if util_max_pct is not None:
        for role in ROLES:
            targets.append(Target("util", f"utilisation_{role}", util_max_pct / 100.0, role))
    if wait_weeks is not None:
        targets.append(Target("wait", "wait_assessment_mean", float(wait_weeks)))
    return targets
