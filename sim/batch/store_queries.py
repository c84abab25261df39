"""Reading a sweep store: experiments, points, KPIs, summaries and weekly series.

:class:`StoreQueries` holds the read queries of :class:`sim.batch.store.Store`; it only reads
the store's own base tables (checked by :mod:`sim.batch.store_schema` when the store is
opened), so no SQL defined by the file itself is ever run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sim.batch.store_schema import StoreError


class StoreQueries:
    """Read queries over an open, checked store connection ``con``."""

    path: Path
    con: duckdb.DuckDBPyConnection

    def _one(self, sql: str, params: Any = None) -> Any:
        """The first row of a query (or None), with the result consumed."""
        rows = self.con.execute(sql, params).fetchall()
        return rows[0] if rows else None

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
        from sim.outputs.kpi_defs import KPIS

        ordered = [k for k in KPIS if k in kpi_cols] + sorted(c for c in kpi_cols
                                                              if c not in KPIS)
        out = wide[["point", *info["parameters"], "rep", *ordered]]
        return out.sort_values(["point", "rep"]).reset_index(drop=True)

    def summary(self, experiment: str, kpi: str | None = None) -> pd.DataFrame:
        """Per point and KPI (or only ``kpi``): mean with its 95% t-interval across the
        stored replications (NULL values, KPIs without observations, left out), from the same
        :func:`sim.outputs.stats.summarise` as every other interval."""
        from sim.outputs.stats import summarise

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
