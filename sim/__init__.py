"""pnp-sim: capacity planning for Partners in Parenting therapeutic foster care."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pnp-sim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from sim.kpi_defs import KPIS  # noqa: E402
from sim.runner import (  # noqa: E402
    ExperimentResult,
    ReplicationResult,
    compare_experiments,
    run_experiment,
    run_replication,
)
from sim.scenario import (  # noqa: E402
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    parse_scenario_text,
    scenario_hash,
    scenario_to_dict,
    scenario_to_yaml,
)

__all__ = [
    "KPIS",
    "ExperimentResult",
    "ReplicationResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare_experiments",
    "load_scenario",
    "parse_scenario",
    "parse_scenario_text",
    "run_experiment",
    "run_replication",
    "scenario_hash",
    "scenario_to_dict",
    "scenario_to_yaml",
]
