"""Issue 18, item 4: a board report a board reads, and a CSV that Excel opens as its users do."""

from __future__ import annotations

import io
import math
from typing import Any

import pandas as pd
import pytest

from sim.running import runner
from sim.scenario.schema import load_scenario, parse_scenario, scenario_to_dict
from webapp.downloads import excel_csv, excel_frame, kpi_round
from webapp.i18n import fmt_diff, t


def _run(hours: float, seed: int = 3) -> Any:
    data = scenario_to_dict(load_scenario("scenarios/baseline.yaml"))
    data["staff"]["pnp_counsellor"]["schedule"] = [{"from_week": 0, "hours": hours}]
    data.update(horizon_weeks=312, warmup_weeks=52, replications=4, seed=seed)
    return runner.run_experiment(parse_scenario(data, f"{hours} h"), workers=1)


@pytest.fixture(scope="module")
def report_nl() -> str:
    from webapp.report import build_report

    return build_report({"basis": _run(19), "weinig uren": _run(4)}, "nl")


def test_zero_differences_print_as_zero() -> None:
    assert fmt_diff("placements_per_year", -0.01, "nl") == "0 per jaar"
    assert fmt_diff("net_saving_per_year", -0.3, "nl").startswith("0")
    assert fmt_diff("utilisation_coordinator", -0.0004, "nl") == "0 procentpunt"
    assert fmt_diff("placements_per_year", -1.26, "nl") == "−1,3 per jaar"
    assert fmt_diff("placements_per_year", math.nan, "nl") == "–"


def test_only_growing_options_are_listed_as_growing(report_nl: str) -> None:
    growth = report_nl.split(f"<h2>{t('rep.growth', 'nl')}</h2>", 1)[1].split("<h2>", 1)[0]
    assert "<b>weinig uren</b>" in growth
    assert "<b>basis</b>" not in growth and "basis:" not in growth


def test_appendix_is_a_table_of_differing_inputs_with_sources_in_words(report_nl: str) -> None:
    appendix = report_nl.split(f"<h2>{t('rep.appendix', 'nl')}</h2>", 1)[1]
    assert "<pre>" not in report_nl  # no YAML anywhere
    assert "[assume]" not in report_nl and "[method" not in report_nl
    # the one input that differs, in words, with its value in each option and its source
    row = next(r for r in appendix.split("<tr>") if "uren per week" in r)
    assert "P&amp;P-begeleider" in row and ">19<" in row and ">4<" in row
    assert "methodedocument 3.2" in row
    assert appendix.count("<tr>") == 2 + 1 + 2  # header + 1 difference, identity header + 2


def test_csv_for_excel_has_bom_semicolons_commas_words_and_rounding() -> None:
    frame = pd.DataFrame({"kpi": ["placements_per_year", "utilisation_coordinator"],
                          "mean": [2.3456789012345, 0.73456], "ok": [True, False],
                          "wait_family_mean": [12.34567, -0.0001], "other": [1 / 3, 2.0]})
    raw = excel_csv(frame, "nl")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header, first, second = text.splitlines()
    assert header == "kpi;mean;ok;wait_family_mean;other"
    assert first == "placements_per_year;2,3;ja;12,0;0,3333"
    assert second == "utilisation_coordinator;0,73;nee;0,0;2,0"
    en = excel_csv(frame, "en").decode("utf-8-sig").splitlines()
    assert en[1] == "placements_per_year,2.3,yes,12.0,0.3333"


def test_csv_for_excel_hostile_frames() -> None:
    assert excel_csv(pd.DataFrame(), "nl") == "\ufeff\n".encode() or \
        excel_csv(pd.DataFrame(), "nl").startswith(b"\xef\xbb\xbf")
    header_only = pd.DataFrame({"kpi": pd.Series([], dtype=object),
                                "mean": pd.Series([], dtype=float)})
    assert excel_csv(header_only, "nl").decode("utf-8-sig").strip() == "kpi;mean"
    odd = pd.DataFrame({"placements_per_year": [math.nan, math.inf, -math.inf, 1e300]})
    out = excel_frame(odd, "nl")
    assert math.isnan(out.iloc[0, 0]) and out.iloc[1, 0] == math.inf
    assert kpi_round("placements_per_year", True) is True
    assert kpi_round("placements_per_year", "x") == "x"
    assert pd.read_csv(io.BytesIO(excel_csv(odd, "en")), encoding="utf-8-sig").shape == (4, 1)


def test_compare_table_puts_the_growth_caveat_beside_a_growing_figure() -> None:
    from webapp import growth as gr
    from webapp.tables import side_by_side
    from webapp.tabs.results import grows_with

    steady, short = _run(19), _run(4)
    g = gr.assess(short)
    assert g.growing
    grows = {k for k in ("referral_to_placement_p90", "placements_per_year")
             if grows_with(k, g)}
    table = side_by_side({"basis": steady.summary, "weinig": short.summary}, "nl",
                         ["referral_to_placement_p90", "placements_per_year"],
                         {"weinig": grows})
    caveat = t("growth.card", "nl")
    assert caveat in table["weinig"].iloc[0]  # the 90th percentile grows with the horizon
    assert caveat not in table["weinig"].iloc[1]  # placements per year are no waiting time
    assert not table["basis"].str.contains(caveat).any()
