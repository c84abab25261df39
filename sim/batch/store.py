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
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sim.batch.spec import LoadedSpec, Point
from sim.outcome import Outcome, describe_worker  # noqa: F401 - moved; kept importable here

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS experiments (
    name VARCHAR PRIMARY KEY,
    description VARCHAR,
    spec_source VARCHAR,
    spec_yaml VARCHAR,
    spec_hash VARCHAR,
    base_hash VARCHAR,
    seed BIGINT,
    replications INTEGER,
    n_points INTEGER,
    parameters VARCHAR,
    store_weekly BOOLEAN,
    sim_version VARCHAR,
    created_at TIMESTAMP,
    updated_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS scenarios (
    scenario_hash VARCHAR PRIMARY KEY,
    scenario_yaml VARCHAR
);
CREATE TABLE IF NOT EXISTS points (
    experiment VARCHAR,
    point INTEGER,
    scenario_hash VARCHAR,
    params VARCHAR,
    error VARCHAR,
    PRIMARY KEY (experiment, point)
);
CREATE TABLE IF NOT EXISTS point_params (
    experiment VARCHAR,
    point INTEGER,
    param VARCHAR,
    value DOUBLE,
    value_text VARCHAR,
    PRIMARY KEY (experiment, point, param)
);
CREATE TABLE IF NOT EXISTS replications (
    scenario_hash VARCHAR,
    seed BIGINT,
    rep INTEGER,
    sim_version VARCHAR,
    elapsed_s DOUBLE,
    worker VARCHAR,
    finished_at TIMESTAMP,
    PRIMARY KEY (scenario_hash, seed, rep)
);
CREATE TABLE IF NOT EXISTS kpis (
    scenario_hash VARCHAR,
    seed BIGINT,
    rep INTEGER,
    kpi VARCHAR,
    value DOUBLE,
    PRIMARY KEY (scenario_hash, seed, rep, kpi)
);
CREATE TABLE IF NOT EXISTS failures (
    scenario_hash VARCHAR,
    seed BIGINT,
    rep INTEGER,
    error VARCHAR,
    attempts INTEGER,
    failed_at TIMESTAMP,
    PRIMARY KEY (scenario_hash, seed, rep)
);
"""


class StoreError(RuntimeError):
    """A store that cannot be opened or used; ``str()`` is a readable one-line message."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _yaml_text(scenario: Any) -> str:
    """The scenario's YAML, as :func:`sim.scenario.scenario_to_yaml` writes it (libyaml when
    available: same text, four times faster)."""
    import yaml

    from sim.scenario import scenario_to_dict, scenario_to_yaml

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


class Store:
    """A DuckDB store file. Only one process may write to a file at a time (DuckDB locks it)."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store file")
        if not read_only and self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: the folder {self.path.parent} does not exist")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(
                    f"{self.path}: the store is in use by another process (a sweep still "
                    "running?); wait for it to finish or stop it first"
                ) from None
            raise StoreError(f"{self.path}: cannot open the store: {text}") from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a DuckDB store ({exc})") from None
        # the store's queries are small: one DuckDB thread keeps the sweep process light
        self.con.execute("SET threads = 1").fetchall()
        if read_only:
            self._check_is_store()
        else:
            self._run(_SCHEMA)
            self._run(
                "INSERT OR IGNORE INTO store_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION]
            )
        self._weekly_columns: list[str] | None = None

    def _check_is_store(self) -> None:
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        missing = {"experiments", "points", "replications", "kpis"} - tables
        if missing:
            self.con.close()
            raise StoreError(f"{self.path}: not a pnp-sim sweep store "
                             f"(missing tables: {', '.join(sorted(missing))})")

    def _one(self, sql: str, params: Any = None) -> Any:
        """The first row of a query (or None), with the result consumed."""
        rows = self.con.execute(sql, params).fetchall()
        return rows[0] if rows else None

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
            self._run("ROLLBACK")
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
            self._run("ROLLBACK")
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
            self._run("ROLLBACK")
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

    # ------------------------------------------------------------------ reading

    def experiments(self) -> pd.DataFrame:
        """One row per experiment with its progress."""
        return self.con.execute(
            """WITH pts AS (
                   SELECT p.experiment, count(*) AS points,
                          count(*) FILTER (WHERE p.error IS NOT NULL) AS invalid_points,
                          count(DISTINCT p.scenario_hash)
                              FILTER (WHERE p.error IS NULL) AS scenarios
                   FROM points p GROUP BY p.experiment),
               reps AS (
                   SELECT e.name AS experiment, count(r.rep) AS replications_done
                   FROM experiments e
                   JOIN (SELECT DISTINCT experiment, scenario_hash FROM points
                         WHERE error IS NULL) u ON u.experiment = e.name
                   JOIN replications r ON r.scenario_hash = u.scenario_hash
                        AND r.seed = e.seed AND r.rep < e.replications
                   GROUP BY e.name),
               fails AS (
                   SELECT e.name AS experiment, count(f.rep) AS failed_replications
                   FROM experiments e
                   JOIN (SELECT DISTINCT experiment, scenario_hash FROM points
                         WHERE error IS NULL) u ON u.experiment = e.name
                   JOIN failures f ON f.scenario_hash = u.scenario_hash
                        AND f.seed = e.seed AND f.rep < e.replications
                   GROUP BY e.name)
               SELECT e.name AS experiment, e.description, e.seed,
                      e.replications AS replications_per_point,
                      coalesce(pts.points, 0) AS points,
                      coalesce(pts.invalid_points, 0) AS invalid_points,
                      coalesce(pts.scenarios, 0) * e.replications AS replications_planned,
                      coalesce(reps.replications_done, 0) AS replications_done,
                      coalesce(fails.failed_replications, 0) AS failed_replications,
                      e.parameters, e.sim_version, e.created_at, e.updated_at
               FROM experiments e
               LEFT JOIN pts ON pts.experiment = e.name
               LEFT JOIN reps ON reps.experiment = e.name
               LEFT JOIN fails ON fails.experiment = e.name
               ORDER BY e.updated_at DESC, e.name"""
        ).df()

    def experiment(self, name: str) -> dict[str, Any]:
        row = self._one(
            "SELECT name, seed, replications, parameters, spec_yaml, description "
            "FROM experiments WHERE name = ?", [name])
        if row is None:
            known = [r[0] for r in self.con.execute(
                "SELECT name FROM experiments ORDER BY name").fetchall()]
            hint = f" (known: {', '.join(known)})" if known else " (the store is empty)"
            raise StoreError(f"{self.path}: no experiment named {name!r}{hint}")
        return {"name": row[0], "seed": int(row[1]), "replications": int(row[2]),
                "parameters": json.loads(row[3]), "spec_yaml": row[4], "description": row[5]}

    def points(self, experiment: str) -> pd.DataFrame:
        """The points of an experiment: swept values as columns, progress and errors."""
        info = self.experiment(experiment)
        df = self.con.execute(
            """SELECT p.point, p.scenario_hash, p.params, p.error,
                      (SELECT count(*) FROM replications r WHERE r.scenario_hash = p.scenario_hash
                        AND r.seed = ? AND r.rep < ?) AS replications_done,
                      (SELECT count(*) FROM failures f WHERE f.scenario_hash = p.scenario_hash
                        AND f.seed = ? AND f.rep < ?) AS failed
               FROM points p WHERE p.experiment = ? ORDER BY p.point""",
            [info["seed"], info["replications"], info["seed"], info["replications"],
             experiment],
        ).df()
        return _expand_params(df, info["parameters"])

    def failures(self, experiment: str) -> pd.DataFrame:
        """Failed replications and invalid points of an experiment, with their error text."""
        info = self.experiment(experiment)
        df = self.con.execute(
            """SELECT p.point, p.scenario_hash, p.params, f.rep, f.attempts, f.error
               FROM points p JOIN failures f ON f.scenario_hash = p.scenario_hash
               WHERE p.experiment = ? AND f.seed = ? AND f.rep < ?
               UNION ALL
               SELECT p.point, p.scenario_hash, p.params, NULL, NULL, p.error
               FROM points p WHERE p.experiment = ? AND p.error IS NOT NULL
               ORDER BY 1, 4""",
            [experiment, info["seed"], info["replications"], experiment],
        ).df()
        return _expand_params(df, info["parameters"])

    def kpi_table(self, experiment: str) -> pd.DataFrame:
        """One row per (point, replication): swept values, then one column per KPI."""
        info = self.experiment(experiment)
        long = self.con.execute(
            """SELECT p.point, p.params, k.rep, k.kpi, k.value
               FROM points p JOIN kpis k ON k.scenario_hash = p.scenario_hash
               WHERE p.experiment = ? AND k.seed = ? AND k.rep < ?""",
            [experiment, info["seed"], info["replications"]],
        ).df()
        if long.empty:
            cols = ["point", *info["parameters"], "rep"]
            return pd.DataFrame(columns=cols)
        wide = long.pivot(index=["point", "params", "rep"], columns="kpi",
                          values="value").reset_index()
        wide.columns.name = None
        wide = _expand_params(wide, info["parameters"])
        kpi_cols = [c for c in wide.columns
                    if c not in ("point", "rep", *info["parameters"])]
        from sim.kpi_defs import KPIS

        ordered = [k for k in KPIS if k in kpi_cols] + sorted(c for c in kpi_cols
                                                              if c not in KPIS)
        out = wide[["point", *info["parameters"], "rep", *ordered]]
        return out.sort_values(["point", "rep"]).reset_index(drop=True)

    def summary(self, experiment: str, kpi: str | None = None) -> pd.DataFrame:
        """Per point and KPI (or only ``kpi``): mean with its 95% t-interval across the
        stored replications (NULL values, KPIs without observations, left out), from the same
        :func:`sim.stats.summarise` as every other interval."""
        from sim.stats import summarise

        info = self.experiment(experiment)
        long = self.con.execute(
            """SELECT p.point, p.params, k.kpi, list(k.value ORDER BY k.rep) AS vals
               FROM points p JOIN kpis k ON k.scenario_hash = p.scenario_hash
               WHERE p.experiment = ? AND k.seed = ? AND k.rep < ?
                 AND (?::VARCHAR IS NULL OR k.kpi = ?::VARCHAR)
               GROUP BY p.point, p.params, k.kpi ORDER BY p.point, k.kpi""",
            [experiment, info["seed"], info["replications"], kpi, kpi],
        ).fetchall()
        rows = []
        for point, params, kpi, vals in long:
            values = [math.nan if v is None else float(v) for v in vals]
            mean, lo, hi, n = summarise(values, kpi)  # the KPI's own bounds
            rows.append({"point": point, "params": params, "kpi": kpi, "mean": mean,
                         "ci_low": lo, "ci_high": hi, "n": n, "replications": len(values)})
        df = pd.DataFrame(rows, columns=["point", "params", "kpi", "mean", "ci_low",
                                         "ci_high", "n", "replications"])
        return _expand_params(df, info["parameters"])

    def weekly_table(self, experiment: str) -> pd.DataFrame:
        info = self.experiment(experiment)
        exists = self._one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'weekly'"
        )
        if not (exists and exists[0]):
            raise StoreError(f"{self.path}: no weekly series stored (set store_weekly: true "
                             "in the sweep spec)")
        df = self.con.execute(
            """SELECT p.point, p.params, w.* EXCLUDE (scenario_hash, seed)
               FROM points p JOIN weekly w ON w.scenario_hash = p.scenario_hash
               WHERE p.experiment = ? AND w.seed = ? AND w.rep < ?
               ORDER BY p.point, w.rep, w.week""",
            [experiment, info["seed"], info["replications"]],
        ).df()
        return _expand_params(df, info["parameters"])

    def stored_keys(self) -> Iterator[tuple[str, int, int]]:
        for h, seed, rep in self.con.execute(
                "SELECT scenario_hash, seed, rep FROM replications ORDER BY ALL").fetchall():
            yield str(h), int(seed), int(rep)


def _expand_params(df: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Replace the JSON ``params`` column by one column per swept parameter."""
    if "params" not in df.columns:
        return df
    parsed = [json.loads(p) if isinstance(p, str) else {} for p in df["params"]]
    at = list(df.columns).index("params")
    out = df.drop(columns=["params"])
    for offset, name in enumerate(names):
        out.insert(at + offset, name, [p.get(name) for p in parsed])
    return out


def _hash_of(scenario: Any) -> str:
    from sim.scenario import scenario_hash

    return scenario_hash(scenario)
