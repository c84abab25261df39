"""The P&P model: one replication of one scenario, as a child's life cycle.

- ``core``: :class:`PnPModel` (referrals, a child's life through the phases, the breakdown and
  crisis race, the weekly records) and :class:`Child`;
- how a child leaves early: ``ageing`` (age as a function of time, ageing out), ``withdrawal``
  (from a waiting list) and ``leaving`` (the cleanup both share); ``startstate`` (children
  part-way through a phase at week 0);
- what the children draw on: ``staff`` (the staff pool of a service policy: ``staff_pool``,
  ``staff_waitlist``, ``staff_share``) and ``families`` (recruitment, screening, the pool);
- ``recorder``: states over time, stays and the event log.

Random streams (``sim.rng``), distributions, the scenario and the KPIs stay outside: the
model uses them, they do not know the model.
"""

from sim.model.core import BREAKDOWN, COMPLETED, Child, PnPModel

__all__ = ["BREAKDOWN", "COMPLETED", "Child", "PnPModel"]
