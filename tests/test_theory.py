"""The model reduced to a textbook queue agrees with queueing theory.

``sim.theory.textbook`` keeps one phase with one role whose hours cover exactly c cases and makes
everything else instantaneous; the wait to start that phase is then the M/G/c queueing delay.

Each interval check runs 8 replications of 5,000 customers (several seconds on a loaded
2-core machine). ``make test`` keeps a quick subset (the exact checks, one M/M/c, one M/G/1
and the caseload cap); the rest are marked ``slow`` and run in ``make validate`` with the
same sizes and assertions (issue 16).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import run_experiment, run_replication
from sim.model import PnPModel
from sim.scenario.schema import parse_scenario, scenario_to_dict
from sim.theory.queueing import erlang_c, mg1_mean_wait, mgc_mean_wait_approx, mmc_mean_wait
from sim.theory.textbook import Station, tandem_scenario, textbook_scenario

REPS = 8
SEED = 2
CUSTOMERS = 5000  # per replication, after the warm-up


def _horizon(arrivals_per_week: float) -> float:
    return 200.0 + CUSTOMERS / arrivals_per_week


def _wait(scenario, kpi: str = "wait_assessment_mean") -> tuple[float, float, float]:
    res = run_experiment(scenario, reps=REPS, seed=SEED, workers=2, detail=False)
    row = res.summary.set_index("kpi").loc[kpi]
    return float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])


def test_erlang_c_matches_published_values() -> None:
    # c=1: P(wait) = rho; c=2, a=1: 1/3; c=5, a=4: 0.5541 (Erlang C tables)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(5, 4.0) == pytest.approx(0.5541, abs=1e-4)
    assert mmc_mean_wait(0.8, 1.0, 1) == pytest.approx(4.0)
    assert mmc_mean_wait(2.0, 1.0, 2) == math.inf


SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    ("lam", "servers", "mean"),
    [
        pytest.param(0.5, 1, 1.0, marks=SLOW),  # M/M/1, rho 0.5
        pytest.param(0.8, 1, 1.0, marks=SLOW),  # M/M/1, rho 0.8
        (2.1, 3, 1.0),  # M/M/3, rho 0.7: the quick subset's M/M/c
        pytest.param(2.7, 3, 1.0, marks=SLOW),  # M/M/3, rho 0.9
        pytest.param(1.5, 5, 2.0, marks=SLOW),  # M/M/5, rho 0.6, longer service
    ],
)
def test_mmc_mean_wait_matches_erlang_c(lam: float, servers: int, mean: float) -> None:
    scen = textbook_scenario(lam, {"dist": "exponential", "mean": mean}, servers,
                             horizon_weeks=_horizon(lam))
    got, lo, hi = _wait(scen)
    expected = mmc_mean_wait(lam, 1 / mean, servers)
    assert lo <= expected <= hi, (got, lo, hi, expected)
    if lam * mean / servers <= 0.8:  # at heavy load the interval is the honest yardstick
        assert got == pytest.approx(expected, rel=0.15)


@pytest.mark.parametrize(
    ("service", "second_moment"),
    [
        pytest.param({"dist": "fixed", "value": 1.0}, 1.0, marks=SLOW),  # M/D/1
        pytest.param({"dist": "uniform", "low": 0.0, "high": 2.0}, 4 / 3, marks=SLOW),  # M/U/1
        ({"dist": "gamma", "mean": 1.0, "sd": 0.5}, 1.25),  # M/G/1, cs^2 = 0.25: quick subset
        pytest.param({"dist": "lognormal", "mean": 1.0, "sd": 1.5}, 3.25,
                     marks=SLOW),  # M/G/1, cs^2 = 2.25
    ],
)
def test_mg1_mean_wait_matches_pollaczek_khinchine(service: dict, second_moment: float) -> None:
    lam = 0.6
    scen = textbook_scenario(lam, service, 1, horizon_weeks=_horizon(lam))
    got, lo, hi = _wait(scen)
    expected = mg1_mean_wait(lam, 1.0, second_moment)
    assert lo <= expected <= hi, (got, lo, hi, expected)


@SLOW
def test_md3_is_close_to_allen_cunneen() -> None:
    # Allen-Cunneen is an approximation (within a few % for M/D/c at moderate load).
    scen = textbook_scenario(2.4, {"dist": "fixed", "value": 1.0}, 3, horizon_weeks=_horizon(2.4))
    got, _, _ = _wait(scen)
    assert got == pytest.approx(mgc_mean_wait_approx(2.4, 1.0, 0.0, 3), rel=0.12)


@SLOW
@pytest.mark.parametrize("phase", ["prematching", "anchoring"])
def test_reduction_works_in_any_phase(phase: str) -> None:
    """The same queue in a later phase: its wait shows as time in 'waiting_staff' (only
    children who had to wait enter that state, so the mean over all children is the total
    waiting time over the number who started the phase)."""
    lam, servers = 1.6, 2
    scen = textbook_scenario(lam, {"dist": "exponential", "mean": 1.0}, servers, phase=phase,
                             horizon_weeks=_horizon(lam))
    res = run_experiment(scen, reps=REPS, seed=SEED, workers=2, detail=False)
    little = res.little.set_index(["rep", "phase"])
    waits = np.array([
        little.loc[(r, "waiting_staff"), "W"] * little.loc[(r, "waiting_staff"), "entries"]
        / little.loc[(r, phase), "entries"]
        for r in range(REPS)
    ])
    expected = mmc_mean_wait(lam, 1.0, servers)
    m, s = waits.mean(), waits.std(ddof=1) / np.sqrt(len(waits))
    assert abs(m - expected) <= 2.4 * s + 0.02 * expected, (m, s, expected)


def test_model_queue_is_exactly_the_lindley_recursion() -> None:
    """Every child's wait equals W(n+1) = max(0, W(n) + S(n) - A(n+1)) on the same draws."""
    scen = textbook_scenario(0.7, {"dist": "exponential", "mean": 1.0}, 1, horizon_weeks=600,
                             warmup_weeks=1)
    res = run_replication(scen, 5, 0)
    ev = res.events
    referred = ev[ev.event == "referral"].set_index("child")["week"]
    enters = ev[ev.event == "enter"].sort_values(["child", "week"], kind="stable")
    following = enters.groupby("child")["week"].shift(-1)
    in_service = enters.phase == "assessment"
    start = enters[in_service].set_index("child")["week"]
    service = (following - enters["week"])[in_service]
    service.index = enters[in_service]["child"].to_numpy()
    kids = start.index[:-1]  # the last one may still be in service
    arrivals = referred.loc[kids].to_numpy()
    s = service.loc[kids].to_numpy()
    lindley = np.zeros(len(kids))
    for i in range(1, len(kids)):
        lindley[i] = max(0.0, lindley[i - 1] + s[i - 1] - (arrivals[i] - arrivals[i - 1]))
    model_wait = start.loc[kids].to_numpy() - arrivals
    assert len(kids) > 300
    np.testing.assert_allclose(model_wait, lindley, atol=1e-9)


def test_infinite_server_limit_has_no_wait() -> None:
    scen = textbook_scenario(3.0, {"dist": "exponential", "mean": 1.0}, 60, horizon_weeks=500)
    model = PnPModel(scen, 1, 0, detail=False).run()
    waits = [c.t_assess - c.referred for c in model.children if c.t_assess is not None]
    assert len(waits) > 1000
    assert max(waits) == 0.0


@SLOW
def test_tandem_queues_match_jackson_network_theory() -> None:
    """Two exponential stations in series on separate roles: by Burke's theorem each is an
    M/M/c queue fed by Poisson arrivals, so the total wait is the sum of two Erlang C waits."""
    lam = 0.6
    stations = [
        Station("assessment", "coordinator", {"dist": "exponential", "mean": 1.0}, 1),
        Station("fitting", "parent_counsellor", {"dist": "exponential", "mean": 2.5}, 2),
    ]
    scen = tandem_scenario(lam, stations, horizon_weeks=_horizon(lam))
    res = run_experiment(scen, reps=REPS, seed=SEED, workers=2, detail=False)
    little = res.little.set_index(["rep", "phase"])
    totals = np.array([
        little.loc[(r, "waiting_staff"), "W"] * little.loc[(r, "waiting_staff"), "entries"]
        / little.loc[(r, "assessment"), "entries"]
        for r in range(REPS)
    ])
    expected = mmc_mean_wait(lam, 1.0, 1) + mmc_mean_wait(lam, 1 / 2.5, 2)
    m, s = totals.mean(), totals.std(ddof=1) / np.sqrt(REPS)
    assert abs(m - expected) <= 2.4 * s + 0.02 * expected, (m, s, expected)
    # the first station alone is the M/M/1 of the KPI
    first = res.summary.set_index("kpi").loc["wait_assessment_mean"]
    assert first["ci_low"] <= mmc_mean_wait(lam, 1.0, 1) <= first["ci_high"]


def test_caseload_cap_acts_as_the_number_of_servers() -> None:
    """Hours to spare but a caseload cap of 2: an M/M/2 queue."""
    lam = 1.5
    scen = textbook_scenario(lam, {"dist": "exponential", "mean": 1.0}, 50,
                             horizon_weeks=_horizon(lam))
    data = scenario_to_dict(scen)
    data["staff"]["pnp_counsellor"]["caseload_cap"] = 2
    capped = parse_scenario(data)
    got, lo, hi = _wait(capped)
    expected = mmc_mean_wait(lam, 1.0, 2)
    assert lo <= expected <= hi, (got, lo, hi, expected)
