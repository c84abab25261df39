"""Parameter uncertainty (issue 17, item 4): the two-level estimator, the parameter-sets
file, ``run --parameter-uncertainty`` and the back-cast's Monte Carlo test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calibration.backcast import SERIES, _monte_carlo
from sim.cli import main
from sim.parameter_sets import ParameterSetsError, parse_parameter_sets, run_sets
from sim.scenario import load_scenario
from sim.stats import summarise_sets

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
