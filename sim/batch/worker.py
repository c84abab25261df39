"""The task a sweep's workers run: see :mod:`sim.running.tasks` (shared with ``run_experiment``)."""

from sim.running.tasks import Task, TaskFn, format_error, run_task, scenario_from_wire

__all__ = ["Task", "TaskFn", "format_error", "run_task", "scenario_from_wire"]
