"""Reading logs: pseudonymised at once, every format, and bad input named by row and column."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from calibration.errors import LogError
from calibration.read import load_mapping, pseudonym, read_case_log, read_family_log

KEY = "test-key-0123456789"
GOOD = """case_id,activity,timestamp,age,source,complexity,notes
Anna Peeters,referral,2021-01-04,9,own_groups,high,lives with gran
Anna Peeters,assessment,2021-01-11,9,own_groups,high,
Anna Peeters,waiting_family,2021-02-22,,,,
Anna Peeters,family_found,2021-03-01,,,,
Anna Peeters,prematching,2021-03-01,,,,
Bram Claes,referral,2021-02-01,15,regular_foster,low,
Bram Claes,assessment,2021-02-01,15,regular_foster,low,
"""


def _read(text: str, name: str = "log.csv", **kw):
    return read_case_log(text.encode(), name, KEY, **kw)


def test_identifiers_are_replaced_by_keyed_hashes_and_free_text_dropped() -> None:
    log = _read(GOOD)
    cases = set(log.events["case"])
    assert cases == {pseudonym(KEY, "Anna Peeters"), pseudonym(KEY, "Bram Claes")}
    assert "notes" not in log.cases.columns and "notes" not in log.events.columns
    dumped = log.events.to_csv() + log.cases.to_csv()
    assert "Anna" not in dumped and "gran" not in dumped
    # the same key gives the same pseudonym; another key another one
    assert pseudonym(KEY, "x") == pseudonym(KEY, "x") != pseudonym("other-key-000000", "x")
    assert log.cases.loc[pseudonym(KEY, "Anna Peeters"), "complexity"] == "high"
    assert log.cases.loc[pseudonym(KEY, "Bram Claes"), "age"] == 15


def _problem(exc: pytest.ExceptionInfo[LogError]) -> str:
    return str(exc.value)


def test_unknown_activity_names_row_column_and_a_suggestion() -> None:
    bad = GOOD.replace("prematching", "prematchng")
    with pytest.raises(LogError) as exc:
        _read(bad)
    msg = _problem(exc)
    assert "log.csv" in msg and "row 6, column 'activity'" in msg
    assert "did you mean 'prematching'" in msg


def test_time_going_back_within_a_case_is_refused() -> None:
    bad = GOOD.replace("Anna Peeters,family_found,2021-03-01", "Anna Peeters,family_found,"
                       "2021-02-01")
    with pytest.raises(LogError) as exc:
        _read(bad)
    assert "row 5, column 'timestamp'" in _problem(exc)
    assert "time goes back" in _problem(exc)


def test_placed_before_referred_is_refused() -> None:
    text = "case_id,activity,timestamp\nX,fitting,2020-01-01\nX,referral,2020-03-01\n"
    with pytest.raises(LogError) as exc:
        _read(text)
    msg = _problem(exc)
    assert "fitting before its referral" in msg and "row 2" in msg


def test_missing_column_and_unparseable_date() -> None:
    with pytest.raises(LogError) as exc:
        _read("case_id,timestamp\nX,2020-01-01\n")
    assert "column 'activity': required column is missing" in _problem(exc)
    with pytest.raises(LogError) as exc:
        _read("case_id,activity,timestamp\nX,referral,2020-01-01\nX,assessment,next tuesday\n")
    assert "row 3, column 'timestamp'" in _problem(exc)
    assert "next tuesday" not in _problem(exc)  # a cell's content is never echoed
    assert "shaped 'aaaa aaaaaaa'" in _problem(exc)


def test_mapping_translates_names_columns_and_values() -> None:
    mapping = load_mapping("""
columns: {Dossier: case_id, Activiteit: activity, Datum: timestamp, Herkomst: source}
activities: {Aanmelding: referral, Start beeldvorming: assessment}
ignore: [Telefoon]
values: {source: {Eigen leefgroep: own_groups}}
""")
    text = ("Dossier,Activiteit,Datum,Herkomst\n1,Aanmelding,2021-01-04,Eigen leefgroep\n"
            "1,Telefoon,2021-01-05,\n1,Start beeldvorming,2021-01-11,\n")
    log = _read(text, mapping=mapping)
    assert list(log.events["activity"]) == ["referral", "assessment"]
    assert log.cases["source"].iloc[0] == "own_groups"
    with pytest.raises(LogError) as exc:
        load_mapping("activities: {Aanmelding: referal}", "map.yaml")
    assert "map.yaml" in str(exc.value) and "did you mean 'referral'" in str(exc.value)


def test_xes_and_parquet_read_like_csv() -> None:
    xes = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0"><trace><string key="concept:name" value="Anna"/>
<int key="age" value="9"/>
<event><string key="concept:name" value="referral"/>
<date key="time:timestamp" value="2021-01-04T00:00:00.000+00:00"/></event>
<event><string key="concept:name" value="assessment"/>
<string key="lifecycle:transition" value="start"/>
<date key="time:timestamp" value="2021-01-11T00:00:00.000+00:00"/></event>
</trace></log>"""
    log = read_case_log(xes.encode(), "log.xes", KEY)
    assert list(log.events["activity"]) == ["referral", "assessment"]
    assert log.events["t"].tolist() == pytest.approx([0.0, 1.0])
    assert set(log.events["case"]) == {pseudonym(KEY, "Anna")}
    assert log.cases["age"].iloc[0] == 9
    frame = pd.read_csv(io.StringIO(GOOD))
    buf = io.BytesIO()
    frame.to_parquet(buf)
    pq = read_case_log(buf.getvalue(), "log.parquet", KEY)
    csv = _read(GOOD)
    assert pq.events[["case", "activity", "t"]].equals(csv.events[["case", "activity", "t"]])


def test_the_projects_own_events_csv_is_a_valid_input(baseline) -> None:
    from sim import run_replication

    res = run_replication(baseline.model_copy(update={"horizon_weeks": 104}), 1, 0)
    data = res.events.assign(rep=0).to_csv(index=False).encode()
    kids = res.children.assign(rep=0).to_csv(index=False).encode()
    log = read_case_log(data, "events.csv", KEY, children=kids)
    assert log.origin is None  # weeks, not dates
    assert log.n_cases == len(res.children)
    assert log.cases["complexity"].notna().all()


def test_family_log_is_checked_too() -> None:
    fam = read_family_log(b"family_id,activity,timestamp\nF1,interest,2021-01-04\n"
                          b"F1,approved,2021-04-05\n", "fam.csv", KEY)
    assert list(fam.events["activity"]) == ["interest", "approved"]
    with pytest.raises(LogError) as exc:
        read_family_log(b"family_id,activity,timestamp\nF1,intrest,2021-01-04\n", "fam.csv",
                        KEY)
    assert "fam.csv" in str(exc.value) and "did you mean 'interest'" in str(exc.value)
