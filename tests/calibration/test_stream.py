"""The chunked reader (issue 17, item 1): a log read a few rows at a time gives exactly what
one read of the whole file gives, and every refusal still works when its evidence lies in a
later chunk than the row it is about (duplicates, the dd/mm order, common words)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calibration import read as rd
from calibration import stream
from calibration.errors import LogError
from calibration.read import TimeRules, load_mapping, read_case_log, read_family_log

KEY = "stream-test-key-0123456789"
EX = Path(__file__).resolve().parents[2] / "calibration" / "examples"


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Chunks of 2 rows, so that every log below spans several."""
    monkeypatch.setattr(stream, "CHUNK_ROWS", 2)


def _read(text: str | bytes, **kw) -> rd.CaseLog:
    data = text.encode() if isinstance(text, str) else text
    return read_case_log(data, kw.pop("name", "log.csv"), KEY, **kw)


def _refusal(text: str | bytes, **kw) -> str:
    with pytest.raises(LogError) as exc:
        _read(text, **kw)
    return str(exc.value)


@pytest.mark.parametrize("rows", [50, 333])
def test_any_chunk_size_reads_the_example_exactly_as_one_chunk(monkeypatch, rows) -> None:
    data = (EX / "synthetic_cases.csv").read_bytes()
    mapping = load_mapping((EX / "mapping.yaml").read_bytes())
    whole = _read(data, mapping=mapping)
    monkeypatch.setattr(stream, "CHUNK_ROWS", rows)
    chunked = _read(data, mapping=mapping)
    pd.testing.assert_frame_equal(whole.events, chunked.events)
    pd.testing.assert_frame_equal(whole.cases, chunked.cases)
    assert (whole.origin, whole.end, whole.digest) == (chunked.origin, chunked.end,
                                                       chunked.digest)
    assert len(whole.events) > 1000 and whole.n_cases > 50


def test_a_path_is_streamed_like_bytes(tmp_path) -> None:
    data = (EX / "synthetic_cases.csv").read_bytes()
    path = tmp_path / "cases.csv"
    path.write_bytes(data)
    mapping = load_mapping((EX / "mapping.yaml").read_bytes())
    a = _read(data, mapping=mapping)
    b = read_case_log(path, "cases.csv", KEY, mapping)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert a.digest == b.digest == rd.log_digest(data)


def test_duplicates_across_chunks_are_found(tiny_chunks) -> None:
    text = ("case_id,activity,week\nA,referral,1\nA,assessment,2\nB,referral,3\n"
            "C,referral,4\nD,referral,5\nA,referral,1\n")
    msg = _refusal(text)
    assert "row 7" in msg and "duplicate of row 2" in msg and "1 duplicate events" in msg
    log = _read(text, rules=TimeRules(drop_duplicates=True))
    assert len(log.events) == 5 and "1 duplicate events" in log.notes[0]


def test_the_day_month_order_told_only_by_the_last_chunk(tiny_chunks) -> None:
    rows = ["A,referral,04/01/2021", "A,assessment,05/02/2021", "B,referral,01/03/2021",
            "B,assessment,02/03/2021", "C,referral,11/03/2021"]
    head = "case_id,activity,timestamp\n"
    msg = _refusal(head + "\n".join(rows) + "\n")
    assert "--date-format" in msg and "column 'timestamp'" in msg
    log = _read(head + "\n".join([*rows, "C,assessment,25/03/2021"]) + "\n")
    assert log.origin == pd.Timestamp("2021-01-04")
    # 5 February (day first), not 2 May
    assert log.events["t"].iloc[1] == pytest.approx(32 / 7)
    assert "mix day-first" in _refusal(head + "\n".join([*rows, "C,assessment,25/03/2021",
                                                         "D,referral,03/25/2021"]) + "\n")


def test_impossible_values_in_a_late_chunk_name_their_row(tiny_chunks) -> None:
    good = "".join(f"c{i},referral,{i}\n" for i in range(6))
    for value in ("inf", "nan", "-1", "1e308"):
        msg = _refusal(f"case_id,activity,week\n{good}c9,referral,{value}\n")
        assert "row 8, column 'week'" in msg
    dates = "".join(f"c{i},referral,2021-01-{i + 1:02d}\n" for i in range(6))
    msg = _refusal(f"case_id,activity,timestamp\n{dates}c9,referral,1900-01-01\n")
    assert "row 8, column 'timestamp'" in msg and "plausible window" in msg
    msg = _refusal(f"case_id,activity,timestamp\n{dates}c9,referral,2021-02-30\n")
    assert "row 8, column 'timestamp'" in msg and "shaped '9999-99-99'" in msg


def test_numbers_then_dates_in_a_late_chunk_are_read_as_dates(tiny_chunks) -> None:
    msg = _refusal("case_id,activity,timestamp\nA,referral,5\nA,assessment,6\n"
                   "B,referral,2021-01-04\n")
    assert "column 'timestamp'" in msg


def test_empty_header_only_and_blank_files(tmp_path) -> None:
    assert "empty" in _refusal("")
    assert "empty" in _refusal("\n\n  \n")
    assert "empty" in _refusal("# only a comment\n")
    assert "header but no events" in _refusal("case_id,activity,week\n")
    path = tmp_path / "head.csv"
    path.write_text("case_id,activity,week\n")
    with pytest.raises(LogError, match="header but no events"):
        read_case_log(path, "head.csv", KEY)
    with pytest.raises(LogError, match="header but no events"):
        read_family_log(b"family_id,activity,week\n", "f.csv", KEY)


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_other_delimiters_read_like_commas(sep) -> None:
    comma = "case_id,activity,timestamp\nA,referral,2021-01-04\nA,assessment,2021-01-18\n"
    a, b = _read(comma), _read(comma.replace(",", sep))
    pd.testing.assert_frame_equal(a.events, b.events)


def test_a_file_with_the_wrong_dialect_is_refused_with_its_columns() -> None:
    """Semicolons in the header but commas in the rows: each row is one cell, refused with
    its row and without its content."""
    msg = _refusal("case_id;activity;week\nAnna,referral,1\n")
    assert "row 2, column 'week'" in msg and "Anna" not in msg and "referral" not in msg


def test_a_file_above_the_ceiling_is_refused_before_it_is_opened(monkeypatch, tmp_path) -> None:
    def never(*_a, **_k):
        raise AssertionError("parsed a file above the ceiling")

    monkeypatch.setattr(rd, "open_table", never)
    path = tmp_path / "big.csv"
    path.write_bytes(b"case_id,activity,week\n" + b"A,referral,1\n" * 100)
    for data in (path, path.read_bytes()):
        with pytest.raises(LogError, match=r"logs up to 1000 bytes are read"):
            read_case_log(data, "big.csv", KEY, max_bytes=1000)
        with pytest.raises(LogError, match=r"logs up to 1000 bytes are read"):
            read_family_log(data, "big.csv", KEY, max_bytes=1000)
    monkeypatch.setattr(rd, "MAX_LOG_BYTES", 1000)
    with pytest.raises(LogError, match=r"logs up to 1000 bytes"):
        read_case_log(path, "big.csv", KEY)


def test_a_missing_file_is_named() -> None:
    with pytest.raises(LogError, match="cannot read file"):
        read_case_log(Path("/nonexistent/log.csv"), "log.csv", KEY)


def test_a_windows_byte_in_the_last_chunk_is_read_as_cp1252(tiny_chunks) -> None:
    rows = "".join(f"c{i},referral,{i}\n" for i in range(6))
    log = _read(b"case_id,activity,week\n" + rows.encode() + "Zoë,referral,9\n".encode("cp1252"))
    assert log.n_cases == 7
    assert rd.pseudonym(KEY, "Zoë") in set(log.events["case"])


def test_an_undecodable_file_gets_an_instruction() -> None:
    msg = _refusal(b"case_id,activity,week\nA\x81\x8d,referral,1\n")
    assert "CSV UTF-8" in msg


def test_a_short_row_is_filled_and_a_long_one_refused_without_its_content() -> None:
    log = _read("case_id,activity,week,age\nA,referral,1\nA,assessment,2,9\n")
    assert log.cases["age"].iloc[0] == 9
    msg = _refusal("case_id,activity,week\nA,referral,1\nAnna Peeters,referral,2,x,y\n")
    assert "not a readable CSV" in msg and "Anna" not in msg


def test_identifiers_in_a_late_chunk_stay_hidden_and_common_words_show(tiny_chunks) -> None:
    rows = "".join(f"c{i},referral,{i}\nc{i},Intake,{i}\n" for i in range(6))
    msg = _refusal("case_id,activity,week\n" + rows + "x,Anna Peeters,9\n")
    assert "'Intake'" in msg and "Anna" not in msg and "Aaaa Aaaaaaa" not in msg.split(
        "row 14")[0]
    assert "row 14, column 'activity'" in msg and "Aaaa Aaaaaaa" in msg


def test_only_the_schema_columns_are_kept(monkeypatch) -> None:
    seen: list[list[str]] = []
    real = stream.Table.chunks

    def spy(self, usecols=None):
        for chunk in real(self, usecols):
            seen.append(list(chunk.columns))
            yield chunk

    monkeypatch.setattr(stream.Table, "chunks", spy)
    _read("case_id,notes,activity,week,name\nA,lives at 3 Elm St,referral,1,Anna\n")
    assert seen and all("notes" not in c and "name" not in c for c in seen)


def test_parquet_is_read_in_batches_like_csv(monkeypatch) -> None:
    text = "case_id,activity,week\n" + "".join(f"c{i},referral,{i}\n" for i in range(9))
    frame = pd.read_csv(io.StringIO(text), dtype=str)
    buf = io.BytesIO()
    frame.to_parquet(buf)
    monkeypatch.setattr(stream, "CHUNK_ROWS", 4)
    pq = _read(buf.getvalue(), name="log.parquet")
    pd.testing.assert_frame_equal(pq.events.drop(columns="row"),
                                  _read(text).events.drop(columns="row"))
    assert list(pq.events["row"]) == list(np.arange(9) + 1)


def test_an_xes_file_above_its_own_ceiling_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(stream, "MAX_XES_BYTES", 10)
    assert "XES logs up to" in _refusal(b"<log><trace></trace></log>", name="log.xes")


def test_a_log_above_the_event_ceiling_is_refused_at_the_first_chunk_beyond(
        monkeypatch) -> None:
    monkeypatch.setattr(stream, "CHUNK_ROWS", 3)
    seen: list[int] = []
    real = stream.Table.chunks

    def spy(self, usecols=None):
        for chunk in real(self, usecols):
            seen.append(len(chunk))
            yield chunk

    monkeypatch.setattr(stream.Table, "chunks", spy)
    text = "case_id,activity,week\n" + "".join(f"c{i},referral,{i}\n" for i in range(30))
    with pytest.raises(LogError, match="more than 5 events"):
        _read(text, max_events=5)
    assert sum(seen) == 6  # two chunks read, not ten
    with pytest.raises(LogError, match="more than 5 events"):
        read_family_log(text.replace("referral", "interest").encode(), "f.csv", KEY,
                        max_events=5)
    assert _read(text, max_events=30).n_cases == 30


def test_wide_rows_make_smaller_chunks(monkeypatch) -> None:
    monkeypatch.setattr(stream, "CHUNK_BYTES", 1000)
    sizes: list[int] = []
    real = stream.Table.chunks

    def spy(self, usecols=None):
        for chunk in real(self, usecols):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(stream.Table, "chunks", spy)
    note = "x" * 200
    text = "case_id,activity,week,notes\n" + "".join(f"c{i},referral,{i},{note}\n"
                                                    for i in range(40))
    assert _read(text).n_cases == 40
    assert max(sizes) <= 5 and sum(sizes) == 40


def test_birth_dates_and_attributes_across_chunks(tiny_chunks) -> None:
    """The birth dates' day/month order is told by a late row; a bad attribute value in a
    late chunk is named by row, shown only when it is common to 5 cases."""
    rows = [f"c{i},referral,2021-01-0{i + 1},0{i + 1}/02/2012" for i in range(5)]
    head = "case_id,activity,timestamp,birth_date\n"
    assert "--date-format" in _refusal(head + "\n".join(rows) + "\n")
    log = _read(head + "\n".join([*rows, "c9,referral,2021-01-09,25/02/2012"]) + "\n")
    weeks = (pd.Timestamp("2012-02-01") - log.origin) / pd.Timedelta(days=7)
    assert log.cases["birth"].iloc[0] == pytest.approx(weeks)  # 1 February, not 2 January
    assert "row 7, column 'birth_date'" in _refusal(
        head + "\n".join([*rows, "c9,referral,2021-01-09,25/02/1901"]) + "\n")
    # the fifth case with 'Pleeggezin' comes in a later chunk than the rows listed
    attrs = "case_id,activity,week,source\nx,referral,0,Anna Peeters\n" + "".join(
        f"c{i},referral,{i + 1},Pleeggezin\n" for i in range(5))
    msg = _refusal(attrs)
    assert "row 2, column 'source'" in msg and "Anna" not in msg
    assert "row 6, column 'source': unknown value 'Pleeggezin'" in msg
    assert "'Pleeggezin'" not in _refusal(attrs.rsplit("c4", 1)[0])  # 4 cases: hidden
