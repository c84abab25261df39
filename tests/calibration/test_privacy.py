"""Privacy by construction (issue 17, item 3): no identifying cell in any message or report,
small cells suppressed with every figure that would give them back, short keys refused."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.calibrate import calibrate
from calibration.cli import _key
from calibration.errors import LogError
from calibration.fit import Estimate, proportion
from calibration.hours import read_hours
from calibration.read import read_case_log, read_family_log
from calibration.report import calibration_report
from sim.scenario.schema import load_scenario

KEY = "privacy-test-key-0123456789"
BASE = load_scenario("scenarios/baseline.yaml")


def _refusal(text: str, key: str = KEY) -> str:
    with pytest.raises(LogError) as exc:
        read_case_log(text.encode(), "log.csv", key)
    return str(exc.value)


def test_a_case_id_in_the_wrong_column_never_reaches_the_message() -> None:
    """Header order wrong: ids sit under 'activity' and are reported as unknown activities."""
    text = "activity,case_id,timestamp\nAnna Peeters,referral,2021-01-04\n"
    msg = _refusal(text)
    assert "Anna" not in msg and "Peeters" not in msg
    assert "row 2, column 'activity'" in msg and "'Aaaa Aaaaaaa'" in msg


def test_rare_attribute_values_and_dates_are_redacted_common_ones_shown() -> None:
    rows = ["case_id,activity,timestamp,complexity", "c9,referral,2021-02-01,Jan is 9 jaar"]
    rows += [f"c{i},referral,2021-01-{i + 1:02d},heel zwaar" for i in range(6)]
    msg = _refusal("\n".join(rows) + "\n")
    assert "'heel zwaar'" in msg  # the organisation's own word, in 6 cases: shown
    assert "Jan" not in msg and "'Aaa aa 9 aaaa'" in msg
    msg = _refusal("case_id,activity,timestamp\nc1,referral,2021-01-04\nc1,assessment,Jan P.\n")
    assert "Jan" not in msg and "shaped 'Aaa A.'" in msg


def test_a_header_line_of_data_is_not_echoed() -> None:
    msg = _refusal("C-0042,referral,2021-01-04\nC-0043,referral,2021-01-05\n")
    assert "0042" not in msg and "required column is missing" in msg


@pytest.mark.parametrize("key", ["", "x", "short-key-15byte"[:15]])
def test_short_keys_are_refused_by_every_reader(key: str) -> None:
    good = "case_id,activity,timestamp\nc1,referral,2021-01-04\n"
    for read in (lambda: read_case_log(good.encode(), "log.csv", key),
                 lambda: read_family_log(b"family_id,activity,week\nF,interest,1\n", "f.csv",
                                         key),
                 lambda: read_hours(b"case_id,role,week,hours\nc,coordinator,1,2\n", "h.csv",
                                    key, None)):
        with pytest.raises(LogError, match="at least 16 bytes"):
            read()


def test_short_keys_are_refused_from_the_environment_and_the_key_file(monkeypatch,
                                                                      tmp_path) -> None:
    import argparse

    monkeypatch.setenv("PNP_CALIBRATION_KEY", "k")
    args = argparse.Namespace(key_file=None, out="x.yaml", report=None)
    with pytest.raises(LogError, match="(?s)PNP_CALIBRATION_KEY.*16 bytes"):
        _key(args)
    short = tmp_path / "key"
    short.write_text("0123456789\n")
    with pytest.raises(LogError, match="16 bytes"):
        _key(argparse.Namespace(key_file=str(short), out="x", report=None))
    monkeypatch.setenv("PNP_CALIBRATION_KEY", "a" * 16)
    assert _key(args)[0] == "a" * 16


def test_small_shares_suppress_their_interval_and_complement() -> None:
    assert proportion(3, 40).small and proportion(37, 40).small
    assert not proportion(10, 40).small and not proportion(0, 40).small
    assert Estimate(1.0, 0.5, 2.0, 4).small and not Estimate(1.0, 0.5, 2.0, 0).small


def _small_log() -> str:
    """Two years: 30 referrals in the first, 3 in the second; 3 children still in guidance."""
    rows = ["case_id,activity,week,complexity,age"]
    weeks = list(np.linspace(0, 50, 30)) + [60.0, 70.0, 80.0]
    for i, w in enumerate(weeks):
        cx = "high" if i < 3 else "medium"
        rows.append(f"c{i},referral,{w:.2f},{cx},{9 + i % 5}")
        rows.append(f"c{i},assessment,{w + 1:.2f}")
        if i >= 30:
            rows.append(f"c{i},guidance,{w + 5:.2f}")
        else:
            rows.append(f"c{i},withdrawn,{w + 6 + i % 4:.2f}")
    rows.append("z,referral,103.9,medium,10")
    return "\n".join(rows) + "\n"


def test_the_report_suppresses_every_figure_behind_a_small_count() -> None:
    log = read_case_log(_small_log().encode(), "log.csv", KEY)
    cal = calibrate(log, BASE, gof=False)
    html = calibration_report(cal, {"log": log.digest})
    year2 = cal.tables["referrals_by_year"].iloc[1]
    assert year2["referrals"] == 4
    rate = f"{year2['per_year']:.3g}"
    section = html.split("Referrals by year")[1].split("</table>")[0]
    assert "&lt;5" in section and rate not in section and "suppressed" in section
    # a share resting on 3 children: neither value nor interval
    row = html.split("referrals.complexity.high")[1].split("</tr>")[0]
    assert "suppressed" in row and "0.0882" not in row
    # the start state: 3 children in guidance, their elapsed weeks never listed
    row = html.split("start_state.children")[1].split("</tr>")[0]
    assert "guidance: &lt;5" in row
    row = html.split("start_state.elapsed")[1].split("</tr>")[0]
    assert "suppressed" in row and "[" not in row
    tags = cal.tags()
    assert tags["referrals.complexity.high"].endswith("n<5]")
