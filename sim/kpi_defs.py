"""Names, labels and units of every KPI a replication reports.

One table for the CLI, the app and the store, so a KPI is named the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.domain import ROLES, label


@dataclass(frozen=True)
class KpiDef:
    name: str
    nl: str
    en: str
    unit: str
    #: "lower" or "higher" is better; "" when neither.
    better: str = ""


def _waits() -> list[KpiDef]:
    out = []
    for key, nl, en in (
        ("wait_assessment", "Wachttijd tot beeldvorming", "Wait to start assessment"),
        ("wait_family", "Wachttijd op een P&P-gezin", "Wait for a family"),
        ("referral_to_placement", "Aanmelding tot plaatsing", "Referral to placement"),
    ):
        for stat, snl, sen in (("mean", "gemiddeld", "mean"), ("median", "mediaan", "median"),
                               ("p90", "90e percentiel", "90th percentile")):
            out.append(KpiDef(f"{key}_{stat}", f"{nl} ({snl})", f"{en} ({sen})", "weeks", "lower"))
    return out


def _roles() -> list[KpiDef]:
    out = []
    for role in ROLES:
        nl, en = label(role, "nl"), label(role, "en")
        out += [
            KpiDef(f"utilisation_{role}", f"Bezetting {nl}", f"Utilisation {en}", "share"),
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
               "higher"),
        KpiDef("completed_per_year", "Afgeronde trajecten per jaar",
               "Trajectories completed per year", "per year", "higher"),
        KpiDef("breakdowns_per_year", "Breuken per jaar", "Breakdowns per year", "per year",
               "lower"),
        KpiDef("crisis_admissions_per_year", "Crisisopnames per jaar", "Crisis admissions per year",
               "per year", "lower"),
        KpiDef("left_programme_per_year", "Uitstroom zonder traject per jaar",
               "Left without a trajectory per year", "per year", "lower"),
        KpiDef("residential_weeks_waiting_per_year", "Residentiële wachtweken per jaar",
               "Residential weeks spent waiting per year", "weeks/year", "lower"),
        KpiDef("family_days_per_year", "Verblijfsdagen in P&P-gezinnen per jaar",
               "Days lived in P&P families per year", "days/year", "higher"),
        KpiDef("net_saving_per_year", "Netto besparing per jaar (t.o.v. residentieel)",
               "Net saving per year (against residential care)", "EUR/year", "higher"),
        KpiDef("placed_share", "Aandeel geplaatst", "Share of referrals placed", "share", "higher"),
        KpiDef("children_in_programme", "Kinderen in het programma (gemiddeld)",
               "Children in the programme (mean)", "children"),
        KpiDef("waiting_staff", "Wachtend op personeel (gemiddeld)", "Waiting for staff (mean)",
               "children", "lower"),
        KpiDef("waiting_family", "Wachtend op een gezin (gemiddeld)", "Waiting for a family (mean)",
               "children", "lower"),
        KpiDef("families_in_pool", "Gezinnen in de pool (gemiddeld)", "Families in the pool (mean)",
               "families"),
        KpiDef("families_approved_per_year", "Goedgekeurde gezinnen per jaar",
               "Families approved per year", "per year", "higher"),
        *_roles(),
    ]
}

#: Hours in one full-time equivalent (Belgian full-time week) [assume: 38 h].
FTE_HOURS = 38.0
