"""Start-state children part-way through their phase (``start_state.elapsed``).

A child who has already spent ``e`` weeks in a phase when the run starts needs the rest of a
duration known to exceed ``e``: drawn here by redrawing from the phase's distribution (on the
child's own stream) until a draw exceeds ``e``, which is exact; after 200 draws below ``e``
the child is taken to be finishing now. Without ``elapsed`` nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.core import Child, PnPModel

MAX_DRAWS = 200


def set_elapsed(model: PnPModel, child: Child, state: str) -> None:
    """Give the next start child of ``state`` its weeks already done, if the scenario says."""
    done = model.s.start_state.elapsed.get(state)  # type: ignore[call-overload]
    if not done:
        return
    seen = model.elapsed_seen
    i = seen.get(state, 0)
    seen[state] = i + 1
    if i < len(done) and done[i] > 0:
        child.elapsed = (state, float(done[i]))


def remaining_work(child: Child, phase: str, dist: Any, mult: float) -> float:
    """Remaining work of a phase already ``elapsed`` weeks under way (once only)."""
    assert child.elapsed is not None
    started, done = child.elapsed
    if started != phase:
        child.elapsed = None
        return float(dist.sample(child.stream.uniform())) * mult
    child.elapsed = None
    for _ in range(MAX_DRAWS):
        total = float(dist.sample(child.stream.uniform())) * mult
        if total > done:
            return total - done
    return 0.0
