"""Fits with their uncertainty: durations (censored maximum likelihood, AIC, bootstrap
goodness of fit), Poisson rates (exact intervals) and proportions (Wilson intervals).

Durations use the model's own families (``sim.scenario.distributions``) in the model's own
parameters (mean and standard deviation), so a fitted number is written into a scenario as
is. Intervals for the mean and sd come from the observed information (a numerical Hessian of
the log-likelihood in log mean and log sd), which keeps them inside (0, inf).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, special, stats

Z95 = float(stats.norm.ppf(0.975))
#: Candidate families, by their number of parameters. Uniform and triangular are left out:
#: their likelihood puts the bounds at the sample extremes, which is not a fit of a shape.
CANDIDATES = {"exponential": 1, "gamma": 2, "lognormal": 2}
#: Bootstrap size and the largest sample the goodness-of-fit bootstrap refits.
GOF_BOOT = 39
GOF_MAX_N = 400
#: Above this many durations a seeded random subsample is fitted: the intervals stay valid
#: (a little wider than all the data would give) and a 10,000-case log fits in seconds.
FIT_MAX_N = 4000
MIN_EVENTS = 5
#: Counts under this are never shown (small-cell suppression), nor any figure they give away.
SMALL_CELL = 5


@dataclass
class Estimate:
    """A fitted number with its 95% interval and the number of observations behind it."""

    value: float
    low: float
    high: float
    n: int
    #: For a share (or an extreme such as the youngest age): the count behind it, which the
    #: reports suppress when small, since the share and n give it away.
    events: int | None = None
    #: A Poisson rate's exposure in the rate's own units (value = n / exposure): what the
    #: parameter sets need to draw a rate whose count was 0 (``calibration.uncertainty``).
    exposure: float = math.nan
    #: For a rate whose count was 0: exposure added to its own when it is drawn, from a prior
    #: of half an event at a related pooled rate (``calibration.uncertainty``); 0: Jeffreys.
    prior_exposure: float = 0.0

    @property
    def small(self) -> bool:
        """Whether this figure rests on fewer than 5 cases (or leaves fewer than 5 out) and
        so must not be shown: the count could be worked back from it."""
        if 0 < self.n < SMALL_CELL:
            return True
        k = self.events
        return k is not None and (0 < k < SMALL_CELL or 0 < self.n - k < SMALL_CELL)


@dataclass
class DurationFit:
    name: str
    mean: Estimate
    sd: Estimate | None
    n: int
    n_censored: int
    aic: dict[str, float]
    loglik: float
    gof_stat: float = math.nan
    gof_p: float = math.nan
    times: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    observed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool), repr=False)

    def scenario_dist(self, digits: int = 4) -> dict[str, Any]:
        if self.name == "fixed":
            return {"dist": "fixed", "value": _round(self.mean.value, digits)}
        if self.name == "exponential":
            return {"dist": "exponential", "mean": _round(self.mean.value, digits)}
        assert self.sd is not None
        return {"dist": self.name, "mean": _round(self.mean.value, digits),
                "sd": _round(self.sd.value, digits)}

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return _cdf(self.name, self.mean.value, self.sd.value if self.sd else 0.0, x)


def _round(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


# --------------------------------------------------------------------------- durations


def _ll(name: str, theta: np.ndarray, t: np.ndarray, d: np.ndarray) -> float:
    """Censored log-likelihood; ``theta`` = (log mean[, log sd])."""
    m = math.exp(theta[0])
    if name == "exponential":
        return float(np.sum(d * (-math.log(m))) - np.sum(t) / m)
    s = math.exp(theta[1])
    if name == "gamma":
        k = (m / s) ** 2
        scale = s * s / m
        lpdf = (k - 1) * np.log(t) - t / scale - special.gammaln(k) - k * math.log(scale)
        lsf = np.log(np.maximum(special.gammaincc(k, t / scale), 1e-300))
    else:  # lognormal
        s2 = math.log1p((s / m) ** 2)
        sig = math.sqrt(s2)
        mu = math.log(m) - s2 / 2
        z = (np.log(t) - mu) / sig
        lpdf = -0.5 * z * z - math.log(sig * math.sqrt(2 * math.pi)) - np.log(t)
        lsf = special.log_ndtr(-z)
    return float(np.sum(np.where(d, lpdf, lsf)))


def _cdf(name: str, m: float, s: float, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if name == "fixed":
        return (x >= m).astype(float)
    if name == "exponential":
        return 1 - np.exp(-np.maximum(x, 0) / m)
    if name == "gamma":
        k = (m / s) ** 2
        return special.gammainc(k, np.maximum(x, 0) / (s * s / m))
    s2 = math.log1p((s / m) ** 2)
    mu = math.log(m) - s2 / 2
    with np.errstate(divide="ignore"):
        return special.ndtr((np.log(np.maximum(x, 1e-300)) - mu) / math.sqrt(s2))


def _sample(name: str, m: float, s: float, n: int, rng: np.random.Generator) -> np.ndarray:
    if name == "fixed":
        return np.full(n, m)
    if name == "exponential":
        return rng.exponential(m, n)
    if name == "gamma":
        return rng.gamma((m / s) ** 2, s * s / m, n)
    s2 = math.log1p((s / m) ** 2)
    return rng.lognormal(math.log(m) - s2 / 2, math.sqrt(s2), n)


def _hessian(f: Any, x: np.ndarray, h: float = 1e-4) -> np.ndarray:
    k = len(x)
    H = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            e_i = np.eye(k)[i] * h
            e_j = np.eye(k)[j] * h
            H[i, j] = H[j, i] = (f(x + e_i + e_j) - f(x + e_i - e_j) - f(x - e_i + e_j)
                                 + f(x - e_i - e_j)) / (4 * h * h)
    return H


def _mle(name: str, t: np.ndarray, d: np.ndarray, start: np.ndarray | None = None,
         cov: bool = True) -> tuple[np.ndarray, float, np.ndarray]:
    """Estimate, log-likelihood and covariance of (log mean[, log sd]); with ``start`` (a
    good first guess, as in the bootstrap) only the quick gradient search runs."""
    n_ev = max(int(d.sum()), 1)
    if name == "exponential":
        m = float(t.sum()) / n_ev
        theta = np.array([math.log(m)])
        return theta, _ll(name, theta, t, d), np.array([[1.0 / n_ev]])
    obs = t[d] if d.any() else t
    m0 = float(t.sum()) / n_ev
    s0 = float(obs.std()) if len(obs) > 1 and obs.std() > 0 else m0 / 2
    first = start is None
    if start is None:
        start = np.array([math.log(m0), math.log(max(s0, 1e-3 * m0))])

    def nll(th: np.ndarray) -> float:
        if np.any(np.abs(th) > 30):
            return 1e300
        v = -_ll(name, th, t, d)
        return v if math.isfinite(v) else 1e300

    res = optimize.minimize(nll, start, method="BFGS")
    if first and not res.success:  # a rough start: the slower simplex search, then BFGS again
        x0 = optimize.minimize(nll, start, method="Nelder-Mead",
                               options={"xatol": 1e-4, "fatol": 1e-6, "maxiter": 400}).x
        res = optimize.minimize(nll, x0, method="BFGS")
    theta = res.x
    if not cov:
        return theta, -float(res.fun), np.full((2, 2), np.nan)
    H = _hessian(nll, theta)
    try:
        covar = np.linalg.inv(H)
        if np.any(np.diag(covar) <= 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        covar = np.full((2, 2), np.nan)
    return theta, -float(res.fun), covar


def _km(t: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier: event times and the estimated CDF just after each."""
    order = np.lexsort((~d, t))
    t, d = t[order], d[order]
    at_risk = len(t) - np.arange(len(t))
    surv = np.cumprod(1 - d / at_risk)
    return t[d], 1 - surv[d]


def km_curve(t: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier CDF at the event times (for reports)."""
    return _km(np.asarray(t, float), np.asarray(d, bool))


def _ks(name: str, m: float, s: float, t: np.ndarray, d: np.ndarray) -> float:
    times, F = _km(t, d)
    if len(times) == 0:
        return 0.0
    G = _cdf(name, m, s, times)
    before = np.r_[0.0, F[:-1]]
    return float(max(np.max(np.abs(F - G)), np.max(np.abs(before - G))))


def fit_duration(times: np.ndarray, observed: np.ndarray, seed: int = 0,
                 gof: bool = True, like: DurationFit | None = None) -> DurationFit | None:
    """Censored maximum-likelihood fit over the candidate families, chosen by AIC, with a
    parametric-bootstrap Kolmogorov-Smirnov test (valid for estimated parameters: each
    bootstrap sample is refitted). None when fewer than 5 completed durations are known."""
    t = np.maximum(np.asarray(times, dtype=float), 1e-6)
    d = np.asarray(observed, dtype=bool)
    if len(t) > FIT_MAX_N:
        pick = np.sort(np.random.default_rng(seed + 1).choice(len(t), FIT_MAX_N, replace=False))
        t, d = t[pick], d[pick]
    n_ev = int(d.sum())
    if n_ev < MIN_EVENTS:
        return None
    obs = t[d]
    if obs.max() - obs.min() < 1e-9 * max(obs.max(), 1e-9):
        v = float(obs.mean())
        return DurationFit("fixed", Estimate(v, v, v, n_ev), None, len(t), len(t) - n_ev,
                           {"fixed": math.nan}, math.nan, 0.0, 1.0, t, d)
    fits = {}
    if like is not None and like.name in CANDIDATES:
        # a refit of a resample (the parameter bootstrap): the point fit's family, started
        # from its values (the family choice itself is not resampled)
        guess = (np.log([like.mean.value, like.sd.value]) if like.sd is not None
                 else np.log([like.mean.value]))
        theta, ll, _ = _mle(like.name, t, d, start=guess, cov=False)
        m = math.exp(theta[0])
        sd_b = Estimate(math.exp(theta[1]), math.nan, math.nan, n_ev) if len(theta) > 1 else None
        return DurationFit(like.name, Estimate(m, math.nan, math.nan, n_ev), sd_b, len(t),
                           len(t) - n_ev, {}, ll, times=t, observed=d)
    for name, k in CANDIDATES.items():
        theta, ll, cov = _mle(name, t, d)
        fits[name] = (theta, ll, cov, 2 * k - 2 * ll)
    aic = {name: f[3] for name, f in fits.items()}
    best = min(aic, key=lambda k: aic[k])
    theta, ll, cov, _ = fits[best]
    se = np.sqrt(np.diag(cov))
    mean = Estimate(math.exp(theta[0]), math.exp(theta[0] - Z95 * se[0]),
                    math.exp(theta[0] + Z95 * se[0]), n_ev)
    sd = None
    if len(theta) > 1:
        sd = Estimate(math.exp(theta[1]), math.exp(theta[1] - Z95 * se[1]),
                      math.exp(theta[1] + Z95 * se[1]), n_ev)
    # families the data cannot tell apart (within 2 AIC points) widen the interval: the
    # choice of family is uncertain too, and ignoring it makes intervals too narrow
    for name, (th, _, cv, a) in fits.items():
        if name == best or a - aic[best] > 2 or not np.all(np.isfinite(cv)):
            continue
        se_o = np.sqrt(np.diag(cv))
        mean.low = min(mean.low, math.exp(th[0] - Z95 * se_o[0]))
        mean.high = max(mean.high, math.exp(th[0] + Z95 * se_o[0]))
        if sd is not None and len(th) > 1:
            sd.low = min(sd.low, math.exp(th[1] - Z95 * se_o[1]))
            sd.high = max(sd.high, math.exp(th[1] + Z95 * se_o[1]))
    fit = DurationFit(best, mean, sd, len(t), len(t) - n_ev, aic, ll, times=t, observed=d)
    if gof:
        fit.gof_stat, fit.gof_p = _bootstrap_gof(fit, t, d, seed)
    return fit


def _bootstrap_gof(fit: DurationFit, t: np.ndarray, d: np.ndarray,
                   seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    if len(t) > GOF_MAX_N:  # a random subsample keeps the test fast
        pick = rng.choice(len(t), GOF_MAX_N, replace=False)
        t, d = t[pick], d[pick]
    if d.sum() < MIN_EVENTS:
        return math.nan, math.nan
    m, s = fit.mean.value, fit.sd.value if fit.sd else 0.0
    guess = np.log([m, s]) if fit.sd else np.log([m])
    theta, _, _ = _mle(fit.name, t, d, start=guess, cov=False)
    m0 = math.exp(theta[0])
    s0 = math.exp(theta[1]) if len(theta) > 1 else 0.0
    stat = _ks(fit.name, m0, s0, t, d)
    cens = np.where(d, np.inf, t)  # keep each case's censoring time
    worse = 0
    for _ in range(GOF_BOOT):
        x = np.maximum(_sample(fit.name, m, s, len(t), rng), 1e-6)
        dd = x <= cens
        tt = np.minimum(x, cens)
        if dd.sum() < 2:
            continue
        th, _, _ = _mle(fit.name, tt, dd, start=guess, cov=False)
        mb = math.exp(th[0])
        sb = math.exp(th[1]) if len(th) > 1 else 0.0
        if _ks(fit.name, mb, sb, tt, dd) >= stat:
            worse += 1
    return stat, (1 + worse) / (GOF_BOOT + 1)


# --------------------------------------------------------------------------- counts


def poisson_rate(events: int, exposure: float, scale: float = 1.0) -> Estimate:
    """Events per unit of exposure (times ``scale``), with the exact (Garwood) 95% interval."""
    if exposure <= 0:
        return Estimate(math.nan, math.nan, math.nan, events)
    low = stats.chi2.ppf(0.025, 2 * events) / 2 if events > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * events + 2) / 2
    return Estimate(events / exposure * scale, low / exposure * scale,
                    high / exposure * scale, events, exposure=exposure / scale)


def zero_event_bound(exposure: float, level: float = 0.95) -> float:
    """Exact one-sided upper bound on a Poisson rate when no event was seen in ``exposure``:
    -ln(1 - level) / exposure (about 3/exposure at 95%), the 'rule of three'."""
    return -math.log(1 - level) / exposure if exposure > 0 else math.inf


def proportion(successes: int, n: int) -> Estimate:
    """A share with its Wilson 95% interval."""
    if n <= 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    ci = stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
    return Estimate(successes / n, float(ci.low), float(ci.high), n, successes)


def poisson_glm(y: np.ndarray, X: np.ndarray, offset: np.ndarray,
                iters: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Poisson regression with log link by Newton steps: coefficients and their covariance
    (for the breakdown hazard with age and complexity multipliers)."""
    start = np.log((y + 0.5) / np.exp(offset))
    beta = np.linalg.lstsq(X, start, rcond=None)[0]
    with np.errstate(over="ignore"):
        for _ in range(iters):
            mu = np.exp(offset + X @ beta)
            info = X.T @ (mu[:, None] * X)
            step = np.linalg.solve(info, X.T @ (y - mu))
            beta = beta + np.clip(step, -5, 5)
            if np.max(np.abs(step)) < 1e-10:
                break
        mu = np.exp(offset + X @ beta)
        cov = np.linalg.inv(X.T @ (mu[:, None] * X))
    return beta, cov
