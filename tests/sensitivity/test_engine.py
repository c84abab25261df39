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

    res = sobol_indices(problem, two_outputs, n_base=512, reps=3, seed=1, n_boot=200,
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


# --------------------------------------------------------------------------- shared noise

G6 = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0]
G6_VAR = float(np.prod(1 + 1 / (3 * (1 + np.asarray(G6)) ** 2)) - 1)


def _g_half_shared(seed: int) -> object:
    """G plus noise of which half is one draw per replication at every point (share 0.30)."""
    noise = 0.3 / 0.7 * G6_VAR
    rng = np.random.default_rng(seed)

    def ev(x: np.ndarray, r: int) -> np.ndarray:
        shared = rng.normal(0, np.sqrt(noise / 2), r)[None, :]
        return (g_function(x, G6)[:, None] + shared
                + rng.normal(0, np.sqrt(noise / 2), (len(x), r)))
    return ev


@pytest.mark.parametrize("reps", [0, 2])
def test_two_replications_are_refused_with_the_reason(reps: int) -> None:
    problem = Problem(["a", "b"], [(0.0, 1.0)] * 2)
    for run in (lambda: sobol_indices(problem, replicated(lambda x: x[:, 0]), n_base=8,
                                      reps=reps, n_boot=2),
                lambda: morris_screening(problem, replicated(lambda x: x[:, 0]),
                                         trajectories=2, reps=reps)):
        with pytest.raises(ValueError, match="at least 3 replications"):
            run()


def test_noise_parts_split_the_noise_into_the_shared_offset_and_the_rest() -> None:
    from sim.sensitivity.engine import _sobol_estimates, noise_parts

    rng = np.random.default_rng(3)
    n, r = 400, 5
    offsets = np.array([2.0, -1.0, 0.5, 0.0, -1.5])
    ya, yb = (rng.normal(0, 0.1, (n, r)) + offsets for _ in range(2))
    yab = rng.normal(0, 0.1, (2, n, r)) + offsets
    shared, rest, nu = noise_parts(ya, yb, yab)
    # the offsets' sample variance, exactly (the noise per point is centred away)
    centred = offsets - offsets.mean()
    assert shared == pytest.approx((centred ** 2).sum() / (r - 1), rel=0.02)
    assert rest == pytest.approx(0.01, rel=0.1)
    assert shared + rest == pytest.approx(_sobol_estimates(ya, yb, yab)[3], rel=1e-12)


def test_widen_keeps_the_bootstrap_interval_when_replications_agree() -> None:
    from sim.sensitivity.engine import widen

    est, lo, hi = np.array([0.5]), np.array([0.4]), np.array([0.7])
    same = np.full((3, 1), 0.5)
    low, high = widen(est, lo, hi, same, 0.95)
    assert low[0] == pytest.approx(0.4) and high[0] == pytest.approx(0.7)
    # a jackknife spread of var_j = 2/3 * 2 * 0.1^2 with 2 degrees of freedom dominates
    jack = np.array([[0.4], [0.5], [0.6]])
    low, high = widen(est, lo, hi, jack, 0.95)
    from scipy.stats import t

    vj = 2 / 3 * 0.02
    vb = (0.1 / 1.959964) ** 2
    nu = (vb + vj) ** 2 / (vj ** 2 / 2)
    assert low[0] == pytest.approx(0.5 - t.ppf(0.975, nu) * np.sqrt(vb + vj), rel=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noise_share_interval_carries_the_shared_noise_at_three_replications(
        seed: int) -> None:
    """Row resampling alone gave intervals about 0.03 wide that covered 0.30 one time in
    12; the two-level interval is as wide as three replications allow, and covers it."""
    problem = Problem([f"x{i}" for i in range(6)], [(0.0, 1.0)] * 6)
    r = sobol_indices(problem, _g_half_shared(100 + seed), n_base=256, reps=3, seed=seed,
                      n_boot=100)
    assert r.noise_share_low[0] <= 0.30 <= r.noise_share_high[0]
    assert r.noise_share_high[0] - r.noise_share_low[0] > 0.2
    first, total = g_function_indices(G6)
    assert _within(r.first_low[0], first, r.first_high[0])
    assert _within(r.total_low[0], total, r.total_high[0])


def test_noise_share_interval_narrows_with_more_replications() -> None:
    problem = Problem([f"x{i}" for i in range(6)], [(0.0, 1.0)] * 6)
    widths = []
    for reps in (3, 10):
        r = sobol_indices(problem, _g_half_shared(7), n_base=256, reps=reps, seed=4,
                          n_boot=100)
        assert r.noise_share_low[0] <= 0.30 <= r.noise_share_high[0]
        widths.append(r.noise_share_high[0] - r.noise_share_low[0])
    assert widths[1] < 0.75 * widths[0]  # (0.59 to 0.24 on average over 200 seeds)


def test_tiers_rank_only_where_the_intervals_separate() -> None:
    from sim.sensitivity.engine import SobolResult

    one = np.ones((1, 4))
    total = np.array([[0.6, 0.05, 0.3, 0.04]])
    low = np.array([[0.5, 0.0, 0.2, 0.0]])
    high = np.array([[0.7, 0.21, 0.4, 0.1]])
    r = SobolResult(["a", "b", "c", "d"], ["y"], 0 * one, 0 * one, one, total, low, high,
                    *(np.zeros(1) for _ in range(5)), n_base=4, reps=3, evaluations=0,
                    level=0.95)
    # a clearly first; c above b and d by its estimate, but b's interval reaches c's
    assert r.tiers(0) == [[0], [2, 1, 3]]
    high[0, 1] = 0.15
    assert r.tiers(0) == [[0], [2], [1, 3]]
