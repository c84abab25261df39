"""Writing an experiment's results to files, each stamped with hash, seed and version.

Files are written under a temporary name and renamed into place, so an interrupted run never
leaves a half-written file that looks complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from sim.runner import ExperimentResult
from sim.scenario import scenario_to_yaml

TABLES = ("kpis", "summary", "weekly", "events", "little", "children")


def _atomic_write(path: Path, write: object) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))  # type: ignore[operator]
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stamped(frame: pd.DataFrame, stamp: dict[str, object]) -> pd.DataFrame:
    """The frame with the stamp columns in front."""
    out = frame.copy()
    for i, key in enumerate(("scenario_hash", "seed", "version")):
        out.insert(i, key, stamp[key])
    return out


def write_outputs(result: ExperimentResult, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
    """Write every table plus ``stamp.json`` and ``scenario.yaml``; returns the paths written."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be 'csv' or 'parquet', not {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        frame = stamped(getattr(result, name), result.stamp)
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            _atomic_write(path, lambda p, f=frame: f.to_csv(p, index=False))
        else:
            _atomic_write(path, lambda p, f=frame: f.to_parquet(p, index=False))
        written.append(path)
    stamp_path = out / "stamp.json"
    _atomic_write(stamp_path, lambda p: p.write_text(json.dumps(result.stamp, indent=2) + "\n"))
    scen_path = out / "scenario.yaml"
    _atomic_write(scen_path, lambda p: p.write_text(scenario_to_yaml(result.scenario)))
    return [*written, stamp_path, scen_path]
