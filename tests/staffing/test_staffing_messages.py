"""Dutch throughout: every staffing output in Dutch (CLI text, HTML section, limits, what would
help, guarantee) must carry no English sentence of the catalogue and no raw KPI key; every
catalogue entry exists in both languages with the same fields."""

from __future__ import annotations

import re
import string
from functools import cache

import pytest

from sim import load_scenario
from sim.outputs.kpi_defs import KPIS
from sim.outputs.stats import Summary
from sim.staffing.messages import ENGLISH_MARKERS, TEXTS, figure
from sim.staffing.outputs import html_section, text
from sim.staffing.search import Settings, StaffingResult, search_staffing
from sim.staffing.space import Space, role_variable
from sim.staffing.targets import parse_target

FIELD = re.compile(r"\{[^}]*\}")


def english_fragments() -> list[str]:
    """Pieces of English catalogue sentences (between fields, at least three words) that
    differ from the Dutch."""
    out = []
    for nl, en in TEXTS.values():
        if nl == en:
            continue
        for piece in FIELD.split(en):
            piece = piece.strip(" .,:;()[]")
            if len(piece.split()) >= 3 and piece not in nl:
                out.append(piece)
    return out


def assert_dutch(out: str) -> None:
    out = re.sub(r"<[^>]*>", " ", out)  # the words a reader sees, not HTML attributes
    for piece in english_fragments():
        assert piece not in out, f"English in Dutch output: {piece!r}"
    for marker in ENGLISH_MARKERS:
        assert marker not in out.lower(), f"English word in Dutch output: {marker!r}"
    for key in KPIS:
        assert not re.search(rf"\b{key}\b", out), f"raw KPI key in Dutch output: {key}"


def test_catalogue_has_both_languages_with_the_same_fields() -> None:
    for key, (nl, en) in TEXTS.items():
        assert nl and en, key
        fields_nl = {f for _, f, _, _ in string.Formatter().parse(nl) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields_nl == fields_en, key


def test_the_check_catches_english_and_raw_keys() -> None:
    with pytest.raises(AssertionError):
        assert_dutch("Even with unlimited staff and families, de wachttijd is lang")
    with pytest.raises(AssertionError):
        assert_dutch("Doel: referral_to_placement_p90 <= 52")


def test_figures_use_the_kpi_definition() -> None:
    s = Summary(0.853, 0.80, 0.90, 20)
    assert figure("utilisation_pnp_counsellor", s, "nl") == "85% [80% – 90%]"
    w = Summary(38.2, 31.3, 45.1, 20)
    assert figure("referral_to_placement_p90", w, "nl") == "38 weken [31 – 45]"
    assert figure("referral_to_placement_p90", w, "en") == "38 weeks [31 – 45]"


@cache
def _baseline(target: str) -> StaffingResult:
    """The app's defaults (the 52-week target on the scenario's own 20 replications, as the
    Results tab runs it), or the 26-week target on 8 replications a setting (quicker)."""
    scen = load_scenario("scenarios/baseline.yaml")
    space = Space(tuple(role_variable(r) for r in
                        ("coordinator", "pnp_counsellor", "parent_counsellor")))
    reps = None if target.endswith("52") else 8
    return search_staffing(scen, space, [parse_target(target),
                                         parse_target("utilisation_pnp_counsellor <= 0.85")],
                           settings=Settings(floor_reps=reps))


def test_every_lever_passes_when_loaded_and_run() -> None:
    """Each suggested lever's scenario, run as the Results tab runs it (its own seed and
    replications), meets every target, and the suggestion shows that very figure."""
    from sim.outputs.stats import summarise
    from sim.running.runner import run_experiment

    r = _baseline("referral_to_placement_p90 <= 52")
    assert r.levers, r.helps
    plain = [t for t in r.targets if not t.kpi.endswith("trend_per_year")]
    for i, scen in r.levers.items():
        res = run_experiment(scen)
        for t in plain:
            values = res.kpis[t.kpi].to_numpy()
            up = summarise(values, t.kpi, 0.95, sided="upper")
            assert up.high <= t.threshold, (r.helps[i]["en"], t, up)
            assert figure(t.kpi, summarise(values, t.kpi), "en") in r.helps[i]["en"]


@pytest.mark.parametrize("target", ["referral_to_placement_p90 <= 52",
                                    "referral_to_placement_p90 <= 26"])
def test_dutch_outputs_of_a_refused_search_carry_no_english(target: str) -> None:
    r = _baseline(target)
    assert r.floor is not None and r.floor.blocked and r.limits
    out = text(r, "nl")
    assert_dutch(out)
    report = html_section(r, "nl")
    assert_dutch(report)
    # the decomposition is a table in the report too
    assert "<th>Onderdeel</th>" in report and "<td>Open matching</td>" in report
    assert "Aanmelding tot plaatsing (90e percentiel)" in out
    assert "85%" in out and "0.85" not in out and "0,85" not in out
    for said in r.limits + r.helps:
        assert_dutch(said["nl"])
    # and the English output is English (the same catalogue)
    assert "What no staffing can beat" in text(r, "en")


def test_dutch_output_with_an_answer_and_a_frontier() -> None:
    from tests.staffing.test_staffing_tab import _result

    r = _result()
    out = text(r, "nl")
    assert_dutch(out)
    assert "Stabiliteit niet getoetst" in out  # the search ran with stability off
    assert_dutch(html_section(r, "nl"))
