"""The stamp every output carries: scenario hash, seed, version and the model's fingerprint.

The package version is looked up here and nowhere else (``sim.__version__`` is this value), so
the CLI, the app, the output files and the sweep store can never disagree about it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from sim.outputs.fingerprint import model_fingerprint

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario


@functools.lru_cache(maxsize=1)
def package_version() -> str:
    """The installed version of pnp-sim (``0.0.0+unknown`` when run from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pnp-sim")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Version and model fingerprint in one string (``0.1.0+3f2a...``): what a stored or
    checkpointed replication is keyed by, so results of changed model code are never reused
    silently."""
    return f"{package_version()}+{model_fingerprint()}"


def make_stamp(scenario: Scenario, seed: int, reps: int) -> dict[str, Any]:
    """What every output carries, so a figure can always be traced to its inputs."""
    from sim.scenario.schema import scenario_hash

    return {
        "scenario_hash": scenario_hash(scenario),
        "scenario_name": scenario.name,
        "seed": seed,
        "replications": reps,
        "version": package_version(),
        "model_fingerprint": model_fingerprint(),
    }
