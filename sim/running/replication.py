"""One replication: run the model, keep its results as compact records.

A replication is fully determined by (scenario, seed, replication index): its random streams
are derived from exactly those, so the results are the same whether it runs here, in a worker
process or on a cluster. What travels back from a worker is small (KPIs, a float array of the
weekly series, tuples of events, children and Little's-law rows); the pandas tables that the
public attributes show are built on demand, on the side that reads them.
"""

from __future__ import annotations

import gc
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.outputs.kpis import (
    CHILD_COLUMNS,
    LITTLE_COLUMNS,
    WEEKLY_COLUMNS,
    child_records,
    compute_kpis,
    little_records,
)

if TYPE_CHECKING:
    import pandas as pd

    from sim.scenario.schema import Scenario

EVENT_COLUMNS = ("child", "week", "event", "phase", "detail")
Row = tuple[Any, ...]


class ReplicationResult:
    """Everything one replication produced.

    ``kpis`` is a dict; ``weekly``, ``events``, ``little`` and ``children`` are DataFrames,
    built from the compact records the first time they are read (and not pickled).
    """

    _FRAMES = ("weekly", "events", "little", "children")

    def __init__(self, rep: int, seed: int, kpis: dict[str, float], *, detail: bool,
                 weekly_rows: np.ndarray | None, event_rows: list[Row], little_rows: list[Row],
                 child_rows: list[Row], sim_events: int = 0):
        self.rep = rep
        self.seed = seed
        self.kpis = kpis
        #: True when the weekly series, events and children were kept.
        self.detail = detail
        self.weekly_rows = weekly_rows
        self.event_rows = event_rows
        self.little_rows = little_rows
        self.child_rows = child_rows
        #: Number of SimPy events processed (for the speed benchmarks).
        self.sim_events = sim_events

    def __getstate__(self) -> dict[str, Any]:
        # the DataFrames are caches: they never travel or go into a checkpoint
        return {k: v for k, v in self.__dict__.items() if k not in self._FRAMES}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return (f"ReplicationResult(rep={self.rep}, seed={self.seed}, detail={self.detail}, "
                f"kpis={len(self.kpis)})")

    def frame(self, name: str) -> pd.DataFrame:
        """The table ``name`` (weekly, events, little or children): the cached one when it was
        read before, else built afresh and not kept."""
        if name in self.__dict__:
            return self.__dict__[name]
        import pandas as pd

        if name == "weekly":
            return pd.DataFrame(self.weekly_rows if self.detail else None,
                                columns=list(WEEKLY_COLUMNS))
        if name == "events":
            return pd.DataFrame(self.event_rows, columns=list(EVENT_COLUMNS))
        if name == "little":
            return pd.DataFrame(self.little_rows, columns=list(LITTLE_COLUMNS))
        if name == "children":
            return pd.DataFrame(self.child_rows if self.detail else None,
                                columns=list(CHILD_COLUMNS))
        raise KeyError(name)

    @cached_property
    def weekly(self) -> pd.DataFrame:
        """One row per week (see :data:`sim.outputs.kpis.WEEKLY_COLUMNS`); empty without detail."""
        return self.frame("weekly")

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event log (``child, week, event, phase, detail``); empty without detail."""
        return self.frame("events")

    @cached_property
    def little(self) -> pd.DataFrame:
        """Little's law per state (``phase, L, lam, W, lamW, rel_error, entries``)."""
        return self.frame("little")

    @cached_property
    def children(self) -> pd.DataFrame:
        """One row per referred child (see :data:`sim.outputs.kpis.CHILD_COLUMNS`)."""
        return self.frame("children")

    # ------------------------------------------------------------- checkpoint form

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON data (floats round-trip exactly), for checkpoints: no pickle on disk."""
        weekly = None
        if self.weekly_rows is not None:
            weekly = {"shape": list(self.weekly_rows.shape),
                      "values": self.weekly_rows.ravel().tolist()}
        return {"rep": self.rep, "seed": self.seed, "kpis": self.kpis, "detail": self.detail,
                "weekly": weekly, "events": self.event_rows, "little": self.little_rows,
                "children": self.child_rows, "sim_events": self.sim_events}

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> ReplicationResult:
        """The inverse of :meth:`to_json_dict`."""
        weekly = data["weekly"]
        rows = None
        if weekly is not None:
            rows = np.asarray(weekly["values"], dtype=float).reshape(weekly["shape"])
        return cls(int(data["rep"]), int(data["seed"]),
                   {str(k): float(v) for k, v in data["kpis"].items()},
                   detail=bool(data["detail"]), weekly_rows=rows,
                   event_rows=[tuple(r) for r in data["events"]],
                   little_rows=[tuple(r) for r in data["little"]],
                   child_rows=[tuple(r) for r in data["children"]],
                   sim_events=int(data["sim_events"]))


def run_replication(
    scenario: Scenario, seed: int, rep: int, detail: bool = True
) -> ReplicationResult:
    """Simulate replication ``rep`` of ``scenario`` with base ``seed``.

    ``detail=False`` leaves out the event log, the weekly series and the children (KPIs and
    the Little's-law table only), for large sweeps.
    """
    from sim.model import PnPModel

    # The cyclic garbage collector is paused while the model runs: everything the model
    # makes lives until its end, and ``release`` then frees it by reference counting, so a
    # collection during the run would only traverse live objects (issue 16). It is only
    # resumed if it was on; a failed run's model is left to the collector as before.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        model = PnPModel(scenario, seed, rep, detail=detail).run()
        result = ReplicationResult(
            rep, seed, compute_kpis(model), detail=detail,
            weekly_rows=model.weekly_rows() if detail else None,
            event_rows=list(model.rec.events),
            little_rows=little_records(model),
            child_rows=child_records(model) if detail else [],
            sim_events=next(model.env._eid),
        )
        model.release()
    finally:
        if paused:
            gc.enable()
    return result
