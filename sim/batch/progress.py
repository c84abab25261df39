"""The progress bar of sweeps: the one in :mod:`sim.running.progress` (shared with ``pnp-sim
run``)."""

from sim.running.progress import ProgressBar, format_duration

__all__ = ["ProgressBar", "format_duration"]
