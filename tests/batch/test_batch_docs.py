"""The SQL examples in docs/batch.md run against a real store and give what they claim."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from batch_helpers import ROOT, write_spec

from sim.batch.spec import load_spec
from sim.batch.store import Store
from sim.batch.sweep import run_sweep

DOC = ROOT / "docs" / "batch.md"


def _sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs_sql")
    spec = write_spec(folder, name="staffing-hours", replications=2, parameters=[
        {"path": "staff.pnp_counsellor.schedule.0.hours", "name": "pnp_hours",
         "values": [19, 30]},
        {"path": "staff.parent_counsellor.schedule.0.hours", "name": "parent_hours",
         "values": [8]},
        {"path": "referrals.schedule.0.per_year", "name": "referrals",
         "values": [8, 16]},
    ])
    path = folder / "staffing.duckdb"
    assert run_sweep(load_spec(spec), path, workers=2).complete
    return path


def test_docs_have_sql_examples() -> None:
    assert len(_sql_blocks()) >= 3


def test_every_sql_example_runs(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    try:
        for sql in _sql_blocks():
            rows = con.execute(sql).fetchall()
            assert rows is not None
    finally:
        con.close()


def test_the_per_point_query_gives_the_stored_means(store: Path) -> None:
    first = _sql_blocks()[0]
    con = duckdb.connect(str(store), read_only=True)
    try:
        got = con.execute(first).df()
    finally:
        con.close()
    with Store(store, read_only=True) as st:
        kpis = st.kpi_table("staffing-hours")
    # count(value) counts replications with a value: a replication in which no child that
    # needed a family was placed has no wait_family_p90 (NULL), as pandas' mean skips it
    assert len(got) == 4 and got.replications.between(1, 2).all()
    assert (got.replications == kpis.groupby("point").wait_family_p90.count()
            .reindex(got.point).to_numpy()).all()
    for _, row in got.iterrows():
        sel = kpis[kpis.point == row.point]
        assert row.pnp_hours == sel.pnp_hours.iloc[0]
        assert row.wait_family_p90 == pytest.approx(sel.wait_family_p90.mean())


def test_the_progress_query_counts_what_is_stored(store: Path) -> None:
    progress = next(b for b in _sql_blocks() if "planned" in b)
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute(progress).fetchall()
    finally:
        con.close()
    assert rows == [("staffing-hours", 8, 8, 0)]
