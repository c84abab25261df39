"""A fingerprint of the model code, so stored results can tell which model computed them.

The package version stays the same between releases while the model changes during
development; the fingerprint changes whenever a module that decides the numbers changes.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: Modules outside the model package whose code decides the simulated numbers (not the CLI,
#: outputs or batch layer); every module of ``sim/model/`` counts as well.
MODEL_MODULES = (
    "scenario/distributions.py", "scenario/domain.py", "outputs/kpi_defs.py", "outputs/kpis.py",
    "running/replication.py", "running/runner.py", "scenario/schema.py",
    "outputs/stationarity.py", "outputs/stats.py",
)


def model_files() -> list[str]:
    """The fingerprinted files, relative to ``sim/``: the model package and MODEL_MODULES."""
    here = Path(__file__).resolve().parents[1]  # sim/
    package = sorted(f"model/{p.name}" for p in (here / "model").glob("*.py"))
    return package + list(MODEL_MODULES)


@functools.lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """12 hex characters of SHA-256 over the model modules' source."""
    here = Path(__file__).resolve().parents[1]  # sim/
    digest = hashlib.sha256()
    for name in model_files():
        digest.update(name.encode())
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]
