"""Parameter uncertainty (issue 17, item 4): the two-level estimator, the parameter-sets
file, ``run --parameter-uncertainty`` and the back-cast's Monte Carlo test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calibration.backcast import SERIES, _monte_carlo
from sim.cli import main
from sim.outputs.stats import summarise_sets
from sim.running.parameter_sets import ParameterSetsError, parse_parameter_sets, run_sets
from sim.scenario.schema import load_scenario

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "calibration" / "examples"


def test_two_level_interval_covers_the_true_long_run_value_95_percent() -> None:
    """The fit misses the truth by N(0, 2^2); the bootstrap sets spread around the fit by the
    same; replications add noise sd 3. Over 400 repetitions the interval covers the truth
    in 95% (+-2.5%), and the input part is recovered."""
    rng = np.random.default_rng(11)
    hits, sds = 0, []
    truth = 10.0
    for _ in range(400):
        fitted = truth + 2 * rng.standard_normal()  # what the log leaves unknown
        centres = fitted + 2 * rng.standard_normal(40)  # the sets: the fit's uncertainty
        values = centres[:, None] + 3 * rng.standard_normal((40, 5))
        s = summarise_sets(values)
        hits += s.low <= truth <= s.high
        sds.append(s.input_sd)
    assert 0.925 <= hits / 400 <= 0.975
    assert np.mean(sds) == pytest.approx(2, rel=0.1)


def test_two_level_parts_and_edge_cases() -> None:
    rng = np.random.default_rng(2)
    noise_only = 5 + rng.standard_normal((50, 8))
    s = summarise_sets(noise_only)
    assert s.input_sd < 0.1 and s.noise_sd == pytest.approx(1 / np.sqrt(400), rel=0.15)
    one = summarise_sets(np.array([[1.0, 2.0, 3.0]]))
    assert (one.mean, one.sets, one.input_sd) == (2.0, 1, 0.0)
    assert np.isnan(summarise_sets(np.full((3, 2), np.nan)).mean)
    clipped = summarise_sets(np.array([[0.0, 0.1], [0.0, 0.2], [3.0, 0.0]]), "wait_family_mean")
    assert clipped.low == 0.0


@pytest.mark.parametrize("raw, where", [
    (None, "pnp_sim_parameter_sets"), ({"pnp_sim_parameter_sets": 2}, "pnp_sim_parameter_sets"),
    ({"pnp_sim_parameter_sets": 1, "sets": [{"overrides": {}}]}, "sets"),
    ({"pnp_sim_parameter_sets": 1, "sets": [{"overrides": 3}, {"overrides": {}}]},
     "sets.0.overrides"),
    ({"pnp_sim_parameter_sets": 1, "sets": [{"overrides": {}, "weight": 2},
                                           {"overrides": {}}]}, "sets.0.weight"),
])
def test_hostile_parameter_set_files_name_the_entry(raw, where) -> None:
    with pytest.raises(ParameterSetsError) as exc:
        parse_parameter_sets(raw, "fit.yaml")
    assert "fit.yaml" in str(exc.value) and where in str(exc.value)


def test_a_set_with_an_unknown_path_or_another_scenario_is_refused() -> None:
    base = load_scenario(EX / "synthetic_truth.yaml")
    bad = parse_parameter_sets({"pnp_sim_parameter_sets": 1, "sets": [
        {"overrides": {"phases.nowhere.duration": 1}}, {"overrides": {}}]}, "fit.yaml")
    with pytest.raises(ParameterSetsError, match="phases.nowhere"):
        run_sets(base, bad, reps=1, seed=1, source="fit.yaml")
    other = parse_parameter_sets({"pnp_sim_parameter_sets": 1, "scenario_hash": "abc",
                                  "sets": [{"overrides": {}}, {"overrides": {}}]})
    with pytest.raises(ParameterSetsError, match="belong to scenario abc"):
        run_sets(base, other, reps=1, seed=1)


def test_calibrate_writes_sets_that_run_reports_with_both_parts(tmp_path, capsys) -> None:
    out, fit = tmp_path / "cal.yaml", tmp_path / "fit.yaml"
    rc = main(["calibrate", str(EX / "synthetic_cases.csv"), "--mapping",
               str(EX / "mapping.yaml"), "--base", str(EX / "synthetic_truth.yaml"),
               "--out", str(out), "--parameter-sets", str(fit), "--sets", "3"])
    assert rc == 0 and "bootstrap over cases" in fit.read_text()
    capsys.readouterr()
    rc = main(["run", str(out), "--parameter-uncertainty", str(fit), "--reps", "2",
               "--workers", "1"])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "95% interval including what we do not know about your inputs" in text
    assert "3 parameter sets x 2 replications" in text and "inputs sd" in text


def _histories(rng: np.random.Generator, n: int, months: int = 24,
               scale: float = 1.0) -> list[dict[str, np.ndarray]]:
    out = []
    for _ in range(n):
        level = rng.gamma(50, 0.04)  # parameter uncertainty: each history its own rate
        walk = np.cumsum(rng.standard_normal(months)) * 0.1
        out.append({name: rng.poisson(np.maximum(level * scale * (1 + 0.1 * k) + walk, 0.1))
                    .astype(float) for k, name in enumerate(SERIES)})
    return out


def test_the_monte_carlo_test_holds_its_level_and_catches_a_doubling() -> None:
    """Observed and simulated histories from one process: the back-cast fails at most 5% of
    300 repetitions (+ Monte Carlo margin); doubled, it fails nearly always. (Without the
    distribution check, which needs 5 placements: it is tested in the round trip.)"""
    rng = np.random.default_rng(4)
    false_alarms = caught = 0
    none = [np.zeros(0)] * 41
    for _ in range(300):
        hist = _histories(rng, 41)
        _, dists, p = _monte_carlo(hist[0], hist[1:], none[0], none[1:])
        false_alarms += p <= 0.05
        assert not dists[0].tested
    for _ in range(40):
        hist = _histories(rng, 40)
        obs = _histories(rng, 1, scale=2.0)[0]
        checks, _, p = _monte_carlo(obs, hist, none[0], none[1:])
        caught += p <= 0.05
        assert (p <= 0.05) == any(not c.passed for c in checks)
    assert false_alarms / 300 <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 300)
    assert caught >= 36


# ---- the back-cast's histories alike (the rank diagnostic of docs/calibration.md)

def test_start_state_lists_children_in_the_model_s_service_order() -> None:
    """Placed children first, then matching, then assessment; within a state the child who
    holds staff before the one still waiting, though the waiting one came earlier. Written
    alphabetically, the model let assessments take the hours placed children held."""
    from calibration.calibrate import start_state
    from calibration.read import read_case_log
    from calibration.timeline import build

    csv = ("case_id,activity,week\na,referral,0\na,assessment,1\nb,referral,0.2\n"
           "c,referral,0\nc,assessment,0.5\nc,prematching,3\nc,fitting,5\n"
           "d,referral,0\nd,assessment,0.5\nd,prematching,2\n")
    log = read_case_log(csv.encode(), "s.csv", "start-state-key-0123456789", end=10.0)
    children, elapsed = start_state(build(log, 10.0))
    assert list(children.items()) == [("fitting", 1), ("prematching", 1), ("assessment", 2)]
    assert elapsed == {"fitting": [5.0], "prematching": [8.0], "assessment": [9.0, 0.0]}


def test_a_start_child_s_placement_at_the_start_is_not_counted_after_the_cut() -> None:
    """The model logs a placement at week 0 for a start child in fitting (placed before the
    cut-off); the observed history has none, so the back-cast's series leave it out."""
    import pandas as pd

    from calibration.backcast import _sim_timeline, monthly
    from calibration.synthetic import with_changes
    from sim import run_replication

    sc = with_changes(load_scenario(EX / "synthetic_truth.yaml"), {
        "start_state.children": {"fitting": 3}, "horizon_weeks": 9.0,
        "referrals.schedule": [{"from_week": 0, "per_year": 0.0}]})
    rep = run_replication(sc, 1, 0)
    at_start = rep.events[(rep.events["event"] == "placement") & (rep.events["week"] == 0)]
    assert len(at_start) == 3  # what the model does (sim/model/core.py)
    tl, _ = _sim_timeline(rep.events, 100.0)
    kids = rep.children
    initial = set(kids.loc[kids["initial"].astype(bool), "child"].astype(str))
    assert monthly(tl, 100.0, 2, exclude_referrals=initial)["placements"].tolist() == [0, 0]
    assert monthly(tl, 100.0, 2)["placements"][0] == 3
    assert isinstance(tl.points, pd.DataFrame)


def test_boundary_figures_are_drawn_from_their_jeffreys_posterior() -> None:
    """A rate with 0 events in E of exposure: Gamma(1/2, E) draws (mean 0.5 / E, 99.3% below
    the exact 97.5% bound 3.69 / E); a share of 20 of 20: Beta(20.5, 0.5) (mean 0.976); a
    figure off its boundary, or inside a group, is left to the bootstrap."""
    from scipy import stats

    from calibration.calibrate import Calibration, Fitted
    from calibration.fit import poisson_rate, proportion
    from calibration.uncertainty import boundary_draws

    base = load_scenario(EX / "synthetic_truth.yaml")
    fitted = [Fitted("breakdown.weekly_hazard.anchoring", 0.0, poisson_rate(0, 2000.0), ""),
              Fitted("phases.fitting.success", 1.0, proportion(20, 20), ""),
              Fitted("breakdown.weekly_hazard.guidance", 0.001, poisson_rate(4, 4000.0), ""),
              Fitted("referrals.intensity.full_week", 1.0, proportion(9, 9), "")]
    cal = Calibration(base, fitted, {}, [], "x", 10)
    rng = np.random.default_rng(3)
    draws = [boundary_draws(cal, rng) for _ in range(4000)]
    assert all(set(d) == {"breakdown.weekly_hazard.anchoring", "phases.fitting.success"}
               for d in draws)
    rate = np.array([d["breakdown.weekly_hazard.anchoring"] for d in draws])
    share = np.array([d["phases.fitting.success"] for d in draws])
    assert rate.mean() == pytest.approx(0.5 / 2000, rel=0.06) and rate.min() > 0
    assert stats.kstest(rate * 2000, stats.gamma(0.5).cdf).pvalue > 0.01
    assert np.mean(rate < 3.689 / 2000) == pytest.approx(0.9934, abs=0.004)
    assert share.mean() == pytest.approx(20.5 / 21, abs=0.003) and share.max() <= 1.0
    assert stats.kstest(share, stats.beta(20.5, 0.5).cdf).pvalue > 0.01 or share.std() > 0


def test_level_ranks_are_uniform_for_alike_histories_and_extreme_for_a_doubling() -> None:
    """The rank diagnostic: over 40 repetitions the observed level's rank among 20 alike
    histories has mean 1/2 and spreads like a uniform; a doubled history ranks at the top."""
    from scipy import stats

    rng = np.random.default_rng(8)
    none = [np.zeros(0)] * 21
    ranks = []
    for _ in range(40):
        hist = _histories(rng, 21, months=12)
        checks, _, _ = _monte_carlo(hist[0], hist[1:], none[0], none[1:])
        ranks.append(checks[0].level_rank)
    assert np.mean(ranks) == pytest.approx(0.5, abs=0.1)
    assert stats.kstest(ranks, "uniform").pvalue > 0.01
    obs = _histories(rng, 1, months=12, scale=2.0)[0]
    checks, _, _ = _monte_carlo(obs, _histories(rng, 20, months=12), none[0], none[1:])
    assert [c.level_rank for c in checks] == [1.0] * len(SERIES)
