"""The one summariser: intervals, bounds, one-sided bounds; KPI formatting; trend verdicts."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from sim.outputs.kpi_defs import HEADLINE_KPIS, KPIS, format_number
from sim.outputs.stationarity import growth_verdict, slope_per_year
from sim.outputs.stats import summarise, summarise_rows


def test_summarise_matches_textbook_t_interval():
    x = [3.0, 5.0, 4.0, 6.0, 2.0]
    s = summarise(x)
    half = st.t.ppf(0.975, 4) * np.std(x, ddof=1) / math.sqrt(5)
    assert s.mean == pytest.approx(4.0)
    assert (s.low, s.high) == pytest.approx((4.0 - half, 4.0 + half))
    assert s.n == 5


def test_summarise_clips_to_kpi_bounds_and_leaves_out_nan():
    s = summarise([0.99, 1.0, 0.97, math.nan], "utilisation_coordinator")
    assert s.n == 3 and s.high == 1.0
    w = summarise([0.0, 0.1, 0.0, 0.3], "wait_assessment_mean")
    assert w.low == 0.0
    assert summarise([0.0, 0.1, 0.0, 0.3]).low < 0  # a difference is not clipped


def test_one_sided_bounds_use_the_one_sided_quantile():
    x = [1.0, 2.0, 3.0, 4.0]
    up = summarise(x, None, 0.95, "upper")
    half = st.t.ppf(0.95, 3) * np.std(x, ddof=1) / 2
    assert up.high == pytest.approx(2.5 + half) and up.low == -math.inf
    lo = summarise(x, None, 0.95, "lower")
    assert lo.low == pytest.approx(2.5 - half) and lo.high == math.inf


def test_rows_agree_with_single_summaries():
    rng = np.random.default_rng(1)
    m = rng.normal(size=(4, 7))
    m[2, 3] = math.nan
    mean, low, high = summarise_rows(m, None)
    for i in range(4):
        s = summarise(m[i])
        assert (mean[i], low[i], high[i]) == pytest.approx((s.mean, s.low, s.high))


def test_formats_follow_the_kpi_definition():
    saving = KPIS["net_saving_per_year"]
    assert saving.format(220559.7, "nl") == "€ 220.560 per jaar"
    assert saving.format(220559.7, "en") == "€220,560 per year"
    assert saving.format_diff(-20792.84, "nl") == "−€ 20.793 per jaar"
    wait = KPIS["referral_to_placement_p90"]
    assert wait.format(162.6, "nl") == "163 weken"
    assert wait.format(4.26, "en") == "4.3 weeks"
    assert KPIS["utilisation_coordinator"].format(0.863, "nl") == "86%"
    assert KPIS["utilisation_coordinator"].format_diff(-0.052, "nl") == "−5,2 procentpunt"
    assert KPIS["family_days_per_year"].format(1234.4, "nl") == "1.234 dagen per jaar"
    assert format_number(math.nan, "nl") == "–"
    assert KPIS["wait_assessment_mean"].is_better(-1.0) is True
    assert KPIS["placements_per_year"].is_better(-1.0) is False
    assert KPIS["caseload_coordinator"].is_better(1.0) is None
    assert "net_saving_per_year" in HEADLINE_KPIS


def test_slope_of_a_straight_line_is_exact():
    assert slope_per_year([2.0 + 0.5 * w for w in range(104)]) == pytest.approx(26.0)
    assert slope_per_year([3.0] * 20) == 0.0
    assert math.isnan(slope_per_year([1.0]))


def test_growth_verdicts():
    rng = np.random.default_rng(3)
    assert growth_verdict(rng.normal(2.0, 0.5, 20), years=9).verdict == "growing"
    assert growth_verdict(rng.normal(0.0, 0.01, 20), years=9).verdict == "stable"
    assert growth_verdict(rng.normal(0.05, 1.0, 5), years=9).verdict == "undecided"
    # a tiny but certain rise (under one child over the window) is not called growing
    assert growth_verdict(rng.normal(0.05, 0.001, 20), years=9).verdict == "stable"


def test_the_t_table_is_scipys_quantile_to_the_last_bit():
    """sim.outputs.t_table replaces the scipy import for the usual levels: every entry must be
    exactly what scipy.special.stdtrit gives, and levels or df outside it still go to scipy."""
    from scipy.special import stdtrit

    from sim.outputs.stats import t_quantile
    from sim.outputs.t_table import MAX_DF, TABLE, generate

    assert generate() == TABLE
    for level in (0.9, 0.95, 0.99):
        assert t_quantile(0.5 + level / 2, 29) == float(stdtrit(29, 0.5 + level / 2))
    assert t_quantile(0.975, MAX_DF + 1) == float(stdtrit(MAX_DF + 1, 0.975))
    assert t_quantile(0.8125, 7) == float(stdtrit(7, 0.8125))
