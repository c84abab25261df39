"""Hostile or careless input files and values: each is refused with one message naming the file
and the field, without reading, expanding or printing more than a bounded amount.

These bound the general mechanisms (file kinds and sizes, YAML aliases, nesting and value
counts, finite numbers, ceilings, the length of error lists), not only the listed cases.
Every test here is fast because the bounds are applied before any large work."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.batch.spec import SpecError, load_spec, parse_spec
from sim.scenario.inputs import MAX_FILE_BYTES, MAX_INT, MAX_PROBLEMS_SHOWN, MAX_YAML_NODES
from sim.scenario.schema import (
    MAX_HORIZON_WEEKS,
    ScenarioError,
    load_scenario,
    parse_scenario,
    parse_scenario_text,
    scenario_hash,
    scenario_to_dict,
)
from tests.conftest import SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"


def _base() -> dict[str, Any]:
    return scenario_to_dict(load_scenario(BASELINE))


def _refused(data: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "hostile.yaml")
    assert str(info.value).startswith("hostile.yaml: invalid scenario")
    return info.value


def _fields(err: Any) -> list[str]:
    return [p for p, _ in err.problems]


# --------------------------------------------------------------------------- file kinds, sizes


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder", "too_big"])
def test_only_regular_files_up_to_a_megabyte_are_read(tmp_path: Path, kind: str) -> None:
    if kind == "dev_zero":
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero here")
        words = "regular file"
    elif kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)  # opening it for reading would block forever
        words = "regular file"
    elif kind == "folder":
        path = tmp_path
        words = "not a folder"
    else:
        path = tmp_path / "big.yaml"
        path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 10), encoding="utf-8")
        words = "at most 1,000,000 bytes"
    for load, error in ((load_scenario, ScenarioError), (load_spec, SpecError)):
        with pytest.raises(error) as info:
            load(path)
        assert str(info.value).startswith(f"{path}: invalid"), str(info.value)
        assert words in str(info.value)


def test_a_base_scenario_that_is_a_device_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump({
        "name": "x", "base": "/dev/zero", "replications": 1, "seed": 1,
        "parameters": [{"path": "horizon_weeks", "values": [60]}]}), encoding="utf-8")
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(SpecError, match="regular file"):
        load_spec(spec)


def test_uploaded_text_has_the_same_size_bound() -> None:
    text = "a: 1\n" * (MAX_FILE_BYTES // 5 + 1)
    with pytest.raises(ScenarioError, match="at most 1,000,000 bytes"):
        parse_scenario_text(text, "upload.yaml")


# --------------------------------------------------------------------------- YAML


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    text = "\n".join(lines) + "\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(text, "bomb.yaml")
    assert "aliases" in str(info.value) and len(str(info.value)) < 500


def test_alias_bomb_as_a_swept_value_is_refused(tmp_path: Path) -> None:
    text = (f"name: x\nbase: {BASELINE}\nreplications: 1\nseed: 1\n"
            "big: &b [1, 1, 1, 1, 1, 1, 1, 1]\n"
            "parameters:\n  - path: horizon_weeks\n    values: [*b, *b, *b]\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="aliases"):
        load_spec(spec)


def test_many_keys_and_deep_nesting_are_refused_quickly() -> None:
    many = "".join(f"k{i}: 1\n" for i in range(MAX_YAML_NODES + 10))
    with pytest.raises(ScenarioError, match="more than 20,000 values"):
        parse_scenario_text(many, "many.yaml")
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(ScenarioError, match="nested more than"):
        parse_scenario_text(deep, "deep.yaml")


def test_unreadable_values_are_one_message() -> None:
    with pytest.raises(ScenarioError, match="cannot be read"):
        parse_scenario_text("seed: " + "9" * 5000 + "\n", "digits.yaml")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "inf", ".nan"])
@pytest.mark.parametrize("path", ["horizon_weeks", "referrals.schedule.0.per_year",
                                  "staff.coordinator.schedule.0.hours",
                                  "phases.assessment.duration.value"])
def test_only_finite_numbers_are_accepted(path: str, value: Any) -> None:
    data = _base()
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[parts[-1]] = value
    err = _refused(data)
    assert path in _fields(err), str(err)


def test_yaml_infinity_in_a_file_names_the_field(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8").replace("horizon_weeks: 520",
                                                        "horizon_weeks: .inf")
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(text, "inf.yaml")
    assert "horizon_weeks" in _fields(info.value) and "finite" in str(info.value)


@pytest.mark.parametrize(("path", "value", "words"), [
    ("horizon_weeks", 1e9, "at most 5200 weeks"),
    ("horizon_weeks", MAX_HORIZON_WEEKS + 1, "100 years"),
    ("referrals.schedule.0.per_year", 1e7, "at most 1000 a year"),
    ("families.interested_per_year", 5000, "at most 1000 a year"),
    ("crisis.per_placement_per_year", 1e6, "at most 52 a year per child"),
    ("phases.guidance.new_task_per_year", 53, "at most 52 a year per child"),
    ("name", "x" * 201, "at most 200 characters"),
    ("start_state.families_in_pool", 10**8, "at most 10,000"),
    ("seed", 2**64, "2**63"),
    ("costs.residential_per_day", 1e300, "at most 1e+15"),
])
def test_documented_ceilings(path: str, value: Any, words: str) -> None:
    data = _base()
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[parts[-1]] = value
    err = _refused(data)
    assert path in _fields(err), str(err)
    assert words in str(err)


def test_seed_at_the_ceiling_is_accepted() -> None:
    data = _base() | {"seed": MAX_INT}
    assert parse_scenario(data).seed == MAX_INT


def test_error_list_is_bounded() -> None:
    data = _base()
    for i in range(60):
        data[f"unknown_{i}"] = i
    err = _refused(data)
    lines = str(err).splitlines()
    assert len(lines) == 1 + MAX_PROBLEMS_SHOWN + 1
    assert lines[-1] == f"  ... and {60 - MAX_PROBLEMS_SHOWN} more problem(s)"


def test_huge_values_are_never_printed_whole() -> None:
    err = _refused(_base() | {"policy": "x" * 100_000})
    assert len(str(err)) < 1000


# --------------------------------------------------------------------------- hashing


def test_hash_is_normalised() -> None:
    data = _base()
    data["staff"]["coordinator"]["leave_share"] = 0.0
    zero = scenario_hash(parse_scenario(data))
    data["staff"]["coordinator"]["leave_share"] = -0.0
    assert scenario_hash(parse_scenario(data)) == zero
    data["staff"]["coordinator"]["leave_share"] = 0
    assert scenario_hash(parse_scenario(data)) == zero
    data["horizon_weeks"] = 520
    whole = scenario_hash(parse_scenario(data))
    data["horizon_weeks"] = 520.0
    assert scenario_hash(parse_scenario(data)) == whole


# --------------------------------------------------------------------------- sweep specs


def _spec(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "hostile", "base": str(BASELINE), "replications": 2, "seed": 1,
        "parameters": [{"path": "staff.pnp_counsellor.schedule.0.hours",
                        "values": [19, 24]}],
    }
    data.update(changes)
    return data


def _spec_refused(data: dict[str, Any], **kw: Any) -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_spec(data, "hostile-spec.yaml", **kw)
    return info.value


def test_a_huge_grid_is_refused_with_its_size_before_expanding() -> None:
    params = [{"path": f"staff.{role}.schedule.0.hours",
               "range": {"start": 1, "stop": 1000, "step": 0.01}}
              for role in ("coordinator", "pnp_counsellor", "parent_counsellor")]
    err = _spec_refused(_spec(parameters=params))
    assert "parameters" in _fields(err)
    assert "997,032,939,329,701 points (99,901 x 99,901 x 99,901)" in str(err)
    assert "--allow-large" in str(err)
    # even --allow-large has a ceiling
    err = _spec_refused(_spec(parameters=params), allow_large=True)
    assert "more than 10,000,000" in str(err)


def test_allow_large_lets_a_big_sweep_through() -> None:
    params = [{"path": "staff.pnp_counsellor.schedule.0.hours", "between": [10, 40]}]
    data = _spec(parameters=params, latin_hypercube={"points": 200_000, "seed": 1})
    err = _spec_refused(data)
    assert "200,000 points" in str(err) and "--allow-large" in str(err)
    assert parse_spec(data, "big.yaml", allow_large=True).n_points() == 200_000


def test_a_long_range_is_refused_before_it_is_expanded() -> None:
    params = [{"path": "horizon_weeks", "range": {"start": 0, "stop": 1e12, "step": 1}}]
    err = _spec_refused(_spec(parameters=params))
    assert "parameters.0.range" in _fields(err) and "more than 100,000" in str(err)


def test_a_range_of_almost_100000_values_validates_without_trying_each() -> None:
    params = [{"path": "costs.residential_per_day",
               "range": {"start": 1, "stop": 99_990, "step": 1}}]
    assert parse_spec(_spec(parameters=params), "long.yaml").n_points() == 99_990


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "nan"])
def test_non_finite_spec_numbers_name_the_field(bad: Any) -> None:
    err = _spec_refused(_spec(parameters=[{"path": "horizon_weeks",
                                           "range": {"start": bad, "stop": 100, "step": 1}}]))
    assert "parameters.0.range.start" in _fields(err), str(err)
    err = _spec_refused(_spec(parameters=[{"path": "horizon_weeks", "values": [60, bad]}]))
    assert any(f.startswith("parameters.0.values") for f in _fields(err)), str(err)
    err = _spec_refused(_spec(set={"horizon_weeks": bad}))
    assert any(f.startswith("set") for f in _fields(err)), str(err)


def test_spec_seed_beyond_64_bits_is_refused() -> None:
    err = _spec_refused(_spec(seed=2**64))
    assert "seed" in _fields(err) and "2**63" in str(err)
    err = _spec_refused(_spec(seed=2**63))
    assert "seed" in _fields(err)


# --------------------------------------------------------------------------- app uploads


def test_streamlit_upload_limit_is_bounded() -> None:
    """Streamlit refuses uploads over its transport limit before the app sees them (50 MB:
    sweep stores and calibration logs are larger than scenarios); a scenario upload is then
    held to the CLI's 1 MB by parse_scenario_text (next test)."""
    import tomllib

    config = tomllib.loads((SCENARIOS.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 50
    assert MAX_FILE_BYTES == 1_000_000


def test_an_uploaded_yaml_of_300000_keys_is_refused_quickly() -> None:
    """What the app's upload calls (parse_scenario_text) has the CLI's bounds: a 300,000-key
    file is over the size bound, and the same keys packed under it hit the value bound."""
    text = "".join(f"k{i}: 1\n" for i in range(300_000))
    with pytest.raises(ScenarioError, match="bytes"):
        parse_scenario_text(text, "upload.yaml")
    packed = "{" + ",".join(f"{i}:1" for i in range(120_000)) + "}"
    assert len(packed.encode()) < MAX_FILE_BYTES
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(packed, "upload.yaml")
    assert "more than 20,000 values" in str(info.value) and len(str(info.value)) < 500


@pytest.mark.parametrize("dist", [
    {"dist": "lognormal", "mean": 1e-300, "sd": 1e15},
    {"dist": "gamma", "mean": 1e15, "sd": 1e-300},
])
def test_distributions_must_give_finite_durations(dist: dict[str, Any]) -> None:
    data = _base()
    data["phases"]["assessment"]["duration"] = dist
    err = _refused(data)
    assert "phases.assessment.duration" in _fields(err) and "finite durations" in str(err)


def test_huge_keys_and_paths_are_cut_in_messages() -> None:
    key = "k" * 200_000
    err = _refused(_base() | {key: 1})
    assert len(str(err)) < 2000
    err2 = _spec_refused(_spec(parameters=[{"path": "a." + key, "values": [1]}]))
    assert len(str(err2)) < 3000
