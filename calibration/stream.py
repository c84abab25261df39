"""A log file read in chunks, so memory stays bounded whatever the file's size.

Why chunks: a case log is turned into a few numbers per event (case code, activity code,
time); holding the whole text table (one Python string per cell) took about 15 times the
file's size. Here the file is read :data:`CHUNK_ROWS` rows at a time, only the schema's
columns are kept (every other column, free text included, is dropped as each chunk is
parsed), and the caller reduces each chunk before the next one is read.

CSV goes through pandas' C reader in ``chunksize`` mode: the same dialect handling as a
whole-file read (short rows filled, quoting, a UTF-8 BOM), so no file reads differently
from before. Parquet is read by row group batches (pyarrow). XES is XML and is parsed in
memory, under its own, lower ceiling (:data:`MAX_XES_BYTES`).

Before parsing, one pass over the raw bytes (1 MiB at a time) computes the log's digest,
checks the encoding (UTF-8, else Windows cp1252) and finds the header.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from calibration.errors import fail

#: Rows per chunk at most: about 8 MB of a typical case log; the transient text of one
#: chunk stays near 50 MB whatever the file's size.
CHUNK_ROWS = 100_000
#: Bytes of CSV text per chunk: a log with wide rows (free text) gets fewer rows a chunk.
CHUNK_BYTES = 8 * 1024 * 1024
#: XES (XML) is parsed in memory: its ceiling (bytes) stays at the in-memory reader's.
MAX_XES_BYTES = 64 * 1024 * 1024
_BLOCK = 1 << 20


@dataclass
class Table:
    """An opened log: its header (the file's own names), the row number of its first data
    row, its digest, and a way to read it in chunks of chosen columns."""

    source: str
    columns: list[str]
    offset: int
    digest: str
    _chunks: Callable[[list[int] | None], Iterator[pd.DataFrame]]

    def chunks(self, usecols: list[int] | None = None) -> Iterator[pd.DataFrame]:
        """Chunks of the columns at positions ``usecols`` (all when None): text as Python
        strings, None where empty, the index counting rows from 0 over the whole file."""
        return self._chunks(usecols)


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values, None where missing (whatever string type the reader chose)."""
    out = frame.astype(object)
    return out.where(out.notna(), None)


def _blocks(data: bytes | Path) -> Iterator[bytes]:
    if isinstance(data, bytes):
        view = memoryview(data)
        for i in range(0, len(data), _BLOCK):
            yield bytes(view[i:i + _BLOCK])
        return
    with open(data, "rb") as fh:
        while block := fh.read(_BLOCK):
            yield block


def _scan(data: bytes | Path) -> tuple[str, bool, bool]:
    """One pass over the bytes: the digest, whether they are valid UTF-8, and whether
    anything but white space follows the leading comment lines."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, content, at_line_start, in_comment = True, False, True, False
    for block in _blocks(data):
        digest.update(block)
        if utf8:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8 = False
        if not content:
            for byte in block:  # only until the first data byte: a few bytes, usually
                if in_comment:
                    in_comment = byte != 0x0A
                    at_line_start = not in_comment
                elif at_line_start and byte == 0x23:  # '#': a comment line before the header
                    in_comment = True
                elif chr(byte).isspace():
                    at_line_start = byte == 0x0A
                else:
                    content = True
                    break
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest()[:12], utf8, content


def _head(data: bytes | Path, size: int = 65536) -> bytes:
    if isinstance(data, bytes):
        return data[:size]
    with open(data, "rb") as fh:
        return fh.read(size)


def _stream(data: bytes | Path, start: int) -> IO[bytes]:
    """The bytes from ``start`` on (the caller closes it)."""
    stream: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")  # noqa: SIM115
    stream.seek(start)
    return stream


def open_table(data: bytes | Path, source: str, read_xes: Callable[[bytes, str], pd.DataFrame]
               ) -> Table:
    """Open a CSV, Parquet or XES log for reading in chunks (the caller has checked its
    size). ``read_xes`` parses an XES file in memory."""
    name = source.lower()
    if name.endswith(".xes"):
        raw = data if isinstance(data, bytes) else Path(data).read_bytes()
        if len(raw) > MAX_XES_BYTES:
            raise fail(source, f"the file is {len(raw) / 2**20:.0f} MiB; XES logs up to "
                               f"{MAX_XES_BYTES // 2**20} MiB are read (XML is read in memory)."
                               " Export it as CSV or Parquet, which are read in chunks")
        frame = _objects(read_xes(raw, source).astype("string"))
        digest = hashlib.sha256(raw).hexdigest()[:12]
        return Table(source, [str(c) for c in frame.columns], 1, digest,
                     lambda cols: iter([frame if cols is None else frame.iloc[:, cols]]))
    if name.endswith((".parquet", ".pq")):
        return _open_parquet(data, source)
    return _open_csv(data, source)


def _open_parquet(data: bytes | Path, source: str) -> Table:
    import pyarrow.parquet as pq

    digest, _, _ = _scan(data)
    try:
        pfile = pq.ParquetFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        names = list(pfile.schema_arrow.names)
    except Exception as exc:  # noqa: BLE001 - any reader error is the file's fault
        raise fail(source, f"not a readable Parquet file: {exc}") from None

    def chunks(cols: list[int] | None) -> Iterator[pd.DataFrame]:
        chosen = names if cols is None else [names[i] for i in cols]
        first = 0
        try:
            for batch in pfile.iter_batches(batch_size=CHUNK_ROWS, columns=chosen):
                frame = _objects(batch.to_pandas().astype("string"))
                frame.index = pd.RangeIndex(first, first + len(frame))
                first += len(frame)
                yield frame
        except Exception as exc:  # noqa: BLE001
            raise fail(source, f"not a readable Parquet file: {exc}") from None

    return Table(source, names, 1, digest, chunks)


def _open_csv(data: bytes | Path, source: str) -> Table:
    head = _head(data)
    skipped = 0  # leading comment lines (such as the synthetic examples' label)
    start = 0
    while head[start:start + 1] == b"#":
        nl = head.find(b"\n", start)
        start = len(head) if nl < 0 else nl + 1
        skipped += 1
    if head[start:start + 2] in (b"\xff\xfe", b"\xfe\xff"):
        raise fail(source, "this file is UTF-16 text; save it as 'CSV UTF-8' (in Excel: Save "
                           "As, then 'CSV UTF-8 (comma delimited)') and try again")
    digest, utf8, content = _scan(data)
    if not content:
        raise fail(source, "the file is empty (expected a header line and one row per event)")
    first_line = head[start:start + 4096].decode("utf-8", errors="ignore").splitlines()[:1]
    counts = {d: first_line[0].count(d) for d in ",;\t|"} if first_line else {",": 1}
    sep = max(counts, key=lambda d: counts[d])  # the header's most frequent delimiter
    encoding = "utf-8-sig" if utf8 else "cp1252"  # UTF-8 (with or without BOM), then Windows
    options: dict[str, Any] = {"dtype": "string", "keep_default_na": False, "na_values": [""],
                               "sep": sep, "encoding": encoding}

    def _read(stream: IO[bytes], **extra: Any) -> Any:
        return pd.read_csv(stream, **options, **extra)

    def _refuse(exc: Exception) -> Exception:
        if isinstance(exc, UnicodeDecodeError):
            return fail(source, "the file is neither UTF-8 nor Windows (cp1252) text; save it "
                                "as 'CSV UTF-8' and try again")
        return fail(source, f"not a readable CSV file: {type(exc).__name__}")

    try:
        with _stream(data, start) as stream:
            columns = [str(c) for c in _read(stream, nrows=0).columns]
    except Exception as exc:  # noqa: BLE001 - any reader error is the file's fault
        raise _refuse(exc) from None

    lines = head[start:].count(b"\n")
    width = len(head) - start if lines else 0
    rows = max(1, min(CHUNK_ROWS, CHUNK_BYTES * lines // width if width else CHUNK_ROWS))

    def chunks(cols: list[int] | None) -> Iterator[pd.DataFrame]:
        try:
            # every column is tokenised (pandas checks each row's field count only then:
            # a row with an unquoted delimiter is refused, not read shifted), and only the
            # chosen ones are kept, at once
            with _stream(data, start) as stream, \
                    _read(stream, chunksize=rows) as reader:
                for frame in reader:
                    if not len(frame):
                        continue
                    if cols is not None:
                        frame = frame.iloc[:, cols]
                    yield _objects(frame)
        except Exception as exc:  # noqa: BLE001
            raise _refuse(exc) from None

    return Table(source, columns, 2 + skipped, digest, chunks)
