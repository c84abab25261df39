"""Fixtures for the batch tests (helpers live in batch_helpers.py, test-only task functions in
batch_faults.py; both must be importable by worker processes, hence the path below)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from batch_helpers import write_spec  # noqa: E402


@pytest.fixture
def small_spec(tmp_path: Path) -> Path:
    return write_spec(tmp_path)
