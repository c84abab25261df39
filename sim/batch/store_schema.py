"""The store's schema, and opening a store file safely.

A store file may come from someone else, so opening one must not make the program reach
outside: every connection has DuckDB's extension auto-install and auto-load off and external
access off (no files, no network, no extensions), and the configuration is locked after
set-up. Before a store is read or written, its file header, schema version and tables are
checked, and anything else is refused with one line: a store is read from its own base
tables only, never through views, macros or column expressions the file defines.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import duckdb

#: The layout written by this version; a store with any other version is refused.
SCHEMA_VERSION = "1"

#: Every connection to a store file: nothing outside the file can be reached.
SAFE_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "enable_external_access": False,
}

#: The tables of a store and their columns (name, DuckDB type), as ``_SCHEMA`` creates them.
TABLES: dict[str, list[tuple[str, str]]] = {
    "store_meta": [("key", "VARCHAR"), ("value", "VARCHAR")],
    "experiments": [
        ("name", "VARCHAR"), ("description", "VARCHAR"), ("spec_source", "VARCHAR"),
        ("spec_yaml", "VARCHAR"), ("spec_hash", "VARCHAR"), ("base_hash", "VARCHAR"),
        ("seed", "BIGINT"), ("replications", "INTEGER"), ("n_points", "INTEGER"),
        ("parameters", "VARCHAR"), ("store_weekly", "BOOLEAN"), ("sim_version", "VARCHAR"),
        ("created_at", "TIMESTAMP"), ("updated_at", "TIMESTAMP"),
    ],
    "scenarios": [("scenario_hash", "VARCHAR"), ("scenario_yaml", "VARCHAR")],
    "points": [("experiment", "VARCHAR"), ("point", "INTEGER"), ("scenario_hash", "VARCHAR"),
               ("params", "VARCHAR"), ("error", "VARCHAR")],
    "point_params": [("experiment", "VARCHAR"), ("point", "INTEGER"), ("param", "VARCHAR"),
                     ("value", "DOUBLE"), ("value_text", "VARCHAR")],
    "replications": [("scenario_hash", "VARCHAR"), ("seed", "BIGINT"), ("rep", "INTEGER"),
                     ("sim_version", "VARCHAR"), ("elapsed_s", "DOUBLE"),
                     ("worker", "VARCHAR"), ("finished_at", "TIMESTAMP")],
    "kpis": [("scenario_hash", "VARCHAR"), ("seed", "BIGINT"), ("rep", "INTEGER"),
             ("kpi", "VARCHAR"), ("value", "DOUBLE")],
    "failures": [("scenario_hash", "VARCHAR"), ("seed", "BIGINT"), ("rep", "INTEGER"),
                 ("error", "VARCHAR"), ("attempts", "INTEGER"), ("failed_at", "TIMESTAMP")],
}
_KEYS = {
    "store_meta": "key", "experiments": "name", "scenarios": "scenario_hash",
    "points": "experiment, point", "point_params": "experiment, point, param",
    "replications": "scenario_hash, seed, rep", "kpis": "scenario_hash, seed, rep, kpi",
    "failures": "scenario_hash, seed, rep",
}
#: The weekly series: created on first use with these leading columns, then DOUBLEs.
WEEKLY_KEY = [("scenario_hash", "VARCHAR"), ("seed", "BIGINT"), ("rep", "BIGINT")]

SCHEMA = "\n".join(
    f"CREATE TABLE IF NOT EXISTS {name} ("
    + ", ".join(f"{col} {kind}" for col, kind in cols)
    + f", PRIMARY KEY ({_KEYS[name]}));"
    for name, cols in TABLES.items()
)

_DUCKDB_MAGIC = b"DUCK"


class StoreError(RuntimeError):
    """A store that cannot be opened or used; ``str()`` is a readable one-line message."""


def damaged_message(path: Path, detail: str) -> str:
    """What to say about a store file that DuckDB cannot read, and how to recover."""
    first = detail.strip().splitlines()[0] if detail.strip() else "unreadable"
    return (f"{path}: the store is damaged and cannot be read ({first[:200]}). Nothing was "
            "changed. Keep the file as it is (and its .wal file, if any); restore it from a "
            "backup, or run the sweep again with a new --store FILE: every replication is "
            "recomputed bit for bit from the spec's seed")


def no_space_message(path: Path) -> str:
    return (f"no space left on the disk holding {path}; every replication committed before "
            "is kept in the store, the ones in flight are not. Free some space and run the "
            "same command again to resume")


def is_no_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc).lower()
    return "no space left" in text or "disk is full" in text or "disk full" in text


_DAMAGE_WORDS = ("could not read enough bytes", "corrupt", "checksum", "serialization",
                 "not a valid duckdb", "truncat", "malformed")


def looks_damaged(exc: BaseException) -> bool:
    """Whether a DuckDB error says the file itself is damaged."""
    return isinstance(exc, duckdb.Error) and any(w in str(exc).lower() for w in _DAMAGE_WORDS)


def failure_message(exc: BaseException, path: Path) -> str:
    """One line for an error raised while using the store at ``path``: a full disk and a
    damaged file are named as such (never a follow-on error such as a failed rollback)."""
    if is_no_space(exc):
        return no_space_message(path)
    text = str(exc)
    if looks_damaged(exc):
        return damaged_message(path, text)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return (f"{path}: the store could not be written ({first[:300]}); what was committed is "
            "kept, run the command again to resume")


def _check_header(path: Path) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB looks at it (an SQLite file
    would otherwise make DuckDB look for its SQLite extension)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store: {exc.strerror or exc}") from None
    if not head:
        raise StoreError(f"{path}: not a pnp-sim sweep store (the file is empty; remove it, "
                         "or give another file, and pnp-sim creates the store)")
    if len(head) < 12 or head[8:12] != _DUCKDB_MAGIC:
        what = "an SQLite database" if head.startswith(b"SQLite format") else \
            "not a DuckDB file"
        raise StoreError(f"{path}: not a pnp-sim sweep store (it is {what})")


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A locked-down connection to the store file at ``path`` (see the module docstring)."""
    if path.exists():
        if not path.is_file():
            raise StoreError(f"{path}: expected a store file, not a folder or device")
        _check_header(path)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=dict(SAFE_CONFIG))
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(
                f"{path}: the store is in use by another process (a sweep still "
                "running?); wait for it to finish or stop it first"
            ) from None
        if is_no_space(exc):
            raise StoreError(no_space_message(path)) from None
        raise StoreError(damaged_message(path, text)) from None
    except duckdb.Error as exc:
        raise StoreError(damaged_message(path, str(exc))) from None
    try:
        # the store's queries are small: one DuckDB thread keeps the sweep process light
        con.execute("SET threads = 1").fetchall()
    except duckdb.Error:
        con.close()
        raise
    return con


def lock(con: duckdb.DuckDBPyConnection) -> None:
    """Forbid any later change of the connection's settings (external access stays off)."""
    con.execute("SET lock_configuration = true").fetchall()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[Any]:
    return con.execute(sql, params).fetchall()


def check_store(con: duckdb.DuckDBPyConnection, path: Path, *, empty_ok: bool) -> bool:
    """Check that the file holds a pnp-sim store of this schema version, made of plain
    tables only. Returns False for an empty file (a new store, when ``empty_ok``); raises
    :class:`StoreError` with one line for anything else. Only DuckDB's own catalogue
    functions are queried here, never an object of the file."""
    try:
        tables = {(r[0], r[1]): r[2] for r in _rows(con, """
            SELECT schema_name, table_name, 'table' FROM duckdb_tables() WHERE NOT internal
            UNION ALL
            SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal""")}
        macros = _rows(con, "SELECT DISTINCT function_name FROM duckdb_functions() "
                            "WHERE NOT internal")
        sequences = _rows(con, "SELECT sequence_name FROM duckdb_sequences()")
    except duckdb.Error as exc:
        raise StoreError(damaged_message(path, str(exc))) from None
    if not tables and not macros and not sequences:
        if empty_ok:
            return False
        raise StoreError(f"{path}: not a pnp-sim sweep store (the file is an empty database)")
    not_store = f"{path}: not a pnp-sim sweep store"
    views = sorted(name for (_schema, name), kind in tables.items() if kind == "view")
    if views:
        raise StoreError(f"{not_store} (it defines views, which pnp-sim never runs: "
                         f"{', '.join(views[:5])})")
    if macros or sequences:
        names = [str(r[0]) for r in macros + sequences]
        raise StoreError(f"{not_store} (it defines functions or sequences, which pnp-sim "
                         f"never runs: {', '.join(names[:5])})")
    other = sorted(f"{s}.{n}" for (s, n) in tables
                   if s != "main" or (n not in TABLES and n != "weekly"))
    missing = sorted(n for n in TABLES if ("main", n) not in tables)
    if missing:
        raise StoreError(f"{not_store} (missing tables: {', '.join(missing)})")
    if other:
        raise StoreError(f"{not_store} (unexpected tables: {', '.join(other[:5])})")
    columns: dict[str, list[tuple[str, str, Any]]] = {}
    for table, col, kind, default in _rows(con, """
            SELECT table_name, column_name, data_type, column_default FROM duckdb_columns()
            WHERE schema_name = 'main' AND NOT internal ORDER BY table_name, column_index"""):
        columns.setdefault(table, []).append((col, kind, default))
    for name, expected in TABLES.items():
        got = columns.get(name, [])
        if [(c, k) for c, k, _ in got] != expected or any(d is not None for *_, d in got):
            raise StoreError(f"{not_store} (table {name} has other columns than a store of "
                             f"schema version {SCHEMA_VERSION})")
    weekly = columns.get("weekly")
    if weekly is not None and (
            [(c, k) for c, k, _ in weekly[:3]] != WEEKLY_KEY
            or any(d is not None for *_, d in weekly)):
        raise StoreError(f"{not_store} (table weekly has other columns than pnp-sim writes)")
    version = _rows(con, "SELECT value FROM store_meta WHERE key = 'schema_version'")
    found = version[0][0] if version else None
    if found != SCHEMA_VERSION:
        shown = "none" if found is None else repr(str(found)[:40])
        raise StoreError(
            f"{path}: the store has schema version {shown}; this pnp-sim reads version "
            f"{SCHEMA_VERSION} only (use the pnp-sim version that wrote it)")
    return True
