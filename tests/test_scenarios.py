"""Scenario files: shipped ones are valid and sourced; malformed ones are refused with the
file, the field and what was expected; YAML round-trips to the same hash."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.scenario.schema import (
    ScenarioError,
    get_by_path,
    load_scenario,
    parse_scenario_text,
    scenario_hash,
    scenario_to_dict,
    scenario_to_yaml,
    set_by_path,
)
from sim.scenario.sources import load_sources
from tests.conftest import SCENARIOS, edit

MALFORMED = sorted((Path(__file__).parent / "data" / "malformed").glob("*.yaml"))
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def _expectations(path: Path) -> tuple[str, str]:
    head = path.read_text().splitlines()[:2]
    field = head[0].split(":", 1)[1].strip()
    message = head[1].split(":", 1)[1].strip()
    return field, message


def test_there_are_at_least_ten_malformed_files() -> None:
    assert len(MALFORMED) >= 10


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_file_is_refused_naming_file_and_field(path: Path) -> None:
    field, message = _expectations(path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    text = str(err)
    assert text.startswith(f"{path}: invalid scenario")
    assert message in text
    paths = [p for p, _ in err.problems]
    assert (field or "") in paths, paths
    assert "Traceback" not in text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_are_valid_and_round_trip(path: Path) -> None:
    scen = load_scenario(path)
    again = parse_scenario_text(scenario_to_yaml(scen))
    assert scenario_hash(again) == scenario_hash(scen)
    assert scenario_to_dict(again) == scenario_to_dict(scen)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_number_in_a_shipped_scenario_names_its_source(path: Path) -> None:
    """Every number carries its source on its line: [method ...], [domain ...], a seed file,
    or [assume] for our own assumptions (read by sim.scenario.sources, as the analyses read
    them)."""
    assert load_sources(path).unsourced == {}


def test_minimum_requirements_follow_the_method_document() -> None:
    scen = load_scenario(SCENARIOS / "minimum-requirements.yaml")
    assert scen.staff.coordinator.hours_at(0) == 8
    assert scen.staff.parent_counsellor.hours_at(0) == 8
    assert scen.staff.pnp_counsellor.hours_at(0) == 8
    assert scen.staff.pnp_counsellor.hours_at(300) == 19


def test_hash_ignores_name_seed_and_replications_but_not_parameters(baseline) -> None:
    h = scenario_hash(baseline)
    assert scenario_hash(edit(baseline, {"name": "other", "seed": 1, "replications": 3})) == h
    assert scenario_hash(edit(baseline, {"staff.coordinator.schedule.0.hours": 9})) != h


def test_dotted_paths_read_and_write_and_name_what_is_missing(baseline) -> None:
    data = scenario_to_dict(baseline)
    assert get_by_path(data, "staff.pnp_counsellor.schedule.0.hours") == 19
    set_by_path(data, "staff.pnp_counsellor.schedule.0.hours", 24)
    assert get_by_path(data, "staff.pnp_counsellor.schedule.0.hours") == 24
    with pytest.raises(KeyError, match="staff.pnp_counsellor.schedule.3"):
        set_by_path(data, "staff.pnp_counsellor.schedule.3.hours", 1)
    with pytest.raises(KeyError, match="staff.nurse"):
        get_by_path(data, "staff.nurse.schedule")


def test_yaml_is_never_evaluated_as_code(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text("!!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(evil)


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    data = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text())
    data["horizon_weeks"] = -1
    data["families"]["screening"]["pass_rate"] = 2
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    fields = [p for p, _ in info.value.problems]
    assert "horizon_weeks" in fields and "families.screening.pass_rate" in fields
