"""The P&P model: one replication of one scenario, as a child's life cycle.

- ``core``: :class:`PnPModel` (referrals, a child's life through the phases, the breakdown and
  crisis race, the weekly records) and :class:`Child`;
- how a child leaves early: ``ageing`` (age as a function of time, ageing out), ``withdrawal``
  (from a waiting list) and ``leaving`` (the cleanup both share); ``startstate`` (children
  part-way through a phase at week 0);
- what the children draw on: ``staff`` (the staff pool of a service policy: ``staff_pool``,
  ``staff_waitlist``, ``staff_share``) and ``families`` (recruitment, screening, the pool);
- ``recorder``: states over time, stays and the event log;
- ``rng``: the random streams, one per random process (common random numbers).

The scenario (``sim.scenario``) and the KPIs (``sim.outputs``) stay outside: the model uses
the scenario, and the KPIs read the model; neither is known to the model.
"""

from sim.model.core import BREAKDOWN, COMPLETED, Child, PnPModel

__all__ = ["BREAKDOWN", "COMPLETED", "Child", "PnPModel"]
