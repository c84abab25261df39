"""Every KPI a replication reports: its name, labels, unit, bounds, direction and format.

This is the one place that says what a KPI *is*. The CLI, the app, the report, the store and
the analyses (least staffing, sensitivity) all read it, so a KPI is named, bounded, judged
(better higher or lower) and written the same everywhere. Intervals come from
:func:`sim.outputs.stats.summarise`, which takes the bounds from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.scenario.domain import ROLES, label

#: Hours in one full-time equivalent (Belgian full-time week) [assume: 38 h].
FTE_HOURS = 38.0

UNBOUNDED = (-math.inf, math.inf)
NON_NEGATIVE = (0.0, math.inf)
SHARE = (0.0, 1.0)

#: Unit key -> (Dutch, English) word written after a value; "" for none.
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "weeks": ("weken", "weeks"),
    "per year": ("per jaar", "per year"),
    "weeks/year": ("weken per jaar", "weeks per year"),
    "days/year": ("dagen per jaar", "days per year"),
    "EUR/year": ("per jaar", "per year"),
    "share": ("", ""),
    "children": ("kinderen", "children"),
    "children/year": ("kinderen per jaar", "children per year"),
    "families": ("gezinnen", "families"),
    "cases": ("dossiers", "cases"),
    "cases/FTE": ("dossiers per VTE", "cases per FTE"),
}


def format_number(x: float | None, lang: str, decimals: int = 1) -> str:
    """``x`` as readers of ``lang`` write it: Dutch 1.234,5, English 1,234.5; NaN as a dash."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    s = f"{x:,.{decimals}f}"
    if s.startswith("-"):
        s = "−" + s[1:]
    if lang == "nl":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


@dataclass(frozen=True)
class KpiDef:
    """One KPI: what it is called, what it counts, the values it can take, which way is better."""

    name: str
    nl: str
    en: str
    unit: str
    #: "lower" or "higher" is better; "" when neither.
    better: str = ""
    #: The values the KPI can take; intervals are clipped to them.
    bounds: tuple[float, float] = NON_NEGATIVE
    #: Shown among the key figures (cards, report summary, CLI headline).
    headline: bool = False

    def label(self, lang: str = "en") -> str:
        return self.nl if lang == "nl" else self.en

    def unit_label(self, lang: str = "en") -> str:
        nl, en = UNIT_LABELS.get(self.unit, (self.unit, self.unit))
        return nl if lang == "nl" else en

    def decimals(self, value: float) -> int:
        """Money: none; waits over 10 weeks: none; shares in % with none; else one."""
        if self.unit in ("EUR/year", "days/year"):
            return 0
        if self.unit == "weeks" and abs(value) >= 10:
            return 0
        if self.unit == "share":
            return 0
        return 1

    def number(self, value: float, lang: str = "en", decimals: int | None = None) -> str:
        """The value alone, in the KPI's scale (shares as %, money with €), without unit word."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        d = self.decimals(value) if decimals is None else decimals
        if self.unit == "share":
            return f"{format_number(100 * value, lang, d)}%"
        if self.unit == "EUR/year":
            sign = "−" if value < 0 and round(value, d) != 0 else ""
            amount = format_number(abs(value), lang, d)
            return f"{sign}€ {amount}" if lang == "nl" else f"{sign}€{amount}"
        return format_number(value, lang, d)

    def format(self, value: float, lang: str = "en") -> str:
        """The value with its unit, as the cards, tables and report show it."""
        text = self.number(value, lang)
        word = self.unit_label(lang)
        return f"{text} {word}" if word and text != "–" else text

    def format_interval(self, low: float, high: float, lang: str = "en") -> str:
        """'3,1 – 4,0 weken' / '3.1 – 4.0 weeks'; a dash where no interval exists."""
        if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (low, high)):
            return "–"
        d = max(self.decimals(low), self.decimals(high))
        text = f"{self.number(low, lang, d)} – {self.number(high, lang, d)}"
        word = self.unit_label(lang)
        return f"{text} {word}" if word else text

    def format_diff(self, value: float, lang: str = "en") -> str:
        """A difference with its sign: shares in percentage points, money in €, else the unit."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        sign = "+" if value > 0 else ""
        if self.unit == "share":
            pp = "procentpunt" if lang == "nl" else "percentage points"
            return f"{sign}{format_number(100 * value, lang, 1)} {pp}"
        text = self.number(value, lang)
        word = self.unit_label(lang)
        text = f"{sign}{text}"
        return f"{text} {word}" if word else text

    def is_better(self, diff: float) -> bool | None:
        """Whether a positive-or-negative change ``diff`` is an improvement (None: neutral)."""
        if not self.better or diff == 0 or math.isnan(diff):
            return None
        return (diff < 0) if self.better == "lower" else (diff > 0)


def _waits() -> list[KpiDef]:
    out = []
    for key, nl, en in (
        ("wait_assessment", "Wachttijd tot beeldvorming", "Wait to start assessment"),
        ("wait_family", "Wachttijd op een P&P-gezin", "Wait for a family"),
        ("referral_to_placement", "Aanmelding tot plaatsing", "Referral to placement"),
    ):
        for stat, snl, sen in (("mean", "gemiddeld", "mean"), ("median", "mediaan", "median"),
                               ("p90", "90e percentiel", "90th percentile")):
            headline = f"{key}_{stat}" in {
                "wait_assessment_mean", "wait_family_mean", "referral_to_placement_mean",
                "referral_to_placement_p90"}
            out.append(KpiDef(f"{key}_{stat}", f"{nl} ({snl})", f"{en} ({sen})", "weeks",
                              "lower", NON_NEGATIVE, headline))
    return out


def _roles() -> list[KpiDef]:
    out = []
    for role in ROLES:
        nl, en = label(role, "nl"), label(role, "en")
        out += [
            KpiDef(f"utilisation_{role}", f"Bezetting {nl}", f"Utilisation {en}", "share",
                   "", SHARE, True),
            KpiDef(f"caseload_{role}", f"Caseload {nl}", f"Caseload {en}", "cases", ""),
            KpiDef(f"caseload_per_fte_{role}", f"Caseload per VTE {nl}",
                   f"Caseload per FTE {en}", "cases/FTE", ""),
        ]
    return out


KPIS: dict[str, KpiDef] = {
    k.name: k
    for k in [
        *_waits(),
        KpiDef("referrals_per_year", "Aanmeldingen per jaar", "Referrals per year", "per year"),
        KpiDef("placements_per_year", "Plaatsingen per jaar", "Placements per year", "per year",
               "higher", headline=True),
        KpiDef("completed_per_year", "Afgeronde trajecten per jaar",
               "Trajectories completed per year", "per year", "higher"),
        KpiDef("breakdowns_per_year", "Breuken per jaar", "Breakdowns per year", "per year",
               "lower", headline=True),
        KpiDef("crisis_admissions_per_year", "Crisisopnames per jaar", "Crisis admissions per year",
               "per year", "lower"),
        KpiDef("left_programme_per_year", "Uitstroom zonder traject per jaar",
               "Left without a trajectory per year", "per year", "lower"),
        KpiDef("aged_out_per_year", "Uitstroom door meerderjarigheid per jaar",
               "Aged out (18) per year", "per year"),
        KpiDef("withdrawn_per_year", "Afgemeld van de wachtlijst per jaar",
               "Withdrawn from the waiting list per year", "per year"),
        KpiDef("residential_weeks_waiting_per_year", "Residentiële wachtweken per jaar",
               "Residential weeks spent waiting per year", "weeks/year", "lower"),
        KpiDef("family_days_per_year", "Verblijfsdagen in P&P-gezinnen per jaar",
               "Days lived in P&P families per year", "days/year", "higher"),
        KpiDef("net_saving_per_year", "Netto besparing per jaar (t.o.v. residentieel)",
               "Net saving per year (against residential care)", "EUR/year", "higher",
               UNBOUNDED, True),
        KpiDef("placed_share", "Aandeel geplaatst", "Share of referrals placed", "share", "higher",
               SHARE),
        KpiDef("children_in_programme", "Kinderen in het programma (gemiddeld)",
               "Children in the programme (mean)", "children"),
        KpiDef("waiting_staff", "Wachtend op personeel (gemiddeld)", "Waiting for staff (mean)",
               "children", "lower"),
        KpiDef("waiting_family", "Wachtend op een gezin (gemiddeld)", "Waiting for a family (mean)",
               "children", "lower"),
        KpiDef("waiting_trend_per_year", "Groei van de wachtlijst",
               "Growth of the waiting list", "children/year", "lower", UNBOUNDED),
        KpiDef("waiting_staff_trend_per_year", "Groei wachtend op personeel",
               "Growth of waiting for staff", "children/year", "lower", UNBOUNDED),
        KpiDef("waiting_family_trend_per_year", "Groei wachtend op een gezin",
               "Growth of waiting for a family", "children/year", "lower", UNBOUNDED),
        KpiDef("families_in_pool", "Gezinnen in de pool (gemiddeld)", "Families in the pool (mean)",
               "families"),
        KpiDef("families_approved_per_year", "Goedgekeurde gezinnen per jaar",
               "Families approved per year", "per year", "higher"),
        *_roles(),
    ]
}

#: The key figures, in the order the cards, the report and the CLI headline show them.
HEADLINE_KPIS: tuple[str, ...] = tuple(k for k, d in KPIS.items() if d.headline)
