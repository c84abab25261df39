"""Sources as data: read from the scenario comments, written back, every number sourced."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.schema import load_scenario, parse_scenario_text, scenario_to_dict
from sim.scenario.sources import (
    comment_of,
    leading_comment,
    load_sources,
    parse_comment,
    read_sources,
    scenario_to_sourced_yaml,
    with_user_values,
)
from tests.conftest import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_number_of_a_shipped_scenario_has_a_source(path: Path) -> None:
    found = load_sources(path)
    assert found.unsourced == {}
    assert len(found.sources) > 100


def test_a_number_without_a_source_is_reported_with_its_line() -> None:
    text = "horizon_weeks: 520  # [assume]\nwarmup_weeks: 52   # first year\n"
    found = read_sources(text)
    assert found.unsourced == {"warmup_weeks": 2}
    assert found.sources["horizon_weeks"].kind == "assume"


def test_a_line_naming_several_sources_is_as_strong_as_its_weakest() -> None:
    src = parse_comment("a match can fail at every step [method 2.3]; rate [assume]")
    assert src is not None and src.kind == "assume" and src.tags == ("method", "assume")
    assert parse_comment("rollout minimum [method 3.2]").reference == "3.2"  # type: ignore[union-attr]
    dom = parse_comment("about 14% stop [domain: NJi/NVP/JN 2019]")
    assert dom is not None and dom.kind == "domain" and dom.reference == "NJi/NVP/JN 2019"
    assert parse_comment("overload drives families to stop [seeds/004]") is not None
    assert parse_comment("no tag here") is None


def test_ranges_calibration_and_quotes_in_comments() -> None:
    absolute = parse_comment("[assume range 0.05-0.25]")
    assert absolute is not None and (absolute.low, absolute.high, absolute.factor) == \
        (0.05, 0.25, False)
    factor = parse_comment("[domain: x range 0.8-1.3x]")
    assert factor is not None and (factor.low, factor.high, factor.factor) == (0.8, 1.3, True)
    cal = parse_comment("[calibrated log records-2025.csv n=48]")
    assert cal is not None and cal.kind == "calibrated" and cal.log == "records-2025.csv"
    assert cal.n == 48
    assert comment_of('description: "a # inside" # [assume]') == "[assume]"
    assert comment_of("value: 3") == ""


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_written_back_yaml_keeps_the_scenario_and_its_sources(path: Path) -> None:
    scenario = load_scenario(path)
    sources = load_sources(path)
    text = scenario_to_sourced_yaml(scenario, sources, header="written by a test")
    assert text.startswith("# written by a test\n")
    again = parse_scenario_text(text)
    assert scenario_to_dict(again) == scenario_to_dict(scenario)
    back = read_sources(text)
    assert {p: s for p, s in back.sources.items() if p in sources.sources} == sources.sources


def test_values_changed_by_a_planner_become_user_sources() -> None:
    path = SCENARIOS / "baseline.yaml"
    sources = load_sources(path)
    base = scenario_to_dict(load_scenario(path))
    edited = scenario_to_dict(load_scenario(path))
    edited["referrals"]["schedule"][0]["per_year"] = 5.0
    out = with_user_values(sources, base, edited)
    assert out["referrals.schedule.0.per_year"].kind == "user"
    assert out["horizon_weeks"] == sources.sources["horizon_weeks"]


def test_the_file_header_is_kept_in_a_download() -> None:
    text = (SCENARIOS / "baseline.yaml").read_text()
    header = leading_comment(text)
    assert header.startswith("pnp-sim baseline:") and "[assume]" in header
    out = scenario_to_sourced_yaml(load_scenario(SCENARIOS / "baseline.yaml"),
                                   read_sources(text), header=header)
    assert leading_comment(out) == header
