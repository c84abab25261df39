"""Shared fixtures: the shipped scenarios, scenario editing, and an audit of staff hours."""

from __future__ import annotations

import copy
import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import settings

from sim.model.staff import StaffPool
from sim.scenario.domain import ROLES
from sim.scenario.schema import (
    Scenario,
    load_scenario,
    parse_scenario,
    scenario_to_dict,
    set_by_path,
)

# CI explores the same examples every run (a red CI must be reproducible); locally, new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(SCENARIOS / "baseline.yaml")


def edit(scenario: Scenario, paths: dict[str, Any]) -> Scenario:
    """A validated copy of ``scenario`` with values changed by dotted path."""
    data = copy.deepcopy(scenario_to_dict(scenario))
    for path, value in paths.items():
        set_by_path(data, path, value)
    return parse_scenario(data, "<test>")


@pytest.fixture
def hours_audit(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Checks, at every change of the staff pool, that hours in use never exceed hours
    available and that nothing goes negative; returns the list of violations."""
    violations: list[str] = []
    original = StaffPool.account

    def account(self: StaffPool) -> None:
        original(self)
        for r in ROLES:
            used = self.used(r)
            if used > self.capacity[r] + 1e-7:
                violations.append(f"t={self.env.now}: {r} uses {used} > {self.capacity[r]}")
            if self.used_jobs[r] < -1e-7 or self.demand[r] < -1e-7 or self.cases[r] < 0:
                violations.append(f"t={self.env.now}: {r} negative bookkeeping")
            cap = self.caps.get(r)
            if cap is not None and self.cases[r] > cap:
                violations.append(f"t={self.env.now}: {r} caseload {self.cases[r]} > cap {cap}")

    monkeypatch.setattr(StaffPool, "account", account)
    return violations


#: Files whose journeys take minutes, not seconds: run first, so that the workers of
#: ``make test`` (pytest-xdist, whole files per worker, ``--no-loadscope-reorder``) end
#: together on short files instead of one worker finishing a long journey alone. xdist's own
#: order (files with the most tests first) put exactly these last.
LONG_FIRST = ("test_browser.py", "test_browser_staffing.py", "test_browser_language.py",
              "test_browser_layout.py", "test_browser_scenario.py", "test_browser_uncertainty.py",
              "test_language_switch.py", "test_batch_kill.py", "test_kill_processes.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long files first (see ``LONG_FIRST``), each file's tests together and in order; a
    browser journey that times out waiting for the page runs once more (see ``BROWSER_RERUN``).
    """
    rank = {name: i for i, name in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_FIRST)))
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(BROWSER_RERUN)


#: One more run, from a fresh page, for a browser journey that failed on a timeout (Playwright's
#: ``TimeoutError``) and nothing else.
#:
#: On a loaded two-core machine Streamlit's page has lost an upload's request to its server (no
#: rerun reached the server in two minutes; the same journey passes alone). A timeout is the
#: only failure retried: a wrong value, a wrong text or a strict-mode error fails at once, and
#: a page that never shows what it should fails both runs. pytest reports each rerun (``R``,
#: and "rerun" in the summary line).
BROWSER_RERUN = pytest.mark.flaky(reruns=1, only_rerun=[r"^TimeoutError: "])


def validation_script(name: str) -> ModuleType:
    """``validation/<name>.py`` loaded as a module (the folder is scripts, not a package), so
    that a test can run a small case of a long validation."""
    path = Path(__file__).resolve().parents[1] / "validation" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
