"""pnp-sim: capacity planning for Partners in Parenting therapeutic foster care."""

from sim.outputs.stamp import package_version

__version__ = package_version()

from sim.outputs.kpi_defs import KPIS  # noqa: E402
from sim.running.runner import (  # noqa: E402
    ExperimentResult,
    ReplicationError,
    ReplicationResult,
    compare_experiments,
    make_stamp,
    run_each,
    run_experiment,
    run_replication,
)
from sim.scenario.schema import (  # noqa: E402
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
    "ReplicationError",
    "ReplicationResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare_experiments",
    "load_scenario",
    "make_stamp",
    "run_each",
    "parse_scenario",
    "parse_scenario_text",
    "run_experiment",
    "run_replication",
    "scenario_hash",
    "scenario_to_dict",
    "scenario_to_yaml",
]
