"""One KPI, one interval: the Results tab's cards, the board report, the store behind the Sweeps
tab and the CLI all show the same 95% interval for the same replications (issue 7)."""

from __future__ import annotations

import math

import pytest

from sim import run_experiment
from sim.batch.spec import parse_spec
from sim.batch.store import Store
from sim.batch.sweep import run_sweep
from sim.outputs.kpi_defs import KPIS
from tests.conftest import SCENARIOS

KPIS_CHECKED = ("referral_to_placement_p90", "utilisation_pnp_counsellor", "net_saving_per_year",
                "waiting_trend_per_year", "placed_share")


def test_same_kpi_same_interval_everywhere(tmp_path) -> None:
    from webapp.i18n import fmt_ci
    from webapp.report import build_report
    from webapp.tabs.sweep_store import display_table, tr

    spec = {"name": "one-point", "base": "baseline.yaml", "replications": 6, "seed": 77,
            "set": {"horizon_weeks": 260},
            "parameters": [{"path": "staff.pnp_counsellor.schedule.0.hours", "values": [19]}]}
    loaded = parse_spec(spec, "spec.yaml", base_dir=SCENARIOS)
    store_path = tmp_path / "s.duckdb"
    run_sweep(loaded, store_path, backend="local", workers=1)
    point = next(iter(loaded.points()))
    exp = run_experiment(point.scenario, reps=6, seed=77)
    results = exp.summary.set_index("kpi")
    with Store(store_path, read_only=True) as st:
        stored = st.summary("one-point").set_index("kpi")
    report = build_report({"A": exp}, "nl")
    for kpi in KPIS_CHECKED:
        a, b = results.loc[kpi], stored.loc[kpi]
        for col in ("mean", "ci_low", "ci_high"):
            if math.isnan(a[col]):
                assert math.isnan(b[col])
            else:
                assert b[col] == pytest.approx(a[col], rel=1e-12, abs=1e-12), (kpi, col)
        # the card's caption and the sweeps table print it the same way
        card = fmt_ci(kpi, float(a["ci_low"]), float(a["ci_high"]), "nl")
        assert KPIS[kpi].format_interval(float(a["ci_low"]), float(a["ci_high"]), "nl") in card
        row = stored.loc[[kpi]].reset_index().rename(columns={
            "mean": tr("mean", "nl"), "ci_low": tr("ci_low", "nl"),
            "ci_high": tr("ci_high", "nl")})
        shown = display_table(row, kpi, "nl").iloc[0]
        assert shown[tr("ci_low", "nl")] == KPIS[kpi].format(float(b["ci_low"]), "nl")
    # the report's options table prints the headline KPIs' intervals from the same summary
    for kpi in ("referral_to_placement_p90", "net_saving_per_year"):
        a = results.loc[kpi]
        assert fmt_ci(kpi, float(a["ci_low"]), float(a["ci_high"]), "nl") in report
