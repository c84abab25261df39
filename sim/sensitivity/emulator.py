"""Sobol indices through a Gaussian-process emulator, for when direct Sobol needs too many runs.

The evaluator is run on a Latin hypercube of ``n_train`` points, ``reps`` times each. A
Gaussian process (scikit-learn, anisotropic RBF kernel) is fitted to the point means with
per-point noise: ``alpha`` is each point's own variance of the mean (within-point variance
over ``reps``), so noisy points pull the emulator less. The indices are then computed on the
emulator's mean with a large Saltelli design (cheap: no model runs), by the same estimators as
the direct method.

Intervals include the emulator's own uncertainty: each bootstrap resample of the training
points refits the emulator (with the kernel fitted on all points) and then draws one function
from its posterior on a smaller Saltelli design (``n_post`` base rows), whose indices are the
resample's. So the spread covers the noise, the few points the emulator saw, and what it does
not know between them (an input it cannot resolve gets a wide interval instead of [0, 0]).
Rank inputs only where their intervals separate. Check an emulator before trusting it: the
result reports its leave-one-out error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.sensitivity.engine import (
    Evaluator,
    Problem,
    SobolResult,
    _as_3d,
    _sobol_estimates,
    check_reps,
)

#: Weight (in degrees of freedom) of the pooled variance in each point's noise variance.
PRIOR_DF = 8


def _fit(xu: np.ndarray, mean: np.ndarray, alpha: np.ndarray, seed: int, kernel: object = None
         ) -> object:
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel

    scale = float(mean.std()) or 1.0
    if kernel is None:
        d = xu.shape[1]
        kern = ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, 0.5), (1e-2, 1e3))
        gp = GaussianProcessRegressor(kern, alpha=alpha / scale ** 2 + 1e-8, normalize_y=True,
                                      n_restarts_optimizer=1, random_state=seed)
    else:  # a resample: the kernel refitted from the full fit's (its uncertainty counts)
        gp = GaussianProcessRegressor(kernel, alpha=alpha / scale ** 2 + 1e-8,
                                      normalize_y=True, n_restarts_optimizer=0,
                                      random_state=seed)
    gp.fit(xu, mean)
    return gp


def emulated_sobol(
    problem: Problem,
    evaluator: Evaluator,
    n_train: int = 128,
    reps: int = 3,
    n_base: int = 2048,
    seed: int = 0,
    n_boot: int = 50,
    level: float = 0.95,
    outputs: Sequence[str] | None = None,
    n_post: int = 128,
) -> SobolResult:
    """Sobol indices on a GP emulator fitted to ``n_train`` points x ``reps`` evaluations;
    intervals from ``n_boot`` posterior functions on ``n_post`` base rows."""
    from SALib.sample import sobol as sobol_sample
    from scipy.stats import qmc

    check_reps(reps)
    d = problem.d
    lo = np.array([b[0] for b in problem.bounds], dtype=float)
    hi = np.array([b[1] for b in problem.bounds], dtype=float)
    width = np.where(hi > lo, hi - lo, 1.0)
    xu = qmc.LatinHypercube(d=d, seed=seed).random(n_train)
    y = _as_3d(evaluator(lo + xu * (hi - lo), reps), n_train, reps)
    k = y.shape[2]
    xs = sobol_sample.sample(problem.salib(), n_base, calc_second_order=False, seed=seed)
    xs_u = (xs - lo) / width
    xp = sobol_sample.sample(problem.salib(), n_post, calc_second_order=False, seed=seed + 3)
    xp_u = (xp - lo) / width
    names_out = list(outputs) if outputs is not None else [f"y{i}" for i in range(k)]
    rng = np.random.default_rng(seed + 7)
    alpha_q = (1 - level) / 2
    arrays = {n: np.full((k, d), np.nan) for n in ("s1", "s1l", "s1h", "st", "stl", "sth")}
    nv, sv, ns, nsl, nsh = (np.full(k, np.nan) for _ in range(5))
    loo = np.full(k, np.nan)

    def indices(gp: object, draw: np.random.Generator | None = None
                ) -> tuple[np.ndarray, np.ndarray, float]:
        if draw is None:  # the posterior mean on the large design
            pred = gp.predict(xs_u).reshape(n_base, d + 2)  # type: ignore[attr-defined]
        else:  # one function from the posterior on the smaller design
            pred = _posterior_draw(gp, xp_u, draw).reshape(n_post, d + 2)
        a, b = pred[:, :1], pred[:, d + 1:d + 2]
        ab = np.moveaxis(pred[:, 1:d + 1], 1, 0)[:, :, None]
        s1, st, v, _ = _sobol_estimates(a, b, ab)
        return s1, st, v

    for o in range(k):
        yo = y[..., o]
        ok = ~np.isnan(yo).any(axis=1)
        x_o, yo = xu[ok], yo[ok]
        mean = yo.mean(axis=1)
        within = yo.var(axis=1, ddof=1) if reps > 1 else np.zeros(len(yo))
        # each point's variance, shrunk towards the pooled one: from a few replications a
        # point's own variance can come out near zero, and the emulator would then
        # interpolate that point's noise
        pooled = float(within.mean())
        alpha = ((reps - 1) * within + PRIOR_DF * pooled) / (reps - 1 + PRIOR_DF) / reps
        gp = _fit(x_o, mean, alpha, seed)
        s1, st, v = indices(gp)
        noise = float(within.mean()) if reps > 1 else np.nan
        boots: list[tuple[np.ndarray, np.ndarray, float]] = []
        for _ in range(n_boot):
            idx = rng.integers(0, len(x_o), len(x_o))
            g = _fit(x_o[idx], mean[idx], alpha[idx], seed, kernel=gp.kernel_)  # type: ignore[attr-defined]
            b1, bt, bv = indices(g, rng)
            bn = float(within[idx].mean()) if reps > 1 else np.nan
            boots.append((b1, bt, bn / (bv + bn) if reps > 1 else np.nan))
        q1 = np.quantile([b[0] for b in boots], [alpha_q, 1 - alpha_q], axis=0)
        qt = np.quantile([b[1] for b in boots], [alpha_q, 1 - alpha_q], axis=0)
        arrays["s1"][o], arrays["s1l"][o], arrays["s1h"][o] = s1, q1[0], q1[1]
        arrays["st"][o], arrays["stl"][o], arrays["sth"][o] = st, qt[0], qt[1]
        nv[o], sv[o] = noise, v
        ns[o] = noise / (v + noise) if reps > 1 else np.nan
        if reps > 1:
            nsl[o], nsh[o] = np.quantile([b[2] for b in boots], [alpha_q, 1 - alpha_q])
        # leave-one-out check of the emulator (closed form): its error beyond the noise the
        # point means carry anyway, relative to their spread
        excess = _loo_rmse(gp, x_o, mean) ** 2 - float((within / reps).mean())
        loo[o] = np.sqrt(max(excess, 0.0)) / (float(mean.std()) or 1.0)
    res = SobolResult(list(problem.names), names_out, arrays["s1"], arrays["s1l"],
                      arrays["s1h"], arrays["st"], arrays["stl"], arrays["sth"], nv, sv, ns,
                      nsl, nsh, n_base, reps, n_train * reps, level,
                      method=f"Gaussian-process emulator on {n_train} points x {reps} "
                             f"replications (indices on {n_base} x {d + 2} emulator points)",
                      emulator_loo=loo)
    return res


def _posterior_draw(gp: object, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One function drawn from the GP's posterior at the points ``x`` (Cholesky of the
    posterior covariance, with a small jitter where it is numerically singular)."""
    mean, cov = gp.predict(x, return_cov=True)  # type: ignore[attr-defined]
    cov = np.asarray(cov).reshape(len(x), len(x))
    jitter = 1e-10 * max(float(np.mean(np.diag(cov))), 1e-300)
    for _ in range(6):
        try:
            chol = np.linalg.cholesky(cov + jitter * np.eye(len(x)))
            break
        except np.linalg.LinAlgError:
            jitter *= 100
    else:  # give up on the spread rather than fail
        return np.asarray(mean).ravel()
    return np.asarray(mean).ravel() + chol @ rng.standard_normal(len(x))


def _loo_rmse(gp: object, x: np.ndarray, y: np.ndarray) -> float:
    """Root mean square leave-one-out error of the fitted GP (closed form: the residual of
    point i is [K^-1 y]_i / [K^-1]_ii, with K including the noise)."""
    from scipy.linalg import cho_solve

    chol = gp.L_  # type: ignore[attr-defined]
    kinv = cho_solve((chol, True), np.eye(len(x)))
    resid = gp.alpha_.ravel() / np.diag(kinv)  # type: ignore[attr-defined]
    scale = float(np.ravel(gp._y_train_std)[0])  # type: ignore[attr-defined]
    return float(np.sqrt(np.mean(np.square(resid)))) * scale
