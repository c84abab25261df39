"""Random streams: one per random process, so scenarios compare under common random numbers.

Every stream is the one numpy builds from
``numpy.random.SeedSequence(seed, spawn_key=(rep, purpose, ...))`` and ``PCG64``. Referral
arrivals, each child's own draws, each family's own draws and so on never share a stream, so
changing staffing (which changes the order of events) does not change which child is referred
when, or how long that child's assessment takes.

Building a SeedSequence and a PCG64 per child costs tens of microseconds, more than the rest of
a child's simulated life. So :class:`Streams` derives the same PCG64 state itself: the seed
sequence's entropy pool is mixed once for ``(seed, rep, purpose)`` and only the child's index
is mixed in per stream; the state words and PCG64's seeding step follow numpy's published
algorithms. The draws themselves still come from numpy: one PCG64 per replication is set to a
stream's state and fills that stream's buffer. ``tests/test_golden_draws.py`` checks the
streams against numpy's own construction, so the shortcut can never change a stored result.

Every quantity is made by inverse transform from one uniform (see ``sim.scenario.distributions``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeVar

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
#: A child's age within its year at referral (``sim.model.ageing``).
AGEING = 8
#: A child's withdrawal clocks while waiting (``sim.model.withdrawal``).
WITHDRAWAL = 9
#: Families already in screening at week 0 (``start_state.families_in_screening``).
INITIAL_SCREENING = 10

# numpy's SeedSequence constants (numpy/random/bit_generator.pyx) and PCG64's multiplier.
_M32 = 0xFFFFFFFF
_M64 = (1 << 64) - 1
_M128 = (1 << 128) - 1
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_L = 0xCA01F9DD
_MIX_R = 0x4973F715
_POOL = 4
_PCG_MULT = (2549297995355413924 << 64) + 4865540595714422341

#: Sizes of a block of children's stream states (:meth:`Streams._next_block`).
_BLOCK_MIN = 32
_BLOCK_MAX = 1024

#: A seed sequence part-way through mixing its entropy: (pool words, hash constant).
_Mixed = tuple[tuple[int, ...], int]


def _words(n: int) -> list[int]:
    """An integer as little-endian 32-bit words, as SeedSequence reads seeds and spawn keys."""
    if n < 0:
        raise ValueError("seeds and stream keys must be non-negative")
    if n == 0:
        return [0]
    out = []
    while n:
        out.append(n & _M32)
        n >>= 32
    return out


def _mix_in(mixed: _Mixed, words: Sequence[int]) -> _Mixed:
    """Mix further entropy words into every pool word (SeedSequence.mix_entropy, last loop)."""
    pool, hc = list(mixed[0]), mixed[1]
    for w in words:
        for d in range(_POOL):
            v = w ^ hc
            hc = (hc * _MULT_A) & _M32
            v = (v * hc) & _M32
            v ^= v >> 16
            r = (_MIX_L * pool[d] - _MIX_R * v) & _M32
            pool[d] = r ^ (r >> 16)
    return tuple(pool), hc


def _mix_seed(seed: int) -> _Mixed:
    """The pool after the seed (padded to the pool size, as it is when a spawn key follows)."""
    run = _words(seed)
    run += [0] * (_POOL - len(run))
    hc = _INIT_A
    pool = []
    for w in run[:_POOL]:
        v = w ^ hc
        hc = (hc * _MULT_A) & _M32
        v = (v * hc) & _M32
        pool.append(v ^ (v >> 16))
    for s in range(_POOL):
        for d in range(_POOL):
            if s != d:
                v = pool[s] ^ hc
                hc = (hc * _MULT_A) & _M32
                v = (v * hc) & _M32
                v ^= v >> 16
                r = (_MIX_L * pool[d] - _MIX_R * v) & _M32
                pool[d] = r ^ (r >> 16)
    return _mix_in((tuple(pool), hc), run[_POOL:])


def _hash_constants(hc: int, mult: int, n: int) -> tuple[tuple[int, int], ...]:
    """The hash constant before and after each of ``n`` steps: it never depends on the data."""
    out = []
    for _ in range(n):
        nxt = (hc * mult) & _M32
        out.append((hc, nxt))
        hc = nxt
    return tuple(out)


#: generate_state's hash constants for the 8 words of PCG64's seed and increment.
_STATE_HC = _hash_constants(_INIT_B, _MULT_B, 8)


def _pcg_state(pool: Sequence[int]) -> tuple[int, int]:
    """PCG64's (state, increment) seeded from a pool (generate_state(4, uint64) + srandom).

    Written out word by word: this runs once per child, and loops cost more than the work.
    """
    p0, p1, p2, p3 = pool
    (x0, m0), (x1, m1), (x2, m2), (x3, m3), (x4, m4), (x5, m5), (x6, m6), (x7, m7) = _STATE_HC
    v0 = ((p0 ^ x0) * m0) & _M32
    v1 = ((p1 ^ x1) * m1) & _M32
    v2 = ((p2 ^ x2) * m2) & _M32
    v3 = ((p3 ^ x3) * m3) & _M32
    v4 = ((p0 ^ x4) * m4) & _M32
    v5 = ((p1 ^ x5) * m5) & _M32
    v6 = ((p2 ^ x6) * m6) & _M32
    v7 = ((p3 ^ x7) * m7) & _M32
    seed = ((v0 ^ (v0 >> 16)) | (v1 ^ (v1 >> 16)) << 32) << 64 | (
        (v2 ^ (v2 >> 16)) | (v3 ^ (v3 >> 16)) << 32)
    inc = ((((v4 ^ (v4 >> 16)) | (v5 ^ (v5 >> 16)) << 32) << 64 | (
        (v6 ^ (v6 >> 16)) | (v7 ^ (v7 >> 16)) << 32)) << 1 | 1) & _M128
    state = (((inc + seed) & _M128) * _PCG_MULT + inc) & _M128
    return state, inc


def _mix_word(mixed: _Mixed, hcs: tuple[tuple[int, int], ...], w: int) -> tuple[int, ...]:
    """The pool after one more entropy word, with its hash constants precomputed."""
    p0, p1, p2, p3 = mixed[0]
    (x0, m0), (x1, m1), (x2, m2), (x3, m3) = hcs
    v = ((w ^ x0) * m0) & _M32
    r = (_MIX_L * p0 - _MIX_R * (v ^ (v >> 16))) & _M32
    p0 = r ^ (r >> 16)
    v = ((w ^ x1) * m1) & _M32
    r = (_MIX_L * p1 - _MIX_R * (v ^ (v >> 16))) & _M32
    p1 = r ^ (r >> 16)
    v = ((w ^ x2) * m2) & _M32
    r = (_MIX_L * p2 - _MIX_R * (v ^ (v >> 16))) & _M32
    p2 = r ^ (r >> 16)
    v = ((w ^ x3) * m3) & _M32
    r = (_MIX_L * p3 - _MIX_R * (v ^ (v >> 16))) & _M32
    p3 = r ^ (r >> 16)
    return p0, p1, p2, p3


def _jump(n: int) -> tuple[int, int]:
    """(a, c) with state after n steps = a * state + c * inc (mod 2**128)."""
    a, c = 1, 0
    for _ in range(n):
        a, c = (a * _PCG_MULT) & _M128, (c * _PCG_MULT + 1) & _M128
    return a, c


def _pcg_states(mixed: _Mixed, hcs: tuple[tuple[int, int], ...], first: int, n: int
                ) -> list[tuple[int, int]]:
    """:func:`_pcg_state` of :func:`_mix_word` for the indices ``first .. first + n - 1`` at
    once: the 32-bit mixing of a whole block in numpy, only the 128-bit step in Python.

    The same words as the one-at-a-time functions: numpy's uint64 arithmetic wraps modulo
    2**64, and every result is masked to 32 bits, as there.
    """
    u64 = np.uint64
    m32 = u64(_M32)
    w = np.arange(first, first + n, dtype=np.uint64)
    pool = []
    for p, (x, m) in zip(mixed[0], hcs, strict=True):
        v = ((w ^ u64(x)) * u64(m)) & m32
        r = (u64((_MIX_L * p) & _M64) - u64(_MIX_R) * (v ^ (v >> u64(16)))) & m32
        pool.append(r ^ (r >> u64(16)))
    words = []
    for k, (x, m) in enumerate(_STATE_HC):
        v = ((pool[k % _POOL] ^ u64(x)) * u64(m)) & m32
        words.append(v ^ (v >> u64(16)))
    seed_hi = (words[0] | (words[1] << u64(32))).tolist()
    seed_lo = (words[2] | (words[3] << u64(32))).tolist()
    inc_hi = (words[4] | (words[5] << u64(32))).tolist()
    inc_lo = (words[6] | (words[7] << u64(32))).tolist()
    out = []
    for sh, sl, ih, il in zip(seed_hi, seed_lo, inc_hi, inc_lo, strict=True):
        inc = ((ih << 64 | il) << 1 | 1) & _M128
        out.append(((((inc + (sh << 64 | sl)) & _M128) * _PCG_MULT + inc) & _M128, inc))
    return out


class _Filler:
    """One numpy PCG64 per replication that fills any stream's buffer from that stream's state."""

    def __init__(self) -> None:
        self.bits = np.random.PCG64(0)
        self.gen = np.random.Generator(self.bits)
        self.jumps: dict[int, tuple[int, int]] = {}

    def fill(self, state: int, inc: int, n: int) -> tuple[list[float], int]:
        """The next ``n`` uniforms from (state, inc), and the state after them."""
        self.bits.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                           "has_uint32": 0, "uinteger": 0}
        draws = self.gen.random(n).tolist()
        jump = self.jumps.get(n)
        if jump is None:
            jump = self.jumps[n] = _jump(n)
        return draws, (jump[0] * state + jump[1] * inc) & _M128


class Stream:
    """Uniform draws from one independent PCG64 generator, buffered."""

    __slots__ = ("_filler", "_state", "_inc", "_buf", "_i", "_n", "_size")

    def __init__(self, filler: _Filler, state: int, inc: int, buffer: int = 32):
        self._filler = filler
        self._state = state
        self._inc = inc
        self._size = buffer
        self._buf: list[float] = []
        self._i = 0
        self._n = 0

    def _refill(self) -> None:
        self._buf, self._state = self._filler.fill(self._state, self._inc, self._size)
        self._i = 0
        self._n = self._size

    def uniform(self) -> float:
        """One draw from U[0, 1)."""
        i = self._i
        if i >= self._n:
            self._refill()
            i = 0
        self._i = i + 1
        return self._buf[i]

    def skip(self, n: int = 1) -> None:
        """Pass over ``n`` draws (a quantity that needs no draw keeps later draws aligned).

        The buffer is refilled only when a draw past its end is passed over, as ``n`` calls of
        :meth:`uniform` would."""
        left = self._n - self._i
        while n > left:
            n -= left
            self._refill()
            left = self._n
        self._i += n

    def take(self, n: int) -> list[float]:
        """The next ``n`` draws from U[0, 1) (the same values as ``n`` calls of uniform)."""
        out: list[float] = []
        while len(out) < n:
            if self._i >= self._n:
                self._refill()
            k = min(n - len(out), self._n - self._i)
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
        """True with probability ``p``."""
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

    def pick(self, table: Sequence[tuple[float, K]]) -> K:
        """The same key as :meth:`choice`, from its running totals (see :func:`cumulative`)."""
        u = self.uniform()
        for acc, key in table:
            if u < acc:
                return key
        return table[-1][1]

    def integer(self, low: int, high: int) -> int:
        """Whole number in [low, high], equally likely."""
        return low + min(int(self.uniform() * (high - low + 1)), high - low)


def cumulative(keys: Sequence[K], weights: Sequence[float]) -> list[tuple[float, K]]:
    """(running total, key) pairs for :meth:`Stream.pick`, summed as :meth:`Stream.choice` does."""
    acc = 0.0
    out = []
    for key, w in zip(keys, weights, strict=True):
        acc += w
        out.append((acc, key))
    return out


class Streams:
    """Factory of the streams of one replication."""

    def __init__(self, seed: int, rep: int):
        self.seed = seed
        self.rep = rep
        self._filler = _Filler()
        self._base = _mix_in(_mix_seed(seed), _words(rep))
        self._prefix: dict[int, tuple[_Mixed, tuple[tuple[int, int], ...]]] = {}
        #: PCG64 (state, inc) of referred children's streams, made a block at a time
        #: (``_pcg_states``): children are numbered 1, 2, 3... in referral order.
        self._block: list[tuple[int, int]] = []
        self._block_first = 0

    def get(self, purpose: int, *index: int, buffer: int = 32) -> Stream:
        """The stream of ``SeedSequence(seed, spawn_key=(rep, purpose, *index))``."""
        prefix = self._prefix.get(purpose)
        if prefix is None:
            mixed = _mix_in(self._base, _words(purpose))
            prefix = self._prefix[purpose] = (mixed, _hash_constants(mixed[1], _MULT_A, _POOL))
        mixed = prefix[0]
        if len(index) == 1 and 0 < index[0] <= _M32:  # one word: the usual case, a child's index
            if purpose == CHILD:
                k = index[0] - self._block_first
                if not 0 <= k < len(self._block):
                    self._next_block(prefix, index[0])
                    k = 0
                state, inc = self._block[k]
            else:
                state, inc = _pcg_state(_mix_word(mixed, prefix[1], index[0]))
            return Stream(self._filler, state, inc, buffer)
        if index:
            words: list[Any] = []
            for i in index:
                words += _words(i)
            mixed = _mix_in(mixed, words)
        state, inc = _pcg_state(mixed[0])
        return Stream(self._filler, state, inc, buffer)

    def _next_block(self, prefix: tuple[_Mixed, tuple[tuple[int, int], ...]], first: int
                    ) -> None:
        """The children's stream states from ``first`` on, in a block twice the last one's
        size (32 to 1024): a short run pays little for states it never uses."""
        size = min(max(_BLOCK_MIN, 2 * len(self._block)), _BLOCK_MAX, _M32 + 1 - first)
        self._block = _pcg_states(prefix[0], prefix[1], first, size)
        self._block_first = first
