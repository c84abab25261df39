"""Reading an organisation's logs: CSV, Parquet or XES in, identifiers pseudonymised at once.

The order matters for privacy: the file is parsed into a table, and *before anything else*
only the known columns are kept (free text, names and every other column are dropped) and the
case, family and resource identifiers are replaced by keyed hashes (HMAC-SHA256 with a key
the user keeps). Nothing of the raw log is ever written anywhere; the caller holds the bytes.

The column schema follows process-mining conventions (XES keys are accepted as aliases);
see ``calibration/README.md`` for the full format.
"""

from __future__ import annotations

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
    head = data[start:start + 4096].decode("utf-8", errors="ignore").splitlines()[:1]
    counts = {d: head[0].count(d) for d in ",;\t|"} if head else {",": 1}
    sep = max(counts, key=lambda d: counts[d])  # the header's most frequent delimiter
    try:
        frame = pd.read_csv(io.BytesIO(data[start:]), dtype="string", keep_default_na=False,
                            na_values=[""], sep=sep)
    except Exception as exc:  # noqa: BLE001
        raise fail(source, f"not a readable CSV file: {exc}") from None
    return frame, 2 + skipped


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

    @property
    def n_cases(self) -> int:
        return int(self.events["case"].nunique())

    def date(self, week: float) -> str:
        if self.origin is None:
            return f"week {week:g}"
        return str((self.origin + pd.Timedelta(days=7 * week)).date())

    def week(self, date: str) -> float:
        """Weeks since the origin of a date (or a number of weeks, for week-based logs)."""
        if self.origin is None:
            return float(date)
        return float((pd.Timestamp(date) - self.origin) / pd.Timedelta(days=7))


@dataclass
class FamilyLog:
    events: pd.DataFrame  # case, activity, t, row
    source: str
    digest: str
    end: float


def _times(frame: pd.DataFrame, source: str, offset: int, problems: list[Problem],
           origin: pd.Timestamp | None) -> tuple[np.ndarray, pd.Timestamp | None]:
    """Times in weeks: a numeric ``week`` column, or dates in ``timestamp``."""
    if "timestamp" not in frame.columns and "week" in frame.columns:
        weeks = pd.to_numeric(frame["week"], errors="coerce")
        for i in np.flatnonzero(weeks.isna().to_numpy()):
            problems.append(Problem(int(i) + offset, "week",
                                    f"expected a number of weeks, got {frame['week'].iloc[i]!r}"))
        return weeks.to_numpy(dtype=float), None
    text = frame["timestamp"]
    numeric = pd.to_numeric(text, errors="coerce")
    if numeric.notna().all():
        return numeric.to_numpy(dtype=float), None
    stamps = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    bad = stamps.isna().to_numpy()
    for i in np.flatnonzero(bad)[:50]:
        problems.append(Problem(int(i) + offset, "timestamp",
                                f"expected a date such as 2021-03-15 (or 2021-03-15T09:30), "
                                f"got {text.iloc[i]!r}"))
    if bad.all():
        return np.full(len(frame), np.nan), None
    stamps = stamps.dt.tz_convert(None)
    first = stamps.min() if origin is None else origin
    start = pd.Timestamp(first).normalize()
    weeks = ((stamps - start) / pd.Timedelta(days=7)).to_numpy(dtype=float)
    return weeks, start


def _need(frame: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LogError(source, [Problem(None, c, "required column is missing (found: "
                                        + ", ".join(map(str, frame.columns)) + ")")
                                for c in missing])


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
) -> CaseLog:
    """Read, pseudonymise, map and check a case log. Raises :class:`LogError` naming the file,
    row and column of every problem found."""
    mapping = mapping or Mapping()
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
    problems: list[Problem] = []
    t, start = _times(frame, source, offset, problems, origin)
    acts = frame["activity"].map(lambda a: str(a).strip() if a is not None else None)
    mapped = acts.map(lambda a: mapping.activities.get(a, a) if a is not None else a)
    keep = ~acts.isin(list(mapping.ignore)).to_numpy()
    lifecycle = (frame["lifecycle"].map(lambda v: str(v).strip().lower() if v else "start")
                 if "lifecycle" in frame.columns else pd.Series("start", index=frame.index))
    choices = [*CASE_ACTIVITIES, *mapping.activities]
    unknown = keep & ~mapped.isin(CASE_ACTIVITIES).to_numpy()
    for i in np.flatnonzero(unknown)[:50]:
        a = mapped.iloc[i]
        problems.append(Problem(int(i) + offset, "activity",
                                f"unknown activity {str(acts.iloc[i])!r}"
                                + did_you_mean(str(a), choices, cutoff=0.5)
                                + " (map it in the mapping file, or list it under 'ignore')"))
    bad_lc = keep & ~lifecycle.isin(["start", "complete"]).to_numpy()
    for i in np.flatnonzero(bad_lc)[:20]:
        problems.append(Problem(int(i) + offset, "lifecycle",
                                f"expected 'start' or 'complete', got {lifecycle.iloc[i]!r}"))
    for i in np.flatnonzero(keep & frame["case_id"].isna().to_numpy())[:20]:
        problems.append(Problem(int(i) + offset, "case_id", "empty case id"))
    events = pd.DataFrame({"case": frame["case_id"], "activity": mapped, "t": t,
                           "lifecycle": lifecycle, "row": np.arange(len(frame)) + offset})
    events = events[keep]
    if not problems:
        _check_order(events, problems)
    if problems:
        raise LogError(source, sorted(problems, key=lambda p: (p.row or 0)))
    cases = _case_attributes(frame[keep], events, mapping, offset, source, start)
    log_end = float(events["t"].max()) if end is None else end
    return CaseLog(events.reset_index(drop=True), cases, source, log_digest(data), start,
                   log_end, offset, max(parallel, 1))


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
                     source: str, start: pd.Timestamp | None) -> pd.DataFrame:
    """One row per case: age at referral, birth week, source, intensity, complexity."""
    problems: list[Problem] = []
    cols = {a: frame[a] if a in frame.columns else pd.Series(None, index=frame.index,
                                                              dtype=object)
            for a in ATTRIBUTES}
    attrs = pd.DataFrame({"case": frame["case_id"], **cols})
    for attr, allowed in ATTRIBUTE_VALUES.items():
        vals = attrs[attr].map(lambda v, a=attr: mapping.values.get(a, {}).get(v, v)
                               if pd.notna(v) else v)
        for i in np.flatnonzero(vals.notna().to_numpy() & ~vals.isin(allowed).to_numpy())[:5]:
            problems.append(Problem(int(frame.index[i]) + offset, attr,
                                    f"unknown value {vals.iloc[i]!r}"
                                    + did_you_mean(str(vals.iloc[i]), allowed)
                                    + f" (expected one of: {', '.join(allowed)})"))
        attrs[attr] = vals
    age = pd.to_numeric(attrs["age"], errors="coerce")
    for i in np.flatnonzero(attrs["age"].notna().to_numpy() & age.isna().to_numpy())[:5]:
        problems.append(Problem(int(frame.index[i]) + offset, "age",
                                f"expected whole years, got {attrs['age'].iloc[i]!r}"))
    birth = pd.Series(np.nan, index=attrs.index)
    if attrs["birth_date"].notna().any():
        stamps = pd.to_datetime(attrs["birth_date"], errors="coerce", format="mixed", utc=True)
        for i in np.flatnonzero(attrs["birth_date"].notna().to_numpy()
                                & stamps.isna().to_numpy())[:5]:
            problems.append(Problem(int(frame.index[i]) + offset, "birth_date",
                                    f"expected a date, got {attrs['birth_date'].iloc[i]!r}"))
        if start is not None:
            birth = (stamps.dt.tz_convert(None) - start) / pd.Timedelta(days=7)
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
                    origin: pd.Timestamp | None = None, end: float | None = None) -> FamilyLog:
    """Read, pseudonymise and check a family log (interest, screening, approval, leaving)."""
    mapping = mapping or Mapping()
    raw, offset = read_table(data, source)
    frame = pseudonymise(_rename(raw, mapping), key)
    del raw
    _need(frame, ("case_id", "activity"), source)
    problems: list[Problem] = []
    t, _ = _times(frame, source, offset, problems, origin)
    acts = frame["activity"].map(lambda a: str(a).strip() if a is not None else None)
    mapped = acts.map(lambda a: mapping.family_activities.get(a, a) if a is not None else a)
    keep = ~acts.isin(list(mapping.ignore)).to_numpy()
    for i in np.flatnonzero(keep & ~mapped.isin(FAMILY_ACTIVITIES).to_numpy()):
        problems.append(Problem(int(i) + offset, "activity",
                                f"unknown family activity {str(acts.iloc[i])!r}"
                                + did_you_mean(str(mapped.iloc[i]), FAMILY_ACTIVITIES)
                                + f" (expected one of: {', '.join(FAMILY_ACTIVITIES)})"))
    events = pd.DataFrame({"case": frame["case_id"], "activity": mapped, "t": t,
                           "row": np.arange(len(frame)) + offset})[keep]
    if not problems:
        _check_order(events, problems)
    if problems:
        raise LogError(source, problems)
    log_end = float(events["t"].max()) if end is None else end
    return FamilyLog(events.reset_index(drop=True), source, log_digest(data), log_end)


def read_path(path: str | Path) -> bytes:
    """The bytes of an input file, or a LogError naming it."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise fail(str(path), f"cannot read file: {exc.strerror or exc}") from None
