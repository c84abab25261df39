"""Test-only task functions for the fault tests (never used by the CLI or the sweep driver's
defaults): they run the real replication except for one marked point, where they raise or kill
their own worker process, as a model bug or a crashing machine would.

The marked point is the one whose P&P-counsellor hours equal ``FAULT_HOURS``.
"""

from __future__ import annotations

import os

from sim.batch.worker import Task, run_task
from sim.outputs.outcome import Outcome

FAULT_HOURS = 30.0


def _marked(task: Task) -> bool:
    return task.scenario.staff.pnp_counsellor.schedule[0].hours == FAULT_HOURS


def raise_on_marked(task: Task) -> Outcome:
    """The marked point raises inside the worker, out of the task function."""
    if _marked(task):
        raise ValueError("test fault: uncaught error in the task")
    return run_task(task)


def die_on_marked_rep(task: Task) -> Outcome:
    """Replication 1 of the marked point with 8 referrals a year kills its worker process (as
    a SIGKILL or the out-of-memory killer would)."""
    if _marked(task) and task.rep == 1 and task.scenario.referrals.schedule[0].per_year == 8:
        os._exit(17)
    return run_task(task)
