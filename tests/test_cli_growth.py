"""``pnp-sim run`` warns when a waiting list grows: it names the queue (staff or family) and
says that its waits grow with the horizon and are not a steady-state figure."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from sim.cli import growth_warnings, kpi_table
from sim.outputs.kpi_defs import KPIS


def _result(baseline, staff: list[float], family: list[float]) -> SimpleNamespace:
    kpis = pd.DataFrame({"waiting_staff_trend_per_year": staff,
                         "waiting_family_trend_per_year": family})
    return SimpleNamespace(scenario=baseline, kpis=kpis)


def test_a_growing_staff_queue_is_named_and_not_called_steady(baseline) -> None:
    res = _result(baseline, [2.0, 2.4, 1.8, 2.2, 2.1], [0.0, 0.1, -0.1, 0.05, -0.05])
    (en,) = growth_warnings(res, "en")
    assert "waiting for staff" in en and "not a steady-state figure" in en
    assert "grow with the horizon" in en and "rising in 5 of 5 replications" in en
    assert KPIS["waiting_staff_trend_per_year"].format(2.1, "en") in en
    (nl,) = growth_warnings(res, "nl")
    assert "wachten op personeel" in nl and "geen evenwichtswaarde" in nl


def test_a_growing_family_queue_is_named(baseline) -> None:
    res = _result(baseline, [0.0, 0.1, -0.1, 0.05, -0.05], [3.0, 2.5, 3.5, 2.8, 3.1])
    (en,) = growth_warnings(res, "en")
    assert "waiting for a family" in en


def test_stable_or_undecided_queues_give_no_warning(baseline) -> None:
    assert growth_warnings(_result(baseline, [0.0, 0.1, -0.1], [0.02, -0.03, 0.0])) == []
    assert growth_warnings(_result(baseline, [2.0, -1.5, 0.4], [0.0, 0.0, 0.0])) == []


def test_kpi_table_formats_through_the_kpi_definitions() -> None:
    rows = [{"kpi": "net_saving_per_year", "mean": 220559.7, "ci_low": 200000.2,
             "ci_high": 240000.9},
            {"kpi": "placed_share", "mean": 0.67, "ci_low": 0.52, "ci_high": np.nan}]
    text = kpi_table(pd.DataFrame(rows), "nl")
    saving = KPIS["net_saving_per_year"]
    assert saving.format(220559.7, "nl") in text
    assert saving.format_interval(200000.2, 240000.9, "nl") in text
    assert "67%" in text and "95%-BI" in text
