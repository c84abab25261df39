"""Textbook queueing results the model is validated against.

Erlang C for M/M/c (Kleinrock, Queueing Systems vol. 1), Pollaczek-Khinchine for M/G/1, and
the Allen-Cunneen approximation for M/G/c; all for first-come-first-served service.
"""

from __future__ import annotations

import math


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arrival has to wait in an M/M/c queue (offered load a = lambda/mu)."""
    c, a = servers, offered_load
    if c < 1:
        raise ValueError("need at least one server")
    if a >= c:
        return 1.0
    # numerically stable recursion on the Erlang B formula
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    return b / (1 - rho + rho * b)


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue (before service) of an M/M/c queue; inf when unstable."""
    a = arrival_rate / service_rate
    if a >= servers:
        return math.inf
    return erlang_c(servers, a) / (servers * service_rate - arrival_rate)


def mg1_mean_wait(arrival_rate: float, mean_service: float, second_moment: float) -> float:
    """Pollaczek-Khinchine mean time in queue of an M/G/1 queue; inf when unstable."""
    rho = arrival_rate * mean_service
    if rho >= 1:
        return math.inf
    return arrival_rate * second_moment / (2 * (1 - rho))


def mgc_mean_wait_approx(
    arrival_rate: float, mean_service: float, scv_service: float, servers: int
) -> float:
    """Allen-Cunneen approximation of the M/G/c mean wait: Erlang C scaled by (1 + cs^2)/2."""
    return mmc_mean_wait(arrival_rate, 1 / mean_service, servers) * (1 + scv_service) / 2
