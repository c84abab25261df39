"""A store is created in one transaction: a sweep stopped while creating it leaves no store
with some of its tables (which every later run refused as "not a pnp-sim sweep store")."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sim.batch.store import Store, StoreError
from sim.batch.store_schema import TABLES


def test_a_store_stopped_while_being_created_is_created_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.duckdb"
    real = Store._run

    def failing(self: Store, sql: str, params: object = None) -> None:
        if sql.startswith("INSERT OR IGNORE INTO store_meta"):  # after every CREATE TABLE
            raise duckdb.IOException("stopped here")
        real(self, sql, params)

    monkeypatch.setattr(Store, "_run", failing)
    with pytest.raises(StoreError):
        Store(path)
    monkeypatch.setattr(Store, "_run", real)
    with Store(path) as store:  # neither refused nor half made
        names = {r[0] for r in store.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()}
    assert names >= set(TABLES)
