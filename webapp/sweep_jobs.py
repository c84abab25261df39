"""Sweeps started from the app: background processes writing stores in the results folder.

A sweep runs as its own process (``python -m webapp.sweep_jobs <job folder>``, which runs
``python -m sim sweep`` and records its exit code), so it goes on when the planner leaves the
page or closes the browser; the page finds it again from the files it leaves in the results
folder. No Streamlit here.

The page only ever reads stores *inside* the results folder (``PNP_RESULTS_DIR``, default
``out/`` in the project): a store is chosen by name from :func:`list_stores`, never by a path
typed in, and :func:`resolve_store` answers None for anything else without saying whether such
a file exists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
MAX_PARAMETERS = 3
_CHILDREN: dict[str, subprocess.Popen[bytes]] = {}


def results_dir() -> Path:
    """The configured results folder (``PNP_RESULTS_DIR``, default ``out/``)."""
    return Path(os.environ.get("PNP_RESULTS_DIR", ROOT / "out")).resolve()


def safe_stem(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:60]
    return cleaned or "sweep"


#: The least-staffing tab's replication cache in the results folder (not a sweep store).
LEAST_STAFFING_STORE = "least-staffing.duckdb"


def running_store(name: str, folder: Path | None = None) -> bool:
    """Whether a sweep started from the app is still writing store ``name`` (the store is
    locked until it finishes)."""
    return any(j.running and j.store == name for j in list_jobs(folder))


def list_stores(folder: Path | None = None) -> list[str]:
    """Store files in the results folder, as names relative to it (newest first)."""
    base = folder or results_dir()
    if not base.is_dir():
        return []
    # Not listed: empty files, and the least-staffing search's replication cache (no sweep).
    files = [p for p in base.rglob("*.duckdb") if p.is_file() and p.stat().st_size > 0
             and p.name != LEAST_STAFFING_STORE]
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [p.relative_to(base).as_posix() for p in files]


def resolve_store(name: str, folder: Path | None = None) -> Path | None:
    """The store called ``name`` in the results folder, or None (for a name that is not one of
    :func:`list_stores`, whatever the reason: nothing outside the folder is ever opened)."""
    base = folder or results_dir()
    if name not in list_stores(base):
        return None
    path = (base / name).resolve()
    return path if path.is_relative_to(base) else None


def save_upload(filename: str, data: bytes, folder: Path | None = None) -> str:
    """An uploaded store, saved in ``uploads/`` of the results folder; its name there."""
    base = folder or results_dir()
    target = base / "uploads" / (safe_stem(Path(filename).stem) + ".duckdb")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target.relative_to(base).as_posix()


def parse_values(text: str) -> list[float]:
    """'8; 12,5; 16' (Dutch: ';' between values, decimal comma) or '8, 12.5, 16' / '8 12.5 16'
    -> [8.0, 12.5, 16.0]; ValueError naming the part that is no number."""
    if ";" in text:
        parts = [p.replace(",", ".") for p in text.split(";")]
    else:
        parts = re.split(r"[,\s]+", text)
    out = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        try:
            out.append(float(part))
        except ValueError:
            raise ValueError(part) from None
    if not out:
        raise ValueError(text)
    return out


@dataclass(frozen=True)
class Job:
    """A sweep started from the app, as found in its folder."""

    name: str
    folder: Path
    store: str
    started: str
    done: int
    total: int
    returncode: int | None

    @property
    def running(self) -> bool:
        return self.returncode is None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def start_sweep(data: dict[str, Any], parameters: list[tuple[str, list[float]]], reps: int,
                workers: int, name: str, folder: Path | None = None) -> Job:
    """Write the scenario and the sweep spec into a job folder and start the sweep in the
    background; returns the job. ``parameters`` are (dotted path, values), at most three."""
    from sim.scenario.schema import parse_scenario, scenario_to_yaml

    if not 1 <= len(parameters) <= MAX_PARAMETERS:
        raise ValueError(f"1 to {MAX_PARAMETERS} parameters")
    base = folder or results_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = f"{safe_stem(name)}-{stamp}"
    job = base / "sweeps" / stem
    job.mkdir(parents=True, exist_ok=True)
    scenario = parse_scenario(data, "app")
    (job / "base.yaml").write_text(scenario_to_yaml(scenario), encoding="utf-8")
    spec = {
        "name": safe_stem(name),
        "description": "started from the planner app",
        "base": "base.yaml",
        "replications": int(reps),
        "seed": int(scenario.seed),
        "parameters": [{"path": p, "name": p.replace(".schedule.0", "").replace(".", "_"),
                        "values": v} for p, v in parameters],
    }
    (job / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    store = f"{stem}.duckdb"
    meta = {"name": name, "store": store, "started": dt.datetime.now().isoformat(" ", "seconds"),
            "total": int(reps) * _points(parameters), "workers": int(workers)}
    (job / "job.json").write_text(json.dumps(meta), encoding="utf-8")
    log = open(job / "log.txt", "wb")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen([sys.executable, "-m", "webapp.sweep_jobs", str(job)], cwd=ROOT,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    _CHILDREN[str(job)] = proc
    return read_job(job)


def _points(parameters: list[tuple[str, list[float]]]) -> int:
    n = 1
    for _, values in parameters:
        n *= len(values)
    return n


_PROGRESS = re.compile(r"(\d+)/(\d+)")


def read_job(job: Path) -> Job:
    meta = json.loads((job / "job.json").read_text(encoding="utf-8"))
    done, total = 0, int(meta.get("total", 0))
    try:
        log = (job / "log.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        log = ""
    for line in reversed(log.replace("\r", "\n").splitlines()):
        m = _PROGRESS.search(line)
        if m and "[" in line:
            done, total = int(m.group(1)), int(m.group(2))
            break
    rc_file = job / "returncode"
    rc = int(rc_file.read_text()) if rc_file.exists() else None
    proc = _CHILDREN.get(str(job))
    if proc is not None:
        proc.poll()  # reap a finished child (no zombie)
    return Job(str(meta["name"]), job, str(meta["store"]), str(meta["started"]), done, total, rc)


def list_jobs(folder: Path | None = None) -> list[Job]:
    base = (folder or results_dir()) / "sweeps"
    if not base.is_dir():
        return []
    jobs = [read_job(p) for p in sorted(base.iterdir(), reverse=True) if (p / "job.json").exists()]
    return jobs


def _run(job: Path) -> int:
    """The background process: run the sweep, then record its exit code (atomically)."""
    meta = json.loads((job / "job.json").read_text(encoding="utf-8"))
    store = job.parent.parent / meta["store"]
    rc = subprocess.call([sys.executable, "-m", "sim", "sweep", str(job / "spec.yaml"),
                          "--store", str(store), "--workers", str(meta.get("workers", 1))])
    tmp = job / "returncode.part"
    tmp.write_text(str(rc))
    tmp.replace(job / "returncode")
    return rc


if __name__ == "__main__":  # pragma: no cover - the background process
    sys.exit(_run(Path(sys.argv[1])))
