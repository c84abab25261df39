"""A store file cannot make pnp-sim reach outside it, and store failures say what happened.

Crafted stores (an SQLite file, a view over ``read_text``, a macro, a generated column, a newer
or unknown schema version) are each refused with one line, without running any SQL the file
defines and without trying to install an extension. A full disk and a damaged store are named
as such, with what was kept and how to recover; an export to a full disk leaves no partial
file. The stores here are written directly (no simulation), so the tests are fast."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from batch_helpers import ROOT, write_spec

from sim.batch import cli
from sim.batch.spec import load_spec
from sim.batch.store import Outcome, Store, StoreError

SECRET = "secret-line-that-must-never-show"


def _store(tmp_path: Path, name: str = "s.duckdb") -> Path:
    """A small real store: the helpers' spec registered, its points and two replications of
    one point with made-up KPIs."""
    loaded = load_spec(write_spec(tmp_path))
    path = tmp_path / name
    with Store(path) as st:
        st.register_experiment(loaded, "test")
        points = list(loaded.points())
        st.add_points(loaded.name, points)
        st.record_many([Outcome(points[0].scenario_hash, loaded.spec.seed, rep,
                                kpis={"wait_assessment_mean": 1.0 + rep})
                        for rep in range(2)])
    return path


def _tamper(path: Path, *sql: str) -> None:
    con = duckdb.connect(str(path))
    for statement in sql:
        con.execute(statement)
    con.close()


def _cli(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_store_is_opened_locked_down(tmp_path: Path) -> None:
    path = _store(tmp_path)
    for read_only in (True, False):
        with Store(path, read_only=read_only) as st:
            settings = dict(st.con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ("
                "'autoinstall_known_extensions', 'autoload_known_extensions', "
                "'enable_external_access', 'lock_configuration')").fetchall())
            assert settings == {"autoinstall_known_extensions": "false",
                                "autoload_known_extensions": "false",
                                "enable_external_access": "false",
                                "lock_configuration": "true"}
            with pytest.raises(duckdb.Error):
                st.con.execute("SET enable_external_access = true")
            with pytest.raises(duckdb.Error):
                st.con.execute(f"SELECT * FROM read_text('{path}')").fetchall()


def _crafted(tmp_path: Path, kind: str) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    if kind == "sqlite":
        import sqlite3

        path = tmp_path / "crafted.duckdb"
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE experiments (name TEXT)")
        con.commit()
        con.close()
        return path
    if kind in ("empty", "fifo"):
        path = tmp_path / "crafted.duckdb"
        if kind == "empty":
            path.touch()
        else:
            os.mkfifo(path)
        return path
    path = _store(tmp_path, "crafted.duckdb")
    if kind == "read_text_view":
        _tamper(path, "DROP TABLE experiments",
                f"CREATE VIEW experiments AS SELECT content AS name FROM read_text('{secret}')")
    elif kind == "extra_view":
        _tamper(path, f"CREATE VIEW leak AS SELECT content FROM read_text('{secret}')")
    elif kind == "macro":
        _tamper(path, f"CREATE MACRO coalesce(a, b) AS (SELECT content FROM "
                      f"read_text('{secret}'))")
    elif kind == "generated_column":
        _tamper(path, "DROP TABLE scenarios",
                f"CREATE TABLE scenarios (scenario_hash VARCHAR, scenario_yaml VARCHAR "
                f"GENERATED ALWAYS AS (scenario_hash || '{SECRET}') VIRTUAL)")
    elif kind == "newer_version":
        _tamper(path, "UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
    elif kind == "unknown_version":
        _tamper(path, "DELETE FROM store_meta")
    elif kind == "other_database":
        path.unlink()
        _tamper(path, "CREATE TABLE t (x INTEGER)")
    return path


CRAFTED = {
    "sqlite": "SQLite",
    "read_text_view": "views",
    "extra_view": "views",
    "macro": "functions",
    "generated_column": "other columns",
    "newer_version": "schema version '2'",
    "unknown_version": "schema version none",
    "other_database": "missing tables",
    "empty": "the file is empty",
    "fifo": "not a folder or device",
}


@pytest.mark.parametrize("kind", list(CRAFTED))
def test_crafted_stores_are_refused_with_one_line(tmp_path: Path, kind: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _crafted(tmp_path, kind)
    for read_only in (True, False):
        with pytest.raises(StoreError) as info:
            Store(path, read_only=read_only)
        text = str(info.value)
        assert CRAFTED[kind] in text and "\n" not in text and SECRET not in text
        assert text.startswith(str(path))
    code, out, err = _cli("results", str(path), capsys=capsys)
    assert code == cli.EXIT_ERROR
    assert err.count("\n") == 1 and CRAFTED[kind] in err
    assert SECRET not in out + err
    code, out, err = _cli("sweep", str(write_spec(tmp_path)), "--store", str(path),
                          "--quiet", capsys=capsys)
    assert code == cli.EXIT_ERROR and CRAFTED[kind] in err and SECRET not in out + err


def test_crafted_stores_make_no_network_attempt(tmp_path: Path) -> None:
    """In a fresh process with every proxy pointing at a closed port and no extension
    directory, an SQLite file and a view over read_text are refused by pnp-sim itself, before
    DuckDB could look for an extension (it would name the extension, or the download)."""
    ext_dir = tmp_path / "extensions"
    env = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
           "HOME": str(tmp_path)}
    for kind in ("sqlite", "read_text_view"):
        (tmp_path / kind).mkdir()
        path = _crafted(tmp_path / kind, kind)
        proc = subprocess.run([sys.executable, "-m", "sim", "results", str(path)], env=env,
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == cli.EXIT_ERROR
        assert proc.stderr.count("\n") == 1, proc.stderr
        assert CRAFTED[kind] in proc.stderr
        for word in ("extension", "http", "download", "install", SECRET):
            assert word not in proc.stderr.lower() + proc.stdout.lower()
    assert not ext_dir.exists() and not (tmp_path / ".duckdb").exists()


# --------------------------------------------------------------------------- failures


def test_a_damaged_store_says_so_and_how_to_recover(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = _store(tmp_path)
    size = path.stat().st_size
    os.truncate(path, size // 3)
    with pytest.raises(StoreError) as info:
        Store(path, read_only=True)
    assert "damaged" in str(info.value) and "new --store" in str(info.value)
    for argv in (["results", str(path)],
                 ["sweep", str(write_spec(tmp_path)), "--store", str(path), "--quiet"]):
        code, _, err = _cli(*argv, capsys=capsys)
        assert code == cli.EXIT_ERROR
        assert "damaged" in err and "recomputed" in err
        assert "run the command again to resume" not in err


def _no_space(*_args: object, **_kw: object) -> None:
    raise duckdb.IOException('IO Error: Could not write file "x.duckdb.wal": '
                             "No space left on device")


def test_a_full_disk_is_named_with_what_was_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.duckdb"
    spec = write_spec(tmp_path)
    # the write fails, and then DuckDB's rollback fails too (no transaction is left): the
    # message must name the first cause, not the failed rollback
    real_run = Store._run

    def run(self: Store, sql: str, params: object = None) -> None:
        if sql.lstrip().startswith("INSERT INTO kpis"):
            _no_space()
        if sql == "ROLLBACK":
            raise duckdb.TransactionException("cannot rollback - no transaction is active")
        real_run(self, sql, params)

    monkeypatch.setattr(Store, "_run", run)
    code, _, err = _cli("sweep", str(spec), "--store", str(store), "--quiet", "--workers", "1",
                        capsys=capsys)
    assert code == cli.EXIT_ERROR
    assert f"no space left on the disk holding {store}" in err
    assert "committed before is kept" in err
    assert "rollback" not in err


def test_an_export_to_a_full_disk_leaves_no_partial_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    store = _store(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def partial_then_full(self: pd.DataFrame, path: object, **_kw: object) -> None:
        Path(str(path)).write_text("point,rep\n1,", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", partial_then_full)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", partial_then_full)
    for name in ("k.csv", "k.parquet"):
        target = out_dir / name
        code, _, err = _cli("results", str(store), "-e", "test-sweep", "--export",
                            str(target), capsys=capsys)
        assert code == cli.EXIT_ERROR
        assert f"no space left on the disk holding {target}" in err
        assert list(out_dir.iterdir()) == []


@pytest.mark.skipif(shutil.which("mount") is None or os.geteuid() != 0,
                    reason="needs root to mount a small tmpfs")
def test_a_real_full_disk_store(tmp_path: Path) -> None:
    """DuckDB's own error on a real full disk (a failed commit) is named as a full disk."""
    from sim.batch.store_schema import failure_message

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    path = disk / "s.duckdb"
    try:
        with pytest.raises(duckdb.Error) as info, Store(path) as st:
            for i in range(2000):
                st.record_many([Outcome("h" * 16, 1, i * 50 + j,
                                        kpis={f"k{k}": 1.0 for k in range(40)})
                                for j in range(50)])
        assert failure_message(info.value, path).startswith(
            f"no space left on the disk holding {path}")
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


@pytest.mark.skipif(shutil.which("mount") is None or os.geteuid() != 0,
                    reason="needs root to mount a small tmpfs")
def test_a_real_full_disk_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same on a real 64 kB disk, where the machine allows mounting one."""
    store = _store(tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs is not allowed here")
    try:
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as f:  # fill it
            while True:
                f.write(b"x" * 1024)
                f.flush()
        target = disk / "kpis.csv"
        code, _, err = _cli("results", str(store), "-e", "test-sweep", "--table", "kpis",
                            "--export", str(target), capsys=capsys)
        if code == 0:
            pytest.skip("the export fitted")
        assert "no space left on the disk holding" in err
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_sweep_command_states_the_size_and_offers_allow_large(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(tmp_path, parameters=[
        {"path": "staff.pnp_counsellor.schedule.0.hours", "between": [10, 40]}],
        latin_hypercube={"points": 1_000_000, "seed": 1})
    store = tmp_path / "big.duckdb"
    code, _, err = _cli("sweep", str(spec), "--store", str(store), capsys=capsys)
    assert code == cli.EXIT_ERROR
    assert "1,000,000 points" in err and "--allow-large" in err
    assert not store.exists()  # refused before the store was touched
