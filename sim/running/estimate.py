"""How many runs a piece of work has and about how long it will take, said before it starts.

One home for sweeps, sensitivity analyses and staffing searches: :func:`probe_seconds` times
a replication of the scenario here (the faster of two, so that the first call's imports do
not count), and :func:`estimate` turns runs, that time and the number of workers into an
:class:`Estimate` whose :meth:`Estimate.text` is the line printed before the work starts.
The estimate assumes the workers are all busy and each run costs what the probe did; points
with more staff or a longer horizon cost more, so it is a guide, not a promise.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Estimate:
    """Runs, the measured seconds of one replication and the workers that share them."""

    runs: int
    seconds_per_run: float
    workers: int = 1

    @property
    def seconds(self) -> float:
        """Estimated wall-clock seconds: runs x seconds per run / workers."""
        return self.runs * self.seconds_per_run / max(self.workers, 1)

    def text(self, lang: str = "en") -> str:
        """One line, e.g. ``1,200 runs, about 2 min on 2 workers (one replication 0.13 s)``."""
        from sim.outputs.kpi_defs import format_number

        if self.seconds_per_run != self.seconds_per_run:  # no probe: the count alone
            return (f"{format_number(self.runs, 'nl', 0)} runs" if lang == "nl"
                    else f"{self.runs:,} runs")
        if lang == "nl":
            return (f"{format_number(self.runs, 'nl', 0)} runs, ongeveer "
                    f"{format_duration(self.seconds, 'nl')} op {self.workers} "
                    f"{'werker' if self.workers == 1 else 'werkers'} (één replicatie duurde "
                    f"hier {format_number(self.seconds_per_run, 'nl', 2)} s)")
        return (f"{self.runs:,} runs, about {format_duration(self.seconds)} on {self.workers} "
                f"worker{'s' if self.workers != 1 else ''} (one replication took "
                f"{self.seconds_per_run:.2f} s here)")


def format_duration(seconds: float, lang: str = "en") -> str:
    """Seconds as a rounded duration: ``45 s``, ``12 min``, ``3 h 20 min``, ``4.5 days``."""
    if seconds != seconds or seconds < 0:
        return "?"
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        h, m = divmod(round(seconds / 60), 60)
        return f"{h} h {m} min" if m else f"{h} h"
    from sim.outputs.kpi_defs import format_number

    days = seconds / 86400
    word = "dagen" if lang == "nl" else "days"
    return f"{format_number(days, lang, 1 if days < 100 else 0)} {word}"


def probe_seconds(scenario: Any, seed: int, tries: int = 2) -> float:
    """Seconds one replication of ``scenario`` takes here (the fastest of ``tries``)."""
    from sim.running.replication import run_replication

    best = float("inf")
    for rep in range(tries):
        start = time.perf_counter()
        run_replication(scenario, seed, rep, detail=False)
        best = min(best, time.perf_counter() - start)
    return best


def default_workers(workers: int | None) -> int:
    """The workers a local run uses when none are given: one per CPU core."""
    return workers if workers and workers > 0 else (os.cpu_count() or 1)


def estimate(runs: int, scenario: Any = None, seed: int = 0, workers: int | None = None,
             seconds_per_run: float | None = None) -> Estimate:
    """An estimate for ``runs`` replications, timing a replication of ``scenario`` unless
    ``seconds_per_run`` is given."""
    if seconds_per_run is None:
        try:
            seconds_per_run = (probe_seconds(scenario, seed) if scenario is not None
                               else float("nan"))
        except Exception:  # noqa: BLE001 - the work itself will report a failing scenario
            seconds_per_run = float("nan")
    return Estimate(int(runs), float(seconds_per_run), default_workers(workers))
