"""Every text the app shows, in Dutch (the programme's language, the default) and English.

Domain words (phases, roles, layers, sources) and KPI names come from ``sim.scenario.domain`` and
``sim.outputs.kpi_defs`` so that the app, the CLI and the reports use one vocabulary. Everything
else is in :data:`TEXT` below: the one catalogue of the app (page, sidebar, tabs, charts, report,
scenario errors and run names; the sweeps store view's texts are the ``store.*`` keys).
``t(key, lang)`` raises ``KeyError`` for a key that is missing, so an
untranslated label fails loudly in the tests instead of showing up raw on the page.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sim.outputs.kpi_defs import KPIS, format_number
from sim.scenario.domain import ROLES
from sim.scenario.domain import label as domain_label

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"

TEXT: dict[str, dict[str, str]] = {}


def _add(key: str, nl: str, en: str) -> None:
    if key in TEXT:  # pragma: no cover - guards the table itself
        raise ValueError(f"duplicate text key {key!r}")
    TEXT[key] = {"nl": nl, "en": en}


def t(key: str, lang: str, **fmt: Any) -> str:
    """The text for ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``."""
    text = TEXT[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**fmt) if fmt else text


def term(key: str, lang: str) -> str:
    """A domain word (phase, role, layer, source, child state) in ``lang``."""
    if key in EXTRA_TERMS:
        return EXTRA_TERMS[key][lang if lang in LANGS else DEFAULT_LANG]
    return domain_label(key, lang)


#: Child states and outcomes that ``sim.scenario.domain`` does not label.
EXTRA_TERMS: dict[str, dict[str, str]] = {
    "waiting_staff": {"nl": "Wacht op personeel", "en": "Waiting for staff"},
    "matching": {"nl": "Matching (3 deelfasen)", "en": "Matching (3 sub-phases)"},
    "placed": {"nl": "Geplaatst", "en": "Placed"},
    "referred": {"nl": "Aangemeld", "en": "Referred"},
    "completed": {"nl": "Traject afgerond", "en": "Trajectory completed"},
    "breakdown": {"nl": "Breuk", "en": "Breakdown"},
    "left": {"nl": "Uitgestroomd zonder traject", "en": "Left without a trajectory"},
    "in_programme": {"nl": "Nog in het programma", "en": "Still in the programme"},
}


def kpi_label(name: str, lang: str) -> str:
    k = KPIS[name]
    return k.nl if lang == "nl" else k.en


def fmt_num(x: float | None, lang: str, digits: int = 1) -> str:
    """A number the way readers of ``lang`` write it (Dutch: 1.234,5); NaN as a dash."""
    return format_number(x, lang, digits)


def fmt_kpi(name: str, value: float, lang: str) -> str:
    """A KPI value with its unit, as its definition formats it (``KpiDef.format``)."""
    return KPIS[name].format(value, lang)


def fmt_diff(name: str, value: float, lang: str) -> str:
    """A difference of a KPI with its sign and unit (``KpiDef.format_diff``); a difference that
    rounds to zero at the KPI's precision is "0", never "−0,0" (issue 18)."""
    k = KPIS[name]
    if value is not None and not math.isnan(value):
        scaled, digits = (100 * value, 1) if k.unit == "share" else (value, k.decimals(value))
        if round(scaled, digits) == 0:
            word = ("procentpunt" if lang == "nl" else "percentage points") \
                if k.unit == "share" else k.unit_label(lang)
            return f"0 {word}" if word else "0"
    return k.format_diff(value, lang)


def fmt_ci(name: str, low: float, high: float, lang: str) -> str:
    """'95%-BI 3,1 – 4,0 weken' / '95% CI 3.1 – 4.0 weeks' (``KpiDef.format_interval``)."""
    if math.isnan(low) or math.isnan(high):
        return t("kpi.no_ci", lang)
    return t("kpi.ci", lang, interval=KPIS[name].format_interval(low, high, lang))


# ----------------------------------------------------------------------------- the table
# fmt: off
# The language switch reads the same in both languages, so anyone can find it.
_add("lang.label", "Taal / Language", "Taal / Language")
_add("lang.nl", "Nederlands", "Nederlands")
_add("lang.en", "English", "English")
_add("app.title", "P&P-planner: personeel en wachttijden",
     "P&P planner: staffing and waiting times")
_add("app.caption",
     "Simulatie van Partners in Parenting (MFC Bethanië met Pleegzorg Limburg). Pas de uren "
     "per rol en de instroom aan, start de simulatie en bekijk wachttijden, caseload en "
     "plaatsingen met hun onzekerheid.",
     "Simulation of Partners in Parenting (MFC Bethanië with Pleegzorg Limburg). Change the hours "
     "per role and the inflow, run the simulation and see waiting times, caseloads and "
     "placements with their uncertainty.")
_add("app.version", "pnp-sim versie {version}", "pnp-sim version {version}")

# sidebar: scenario source
_add("src.header", "Scenario", "Scenario")
_add("src.select", "Vertrek van scenario", "Start from scenario")
_add("src.upload", "Of laad een eigen scenario (YAML)", "Or upload your own scenario (YAML)")
_add("src.upload_help",
     "Een bestand dat je eerder uit deze app hebt gedownload, of een bestand uit scenarios/.",
     "A file you downloaded from this app earlier, or a file from scenarios/.")
_add("src.loaded", "Geladen: {name} · {source} · hash {hash}",
     "Loaded: {name} · {source} · hash {hash}")
_add("src.kind.calibration", "kalibratie op eigen gegevens (log {digest})",
     "calibration on own records (log {digest})")
_add("src.kind.frontier", "punt van de minimale bezetting ({point})",
     "least-staffing point ({point})")
_add("src.kind.sweep", "punt uit de reeks {experiment} ({point})",
     "point of sweep {experiment} ({point})")
_add("src.bad_upload", "Het bestand **{name}** kan niet gebruikt worden. Het vorige scenario "
     "blijft actief.", "The file **{name}** cannot be used. The previous scenario stays active.")
_add("src.uploaded", "Eigen bestand: {name}", "Uploaded file: {name}")
_add("src.none", "Geen scenariobestanden gevonden in scenarios/.",
     "No scenario files found in scenarios/.")

# Streamlit's own widget texts, replaced (webapp.page.streamlit_texts_css, placeholders)
_add("ui.upload_button", "Bestand kiezen", "Choose file")
_add("ui.upload_limit", "hoogstens {size} per bestand", "{size} per file")
_add("ui.upload_drop", "Sleep een bestand hierheen", "Drag and drop file here")
_add("ui.upload_type", "Dit soort bestand wordt niet aanvaard.", "File type not allowed.")
_add("ui.upload_remove", "Bestand weghalen", "Remove file")
_add("ui.choose", "Kies een of meer runs", "Choose one or more runs")

# sidebar: run
_add("run.header", "Simuleren", "Run")
_add("run.name", "Naam van deze run", "Name of this run")
_add("run.name_help", "Onder deze naam kun je de run later vergelijken met andere.",
     "You can compare the run with others later under this name.")
_add("run.button", "Start simulatie", "Run simulation")
_add("run.progress", "Replicatie {done} van {total}", "Replication {done} of {total}")
_add("run.done", "Klaar: {reps} replicaties in {seconds} s.",
     "Done: {reps} replications in {seconds} s.")
_add("run.cached", "Uit de cache: dit scenario met deze replicaties en seed was al berekend.",
     "From the cache: this scenario with these replications and seed was already computed.")
_add("run.invalid", "De invoer is ongeldig; pas ze aan voor je simuleert.",
     "The inputs are not valid; correct them before running.")
_add("run.failed", "Het model kon dit scenario niet doorrekenen: {error}",
     "The model could not run this scenario: {error}")
_add("run.not_ready",
     "De simulatiekern (sim.running.runner) is in deze installatie niet beschikbaar: {error}",
     "The simulation core (sim.running.runner) is not available in this installation: {error}")
_add("run.fields_bad", "Niet gestart: {n} veld(en) ongeldig ({fields}). Verbeter de waarde "
     "onder het veld; er wordt geen oudere waarde gebruikt.",
     "Not started: {n} field(s) not valid ({fields}). Correct the value under the field; no "
     "older value is used.")
_add("run.origin.same", "Zoals geladen: {name} · {source} · hash {hash}.",
     "As loaded: {name} · {source} · hash {hash}.")
_add("run.origin.changed", "Geladen: {name} · {source} · hash {hash}. Gewijzigd in deze run: "
     "{changes}.", "Loaded: {name} · {source} · hash {hash}. Changed in this run: {changes}.")
_add("run.hash", "Scenario-hash {hash} · seed {seed} · {reps} replicaties",
     "Scenario hash {hash} · seed {seed} · {reps} replications")
_add("run.replaced", "De vorige run met de naam **{name}** is vervangen.",
     "The previous run named **{name}** was replaced.")

# inputs
_add("in.header", "Invoer", "Inputs")
_add("in.time_unit", "Wijzigingen in de tijd ingeven per", "Enter changes over time by")
_add("in.unit.weeks", "week", "week")
_add("in.unit.months", "maand", "month")
_add("in.staff", "Personeel per rol", "Staffing per role")
_add("in.staff_help",
     "Uren per week volgens contract. Een rooster kan stappen hebben: bijvoorbeeld 8 u bij de "
     "opstart en 19 u vanaf het moment dat de trajecten starten.",
     "Contracted hours per week. A schedule can have steps: for example 8 h at rollout and "
     "19 h from the moment trajectories start.")
_add("in.steps", "Aantal stappen in het rooster", "Number of steps in the schedule")
_add("in.hours", "Uren per week", "Hours per week")
_add("in.zero_hours", "{role} heeft 0 uur: die rol kan niets doen, dus geen kind komt voorbij "
     "die stap en de wachtlijst groeit. Toegelaten, maar bedoeld?",
     "{role} has 0 hours: that role can do nothing, so no child gets past its step and the "
     "waiting list grows. Allowed, but intended?")
_add("in.num.empty", "Vul een getal in.", "Enter a number.")
_add("in.num.point", "'{text}' is geen getal in het Nederlands: gebruik een komma voor "
     "decimalen (bv. 12,5); een punt groepeert duizendtallen (1.000).",
     "'{text}' is not a number in English: use a point for decimals (e.g. 12.5); a comma "
     "groups thousands (1,000).")
_add("in.num.comma", "'{text}' is geen getal in het Engels: gebruik een punt voor decimalen "
     "(bv. 12.5).", "'{text}' is not a number in English: use a point for decimals "
     "(e.g. 12.5); a comma groups thousands (1,000).")
_add("in.num.not_number", "'{text}' is geen getal.", "'{text}' is not a number.")
_add("in.num.not_integer", "'{text}' is geen geheel getal.", "'{text}' is not a whole number.")
_add("in.num.too_small", "Te klein: minstens {low}.", "Too small: at least {low}.")
_add("in.num.too_large", "Te groot: hoogstens {high}.", "Too large: at most {high}.")
_add("in.hours_step", "Uren per week (stap {n})", "Hours per week (step {n})")
_add("in.from_weeks", "Vanaf week (stap {n})", "From week (step {n})")
_add("in.from_months", "Vanaf maand (stap {n})", "From month (step {n})")
_add("in.from_start", "Stap 1 geldt vanaf de start.", "Step 1 applies from the start.")
_add("in.leave", "Verlof, vorming en overleg (%)", "Leave, training and meetings (%)")
_add("in.leave_help", "Deel van de contracturen dat niet naar dossiers gaat.",
     "Share of contracted hours not spent on cases.")
_add("in.referrals", "Aanmeldingen", "Referrals")
_add("in.per_year", "Aanmeldingen per jaar", "Referrals per year")
_add("in.per_year_step", "Aanmeldingen per jaar (stap {n})", "Referrals per year (step {n})")
_add("in.sources", "Herkomst van de aanmeldingen (%)", "Where referrals come from (%)")
_add("in.sources_sum", "Samen: {total}% (moet 100% zijn).", "Together: {total}% (must be 100%).")
_add("in.sources_bad", "De herkomst telt op tot {total}% in plaats van 100%.",
     "The sources add up to {total}% instead of 100%.")
_add("in.families", "P&P-gezinnen", "P&P families")
_add("in.interested", "Geïnteresseerde gezinnen per jaar", "Interested families per year")
_add("in.interested_help",
     "Gezinnen die per jaar interesse tonen als het sensibiliseringswerk volledig bemand is.",
     "Families showing interest per year when the awareness work is fully staffed.")
_add("in.pass_rate", "Slaagkans screening (%)", "Screening pass rate (%)")
_add("in.pass_rate_help", "Publiek cijfer: 15-28% van de geïnteresseerden wordt pleegouder.",
     "Public figure: 15-28% of interested people become foster parents.")
_add("in.family_leave", "Gezinnen die per jaar stoppen (%)", "Families stopping per year (%)")
_add("in.risk", "Breukrisico", "Breakdown risk")
_add("in.breakdown", "Breukrisico t.o.v. het geladen scenario (×)",
     "Breakdown risk relative to the loaded scenario (×)")
_add("in.breakdown_help",
     "1 = zoals in het bestand; 2 = dubbel zo veel breuken per week in elke geplaatste fase.",
     "1 = as in the file; 2 = twice as many breakdowns per week in every placed phase.")
_add("in.underserved", "Extra breukrisico als een plaatsing te weinig uren krijgt (×)",
     "Extra breakdown risk while a placement gets too few hours (×)")
_add("in.policy", "Werkwijze bij te weinig uren", "Service policy when hours run short")
_add("in.policy.waitlist", "Wachtlijst: een fase start pas als alle rollen de uren vrij hebben",
     "Waiting list: a phase starts only when every role has the hours free")
_add("in.policy.share", "Verdelen: iedereen start meteen, het werk vertraagt",
     "Share: everyone starts at once, the work slows down")
_add("in.start", "Beginsituatie", "Start state")
_add("in.start_help", "Kinderen die bij de start al in een fase zitten.",
     "Children already in a phase at the start.")
_add("in.pool", "Goedgekeurde gezinnen in de pool", "Approved families in the pool")
_add("in.run", "Simulatie-instellingen", "Simulation settings")
_add("in.horizon", "Horizon (weken)", "Horizon (weeks)")
_add("in.warmup", "Opwarmperiode (weken, niet meegeteld)", "Warm-up (weeks, not counted)")
_add("in.years", "= {years} jaar", "= {years} years")
_add("in.reps", "Replicaties", "Replications")
_add("in.reps_help",
     "Hoe vaak de toekomst opnieuw wordt gesimuleerd. Meer replicaties geven smallere "
     "intervallen maar duren langer.",
     "How many times the future is simulated. More replications give narrower intervals but "
     "take longer.")
_add("in.seed", "Seed (startgetal van het toeval)", "Seed (starting point of the randomness)")
_add("in.seed_help", "Met dezelfde seed geeft hetzelfde scenario exact dezelfde resultaten.",
     "With the same seed the same scenario gives exactly the same results.")
_add("in.invalid", "Het scenario is ongeldig. Details:", "The scenario is not valid. Details:")

# results
# Short tab labels: all nine fit on one line at 1280 px (issue 18); the tab's heading says more.
_add("tab.results", "Resultaten", "Results")
_add("tab.compare", "Vergelijken", "Compare")
_add("tab.minimum", "Minimum", "Minimum")
_add("tab.least", "Minimale bezetting", "Least staffing")
_add("tab.calibration", "Kalibratie", "Calibration")
_add("tab.sensitivity", "Gevoeligheid", "Sensitivity")
_add("tab.downloads", "Rapport", "Report")
_add("tab.scenario", "Scenario", "Scenario")
_add("tab.sweeps", "Reeksen", "Sweeps")
_add("least.invalid",
     "Los eerst de fouten in de invoer op: de zoektocht vertrekt van het huidige scenario.",
     "Fix the input errors first: the search starts from the current scenario.")
_add("res.none", "Nog geen resultaten. Stel links de invoer in en klik op **Start simulatie**.",
     "No results yet. Set the inputs on the left and click **Run simulation**.")
_add("res.show_run", "Toon run", "Show run")
_add("res.stamp", "Scenario-hash {hash} · seed {seed} · {reps} replicaties · pnp-sim {version}",
     "Scenario hash {hash} · seed {seed} · {reps} replications · pnp-sim {version}")
_add("res.kpis", "Kerncijfers", "Key figures")
_add("res.kpis_help",
     "Gemiddelde over de replicaties, met het 95%-betrouwbaarheidsinterval (BI) eronder. "
     "Wachttijden tellen vanaf de aanmelding, na de opwarmperiode.",
     "Mean over the replications, with the 95% confidence interval (CI) below it. Waiting "
     "times count from referral, after the warm-up.")
_add("res.stale", "Let op: de invoer is gewijzigd sinds deze run. Klik op **Start simulatie** "
     "om de nieuwe invoer door te rekenen.",
     "Note: the inputs changed since this run. Click **Run simulation** to compute the new "
     "inputs.")
_add("res.in_short",
     "In het kort: van aanmelding tot plaatsing duurt het gemiddeld {mean} ({ci}); 9 op de 10 "
     "geplaatste kinderen zijn binnen {p90} geplaatst. Er worden {placements} kinderen per jaar "
     "geplaatst, de netto besparing is {saving}. De drukst bezette rol is {role} ({util}).",
     "In short: referral to placement takes {mean} on average ({ci}); 9 in 10 placed children "
     "are placed within {p90}. {placements} children a year are placed, the net saving is "
     "{saving}. The busiest role is {role} ({util}).")
_add("res.in_short_growing",
     "In het kort: de wachtlijst groeit, dus de wachttijden hieronder hangen af van de horizon "
     "en zijn geen vast cijfer: over deze horizon duurt het van aanmelding tot plaatsing "
     "gemiddeld {mean} ({ci}) en 9 op de 10 geplaatste kinderen wachtten minder dan {p90}; met "
     "een langere horizon worden ze langer. Er worden {placements} kinderen per jaar geplaatst, "
     "de netto besparing is {saving}. De drukst bezette rol is {role} ({util}).",
     "In short: the waiting list grows, so the waits below depend on the horizon and are no "
     "steady figure: over this horizon referral to placement takes {mean} on average ({ci}) and "
     "9 in 10 placed children waited less than {p90}; over a longer horizon they get longer. "
     "{placements} children a year are placed, the net saving is {saving}. The busiest role is "
     "{role} ({util}).")
_add("res.all_kpis", "Alle kerncijfers", "All key figures")
_add("res.charts", "Grafieken", "Charts")
_add("kpi.ci", "95%-BI {interval}", "95% CI {interval}")
_add("kpi.no_ci", "geen waarnemingen", "no observations")
_add("col.kpi", "Kerncijfer", "Key figure")
_add("col.mean", "Gemiddelde", "Mean")
_add("col.ci_low", "95%-BI onder", "95% CI low")
_add("col.ci_high", "95%-BI boven", "95% CI high")
_add("col.unit", "Eenheid", "Unit")
_add("col.n", "Replicaties", "Replications")
_add("col.week", "Week", "Week")
_add("col.year", "Jaar", "Year")
_add("chart.warmup", "Opwarmperiode (niet in de cijfers)", "Warm-up (not in the figures)")
_add("col.value", "Waarde", "Value")
_add("col.series", "Reeks", "Series")
_add("col.run", "Run", "Run")
_add("col.role", "Rol", "Role")
_add("col.children", "Kinderen", "Children")
_add("col.share_children", "Aandeel kinderen", "Share of children")
_add("col.weeks", "Weken", "Weeks")
_add("col.utilisation", "Bezetting", "Utilisation")
_add("col.phase", "Fase", "Phase")
_add("col.count", "Kinderen per replicatie", "Children per replication")
_add("col.base_mean", "Basis: gemiddelde", "Base: mean")
_add("col.other_mean", "Variant: gemiddelde", "Variant: mean")
_add("col.diff", "Verschil", "Difference")
_add("col.diff_ci", "95%-BI van het verschil", "95% CI of the difference")
_add("col.significant", "Beter of slechter?", "Better or worse?")
_add("col.variant", "Variant", "Variant")
_add("col.target", "Doel", "Target")
_add("col.result", "Resultaat", "Result")
_add("col.verdict", "Oordeel", "Verdict")
_add("word.yes", "ja", "yes")
_add("word.no", "nee", "no")

_add("unit.weeks", "weken", "weeks")
_add("unit.per_year", "per jaar", "per year")
_add("unit.weeks_per_year", "weken per jaar", "weeks per year")
_add("unit.percent", "%", "%")
_add("unit.pp", "%-punt", "pp")
_add("unit.children", "kinderen", "children")
_add("unit.families", "gezinnen", "families")
_add("unit.cases", "dossiers", "cases")
_add("unit.cases_per_fte", "dossiers per VTE", "cases per FTE")

# charts
_add("chart.schedule.title", "Ingevoerde bezetting per rol", "Staffing entered per role")
_add("chart.schedule.help",
     "De contracturen per week van elke rol over de horizon, zoals nu ingevoerd (voor verlof). "
     "Een trap is een stap in het rooster.",
     "Each role's contracted hours per week over the horizon, as entered now (before leave). A "
     "step is a step in the schedule.")
_add("chart.waiting.title", "Wachtlijst in de tijd", "Waiting list over time")
_add("chart.waiting.help",
     "Aantal kinderen dat wacht, per week: op personeel (om een fase te kunnen starten) en op "
     "een passend P&P-gezin. De lijn is het gemiddelde over de replicaties, de band het "
     "95%-interval; een lijn die blijft stijgen betekent dat de capaciteit niet volgt.",
     "Number of children waiting, per week: for staff (to start a phase) and for a suitable P&P "
     "family. The line is the mean over the replications, the band the 95% interval; a line "
     "that keeps rising means capacity does not keep up.")
_add("chart.phases.title", "Kinderen per fase in de tijd", "Children per phase over time")
_add("chart.phases.help",
     "Hoeveel kinderen er elke week in elke fase zitten (gemiddelde met 95%-band). Zo zie je "
     "waar kinderen zich opstapelen.",
     "How many children are in each phase every week (mean with 95% band). This shows where "
     "children pile up.")
_add("chart.util.title", "Bezetting per rol in de tijd", "Utilisation per role over time")
_add("chart.util.help",
     "Gebruikte uren gedeeld door de beschikbare uren (na verlof), per week. De stippellijn is "
     "100%. Onder de werkwijze 'wachtlijst' start een fase pas als alle rollen die ze nodig "
     "heeft tegelijk uren vrij hebben: dan wachten kinderen terwijl elke rol onder 100% blijft. "
     "Een rol onder 100% is dus geen bewijs van ruimte; kijk naar de wachtlijst en naar de "
     "regel 'uren ongebruikt terwijl kinderen wachtten' bij de kerncijfers.",
     "Hours used divided by hours available (after leave), per week. The dashed line is 100%. "
     "Under the 'waiting list' policy a phase starts only when every role it needs has the "
     "hours free at once, so children wait while every role stays below 100%. A role below "
     "100% is no proof of spare capacity; look at the waiting list and at the line 'hours "
     "unused while children waited' with the key figures.")
_add("chart.dist.title", "Verdeling van de tijd van aanmelding tot plaatsing",
     "Distribution of the time from referral to placement")
_add("chart.dist.help",
     "Elke staaf telt de kinderen die na zoveel weken geplaatst werden (alle replicaties "
     "samen, na de opwarmperiode). De stippellijn is het 90e percentiel: 9 op de 10 geplaatste "
     "kinderen wachtten korter.",
     "Each bar counts the children placed after that many weeks (all replications together, "
     "after the warm-up). The dashed line is the 90th percentile: 9 in 10 placed children "
     "waited less.")
_add("chart.dist.none", "Er werden geen kinderen geplaatst na de opwarmperiode.",
     "No children were placed after the warm-up.")
_add("chart.flow.title", "Stroom door de fasen en uitkomsten",
     "Flow through the phases and outcomes")
_add("chart.flow.help",
     "Hoeveel kinderen per replicatie elke fase bereikten, en hoe hun traject eindigde "
     "(gemiddelde met 95%-interval). Het verschil tussen twee opeenvolgende staven is het "
     "aantal dat onderweg uitviel of nog wacht.",
     "How many children per replication reached each phase, and how their trajectory ended "
     "(mean with 95% interval). The gap between two bars is the number who dropped out on the "
     "way or are still waiting.")
_add("chart.flow.group_phase", "Fase bereikt", "Phase reached")
_add("chart.flow.group_outcome", "Uitkomst", "Outcome")
_add("chart.hundred", "100% bezet", "100% used")
_add("chart.p90", "90e percentiel", "90th percentile")
_add("chart.unavailable", "Deze grafiek kan niet getoond worden: {error}",
     "This chart cannot be shown: {error}")

# compare
_add("cmp.intro",
     "Kies twee of meer runs. De eerste is de basis; voor elke andere run zie je het verschil "
     "per kerncijfer met zijn 95%-interval. Runs met dezelfde seed gebruiken dezelfde "
     "toevalsgetallen (common random numbers), zodat het verschil scherp gemeten wordt.",
     "Pick two or more runs. The first is the base; for each other run you see the difference "
     "per key figure with its 95% interval. Runs with the same seed use the same random "
     "numbers (common random numbers), so the difference is measured sharply.")
_add("cmp.need_two", "Voer minstens twee runs uit om te vergelijken.",
     "Run at least two runs to compare.")
_add("cmp.runs", "Runs om te vergelijken", "Runs to compare")
_add("cmp.base", "Basis", "Base")
_add("cmp.pick_two", "Kies minstens twee runs.", "Pick at least two runs.")
_add("cmp.side_by_side", "Kerncijfers naast elkaar", "Key figures side by side")
_add("cmp.diff_header", "Verschil: {other} min {base}", "Difference: {other} minus {base}")
_add("cmp.diff_help",
     "Verschil = deze run min de basis, gepaard per replicatie ({n} paren). 'Beter' of "
     "'slechter' (volgens de richting van het kerncijfer) als het hele 95%-interval van het "
     "verschil aan één kant van nul ligt; anders 'geen duidelijk verschil'.",
     "Difference = this run minus the base, paired by replication ({n} pairs). 'Better' or "
     "'worse' (by the key figure's direction) when the whole 95% interval of the difference "
     "lies on one side of zero; otherwise 'no clear difference'.")
_add("cmp.seed_differs",
     "{other} heeft een andere seed dan {base}: de paren delen geen toevalsgetallen. Het "
     "interval blijft geldig maar is breder.",
     "{other} has a different seed from {base}: the pairs share no random numbers. The "
     "interval stays valid but is wider.")
_add("cmp.waiting.title", "Wachtende kinderen per run", "Children waiting, per run")
_add("cmp.waiting.help",
     "Alle wachtende kinderen (op personeel of op een gezin) per week, per run, met 95%-band. "
     "Een lagere lijn is beter.",
     "All waiting children (for staff or for a family) per week, per run, with 95% band. A "
     "lower line is better.")
_add("cmp.util.title", "Bezetting per rol, per run", "Utilisation per role, per run")
_add("cmp.util.help",
     "De bezetting van elke rol per run, tegenover de stippellijn van 100%. Kinderen kunnen ook "
     "wachten terwijl elke rol onder 100% blijft (zie de uitleg bij de resultaten).",
     "Utilisation of each role per run, against the dashed 100% line. Children can wait while "
     "every role stays below 100% (see the note with the results).")

# minimum requirements
_add("min.intro",
     "Het methodedocument (3.2) vraagt minstens 8 u per week voor elke rol bij de opstart, en "
     "19 u voor de P&P-begeleider zodra de trajecten lopen. Deze controle rekent dat minimum "
     "door met jouw eigen aanmeldingen en instroom, en toetst het aan jouw doelen.",
     "The method document (3.2) asks for at least 8 h a week for every role at rollout, and 19 h "
     "for the P&P counsellor once trajectories run. This check runs that minimum with your own "
     "referrals and inflow and tests it against your targets.")
_add("min.start_week", "Trajecten starten vanaf week", "Trajectories start from week")
_add("min.start_help",
     "Tot deze week werkt de P&P-begeleider 8 u, daarna 19 u.",
     "Until this week the P&P counsellor works 8 h, from then on 19 h.")
_add("min.template", "Minimumbezetting uit {source}.", "Minimum staffing from {source}.")
_add("min.template_builtin",
     "Minimumbezetting volgens het methodedocument (het bestand "
     "scenarios/minimum-requirements.yaml ontbreekt).",
     "Minimum staffing as in the method document (the file "
     "scenarios/minimum-requirements.yaml is missing).")
_add("min.targets", "Doelen", "Targets")
_add("min.use_p90", "Doel: 90% van de geplaatste kinderen binnen N weken geplaatst",
     "Target: 90% of placed children placed within N weeks")
_add("min.p90_weeks", "N (weken)", "N (weeks)")
_add("min.use_util", "Doel: geen rol boven een maximale bezetting",
     "Target: no role above a maximum utilisation")
_add("min.util_max", "Maximale bezetting (%)", "Maximum utilisation (%)")
_add("min.use_wait", "Doel: gemiddelde wachttijd tot beeldvorming hoogstens M weken",
     "Target: mean wait to assessment at most M weeks")
_add("min.wait_weeks", "M (weken)", "M (weeks)")
_add("min.button", "Controleer het minimum", "Check the minimum")
_add("min.staffing", "Doorgerekende bezetting: {text}", "Staffing simulated: {text}")
_add("min.no_target", "Kies minstens één doel.", "Pick at least one target.")
_add("min.met", "gehaald", "met")
_add("min.not_met", "niet gehaald", "not met")
_add("min.uncertain", "onzeker", "uncertain")
_add("min.verdict_met",
     "Met de minimumbezetting worden al je doelen gehaald (ook aan de ongunstige kant van "
     "het 95%-interval).",
     "With the minimum staffing all your targets are met (even at the unfavourable end of the "
     "95% interval).")
_add("min.verdict_not_met",
     "Met de minimumbezetting wordt minstens één doel niet gehaald: {targets}.",
     "With the minimum staffing at least one target is not met: {targets}.")
_add("min.verdict_uncertain",
     "Niet zeker: het 95%-interval ligt aan beide kanten van het doel voor: {targets}. Meer "
     "replicaties maken het interval smaller.",
     "Not certain: the 95% interval lies on both sides of the target for: {targets}. More "
     "replications narrow the interval.")
_add("min.target_p90", "90% geplaatst binnen {n} weken", "90% placed within {n} weeks")
_add("min.target_util", "{role} hoogstens {pct}% bezet", "{role} at most {pct}% utilised")
_add("min.target_wait", "gemiddeld hoogstens {n} weken tot beeldvorming",
     "at most {n} weeks to assessment on average")
_add("min.saved_as", "Opgeslagen als run **{name}**, zodat je ze kunt vergelijken.",
     "Saved as run **{name}**, so you can compare it.")
_add("min.run_name", "Minimum (8/8/8 → 19 u)", "Minimum (8/8/8 → 19 h)")
_add("min.note_placed",
     "Het 90e percentiel telt alleen kinderen die geplaatst werden; het aandeel geplaatste "
     "aanmeldingen was {share}.",
     "The 90th percentile counts placed children only; the share of referrals placed was "
     "{share}.")

# downloads
_add("dl.run", "Run om te downloaden", "Run to download")
_add("dl.intro", "Downloads voor run **{name}**.", "Downloads for run **{name}**.")
_add("dl.yaml", "Scenario (YAML)", "Scenario (YAML)")
_add("dl.yaml_help",
     "Laad dit bestand later opnieuw op: met dezelfde seed en replicaties geeft het exact "
     "dezelfde resultaten.",
     "Upload this file again later: with the same seed and replications it gives exactly the "
     "same results.")
_add("dl.csv", "Resultaten (CSV, zip)", "Results (CSV, zip)")
_add("dl.parquet", "Resultaten (Parquet, zip)", "Results (Parquet, zip)")
_add("dl.report", "Rapport (HTML)", "Report (HTML)")
_add("dl.report_help",
     "Eén bestand met invoer, kerncijfers, grafieken, versie, seed en scenario-hash; opent "
     "zonder internet.",
     "One file with inputs, key figures, charts, version, seed and scenario hash; opens "
     "without internet.")
_add("dl.none", "Nog geen run om te downloaden.", "No run to download yet.")

# scenario file tab
_add("yaml.intro",
     "Het scenario zoals het nu gesimuleerd zou worden. Je kunt het hier ook rechtstreeks "
     "aanpassen en toepassen (voor velden die links geen invoer hebben).",
     "The scenario as it would be simulated now. You can also edit it here directly and apply "
     "it (for fields without an input on the left).")
_add("yaml.edit", "Scenario (YAML)", "Scenario (YAML)")
_add("yaml.apply", "Pas dit scenario toe", "Apply this scenario")
_add("yaml.applied", "Het scenario is toegepast.", "The scenario was applied.")
_add("yaml.bad", "De tekst kan niet gebruikt worden. Het vorige scenario blijft actief.",
     "The text cannot be used. The previous scenario stays active.")
_add("yaml.source", "bewerkt scenario", "edited scenario")
_add("yaml.invalid_now", "De huidige invoer geeft geen geldig scenario.",
     "The current inputs do not give a valid scenario.")

# sweeps
_add("sweeps.missing",
     "Het tabblad met parameterreeksen is in deze installatie nog niet beschikbaar.",
     "The parameter sweeps tab is not available in this installation yet.")
_add("sweeps.failed", "Het tabblad met parameterreeksen gaf een fout: {error}",
     "The parameter sweeps tab failed: {error}")

# report
_add("rep.title", "P&P-planner: rapport", "P&P planner: report")
_add("rep.generated", "Gemaakt op {when} met pnp-sim {version}.",
     "Made on {when} with pnp-sim {version}.")
_add("rep.identity", "Identiteit van de run", "Run identity")
_add("rep.inputs", "Invoer", "Inputs")
_add("rep.kpis", "Kerncijfers (gemiddelde en 95%-betrouwbaarheidsinterval)",
     "Key figures (mean and 95% confidence interval)")
_add("rep.all_kpis", "Alle kerncijfers", "All key figures")
_add("rep.charts", "Grafieken", "Charts")
_add("rep.full_yaml", "Volledig scenario (YAML)", "Full scenario (YAML)")
_add("rep.run_name", "Run", "Run")
_add("rep.scenario", "Scenario", "Scenario")
_add("rep.hash", "Scenario-hash", "Scenario hash")
_add("rep.seed", "Seed", "Seed")
_add("rep.reps", "Replicaties", "Replications")
_add("rep.version", "pnp-sim versie", "pnp-sim version")
_add("rep.horizon", "Horizon / opwarmperiode", "Horizon / warm-up")
_add("rep.horizon_value", "{horizon} weken / {warmup} weken", "{horizon} weeks / {warmup} weeks")
_add("rep.staff", "Personeel (uren per week, vanaf week)", "Staffing (hours per week, from week)")
_add("rep.referrals", "Aanmeldingen per jaar (vanaf week)", "Referrals per year (from week)")
_add("rep.sources", "Herkomst", "Sources")
_add("rep.families", "Gezinnen: geïnteresseerd per jaar / slaagkans screening",
     "Families: interested per year / screening pass rate")
_add("rep.breakdown", "Breukrisico per week (per fase)", "Breakdown hazard per week (per phase)")
_add("rep.policy", "Werkwijze", "Service policy")
_add("rep.start", "Beginsituatie", "Start state")
_add("rep.start_value", "{children} kinderen, {families} gezinnen in de pool",
     "{children} children, {families} families in the pool")
_add("rep.hours_from", "{hours} u vanaf week {week}", "{hours} h from week {week}")
_add("rep.rate_from", "{rate} vanaf week {week}", "{rate} from week {week}")
_add("rep.chart_missing", "Grafiek niet beschikbaar: {error}", "Chart not available: {error}")
_add("rep.footer",
     "Resultaten van een simulatiemodel met aannames (zie het scenariobestand voor de bron van "
     "elk cijfer). Intervallen geven de onzekerheid van de simulatie weer, niet die van de "
     "aannames.",
     "Results of a simulation model with assumptions (see the scenario file for the source of "
     "every figure). Intervals show the simulation's uncertainty, not that of the assumptions.")
# errors
_add("err.top", "Het bestand", "The file")
_add("err.step", "stap {n}", "step {n}")
_add("err.utf8", "- verwacht een tekstbestand (YAML, UTF-8)",
     "- expected a text (YAML, UTF-8) file")

# run names
_add("name.base", "Basisscenario", "Base scenario")
_add("name.leave", "verlof", "leave")
_add("name.referrals", "{rate} aanmeldingen/jaar", "{rate} referrals/year")
_add("name.policy", "werkwijze", "policy")
_add("name.families", "gezinnen gewijzigd", "families changed")
_add("name.breakdown", "breukrisico gewijzigd", "breakdown risk changed")
_add("name.start", "beginsituatie gewijzigd", "start state changed")
_add("name.horizon", "andere horizon", "other horizon")
_add("name.seed", "seed", "seed")
_add("name.sources", "herkomst gewijzigd", "sources changed")

# first screen
_add("first.what",
     "### Wat deze planner beantwoordt\n"
     "Hoeveel uren per rol heeft P&P nodig zodat kinderen niet te lang wachten op een "
     "traject en een P&P-gezin? De planner simuleert tien jaar van het programma, vele keren "
     "(replicaties), en toont wachttijden, plaatsingen, bezetting per rol en de besparing, elk "
     "met een 95%-interval.",
     "### What this planner answers\n"
     "How many hours per role does P&P need so that children do not wait too long for a "
     "trajectory and a P&P family? The planner simulates ten years of the programme many times "
     "(replications) and shows waiting times, placements, utilisation per role and the saving, "
     "each with a 95% interval.")
_add("first.default",
     "**Het standaardscenario** (`scenarios/baseline.yaml`): 3 aanmeldingen per jaar; "
     "inhoudelijk coördinator 8 u, P&P-begeleider 19 u, ouder-/gezinsbegeleider 8 u per week "
     "(het minimum van het methodedocument); met de kinderen en gezinnen die al in het "
     "programma zitten als beginsituatie.",
     "**The default scenario** (`scenarios/baseline.yaml`): 3 referrals a year; content "
     "coordinator 8 h, P&P counsellor 19 h, parent/family counsellor 8 h a week (the method "
     "document's minimum); starting with the children and families already in the programme.")
_add("first.todo",
     "**Wat eerst doen:** klik links op **Start simulatie** om het standaardscenario door te "
     "rekenen. Verander daarna één ding (bijvoorbeeld de uren van de P&P-begeleider), simuleer "
     "opnieuw, en vergelijk de twee runs in *Vergelijken*. Het rapport voor een raad van "
     "bestuur staat onder *Rapport en downloads*.",
     "**What to do first:** click **Run simulation** on the left to compute the default "
     "scenario. Then change one thing (the P&P counsellor's hours, for example), run again, and "
     "compare the two runs under *Compare*. The report for a board is under *Report and "
     "downloads*.")

# growth of the waiting list
_add("growth.warning",
     "De wachtlijst groeit: {queues}. Gemiddeld wachtten {start} kinderen aan het begin van de "
     "meetperiode en {end} aan het einde ({years} jaar gemeten). De wachttijden groeien mee met "
     "de horizon: ze zijn geen vast cijfer (geen evenwicht) en worden langer als je langer "
     "simuleert.",
     "The waiting list grows: {queues}. On average {start} children waited at the start of the "
     "measured period and {end} at its end ({years} years measured). The waits grow with the "
     "horizon: they are no steady-state figure and get longer the longer you simulate.")
_add("growth.queue_line",
     "{who} groeit met {slope} kinderen per jaar (95%-BI {low} – {high}; stijgend in {rising} "
     "van {n} replicaties)",
     "{who} grows by {slope} children a year (95% CI {low} – {high}; rising in {rising} of {n} "
     "replications)")
_add("growth.queue.staff", "de wachtrij voor personeel", "the queue for staff")
_add("growth.queue.family", "de wachtrij voor een P&P-gezin (de gezinnenpool is te klein)",
     "the queue for a P&P family (the family pool is too small)")
_add("growth.queue.all", "het totaal aantal wachtende kinderen", "the total of children waiting")
_add("growth.role_zero", "({role}: 0 uur, dus niemand kan die stap doen)",
     "({role}: 0 hours, so nobody can do that step)")
_add("growth.role", "(vooral {role}: die rol heeft het grootste tekort aan uren)",
     "(mainly {role}: the role with the largest shortfall of hours)")
_add("growth.card", "groeit met de horizon: geen vast cijfer",
     "grows with the horizon: no steady figure")
_add("growth.idle",
     "Waarom blijft een rol onder 100% terwijl kinderen wachten? Onder de werkwijze "
     "'wachtlijst' start een fase pas als alle rollen tegelijk de uren vrij hebben; zolang een "
     "andere rol ontbreekt, blijven uren ongebruikt. Uren ongebruikt in de weken dat kinderen "
     "op personeel wachtten: {shares}. Grootste tekort: {short}.",
     "Why does a role stay below 100% while children wait? Under the 'waiting list' policy a "
     "phase starts only when every role has the hours free at once; while another role is "
     "missing, hours stay unused. Hours unused in the weeks children waited for staff: "
     "{shares}. Largest shortfall: {short}.")
_add("growth.no_short", "geen rol komt structureel uren tekort",
     "no role is short of hours throughout")

# compare marks
_add("cmp.mark.better", "beter", "better")
_add("cmp.mark.worse", "slechter", "worse")
_add("cmp.mark.none", "geen duidelijk verschil", "no clear difference")
_add("cmp.mark.changed", "duidelijk verschil", "clear difference")

# minimum: the referrals used
_add("min.referrals", "Gebruikte aanmeldingen (uit de invoer links): {rates}.",
     "Referrals used (from the inputs on the left): {rates}.")

# report and downloads
_add("dl.report_header", "Rapport voor een beslissing", "Report for a decision")
_add("dl.report_intro",
     "Vink de runs aan die de raad moet vergelijken (bijvoorbeeld het minimum, het "
     "basisscenario en een voorstel). De eerste is de vergelijkingsbasis.",
     "Tick the runs the board should compare (for example the minimum, the baseline and a "
     "proposal). The first is the basis of comparison.")
_add("dl.report_runs", "Runs in het rapport", "Runs in the report")
_add("dl.pdf", "Rapport (PDF)", "Report (PDF)")
_add("dl.pdf_help", "Hetzelfde rapport als PDF, met paginanummers en de stempel onderaan.",
     "The same report as PDF, with page numbers and the stamp at the foot of every page.")
_add("dl.pdf_missing",
     "De PDF vraagt Chromium op de server (make browser); het HTML-rapport kan je afdrukken.",
     "The PDF needs Chromium on the server (make browser); the HTML report can be printed.")
_add("dl.files_header", "Bestanden van één run", "Files of one run")
_add("dl.csv_dialect", "CSV-formaat", "CSV format")
_add("dl.csv_dialect.nl", "puntkomma en decimale komma (Excel in het Nederlands)",
     "semicolon and decimal comma (Dutch-language Excel)")
_add("dl.csv_dialect.en", "komma en decimale punt", "comma and decimal point")
_add("rep.question",
     "Vraag: welke van deze opties ({options}) houdt de wachttijden van kinderen het best "
     "onder controle?",
     "Question: which of these options ({options}) keeps children's waiting times best under "
     "control?")
_add("rep.answer",
     "Antwoord: {name} plaatst 9 op de 10 geplaatste kinderen het snelst, binnen {p90}.",
     "Answer: {name} places 9 in 10 placed children soonest, within {p90}.")
_add("rep.answer_one", "Antwoord: met {name} is 9 op de 10 geplaatste kinderen binnen {p90} "
     "geplaatst.", "Answer: with {name}, 9 in 10 placed children are placed within {p90}.")
_add("rep.answer_growing",
     "Let op: bij {names} groeit de wachtlijst; hun wachttijden hangen af van de horizon.",
     "Note: under {names} the waiting list grows; their waits depend on the horizon.")
_add("rep.options", "De opties naast elkaar", "The options side by side")
_add("rep.marks",
     "Gemiddelde, 95%-interval eronder, en voor elke andere optie het verschil met {base} "
     "(gepaard per replicatie): beter of slechter als het hele interval van het verschil aan "
     "één kant van nul ligt.",
     "Mean, 95% interval below it, and for every other option the difference from {base} "
     "(paired by replication): better or worse when the whole interval of the difference lies "
     "on one side of zero.")
_add("rep.growth", "Groeiende wachtlijsten", "Growing waiting lists")
_add("rep.no_growth",
     "Bij geen enkele optie groeit de wachtlijst over de gemeten jaren.",
     "The waiting list grows under none of the options over the measured years.")
_add("rep.assumptions", "Invoer en aannames met hun bron", "Inputs and assumptions with sources")
_add("rep.sources_intro",
     "Elke waarde van het geladen scenario noemt haar bron. Deze komen uit het "
     "P&P-methodedocument, een publiek cijfer of eigen gegevens:",
     "Every value of the loaded scenario names its source. These come from the P&P method "
     "document, a public figure or own records:")
_add("rep.assumed", "De {n} andere waarden zijn aannames van het team (geen publiek P&P-cijfer "
     "bestaat); ze staan met hun bron in het scenariobestand dat de app bij elke run aanbiedt.",
     "The {n} other values are the team's assumptions (no public P&P figure exists); they are "
     "listed with their source in the scenario file the app offers with every run.")
_add("rep.appendix", "Bijlage: waarin de opties verschillen", "Appendix: where the options differ")
_add("rep.appendix_intro", "Elke invoer die niet in alle opties gelijk is, met de bron van de "
     "waarde in het geladen scenario. Alle andere invoer is in alle opties gelijk.",
     "Every input that is not the same in all options, with the source of its value in the "
     "loaded scenario. All other inputs are the same in every option.")
_add("rep.appendix_same", "De opties hebben dezelfde invoer.", "The options have the same inputs.")
_add("rep.appendix_one", "Eén optie: de invoer staat in de tabel hierboven.",
     "One option: its inputs are in the table above.")
_add("rep.col.input", "Invoer", "Input")
_add("cal.ci", "95%-interval", "95% interval")
_add("cal.need_mapping", "Heeft je log andere kolomnamen dan de standaard (case_id, activity, "
     "timestamp)? Laad dan ook een vertaalbestand (YAML) op; zie calibration/README.md.",
     "Does your log use other column names than the standard ones (case_id, activity, "
     "timestamp)? Then also upload a mapping file (YAML); see calibration/README.md.")
_add("rep.col.source", "Bron", "Source")
_add("rep.col.value", "Waarde", "Value")
_add("rep.identity_table", "Identiteit van elke optie", "Identity of each option")
_add("src.kind_word.method", "methodedocument", "method document")
_add("src.kind_word.domain", "publiek cijfer", "public figure")
_add("src.kind_word.assume", "aanname", "assumption")
_add("src.kind_word.calibrated", "gekalibreerd op eigen gegevens", "calibrated on own records")
_add("src.kind_word.user", "door de planner ingevuld", "entered by the planner")
_add("src.kind_word.none", "geen bron genoemd", "no source named")
# sweeps started from the app
_add("sw.intro",
     "Laat een reeks scenario's doorrekenen rond het huidige scenario: kies tot drie "
     "parameters en hun waarden. De reeks loopt op de achtergrond verder, ook als je de pagina "
     "verlaat, en schrijft een resultatenbank in {folder}.",
     "Run a series of scenarios around the current one: pick up to three parameters and their "
     "values. The sweep runs in the background, also when you leave the page, and writes a "
     "results store into {folder}.")
_add("sw.start_header", "Nieuwe reeks", "New sweep")
_add("sw.param", "Parameter {n}", "Parameter {n}")
_add("sw.none", "(geen)", "(none)")
_add("sw.hours", "Uren per week: {role}", "Hours per week: {role}")
_add("sw.param.referrals", "Aanmeldingen per jaar", "Referrals per year")
_add("sw.param.interested", "Geïnteresseerde gezinnen per jaar", "Interested families per year")
_add("sw.param.pass_rate", "Slaagkans screening", "Screening pass rate")
_add("sw.values", "Waarden", "Values")
_add("sw.values_help", "Gescheiden door ';', bijvoorbeeld 12; 19; 24 of 0,3; 0,4.",
     "Separated by commas or spaces, for example 12, 19, 24 or 0.3, 0.4.")
_add("sw.bad_value", "'{value}' is geen getal.", "'{value}' is not a number.")
_add("sw.twice", "Kies elke parameter maar één keer.", "Pick each parameter only once.")
_add("sw.reps", "Replicaties per punt", "Replications per point")
_add("sw.workers", "Processen", "Worker processes")
_add("sw.name", "Naam van de reeks", "Name of the sweep")
_add("sw.default_name", "reeks", "sweep")
_add("sw.size", "{points} punten × {reps} replicaties = {total} replicaties.",
     "{points} points × {reps} replications = {total} replications.")
_add("sw.start", "Start de reeks", "Start the sweep")
_add("sw.started", "Gestart; de resultaten komen in {store}.",
     "Started; the results go to {store}.")
_add("sw.jobs", "Reeksen vanuit de app", "Sweeps started from the app")
_add("sw.running", "{name}: {done} van {total} replicaties ({store})",
     "{name}: {done} of {total} replications ({store})")
_add("sw.finished", "{name}: klaar ({store}, gestart {started}).",
     "{name}: finished ({store}, started {started}).")
_add("sw.failed", "{name}: gestopt met code {code}; zie {log} in de resultatenmap.",
     "{name}: stopped with code {code}; see {log} in the results folder.")
_add("sw.open_header", "Resultaten bekijken", "Look at results")
_add("sw.upload", "Of laad een resultatenbank op (.duckdb)", "Or upload a results store (.duckdb)")
_add("sw.store", "Resultatenbank", "Results store")
_add("sw.store_running", "Deze reeks loopt nog; de resultaten zijn te zien zodra ze klaar is "
     "(de voortgang staat hierboven).", "This sweep is still running; its results can be seen "
     "once it has finished (its progress is shown above).")
_add("sw.no_stores", "Nog geen resultatenbanken in {folder}.", "No results stores in {folder} yet.")
# fmt: on


# ------------------------------------------------------------ scenario errors and run names
# (formerly webapp/texts.py: texts built from results and errors)

#: Field names in scenario paths, as the planner knows them.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "staff": ("Personeel", "Staffing"),
    "schedule": ("rooster", "schedule"),
    "hours": ("uren per week", "hours per week"),
    "from_week": ("vanaf week", "from week"),
    "leave_share": ("verlof, vorming en overleg", "leave, training and meetings"),
    "referrals": ("Aanmeldingen", "Referrals"),
    "per_year": ("per jaar", "per year"),
    "sources": ("herkomst", "sources"),
    "share": ("aandeel", "share"),
    "families": ("P&P-gezinnen", "P&P families"),
    "interested_per_year": ("geïnteresseerd per jaar", "interested per year"),
    "screening": ("screening", "screening"),
    "pass_rate": ("slaagkans", "pass rate"),
    "leave_per_year": ("stoppen per jaar", "stopping per year"),
    "breakdown": ("Breukrisico", "Breakdown risk"),
    "weekly_hazard": ("risico per week", "hazard per week"),
    "underserved": ("extra risico bij te weinig uren", "extra risk when underserved"),
    "policy": ("Werkwijze", "Service policy"),
    "start_state": ("Beginsituatie", "Start state"),
    "children": ("kinderen", "children"),
    "families_in_pool": ("gezinnen in de pool", "families in the pool"),
    "horizon_weeks": ("Horizon (weken)", "Horizon (weeks)"),
    "warmup_weeks": ("Opwarmperiode (weken)", "Warm-up (weeks)"),
    "replications": ("Replicaties", "Replications"),
    "seed": ("Seed", "Seed"),
    "name": ("Naam", "Name"),
    "admission_duration": ("duur van de opname", "admission duration"),
    "admission_probability": ("kans op opname", "admission probability"),
    "age": ("leeftijd", "age"),
    "age_over_10": ("ouder dan 10", "over 10"),
    "age_range": ("leeftijdsbereik", "age range"),
    "ageing": ("ouder worden", "ageing"),
    "caseload_cap": ("maximale caseload", "caseload cap"),
    "complexity": ("complexiteit", "complexity"),
    "complexity_effects": ("Gevolgen van complexiteit", "Effects of complexity"),
    "costs": ("Kosten", "Costs"),
    "crisis": ("Crisisopname", "Crisis admission"),
    "day_share": ("aandeel dagen", "share of days"),
    "description": ("Beschrijving", "Description"),
    "dist": ("verdeling", "distribution"),
    "duration": ("duur (weken)", "duration (weeks)"),
    "enabled": ("aan", "enabled"),
    "family_per_day": ("P&P-gezin per dag", "P&P family per day"),
    "five_days": ("vijf dagen", "five days"),
    "full_week": ("volledige week", "full week"),
    "has_family": ("heeft al een gezin", "already has a family"),
    "high": ("hoog", "high"),
    "holidays": ("vakanties", "holidays"),
    "intensities": ("intensiteiten", "intensities"),
    "intensity": ("intensiteit", "intensity"),
    "kinds": ("soorten", "kinds"),
    "leave_after_failed_match": ("stoppen na mislukte match", "leave after a failed match"),
    "leave_at_age": ("vertrek op leeftijd", "leaving at age"),
    "low": ("laag", "low"),
    "max": ("hoogstens", "at most"),
    "max_complexity": ("hoogste complexiteit", "highest complexity"),
    "max_idle_weeks": ("hoogstens weken zonder kind", "most weeks without a child"),
    "mean": ("gemiddelde", "mean"),
    "medium": ("middel", "medium"),
    "min": ("minstens", "at least"),
    "mode": ("meest waarschijnlijk", "most likely"),
    "new_task_per_year": ("nieuwe taak per jaar", "new task per year"),
    "oldest": ("oudste", "oldest"),
    "ondersteunend": ("ondersteunend", "supporting"),
    "per_placement_per_year": ("per plaatsing per jaar", "per placement per year"),
    "perspectiefbiedend": ("perspectiefbiedend", "offering a perspective"),
    "phases": ("Fasen", "Phases"),
    "rematch_share": ("aandeel opnieuw gematcht", "share rematched"),
    "residential": ("residentieel", "residential"),
    "residential_per_day": ("residentieel per dag", "residential per day"),
    "sd": ("standaardafwijking", "standard deviation"),
    "speelgezin": ("speelgezin", "play family"),
    "stop_after_breakdown": ("stoppen na breuk", "stop after a breakdown"),
    "success": ("slaagkans", "success rate"),
    "task_training": ("vorming voor een nieuwe taak", "training for a new task"),
    "two_days": ("twee dagen", "two days"),
    "unlimited": ("onbeperkt", "unlimited"),
    "value": ("waarde", "value"),
    "waiting_family_per_year": ("wachten op een gezin, per jaar", "waiting for a family, per year"),
    "waiting_staff_per_year": ("wachten op personeel, per jaar", "waiting for staff, per year"),
    "withdrawal": ("Terugtrekking", "Withdrawal"),
    "work_duration": ("duur van het werk", "work duration"),
    "youngest": ("jongste", "youngest"),
}

#: English messages from ``sim.scenario.schema`` -> Dutch (regular expressions, first match wins).
_NL_MESSAGES: list[tuple[str, str]] = [
    (r"expected a value at least (.+)", r"verwacht een waarde van minstens \1"),
    (r"expected a value at most (.+)", r"verwacht een waarde van hoogstens \1"),
    (r"expected a value more than (.+)", r"verwacht een waarde groter dan \1"),
    (r"expected a value less than (.+)", r"verwacht een waarde kleiner dan \1"),
    (r"expected at least (\S+) item\(s\)", r"verwacht minstens \1 element(en)"),
    (r"expected at most (\S+) item\(s\)", r"verwacht hoogstens \1 element(en)"),
    (r"expected one of (.+)", r"verwacht een van \1"),
    (r"expected a whole number", "verwacht een geheel getal"),
    (r"expected a number", "verwacht een getal"),
    (r"expected true or false", "verwacht waar of onwaar (true/false)"),
    (r"expected text", "verwacht tekst"),
    (r"expected a list of two whole numbers", "verwacht een lijst van twee gehele getallen"),
    (r"expected a list", "verwacht een lijst"),
    (r"expected a mapping of fields at the top level", "verwacht velden op het hoogste niveau"),
    (r"expected a mapping of fields", "verwacht een groep velden"),
    (r"required field is missing", "verplicht veld ontbreekt"),
    (r"unknown field; did you mean '([^']+)'\?", r"onbekend veld; bedoelde je '\1'?"),
    (r"unknown field", "onbekend veld"),
    (r"\(expected one of: ", "(verwacht een van: "),
    # PyYAML's own explanation after the position is English: the position and what to check
    # are said in Dutch instead.
    (r"not valid YAML at line (\d+), column (\d+).*",
     r"geen geldige YAML op regel \1, kolom \2 (controleer haakjes, aanhalingstekens, "
     r"dubbelpunten en inspringing)"),
    (r"not valid YAML", "geen geldige YAML"),
    (r"expected a UTF-8 text file", "verwacht een tekstbestand (UTF-8)"),
    (r"\(got ", "(kreeg "),
    (r" or ", " of "),
]


def translate_message(msg: str, lang: str) -> str:
    """A message from the scenario validation in ``lang`` (English as it comes)."""
    if lang != "nl":
        return msg
    out = msg
    for pattern, repl in _NL_MESSAGES:
        out = re.sub(pattern, repl, out, count=1)
    return out


def path_label(path: str, lang: str) -> str:
    """'staff.pnp_counsellor.leave_share' -> 'Personeel › P&P-begeleider › verlof, ...'."""
    if not path:
        return t("err.top", lang)
    parts = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(t("err.step", lang, n=int(part) + 1))
        elif part in FIELD_LABELS:
            parts.append(FIELD_LABELS[part][0 if lang == "nl" else 1])
        else:
            parts.append(term(part, lang))
    return " › ".join(parts)


def error_lines(exc: Any, lang: str) -> list[str]:
    """One line per problem of a :class:`sim.scenario.schema.InputError`: the field in words, its
    path in code font and what was expected, translated."""
    problems = getattr(exc, "problems", None)
    if problems is None:
        return [translate_message(str(exc), lang)]
    return [f"**{path_label(p, lang)}**" + (f" (`{p}`)" if p else "") + ": "
            + translate_message(m, lang) for p, m in problems]


def error_text(exc: Any, lang: str) -> str:
    """:func:`error_lines` as a Markdown list (wraps in the sidebar, unlike a code block)."""
    return "\n".join(f"- {line}" for line in error_lines(exc, lang))


# --------------------------------------------------------------------------- run names


def _hours(steps: list[dict[str, Any]], lang: str) -> str:

    h = "u" if lang == "nl" else "h"
    return " → ".join(f"{_num(float(s['hours']), lang)} {h}" for s in steps)


def _num(x: float, lang: str) -> str:
    """Whole numbers without decimals, others with one."""
    from sim.outputs.kpi_defs import format_number

    return format_number(x, lang, 0 if float(x).is_integer() else 1)


def value_text(value: Any, lang: str) -> str:
    """An input's value in a sentence or table: numbers with the page's decimal sign and no
    float noise, yes/no in words, a missing value as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("word.yes" if value else "word.no", lang)
    if isinstance(value, int | float):
        if float(value) == 0.0:
            return "0"  # never "-0"
        text = f"{float(value):.6g}" if abs(float(value)) < 1e6 else f"{float(value):.0f}"
        return text.replace(".", ",") if lang == "nl" else text
    if isinstance(value, list) and not value:
        return "–"
    return str(value)


def source_text(src: Any, lang: str) -> str:
    """A ``sim.scenario.sources.Source`` in words ("methodedocument 3.2", "aanname"); None as "no
    source named"."""
    if src is None:
        return t("src.kind_word.none", lang)
    key = f"src.kind_word.{src.kind}"
    word = t(key, lang) if key in TEXT else str(src.kind)
    return f"{word} {src.reference}".strip()


def point_words(data: dict[str, Any], lang: str) -> str:
    """A scenario's staffing in words ("coördinator 19 u, P&P-begeleider 30 u, ..."): how a
    loaded frontier or sweep point is named."""
    h = "u" if lang == "nl" else "h"
    parts = []
    for role in ROLES:
        steps = data.get("staff", {}).get(role, {}).get("schedule") or [{"hours": 0}]
        parts.append(f"{term(role, lang)} {value_text(steps[0].get('hours', 0), lang)} {h}")
    return ", ".join(parts)


def source_words(source: str, lang: str) -> str:
    """Where the loaded scenario came from, in words ("kalibratie op eigen gegevens (log
    ab12)"); a file path is shown as it is."""
    kind, _, rest = str(source).partition(":")
    if kind == "calibration":
        return t("src.kind.calibration", lang, digest=rest)
    if kind == "upload":
        return t("src.uploaded", lang, name=rest)
    if kind == "frontier":
        return t("src.kind.frontier", lang, point=rest)
    if kind == "sweep":
        experiment, _, point = rest.partition(":")
        return t("src.kind.sweep", lang, experiment=experiment, point=point)
    return str(source)


def run_name(base: dict[str, Any], data: dict[str, Any], lang: str) -> str:
    """A name that says what changed against the loaded scenario ("P&P-begeleider 12 u");
    the base scenario's name when nothing did."""
    from sim.outputs.kpi_defs import format_number

    parts = []
    for role in ROLES:
        steps = data["staff"][role]["schedule"]
        if steps != base["staff"][role]["schedule"]:
            parts.append(f"{term(role, lang)} {_hours(steps, lang)}")
        if data["staff"][role].get("leave_share") != base["staff"][role].get("leave_share"):
            parts.append(f"{term(role, lang)} {t('name.leave', lang)} "
                         f"{_num(round(100 * float(data['staff'][role]['leave_share'])), lang)}%")
    if data["referrals"]["schedule"] != base["referrals"]["schedule"]:
        rates = " → ".join(format_number(float(s["per_year"]), lang, 0
                                         if float(s["per_year"]).is_integer() else 1)
                           for s in data["referrals"]["schedule"])
        parts.append(t("name.referrals", lang, rate=rates))
    for field, key in (("policy", "name.policy"), ("families", "name.families"),
                       ("breakdown", "name.breakdown"), ("start_state", "name.start"),
                       ("horizon_weeks", "name.horizon"), ("seed", "name.seed")):
        if data.get(field) != base.get(field):
            if field == "policy":
                parts.append(t(f"in.policy.{data['policy']}", lang).split(":")[0])
            elif field == "seed":
                parts.append(f"seed {data['seed']}")
            else:
                parts.append(t(key, lang))
    if data["referrals"].get("sources") != base["referrals"].get("sources"):
        parts.append(t("name.sources", lang))
    if not parts:
        return str(base.get("name") or t("name.base", lang))
    return ", ".join(parts)


# --------------------------------------------------------------------------- sweep results
# (formerly the LABELS of the sweeps store view, webapp/tabs/sweep_store.py; keys ``store.*``)

_STORE_LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Reeksen van scenario's (sweeps)",
        "intro": "Open een resultatenbank van `pnp-sim sweep` om een KPI te bekijken tegenover "
                 "de gevarieerde parameters, met het 95%-betrouwbaarheidsinterval.",
        "store_path": "Pad naar de resultatenbank (.duckdb)",
        "store_help": "Het bestand dat u bij `pnp-sim sweep ... --store` opgaf.",
        "store_hint": "Kies een resultatenbank uit de resultatenmap of laad er een op.",
        "store_bad": "Dit bestand kan niet als resultatenbank geopend worden.",
        "no_experiments": "Deze resultatenbank bevat nog geen experimenten.",
        "experiment": "Experiment",
        "progress": "{done} van {planned} replicaties opgeslagen, {failed} mislukt, "
                    "{invalid} ongeldige punten.",
        "incomplete": "Dit experiment is nog niet af: de intervallen steunen op minder "
                      "replicaties dan gepland. Start dezelfde sweep opnieuw om verder te gaan.",
        "no_results": "Voor dit experiment zijn nog geen replicaties opgeslagen.",
        "kpi": "KPI",
        "x_param": "Parameter op de x-as",
        "y_param": "Tweede parameter (warmtekaart)",
        "none": "(geen)",
        "fixed": "Vaste waarde voor {param}",
        "spread": "De punten verschillen ook in {params} (Latin hypercube): elk punt is één "
                  "scenario, met zijn eigen interval.",
        "mean": "Gemiddelde",
        "ci_low": "95%-interval, onder",
        "ci_high": "95%-interval, boven",
        "n": "Replicaties",
        "point": "Punt",
        "table": "Tabel",
        "chart_line": "{kpi} tegenover {x}: gemiddelde over de replicaties (lijn) met het "
                      "95%-betrouwbaarheidsinterval (band).",
        "chart_heat": "{kpi} voor elke combinatie van {x} en {y}: de kleur is het gemiddelde; "
                      "het interval staat in de tabel en bij het aanwijzen van een vak.",
        "unit": "eenheid",
        "download": "Tabel downloaden (CSV)",
        "na": "geen waarnemingen",
        "unit.weeks": "weken",
        "unit.per year": "per jaar",
        "unit.weeks/year": "weken per jaar",
        "unit.share": "aandeel",
        "unit.children": "kinderen",
        "unit.families": "gezinnen",
        "unit.cases": "dossiers",
        "unit.cases/FTE": "dossiers per VTE",
        "unit.days/year": "dagen per jaar",
        "unit.EUR/year": "euro per jaar",
        "unit.children/year": "kinderen per jaar",
    },
    "en": {
        "title": "Scenario sweeps",
        "intro": "Open a results store written by `pnp-sim sweep` to see a KPI against the "
                 "swept parameters, with its 95% confidence interval.",
        "store_path": "Path to the results store (.duckdb)",
        "store_help": "The file you gave to `pnp-sim sweep ... --store`.",
        "store_hint": "Pick a results store from the results folder or upload one.",
        "store_bad": "This file cannot be opened as a results store.",
        "no_experiments": "This results store holds no experiments yet.",
        "experiment": "Experiment",
        "progress": "{done} of {planned} replications stored, {failed} failed, "
                    "{invalid} invalid points.",
        "incomplete": "This experiment is not finished: the intervals rest on fewer "
                      "replications than planned. Run the same sweep again to resume.",
        "no_results": "No replications are stored for this experiment yet.",
        "kpi": "KPI",
        "x_param": "Parameter on the x axis",
        "y_param": "Second parameter (heat map)",
        "none": "(none)",
        "fixed": "Fixed value of {param}",
        "spread": "The points also differ in {params} (Latin hypercube): each point is one "
                  "scenario, with its own interval.",
        "mean": "Mean",
        "ci_low": "95% interval, low",
        "ci_high": "95% interval, high",
        "n": "Replications",
        "point": "Point",
        "table": "Table",
        "chart_line": "{kpi} against {x}: mean over the replications (line) with the 95% "
                      "confidence interval (band).",
        "chart_heat": "{kpi} for each combination of {x} and {y}: the colour is the mean; the "
                      "interval is in the table and shown when pointing at a cell.",
        "unit": "unit",
        "download": "Download the table (CSV)",
        "na": "no observations",
        "unit.weeks": "weeks",
        "unit.per year": "per year",
        "unit.weeks/year": "weeks per year",
        "unit.share": "share",
        "unit.children": "children",
        "unit.families": "families",
        "unit.cases": "cases",
        "unit.cases/FTE": "cases per FTE",
        "unit.days/year": "days per year",
        "unit.EUR/year": "euro per year",
        "unit.children/year": "children per year",
    },
}

for _key, _nl in _STORE_LABELS["nl"].items():
    _add(f"store.{_key}", _nl, _STORE_LABELS["en"][_key])
_add("store.load_point", "Punt om als huidig scenario te gebruiken",
     "Point to use as the current scenario")
_add("store.use_point", "Gebruik als huidig scenario", "Use as the current scenario")
_add("store.point_bad", "Het scenario van dit punt kan niet gelezen worden.",
     "The scenario of this point cannot be read.")


# --------------------------------------------------------------------------- sensitivity tab
# (formerly the LABELS of webapp/tabs/sensitivity.py; keys ``sens.*``)
_add('sens.title',
     'Gevoeligheid',
     'Sensitivity')
_add('sens.intro',
     'Welke aannames bepalen het resultaat? Elk onzeker gegeven (aanname, publiek cijfer) '
     'wordt op zijn lage en hoge waarde gezet, met dezelfde toevalsgetallen als de basis. Een '
     'balk waarvan het 95%-interval nul bevat, betekent: geen duidelijk effect, hoe lang hij '
     'ook is.',
     'Which assumptions move the answer? Each uncertain input ([assume], [domain]) is set to '
     'its low and high value, with the same random numbers as the base. A bar whose 95% '
     'interval contains zero means: no clear effect, however long it is.')
_add('sens.kpis',
     "KPI's",
     'KPIs')
_add('sens.groups',
     'Gegevens (standaard: alle onzekere)',
     'Inputs (default: every uncertain one)')
_add('sens.reps',
     'Replicaties',
     'Replications')
_add('sens.run',
     'Gevoeligheid berekenen',
     'Run sensitivity')
_add('sens.running',
     'Bezig: {n} runs',
     'Running {n} runs')
_add('sens.morris',
     'Rangorde over alle gegevens samen (Morris-screening)',
     'Ranking over all inputs together (Morris screening)')
_add('sens.run_morris',
     'Morris-screening berekenen',
     'Run Morris screening')
_add('sens.low',
     'laag',
     'low')
_add('sens.high',
     'hoog',
     'high')
_add('sens.diff',
     'Verschil met de basis',
     'Difference from the base')
_add('sens.noise',
     'Replicatieruis (±halve breedte van het interval van de basis)',
     "Replication noise (± half-width of the base's interval)")
_add('sens.param',
     'Gegeven',
     'Input')
_add('sens.verdict',
     'Oordeel',
     'Verdict')
_add('sens.clear effect',
     'duidelijk effect',
     'clear effect')
_add('sens.no clear effect',
     'geen duidelijk effect',
     'no clear effect')
_add('sens.no data',
     'geen gegevens',
     'no data')
_add('sens.none',
     'Dit scenario heeft geen onzekere gegevens met een bron (zie docs/sensitivity.md).',
     'This scenario has no uncertain inputs with a source (see docs/sensitivity.md).')
_add('sens.caption',
     '{kpi}: verschil met de basis ({base}) bij de lage en hoge waarde van elk gegeven, met '
     'het 95%-interval (streepje). Het grijze vlak is de replicatieruis.',
     "{kpi}: difference from the base ({base}) at each input's low and high value, with its "
     '95% interval (whisker). The grey band is the replication noise.')
_add('sens.mu',
     'mu* (gemiddeld absoluut effect)',
     'mu* (mean absolute effect)')
_add('sens.floor',
     'ruisvloer',
     'noise floor')
_add('sens.source',
     'Bron',
     'Source')
_add('sens.range',
     'Bereik',
     'Range')
_add('sens.sources',
     'Onzekere gegevens, hun bron en bereik',
     'Uncertain inputs, their source and range')
_add('sens.download',
     'Tornado downloaden (CSV)',
     'Download the tornado (CSV)')
_add('sens.decision',
     'Houdt de aanbevolen bezetting stand?',
     'Does the recommended staffing hold?')


# --------------------------------------------------------------------------- calibration tab
# (formerly the TEXT of webapp/tabs/calibration.py; keys ``caltab.*``)
_add('caltab.title',
     'Kalibratie op eigen gegevens',
     'Calibration from your own records')
_add('caltab.intro',
     'Laad een gebeurtenissenlog van je eigen werking (CSV, Parquet of XES, zie '
     'calibration/README.md). Het bestand blijft in het geheugen: dossiernummers worden meteen'
     ' vervangen door versleutelde codes en niets wordt bewaard.',
     'Load an event log of your own programme (CSV, Parquet or XES, see '
     'calibration/README.md). The file stays in memory: case numbers are replaced by keyed '
     'hashes at once and nothing is stored.')
_add('caltab.cases',
     'Dossierlog',
     'Case log')
_add('caltab.families',
     'Gezinnenlog (optioneel)',
     'Family log (optional)')
_add('caltab.mapping',
     'Vertaalbestand (YAML, optioneel)',
     'Mapping file (YAML, optional)')
_add('caltab.key',
     'Sleutel voor pseudonimisering (leeg: nieuwe sleutel)',
     'Pseudonymisation key (empty: a new key)')
_add('caltab.newkey',
     'Nieuwe sleutel (bewaar hem zelf om latere logs gelijk te coderen): ',
     'New key (keep it yourself to code later logs the same way): ')
_add('caltab.run',
     'Kalibreren',
     'Calibrate')
_add('caltab.busy',
     'Bezig met fitten…',
     'Fitting…')
_add('caltab.fitted',
     'Geschatte waarden (95%-interval)',
     'Fitted values (95% interval)')
_add('caltab.kept',
     'Overgenomen uit het basisscenario',
     'Kept from the base scenario')
_add('caltab.report',
     'Fitrapport',
     'Fit report')
_add('caltab.download',
     'Gekalibreerd scenario downloaden',
     'Download the calibrated scenario')
_add('caltab.dlreport',
     'Fitrapport downloaden (HTML)',
     'Download the fit report (HTML)')
_add('caltab.use',
     'Gebruik als huidig scenario',
     'Use as the current scenario')
_add('caltab.used',
     'Het gekalibreerde scenario is nu het huidige scenario.',
     'The calibrated scenario is now the current scenario.')
_add('caltab.bc',
     'Terugvoorspelling (back-cast)',
     'Back-cast')
_add('caltab.cutoff',
     'Afkapdatum: fitten vóór, vergelijken na',
     'Cut-off: fit before, compare after')
_add('caltab.reps',
     'Replicaties',
     'Replications')
_add('caltab.bcrun',
     'Back-cast uitvoeren',
     'Run the back-cast')
_add('caltab.passed',
     'Geslaagd op alle vooraf vastgelegde criteria.',
     'Passed every criterion fixed in advance.')
_add('caltab.failed',
     'Niet geslaagd: het model reproduceert deze periode niet binnen de criteria.',
     'Failed: the model does not reproduce this period within the criteria.')
_add('caltab.bcdl',
     'Back-cast-rapport downloaden (HTML)',
     'Download the back-cast report (HTML)')
_add('caltab.few',
     'Aantallen onder 5 worden als <5 getoond.',
     'Counts under 5 are shown as <5.')


# --------------------------------------------------------------------------- parameter sets
# (issue 17, item 4: a calibrated scenario's KPIs with what we do not know about the inputs;
# webapp/uncertainty.py, the Results tab and the calibration tab)
_add("src.loaded_sets", " · {n} parametersets", " · {n} parameter sets")
_add("unc.option",
     "Ook rekenen over de {n} parametersets van de kalibratie (onzekerheid over de invoer)",
     "Also run over the calibration's {n} parameter sets (uncertainty about the inputs)")
_add("unc.option_help",
     "Elke parameterset is het gekalibreerde scenario met waarden die even goed bij je log "
     "passen (bootstrap over de dossiers). Zo zie je naast de simulatieruis ook wat je log "
     "onzeker laat. Het gewone resultaat verandert niet.",
     "Each parameter set is the calibrated scenario with values that fit your log equally "
     "well (bootstrap over the cases). So you see what your log leaves uncertain, next to the "
     "simulation noise. The usual result does not change.")
_add("unc.reps", "Replicaties per parameterset", "Replications per parameter set")
_add("unc.drawing",
     "De parametersets van deze kalibratie worden nog getrokken ({done} van {n}, zie het "
     "tabblad Kalibratie); ze komen bij het scenario zodra ze klaar zijn, voor de runs daarna.",
     "This calibration's parameter sets are still being drawn ({done} of {n}, see the "
     "Calibration tab); they join the scenario when ready, for the runs after that.")
_add("unc.progress", "Parametersets: {done} van {total} runs",
     "Parameter sets: {done} of {total} runs")
_add("unc.cancel", "Annuleren", "Cancel")
_add("unc.cancelled",
     "De run over de parametersets is geannuleerd; er is niets van bewaard.",
     "The run over the parameter sets was cancelled; nothing of it was kept.")
_add("unc.failed", "De run over de parametersets gaf een fout: {error}",
     "The run over the parameter sets failed: {error}")
_add("unc.skipped",
     "Geen interval met invoeronzekerheid: je wijzigde {fields}, en dat schatte de "
     "kalibratie. De parametersets beschrijven dit bewerkte scenario dus niet meer. Zet die "
     "velden terug of kalibreer opnieuw. (Andere wijzigingen, zoals uren, houden de sets.)",
     "No interval with input uncertainty: you changed {fields}, which the calibration "
     "estimated. So the parameter sets no longer describe this edited scenario. Set those "
     "fields back or calibrate again. (Other edits, such as hours, keep the sets.)")
_add("unc.title", "Met wat we niet weten over je invoer",
     "With what we do not know about your inputs")
_add("unc.what",
     "**95%-interval inclusief wat we niet weten over je invoer**: {n} parametersets × "
     "{reps} replicaties ({method}).",
     "**95% interval including what we do not know about your inputs**: {n} parameter sets "
     "× {reps} replications ({method}).")
_add("unc.method_none", "sets zoals gegeven", "sets as given")
_add("unc.method_bootstrap", "bootstrap over de dossiers van log {log}",
     "bootstrap over the cases of log {log}")
_add("unc.enough",
     "Waarom {n} sets genoeg zijn: de breedte van het interval is tot op ongeveer {rel}% "
     "bepaald (1/√(2(n−1))) en t met n−1 vrijheidsgraden ({t}) ligt {excess}% boven de "
     "normale 1,96; meer sets maken het interval stabieler, niet breder.",
     "Why {n} sets are enough: the interval's width is known to about {rel}% "
     "(1/√(2(n−1))) and t with n−1 degrees of freedom ({t}) is {excess}% above the normal "
     "1.96; more sets make the interval steadier, not wider.")
_add("unc.few",
     "Let op: met {n} sets is de breedte van het interval maar tot op ongeveer {rel}% bepaald "
     "(1/√(2(n−1))) en ligt t ({t}) {excess}% boven 1,96: goed om te verkennen, niet om op "
     "te beslissen. Neem {enough} sets (de standaard) voor ongeveer 11%.",
     "Note: with {n} sets the interval's width is only known to about {rel}% (1/√(2(n−1))) "
     "and t ({t}) is {excess}% above 1.96: good for exploring, not for deciding. Take "
     "{enough} sets (the default) for about 11%.")
_add("unc.stamp",
     "Scenario-hash {hash} · seed {seed} (+ setnummer) · {n} sets × {reps} replicaties · "
     "sets {digest} · pnp-sim {version}",
     "Scenario hash {hash} · seed {seed} (+ set number) · {n} sets × {reps} replications · "
     "sets {digest} · pnp-sim {version}")
_add("unc.growing",
     "De wachtlijst groeit (zie boven): de wachttijden hieronder groeien mee met de "
     "horizon en zijn geen vast cijfer, ook niet met de parametersets.",
     "The waiting list grows (see above): the waits below grow with the horizon and are no "
     "steady figure, with the parameter sets neither.")
_add("unc.col.noise", "Alleen simulatieruis (deze run)", "Simulation noise only (this run)")
_add("unc.col.mean", "Gemiddelde over de sets", "Mean over the sets")
_add("unc.col.inputs", "95%-interval inclusief wat we niet weten over je invoer",
     "95% interval including what we do not know about your inputs")
_add("unc.col.share", "Aandeel invoer", "Share from inputs")
_add("unc.card", "Incl. invoer: 95% {interval}", "Incl. inputs: 95% {interval}")
_add("unc.help",
     "'Alleen simulatieruis' is het gewone 95%-BI van deze run: meer replicaties maken het "
     "smaller. Het interval inclusief je invoer telt ook de spreiding over de parametersets "
     "mee (wat je log onzeker laat): meer of langere logs maken het smaller. 'Aandeel invoer' "
     "is het deel van de variantie dat van de invoer komt.",
     "'Simulation noise only' is this run's usual 95% CI: more replications narrow it. The "
     "interval including your inputs also counts the spread over the parameter sets (what "
     "your log leaves uncertain): more or longer logs narrow it. 'Share from inputs' is the "
     "part of the variance that comes from the inputs.")
_add("caltab.sets",
     "Parametersets (onzekerheid van de fit; 0 = geen)",
     "Parameter sets (uncertainty of the fit; 0 = none)")
_add("caltab.sets_help",
     "Zoveel keer wordt je log opnieuw gefit op een bootstrap over de dossiers. Met 40 (de "
     "standaard) is de breedte van het interval tot op ongeveer 11% bepaald. Elke set kost "
     "een fit; meer sets duren langer.",
     "How many times your log is fitted again on a bootstrap over the cases. With 40 (the "
     "default) the interval's width is known to about 11%. Each set costs a fit; more sets "
     "take longer.")
_add("caltab.sets_busy",
     "Parametersets trekken (bootstrap over de dossiers): {done} van {n}",
     "Drawing parameter sets (bootstrap over the cases): {done} of {n}")
_add("caltab.sets_cancel", "Annuleren", "Cancel")
_add("caltab.sets_cancelled",
     "Het trekken van parametersets is geannuleerd: het scenario komt zonder.",
     "Drawing parameter sets was cancelled: the scenario comes without them.")
_add("caltab.sets_failed", "Het trekken van parametersets gaf een fout: {error}",
     "Drawing parameter sets failed: {error}")
_add("caltab.sets_drawn",
     "{n} parametersets getrokken; ze gaan mee met het scenario als je het gebruikt.",
     "{n} parameter sets drawn; they go with the scenario when you use it.")
_add("caltab.sets_none",
     "Te weinig dossiers om parametersets te trekken: het scenario komt zonder.",
     "Too few cases to draw parameter sets: the scenario comes without them.")
_add("caltab.dlsets", "Parametersets downloaden (YAML)", "Download the parameter sets (YAML)")
_add("caltab.fit_upload",
     "Parametersets bij het huidige scenario laden (YAML van pnp-sim calibrate "
     "--parameter-sets)",
     "Load parameter sets for the current scenario (YAML from pnp-sim calibrate "
     "--parameter-sets)")
_add("caltab.fit_loaded", "{n} parametersets horen nu bij het huidige scenario.",
     "{n} parameter sets now go with the current scenario.")
