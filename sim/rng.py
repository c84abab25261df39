"""Random streams: one per random process, so scenarios compare under common random numbers.

Every stream is derived from ``numpy.random.SeedSequence(seed, spawn_key=(rep, purpose, ...))``.
Referral arrivals, each child's own draws, each family's own draws and so on never share a
stream, so changing staffing (which changes the order of events) does not change which child
is referred when, or how long that child's assessment takes.

Draws come from a small buffer of uniforms: scalar numpy draws are slow, and every quantity is
made by inverse transform from one uniform (see ``sim.distributions``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

K = TypeVar("K")

# Stream purposes. Never renumber: stored results depend on them.
REFERRALS = 1
CHILD = 2
FAMILY_ARRIVALS = 3
FAMILY = 4
INITIAL_CHILD = 5
INITIAL_FAMILY = 6
UNLIMITED_FAMILY = 7
#: A child's age within its year at referral (``sim.ageing``).
AGEING = 8
#: A child's withdrawal clocks while waiting (``sim.withdrawal``).
WITHDRAWAL = 9


class Stream:
    """Uniform draws from one independent PCG64 generator, buffered."""

    __slots__ = ("_gen", "_buf", "_i", "_size")

    def __init__(self, seed: int, key: tuple[int, ...], buffer: int = 32):
        ss = np.random.SeedSequence(seed, spawn_key=key)
        self._gen = np.random.Generator(np.random.PCG64(ss))
        self._size = buffer
        self._buf: list[float] = []
        self._i = 0

    def _refill(self) -> None:
        self._buf = self._gen.random(self._size).tolist()
        self._i = 0

    def uniform(self) -> float:
        """One draw from U[0, 1)."""
        if self._i >= len(self._buf):
            self._refill()
        u = self._buf[self._i]
        self._i += 1
        return u

    def take(self, n: int) -> list[float]:
        """The next ``n`` draws from U[0, 1) (the same values as ``n`` calls of uniform)."""
        out: list[float] = []
        while len(out) < n:
            if self._i >= len(self._buf):
                self._refill()
            k = min(n - len(out), len(self._buf) - self._i)
            out += self._buf[self._i:self._i + k]
            self._i += k
        return out

    def exponential(self, rate: float) -> float:
        """Waiting time to the next event of a Poisson process with ``rate`` (inf if rate 0)."""
        return self.exponential_from(self.uniform(), rate)

    @staticmethod
    def exponential_from(u: float, rate: float) -> float:
        """Exponential waiting time made from a given uniform (inf if rate 0)."""
        if rate <= 0:
            return math.inf
        return -math.log1p(-u) / rate

    def bernoulli(self, p: float) -> bool:
        return self.uniform() < p

    def choice(self, keys: Sequence[K], weights: Sequence[float]) -> K:
        """One key, chosen with the given weights (which add up to 1)."""
        u = self.uniform()
        acc = 0.0
        for key, w in zip(keys, weights, strict=True):
            acc += w
            if u < acc:
                return key
        return keys[-1]

    def integer(self, low: int, high: int) -> int:
        """Whole number in [low, high], equally likely."""
        return low + min(int(self.uniform() * (high - low + 1)), high - low)


class Streams:
    """Factory of the streams of one replication."""

    def __init__(self, seed: int, rep: int):
        self.seed = seed
        self.rep = rep

    def get(self, purpose: int, *index: int, buffer: int = 32) -> Stream:
        return Stream(self.seed, (self.rep, purpose, *index), buffer)
