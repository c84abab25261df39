"""Decision sensitivity: does the recommended staffing survive the plausible ranges?

For the top uncertain groups, each at its low and its high value, two questions:

- how does the least staffing move? (``least_staffing(scenario) -> {role: hours} | None``,
  None when nothing in the search space meets the targets);
- does the staffing recommended for the base still meet the targets there?
  (``meets(scenario, staffing) -> True | False | None``, None when the replications cannot
  tell at the stated confidence).

The verdict is **robust** when the recommended staffing meets the targets at every low and
high value of the top groups, and **not robust** otherwise, naming the group (and side) that
breaks it. "Cannot tell" is not robustness: it makes the verdict not robust too, with the
reason. The two functions come from the least-staffing search (``sim.staffing``); anything
with the same signatures works, which is how the logic is tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.scenario.domain import label as domain_label
from sim.scenario.schema import Scenario
from sim.sensitivity.params import Group, scenario_at

Staffing = dict[str, float]
LeastStaffing = Callable[[Scenario], Staffing | None]
Meets = Callable[[Scenario, Staffing], bool | None]


@dataclass
class DecisionRow:
    group: str
    label_en: str
    label_nl: str
    side: str
    value: float
    least: Staffing | None
    recommended_meets: bool | None


@dataclass
class DecisionResult:
    recommended: Staffing | None
    rows: list[DecisionRow] = field(default_factory=list)
    verdict: str = "not robust"
    #: (group, side, reason) of the first case that breaks the recommendation.
    breaks: tuple[str, str, str] | None = None

    def table(self) -> pd.DataFrame:
        out: list[dict[str, Any]] = []
        for r in self.rows:
            row: dict[str, Any] = {"group": r.group, "label_en": r.label_en,
                                   "label_nl": r.label_nl, "side": r.side, "value": r.value,
                                   "recommended_meets": r.recommended_meets,
                                   "feasible": r.least is not None}
            for role, hours in (r.least or {}).items():
                row[f"least_{role}"] = hours
            for role, hours in (self.recommended or {}).items():
                row[f"recommended_{role}"] = hours
            out.append(row)
        return pd.DataFrame(out)

    def sentence(self, lang: str = "en") -> str:
        """The verdict in plain words."""
        if self.recommended is None:
            return ("Geen bezetting in de zoekruimte haalt de doelen in het basisscenario."
                    if lang == "nl" else
                    "No staffing in the search space meets the targets in the base scenario.")
        if self.verdict == "robust":
            return ("Robuust: de aanbevolen bezetting haalt de doelen bij de lage en hoge "
                    "waarde van elk van de belangrijkste aannames." if lang == "nl" else
                    "Robust: the recommended staffing meets the targets at the low and high "
                    "value of each of the top assumptions.")
        group, side, reason = self.breaks or ("?", "?", "?")
        row = next((r for r in self.rows if r.group == group and r.side == side), None)
        label = (row.label_nl if lang == "nl" else row.label_en) if row else group
        moved = ""
        if row is not None and row.least is not None and self.recommended is not None:
            unit = "u" if lang == "nl" else "h"
            diffs = [f"{domain_label(role, lang)} {self.recommended.get(role, 0):g} -> {h:g} "
                     f"{unit}" for role, h in row.least.items()
                     if h != self.recommended.get(role)]
            need = "nodig" if lang == "nl" else "needed"
            moved = f"; {need}: " + ", ".join(diffs) if diffs else ""
        if lang == "nl":
            reason = {"misses the targets": "haalt de doelen niet",
                      "cannot tell at the stated confidence":
                          "niet te beslissen met de gevraagde zekerheid"}.get(reason, reason)
        side_txt = {"low": "laag" if lang == "nl" else "low",
                    "high": "hoog" if lang == "nl" else "high"}.get(side, side)
        if lang == "nl":
            return f"Niet robuust: {label} ({side_txt}) breekt de aanbeveling ({reason}){moved}."
        return f"Not robust: {label} ({side_txt}) breaks the recommendation ({reason}){moved}."


def decision_sensitivity(scenario: Scenario, groups: Sequence[Group],
                         least_staffing: LeastStaffing, meets: Meets) -> DecisionResult:
    """The least staffing at each top group's low and high value, and the verdict."""
    recommended = least_staffing(scenario)
    result = DecisionResult(recommended)
    if recommended is None:
        result.breaks = ("base", "", "nothing meets the targets")
        return result
    for g in groups:
        for side, x in (("low", g.low), ("high", g.high)):
            scen = scenario_at(scenario, [g], [x], name=f"{scenario.name} {g.name} {side}")
            least = least_staffing(scen)
            ok = meets(scen, recommended)
            result.rows.append(DecisionRow(g.name, g.label("en"), g.label("nl"), side, x,
                                           least, ok))
            if result.breaks is None and ok is not True:
                reason = ("misses the targets" if ok is False else
                          "cannot tell at the stated confidence")
                result.breaks = (g.name, side, reason)
    result.verdict = "robust" if result.breaks is None else "not robust"
    return result
