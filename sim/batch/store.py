"""The sweep store: one embedded DuckDB file holding experiments, points and results.

Tables (query them with DuckDB SQL; see docs/batch.md):

``experiments``
    one row per sweep spec name: the spec text, seed, replications per point, parameter names.
``scenarios``
    every scenario point in full: ``scenario_hash``, ``scenario_yaml``.
``points``
    which scenario each point of an experiment is (``experiment, point, scenario_hash``), its
    swept values as JSON (``params``) and, for a combination the scenario schema refuses,
    ``error``.
``point_params``
    the swept values in long form (``experiment, point, param, value, value_text``).
``replications``
    one row per finished replication, keyed by ``(scenario_hash, seed, rep)``.
``kpis``
    the KPIs of every finished replication in long form (``scenario_hash, seed, rep, kpi,
    value``); NULL where the KPI had no observations.
``weekly``
    the weekly series, only for specs with ``store_weekly: true``.
``failures``
    replications that raised or whose worker died, with the error text; removed when a rerun
    succeeds.

A replication is written in one transaction (its ``replications`` row, KPIs and weekly rows
together), so a process killed at any moment leaves either the whole replication or none of
it; DuckDB replays its write-ahead log when the file is opened again. Because results are keyed
by scenario hash, seed and replication index, a rerun of the same spec skips what is done.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sim.batch import store_schema
from sim.batch.spec import LoadedSpec, Point
from sim.batch.store_queries import StoreQueries, _expand_params
from sim.batch.store_schema import SCHEMA_VERSION, StoreError
from sim.outputs.outcome import Outcome, describe_worker  # moved; kept importable here
from sim.outputs.stamp import code_version as sim_version  # the one version lookup

#: The DDL of a new store (kept under its old name for importers).
_SCHEMA = store_schema.SCHEMA


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _yaml_text(scenario: Any) -> str:
    """The scenario's YAML, as :func:`sim.scenario.schema.scenario_to_yaml` writes it (libyaml when
    available: same text, four times faster)."""
    import yaml

    from sim.scenario.schema import scenario_to_dict, scenario_to_yaml

    dumper = getattr(yaml, "CSafeDumper", None)
    if dumper is None:
        return scenario_to_yaml(scenario)
    return yaml.dump(scenario_to_dict(scenario), Dumper=dumper, sort_keys=False,
                     allow_unicode=True)


def _as_double(v: Any) -> float | None:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return None if isinstance(v, float) and math.isnan(v) else float(v)
    return None


class Store(StoreQueries):
    """A DuckDB store file. Only one process may write to a file at a time (DuckDB locks it).

    The file is opened locked down (no extensions, no access outside it) and checked before
    use (see :mod:`sim.batch.store_schema`): a file that is not a store of this schema
    version is refused with a :class:`StoreError`."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store file")
        if not read_only and self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: the folder {self.path.parent} does not exist")
        self.con = store_schema.connect(self.path, read_only)
        try:
            existing = store_schema.check_store(self.con, self.path, empty_ok=not read_only)
            if not existing:
                # one transaction: a run killed while creating the store leaves an empty file
                # (created again next time), never a store with some of its tables
                self._run("BEGIN")
                try:
                    self._run(_SCHEMA)
                    self._run("INSERT OR IGNORE INTO store_meta VALUES ('schema_version', ?)",
                              [SCHEMA_VERSION])
                    self._run("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
            store_schema.lock(self.con)
        except StoreError:
            self.con.close()
            raise
        except duckdb.Error as exc:
            self.con.close()
            raise StoreError(store_schema.failure_message(exc, self.path)) from None
        self._weekly_columns: list[str] | None = None

    def _rollback(self) -> None:
        """Roll back the open transaction; a failure to do so (the transaction already gone
        with a full disk, say) must not hide the error that caused it."""
        with contextlib.suppress(duckdb.Error):
            self._run("ROLLBACK")

    def _run(self, sql: str, params: Any = None) -> None:
        """Execute a statement and consume its result (DuckDB wants that before the next)."""
        self.con.execute(sql, params).fetchall()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ experiments and points

    def register_experiment(self, loaded: LoadedSpec, sim_version: str) -> str | None:
        """Create or update the experiment row of a spec. Returns a note for the user when an
        experiment of that name existed with a different spec (its points are replaced)."""
        spec = loaded.spec
        old = self._one(
            "SELECT spec_hash, replications FROM experiments WHERE name = ?", [spec.name]
        )
        note = None
        if old is not None and old[0] != loaded.spec_hash():
            note = (f"experiment '{spec.name}' existed with a different spec; its points are "
                    "replaced (results already stored for identical scenarios are reused)")
        now = _now()
        row = [
            spec.description, loaded.source, loaded.text, loaded.spec_hash(),
            _hash_of(loaded.base), spec.seed, spec.replications, loaded.n_points(),
            json.dumps(loaded.parameter_names), spec.store_weekly, sim_version, now,
        ]
        self._run("BEGIN")
        try:
            if old is None:
                self._run(
                    "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [spec.name, *row[:-1], now, now],
                )
            else:
                self._run(
                    """UPDATE experiments SET description = ?, spec_source = ?, spec_yaml = ?,
                       spec_hash = ?, base_hash = ?, seed = ?, replications = ?, n_points = ?,
                       parameters = ?, store_weekly = ?, sim_version = ?, updated_at = ?
                       WHERE name = ?""",
                    [*row, spec.name],
                )
                self._run("DELETE FROM points WHERE experiment = ?", [spec.name])
                self._run("DELETE FROM point_params WHERE experiment = ?", [spec.name])
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return note

    def add_points(self, experiment: str, points: Iterable[Point]) -> None:
        """Store points (and their scenarios when new) in one transaction."""
        pts = list(points)
        if not pts:
            return
        hashes = sorted({p.scenario_hash for p in pts if p.scenario is not None})
        known = {r[0] for r in self.con.execute(
            "SELECT scenario_hash FROM scenarios WHERE list_contains(?, scenario_hash)",
            [hashes]).fetchall()} if hashes else set()
        scen_rows: dict[str, str] = {}
        for p in pts:
            if p.scenario is not None and p.scenario_hash not in known:
                scen_rows.setdefault(p.scenario_hash, _yaml_text(p.scenario))
        point_df = pd.DataFrame({
            "experiment": [experiment] * len(pts),
            "point": [p.index for p in pts],
            "scenario_hash": [p.scenario_hash for p in pts],
            "params": [json.dumps(p.params) for p in pts],
            "error": [p.error for p in pts],
        })
        pp_rows = [(experiment, p.index, k, _as_double(v), json.dumps(v))
                   for p in pts for k, v in p.params.items()]
        pp_df = pd.DataFrame(pp_rows, columns=["experiment", "point", "param", "value",
                                               "value_text"])
        scen_df = pd.DataFrame({"scenario_hash": list(scen_rows),
                                "scenario_yaml": list(scen_rows.values())})
        self._run("BEGIN")
        try:
            self.con.register("_points_df", point_df)
            self._run("INSERT OR REPLACE INTO points SELECT * FROM _points_df")
            self.con.register("_pp_df", pp_df)
            self._run(
                "INSERT OR REPLACE INTO point_params SELECT experiment, point::INTEGER, param, "
                "value::DOUBLE, value_text FROM _pp_df")
            if len(scen_df):
                self.con.register("_scen_df", scen_df)
                self._run("INSERT OR IGNORE INTO scenarios SELECT * FROM _scen_df")
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            for name in ("_points_df", "_pp_df", "_scen_df"):
                with contextlib.suppress(duckdb.Error):
                    self.con.unregister(name)

    def done_reps(self, experiment: str, seed: int) -> dict[str, set[int]]:
        """Replication indices already stored, per scenario hash of the experiment."""
        rows = self.con.execute(
            """SELECT DISTINCT r.scenario_hash, r.rep FROM replications r
               JOIN points p ON p.scenario_hash = r.scenario_hash
               WHERE p.experiment = ? AND r.seed = ?""",
            [experiment, seed],
        ).fetchall()
        out: dict[str, set[int]] = {}
        for h, rep in rows:
            out.setdefault(h, set()).add(int(rep))
        return out

    def stored_versions(self, experiment: str, seed: int) -> dict[str, int]:
        """How many stored replications of an experiment's points each sim version computed."""
        rows = self.con.execute(
            """SELECT r.sim_version, count(*) FROM replications r
               JOIN (SELECT DISTINCT scenario_hash FROM points WHERE experiment = ?) p
               USING (scenario_hash) WHERE r.seed = ? GROUP BY r.sim_version""",
            [experiment, seed],
        ).fetchall()
        return {str(v): int(n) for v, n in rows}

    # ------------------------------------------------------------------ results

    def record(self, outcome: Outcome) -> bool:
        """Write one finished replication, or its failure, in one transaction.

        Returns False when the replication was already stored (nothing is written twice).
        """
        return self.record_many([outcome]) == 1

    def record_many(self, outcomes: list[Outcome]) -> int:
        """Write several outcomes in one transaction (a group commit): every replication is
        written whole or not at all, and committing once for many keeps the store's cost per
        replication low. Replications already stored are skipped. Returns how many outcomes
        were written."""
        if not outcomes:
            return 0
        self._run("BEGIN")
        try:
            keys = [(o.scenario_hash, o.seed, o.rep) for o in outcomes]
            have = {(str(h), int(s), int(r)) for h, s, r in self.con.execute(
                """SELECT scenario_hash, seed, rep FROM replications
                   WHERE (scenario_hash, seed, rep) IN (
                       SELECT (unnest(?::VARCHAR[]), unnest(?::BIGINT[]),
                               unnest(?::INTEGER[])))""",
                [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]],
            ).fetchall()}
            fresh: list[Outcome] = []
            for o, k in zip(outcomes, keys, strict=True):
                if k not in have:
                    have.add(k)
                    fresh.append(o)
            ok = [o for o in fresh if o.ok]
            bad = [o for o in fresh if not o.ok]
            if ok:
                now = _now()
                self._run(
                    """INSERT INTO replications SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]),
                       unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]),
                       unnest(?::VARCHAR[]), ?::TIMESTAMP""",
                    [[o.scenario_hash for o in ok], [o.seed for o in ok], [o.rep for o in ok],
                     [o.sim_version for o in ok], [o.elapsed_s for o in ok],
                     [o.worker for o in ok], now],
                )
                hs: list[str] = []
                seeds: list[int] = []
                reps: list[int] = []
                names: list[str] = []
                values: list[float | None] = []
                for o in ok:
                    assert o.kpis is not None
                    n = len(o.kpis)
                    hs += [o.scenario_hash] * n
                    seeds += [o.seed] * n
                    reps += [o.rep] * n
                    names += list(o.kpis)
                    values += [None if v != v else float(v) for v in o.kpis.values()]
                self._run(
                    "INSERT INTO kpis SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]), "
                    "unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[])",
                    [hs, seeds, reps, names, values],
                )
                for o in ok:
                    if o.weekly is not None and len(o.weekly):
                        self._insert_weekly(o)
                self._run(
                    """DELETE FROM failures WHERE (scenario_hash, seed, rep) IN (
                       SELECT (unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::INTEGER[])))""",
                    [[o.scenario_hash for o in ok], [o.seed for o in ok], [o.rep for o in ok]],
                )
            for o in bad:
                self._run(
                    """INSERT INTO failures VALUES (?, ?, ?, ?, 1, ?)
                       ON CONFLICT DO UPDATE SET error = excluded.error,
                       attempts = failures.attempts + 1, failed_at = excluded.failed_at""",
                    [o.scenario_hash, o.seed, o.rep, o.error, _now()],
                )
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return len(fresh)

    def _insert_weekly(self, outcome: Outcome) -> None:
        assert outcome.weekly is not None
        df = outcome.weekly.copy()
        df.insert(0, "rep", outcome.rep)
        df.insert(0, "seed", outcome.seed)
        df.insert(0, "scenario_hash", outcome.scenario_hash)
        if self._weekly_columns is None:
            exists = self._one(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'weekly'"
            )
            if not (exists and exists[0]):
                self.con.register("_weekly_df", df)
                self._run("CREATE TABLE weekly AS SELECT * FROM _weekly_df LIMIT 0")
                self.con.unregister("_weekly_df")
            self._weekly_columns = [r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'weekly'"
            ).fetchall()]
        for col in df.columns:
            if col not in self._weekly_columns:
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(col)):
                    raise StoreError(f"weekly column name {col!r} cannot be stored")
                self._run(f'ALTER TABLE weekly ADD COLUMN "{col}" DOUBLE')
                self._weekly_columns.append(str(col))
        self.con.register("_weekly_df", df)
        try:
            self._run("INSERT INTO weekly BY NAME SELECT * FROM _weekly_df")
        finally:
            self.con.unregister("_weekly_df")

def _hash_of(scenario: Any) -> str:
    from sim.scenario.schema import scenario_hash

    return scenario_hash(scenario)


__all__ = ["SCHEMA_VERSION", "Outcome", "Store", "StoreError", "StoreQueries", "describe_worker",
           "sim_version", "_expand_params"]
