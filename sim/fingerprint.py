"""A fingerprint of the model code, so stored results can tell which model computed them.

The package version stays the same between releases while the model changes during
development; the fingerprint changes whenever a module that decides the numbers changes.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: Modules whose code decides the simulated numbers (not the CLI, outputs or batch layer).
MODEL_MODULES = (
    "distributions.py", "domain.py", "families.py", "kpi_defs.py", "kpis.py", "model.py",
    "recorder.py", "replication.py", "rng.py", "runner.py", "scenario.py", "staff.py",
    "staff_pool.py", "stationarity.py",
    "staff_share.py", "staff_waitlist.py", "stats.py",
)


@functools.lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """12 hex characters of SHA-256 over the model modules' source."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in MODEL_MODULES:
        digest.update(name.encode())
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]
