"""The Gaussian-process emulator route to Sobol indices, on a linear model with known
indices (c_i^2 / sum c^2)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sim.sensitivity.emulator import emulated_sobol
from sim.sensitivity.engine import Problem, replicated

C = np.array([1.0, 2.0, 0.5, 0.0])
PROBLEM = Problem([f"x{i}" for i in range(4)], [(0.0, 1.0)] * 4)
TRUE = C ** 2 / (C ** 2).sum()


def test_emulator_recovers_a_linear_model_exactly_without_noise() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = emulated_sobol(PROBLEM, replicated(lambda x: x @ C), n_train=32, reps=3,
                           n_base=512, n_boot=5, seed=1)
    assert r.first[0] == pytest.approx(TRUE, abs=0.01)
    assert r.total[0] == pytest.approx(TRUE, abs=0.01)
    assert r.evaluations == 96 and "emulator" in r.method
    assert r.noise_share[0] == pytest.approx(0.0, abs=1e-9)


def test_emulator_with_noise_reports_the_noise_share() -> None:
    rng = np.random.default_rng(0)
    sd = 0.3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = emulated_sobol(PROBLEM, replicated(lambda x: x @ C + rng.normal(0, sd, len(x))),
                           n_train=64, reps=3, n_base=512, n_boot=10, seed=0)
    share = sd ** 2 / (sd ** 2 + (C ** 2).sum() / 12)
    assert r.noise_share[0] == pytest.approx(share, abs=0.03)
    assert r.first[0] == pytest.approx(TRUE, abs=0.05)
    assert r.emulator_loo is not None and r.emulator_loo[0] < 0.5
