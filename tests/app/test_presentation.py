"""Streamlit-free presentation (issue 7 item 3, issue 11 defects 2-6 and the CSV dialect):
growth flags, texts, tables and downloads, tested without a page."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from typing import Any

import pandas as pd
import pytest
from app_helpers import ROOT, click_run, new_app, set_number

from sim.outputs.kpi_defs import KPIS
from sim.running import runner
from sim.scenario.schema import ScenarioError, load_scenario, parse_scenario, scenario_to_dict
from webapp import growth as gr
from webapp import inputs as inp
from webapp.downloads import results_zip, to_dialect
from webapp.i18n import error_text, fmt_ci, fmt_diff, fmt_kpi, run_name, t
from webapp.tables import verdict_mark

BASE = load_scenario(ROOT / "scenarios/baseline.yaml")
BASE_DATA = scenario_to_dict(BASE)


def _twelve_hours() -> dict[str, Any]:
    data = scenario_to_dict(BASE)
    data["staff"]["pnp_counsellor"]["schedule"] = [{"from_week": 0.0, "hours": 12.0}]
    return data


@pytest.fixture(scope="module")
def grown() -> Any:
    """Issue 11: the baseline with the P&P counsellor at 12 h; the list rises for ten years."""
    data = _twelve_hours()
    data.update(replications=30, seed=11)
    return runner.run_experiment(parse_scenario(data, "pnp-12"), workers=1)


@pytest.fixture(scope="module")
def steady() -> Any:
    return runner.run_experiment(BASE.model_copy(update={"replications": 10, "seed": 11}),
                                 workers=1)


def test_presentation_imports_without_streamlit() -> None:
    code = ("import sys; sys.modules['streamlit'] = None\n"
            "import webapp.charts, webapp.tables, webapp.report, webapp.growth, "
            "webapp.downloads, webapp.i18n, webapp.inputs, webapp.minimum_check\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr


def test_growing_waiting_list_is_flagged(grown: Any, steady: Any) -> None:
    g = gr.assess(grown)
    assert g.growing and g.verdicts["staff"].growing
    assert g.years == pytest.approx((520 - 52) / 52)
    # The queue that grows is staff's, and the role short of hours is the P&P counsellor.
    assert g.short_role == "pnp_counsellor"
    assert g.need_ratio["pnp_counsellor"] > 1
    # Children wait for staff while every role has hours left: that is the waitlist policy.
    assert all(0 < v < 1 for v in g.idle_while_waiting.values()), g.idle_while_waiting
    # The warning names the queue and the role, and says the waits are no steady figure.
    for lang in ("nl", "en"):
        text = gr.warning_text(g, lang)
        assert text and t("growth.queue.staff", lang) in text
        assert ("P&P-begeleider" if lang == "nl" else "P&P counsellor") in text
        assert gr.idle_text(g, lang)
    # The list rises to several children by the last week (issue: about 9 by week 520).
    assert g.waiting_end > 3 and g.waiting_end > g.waiting_start + 2
    # The baseline's list does not grow, and is not flagged.
    s = gr.assess(steady)
    assert not s.growing and gr.warning_text(s, "nl") is None


def test_growth_is_flagged_on_the_page(spy: Any) -> None:
    at = new_app(reps=20)
    set_number(at, inp.k_step("staff.pnp_counsellor", 0, "value"), 12.0).run()
    click_run(at)
    warnings = " ".join(str(w.value) for w in at.warning)
    assert "De wachtlijst groeit" in warnings and "P&P-begeleider" in warnings
    short = next(str(m.value) for m in at.markdown if str(m.value).startswith("In het kort"))
    assert "geen vast cijfer" in short
    assert any(t("growth.card", "nl") in str(c.value) for c in at.caption)
    assert any("Waarom blijft een rol onder 100%" in str(i.value) for i in at.info)
    # The utilisation caption no longer calls a role at 100% the bottleneck.
    assert not any("bottleneck" in str(c.value) for c in at.caption)


def test_money_days_and_differences_are_formatted_by_their_kpi() -> None:
    assert fmt_kpi("net_saving_per_year", 220559.7, "nl") == "€ 220.560 per jaar"
    assert fmt_kpi("net_saving_per_year", 220559.7, "en") == "€220,560 per year"
    assert fmt_kpi("family_days_per_year", 1234.4, "nl") == "1.234 dagen per jaar"
    assert fmt_diff("net_saving_per_year", -20792.84, "nl") == "−€ 20.793 per jaar"
    assert fmt_diff("wait_assessment_mean", -2.04, "nl") == "−2,0 weken"
    assert fmt_kpi("referral_to_placement_p90", 162.6, "nl") == "163 weken"
    assert fmt_ci("utilisation_coordinator", 0.5, 0.61, "nl") == "95%-BI 50% – 61%"


def test_better_and_worse_follow_the_kpi_direction() -> None:
    assert verdict_mark("wait_assessment_mean", -3, -1, "nl") == t("cmp.mark.better", "nl")
    assert verdict_mark("wait_assessment_mean", 1, 3, "nl") == t("cmp.mark.worse", "nl")
    assert verdict_mark("placements_per_year", 1, 3, "en") == t("cmp.mark.better", "en")
    assert verdict_mark("placements_per_year", -1, 3, "en") == t("cmp.mark.none", "en")
    assert verdict_mark("caseload_coordinator", 1, 3, "en") == t("cmp.mark.changed", "en")
    assert KPIS["net_saving_per_year"].is_better(5.0)


def test_errors_name_fields_in_dutch_and_translate() -> None:
    data = scenario_to_dict(BASE)
    data["staff"]["coordinator"]["leave_shar"] = 0.2
    data["families"]["screening"]["pass_rate"] = 1.7
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data, "x")
    nl = error_text(exc.value, "nl")
    assert "Personeel › Inhoudelijk coördinator" in nl and "bedoelde je 'leave_share'?" in nl
    assert "did you mean" not in nl and "expected" not in nl
    assert "P&P-gezinnen › screening › slaagkans" in nl
    en = error_text(exc.value, "en")
    assert "Staffing › Content coordinator" in en and "did you mean 'leave_share'?" in en


def test_runs_are_named_by_what_changed() -> None:
    assert run_name(BASE_DATA, BASE_DATA, "nl") == "baseline"
    data = _twelve_hours()
    assert run_name(BASE_DATA, data, "nl") == "P&P-begeleider 12 u"
    assert run_name(BASE_DATA, data, "en") == "P&P counsellor 12 h"
    data["referrals"]["schedule"] = [{"from_week": 0.0, "per_year": 6.0}]
    assert run_name(BASE_DATA, data, "nl") == "P&P-begeleider 12 u, 6 aanmeldingen/jaar"


def test_csv_for_belgian_spreadsheets(steady: Any) -> None:
    assert to_dialect("a,b,c\n1.5,x.y,3\n", "nl") == "a;b;c\n1,5;x.y;3\n"
    assert to_dialect("a,b\n1.5,2\n", "en") == "a,b\n1.5,2\n"
    data = results_zip(steady, "csv", "nl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        raw = zf.read("kpis.csv").decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(raw), sep=";", decimal=",")
    # rounded to the KPI's precision (one decimal) for Excel; Parquet keeps every digit
    assert frame["placements_per_year"].tolist() == pytest.approx(
        steady.kpis["placements_per_year"].tolist(), abs=0.05 + 1e-9)


def test_charts_in_years_with_warm_up_small_multiples_and_centred_whiskers(steady: Any) -> None:
    """Issue 11, defect 5."""
    from webapp import charts as ch

    spec = ch.waiting_chart(steady, "nl").to_dict()
    layers = spec["layer"]
    assert layers[0]["mark"]["type"] == "rect"  # the warm-up, shaded
    warm = next(iter(spec["datasets"].values()))
    assert any(row.get("x2") == pytest.approx(52 / 52) for row in warm if "x2" in row)
    assert layers[1]["encoding"]["x"]["field"] == "year"
    assert layers[1]["encoding"]["x"]["title"] == "Jaar"
    phases = ch.phases_chart(steady, "nl").to_dict()
    assert "facet" in phases and phases["columns"] == 4
    flow = ch.flow_chart(steady, "nl").to_dict()
    bars, whiskers = flow["layer"]
    assert bars["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert whiskers["encoding"]["y"]["bandPosition"] == 0.5
    # Dutch decimal commas on the axes and in the tooltips.
    assert ch.localise(ch.waiting_chart(steady, "nl"), "nl").to_dict()["config"]["locale"][
        "number"]["decimal"] == ","
    # Bands never go below zero children.
    assert (ch.waiting_frame(steady, "nl")["ci_low"] >= 0).all()


def test_same_interval_on_the_cards_and_in_the_report(steady: Any) -> None:
    """Issue 7: one interval per KPI wherever it appears (cards and report use the run's
    summary, from sim.outputs.stats.summarise, formatted by the KPI's definition)."""
    import html

    from sim.outputs.kpi_defs import HEADLINE_KPIS
    from sim.outputs.stats import summarise
    from webapp.report import build_report

    report = build_report({"a": steady}, "nl")
    summary = steady.summary.set_index("kpi")
    for kpi in HEADLINE_KPIS:
        s = summarise(steady.kpis[kpi].to_numpy(dtype=float), kpi)
        assert (summary.loc[kpi, "ci_low"], summary.loc[kpi, "ci_high"]) == pytest.approx(
            (s.low, s.high), nan_ok=True)
        ci = fmt_ci(kpi, float(summary.loc[kpi, "ci_low"]), float(summary.loc[kpi, "ci_high"]),
                    "nl")
        assert html.escape(ci) in report, (kpi, ci)
