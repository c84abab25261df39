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

from sim.outputs.kpi_defs import format_number

if TYPE_CHECKING:
    from sim.staffing.search import StaffingResult


def _pct(x: float, lang: str) -> str:
    return format_number(100 * x, lang, 0 if abs(100 * x - round(100 * x)) < 1e-9 else 1) + "%"


def guarantee_sentence(result: StaffingResult, lang: str = "en") -> str:
    """One sentence: what is guaranteed about the answer (or that there is none)."""
    from sim.staffing.messages import msg

    s = result.settings
    conf = _pct(s.confidence, lang)
    n = result.confirmation.n if result.confirmation is not None else s.confirm_reps
    if result.answer is None:
        return msg("g_none", lang, conf=conf)
    return msg("g_answer", lang, conf=conf, staffing=result.space.short(result.answer),
               alpha=_pct(s.alpha, lang), n=n)


def guarantee_details(result: StaffingResult, lang: str = "en") -> list[str]:
    """What the guarantee means and does not mean (for the CLI, docs, app and report)."""
    from sim.staffing.messages import msg

    s = result.settings
    first = msg("g_how", lang, reps=s.confirm_reps, most=s.most_confirm_reps,
                look=_pct(s.alpha / (s.confirm_attempts * s.confirm_looks), lang),
                attempts=s.confirm_attempts, per=_pct(s.alpha / s.confirm_attempts, lang),
                all=_pct(s.alpha, lang))
    return [first, msg("g_mean", lang), msg("g_noise", lang), msg("g_cheaper", lang),
            stability_line(result, lang)]


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
