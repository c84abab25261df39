"""The global-sensitivity engine on functions with known indices, with and without noise."""

from __future__ import annotations

import numpy as np
import pytest

from sim.sensitivity.engine import (
    Problem,
    g_function,
    g_function_indices,
    ishigami,
    ishigami_indices,
    ishigami_variance,
    morris_screening,
    replicated,
    sobol_indices,
)

ISHIGAMI = Problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3)


def _within(low: np.ndarray, true: np.ndarray, high: np.ndarray) -> bool:
    return bool(np.all((low <= true) & (true <= high)))


def test_ishigami_exact_indices_are_the_published_ones() -> None:
    first, total = ishigami_indices()
    assert np.round(first, 3).tolist() == [0.314, 0.442, 0.0]
    assert np.round(total, 3).tolist() == [0.558, 0.442, 0.244]


def test_ishigami_indices_fall_inside_the_reported_intervals() -> None:
    r = sobol_indices(ISHIGAMI, replicated(ishigami), n_base=1024, reps=1, seed=3, n_boot=300)
    first, total = ishigami_indices()
    assert _within(r.first_low[0], first, r.first_high[0]), (r.first_low, r.first_high)
    assert _within(r.total_low[0], total, r.total_high[0]), (r.total_low, r.total_high)
    assert np.all(r.first_high[0] - r.first_low[0] < 0.25)  # informative, not just wide
    assert r.evaluations == 1024 * 5


def test_ishigami_with_noise_recovers_indices_and_the_noise_share() -> None:
    rng = np.random.default_rng(11)
    noise_var = 4.0
    noisy = replicated(lambda x: ishigami(x) + rng.normal(0, np.sqrt(noise_var), len(x)))
    r = sobol_indices(ISHIGAMI, noisy, n_base=1024, reps=3, seed=5, n_boot=300)
    first, total = ishigami_indices()
    assert _within(r.first_low[0], first, r.first_high[0]), (r.first_low, r.first_high)
    assert _within(r.total_low[0], total, r.total_high[0]), (r.total_low, r.total_high)
    share = noise_var / (noise_var + ishigami_variance())
    assert r.noise_share_low[0] <= share <= r.noise_share_high[0]
    assert r.noise_var[0] == pytest.approx(noise_var, rel=0.05)
    assert r.signal_var[0] == pytest.approx(ishigami_variance(), rel=0.1)


def test_g_function_and_several_outputs_at_once() -> None:
    a = [0.0, 1.0, 9.0, 99.0]
    problem = Problem([f"x{i}" for i in range(4)], [(0.0, 1.0)] * 4)
    rng = np.random.default_rng(2)

    def two_outputs(x: np.ndarray, r: int) -> np.ndarray:
        g = g_function(x, a)
        lin = 3 * x[:, 1]
        out = np.stack([np.stack([g + rng.normal(0, 0.3, len(x)), lin], axis=1)
                        for _ in range(r)], axis=1)
        return out  # (n, r, 2)

    res = sobol_indices(problem, two_outputs, n_base=512, reps=2, seed=1, n_boot=200,
                        outputs=["g", "lin"])
    first, total = g_function_indices(a)
    assert _within(res.first_low[0], first, res.first_high[0])
    assert _within(res.total_low[0], total, res.total_high[0])
    # the linear output depends on x1 alone, without noise
    assert res.first[1] == pytest.approx([0, 1, 0, 0], abs=0.02)
    assert res.total[1] == pytest.approx([0, 1, 0, 0], abs=0.02)
    assert res.noise_share[1] == pytest.approx(0.0, abs=1e-12)
    assert res.outputs == ["g", "lin"]


def test_morris_ranks_ishigami_and_separates_an_unused_input_from_noise() -> None:
    problem = Problem(["x1", "x2", "x3", "unused"], [(-np.pi, np.pi)] * 4)
    rng = np.random.default_rng(4)
    noisy = replicated(lambda x: ishigami(x[:, :3]) + rng.normal(0, 1.0, len(x)))
    m = morris_screening(problem, noisy, trajectories=40, reps=3, seed=2)
    clear = m.clear_effect()[0]
    assert clear.tolist() == [True, True, True, False]
    # the unused input reads as noise: mu* about the noise floor
    assert m.mu_star[0, 3] == pytest.approx(m.noise_floor[0, 3], rel=0.35)
    assert m.evaluations == 40 * 5 * 3


def test_a_deterministic_unused_input_has_zero_indices() -> None:
    problem = Problem(["x1", "x2", "x3", "unused"], [(-np.pi, np.pi)] * 4)
    r = sobol_indices(problem, replicated(lambda x: ishigami(x[:, :3])), n_base=256, reps=1,
                      seed=0, n_boot=100)
    assert r.first[0, 3] == 0.0 and r.total[0, 3] == 0.0
    assert r.first_low[0, 3] == 0.0 and r.total_high[0, 3] == 0.0


def test_pure_noise_gives_no_indices_and_a_noise_share_of_one() -> None:
    rng = np.random.default_rng(8)
    problem = Problem(["a", "b"], [(0.0, 1.0)] * 2)
    r = sobol_indices(problem, replicated(lambda x: rng.normal(0, 1, len(x))), n_base=64,
                      reps=3, seed=1, n_boot=20)
    if r.signal_var[0] <= 0:
        assert np.isnan(r.first[0]).all() and r.noise_share[0] == 1.0
    else:  # the estimate of no signal came out just above zero: the share is still near 1
        assert r.noise_share[0] > 0.9
    assert r.noise_var[0] == pytest.approx(1.0, rel=0.15)


def test_top_groups_ignore_what_only_noise_moves() -> None:
    from sim.sensitivity.engine import MorrisResult
    from sim.sensitivity.model_sa import top_groups

    m = MorrisResult(["a", "b", "c"], ["noisy", "clean"],
                     mu_star=np.array([[9.0, 8.0, 1.0], [0.0, 0.1, 2.0]]),
                     mu_star_conf=np.zeros((2, 3)), sigma=np.zeros((2, 3)),
                     noise_floor=np.array([[9.5, 9.5, 9.5], [0.01, 0.01, 0.01]]),
                     noise_share=np.array([0.9, 0.01]), trajectories=2, reps=2,
                     evaluations=0, level=0.95)
    assert top_groups(m, ["a", "b", "c"], 2) == ["c", "b"]  # type: ignore[arg-type]
