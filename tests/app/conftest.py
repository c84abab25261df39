"""Fixtures for the app tests (helpers live in app_helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_helpers import RunSpy  # noqa: E402

from sim.running import runner  # noqa: E402
from webapp import engine  # noqa: E402
from webapp.tabs import results as results_tab  # noqa: E402


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> RunSpy:
    """Every call that reaches sim.running.runner.run_experiment, recorded; caches emptied."""
    s = RunSpy()
    monkeypatch.setattr(runner, "run_experiment", s)
    engine.CACHE.clear()
    results_tab._CHART_MEMO.clear()
    return s
