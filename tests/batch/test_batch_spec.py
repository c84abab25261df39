"""Sweep specs: expansion (values, ranges, Latin hypercube) and readable refusals."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from batch_helpers import BASELINE, ROOT, spec_dict, write_spec
from hypothesis import given, settings
from hypothesis import strategies as hs

from sim.batch.spec import RangeSpec, SpecError, load_spec, parse_spec_text
from sim.scenario.schema import load_scenario, scenario_hash, scenario_to_dict


@pytest.fixture
def small_spec(tmp_path: Path) -> Path:
    """The helpers' small spec (2 x 3 points, 3 replications) written to a file."""
    return write_spec(tmp_path)



def test_example_specs_load_and_expand() -> None:
    files = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
    assert files, "ship at least one example sweep"
    for f in files:
        loaded = load_spec(f)
        points = list(loaded.points())
        assert len(points) == loaded.n_points() > 1
        assert all(p.error is None for p in points), f
        assert len({p.scenario_hash for p in points}) == len(points)


def test_grid_is_every_combination_and_sets_the_paths(small_spec: Path) -> None:
    loaded = load_spec(small_spec)
    points = list(loaded.points())
    combos = [(p.params["pnp_hours"], p.params["referrals"]) for p in points]
    assert combos == [(19, 8), (19, 12), (19, 16), (30, 8), (30, 12), (30, 16)]
    for p in points:
        assert p.scenario is not None
        assert p.scenario.staff.pnp_counsellor.schedule[0].hours == p.params["pnp_hours"]
        assert p.scenario.referrals.schedule[0].per_year == p.params["referrals"]
        # the fixed changes, seed and replications of the spec are applied to every point
        assert p.scenario.horizon_weeks == 104
        assert p.scenario.seed == 11 and p.scenario.replications == 3
        # everything else is the base scenario
        base = scenario_to_dict(load_scenario(BASELINE))
        got = scenario_to_dict(p.scenario)
        assert got["families"] == base["families"] and got["phases"] == base["phases"]
    assert points[0].scenario_hash == scenario_hash(points[0].scenario)  # type: ignore[arg-type]


def test_several_paths_get_the_same_value(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, parameters=[{
        "path": ["staff.coordinator.leave_share", "staff.parent_counsellor.leave_share"],
        "name": "leave", "values": [0.1, 0.2]}])
    for p in load_spec(spec).points():
        assert p.scenario is not None
        assert p.scenario.staff.coordinator.leave_share == p.params["leave"]
        assert p.scenario.staff.parent_counsellor.leave_share == p.params["leave"]


def test_range_includes_stop_and_has_no_float_drift() -> None:
    assert RangeSpec(start=8, stop=20, step=4).expand() == [8, 12, 16, 20]
    assert RangeSpec(start=8, stop=21, step=4).expand() == [8, 12, 16, 20]
    assert RangeSpec(start=0.1, stop=0.5, step=0.1).expand() == [0.1, 0.2, 0.3, 0.4, 0.5]
    assert RangeSpec(start=3, stop=3, step=1).expand() == [3]


@settings(max_examples=200, deadline=None)
@given(start=hs.floats(-1e3, 1e3, allow_nan=False), span=hs.floats(0, 100, allow_nan=False),
       step=hs.floats(0.1, 1e3, allow_nan=False))
def test_range_property(start: float, span: float, step: float) -> None:
    values = RangeSpec(start=start, stop=start + span, step=step).expand()
    assert values[0] == pytest.approx(start)
    assert len(values) == math.floor(span / step + 1e-9) + 1
    assert all(start - 1e-6 <= v <= start + span + 1e-6 for v in values)
    gaps = [b - a for a, b in zip(values, values[1:], strict=False)]
    assert all(g == pytest.approx(step, rel=1e-6, abs=1e-6) for g in gaps)


def _lhs_spec(tmp_path: Path, points: int, seed: int, **param: Any) -> Path:
    p = {"path": "families.screening.pass_rate", "name": "pass_rate", "between": [0.1, 0.3]}
    p.update(param)
    return write_spec(tmp_path, f"lhs{seed}.yaml", parameters=[
        p,
        {"path": "families.interested_per_year", "name": "interested", "between": [10, 50]},
    ], latin_hypercube={"points": points, "seed": seed})


def test_latin_hypercube_is_stratified_and_seeded(tmp_path: Path) -> None:
    n = 25
    points = list(load_spec(_lhs_spec(tmp_path, n, 3)).points())
    assert len(points) == n
    for name, (low, high) in (("pass_rate", (0.1, 0.3)), ("interested", (10, 50))):
        values = [p.params[name] for p in points]
        # one value in each of the n equal-width strata: the defining property of an LHS
        strata = sorted(int((v - low) / (high - low) * n) for v in values)
        assert strata == list(range(n))
    again = [p.params for p in load_spec(_lhs_spec(tmp_path, n, 3)).points()]
    other = [p.params for p in load_spec(_lhs_spec(tmp_path, n, 4)).points()]
    assert again == [p.params for p in points]
    assert other != again


def test_latin_hypercube_integer_and_decimals(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, parameters=[
        {"path": "families.interested_per_year", "name": "families", "between": [10, 19],
         "integer": True},
        {"path": "families.screening.pass_rate", "name": "rate", "between": [0.1, 0.3],
         "decimals": 2},
    ], latin_hypercube={"points": 10, "seed": 0})
    points = list(load_spec(spec).points())
    assert sorted(p.params["families"] for p in points) == list(range(10, 20))
    assert all(round(p.params["rate"], 2) == p.params["rate"] for p in points)


def test_grid_crossed_with_latin_hypercube(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, parameters=[
        {"path": "referrals.schedule.0.per_year", "name": "referrals", "values": [8, 12, 16]},
        {"path": "families.screening.pass_rate", "name": "r", "between": [0.1, 0.3]},
    ], latin_hypercube={"points": 4, "seed": 0})
    loaded = load_spec(spec)
    points = list(loaded.points())
    assert loaded.n_points() == len(points) == 12
    assert [p.params["referrals"] for p in points] == [8] * 4 + [12] * 4 + [16] * 4
    # the same sample of the hypercube for every grid value
    assert [p.params["r"] for p in points[:4]] == [p.params["r"] for p in points[4:8]]


def test_a_combination_the_schema_refuses_is_an_invalid_point(tmp_path: Path) -> None:
    # each value alone is fine; warmup 60 with a 52-week horizon is not
    spec = write_spec(tmp_path, set={"warmup_weeks": 10}, parameters=[
        {"path": "warmup_weeks", "values": [10, 60]},
        {"path": "horizon_weeks", "values": [52, 104]},
    ])
    points = list(load_spec(spec).points())
    bad = [p for p in points if p.error]
    assert [(p.params["warmup_weeks"], p.params["horizon_weeks"]) for p in bad] == [(60, 52)]
    # the scenario schema's own message, naming the field
    assert "- warmup_weeks:" in (bad[0].error or "") and "shorter" in (bad[0].error or "")
    assert "warmup_weeks=60" in (bad[0].error or "")


def _refusal(tmp_path: Path, data: Any) -> SpecError:
    path = tmp_path / "bad.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    err = info.value
    assert str(err).startswith(f"{path}: invalid sweep spec")
    return err


def _fields(err: SpecError) -> list[str]:
    return [p for p, _ in err.problems]


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"replicatons": 3}, "replicatons", "did you mean 'replications'"),
    ({"replications": 0}, "replications", "at least 1 (got 0)"),
    ({"seed": -1}, "seed", "at least 0 (got -1)"),
    ({"parameters": []}, "parameters", "at least 1"),
    ({"parameters": [{"path": "horizon_weeks", "range": {"start": 1, "stop": 5, "step": 0}}]},
     "parameters.0.range.step", "more than 0"),
    ({"parameters": [{"path": "horizon_weeks", "values": [52], "between": [1, 2]}]},
     "parameters.0", "exactly one of values, range or between"),
    ({"parameters": [{"path": "horizon_weeks", "between": [60, 100]}]},
     "(top level)", "need a latin_hypercube"),
    ({"parameters": [{"path": "horizon_weeks", "between": [60.2, 60.8], "integer": True}],
      "latin_hypercube": {"points": 2}}, "parameters.0", "no whole number"),
    ({"parameters": [{"path": "seed", "values": [1, 2]}]}, "parameters.0.path",
     "cannot be swept"),
    ({"parameters": [{"path": "horizon_weeks", "values": [60]},
                     {"path": "horizon_weeks", "values": [70]}]}, "(top level)",
     "swept twice"),
    ({"parameters": [{"path": "horizon_weeks", "valus": [60]}]}, "parameters.0.valus",
     "did you mean 'values'"),
    ({"parameters": [{"path": "referrals.schedule.0.per_year", "name": "referrals_per_year",
                      "values": [8]}]}, "parameters.0", "also the name of a KPI"),
    ({"parameters": [{"path": "horizon_weeks", "name": "rep", "values": [60]}]},
     "parameters.0", "also the name of a column"),
])
def test_schema_refusals_name_the_field(tmp_path: Path, change: dict[str, Any], field: str,
                                        words: str) -> None:
    err = _refusal(tmp_path, spec_dict(**change))
    shown = [p or "(top level)" for p in _fields(err)]
    assert field in shown, str(err)
    assert words in str(err)


@pytest.mark.parametrize(("params", "field", "words"), [
    ([{"path": "staff.pnp_counselor.schedule.0.hours", "values": [19]}],
     "parameters.0.path", "not in the base scenario"),
    ([{"path": "staff.pnp_counsellor.schedule.3.hours", "values": [19]}],
     "parameters.0.path", "not in the base scenario"),
    ([{"path": "staff.pnp_counsellor.schedule.0.hours", "values": [19, -4]}],
     "parameters.0.values", "value -4 gives an invalid scenario"),
    ([{"path": "families.screening.pass_rate", "range": {"start": 0.5, "stop": 1.5,
                                                         "step": 0.5}}],
     "parameters.0.range", "value 1.5 gives an invalid scenario"),
    ([{"path": "families.screening.pass_rate", "between": [0.1, 2.0]}],
     "parameters.0.between", "invalid scenario"),
    ([{"path": "staff.coordinator.schedule.0.hours", "values": ["many"]}],
     "parameters.0.values", "'many'"),
])
def test_paths_and_values_are_checked_against_the_base(tmp_path: Path, params: Any,
                                                        field: str, words: str) -> None:
    extra = {"latin_hypercube": {"points": 3, "seed": 0}} if "between" in params[0] else {}
    err = _refusal(tmp_path, spec_dict(parameters=params, **extra))
    assert field in _fields(err), str(err)
    assert words in str(err)


def test_base_and_file_problems(tmp_path: Path) -> None:
    err = _refusal(tmp_path, spec_dict(base="nowhere.yaml"))
    assert _fields(err) == ["base"] and "not found" in str(err)

    broken = tmp_path / "broken_base.yaml"
    broken.write_text(BASELINE.read_text(encoding="utf-8").replace(
        "horizon_weeks: 520", "horizon_weeks: -5"), encoding="utf-8")
    err = _refusal(tmp_path, spec_dict(base="broken_base.yaml"))
    assert "base: horizon_weeks" in _fields(err)

    err = _refusal(tmp_path, spec_dict(set={"horizon_weks": 10}))
    assert "set.horizon_weks" in _fields(err)
    err = _refusal(tmp_path, spec_dict(set={"horizon_weeks": -10}))
    assert "set.horizon_weeks" in _fields(err)

    err = _refusal(tmp_path, "name: x\nparameters: [a, b\n")
    assert "not valid YAML at line" in str(err)
    err = _refusal(tmp_path, "- just\n- a list\n")
    assert "mapping" in str(err)
    with pytest.raises(SpecError, match="cannot read file"):
        load_spec(tmp_path / "missing.yaml")


def test_base_is_relative_to_the_spec_file(tmp_path: Path) -> None:
    (tmp_path / "scen").mkdir()
    (tmp_path / "scen" / "base.yaml").write_text(BASELINE.read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    (tmp_path / "scen" / "sweeps").mkdir()
    spec = write_spec(tmp_path / "scen" / "sweeps", base="../base.yaml")
    assert load_spec(spec).n_points() == 6


def test_spec_hash_ignores_name_and_replications(tmp_path: Path) -> None:
    a = parse_spec_text(yaml.safe_dump(spec_dict()), "a")
    b = parse_spec_text(yaml.safe_dump(spec_dict(name="other", replications=9)), "b")
    c = parse_spec_text(yaml.safe_dump(spec_dict(seed=12)), "c")
    assert a.spec_hash() == b.spec_hash() != c.spec_hash()


# --------------------------------------------------------------------------- runs ceiling


def test_the_ceiling_counts_runs_not_points(tmp_path: Path) -> None:
    """100,000 points x 10,000 replications (10^9 runs) is refused even with
    --allow-large; 1,000 points x 2,000 replications only without it."""
    from sim.batch.spec import MAX_RUNS, MAX_RUNS_LARGE, SpecError, parse_spec

    between = [{"path": "staff.pnp_counsellor.schedule.0.hours", "between": [10, 40]}]
    huge = spec_dict(parameters=between, replications=10_000,
                     latin_hypercube={"points": 100_000, "seed": 1})
    for allow in (False, True):
        with pytest.raises(SpecError) as err:
            parse_spec(huge, "huge.yaml", allow_large=allow)
        text = str(err.value)
        assert "1,000,000,000 runs (100,000 points x 10,000 replications)" in text
        assert "replications" in text and "huge.yaml" in text
        assert f"more than {(MAX_RUNS_LARGE if allow else MAX_RUNS):,}" in text
    big = spec_dict(parameters=between, replications=2_000,
                    latin_hypercube={"points": 1_000, "seed": 1})
    with pytest.raises(SpecError, match="2,000,000 runs .*--allow-large"):
        parse_spec(big, "big.yaml")
    loaded = parse_spec(big, "big.yaml", allow_large=True)
    assert loaded.n_points() * loaded.spec.replications == 2_000_000
    # the limit itself is allowed
    edge = spec_dict(parameters=between, replications=10,
                     latin_hypercube={"points": MAX_RUNS // 10, "seed": 1})
    assert parse_spec(edge, "edge.yaml").n_points() == MAX_RUNS // 10
