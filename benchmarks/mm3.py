"""The same M/M/3 queue three ways, for the same-work comparison of ``test_bench_mm3.py``.

Load 0.8: arrivals 0.6 a week, exponential service with mean 4 weeks, 3 servers, FIFO. Each
function runs the queue for ``weeks`` and returns the number of customers served, so speed is
compared as customers per CPU second:

- ``bare_simpy``: the usual SimPy program (a ``Resource`` with 3 places, a process per
  customer, Python's ``random``) with no bookkeeping at all: the yardstick;
- ``ciw_queue``: Ciw, a queueing-network library (optional: ``pip install -e '.[bench]'``);
- ``pnp_queue``: pnp-sim reduced to the same queue by ``sim.theory.textbook`` (one phase on one role
  with hours for 3 cases at a time; every other phase takes no time, families unlimited), run
  through the public ``run_replication`` with ``detail=False`` as a sweep runs it: it keeps its
  full bookkeeping (state integrals, staff hours, weekly series, KPIs).
"""

from __future__ import annotations

import random

import simpy

from sim import parse_scenario, run_replication, scenario_to_dict
from sim.theory.textbook import textbook_scenario

ARRIVALS = 0.6  # per week
MEAN_SERVICE = 4.0  # weeks
SERVERS = 3
LOAD = ARRIVALS * MEAN_SERVICE / SERVERS  # 0.8


def bare_simpy(weeks: float, seed: int = 1) -> int:
    """Customers served by a plain SimPy M/M/3 queue in ``weeks``."""
    env = simpy.Environment()
    rnd = random.Random(seed)
    servers = simpy.Resource(env, SERVERS)
    served = 0

    def customer(env: simpy.Environment):
        nonlocal served
        with servers.request() as req:
            yield req
            yield env.timeout(rnd.expovariate(1.0 / MEAN_SERVICE))
        served += 1

    def arrivals(env: simpy.Environment):
        while True:
            yield env.timeout(rnd.expovariate(ARRIVALS))
            env.process(customer(env))

    env.process(arrivals(env))
    env.run(until=weeks)
    return served


def ciw_queue(weeks: float, seed: int = 1) -> int:
    """Customers served by Ciw's M/M/3 queue in ``weeks``."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_SERVICE)],
        number_of_servers=[SERVERS],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(weeks)
    return len(sim.get_all_records())


def pnp_queue(weeks: float, seed: int = 1, ageing: bool = True) -> int:
    """Children through pnp-sim reduced to the same M/M/3 queue in ``weeks`` (with the
    defaults, so children age; ``ageing=False`` switches that off, for its cost)."""
    scenario = textbook_scenario(ARRIVALS, {"dist": "exponential", "mean": MEAN_SERVICE},
                                 SERVERS, horizon_weeks=weeks, warmup_weeks=0.0)
    if not ageing:
        data = scenario_to_dict(scenario)
        data["ageing"]["enabled"] = False
        scenario = parse_scenario(data, "<textbook, ageing off>", limits=False)
    res = run_replication(scenario, seed, 0, detail=False)
    return round(res.kpis["completed_per_year"] * weeks / 52.0)


def pnp_queue_no_ageing(weeks: float, seed: int = 1) -> int:
    """:func:`pnp_queue` with ageing off."""
    return pnp_queue(weeks, seed, ageing=False)
