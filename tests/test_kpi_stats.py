"""The KPIs' median and 90th percentile are numpy's, to the bit (issue 16 replaced the numpy
calls by plain Python, which costs a fraction in a short replication)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.outputs.kpis import median, quantile

FINITE = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(st.lists(FINITE, min_size=1, max_size=60), st.sampled_from([0.1, 0.5, 0.9, 0.99]))
def test_median_and_quantile_equal_numpy_bit_for_bit(values, q) -> None:
    ordered = sorted(values)
    assert median(ordered) == float(np.median(values))
    assert quantile(ordered, q) == float(np.quantile(values, q))


def test_small_cases() -> None:
    assert median([3.0]) == 3.0
    assert median([1.0, 4.0]) == 2.5
    assert quantile([1.0, 4.0], 0.9) == float(np.quantile([1.0, 4.0], 0.9))
    assert quantile([2.0] * 7, 0.9) == 2.0
