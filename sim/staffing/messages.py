"""Every sentence the least-staffing search says, in Dutch and English, from one catalogue.

The CLI, the JSON, the HTML report and the app all take their words from here, so the answer,
its reasons and its suggestions read the same everywhere and exist in both languages. KPI
names, numbers, units and intervals come from :mod:`sim.outputs.kpi_defs` (85%, not 0.85; weeks, not
a raw key); role and phase names from :func:`sim.scenario.domain.label`. A test
(``tests/staffing/test_staffing_messages.py``) fails when a Dutch output carries an English
sentence or a raw KPI key.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sim.outputs.kpi_defs import KPIS, format_number
from sim.outputs.stats import Summary, summarise
from sim.scenario.domain import label

#: key -> (Dutch, English); ``{name}`` fields are filled by :func:`msg`.
TEXTS: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- headings
    "answer": ("Minimale bezetting", "Least staffing"),
    "targets": ("Doelen", "Targets"),
    "none": ("Niets binnen de grenzen haalt de doelen.",
             "Nothing within the bounds meets the targets."),
    "frontier": ("Bezettingsfront (minimale bezettingen: geen rol kan een stap zakken)",
                 "Staffing frontier (minimal staffings: no role can lose a step)"),
    "binding": ("bindend", "binding"),
    "lower_bound": ("ondergrens", "lower bound"),
    "offered_load_reason": ("aangeboden werklast (stabiliteit)", "offered load (stability)"),
    "limits": ("Wat beperkt", "What limits"),
    "helps": ("Wat zou helpen", "What would help"),
    "no_helps": ("Geen enkele geteste hefboom haalt het doel; daarom staat hier geen "
                 "suggestie.", "No lever tried meets the target, so none is suggested."),
    "guarantee": ("Waarborg", "Guarantee"),
    "guarantee_help": ("Wat de waarborg betekent", "What the guarantee means"),
    "spent": ("Replicaties: {ran} gedraaid, {cached} uit de opslag; {decided} kandidaten "
              "beslist ({simulated} gesimuleerd) van {grid} op het rooster; {seconds} s",
              "Replications: {ran} run, {cached} from the store; {decided} candidates decided "
              "({simulated} simulated) of {grid} on the grid; {seconds} s"),
    "cancelled": ("Afgebroken: dit is wat de zoektocht tot dan vond, zonder waarborg.",
                  "Cancelled: this is what the search had found, without a guarantee."),
    "cost": ("kost {cost} per week", "cost {cost} per week"),
    "confirm_line": ("{target}: {figure}; eenzijdige grens {bound} op {n} nieuwe replicaties: "
                     "{status}", "{target}: {figure}; one-sided bound {bound} on {n} fresh "
                     "replications: {status}"),
    "meets": ("gehaald", "met"),
    "fails": ("niet gehaald", "not met"),
    "undecided": ("onbeslist", "undecided"),
    "undecided within tolerance": ("onbeslist binnen de tolerantie",
                                   "undecided within tolerance"),
    # ---------------------------------------------------------------- the floor
    "floor_title": ("Wat geen bezetting kan verbeteren (de bodem)",
                    "What no staffing can beat (the floor)"),
    "floor_intro": ("Vóór het zoeken: elk doel met onbeperkte uren, en met onbeperkte uren én "
                    "gezinnen, op {n} replicaties (dezelfde als het tabblad Resultaten en "
                    "pnp-sim run; 95%-interval tussen haken).",
                    "Before the search: each target with unlimited hours, and with unlimited "
                    "hours and families, on {n} replications (the same as the Results tab and "
                    "pnp-sim run; 95% interval in brackets)."),
    "floor_row": ("{kpi}: {bounds} bij de bovengrenzen ({point}); {hours} met onbeperkte uren; "
                  "{both} met onbeperkte uren en gezinnen.",
                  "{kpi}: {bounds} at the upper bounds ({point}); {hours} with unlimited hours; "
                  "{both} with unlimited hours and families."),
    "floor_row_refused": ("{kpi}: {hours} met onbeperkte uren; {both} met onbeperkte uren en "
                          "gezinnen.",
                          "{kpi}: {hours} with unlimited hours; {both} with unlimited hours "
                          "and families."),
    "floor_analytic": ("Analytische controle: zonder enige wachttijd duren beeldvorming en "
                       "matching (met herhaalde matching na een mislukte match) gemiddeld "
                       "{weeks} per kind.",
                       "Analytic cross-check: with no wait at all, assessment and matching "
                       "(with matching repeated after a failed match) take {weeks} per child "
                       "on average."),
    "floor_both": ("Zelfs met onbeperkt personeel en onbeperkt veel gezinnen is {kpi} "
                   "{figure}, omdat {phases} zo lang duren. Een doel van {threshold} is "
                   "met personeel niet haalbaar; deze faseduren bepalen het: {shares}.",
                   "Even with unlimited staff and families, {kpi} is {figure}, because "
                   "{phases} take that long. A target of {threshold} is out of reach by "
                   "staffing; these phase durations drive it: {shares}."),
    "floor_hours": ("Zelfs met onbeperkte uren voor elke rol is {kpi} {figure}: kinderen "
                    "wachten op een gezin ({family_wait} gemiddeld per kind). Een doel van "
                    "{threshold} is met personeel alleen niet haalbaar; met onbeperkt veel "
                    "gezinnen is het {both}, en dan bepalen deze faseduren het: {shares}.",
                    "Even with unlimited hours for every role, {kpi} is {figure}: children "
                    "wait for a family ({family_wait} on average per child). A target of "
                    "{threshold} is out of reach by staffing alone; with unlimited families "
                    "it is {both}, and then these phase durations drive it: {shares}."),
    "floor_ok": ("Alle doelen liggen boven de bodem: de zoektocht kan ze halen.",
                 "Every target lies above the floor: the search can reach it."),
    "floor_seconds": ("Bodem berekend in {seconds} s op {reps} replicaties per instelling.",
                      "Floor computed in {seconds} s on {reps} replications per setting."),
    "phase_share": ("{phase} {weeks}", "{phase} {weeks}"),
    "and": ("en", "and"),
    # ---------------------------------------------------------------- decomposition
    "decomp_title": ("Waar de tijd tot plaatsing heen gaat ({kpi})",
                     "Where the time to placement goes ({kpi})"),
    "decomp_note": ("Gemiddelde weken per kind, uit de eigen registraties van het model "
                    "(replicatiegemiddelde); {who}.",
                    "Mean weeks per child, from the model's own records (mean over "
                    "replications); {who}."),
    "decomp_tail": ("kinderen op of boven het 90e percentiel van hun replicatie",
                    "children at or above their replication's 90th percentile"),
    "decomp_all": ("alle geplaatste kinderen", "all placed children"),
    "setting": ("Instelling", "Setting"),
    "component": ("Onderdeel", "Component"),
    "weeks": ("Weken", "Weeks"),
    "set_bounds": ("bovengrenzen", "upper bounds"),
    "set_hours": ("onbeperkte uren", "unlimited hours"),
    "set_both": ("onbeperkte uren en gezinnen", "unlimited hours and families"),
    "c_waiting_staff": ("Wachten op personeel", "Waiting for staff"),
    "c_waiting_staff_for": ("Wachten op personeel voor {phase}", "Waiting for staff for {phase}"),
    "c_waiting_family": ("Wachten op een gezin", "Waiting for a family"),
    "c_crisis_admission": ("Crisisopname", "Crisis admission"),
    "c_other": ("Overig", "Other"),
    # ---------------------------------------------------------------- limits and helps
    "limit_refuted": ("{n} kandidaat/kandidaten haalden de doelen in de zoektocht maar niet op "
                      "nieuwe replicaties (te dicht bij een drempel om zeker te zijn); meer "
                      "bevestigingsreplicaties of ruimere grenzen kunnen het beslechten.",
                      "{n} candidate(s) met the targets in the search but not on fresh "
                      "replications (too close to a threshold to be sure); more confirmation "
                      "replications or wider bounds may settle it."),
    "limit_bound": ("De grenzen: {role} heeft {load} u werk per week ({needed} u contract, met "
                    "{leave} verlof), meer dan de bovengrens; verhoog de grens of verlaag de "
                    "vraag.",
                    "The bounds: {role} has {load} h of work a week ({needed} h contracted, "
                    "with {leave} leave), more than its upper bound; raise the bound or lower "
                    "the demand."),
    "limit_top": ("Bij de grootste bezetting binnen de grenzen ({point}) worden deze doelen niet "
                  "gehaald: {which}.",
                  "At the largest staffing within the bounds ({point}) these targets are not "
                  "met: {which}."),
    "limit_family_grows": ("De gezinnenpool: zelfs met onbeperkte uren groeit de wachtlijst voor "
                           "een gezin met {trend}. Dat is een grens van de werving, geen "
                           "personeelstekort.",
                           "The family pool: even with unlimited hours the waiting list for a "
                           "family grows by {trend}. That is a limit of recruitment, not a "
                           "staffing shortfall."),
    "limit_horizon": ("De horizon: {target} is lang tegenover de {weeks} gemeten weken (langere "
                      "wachttijden vallen weg); verleng de horizon.",
                      "The horizon: {target} is long against the {weeks} measured weeks "
                      "(longer waits are cut off); lengthen the horizon."),
    "limit_trend": ("De horizon: of de wachtlijst voor personeel groeit, valt met deze "
                    "replicaties niet te beslechten; verleng de horizon.",
                    "The horizon: whether the waiting list for staff grows cannot be settled "
                    "with these replications; lengthen the horizon."),
    "help_families": ("Meer gezinnen: met {n} geïnteresseerde gezinnen per jaar (nu {now}) en "
                      "{point} u is {figure} (getest op {reps} replicaties): haalt {target}.",
                      "More families: with {n} interested families a year (now {now}) and "
                      "{point} h, {figure} (checked on {reps} replications): meets {target}."),
    "help_families_stop": ("Om de wachtlijst voor een gezin te stoppen: {n} geïnteresseerde "
                           "gezinnen per jaar (nu {now}); de groei is dan {trend} (getest op "
                           "{reps} replicaties met onbeperkte uren).",
                           "To stop the waiting list for a family growing: {n} interested "
                           "families a year (now {now}); its growth is then {trend} (checked on "
                           "{reps} replications with unlimited hours)."),
    "help_role": ("Meer uren voor {role}: met {hours} u (andere rollen op hun bovengrens) is "
                  "{figure} (getest op {reps} replicaties): haalt {target}.",
                  "More hours for {role}: with {hours} h (other roles at their upper bound), "
                  "{figure} (checked on {reps} replications): meets {target}."),
    "help_phase": ("Kortere fase {phase}: {pct} korter (met onbeperkte uren en gezinnen) geeft "
                   "{figure} (getest op {reps} replicaties): haalt {target}.",
                   "Shorter phase {phase}: {pct} shorter (with unlimited hours and families) "
                   "gives {figure} (checked on {reps} replications): meets {target}."),
    "help_then": ("Laad die instelling en zoek opnieuw voor de minste uren daar.",
                  "Load that setting and search again for the least hours there."),
    # ---------------------------------------------------------------- loads and progress
    "loads": ("Aangeboden werklast (uren werk die per week binnenkomen, te dekken met uren na "
              "aftrek van verlof; tussen haakjes de contracturen die dat met verlof vraagt): "
              "{loads}",
              "Offered load (hours of work arriving per week, to be met by hours net of leave; "
              "in brackets the contracted hours that takes with leave): {loads}"),
    "load_item": ("{role} {load} u ({needed} u)", "{role} {load} h ({needed} h)"),
    "progress_floor": ("Bodem berekenen: {setting}", "Computing the floor: {setting}"),
    "progress_check": ("Kandidaat {point} u: {done} van {total} replicaties",
                       "Checking {point} h: {done} of {total} replications"),
    "progress_confirm": ("Bevestigen {point} u: {done} van {total} nieuwe replicaties",
                         "Confirming {point} h: {done} of {total} fresh replications"),
    "progress_help": ("Hefboom testen: {what}", "Testing a lever: {what}"),
    "progress_eta": ("nog ongeveer {seconds} s", "about {seconds} s left"),
    "progress_counts": ("{decided} kandidaten beslist; {ran} replicaties gedraaid, {cached} uit "
                        "de opslag", "{decided} candidates decided; {ran} replications run, "
                        "{cached} from the store"),
    # ---------------------------------------------------------------- stability
    "stability_on": ("Stabiliteit: de wachtlijst voor personeel mag niet groeien: elke rol moet "
                     "meer uren (min verlof) hebben dan haar aangeboden werklast, en de "
                     "eenzijdige grens van de groei van de wachtlijst voor personeel moet onder "
                     "{children} kind over het gemeten venster blijven ({per_year} per jaar). "
                     "De wachtlijst voor een gezin wordt apart getoetst en als grens van de "
                     "werving gemeld, niet als personeelstekort.",
                     "Stability: the waiting list for staff must not grow: every role must "
                     "have more hours (less leave) than its offered load, and the one-sided "
                     "bound of the growth of the waiting list for staff must stay below "
                     "{children} child over the measured window ({per_year} a year). The "
                     "waiting list for a family is tested apart and reported as a limit of "
                     "recruitment, not as a staffing shortfall."),
    "stability_off": ("Stabiliteit niet getoetst (uitgeschakeld): een rol met meer werk dan "
                      "uren werd gesimuleerd zoals elke andere bezetting, en een groeiende "
                      "wachtlijst valt niet uit te sluiten.",
                      "Stability not tested (switched off): a role with more work than hours "
                      "was simulated like any other staffing, and a growing waiting list "
                      "cannot be ruled out."),
}

#: The guarantee (sim.staffing.guarantee fills the fields).
TEXTS.update({
    "g_none": ("Geen bezetting binnen de grenzen haalt de doelen met de gevraagde zekerheid van "
               "{conf}; er is dus geen gegarandeerd antwoord.",
               "No staffing within the bounds meets the targets with the required {conf} "
               "confidence, so there is no guaranteed answer."),
    "g_answer": ("Met {conf} zekerheid haalt de bezetting {staffing} alle doelen tegelijk: als "
                 "ze één doel zou missen, had deze zoektocht ze met hoogstens {alpha} kans toch "
                 "gekozen (bevestigd op {n} nieuwe replicaties die de zoektocht niet "
                 "gebruikte; alle doelen moeten slagen, dus geen Bonferroni-correctie nodig).",
                 "With {conf} confidence the staffing {staffing} meets every target at once: "
                 "if it missed any target, this search would have returned it with at most "
                 "{alpha} probability (confirmed on {n} fresh replications the search never "
                 "used; every target must pass, so no Bonferroni split across targets is "
                 "needed)."),
    "g_how": ("Elk doel wordt bevestigd met een eenzijdige t-grens op {reps} nieuwe replicaties "
              "(tot {most} als eerdere blikken niet beslissen; {look} foutkans per blik); elke "
              "kandidaat die ter bevestiging gaat (hoogstens {attempts}) krijgt {per} "
              "foutkans, samen hoogstens {all}.",
              "Each target is confirmed with a one-sided t-bound on {reps} fresh replications "
              "(up to {most} when earlier looks do not decide; {look} of error per look); each "
              "candidate put to confirmation (at most {attempts}) spends {per} of error, {all} "
              "in all (union bound); the t-bound assumes replication means are close to "
              "normal, which holds well for averages over many children and weeks."),
    "g_mean": ("Het doel gaat over het gemiddelde over replicaties van de KPI (bv. het "
               "gemiddelde van het 90e percentiel per replicatie), niet over elk kind of elk "
               "jaar.",
               "A target is about the replication mean of the KPI (e.g. the mean over "
               "replications of each replication's 90th percentile), not about every child or "
               "every year."),
    "g_noise": ("Het dekt alleen de toevalsruis van de simulatie met deze invoer, niet de "
                "onzekerheid over de invoer zelf (aanmeldingen, duur, uren per fase).",
                "It covers the simulation's random noise with these inputs only, not the "
                "uncertainty in the inputs themselves (referrals, durations, hours per phase)."),
    "g_cheaper": ("Het zegt niet dat er geen goedkopere bezetting is: een punt net onder de "
                  "grens kan ook volstaan maar niet aantoonbaar. De andere frontpunten zijn "
                  "zoekbeslissingen zonder deze waarborg.",
                  "It does not say that no cheaper staffing exists: one just below may also "
                  "meet the targets without the evidence to show it. The other frontier points "
                  "are the search's decisions, without this guarantee."),
})

#: The app tab's own labels (the tab takes every word from this catalogue too).
TEXTS.update({
    "title": ("Minimale bezetting", "Least staffing"),
    "intro": ("Zoek de minste uren per rol die uw doelen halen, met een waarborg. Eerst "
              "berekent de zoektocht wat geen bezetting kan verbeteren (de bodem).",
              "Find the fewest hours per role that meet your targets, with a guarantee. "
              "First the search computes what no staffing can beat (the floor)."),
    "kpi": ("KPI", "KPI"),
    "op": ("Richting", "Direction"),
    "threshold": ("Drempel (in de eenheid van de KPI; % voor aandelen)",
                  "Threshold (in the KPI's unit; % for shares)"),
    "roles": ("Rollen om te zoeken", "Roles to search"),
    "bounds": ("Grenzen (uren per week)", "Bounds (hours per week)"),
    "step": ("Stap (uren)", "Step (hours)"),
    "confidence": ("Zekerheid", "Confidence"),
    "stability": ("Wachtlijst voor personeel mag niet groeien",
                  "Waiting list for staff must not grow"),
    "search": ("Zoeken", "Search"),
    "cancel": ("Afbreken", "Cancel"),
    "running": ("De zoektocht loopt; de zijbalk blijft bruikbaar.",
                "The search is running; the sidebar stays usable."),
    "failed": ("De zoektocht liep mis: {error}", "The search failed: {error}"),
    "answer_head": ("Antwoord", "Answer"),
    "frontier_short": ("Bezettingsfront", "Staffing frontier"),
    "frontier_help": ("Elk punt is een minimale bezetting: geen rol kan een stap zakken zonder "
                      "een doel te missen. Het omcirkelde punt is het antwoord.",
                      "Each point is a minimal staffing: no role can lose a step without "
                      "missing a target. The ringed point is the answer."),
    "bottleneck": ("Knelpunt", "Bottleneck"),
    "load": ("Laad dit punt als huidig scenario", "Load this point as the current scenario"),
    "point": ("Frontpunt", "Frontier point"),
    "no_roles": ("Kies minstens één rol om te zoeken.", "Choose at least one role to search."),
    "no_targets": ("Geef minstens één doel.", "Give at least one target."),
    "load_lever": ("Laad deze instelling als huidig scenario",
                   "Load this setting as the current scenario"),
})

#: Raw words a Dutch output must never contain (the test checks every key and these too).
ENGLISH_MARKERS = ("waiting for", "replications", "unlimited", "the target", "would help",
                   "weeks", "staffing", "families a year")


def msg(key: str, lang: str = "en", **fmt: Any) -> str:
    """The sentence ``key`` in ``lang`` (Dutch for "nl", else English), filled with ``fmt``."""
    nl, en = TEXTS[key]
    text = nl if lang == "nl" else en
    return text.format(**fmt) if fmt else text


def kpi_label(kpi: str, lang: str = "en") -> str:
    """The KPI's user label (never its raw key)."""
    d = KPIS.get(kpi)
    return d.label(lang) if d is not None else kpi


def figure(kpi: str, s: Summary, lang: str = "en") -> str:
    """'38 weeks [31 – 45]': the mean with its unit and the 95% interval, as the Results tab
    and ``pnp-sim run`` write it (:class:`sim.outputs.kpi_defs.KpiDef`)."""
    d = KPIS[kpi]
    if s.n == 0 or math.isnan(s.mean):
        return "–"
    if s.n < 2:
        return d.format(s.mean, lang)
    dec = max(d.decimals(s.low), d.decimals(s.high), d.decimals(s.mean))
    low, high = d.number(s.low, lang, dec), d.number(s.high, lang, dec)
    return f"{d.format(s.mean, lang)} [{low} – {high}]"


def figure_of(kpi: str, values: Sequence[float], lang: str = "en") -> str:
    """:func:`figure` of a KPI's replication values (two-sided 95%, via ``summarise``)."""
    return figure(kpi, summarise(values, kpi), lang)


def weeks(x: float, lang: str = "en") -> str:
    """A number of weeks, one decimal, with the unit word."""
    unit = "weken" if lang == "nl" else "weeks"
    return f"{format_number(x, lang, 1)} {unit}"


def join(items: Sequence[str], lang: str = "en") -> str:
    """'a, b and c' / 'a, b en c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {msg('and', lang)} " + items[-1]


def component_label(key: str, lang: str = "en") -> str:
    """A decomposition component: a phase by its domain label, a staff wait by the phase it
    holds up, else from the catalogue."""
    if key.startswith("waiting_staff:"):
        return msg("c_waiting_staff_for", lang, phase=label(key.split(":", 1)[1], lang))
    if f"c_{key}" in TEXTS:
        return msg(f"c_{key}", lang)
    return label(key, lang)


def role_label(role: str, lang: str = "en") -> str:
    return label(role, lang)


TEXTS.update({
    "work": ("Werk vooraf: {grid} mogelijke bezettingen; eerst de bodem: {floor}; het "
             "zoeken zelf draait kandidaten op {first} tot {max} replicaties en stopt zodra het "
             "beslist, dus een klein deel van het raster.",
             "Work ahead: {grid} possible staffings; the floor runs first: {floor}; the search "
             "then runs candidates on {first} to {max} replications and stops as soon as it "
             "decides, so a small share of the grid."),
})
