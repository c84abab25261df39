"""sim.running.estimate: the runs and estimated time printed before a sweep or an analysis
starts."""

from __future__ import annotations

import math

import pytest

from sim.running.estimate import Estimate, estimate, format_duration, probe_seconds


@pytest.mark.parametrize(("seconds", "en", "nl"), [
    (0.2, "1 s", "1 s"), (45, "45 s", "45 s"), (600, "10 min", "10 min"),
    (3 * 3600 + 20 * 60, "3 h 20 min", "3 h 20 min"), (7200, "2 h", "2 h"),
    (4.5 * 86400, "4.5 days", "4,5 dagen"), (1234 * 86400, "1,234 days", "1.234 dagen"),
    (math.nan, "?", "?"), (-1, "?", "?")])
def test_durations_are_rounded_for_reading(seconds: float, en: str, nl: str) -> None:
    assert format_duration(seconds) == en
    assert format_duration(seconds, "nl") == nl


def test_the_estimate_divides_the_runs_over_the_workers() -> None:
    e = Estimate(1_200, 0.25, 4)
    assert e.seconds == pytest.approx(75.0)
    assert e.text() == "1,200 runs, about 75 s on 4 workers (one replication took 0.25 s here)"
    assert e.text("nl") == ("1.200 runs, ongeveer 75 s op 4 werkers (één replicatie duurde "
                            "hier 0,25 s)")
    assert Estimate(1, 0.5, 1).text().endswith("on 1 worker (one replication took 0.50 s here)")


def test_without_a_measured_replication_only_the_runs_are_said() -> None:
    assert estimate(10, None).text() == "10 runs"
    # a scenario the model cannot run: no time, no traceback (the work reports it)
    assert estimate(10, object(), workers=2).text() == "10 runs"


def test_the_probe_times_a_real_replication() -> None:
    from sim.scenario.schema import load_scenario
    from tests.conftest import SCENARIOS

    scen = load_scenario(SCENARIOS / "baseline.yaml").model_copy(update={"horizon_weeks": 104,
                                                                    "warmup_weeks": 13})
    assert 0 < probe_seconds(scen, 1, tries=1) < 60
    e = estimate(100, scen, 1, workers=2)
    assert e.runs == 100 and e.workers == 2 and 0 < e.seconds_per_run < 60
