"""The guarantee of a search, in plain words (English and Dutch), and what it does not mean.

Why it holds. The search only *proposes* a staffing; the answer is the first proposal that
passes a confirmation on a block of replications the search never used (replication indices
from ``confirm_offset`` on, independent of everything the search saw, so the choice of the
candidate cannot bias the test). The confirmation declares the candidate to meet all targets
only when every target's one-sided t-bound is on the right side of its threshold. A
confirmation looks at most L times (``confirm_reps`` fresh replications, then twice and four
times as many),
each look at level 1 − α/(J·L): the error spending rule is Bonferroni over the looks, so each
confirmation is a level-α/J test of "some target is missed", whatever happens between looks.
For one target this follows from the t-test; for several,
requiring all of them to pass is an intersection-union test (Berger 1982, Technometrics 24:
295-300), whose size is at most that of its components, so no Bonferroni split over targets is
needed. At most J candidates are put to confirmation, each with fresh replications, so by the
union bound the chance that the returned staffing misses any target is at most J · α/J = α.
The search's own decisions (sequential, at level 1 − α per target, in the spirit of the
feasibility checks of Andradóttir & Kim 2010 and Batur & Kim 2010) only steer where to look.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.kpi_defs import format_number

if TYPE_CHECKING:
    from sim.staffing.search import StaffingResult


def _pct(x: float, lang: str) -> str:
    return format_number(100 * x, lang, 0 if abs(100 * x - round(100 * x)) < 1e-9 else 1) + "%"


def guarantee_sentence(result: StaffingResult, lang: str = "en") -> str:
    """One sentence: what is guaranteed about the answer (or that there is none)."""
    s = result.settings
    conf = _pct(s.confidence, lang)
    n = result.confirmation.n if result.confirmation is not None else s.confirm_reps
    if result.answer is None:
        if lang == "nl":
            return ("Geen bezetting binnen de grenzen haalt de doelen met de gevraagde "
                    f"zekerheid van {conf}; er is dus geen gegarandeerd antwoord.")
        return ("No staffing within the bounds meets the targets with the required "
                f"{conf} confidence, so there is no guaranteed answer.")
    staffing = result.space.short(result.answer)
    if lang == "nl":
        return (f"Met {conf} zekerheid haalt de bezetting {staffing} alle doelen tegelijk: "
                f"als ze één doel zou missen, had deze zoektocht ze met hoogstens "
                f"{_pct(s.alpha, lang)} kans toch gekozen (bevestigd op {n} nieuwe replicaties "
                "die de zoektocht niet gebruikte; alle doelen moeten slagen, dus geen "
                "Bonferroni-correctie nodig).")
    return (f"With {conf} confidence the staffing {staffing} meets every target at once: if it "
            f"missed any target, this search would have returned it with at most "
            f"{_pct(s.alpha, 'en')} probability (confirmed on {n} fresh replications the search "
            "never used; every target must pass, so no Bonferroni split across targets is "
            "needed).")


def guarantee_details(result: StaffingResult, lang: str = "en") -> list[str]:
    """What the guarantee means and does not mean (for the CLI, docs, app and report)."""
    s = result.settings
    a = _pct(s.alpha, "en")
    per = _pct(s.alpha / s.confirm_attempts, "en")
    look = _pct(s.alpha / (s.confirm_attempts * s.confirm_looks), "en")
    if lang == "nl":
        return [
            f"Elk doel wordt bevestigd met een eenzijdige t-grens op {s.confirm_reps} nieuwe "
            f"replicaties (tot {s.most_confirm_reps} als eerdere blikken niet beslissen; "
            f"{look} foutkans per blik); elke kandidaat die ter bevestiging gaat "
            f"(hoogstens {s.confirm_attempts}) krijgt {per} foutkans, samen hoogstens {a}.",
            "Het doel gaat over het gemiddelde over replicaties van de KPI (bv. het "
            "gemiddelde van het 90e percentiel per replicatie), niet over elk kind of elk jaar.",
            "Het dekt alleen de toevalsruis van de simulatie met deze invoer, niet de "
            "onzekerheid over de invoer zelf (aanmeldingen, duur, uren per fase).",
            "Het zegt niet dat er geen goedkopere bezetting is: een punt net onder de grens "
            "kan ook volstaan maar niet aantoonbaar. De andere frontpunten zijn "
            "zoekbeslissingen zonder deze waarborg.",
            stability_line(result, "nl"),
        ]
    return [
        f"Each target is confirmed with a one-sided t-bound on {s.confirm_reps} fresh "
        f"replications (up to {s.most_confirm_reps} when earlier looks do not decide; "
        f"{look} of error per look); "
        f"each candidate put to confirmation (at most {s.confirm_attempts}) spends {per} of "
        f"error, {a} in all (union bound); the t-bound assumes replication means are close to "
        "normal, which holds well for averages over many children and weeks.",
        "A target is about the replication mean of the KPI (e.g. the mean over replications "
        "of each replication's 90th percentile), not about every child or every year.",
        "It covers the simulation's random noise with these inputs only, not the uncertainty "
        "in the inputs themselves (referrals, durations, hours per phase).",
        "It does not say that no cheaper staffing exists: one just below may also meet the "
        "targets without the evidence to show it. The other frontier points are the search's "
        "decisions, without this guarantee.",
        stability_line(result, "en"),
    ]


def stability_line(result: StaffingResult, lang: str = "en") -> str:
    """What the stability target tested in this search (or that it was switched off), with
    its tolerance rounded for display."""
    from sim.staffing.messages import msg

    st = result.settings.stability
    if not st.enabled:
        return msg("stability_off", lang)
    sc = result.scenario
    years = max((sc.horizon_weeks - sc.warmup_weeks) / 52.0, 1e-9)
    return msg("stability_on", lang, children=format_number(st.children, lang, 1),
               per_year=format_number(st.children / years, lang, 2))
