"""The tab's chart and table builders and the report section, on a small real analysis."""

from __future__ import annotations

import pytest

from sim.scenario.schema import load_scenario
from sim.scenario.sources import load_sources
from sim.sensitivity.model_sa import morris
from sim.sensitivity.oneway import one_way
from sim.sensitivity.params import uncertain_groups
from sim.sensitivity.report import report_section
from tests.conftest import SCENARIOS, edit
from webapp.tabs.sensitivity import (
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
    assert "Aanmeldingen per jaar" in set(frame["label"])
    # the settings in the parameter's own units, on the label's second line
    row = ow.for_kpi("wait_assessment_mean")
    ref = row[row["group"] == "referrals.schedule.0.per_year"].iloc[0]
    assert ref["low_text_nl"].endswith("per jaar (×0,50)")
    assert ref["high_text_en"].endswith("per year (×1.50)")
    assert f"Aanmeldingen per jaar|laag {ref['low_text_nl']} / hoog {ref['high_text_nl']}" \
        in set(frame["param"])
    spec = tornado_chart(ow, "placements_per_year", "en").to_dict()
    # noise band, zero line, bars, interval whiskers
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "rule", "bar", "rule"]
    y = spec["layer"][2]["encoding"]["y"]
    assert y["axis"]["labelLimit"] == 0 and "split" in y["axis"]["labelExpr"]  # never cut off
    assert "noise" in str(spec["title"]["subtitle"])


def test_the_app_and_the_cli_draw_the_same_chart(analysis) -> None:  # type: ignore[no-untyped-def]
    """One chart code: the tab's function is sim.sensitivity.chart's; the report embeds
    its SVG; shares are drawn in percentage points."""
    import webapp.tabs.sensitivity as tab
    from sim.sensitivity import chart

    ow, _ = analysis
    assert tab.tornado_chart is chart.tornado_chart
    section = report_section(oneway=ow, lang="en")
    assert section.count("<svg") == 2 and "<script" not in section
    assert "Difference from the base (weeks)" in section
    assert chart.axis_title("utilisation_pnp_counsellor", "nl") == \
        "Verschil met de basis (procentpunt)"
    frame = chart.tornado_frame(ow, "wait_assessment_mean", "en")
    table = ow.for_kpi("wait_assessment_mean")
    assert frame["diff"].iloc[0] == table["low_diff"].iloc[0]


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
    assert set(frame["Range"]) == {"×0.5 – ×1.5"} and set(frame["Source"]) == {"assumption"}
    nl = groups_frame(ow.groups, "nl")
    assert set(nl["Bereik"]) == {"×0,5 – ×1,5"} and set(nl["Bron"]) == {"aanname"}
    assert set(nl[""]) == {"±50% (aanname)"}
