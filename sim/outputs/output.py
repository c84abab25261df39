"""Writing an experiment's results to files, each stamped with hash, seed and version.

``write_run_folder`` writes a whole run as one folder, atomically: every file goes into a
temporary folder beside the target, which is renamed into place only when complete. A killed
run therefore leaves either the previous folder or the new one, never a mix, and a folder
that holds another run (another scenario or seed) is refused instead of mixed into.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.outputs.table import Table
from sim.scenario.schema import scenario_to_yaml

if TYPE_CHECKING:
    import pandas as pd

    from sim.running.runner import ExperimentResult

TABLES = ("kpis", "summary", "weekly", "events", "little", "children")
STAMP_FILE = "stamp.json"


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file separates fields and writes decimals."""

    name: str
    sep: str
    decimal: str


#: ``comma``: ``,`` and ``.`` (the CLI's default; any English spreadsheet). ``semicolon``:
#: ``;`` and ``,``, which a Dutch-language Excel (Belgium, the Netherlands) opens in columns.
CSV_DIALECTS: dict[str, CsvDialect] = {
    "comma": CsvDialect("comma", ",", "."),
    "semicolon": CsvDialect("semicolon", ";", ","),
}
#: Other names accepted for the dialects (the app's language codes).
CSV_ALIASES = {"en": "comma", "nl": "semicolon"}


def csv_dialect(name: str | CsvDialect) -> CsvDialect:
    """The dialect called ``name`` (``comma``/``en`` or ``semicolon``/``nl``)."""
    if isinstance(name, CsvDialect):
        return name
    key = CSV_ALIASES.get(name, name)
    if key not in CSV_DIALECTS:
        choices = ", ".join([*CSV_DIALECTS, *CSV_ALIASES])
        raise ValueError(f"unknown CSV dialect {name!r} (expected one of: {choices})")
    return CSV_DIALECTS[key]


def frame_to_csv(frame: pd.DataFrame | Table, path: str | Path | None = None,
                 dialect: str | CsvDialect = "comma") -> str | None:
    """Write ``frame`` (a DataFrame, or a :class:`sim.outputs.table.Table`, which gives the same
    bytes without pandas) as CSV in ``dialect`` to ``path``, or return the text when ``path``
    is None (for downloads). Numbers keep their full precision; only the marks change."""
    d = csv_dialect(dialect)
    if isinstance(frame, Table):
        return frame.to_csv(path, sep=d.sep, decimal=d.decimal)
    return frame.to_csv(path, index=False, sep=d.sep, decimal=d.decimal)


def stamped(frame: pd.DataFrame, stamp: dict[str, object]) -> pd.DataFrame:
    """The frame with the stamp columns in front."""
    out = frame.copy()
    for i, key in enumerate(("scenario_hash", "seed", "version")):
        out.insert(i, key, stamp[key])
    return out


def write_outputs(result: ExperimentResult, out_dir: str | Path, fmt: str = "csv",
                  dialect: str | CsvDialect = "comma") -> list[Path]:
    """Write every table plus ``stamp.json`` and ``scenario.yaml`` into ``out_dir`` (which
    should be a fresh folder: see :func:`write_run_folder`); returns the paths written."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {fmt!r}")
    csv = csv_dialect(dialect)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        path = out / f"{name}.{fmt}"
        # CSV from plain columns where they give the same bytes: no pandas import (0.5 s)
        table = result.table(name) if fmt == "csv" else None
        if table is not None:
            frame_to_csv(table.stamped(result.stamp), path, csv)
        elif fmt == "csv":
            frame_to_csv(stamped(getattr(result, name), result.stamp), path, csv)
        else:
            stamped(getattr(result, name), result.stamp).to_parquet(path, index=False)
        written.append(path)
    stamp_path = out / STAMP_FILE
    stamp_path.write_text(json.dumps(result.stamp, indent=2) + "\n")
    scen_path = out / "scenario.yaml"
    scen_path.write_text(scenario_to_yaml(result.scenario))
    return [*written, stamp_path, scen_path]


class OutputFolderError(ValueError):
    """The output folder cannot be used; ``str()`` says why and what to do."""


def read_stamp(folder: str | Path) -> dict[str, Any] | None:
    """The stamp of a run folder, or None when it has none (or it cannot be read)."""
    try:
        data = json.loads((Path(folder) / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_out_folder(out: str | Path, scenario_hash: str, seed: int,
                     replace: bool = False) -> str | None:
    """May a run of (``scenario_hash``, ``seed``) write to ``out``? Call it before running.

    Returns None (a new folder), or a note when an earlier output of the same scenario and
    seed (or, with ``replace``, of another run) will be replaced. Raises
    :class:`OutputFolderError` for a folder of another run without ``replace``, and always for
    a non-empty folder that is not a pnp-sim output (it is never deleted).
    """
    path = Path(out)
    if not path.exists():
        return None
    if not path.is_dir():
        raise OutputFolderError(f"--out {path}: exists and is not a folder")
    if not any(path.iterdir()):
        return None
    stamp = read_stamp(path)
    if stamp is None:
        raise OutputFolderError(
            f"--out {path}: the folder is not empty and holds no pnp-sim run (no {STAMP_FILE});"
            " give a new or empty folder")
    same = stamp.get("scenario_hash") == scenario_hash and stamp.get("seed") == seed
    what = (f"scenario '{stamp.get('scenario_name')}' ({stamp.get('scenario_hash')}), seed "
            f"{stamp.get('seed')}, {stamp.get('replications')} replications")
    if same:
        return f"replacing the earlier output of the same scenario and seed in {path} ({what})"
    if replace:
        return f"replacing another run in {path} ({what}), as --replace asks"
    raise OutputFolderError(
        f"--out {path}: the folder holds another run ({what}); give another --out, or add "
        "--replace to overwrite it")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(out: str | Path) -> None:
    """Remove the temporary folders that killed runs left beside ``out``."""
    path = Path(out)
    if not path.parent.is_dir():
        return
    for prefix in (f".{path.name}.tmp-", f".{path.name}.old-"):
        for item in path.parent.glob(prefix + "*"):
            pid_text = item.name[len(prefix):].split("-", 1)[0]
            if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                shutil.rmtree(item, ignore_errors=True)


def write_run_folder(result: ExperimentResult, out: str | Path, fmt: str = "csv",
                     dialect: str | CsvDialect = "comma", replace: bool = False) -> list[Path]:
    """Write the run into ``out`` as a whole: into a temporary folder beside it first, renamed
    into place at the end (an earlier folder is swapped out and removed only then).
    Refuses a folder of another run unless ``replace`` (see :func:`check_out_folder`).
    Returns the paths of the files, under ``out``."""
    path = Path(out)
    check_out_folder(path, result.stamp["scenario_hash"], result.stamp["seed"], replace)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=path.parent))
    try:
        files = write_outputs(result, tmp, fmt, dialect)
        os.chmod(tmp, 0o755)
        if path.exists():
            old = path.parent / f".{path.name}.old-{os.getpid()}"
            shutil.rmtree(old, ignore_errors=True)
            os.rename(path, old)
            os.rename(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    return [path / f.name for f in files]


def checkpoint_folder(out: str | Path) -> Path:
    """Where ``pnp-sim run --out OUT`` keeps finished replications until OUT is complete:
    beside OUT (``.OUT.partial``), never inside it."""
    path = Path(out)
    return path.parent / f".{path.name}.partial"
