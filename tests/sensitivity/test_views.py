"""The tab's chart and table builders and the report section, on a small real analysis."""

from __future__ import annotations

import pytest

from sim.scenario import load_scenario
from sim.sensitivity.model_sa import morris
from sim.sensitivity.oneway import one_way
from sim.sensitivity.params import uncertain_groups
from sim.sensitivity.report import report_section
from sim.sources import load_sources
from tests.conftest import SCENARIOS, edit
from webapp.sensitivity_tab import (
    LABELS,
    groups_frame,
    ranking_frame,
    source_note,
    tornado_chart,
    tornado_frame,
)

KPIS = ["wait_assessment_mean", "placements_per_year"]


@pytest.fixture(scope="module")
def analysis():  # type: ignore[no-untyped-def]
    scen = edit(load_scenario(SCENARIOS / "baseline.yaml"), {"horizon_weeks": 156})
    groups = uncertain_groups(scen, load_sources(SCENARIOS / "baseline.yaml"),
                              include=["referrals.schedule", "families.interested_per_year"])
    ow = one_way(scen, groups, KPIS, reps=3, seed=2, backend="inline")
    m = morris(scen, groups, KPIS, trajectories=2, reps=3, seed=2, backend="inline")
    return ow, m


def test_tornado_frame_and_chart(analysis) -> None:  # type: ignore[no-untyped-def]
    ow, _ = analysis
    frame = tornado_frame(ow, "wait_assessment_mean", "nl")
    assert len(frame) == 4 and set(frame["side"]) == {"laag", "hoog"}
    assert "Aanmeldingen per jaar" in set(frame["param"])
    spec = tornado_chart(ow, "placements_per_year", "en").to_dict()
    assert len(spec["layer"]) == 3  # noise band, bars, interval whiskers


def test_ranking_frame_orders_by_mu_star(analysis) -> None:  # type: ignore[no-untyped-def]
    _, m = analysis
    frame = ranking_frame(m, "en", 0)
    mu = frame["mu* (mean absolute effect)"].tolist()
    assert mu == sorted(mu, reverse=True) and len(frame) == 2


def test_report_section_in_both_languages(analysis) -> None:  # type: ignore[no-untyped-def]
    ow, m = analysis
    nl = report_section(oneway=ow, morris=m, lang="nl")
    en = report_section(oneway=ow, morris=m, lang="en")
    assert nl.startswith("<section id='sensitivity'>") and "Gevoeligheid" in nl
    assert "replicatieruis" in nl and "replication noise" in en
    assert "Referrals per year" in en and "<script" not in en
    assert report_section() == ""


def test_source_note_for_an_input() -> None:
    sources = load_sources(SCENARIOS / "baseline.yaml")
    assert source_note(sources, "families.screening.pass_rate", "en") == \
        "Source: public figure Flemish parliament"
    assert source_note(sources, "phases.assessment.duration.mean", "nl") == "Bron: aanname"
    assert source_note(sources, "no.such.field") == ""


def test_groups_frame_lists_sources_and_ranges(analysis) -> None:  # type: ignore[no-untyped-def]
    ow, _ = analysis
    frame = groups_frame(ow.groups, "en")
    assert list(frame["Input"]) == ["Referrals per year", "P&P parents · interested per year"]
    assert set(frame["Range"]) == {"×0.5 – ×1.5"} and set(frame["Source"]) == {"[assume]"}
    assert set(LABELS["nl"]) == set(LABELS["en"])
