"""Reading an organisation's logs: CSV, Parquet or XES in, identifiers pseudonymised at once.

The order matters for privacy: the file is parsed a chunk at a time (:mod:`calibration.stream`),
and *before anything else* only the known columns of each chunk are kept (free text, names,
staff and every other column are dropped) and the case and family identifiers are replaced
by keyed hashes (HMAC-SHA256 with a key the user keeps); each chunk is then reduced to codes
(:mod:`calibration.accumulate`). Nothing of the raw log is ever written anywhere.

The column schema follows process-mining conventions (XES keys are accepted as aliases);
see ``calibration/README.md`` for the full format.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from calibration.accumulate import Attributes, Events
from calibration.checks import Coded, check_order, duplicates
from calibration.errors import LogError, Problem, fail
from calibration.privacy import key_problem, shape
from calibration.stream import Table, _objects, open_table
from calibration.times import MAX_WEEKS as MAX_WEEKS
from calibration.times import TimeColumn
from sim.scenario.domain import CHILD_PHASES
from sim.scenario.inputs import did_you_mean

EXITS = ("completed", "left", "aged_out", "withdrawn")
STATE_ACTIVITIES = (*CHILD_PHASES, "waiting_staff", "waiting_family", "crisis_admission")
POINT_ACTIVITIES = ("family_found", "match_failed", "placement", "new_task", "crisis",
                    "breakdown")
#: The P&P vocabulary a case log's activities map onto.
CASE_ACTIVITIES: tuple[str, ...] = ("referral", *STATE_ACTIVITIES, *POINT_ACTIVITIES, *EXITS)
#: The vocabulary of the family log.
FAMILY_ACTIVITIES: tuple[str, ...] = ("interest", "screening_start", "approved", "rejected",
                                      "matched", "left")
ATTRIBUTES = ("age", "birth_date", "source", "intensity", "complexity")
ATTRIBUTE_VALUES = {
    "source": ("own_groups", "regular_foster", "other_facility"),
    "intensity": ("full_week", "five_days", "two_days", "holidays"),
    "complexity": ("low", "medium", "high"),
}

#: Accepted column names (lower case) -> the schema's name.
ALIASES = {
    "case_id": "case_id", "case:concept:name": "case_id", "case": "case_id",
    "family_id": "case_id", "family": "case_id",
    "activity": "activity", "concept:name": "activity",
    "timestamp": "timestamp", "time:timestamp": "timestamp", "date": "timestamp",
    "week": "week",
    "lifecycle": "lifecycle", "lifecycle:transition": "lifecycle",
    "resource": "resource", "org:resource": "resource",
    **{a: a for a in ATTRIBUTES}, **{f"case:{a}": a for a in ATTRIBUTES},
}
#: The largest log read (bytes), checked from the file's size before it is parsed; a
#: bigger one is refused with this number. Logs are read in chunks: a 200 MB log peaked at
#: the resident memory in calibration/README.md, within the 1 GiB target. A P&P programme
#: with 1,000 referrals a year logs about 1 MB a year, so this is decades of a large
#: programme even with many extra columns. Callers may pass ``max_bytes`` instead.
MAX_LOG_BYTES = 256 * 1024 * 1024
#: The most events a log may hold: the fits keep a few hundred bytes per event, so this
#: bounds a calibration's memory whatever the width of the file's rows (measured: see
#: calibration/README.md). Reading stops with a refusal at the first chunk beyond it.
MAX_EVENTS = 1_500_000
#: Small side files read whole (hours, children.csv): their ceiling (bytes).
MAX_TABLE_BYTES = 64 * 1024 * 1024
#: Plausible event dates (inclusive) unless the caller gives another window: P&P began in
#: the 2000s; 1990 leaves room for older records. The end is today plus one year.
EARLIEST_DATE = "1990-01-01"
#: The project's own events.csv (``pnp-sim run --out``): these columns.
MODEL_EVENT_COLUMNS = {"rep", "child", "week", "event", "phase", "detail"}


def new_key() -> str:
    """A fresh pseudonymisation key (64 hex characters) for the user to keep."""
    return secrets.token_hex(32)


def pseudonym(key: str, value: Any) -> str:
    """Keyed hash of an identifier: the same id and key always give the same pseudonym."""
    mac = hmac.new(key.encode(), str(value).encode(), hashlib.sha256)
    return mac.hexdigest()[:16]


def log_digest(data: bytes) -> str:
    """Short SHA-256 of the raw file, to name the log a calibration came from."""
    return hashlib.sha256(data).hexdigest()[:12]


# --------------------------------------------------------------------------- mapping


@dataclass
class Mapping:
    """An organisation's names -> the P&P vocabulary (``calibration/examples/mapping.yaml``)."""

    columns: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    family_activities: dict[str, str] = field(default_factory=dict)


def load_mapping(data: bytes | str | None, source: str = "<mapping>") -> Mapping:
    """Parse and check a mapping file; errors name the file and the entry."""
    if data is None:
        return Mapping()
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise fail(source, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise fail(source, "expected a mapping with 'activities' (and optionally 'columns', "
                           "'ignore', 'values', 'family_activities')")
    known = {"columns", "activities", "ignore", "values", "family_activities"}
    problems = [Problem(None, str(k), f"unknown section; expected one of {sorted(known)}")
                for k in raw if k not in known]

    def table(name: str, allowed: tuple[str, ...], part: Any = None) -> dict[str, str]:
        part = (raw.get(name) if part is None else part) or {}
        if not isinstance(part, dict):
            problems.append(Problem(None, name, "expected a mapping of name: value"))
            return {}
        out = {}
        for k, v in part.items():
            if str(v) not in allowed:
                problems.append(Problem(None, f"{name}.{k}", f"unknown target {v!r}"
                                        + did_you_mean(str(v), allowed)
                                        + f" (expected one of: {', '.join(allowed)})"))
            out[str(k)] = str(v)
        return out

    targets = tuple(sorted(set(ALIASES.values()) | {"rep"}))
    mapping = Mapping(
        columns=table("columns", targets),
        activities=table("activities", CASE_ACTIVITIES),
        ignore={str(x) for x in raw.get("ignore") or []},
        family_activities=table("family_activities", FAMILY_ACTIVITIES),
    )
    values = raw.get("values") or {}
    for attr, part in (values.items() if isinstance(values, dict) else []):
        if attr not in ATTRIBUTE_VALUES:
            problems.append(Problem(None, f"values.{attr}",
                                    f"expected one of {sorted(ATTRIBUTE_VALUES)}"))
            continue
        mapping.values[attr] = table(f"values.{attr}", ATTRIBUTE_VALUES[attr], part)
    if problems:
        raise LogError(source, problems)
    return mapping


# --------------------------------------------------------------------------- tables


def _read_xes(data: bytes, source: str) -> pd.DataFrame:
    """A minimal XES reader (the IEEE 1849 XML event-log format): one row per event, trace
    attributes as ``case:<key>`` columns. Uses the standard library's XML parser."""
    rows: list[dict[str, Any]] = []
    trace_attrs: dict[str, Any] = {}
    depth_event = False
    event: dict[str, Any] = {}
    try:
        for action, elem in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = elem.tag.rsplit("}", 1)[-1]
            if action == "start":
                if tag == "trace":
                    trace_attrs = {}
                elif tag == "event":
                    depth_event = True
                    event = {}
                continue
            if tag in ("string", "date", "int", "float", "boolean", "id"):
                key, value = elem.get("key"), elem.get("value")
                if key is not None:
                    if depth_event:
                        event[key] = value
                    else:
                        trace_attrs[f"case:{key}"] = value
            elif tag == "event":
                rows.append({**trace_attrs, **event})
                depth_event = False
                elem.clear()
            elif tag == "trace":
                elem.clear()
    except ET.ParseError as exc:
        raise fail(source, f"not valid XES/XML: {exc}") from None
    return pd.DataFrame(rows)


def read_table(data: bytes, source: str) -> tuple[pd.DataFrame, int]:
    """A small file (hours, children.csv) as one table of text, and the offset from row index
    to the file's row number (CSV: 2, the header being row 1; Parquet and XES: 1). Logs are
    read in chunks instead (:func:`read_case_log`)."""
    check_size(len(data), source, MAX_TABLE_BYTES, "files")
    table = open_table(data, source, _read_xes)
    frames = list(table.chunks())
    frame = (pd.concat(frames) if frames
             else pd.DataFrame(columns=table.columns, dtype=object))
    return frame, table.offset


def check_size(size: int, source: str, limit: int | None = None, what: str = "logs") -> None:
    """Refuse a file above ``limit`` (default :data:`MAX_LOG_BYTES`) before it is parsed."""
    limit = MAX_LOG_BYTES if limit is None else limit
    if size > limit:
        ceiling = f"{limit / 2**20:.0f} MiB" if limit >= 2**20 else f"{limit} bytes"
        raise fail(source, f"the file is {size / 2**20:.0f} MiB; {what} up to {ceiling} are "
                           "read. Split it by period (a "
                           "calibration needs a few recent years), or keep only the columns "
                           "of the case-log format")


def _size(data: bytes | str | Path, source: str, limit: int | None) -> bytes | Path:
    """The log's bytes or path, its size checked before anything is parsed."""
    if isinstance(data, bytes):
        check_size(len(data), source, limit)
        return data
    try:
        check_size(Path(data).stat().st_size, source, limit)
    except OSError as exc:
        raise fail(source, f"cannot read file: {exc.strerror or exc}") from None
    return Path(data)


def _count(rows: int, source: str, limit: int | None) -> None:
    """Refuse a log with more rows than ``limit`` (default :data:`MAX_EVENTS`) as soon as a
    chunk passes it, before more is read."""
    limit = MAX_EVENTS if limit is None else limit
    if rows > limit:
        raise fail(source, f"the log has more than {limit:,} events; calibration reads up to "
                           f"{limit:,} (its memory grows with them). Export a few recent "
                           "years (a calibration needs no more), or split it by period")


def _schema(columns: list[str], mapping: Mapping) -> dict[int, str]:
    """Column position -> schema name for the known columns (the first of each name); every
    other column (free text, names) is never parsed."""
    chosen: dict[int, str] = {}
    for i, col in enumerate(columns):
        target = mapping.columns.get(col) or ALIASES.get(col.strip().lower())
        if col in MODEL_EVENT_COLUMNS:
            target = col
        if target and target != "resource" and target not in chosen.values():
            chosen[i] = target  # staff ids are not used: never kept
    return chosen


# --------------------------------------------------------------------------- case log


@dataclass
class CaseLog:
    """A pseudonymised case log in P&P terms, times in weeks since ``origin``."""

    events: pd.DataFrame  # case, activity, t, lifecycle, row
    cases: pd.DataFrame  # index case; age, birth, source, intensity, complexity
    source: str
    digest: str
    origin: pd.Timestamp | None
    end: float
    row_offset: int = 2
    #: Independent copies of the programme side by side in the log (the replications of a
    #: pnp-sim events.csv): rates per year are divided by it.
    parallel: int = 1
    #: For a week-numbered log: the week number of its first event (times count from it).
    week0: float = 0.0
    #: What reading did that the user should know (dropped duplicates), in plain words.
    notes: list[str] = field(default_factory=list)

    @property
    def n_cases(self) -> int:
        return int(self.events["case"].nunique())

    def date(self, week: float) -> str:
        if self.origin is None:
            return f"week {week + self.week0:g}"
        return str((self.origin + pd.Timedelta(days=7 * week)).date())

    def week(self, date: str) -> float:
        """Weeks since the origin of a date (or a number of weeks, for week-based logs)."""
        if self.origin is None:
            return float(date) - self.week0
        return float((pd.Timestamp(date) - self.origin) / pd.Timedelta(days=7))


@dataclass
class FamilyLog:
    events: pd.DataFrame  # case, activity, t, row
    source: str
    digest: str
    end: float
    notes: list[str] = field(default_factory=list)


@dataclass
class TimeRules:
    """How times are read: the date format (None: detected from the whole column), the
    plausible window of dates, and what to do with duplicate events."""

    date_format: str | None = None
    earliest: str = EARLIEST_DATE
    latest: str | None = None  # default: today plus one year
    drop_duplicates: bool = False

    def window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        latest = (pd.Timestamp(self.latest) if self.latest
                  else pd.Timestamp.today().normalize() + pd.DateOffset(years=1))
        return pd.Timestamp(self.earliest), latest




def _need(found: Iterable[str], columns: tuple[str, ...], source: str) -> None:
    found = list(found)
    missing = [c for c in columns if c not in found]
    if missing:
        raise LogError(source, [Problem(None, c, "required column is missing (found: "
                                        + ", ".join(_header(str(h)) for h in found)
                                        + ")") for c in missing])


def _header(name: str) -> str:
    """A column name as shown in a message: a header line of data (a file without a
    header) would put a child's id or date there, so names with digits show their shape."""
    return name if not any(ch.isdigit() for ch in name) and len(name) <= 40 else shape(name)


def _from_model_events(frame: pd.DataFrame) -> pd.DataFrame:
    """The project's own events.csv as a case log: case = (rep, child), times in weeks."""
    event = frame["event"].astype(str)
    phase = frame["phase"].fillna("").astype(str)
    detail = frame["detail"].fillna("").astype(str)
    activity = event.where(~event.isin(["enter", "exit"]), phase)
    activity = activity.where(event != "exit", detail)
    out = pd.DataFrame({
        "case_id": frame["rep"].astype(str) + ":" + frame["child"].astype(str),
        "activity": activity,
        "week": frame["week"],
    })
    out["source"] = detail.where(event == "referral", None)
    return _objects(out)


def _chunks(table: Table, chosen: dict[int, str], key: str) -> Iterator[pd.DataFrame]:
    """The log's chunks with schema names, the child ids of a model events.csv hashed."""
    for chunk in table.chunks(list(chosen)):
        chunk.columns = list(chosen.values())
        if "child" in chunk.columns:
            chunk["child"] = _hash(chunk["child"], key)
        yield chunk


def _hash(ids: pd.Series, key: str) -> pd.Series:
    """Keyed hashes of a column of identifiers (each distinct value hashed once)."""
    local, uniques = pd.factorize(ids.to_numpy(dtype=object))
    names = np.array([pseudonym(key, u) for u in uniques] + [None], dtype=object)
    return pd.Series(names[local], index=ids.index)


def _time_column(present: list[str]) -> str:
    return "week" if "timestamp" not in present else "timestamp"


def read_case_log(
    data: bytes | str | Path,
    source: str,
    key: str,
    mapping: Mapping | None = None,
    *,
    children: bytes | None = None,
    origin: pd.Timestamp | None = None,
    end: float | None = None,
    rules: TimeRules | None = None,
    max_bytes: int | None = None,
    max_events: int | None = None,
) -> CaseLog:
    """Read, pseudonymise, map and check a case log (its bytes, or a path to read it from
    in chunks). Raises :class:`LogError` naming the file, row and column of every problem
    found (never the content of an identifying cell). ``max_bytes`` and ``max_events``:
    the ceilings (default :data:`MAX_LOG_BYTES`, :data:`MAX_EVENTS`)."""
    mapping = mapping or Mapping()
    rules = rules or TimeRules()
    _check_key(key)
    table = open_table(_size(data, source, max_bytes), source, _read_xes)
    chosen = _schema(table.columns, mapping)
    model_format = set(chosen.values()) >= MODEL_EVENT_COLUMNS
    kids = _model_children(children, key) if model_format and children is not None else None
    present = (["case_id", "activity", "week", "source"]
               + ([c for c in kids.columns if c != "case_id"] if kids is not None else [])
               if model_format else list(chosen.values()))
    _need(present, ("case_id", "activity"), source)
    if "timestamp" not in present and "week" not in present:
        _need(present, ("timestamp",), source)
    time = TimeColumn(source, _time_column(present), rules.date_format)
    events = Events(source, key, CASE_ACTIVITIES, mapping.activities, mapping.ignore, time,
                    hash_ids=not model_format)
    lo = pd.Timestamp(EARLIEST_DATE) - pd.DateOffset(years=25)
    attributes = Attributes(source, key, ATTRIBUTE_VALUES, mapping.values,
                            (lo, pd.Timestamp.today() + pd.DateOffset(years=1)))
    reps: set[str] = set()
    for chunk in _chunks(table, chosen, key):
        if model_format:
            reps.update(chunk["rep"].dropna().unique())
            chunk = _from_model_events(chunk)
            if kids is not None:
                chunk = _objects(chunk.reset_index().merge(kids, on="case_id", how="left")
                                 .set_index("index"))
                chunk["source"] = chunk["source"].fillna(chunk.pop("source_c"))
                chunk = _objects(chunk)
        _count(events.n + len(chunk), source, max_events)
        rows = chunk.index.to_numpy() + table.offset
        codes, keep = events.add(chunk, rows)
        attributes.add(chunk, rows, codes, keep)
    if events.n == 0:
        raise fail(source, "the log has a header but no events")
    problems: list[Problem] = []
    t, start, week0 = time.finish(problems, origin, rules.window())
    problems += events.problems(False, [*CASE_ACTIVITIES, *mapping.activities])
    coded = events.coded(t, table.offset)
    notes: list[str] = []
    coded = _checked(coded, events, rules, problems, notes)
    if not problems and not len(coded.case):
        problems.append(Problem(None, "activity", "no events left after 'ignore'"))
    if problems:
        raise LogError(source, sorted(problems, key=lambda p: (p.row or 0)))
    cases = _case_table(attributes.finish(events.names, start), coded, events.names)
    frame = coded.frame(events.names, CASE_ACTIVITIES)
    log_end = float(coded.t.max()) if end is None else end
    return CaseLog(frame, cases, source, table.digest, start, log_end, table.offset,
                   max(len(reps), 1), week0, notes)


def _checked(coded: Coded, events: Events, rules: TimeRules, problems: list[Problem],
             notes: list[str]) -> Coded:
    """Duplicates (refused, or dropped with a note), then time order; no check runs on a
    log that already has problems (its times may be unknown)."""
    if not problems:
        states = np.isin(np.array(events.vocabulary), STATE_ACTIVITIES)
        coded = duplicates(coded, states, rules.drop_duplicates, problems, notes)
    if not problems:
        check_order(coded, events.names, events.vocabulary,
                    events.vocabulary.index("referral") if "referral" in events.vocabulary
                    else -1, problems)
    return coded


def _model_children(children: bytes, key: str) -> pd.DataFrame:
    """Case attributes from the model's children.csv (same ``rep`` and ``child``)."""
    kids, _ = read_table(children, "children.csv")
    kids = kids.astype("string")
    ids = kids["rep"] + ":" + kids["child"].map(lambda v: pseudonym(key, v))
    return _objects(pd.DataFrame({"case_id": ids, "age": kids["age"],
                                  "intensity": kids["intensity"],
                                  "complexity": kids["complexity"],
                                  "source_c": kids["source"]}))


def _case_table(firsts: pd.DataFrame, coded: Coded, names: list[str]) -> pd.DataFrame:
    """One row per case, in order of its first event: age at referral, birth week, source,
    intensity, complexity and the referral (or first event) time ``t0``."""
    _, first = np.unique(coded.case, return_index=True)
    codes = coded.case[np.sort(first)]
    frame = pd.DataFrame({"case": coded.case, "t": coded.t})
    first_t = frame.groupby("case", sort=False)["t"].min()
    ref = frame[coded.act == CASE_ACTIVITIES.index("referral")].groupby("case")["t"].min()
    t0 = ref.reindex(first_t.index).fillna(first_t).reindex(codes)
    out = firsts.iloc[codes].copy()
    out["t0"] = t0.to_numpy()
    # a birth week from the age at referral, mid-year, where no birth date is given
    guess = out["t0"] - (out["age"] + 0.5) * 52.0
    out["birth"] = out["birth"].fillna(guess)
    with_birth = out["birth"].notna() & out["age"].isna()
    out.loc[with_birth, "age"] = np.floor((out.loc[with_birth, "t0"]
                                           - out.loc[with_birth, "birth"]) / 52.0)
    return out


def read_family_log(data: bytes | str | Path, source: str, key: str,
                    mapping: Mapping | None = None, origin: pd.Timestamp | None = None,
                    end: float | None = None, rules: TimeRules | None = None,
                    week0: float | None = None, max_bytes: int | None = None,
                    max_events: int | None = None) -> FamilyLog:
    """Read, pseudonymise and check a family log (interest, screening, approval, leaving),
    on the case log's clock (``origin`` for dates, ``week0`` for week numbers)."""
    mapping = mapping or Mapping()
    rules = rules or TimeRules()
    _check_key(key)
    table = open_table(_size(data, source, max_bytes), source, _read_xes)
    chosen = _schema(table.columns, mapping)
    present = list(chosen.values())
    _need(present, ("case_id", "activity"), source)
    if "timestamp" not in present and "week" not in present:
        _need(present, ("timestamp",), source)
    time = TimeColumn(source, _time_column(present), rules.date_format)
    events = Events(source, key, FAMILY_ACTIVITIES, mapping.family_activities, mapping.ignore,
                    time)
    for chunk in _chunks(table, chosen, key):
        _count(events.n + len(chunk), source, max_events)
        events.add(chunk, chunk.index.to_numpy() + table.offset, lifecycle=False)
    if events.n == 0:
        raise fail(source, "the log has a header but no events")
    problems: list[Problem] = []
    t, _, _ = time.finish(problems, origin, rules.window(), week0)
    problems += events.problems(True, list(FAMILY_ACTIVITIES))
    coded = events.coded(t, table.offset)
    notes: list[str] = []
    coded = _checked(coded, events, rules, problems, notes)
    if problems:
        raise LogError(source, problems)
    frame = coded.frame(events.names, FAMILY_ACTIVITIES).drop(columns=["lifecycle"])
    log_end = float(coded.t.max()) if end is None else end
    return FamilyLog(frame, source, table.digest, log_end, notes)


def read_path(path: str | Path) -> bytes:
    """The bytes of a small input file (mapping, hours), or a LogError naming it."""
    try:
        check_size(Path(path).stat().st_size, str(path))
        return Path(path).read_bytes()
    except OSError as exc:
        raise fail(str(path), f"cannot read file: {exc.strerror or exc}") from None


def _check_key(key: str) -> None:
    problem = key_problem(key)
    if problem:
        raise fail("pseudonymisation key", problem, what="this key")
