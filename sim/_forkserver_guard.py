"""Imported once by the local pool's fork server (its preload list): see
:func:`sim.processes.forkserver_guard`. Importing it anywhere else would be a mistake."""

from sim.processes import forkserver_guard

forkserver_guard()
