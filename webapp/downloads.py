"""Files the user can download: the scenario, the result tables, the report."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from sim.scenario import scenario_to_yaml


def safe_name(name: str) -> str:
    """A file-name-safe version of a run name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned or "run"


def scenario_yaml(result: Any, name: str | None = None) -> bytes:
    """The simulated scenario, with the replications and seed that were run, as YAML.

    Uploading it again and running it gives identical results: same hash, reps and seed.
    ``name`` (the run's name) replaces the scenario's name, which the hash leaves out.
    """
    update: dict[str, Any] = {"replications": int(result.stamp["replications"]),
                              "seed": int(result.seed)}
    if name:
        update["name"] = name
    scenario = result.scenario.model_copy(update=update)
    return scenario_to_yaml(scenario).encode("utf-8")


def results_zip(result: Any, fmt: str) -> bytes:
    """Every table ``sim.write_outputs`` writes (``fmt`` "csv" or "parquet"), zipped."""
    from sim.output import write_outputs

    with tempfile.TemporaryDirectory(prefix="pnp-app-") as tmp:
        paths = write_outputs(result, Path(tmp), fmt=fmt)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(Path(x) for x in paths):
                zf.write(p, arcname=p.relative_to(tmp).as_posix())
        return buf.getvalue()
