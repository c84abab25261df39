"""Hostile and near-legal logs (issue 17, item 1): each is read right or refused with the
file, row and column, never a traceback, a hang or a silent wrong answer."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import read as rd
from calibration.calibrate import calibrate
from calibration.errors import LogError
from calibration.read import TimeRules, read_case_log, read_family_log
from sim.scenario.schema import load_scenario

KEY = "hostile-test-key-0123456789"
BASE = load_scenario("scenarios/baseline.yaml")


def _read(text: str | bytes, name: str = "log.csv", **kw) -> rd.CaseLog:
    data = text.encode() if isinstance(text, str) else text
    return read_case_log(data, name, KEY, **kw)


def _refusal(text: str | bytes, **kw) -> str:
    with pytest.raises(LogError) as exc:
        _read(text, **kw)
    return str(exc.value)


def test_header_only_and_empty_files_are_refused() -> None:
    assert "header but no events" in _refusal("case_id,activity,timestamp\n")
    assert "empty" in _refusal("")


def test_a_log_of_only_referrals_calibrates_the_rate_and_keeps_the_rest() -> None:
    rows = "".join(f"c{i},referral,{i * 2}\n" for i in range(27))
    cal = calibrate(_read("case_id,activity,week\n" + rows), BASE, gof=False)
    values = {f.path: f.value for f in cal.fitted}
    assert values["referrals.schedule.0.per_year"] == pytest.approx(27 / (52 / 52), rel=1e-3)
    assert "phases.assessment.duration" in cal.kept


@pytest.mark.parametrize("week", ["inf", "-inf", "nan", "1e308", "-3", "99999"])
def test_impossible_weeks_are_refused_with_row_and_column(week: str) -> None:
    msg = _refusal(f"case_id,activity,week\nc1,referral,0\nc1,assessment,{week}\n")
    assert "row 3, column 'week'" in msg


@pytest.mark.parametrize("date", ["9999-01-01", "1900-06-01", "1989-12-31"])
def test_dates_outside_the_plausible_window_are_refused(date: str) -> None:
    msg = _refusal(f"case_id,activity,timestamp\nc1,referral,2020-01-01\nc2,referral,{date}\n")
    assert "row 3, column 'timestamp'" in msg and "plausible window" in msg


def test_the_window_is_configurable() -> None:
    log = _read("case_id,activity,timestamp\nc1,referral,1985-01-01\nc2,referral,1986-01-01\n",
                rules=TimeRules(earliest="1980-01-01"))
    assert log.end == pytest.approx(52.14, abs=0.01)


def test_a_week_log_numbered_from_1000_uses_its_own_window() -> None:
    """Weeks 1000-1520 hold 182 referrals: 18.2 a year, not 182 over 1520 weeks (6.2)."""
    weeks = np.linspace(1000, 1520, 182)
    rows = "".join(f"c{i},referral,{w:.3f}\n" for i, w in enumerate(weeks))
    log = _read("case_id,activity,week\n" + rows)
    assert log.week0 == 1000 and log.end == pytest.approx(520)
    assert log.date(10) == "week 1010" and log.week("1260") == pytest.approx(260)
    cal = calibrate(log, BASE, gof=False)
    rate = next(f.value for f in cal.fitted if f.path == "referrals.schedule.0.per_year")
    assert rate == pytest.approx(18.2, rel=1e-3)


GOOD = ("case_id,activity,timestamp\nA,referral,2021-01-04\nA,assessment,2021-01-18\n"
        "B,referral,2021-02-01\n")


def test_duplicated_rows_are_refused_or_dropped_with_a_count() -> None:
    lines = GOOD.splitlines()
    doubled = "\n".join([lines[0], *[x for line in lines[1:] for x in (line, line)]]) + "\n"
    msg = _refusal(doubled)
    assert "row 3" in msg and "duplicate of row 2" in msg and "3 duplicate events" in msg
    log = _read(doubled, rules=TimeRules(drop_duplicates=True))
    assert len(log.events) == 3 and "3 duplicate events" in log.notes[0]


def test_day_month_order_is_detected_from_the_whole_column() -> None:
    text = ("case_id,activity,timestamp\nA,referral,04/01/2021\nA,assessment,18/01/2021\n"
            "B,referral,01/02/2021\n")
    log = _read(text)
    assert log.origin == np.datetime64("2021-01-04")
    assert sorted(log.events["t"]) == pytest.approx([0, 2, 4])  # 1 February, not 2 January


def test_an_ambiguous_day_month_column_asks_for_the_format() -> None:
    text = "case_id,activity,timestamp\nA,referral,04/01/2021\nA,assessment,05/02/2021\n"
    msg = _refusal(text)
    assert "--date-format" in msg and "column 'timestamp'" in msg
    log = _read(text, rules=TimeRules(date_format="%d/%m/%Y"))
    assert log.events["t"].iloc[1] == pytest.approx(32 / 7)


def test_a_column_mixing_both_orders_is_refused() -> None:
    text = "case_id,activity,timestamp\nA,referral,13/01/2021\nA,assessment,01/14/2021\n"
    assert "mix day-first" in _refusal(text)


def test_common_encodings_are_read_and_others_get_an_instruction() -> None:
    text = GOOD.replace("A,", "Zoë,")
    assert _read(text.encode("cp1252")).n_cases == 2
    assert _read(b"\xef\xbb\xbf" + text.encode()).n_cases == 2
    assert "CSV UTF-8" in _refusal(text.encode("utf-16"))


def test_a_file_above_the_ceiling_is_refused_before_parsing(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(rd, "MAX_LOG_BYTES", 100)
    msg = _refusal(GOOD * 5)
    assert "MiB; logs up to" in msg
    big = tmp_path / "big.csv"
    big.write_text(GOOD * 5)
    with pytest.raises(LogError, match="logs up to"):
        rd.read_path(big)


def test_family_log_on_a_week_clock_shares_the_case_logs_start() -> None:
    log = _read("case_id,activity,week\nA,referral,1000\nB,referral,1100\n")
    fam = read_family_log(b"family_id,activity,week\nF,interest,1050\n", "f.csv", KEY,
                          week0=log.week0)
    assert fam.events["t"].iloc[0] == 50
