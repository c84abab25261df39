"""Imported once by the local pool's fork server (its preload list): see
:func:`sim.running.processes.forkserver_guard`. Importing it anywhere else would be a mistake."""

from sim.running.processes import forkserver_guard

forkserver_guard()
