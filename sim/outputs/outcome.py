"""What a worker sends back for one replication, wherever it ran (in-process, a local pool or
a Dask worker). It lives apart from the store so that workers never import DuckDB."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.running.replication import ReplicationResult


@dataclass
class Outcome:
    """One replication's KPIs and compact result, or the error it raised."""

    scenario_hash: str
    seed: int
    rep: int
    kpis: dict[str, float] | None = None
    error: str | None = None
    elapsed_s: float = 0.0
    worker: str = ""
    #: :func:`sim.outputs.stamp.code_version` of the code that computed it.
    sim_version: str = ""
    #: The replication itself (compact records; tables are built on demand on the parent).
    result: ReplicationResult | None = None

    @property
    def ok(self) -> bool:
        """True when the replication finished without an error."""
        return self.error is None

    @property
    def weekly(self) -> Any:
        """The weekly series as a DataFrame, when the task asked for detail; else None."""
        if self.result is None or not self.result.detail:
            return None
        return self.result.weekly


def describe_worker() -> str:
    """``host:pid`` of this process, stored beside each replication for tracing faults."""
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"
