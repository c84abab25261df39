"""The fast stream construction gives numpy's own streams, for any seed and key."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import rng

KEYS = [
    (0, 0, ()),
    (1, 0, (0,)),
    (20221, 3, (17,)),
    (20221, 3, (17, 1)),
    (7, 1, (2**32 - 1,)),
    (7, 1, (2**32,)),
    (2**40 + 3, 11, (2**33 + 1, 5)),
    (2**130 + 5, 2, (9,)),
    (123456789, 2**35, (4,)),
]


@pytest.mark.parametrize(("seed", "rep", "index"), KEYS)
@pytest.mark.parametrize("purpose", [rng.CHILD, rng.FAMILY])
def test_stream_equals_numpy_seed_sequence(seed, rep, index, purpose):
    ss = np.random.SeedSequence(seed, spawn_key=(rep, purpose, *index))
    want = np.random.Generator(np.random.PCG64(ss)).random(40).tolist()
    stream = rng.Streams(seed, rep).get(purpose, *index, buffer=7)  # several refills
    assert [stream.uniform() for _ in range(40)] == want


def test_skip_keeps_later_draws_aligned():
    a = rng.Streams(3, 1).get(rng.CHILD, 4, buffer=5)
    b = rng.Streams(3, 1).get(rng.CHILD, 4, buffer=5)
    want = [b.uniform() for _ in range(12)]
    a.skip(3)
    a.uniform()
    a.skip(4)
    assert a.take(4) == want[8:]


@pytest.mark.parametrize("steps", [[0, 5, 1], [12], [4, 1, 9, 0, 3], [5, 5, 5], [1] * 11])
def test_skip_of_many_draws_equals_one_draw_at_a_time(steps):
    """``skip(n)`` across buffer ends (buffer 5) leaves the stream where n draws would."""
    a = rng.Streams(3, 1).get(rng.CHILD, 4, buffer=5)
    b = rng.Streams(3, 1).get(rng.CHILD, 4, buffer=5)
    for n in steps:
        a.skip(n)
        for _ in range(n):
            b.uniform()
        assert a.uniform() == b.uniform()


def test_children_streams_made_in_blocks_equal_numpy():
    """Referred children's streams come from blocks of states (32, 64, ... at a time): in
    order, out of order, and at the end of the 32-bit range they are numpy's."""
    streams = rng.Streams(20221, 3)
    indices = [*range(1, 130), 5, 3000, 3001, 2, 2**32 - 2, 2**32 - 1, 129]
    for i in indices:
        ss = np.random.SeedSequence(20221, spawn_key=(3, rng.CHILD, i))
        want = np.random.Generator(np.random.PCG64(ss)).random(3).tolist()
        assert streams.get(rng.CHILD, i, buffer=2).take(3) == want, i


def test_streams_of_one_replication_do_not_share_state():
    streams = rng.Streams(9, 0)
    a, b = streams.get(rng.CHILD, 1, buffer=3), streams.get(rng.CHILD, 2, buffer=3)
    first = [a.uniform(), b.uniform(), a.uniform(), b.uniform(), a.uniform(), b.uniform(),
             a.uniform(), b.uniform()]
    fresh_a = rng.Streams(9, 0).get(rng.CHILD, 1)
    fresh_b = rng.Streams(9, 0).get(rng.CHILD, 2)
    assert first[0::2] == [fresh_a.uniform() for _ in range(4)]
    assert first[1::2] == [fresh_b.uniform() for _ in range(4)]
