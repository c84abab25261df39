"""Start-state children part-way through their phase (``start_state.elapsed``).

A child who has already spent ``e`` weeks in a phase when the run starts needs the rest of a
duration known to exceed ``e``: drawn here by redrawing from the phase's distribution (on the
child's own stream) until a draw exceeds ``e``, which is exact; after 200 draws below ``e``
the child is taken to be finishing now. Without ``elapsed`` nothing changes.

``start_state.profiles`` gives start children the age, complexity and intensity a
calibration read from the log (in the same order), instead of those of a new referral.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model.core import Child, PnPModel

MAX_DRAWS = 200


def _next_of(seen: dict[str, int], items: list[Any] | None, state: str) -> Any:
    """The entry of ``items`` for the next start child of ``state`` (children of a state
    are created one after the other; ``seen`` counts them), or None past its end."""
    if not items:
        return None
    i = seen.get(state, 0)
    seen[state] = i + 1
    return items[i] if i < len(items) else None


def set_elapsed(model: PnPModel, child: Child, state: str) -> None:
    """Give the next start child of ``state`` its weeks already done, if the scenario says."""
    done = _next_of(model.elapsed_seen,
                    model.s.start_state.elapsed.get(state), state)  # type: ignore[call-overload]
    if done:
        child.elapsed = (state, float(done))


def set_profile(model: PnPModel, child: Child, state: str) -> None:
    """Give the next start child of ``state`` the age, complexity and intensity the
    scenario knows (``start_state.profiles``); its own draws stay as they were, so the
    streams do not shift. The caller updates the complexity's rank (``cx``)."""
    p = _next_of(model.profiles_seen,
                 model.s.start_state.profiles.get(state), state)  # type: ignore[call-overload]
    if p is None:
        return
    if p.age is not None:
        child.age = p.age
    if p.complexity is not None:
        child.complexity = p.complexity
    if p.intensity is not None:
        child.intensity = p.intensity
        child.day_share = model.s.costs.day_share.get(p.intensity, 1.0)


def remaining_work(child: Child, phase: str, dist: Any, mult: float) -> float:
    """Remaining work of a phase already ``elapsed`` weeks under way (once only)."""
    assert child.elapsed is not None
    started, done = child.elapsed
    if started != phase:
        child.elapsed = None
        return float(dist.sample(child.stream.uniform())) * mult
    child.elapsed = None
    return left_after(lambda: float(dist.sample(child.stream.uniform())) * mult, done)


def left_after(draw: Callable[[], float], done: float) -> float:
    """What is left of a duration that has already lasted ``done``: ``draw()`` again until a
    draw exceeds it (exact); 0 (finishing now) after ``MAX_DRAWS`` draws below it."""
    for _ in range(MAX_DRAWS):
        total = draw()
        if total > done:
            return total - done
    return 0.0
