"""Reading an organisation's logs: CSV, Parquet or XES in, identifiers pseudonymised at once.

The order matters for privacy: the file is parsed into a table, and *before anything else*
only the known columns are kept (free text, names and every other column are dropped) and the
case, family and resource identifiers are replaced by keyed hashes (HMAC-SHA256 with a key
the user keeps). Nothing of the raw log is ever written anywhere; the caller holds the bytes.

The column schema follows process-mining conventions (XES keys are accepted as aliases);
see ``calibration/README.md`` for the full format.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import io
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from calibration.errors import LogError, Problem, fail
from calibration.privacy import MIN_CASES, key_problem, redact, shape
from sim.domain import CHILD_PHASES
from sim.inputs import did_you_mean

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
#: The largest log read (bytes). Reading is in memory; a 63 MiB log peaked at 933 MiB
#: resident in a full calibration (measured, see calibration/README.md), under the 1 GiB
#: target. A P&P
#: programme with 1,000 referrals a year logs about 1 MB a year, so this is decades of a
#: large programme; a bigger file is refused with this number before it is read.
MAX_LOG_BYTES = 64 * 1024 * 1024
#: Plausible event dates (inclusive) unless the caller gives another window: P&P began in
#: the 2000s; 1990 leaves room for older records. The end is today plus one year.
EARLIEST_DATE = "1990-01-01"
#: A week-numbered log may span at most this many weeks (100 years): a larger week is a
#: typing or export error (and an astronomic one, such as 1e308, would hang the fits).
MAX_WEEKS = 5200.0
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
    """The file as a table of text, and the offset from row index to the file's row number
    (CSV: 2, the header being row 1; Parquet and XES: 1, the record number)."""
    check_size(len(data), source)
    name = source.lower()
    if name.endswith(".xes"):
        return _read_xes(data, source).astype("string"), 1
    if name.endswith((".parquet", ".pq")):
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - any reader error is the file's fault
            raise fail(source, f"not a readable Parquet file: {exc}") from None
        return frame.astype("string"), 1
    skipped = 0  # leading comment lines (such as the synthetic examples' label)
    start = 0
    while data[start:start + 1] == b"#":
        nl = data.find(b"\n", start)
        start = len(data) if nl < 0 else nl + 1
        skipped += 1
    if data[start:start + 2] in (b"\xff\xfe", b"\xfe\xff"):
        raise fail(source, "this file is UTF-16 text; save it as 'CSV UTF-8' (in Excel: Save "
                           "As, then 'CSV UTF-8 (comma delimited)') and try again")
    head = data[start:start + 4096].decode("utf-8", errors="ignore").splitlines()[:1]
    counts = {d: head[0].count(d) for d in ",;\t|"} if head else {",": 1}
    sep = max(counts, key=lambda d: counts[d])  # the header's most frequent delimiter
    body = data[start:]
    if not body.strip():
        raise fail(source, "the file is empty (expected a header line and one row per event)")
    for encoding in ("utf-8-sig", "cp1252"):  # UTF-8 (with or without BOM), then Windows
        try:
            frame = pd.read_csv(io.BytesIO(body), dtype="string", keep_default_na=False,
                                na_values=[""], sep=sep, encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
        except Exception as exc:  # noqa: BLE001
            raise fail(source, f"not a readable CSV file: {type(exc).__name__}") from None
    else:
        raise fail(source, "the file is neither UTF-8 nor Windows (cp1252) text; save it as "
                           "'CSV UTF-8' and try again")
    return frame, 2 + skipped


def check_size(size: int, source: str) -> None:
    """Refuse a log above :data:`MAX_LOG_BYTES` before it is parsed."""
    if size > MAX_LOG_BYTES:
        raise fail(source, f"the file is {size / 2**20:.0f} MiB; logs up to "
                           f"{MAX_LOG_BYTES // 2**20} MiB are read. Split it by period (a "
                           "calibration needs a few recent years), or keep only the columns "
                           "of the case-log format")


def _rename(frame: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """Schema names for the known columns; every other column is dropped here."""
    renamed: dict[str, str] = {}
    for col in frame.columns:
        target = mapping.columns.get(str(col)) or ALIASES.get(str(col).strip().lower())
        if str(col) in MODEL_EVENT_COLUMNS:
            target = str(col)
        if target and target not in renamed.values():
            renamed[str(col)] = target
    return _objects(frame[list(renamed)].rename(columns=renamed))


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values, None where missing (whatever string type the reader chose)."""
    out = frame.astype(object)
    return out.where(out.notna(), None)


def pseudonymise(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Identifiers replaced by keyed hashes; the first thing done to a freshly read table."""
    out = frame.copy()
    for col in ("case_id", "child", "resource"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: pseudonym(key, v) if pd.notna(v) else v)
    return out


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


DAY_MONTH = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})"


def detect_dayfirst(text: pd.Series, source: str, column: str) -> bool | None:
    """Whether the column's dd/mm or mm/dd dates put the day first, judged on the whole
    column: None when there are none; a refusal when the column cannot tell (every part at
    most 12) or mixes both orders."""
    parts = text.dropna().astype(str).str.extract(DAY_MONTH)
    parts = parts.dropna()
    if parts.empty:
        return None
    first = parts[0].astype(int)
    second = parts[1].astype(int)
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        raise fail(source, "the dates mix day-first (31/01/2021) and month-first (01/31/2021) "
                           "forms; use one form, or ISO dates (2021-01-31)", column=column)
    if not (day_first or month_first):
        raise fail(source, "the dates could be day-first (dd/mm/yyyy) or month-first "
                           "(mm/dd/yyyy): no day above 12 tells them apart. Say which with "
                           "--date-format %d/%m/%Y (or %m/%d/%Y), or use ISO dates "
                           "(2021-01-31)", column=column)
    return day_first


def parse_dates(text: pd.Series, source: str, column: str,
                date_format: str | None) -> pd.Series:
    """Dates (UTC-naive) from text: the given format, else ISO 8601, else the dd/mm or
    mm/dd order that the whole column shows (see :func:`detect_dayfirst`)."""
    if date_format:
        stamps = pd.to_datetime(text, format=date_format, errors="coerce", utc=True)
    else:
        stamps = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        rest = stamps.isna() & text.notna()
        if rest.any():
            dayfirst = detect_dayfirst(text[rest], source, column)
            other = pd.to_datetime(text[rest], format="mixed", dayfirst=bool(dayfirst),
                                   errors="coerce", utc=True)
            stamps = stamps.astype(other.dtype)
            stamps[rest] = other
    return stamps.dt.tz_convert(None)


def _times(frame: pd.DataFrame, source: str, offset: int, problems: list[Problem],
           origin: pd.Timestamp | None, rules: TimeRules | None = None,
           week0: float | None = None) -> tuple[np.ndarray, pd.Timestamp | None, float]:
    """Times in weeks since the log's window start, the window's start date (date logs) and
    the week number it corresponds to (week logs): a numeric ``week`` column, or dates.

    Impossible times are refused with their row: non-finite or negative weeks, weeks beyond
    :data:`MAX_WEEKS`, dates outside the plausible window. A week log's window starts at its
    first event (as a date log's does), so a log numbered from week 1000 is read right."""
    rules = rules or TimeRules()
    column = "week" if "timestamp" not in frame.columns else "timestamp"
    text = frame[column]
    numeric = pd.to_numeric(text, errors="coerce")
    if column == "week" or numeric.notna().all():
        weeks = numeric.to_numpy(dtype=float)
        bad = ~np.isfinite(weeks) | (weeks < 0) | (weeks > MAX_WEEKS)
        for i in np.flatnonzero(bad)[:20]:
            what = ("not a number" if np.isnan(weeks[i]) else "not finite"
                    if not np.isfinite(weeks[i]) else "negative" if weeks[i] < 0
                    else f"above {MAX_WEEKS:g} (100 years)")
            problems.append(Problem(int(i) + offset, column,
                                    f"expected a number of weeks from 0 to {MAX_WEEKS:g}; "
                                    f"this one is {what}"))
        if bad.sum() > 20:
            problems.append(Problem(None, column, f"{int(bad.sum())} impossible week numbers "
                                                  "in all"))
        if bad.any() or len(weeks) == 0:
            return weeks, None, 0.0
        w0 = float(weeks.min()) if week0 is None else week0
        return weeks - w0, None, w0
    try:
        stamps = parse_dates(text, source, column, rules.date_format)
    except LogError as exc:
        problems.extend(exc.problems)
        return np.full(len(frame), np.nan), None, 0.0
    bad = stamps.isna().to_numpy() & text.notna().to_numpy()
    for i in np.flatnonzero(bad)[:20]:
        problems.append(Problem(int(i) + offset, column,
                                "expected a date such as 2021-03-15 (or 2021-03-15T09:30)"
                                + (f" in the form {rules.date_format}" if rules.date_format
                                   else "") + f", got a value shaped {shape(text.iloc[i])!r}"))
    lo, hi = rules.window()
    outside = ((stamps < lo) | (stamps > hi)).to_numpy() & ~bad
    for i in np.flatnonzero(outside)[:20]:
        problems.append(Problem(int(i) + offset, column,
                                f"a date outside the plausible window {lo.date()} to "
                                f"{hi.date()} (year {stamps.iloc[i].year}); correct it, or "
                                "widen the window with --earliest/--latest"))
    if outside.sum() > 20:
        problems.append(Problem(None, column, f"{int(outside.sum())} dates outside the window "
                                              "in all"))
    missing = stamps.isna().to_numpy()
    for i in np.flatnonzero(missing & ~bad)[:20]:
        problems.append(Problem(int(i) + offset, column, "empty date"))
    if missing.all() or outside.any():
        return np.full(len(frame), np.nan), None, 0.0
    first = stamps.min() if origin is None else origin
    start = pd.Timestamp(first).normalize()
    weeks = ((stamps - start) / pd.Timedelta(days=7)).to_numpy(dtype=float)
    return weeks, start, 0.0


def _need(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LogError(source, [Problem(None, c, "required column is missing (found: "
                                        + ", ".join(_header(str(h)) for h in frame.columns)
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


def attach_model_children(frame: pd.DataFrame, children: pd.DataFrame, key: str) -> pd.DataFrame:
    """Case attributes from the model's children.csv (same ``rep`` and ``child``)."""
    kids = children.astype("string")
    ids = kids["rep"] + ":" + kids["child"].map(lambda v: pseudonym(key, v))
    attrs = pd.DataFrame({"case_id": ids, "age": kids["age"],
                          "intensity": kids["intensity"], "complexity": kids["complexity"],
                          "source_c": kids["source"]})
    out = frame.merge(attrs, on="case_id", how="left")
    out["source"] = out["source"].fillna(out.pop("source_c"))
    return _objects(out)


def read_case_log(
    data: bytes,
    source: str,
    key: str,
    mapping: Mapping | None = None,
    *,
    children: bytes | None = None,
    origin: pd.Timestamp | None = None,
    end: float | None = None,
    rules: TimeRules | None = None,
) -> CaseLog:
    """Read, pseudonymise, map and check a case log. Raises :class:`LogError` naming the file,
    row and column of every problem found (never the content of an identifying cell)."""
    mapping = mapping or Mapping()
    rules = rules or TimeRules()
    _check_key(key)
    raw, offset = read_table(data, source)
    frame = pseudonymise(_rename(raw, mapping), key)
    del raw  # only the pseudonymised, reduced table is kept
    model_format = set(frame.columns) >= MODEL_EVENT_COLUMNS
    parallel = int(frame["rep"].nunique()) if model_format else 1
    if model_format:
        frame = _from_model_events(frame)
        if children is not None:
            kids, _ = read_table(children, "children.csv")
            frame = attach_model_children(frame, kids, key)
    _need(frame, ("case_id", "activity"), source)
    if "timestamp" not in frame.columns and "week" not in frame.columns:
        _need(frame, ("timestamp",), source)
    if len(frame) == 0:
        raise fail(source, "the log has a header but no events")
    problems: list[Problem] = []
    t, start, week0 = _times(frame, source, offset, problems, origin, rules)
    acts = frame["activity"].map(lambda a: str(a).strip() if a is not None else None)
    mapped = acts.map(lambda a: mapping.activities.get(a, a) if a is not None else a)
    keep = ~acts.isin(list(mapping.ignore)).to_numpy()
    lifecycle = (frame["lifecycle"].map(lambda v: str(v).strip().lower() if v else "start")
                 if "lifecycle" in frame.columns else pd.Series("start", index=frame.index))
    choices = [*CASE_ACTIVITIES, *mapping.activities]
    unknown = keep & ~mapped.isin(CASE_ACTIVITIES).to_numpy()
    common = common_values(acts[unknown], frame["case_id"][unknown], choices)
    for i in np.flatnonzero(unknown)[:50]:
        a = mapped.iloc[i]
        shown = str(a) in common
        problems.append(Problem(int(i) + offset, "activity",
                                f"unknown activity {redact(acts.iloc[i], key, common)}"
                                + (did_you_mean(str(a), choices, cutoff=0.5) if shown else "")
                                + " (map it in the mapping file, or list it under 'ignore')"))
    bad_lc = keep & ~lifecycle.isin(["start", "complete"]).to_numpy()
    common = common_values(lifecycle[bad_lc], frame["case_id"][bad_lc])
    for i in np.flatnonzero(bad_lc)[:20]:
        problems.append(Problem(int(i) + offset, "lifecycle", "expected 'start' or "
                                f"'complete', got {redact(lifecycle.iloc[i], key, common)}"))
    for i in np.flatnonzero(keep & frame["case_id"].isna().to_numpy())[:20]:
        problems.append(Problem(int(i) + offset, "case_id", "empty case id"))
    events = pd.DataFrame({"case": frame["case_id"], "activity": mapped, "t": t,
                           "lifecycle": lifecycle, "row": np.arange(len(frame)) + offset})
    events = events[keep]
    notes: list[str] = []
    if not problems:
        events = _duplicates(events, rules, problems, notes)
    if not problems:
        _check_order(events, problems)
    if not problems and not len(events):
        problems.append(Problem(None, "activity", "no events left after 'ignore'"))
    if problems:
        raise LogError(source, sorted(problems, key=lambda p: (p.row or 0)))
    cases = _case_attributes(frame.loc[events.index], events, mapping, offset, source, start,
                             key)
    log_end = float(events["t"].max()) if end is None else end
    return CaseLog(events.reset_index(drop=True), cases, source, log_digest(data), start,
                   log_end, offset, max(parallel, 1), week0, notes)


def _check_key(key: str) -> None:
    problem = key_problem(key)
    if problem:
        raise fail("pseudonymisation key", problem, what="this key")


def common_values(values: pd.Series, cases: pd.Series,
                  vocabulary: tuple[str, ...] | list[str] = ()) -> set[str]:
    """The values safe to show: those in at least :data:`MIN_CASES` different cases, and
    near-misses of a vocabulary word (a typo such as 'prematchng', not an identifier)."""
    if not len(values):
        return set()
    n = pd.DataFrame({"v": values.astype(str), "c": cases}).groupby("v")["c"].nunique()
    near = {v for v in n.index
            if vocabulary and difflib.get_close_matches(v, vocabulary, 1, 0.8)}
    return set(n.index[n >= MIN_CASES]) | near


def _duplicates(events: pd.DataFrame, rules: TimeRules, problems: list[Problem],
                notes: list[str]) -> pd.DataFrame:
    """Events repeated exactly (same case, activity, time and lifecycle): refused with their
    count and the first rows, or dropped with a count when ``rules.drop_duplicates``. A
    repeated referral would double the referral rate; a repeated breakdown its hazard."""
    key = ["case", "activity", "t", "lifecycle"]
    dup = events.duplicated(key, keep="first").to_numpy()
    if dup.any():
        # a state entered twice at one moment with other events between is a real path (a
        # breakdown, a wait for a family and a family found in the same minute): only an
        # immediate repeat counts; a point event (a referral, a breakdown) never repeats
        prev = events.groupby("case", sort=False)[key[1:]].shift()
        same_as_prev = (prev[key[1:]].to_numpy() == events[key[1:]].to_numpy()).all(axis=1)
        state = events["activity"].isin(STATE_ACTIVITIES).to_numpy()
        dup = dup & (~state | same_as_prev)
    n = int(dup.sum())
    if n == 0:
        return events
    if rules.drop_duplicates:
        notes.append(f"{n} duplicate events (same case, activity, time and lifecycle as an "
                     "earlier row) were dropped")
        return events[~dup]
    firsts = events[~events.duplicated(key, keep=False) | ~dup].drop_duplicates(key)
    first_row = firsts.set_index(key)["row"]
    for _, r in events[dup].head(5).iterrows():
        earlier = int(first_row.loc[tuple(r[k] for k in key)])
        problems.append(Problem(int(r["row"]), "", f"duplicate of row {earlier} (same case, "
                                "activity, time and lifecycle)"))
    problems.append(Problem(None, "", f"{n} duplicate events in all; remove them, or give "
                                      "--drop-duplicates to drop them (they are counted in "
                                      "the report)"))
    return events


def _check_order(events: pd.DataFrame, problems: list[Problem]) -> None:
    """Within a case, times never go back in file order, and nothing precedes the referral."""
    by_case = events.groupby("case", sort=False)
    prev_t = by_case["t"].shift()
    prev_row = by_case["row"].shift()
    back = (events["t"] < prev_t).to_numpy()
    for i in np.flatnonzero(back)[:20]:
        problems.append(Problem(int(events["row"].iloc[i]), "timestamp",
                                f"time goes back within case {events['case'].iloc[i]} (before "
                                f"the previous event of this case, row {int(prev_row.iloc[i])})"))
    refs = events[events["activity"] == "referral"]
    first_ref = refs.groupby("case")["t"].min()
    ref_row = refs.groupby("case")["row"].min()
    t_ref = events["case"].map(first_ref)
    early = ((events["t"] < t_ref) & (events["activity"] != "referral")).to_numpy()
    seen: set[str] = set()
    for i in np.flatnonzero(early):
        case = events["case"].iloc[i]
        if case in seen or len(seen) >= 20:
            continue
        seen.add(case)
        problems.append(Problem(int(events["row"].iloc[i]), "timestamp",
                                f"case {case}: {events['activity'].iloc[i]} before its referral "
                                f"(row {int(ref_row[case])})"))


def _case_attributes(frame: pd.DataFrame, events: pd.DataFrame, mapping: Mapping, offset: int,
                     source: str, start: pd.Timestamp | None, key: str) -> pd.DataFrame:
    """One row per case: age at referral, birth week, source, intensity, complexity."""
    problems: list[Problem] = []
    cols = {a: frame[a] if a in frame.columns else pd.Series(None, index=frame.index,
                                                              dtype=object)
            for a in ATTRIBUTES}
    attrs = pd.DataFrame({"case": frame["case_id"], **cols})
    for attr, allowed in ATTRIBUTE_VALUES.items():
        vals = attrs[attr].map(lambda v, a=attr: mapping.values.get(a, {}).get(v, v)
                               if pd.notna(v) else v)
        bad = vals.notna().to_numpy() & ~vals.isin(allowed).to_numpy()
        common = common_values(vals[bad], attrs["case"][bad], allowed)
        for i in np.flatnonzero(bad)[:5]:
            shown = str(vals.iloc[i]) in common
            problems.append(Problem(int(frame.index[i]) + offset, attr,
                                    f"unknown value {redact(vals.iloc[i], key, common)}"
                                    + (did_you_mean(str(vals.iloc[i]), allowed) if shown
                                       else "")
                                    + f" (expected one of: {', '.join(allowed)})"))
        attrs[attr] = vals
    age = pd.to_numeric(attrs["age"], errors="coerce")
    for i in np.flatnonzero(attrs["age"].notna().to_numpy() & age.isna().to_numpy())[:5]:
        problems.append(Problem(int(frame.index[i]) + offset, "age",
                                f"expected whole years, got {redact(attrs['age'].iloc[i], key)}"))
    birth = pd.Series(np.nan, index=attrs.index)
    if attrs["birth_date"].notna().any():
        try:
            stamps = parse_dates(attrs["birth_date"], source, "birth_date", None)
        except LogError as exc:
            raise LogError(source, exc.problems) from None
        for i in np.flatnonzero(attrs["birth_date"].notna().to_numpy()
                                & stamps.isna().to_numpy())[:5]:
            problems.append(Problem(int(frame.index[i]) + offset, "birth_date",
                                    "expected a date such as 2012-05-31"))
        lo = pd.Timestamp(EARLIEST_DATE) - pd.DateOffset(years=25)
        odd = ((stamps < lo) | (stamps > pd.Timestamp.today() + pd.DateOffset(years=1)))
        for i in np.flatnonzero(odd.to_numpy())[:5]:
            problems.append(Problem(int(frame.index[i]) + offset, "birth_date",
                                    f"a birth date outside {lo.date()} to next year"))
        if start is not None:
            birth = (stamps - start) / pd.Timedelta(days=7)
    if problems:
        raise LogError(source, problems)
    attrs["age"] = age
    attrs["birth"] = birth.astype(float)
    attrs = attrs.drop(columns=["birth_date"])
    firsts = attrs.groupby("case", sort=False).first()
    first_t = events.groupby("case", sort=False)["t"].min()
    ref = events[events["activity"] == "referral"].groupby("case")["t"].min()
    t0 = ref.reindex(first_t.index).fillna(first_t)
    out = firsts.reindex(first_t.index)
    out["t0"] = t0
    # a birth week from the age at referral, mid-year, where no birth date is given
    guess = t0 - (out["age"] + 0.5) * 52.0
    out["birth"] = out["birth"].fillna(guess)
    with_birth = out["birth"].notna() & out["age"].isna()
    out.loc[with_birth, "age"] = np.floor((t0[with_birth] - out.loc[with_birth, "birth"]) / 52.0)
    return out


def read_family_log(data: bytes, source: str, key: str, mapping: Mapping | None = None,
                    origin: pd.Timestamp | None = None, end: float | None = None,
                    rules: TimeRules | None = None, week0: float | None = None) -> FamilyLog:
    """Read, pseudonymise and check a family log (interest, screening, approval, leaving),
    on the case log's clock (``origin`` for dates, ``week0`` for week numbers)."""
    mapping = mapping or Mapping()
    rules = rules or TimeRules()
    _check_key(key)
    raw, offset = read_table(data, source)
    frame = pseudonymise(_rename(raw, mapping), key)
    del raw
    _need(frame, ("case_id", "activity"), source)
    if "timestamp" not in frame.columns and "week" not in frame.columns:
        _need(frame, ("timestamp",), source)
    if len(frame) == 0:
        raise fail(source, "the log has a header but no events")
    problems: list[Problem] = []
    t, _, _ = _times(frame, source, offset, problems, origin, rules, week0)
    acts = frame["activity"].map(lambda a: str(a).strip() if a is not None else None)
    mapped = acts.map(lambda a: mapping.family_activities.get(a, a) if a is not None else a)
    keep = ~acts.isin(list(mapping.ignore)).to_numpy()
    unknown = keep & ~mapped.isin(FAMILY_ACTIVITIES).to_numpy()
    common = common_values(acts[unknown], frame["case_id"][unknown], FAMILY_ACTIVITIES)
    for i in np.flatnonzero(unknown)[:50]:
        shown = str(mapped.iloc[i]) in common
        problems.append(Problem(int(i) + offset, "activity",
                                f"unknown family activity {redact(acts.iloc[i], key, common)}"
                                + (did_you_mean(str(mapped.iloc[i]), FAMILY_ACTIVITIES)
                                   if shown else "")
                                + f" (expected one of: {', '.join(FAMILY_ACTIVITIES)})"))
    events = pd.DataFrame({"case": frame["case_id"], "activity": mapped, "t": t,
                           "lifecycle": "start", "row": np.arange(len(frame)) + offset})[keep]
    notes: list[str] = []
    if not problems:
        events = _duplicates(events, rules, problems, notes)
    if not problems:
        _check_order(events, problems)
    if problems:
        raise LogError(source, problems)
    events = events.drop(columns=["lifecycle"])
    log_end = float(events["t"].max()) if end is None else end
    return FamilyLog(events.reset_index(drop=True), source, log_digest(data), log_end, notes)


def read_path(path: str | Path) -> bytes:
    """The bytes of an input file, or a LogError naming it."""
    try:
        check_size(Path(path).stat().st_size, str(path))
        return Path(path).read_bytes()
    except OSError as exc:
        raise fail(str(path), f"cannot read file: {exc.strerror or exc}") from None
