"""sim.outputs.table: a run's CSV files without pandas, byte for byte what pandas writes.

The plain writer is only used where it is sure to agree; everything else falls back to the
pandas table. Both are checked here against ``pd.concat`` + ``DataFrame.to_csv`` on tables
drawn by hypothesis (floats of every size, gaps, inf/NaN, text with separators and quotes,
mixed and unusual columns), in both dialects, and on a real run."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import load_scenario, run_experiment
from sim.outputs.output import TABLES, frame_to_csv, stamped
from sim.outputs.table import float_table, table_from_parts
from tests.conftest import SCENARIOS

DIALECTS = ("comma", "semicolon")

floats = st.floats(allow_nan=True, allow_infinity=True)
ints = st.integers(min_value=-(2**62), max_value=2**62)
texts = st.text(alphabet=st.sampled_from(list("ab;,.\"' \n\té")), max_size=6)
cells = st.one_of(floats, ints, texts, st.none(), st.booleans())
# a column's values drawn from one of these families, so that plain columns are common
families = st.sampled_from(["float", "int", "num", "numgap", "text", "textgap", "bool", "any"])


def _column(family: str, n: int) -> st.SearchStrategy[list]:
    pick = {"float": floats, "int": ints, "num": st.one_of(floats, ints),
            "numgap": st.one_of(floats, ints, st.none()), "text": texts,
            "textgap": st.one_of(texts, st.none()), "bool": st.booleans(), "any": cells}[family]
    return st.lists(pick, min_size=n, max_size=n)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[tuple]]]:
    width = draw(st.integers(1, 4))
    fams = [draw(families) for _ in range(width)]
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(0, 5))
        cols = [draw(_column(f, n)) for f in fams]
        parts.append(list(zip(*cols, strict=True)) if n else [])
    return [f"c{j}" for j in range(width)], parts


def _pandas(columns: list[str], parts: list[list[tuple]]) -> pd.DataFrame:
    """What ExperimentResult does: one frame per replication, ``rep`` added, concatenated."""
    frames = [pd.DataFrame(rows, columns=columns).assign(rep=i) for i, rows in enumerate(parts)]
    return pd.concat(frames, ignore_index=True)


def _agrees(drawn: tuple[list[str], list[list[tuple]]]) -> None:
    columns, parts = drawn
    table = table_from_parts(columns, parts, {"rep": list(range(len(parts)))})
    if table is None:  # not sure of pandas' types: the caller uses pandas itself
        return
    frame = _pandas(columns, parts)
    stamp = {"scenario_hash": "abc,1", "seed": 7, "version": "0.1.0"}
    for dialect in DIALECTS:
        assert frame_to_csv(table.stamped(stamp), None, dialect) == \
            frame_to_csv(stamped(frame, stamp), None, dialect)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_plain_columns_write_what_pandas_writes(drawn) -> None:
    _agrees(drawn)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_plain_columns_write_what_pandas_writes_many(drawn) -> None:
    """The same on many more tables (``make validate``)."""
    _agrees(drawn)


def test_the_plain_path_is_taken_for_the_usual_columns() -> None:
    parts = [[(1, 0.5, "a", True, None), (2, math.inf, None, False, 3)],
             [(3, math.nan, "b;c", True, 2.5)]]
    table = table_from_parts(list("abcde"), parts, {"rep": [0, 1]})
    assert table is not None and table.kinds == ["int", "float", "str", "bool", "float", "int"]
    text = frame_to_csv(table, None, "semicolon")
    assert text == frame_to_csv(_pandas(list("abcde"), parts), None, "semicolon")
    assert text.splitlines()[1:] == ["1;0,5;a;True;;0", "2;inf;;False;3,0;0",
                                     '3;;"b;c";True;2,5;1']


@pytest.mark.parametrize("parts", [
    [[(None,)], [(1.5,)]],  # a replication whose column is all gaps (object in pandas)
    [[(1,)], [("x",)]],  # numbers and text
    [[(True,)], [(1,)]],  # true/false and numbers
    [[], [(1,)]],  # a replication without rows
])
def test_unsure_columns_fall_back_to_pandas(parts) -> None:
    assert table_from_parts(["a"], parts, {"rep": list(range(len(parts)))}) is None


def test_float_arrays() -> None:
    import numpy as np

    arrays = [np.array([[0.1, 1e16], [np.nan, -0.0]]), np.array([[2.0, 5e-324]])]
    table = float_table(["x", "y"], arrays, {"rep": [4, 5]})
    assert table is not None
    frames = [pd.DataFrame(a, columns=["x", "y"]).assign(rep=r) for a, r in zip(arrays, [4, 5],
                                                                                strict=True)]
    frame = pd.concat(frames, ignore_index=True)
    for dialect in DIALECTS:
        assert frame_to_csv(table, None, dialect) == frame_to_csv(frame, None, dialect)
    assert float_table(["x"], [np.zeros((0, 1))]) is None


def test_a_run_writes_the_same_bytes_with_and_without_pandas(tmp_path) -> None:
    result = run_experiment(load_scenario(SCENARIOS / "two-counsellors.yaml"), reps=2, seed=3)
    for name in TABLES:
        table = result.table(name)
        assert table is not None, name
        for dialect in DIALECTS:
            want = frame_to_csv(stamped(getattr(result, name), result.stamp), None, dialect)
            assert frame_to_csv(table.stamped(result.stamp), None, dialect) == want, name
    # the command line's Little's-law line, computed without pandas, agrees with pandas
    from sim.cli import little_gaps

    little = result.little.groupby("phase", sort=False)["rel_error"].mean()
    gaps = little.replace(math.inf, math.nan)
    assert little_gaps(result) == pytest.approx((gaps.median(), gaps.max(), gaps.idxmax()))

