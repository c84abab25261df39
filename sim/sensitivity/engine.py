"""Global sensitivity of any (possibly noisy) function: Morris screening and Sobol indices.

The engine knows nothing of the model. It takes an *evaluator*: a function from a parameter
matrix ``X`` (n points x d parameters, in the parameters' own units) and a number of
replications ``r`` to outputs ``Y`` of shape (n, r) or (n, r, k): r noisy evaluations of each
point (for the model: replications 0..r-1, so the points share common random numbers). So it
can be checked on functions whose indices are known (Ishigami, Sobol's G, linear models), with
or without added noise.

Noise. The output is ``y = g(x) + e``, where g is the mean response (what the indices are
about) and e the replication noise. The estimators work on the replication means and remove
the noise's share from every sum of squares, estimated from the spread between the
replications of the same points (so the correction holds whether or not the points share
random numbers):

- variance of g: the variance of the point means, less the noise in them;
- first order (Saltelli 2010): ``mean(yB (yABi - yA))`` less the replication covariance of
  ``yB`` and ``yABi - yA`` divided by r;
- total order (Jansen): ``mean((yA - yABi)^2) / 2`` less the replication variance of
  ``yA - yABi`` divided by 2r.

The *noise share* of an output is the mean within-point variance over the variance of a
single replication's output (``noise / (var g + noise)``).

Intervals: two levels. Under common random numbers replication j of every point draws from
the same streams, so the noise is shared across points and the whole design rests on ``r``
independent noise fields: the shared part of the noise is known to r - 1 degrees of freedom
however many rows the design has. The interval therefore adds two variances:

- rows: a bootstrap over the design's base rows, each row with all its replications (the
  sampling error of the design and the part of the noise that differs between points);
- replications: a delete-one-replication jackknife (the part shared across points);

and takes Student's t with the Welch-Satterthwaite degrees of freedom (the jackknife's r - 1
dominate when the shared noise does). Each side of the bootstrap's percentile interval is
widened this way, so its asymmetry is kept. The noise share is treated on the logit scale
(``log(noise / var g)``), where a variance known to few degrees of freedom is near symmetric.
Hence at least 3 replications (2 degrees of freedom) for a noisy function; 1 replication
means a deterministic one. SALib draws the designs (Sobol sequence, Morris trajectories) and
computes the Morris statistics; the Sobol estimators are written out here because SALib's
assume a deterministic output (SALib issue #109).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

Evaluator = Callable[[np.ndarray, int], np.ndarray]

#: Replications a noisy function needs: the shared noise is known to r - 1 degrees of freedom,
#: and the noise floors and the replication jackknife need at least 2 (1 means deterministic).
MIN_REPS = 3


def check_reps(reps: int) -> None:
    """Refuse 2 replications (or fewer than 1): the intervals could not be honest."""
    if reps < 1 or 1 < reps < MIN_REPS:
        raise ValueError(f"reps = {reps}: expected 1 (a deterministic function) or at least "
                         f"{MIN_REPS} replications per point, so that the noise shared by the "
                         f"points (common random numbers) is known to {MIN_REPS - 1} or more "
                         "degrees of freedom")


def widen(est: np.ndarray, low: np.ndarray, high: np.ndarray, jack: np.ndarray,
          level: float) -> tuple[np.ndarray, np.ndarray]:
    """Widen a bootstrap percentile interval (rows) by a jackknife over replications.

    ``jack`` (r, ...) holds the estimate with each replication left out in turn. Each side's
    half-width becomes t_nu * sqrt((h / z)^2 + var_jack), nu by Welch-Satterthwaite with the
    jackknife's r - 1 degrees of freedom and the bootstrap's taken as many.
    """
    from scipy.stats import norm, t

    est = np.asarray(est, dtype=float)
    z = float(norm.ppf(0.5 + level / 2))
    r = jack.shape[0]
    if r < 2:
        return low, high
    vj = (r - 1) / r * ((jack - jack.mean(axis=0)) ** 2).sum(axis=0)
    out = []
    for h in (np.maximum(est - low, 0.0), np.maximum(high - est, 0.0)):
        vb = (h / z) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            nu = np.where(vj > 0, (vb + vj) ** 2 / (vj ** 2 / (r - 1)), np.inf)
        q = np.where(np.isfinite(nu), t.ppf(0.5 + level / 2, np.where(np.isfinite(nu), nu, 1)),
                     z)
        out.append(q * np.sqrt(vb + vj))
    return est - out[0], est + out[1]


def _jack_var(values: np.ndarray) -> float:
    r = len(values)
    return float((r - 1) / r * ((values - values.mean()) ** 2).sum())


def noise_parts(ya: np.ndarray, yb: np.ndarray, yab: np.ndarray,
                basis: np.ndarray | None = None) -> tuple[float, float, float]:
    """The mean within-point variance split in two: the part the points share and the rest,
    with the shared part's degrees of freedom.

    The residuals of each replication from the point means are projected on the columns of
    ``[1, basis]`` (orthonormalised; ``basis`` is the points' inputs, one row per point in the
    order of ``ya, yb, yab``): a replication offset common to every point, and noise fields
    that change linearly across the inputs. Each direction carries r - 1 degrees of freedom;
    the shared part's are their Welch-Satterthwaite sum (r - 1 when one direction dominates).
    ``shared + rest`` is the noise variance that :func:`_sobol_estimates` returns.
    """
    r = ya.shape[1]
    y = np.concatenate([ya, yb, yab.reshape(-1, r)])
    n = len(y)
    resid = y - y.mean(axis=1, keepdims=True)
    if basis is None:
        q = np.full((n, 1), 1 / np.sqrt(n))
    else:
        cols = np.column_stack([np.ones(n), basis - basis.mean(axis=0)])
        q = np.linalg.qr(cols)[0]
    coef = q.T @ resid  # (directions, r)
    comp = (coef ** 2).sum(axis=1) / ((r - 1) * n)
    shared = float(comp.sum())
    rest = float(((resid - q @ coef) ** 2).sum(axis=1).mean() / (r - 1))
    nu = (r - 1) * shared ** 2 / float((comp ** 2).sum()) if shared > 0 else float(r - 1)
    return shared, rest, float(nu)


def _chi2_sides(value: float, nu: float, level: float) -> tuple[float, float]:
    """How far below and above ``value`` its chi-square interval with ``nu`` df reaches."""
    from scipy.stats import chi2

    a = 1 - level
    return (value * (1 - nu / chi2.ppf(1 - a / 2, nu)),
            value * (nu / chi2.ppf(a / 2, nu) - 1))


def share_interval(noise: tuple[float, float, float], signal: float, boot: np.ndarray,
                   jack: np.ndarray, level: float) -> tuple[float, float]:
    """The noise share's interval, a hierarchical (two-level) variance estimate.

    ``noise`` is (shared, rest, nu_shared) from :func:`noise_parts`; ``boot`` (B, 2) and
    ``jack`` (r, 2) hold (signal variance, rest) per bootstrap resample of rows and per
    replication left out. The shared part is chi-square with its degrees of freedom (r - 1
    for an offset common to all points); the rest chi-square with
    nu = 2 rest^2 / (its row-bootstrap + replication-jackknife variance), never fewer than
    r - 1 (it may still hold noise that points share, in fields that are not constant). The
    two make the noise variance's interval by the modified large-sample method (Graybill and
    Wang 1980); the log of the signal variance gets its two-level variance too, and the two
    are put together side by side on the log-odds scale ``log(noise / signal)``.
    """
    from scipy.stats import norm

    r = len(jack)
    z = float(norm.ppf(0.5 + level / 2))
    shared, rest, nu_shared = noise
    total = shared + rest
    if not total > 0:  # no noise at all: the share is 0, known exactly
        return 0.0, 0.0
    var_r = float(np.var(boot[:, 1], ddof=1)) + _jack_var(jack[:, 1])
    nu = float(np.clip(2 * rest ** 2 / var_r if var_r > 0 else 1e6, r - 1, 1e6))
    sides = [_chi2_sides(shared, max(nu_shared, r - 1), level), _chi2_sides(rest, nu, level)]
    n_lo = max(total - np.hypot(sides[0][0], sides[1][0]), total * 1e-9, 1e-300)
    n_hi = total + np.hypot(sides[0][1], sides[1][1])
    tiny = max(total, 1e-300) * 1e-9
    logs = np.log(np.maximum(boot[:, 0], tiny))
    var_s = float(np.var(logs, ddof=1)) + _jack_var(np.log(np.maximum(jack[:, 0], tiny)))
    est = _logit_share(total, signal)
    lo = est - np.hypot(np.log(total / n_lo), z * np.sqrt(var_s))
    hi = est + np.hypot(np.log(n_hi / total), z * np.sqrt(var_s))
    return float(_share(lo)), float(_share(hi))


def _logit_share(noise: float, signal: float) -> float:
    """log(noise / var g): the noise share on the logit scale (clipped when var g <= 0)."""
    return float(np.log(max(noise, 1e-300) / max(signal, noise * 1e-9, 1e-300)))


def _share(logit: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logit, dtype=float)))


def replicated(f: Callable[[np.ndarray], np.ndarray]) -> Evaluator:
    """An evaluator from a function of X alone: called r times (noisy functions draw new
    noise each call)."""

    def evaluate(x: np.ndarray, r: int) -> np.ndarray:
        return np.stack([np.asarray(f(x), dtype=float) for _ in range(r)], axis=1)

    return evaluate


@dataclass(frozen=True)
class Problem:
    """The uncertain parameters: names and (low, high) ranges, sampled uniformly."""

    names: list[str]
    bounds: list[tuple[float, float]]

    @property
    def d(self) -> int:
        return len(self.names)

    def salib(self) -> dict[str, object]:
        return {"num_vars": self.d, "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}


def _as_3d(y: np.ndarray, n: int, r: int) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    if y.ndim == 2:
        y = y[:, :, None]
    if y.shape[:2] != (n, r):
        raise ValueError(f"the evaluator returned shape {y.shape}; expected ({n}, {r}[, k])")
    return y


# --------------------------------------------------------------------------- Sobol


@dataclass
class SobolResult:
    """First- and total-order indices per output, with intervals and the noise share."""

    names: list[str]
    outputs: list[str]
    first: np.ndarray  # (k, d)
    first_low: np.ndarray
    first_high: np.ndarray
    total: np.ndarray
    total_low: np.ndarray
    total_high: np.ndarray
    #: Mean within-point (replication) variance and the variance of the mean response g.
    noise_var: np.ndarray  # (k,)
    signal_var: np.ndarray
    noise_share: np.ndarray
    noise_share_low: np.ndarray
    noise_share_high: np.ndarray
    n_base: int
    reps: int
    evaluations: int
    level: float
    method: str = "direct (Saltelli design, noise-corrected estimators)"
    #: Base rows left out because an output was missing (NaN) in one of their points.
    dropped_rows: list[int] = field(default_factory=list)
    #: Outputs whose point means varied no more than their noise have NaN indices and a
    #: noise share of 1: more replications per point are needed to say anything.
    #: Emulator only: its leave-one-out error beyond the noise of the point means, relative
    #: to their spread (0: as good as the noise allows).
    emulator_loo: np.ndarray | None = None

    def tiers(self, output: int = 0) -> list[list[int]]:
        """Inputs by total-order index, largest first, in tiers whose intervals cannot be
        told apart: the ranking the intervals support (an input starts a new tier only when
        its interval lies wholly below every interval of the tier above)."""
        est = np.nan_to_num(self.total[output], nan=-1.0)
        lows = np.nan_to_num(self.total_low[output], nan=-1.0)
        highs = np.nan_to_num(self.total_high[output], nan=-1.0)
        out: list[list[int]] = []
        floor = np.inf
        for j in np.argsort(-est, kind="stable"):
            if out and highs[j] >= floor:
                out[-1].append(int(j))
                floor = min(floor, lows[j])
            else:
                out.append([int(j)])
                floor = lows[j]
        return out

    def table(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for k, out in enumerate(self.outputs):
            for j, name in enumerate(self.names):
                rows.append({
                    "output": out, "parameter": name,
                    "first": float(self.first[k, j]), "first_low": float(self.first_low[k, j]),
                    "first_high": float(self.first_high[k, j]),
                    "total": float(self.total[k, j]), "total_low": float(self.total_low[k, j]),
                    "total_high": float(self.total_high[k, j]),
                    "noise_share": float(self.noise_share[k]),
                    "noise_share_low": float(self.noise_share_low[k]),
                    "noise_share_high": float(self.noise_share_high[k]),
                })
        return rows


def _sobol_estimates(ya: np.ndarray, yb: np.ndarray, yab: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, float, float]:
    """S1 (d,), ST (d,), signal variance and mean noise variance from replicated blocks:
    ``ya``, ``yb`` (N, r) and ``yab`` (d, N, r)."""
    r = ya.shape[1]
    ma, mb, mab = ya.mean(axis=1), yb.mean(axis=1), yab.mean(axis=2)
    pooled = np.concatenate([ma, mb])
    # centred, as SALib does: the first-order estimator's variance grows with the mean
    centre = pooled.mean()
    ma, mb, mab, pooled = ma - centre, mb - centre, mab - centre, pooled - centre
    v_means = pooled.var(ddof=1)
    if r > 1:
        resid = np.concatenate([ya - ma[:, None], yb - mb[:, None]])  # (2N, r)
        # spatial variance of one replication's noise field, through the residuals
        s_noise = resid.var(axis=0, ddof=1).mean() / (r - 1)  # noise in the point means
        within = np.concatenate([ya, yb, yab.reshape(-1, r)]).var(axis=1, ddof=1).mean()
        diff = yab - ya[None]  # (d, N, r)
        cov = ((yb - mb[:, None])[None] * (diff - diff.mean(axis=2, keepdims=True))
               ).sum(axis=2) / (r - 1)  # (d, N)
        corr_first = cov.mean(axis=1) / r
        dt = ya[None] - yab
        corr_total = dt.var(axis=2, ddof=1).mean(axis=1) / (2 * r)
    else:
        s_noise, within = 0.0, 0.0
        corr_first = np.zeros(yab.shape[0])
        corr_total = np.zeros(yab.shape[0])
    v = v_means - s_noise
    first = ((mb[None] * (mab - ma[None])).mean(axis=1) - corr_first) / v
    total = (0.5 * ((ma[None] - mab) ** 2).mean(axis=1) - corr_total) / v
    return first, total, float(v), float(within)


def sobol_indices(
    problem: Problem,
    evaluator: Evaluator,
    n_base: int = 512,
    reps: int = 3,
    seed: int = 0,
    n_boot: int = 500,
    level: float = 0.95,
    outputs: Sequence[str] | None = None,
) -> SobolResult:
    """First- and total-order Sobol indices of every output, with bootstrap intervals.

    ``n_base`` rows of a scrambled Sobol sequence (a power of 2), each with its d+2 points
    (A, AB_1..AB_d, B), every point evaluated ``reps`` times: n_base (d+2) reps evaluations.
    ``reps`` = 1 treats the output as deterministic (no noise correction, noise share NaN).
    """
    from SALib.sample import sobol as sobol_sample

    check_reps(reps)
    d = problem.d
    x = sobol_sample.sample(problem.salib(), n_base, calc_second_order=False, seed=seed)
    y = _as_3d(evaluator(x, reps), len(x), reps)
    k = y.shape[2]
    y = y.reshape(n_base, d + 2, reps, k)
    lo_b = np.array([bd[0] for bd in problem.bounds], dtype=float)
    wid = np.array([bd[1] - bd[0] for bd in problem.bounds], dtype=float)
    xu = ((x - lo_b) / np.where(wid > 0, wid, 1.0)).reshape(n_base, d + 2, d)
    xa_all, xb_all = xu[:, 0], xu[:, d + 1]
    xab_all = np.moveaxis(xu[:, 1:d + 1], 1, 0)  # (d, N, d)
    ya, yb = y[:, 0], y[:, d + 1]  # (N, r, k)
    yab = np.moveaxis(y[:, 1:d + 1], 1, 0)  # (d, N, r, k)
    names_out = list(outputs) if outputs is not None else [f"y{i}" for i in range(k)]
    rng = np.random.default_rng(seed + 1)
    alpha = (1 - level) / 2
    shape = (k, d)
    res = {key: np.full(shape, np.nan) for key in ("s1", "s1l", "s1h", "st", "stl", "sth")}
    nv, sv, ns, nsl, nsh = (np.full(k, np.nan) for _ in range(5))
    dropped: set[int] = set()
    for o in range(k):
        a, b, ab = ya[..., o], yb[..., o], yab[..., o]
        ok = ~(np.isnan(a).any(axis=1) | np.isnan(b).any(axis=1) |
               np.isnan(ab).any(axis=(0, 2)))
        dropped |= set(np.flatnonzero(~ok).tolist())
        a, b, ab = a[ok], b[ok], ab[:, ok]
        xa, xb, xab = xa_all[ok], xb_all[ok], xab_all[:, ok]

        def basis(rows: np.ndarray | slice, xa: np.ndarray = xa, xb: np.ndarray = xb,
                  xab: np.ndarray = xab) -> np.ndarray:
            """The inputs of the points of the given base rows, in noise_parts' order."""
            return np.concatenate([xa[rows], xb[rows], xab[:, rows].reshape(-1, d)])
        if len(a) < 4:
            continue
        s1, st, v, w = _sobol_estimates(a, b, ab)
        if not v > 0:
            # the point means vary no more than their noise: nothing to apportion
            nv[o], sv[o], ns[o] = w, v, 1.0
            continue
        boots_1, boots_t, boots_n = [], [], []
        n = len(a)
        for _ in range(n_boot):
            idx = rng.integers(0, n, n)
            b1, bt, bv, bw = _sobol_estimates(a[idx], b[idx], ab[:, idx])
            boots_1.append(b1)
            boots_t.append(bt)
            if reps > 1:
                boots_n.append((bv, noise_parts(a[idx], b[idx], ab[:, idx],
                                                basis(idx))[1]))
        q1 = np.quantile(np.array(boots_1), [alpha, 1 - alpha], axis=0)
        qt = np.quantile(np.array(boots_t), [alpha, 1 - alpha], axis=0)
        if reps > 1:  # second level: leave each replication out in turn
            jk = [_sobol_estimates(np.delete(a, j, 1), np.delete(b, j, 1),
                                   np.delete(ab, j, 2)) for j in range(reps)]
            q1 = widen(s1, q1[0], q1[1], np.array([x[0] for x in jk]), level)
            qt = widen(st, qt[0], qt[1], np.array([x[1] for x in jk]), level)
            nsl[o], nsh[o] = share_interval(
                noise_parts(a, b, ab, basis(slice(None))), v, np.array(boots_n),
                np.array([(x[2], noise_parts(np.delete(a, j, 1), np.delete(b, j, 1),
                                             np.delete(ab, j, 2), basis(slice(None)))[1])
                          for j, x in enumerate(jk)]), level)
        res["s1"][o], res["s1l"][o], res["s1h"][o] = s1, q1[0], q1[1]
        res["st"][o], res["stl"][o], res["sth"][o] = st, qt[0], qt[1]
        nv[o], sv[o] = (w if reps > 1 else np.nan), v
        ns[o] = w / (v + w) if reps > 1 else np.nan
    return SobolResult(list(problem.names), names_out, res["s1"], res["s1l"], res["s1h"],
                       res["st"], res["stl"], res["sth"], nv, sv, ns, nsl, nsh, n_base, reps,
                       len(x) * reps, level, dropped_rows=sorted(dropped))


# --------------------------------------------------------------------------- Morris


@dataclass
class MorrisResult:
    """Morris statistics per output and parameter, with the noise floor of mu*."""

    names: list[str]
    outputs: list[str]
    mu_star: np.ndarray  # (k, d): mean |elementary effect|, in output units per range
    mu_star_conf: np.ndarray  # half-width of its bootstrap interval (SALib)
    sigma: np.ndarray
    #: mu* that replication noise alone gives (a parameter with no effect reads about this).
    noise_floor: np.ndarray
    noise_share: np.ndarray  # (k,)
    trajectories: int
    reps: int
    evaluations: int
    level: float

    def clear_effect(self) -> np.ndarray:
        """Where mu* is above the noise floor beyond its interval."""
        return (self.mu_star - self.mu_star_conf) > self.noise_floor

    def ranking(self, output: int = 0) -> list[int]:
        """Parameter indices by mu* relative to the output's largest, largest first."""
        return list(np.argsort(-np.nan_to_num(self.mu_star[output], nan=-1.0)))

    def table(self) -> list[dict[str, object]]:
        clear = self.clear_effect()
        return [{"output": out, "parameter": name, "mu_star": float(self.mu_star[k, j]),
                 "mu_star_conf": float(self.mu_star_conf[k, j]),
                 "sigma": float(self.sigma[k, j]), "noise_floor": float(self.noise_floor[k, j]),
                 "clear_effect": bool(clear[k, j]), "noise_share": float(self.noise_share[k])}
                for k, out in enumerate(self.outputs) for j, name in enumerate(self.names)]


def morris_screening(
    problem: Problem,
    evaluator: Evaluator,
    trajectories: int = 20,
    reps: int = 3,
    num_levels: int = 4,
    seed: int = 0,
    n_boot: int = 1000,
    level: float = 0.95,
    outputs: Sequence[str] | None = None,
) -> MorrisResult:
    """Morris elementary effects of every output: trajectories (d+1) reps evaluations.

    mu* is computed on the replication means. Its noise floor is mu* of the noise alone: the
    replications' residuals around their point means, rescaled to the noise of a mean of
    ``reps`` and put through the same statistic (averaged over the replications).
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    check_reps(reps)
    spec = problem.salib()
    x = morris_sample.sample(spec, trajectories, num_levels=num_levels, seed=seed)
    y = _as_3d(evaluator(x, reps), len(x), reps)
    k = y.shape[2]
    names_out = list(outputs) if outputs is not None else [f"y{i}" for i in range(k)]
    shape = (k, problem.d)
    mu, conf, sig, floor = (np.full(shape, np.nan) for _ in range(4))
    share = np.full(k, np.nan)
    for o in range(k):
        yo = y[..., o]
        if np.isnan(yo).any():
            yo = np.where(np.isnan(yo), np.nanmean(yo), yo)  # a KPI with no observations
        mean = yo.mean(axis=1)
        out = morris_analyze.analyze(spec, x, mean, num_resamples=n_boot, conf_level=level,
                                     num_levels=num_levels, seed=seed)
        mu[o], conf[o], sig[o] = out["mu_star"], out["mu_star_conf"], out["sigma"]
        if reps > 1:
            resid = (yo - mean[:, None]) / np.sqrt(reps - 1)
            fl = [morris_analyze.analyze(spec, x, resid[:, j], num_resamples=2,
                                         num_levels=num_levels, seed=seed)["mu_star"]
                  for j in range(reps)]
            floor[o] = np.mean(fl, axis=0)
            within = yo.var(axis=1, ddof=1).mean()
            signal = mean.var(ddof=1) - within / reps
            share[o] = within / (max(signal, 0.0) + within)
        else:
            floor[o] = 0.0
    return MorrisResult(list(problem.names), names_out, mu, conf, sig, floor, share,
                        trajectories, reps, len(x) * reps, level)


# --------------------------------------------------------------------------- test functions


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami's function on [-pi, pi]^3."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Its exact first- and total-order indices."""
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def ishigami_variance(a: float = 7.0, b: float = 0.1) -> float:
    return float(a ** 2 / 8 + b * np.pi ** 4 / 5 + b ** 2 * np.pi ** 8 / 18 + 0.5)


def g_function(x: np.ndarray, a: Sequence[float]) -> np.ndarray:
    """Sobol's G function on [0, 1]^d."""
    av = np.asarray(a, dtype=float)
    return np.prod((np.abs(4 * x - 2) + av) / (1 + av), axis=1)


def g_function_indices(a: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    av = np.asarray(a, dtype=float)
    vi = 1 / (3 * (1 + av) ** 2)
    v = np.prod(1 + vi) - 1
    total = vi * np.prod(1 + vi) / (1 + vi) / v
    return vi / v, total
