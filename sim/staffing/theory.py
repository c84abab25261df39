"""Least staffing known analytically, for validating the search on textbook queues.

For an M/M/c queue (Erlang C, :mod:`sim.theory.queueing`) the waiting time W has
P(W > t) = C(c, a) · exp(−(cμ − λ) t), so its q-quantile is 0 when C(c, a) ≤ 1 − q and
ln(C / (1 − q)) / (cμ − λ) otherwise. Both the mean wait and its quantiles fall as c grows, so
the least c meeting a threshold is found by counting up from the least stable c.
"""

from __future__ import annotations

import math

from sim.theory.queueing import erlang_c, mmc_mean_wait


def mmc_wait_quantile(arrival_rate: float, service_rate: float, servers: int,
                      q: float = 0.9) -> float:
    """q-quantile of the M/M/c waiting time (before service); inf when unstable."""
    a = arrival_rate / service_rate
    if a >= servers:
        return math.inf
    c_prob = erlang_c(servers, a)
    if c_prob <= 1 - q:
        return 0.0
    return math.log(c_prob / (1 - q)) / (servers * service_rate - arrival_rate)


def mmc_statistic(arrival_rate: float, service_rate: float, servers: int,
                  stat: str = "mean") -> float:
    """``"mean"`` wait or a quantile such as ``"p90"`` of an M/M/c queue."""
    if stat == "mean":
        return mmc_mean_wait(arrival_rate, service_rate, servers)
    if stat.startswith("p"):
        return mmc_wait_quantile(arrival_rate, service_rate, servers, int(stat[1:]) / 100)
    raise ValueError(f"unknown statistic {stat!r}")


def least_servers(arrival_rate: float, service_rate: float, threshold: float,
                  stat: str = "mean", most: int = 1000) -> int:
    """The least number of servers c whose M/M/c wait statistic is at most ``threshold``."""
    c = max(1, math.floor(arrival_rate / service_rate) + 1)
    while c <= most:
        if mmc_statistic(arrival_rate, service_rate, c, stat) <= threshold:
            return c
        c += 1
    raise ValueError("no c up to `most` meets the threshold")
