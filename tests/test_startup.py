"""Start-up (issue 16, item 6): what a short ``pnp-sim run`` imports, and the command line
registering the other commands only when they are asked for."""

from __future__ import annotations

import pytest

from sim.cli import CORE_COMMANDS, build_parser
from tests.conftest import SCENARIOS


def test_a_run_on_the_command_line_imports_neither_pandas_nor_scipy(tmp_path) -> None:
    """``pnp-sim run`` prints its summary and writes its CSV files without pandas (and so
    pyarrow) or scipy: together about 0.8 s of a short run (docs/speed.md)."""
    import subprocess
    import sys

    code = ("import sys\nfrom sim.cli import main\n"
            f"main(['run', {str(SCENARIOS / 'baseline.yaml')!r}, '--reps', '2', '--workers', '1',"
            f" '--out', {str(tmp_path / 'out')!r}])\n"
            "print(sorted(m for m in ('pandas', 'pyarrow', 'scipy', 'calibration') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def _commands(parser) -> set[str]:
    import argparse

    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


@pytest.mark.parametrize("command", CORE_COMMANDS)
def test_a_core_command_does_not_load_the_others(command: str) -> None:
    assert _commands(build_parser(command)) == set(CORE_COMMANDS)


def test_help_and_other_commands_see_every_command() -> None:
    every = _commands(build_parser())
    assert every >= {*CORE_COMMANDS, "sweep", "results", "sensitivity", "staffing"}
    assert _commands(build_parser("staffing")) == every
