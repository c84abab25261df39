"""Start-up (issue 16, item 6): the share of a 30-replication ``pnp-sim run`` spent importing.

Method, best of 3 rounds, each round timed in turns on the same machine:

1. the run: ``python -m sim run scenarios/baseline.yaml --reps 30 --seed 1 --workers 2``, CPU
   (user + system) of the command and all its processes;
2. the parent's imports: a fresh interpreter that imports every module the run's own process
   holds at its end (full names, found by a probe run), CPU including the interpreter start;
3. the workers' imports: what the probe's workers imported during their replications beyond
   what they inherited, imported afresh once per worker; with the ``forkserver`` start method
   also the fork server's preload (``sim.running.backends.WORKER_MODULES``). A ``fork`` pool (what
   the command line uses on Linux) starts its workers with the parent's modules, which cost nothing
   more.

Share = (2 + 3) / 1. Measured twice: ``bytecode``, with Python's bytecode cache (what an
installed package has: pip compiles it; here it goes to a temporary ``PYTHONPYCACHEPREFIX``,
filled by the probe), and ``source``, with ``PYTHONDONTWRITEBYTECODE=1`` as this project's
build machine is set (every ``sim`` module compiled from source at every start).
Figures go in the README and docs/speed.md; nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2

_PROBE = """
import json, os, sys
import sim.running.backends as b
import sim.running.tasks as t
from sim.cli import main
methods, worker_new = [], set()
init = b.LocalBackend.__init__
def spy_init(self, *a, **k):
    init(self, *a, **k)
    methods.append(self.method)
b.LocalBackend.__init__ = spy_init
real = t.run_task
def run_task(task):
    before = set(sys.modules)
    out = real(task)
    new = sorted(set(sys.modules) - before)
    if new:  # reported back through a file per worker
        with open(os.path.join(sys.argv[2], f"w{os.getpid()}"), "a") as fh:
            fh.write("\\n".join(new) + "\\n")
    return out
t.run_task = run_task
main(["run", "scenarios/baseline.yaml", "--reps", "30", "--seed", "1", "--workers", "WORKERS",
      "--out", sys.argv[1], "--replace"])
new = set()
for f in os.listdir(sys.argv[2]):
    new |= set(open(os.path.join(sys.argv[2], f)).read().split())
print(json.dumps({"parent": sorted(m for m in sys.modules if not m.startswith("__")),
                  "method": methods[0] if methods else "inprocess", "worker": sorted(new)}))
""".replace("WORKERS", str(WORKERS))


def _child_cpu(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """CPU seconds (user + system) of a command and its own children, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT,
                         env=env).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), out


def _importer(modules: list[str], after: list[str] | None = None) -> str:
    """A program importing ``after`` (untimed set-up) and then ``modules``; prints the CPU
    seconds the second part took (the interpreter start is counted with ``after=None``)."""
    lines = ["import time"]
    if after is not None:
        lines += [f"for m in {after!r}:", "    try: __import__(m)", "    except Exception: pass",
                  "t0 = time.process_time()"]
    lines += [f"for m in {modules!r}:", "    try: __import__(m)", "    except Exception: pass"]
    lines.append("print(time.process_time() - t0)" if after is not None else "print(0)")
    return "\n".join(lines)


@pytest.mark.parametrize("mode", ["bytecode", "source"])
def test_import_share_of_a_thirty_replication_run(benchmark, tmp_path, mode: str) -> None:
    """See the module docstring for the method."""
    py = sys.executable
    env = dict(os.environ)
    if mode == "source":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    (tmp_path / "w").mkdir()

    def cpu(cmd: list[str]) -> tuple[float, str]:
        return _child_cpu(cmd, env)

    _, out = cpu([py, "-c", _PROBE, str(tmp_path / "probe"), str(tmp_path / "w")])
    probe = json.loads(out.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    runs: list[float] = []
    parent: list[float] = []
    workers: list[float] = []

    def one_round() -> None:
        out = tmp_path / f"run{len(runs)}"
        runs.append(cpu([py, "-m", "sim", "run", "scenarios/baseline.yaml", "--reps",
                                "30", "--seed", "1", "--workers", str(WORKERS), "--out",
                                str(out)])[0])
        parent.append(cpu([py, "-c", _importer(probe["parent"])])[0])
        extra = 0.0
        if probe["worker"]:
            base = [m for m in probe["parent"] if m not in probe["worker"]]
            extra += WORKERS * float(cpu([py, "-c", _importer(probe["worker"], base)])[1])
        if probe["method"] == "forkserver":
            extra += cpu([py, "-c", "import sim.running.backends as b\nfor m in "
                                 "(*b.WORKER_MODULES, 'sim.running._forkserver_guard'): "
                                 "__import__(m)"])[0]
        workers.append(extra)

    benchmark.pedantic(one_round, rounds=3, iterations=1)
    share = (min(parent) + min(workers)) / min(runs)
    benchmark.extra_info.update(run_cpu_s=min(runs), parent_imports_cpu_s=min(parent),
                                worker_imports_cpu_s=min(workers), import_share=share,
                                start_method=probe["method"], mode=mode,
                                worker_modules=probe["worker"], loadavg_1min=load)
    print(f"\nimports ({mode}): {share:.1%} of a 30-replication run's CPU "
          f"(run {min(runs):.2f} s, "
          f"parent imports {min(parent):.2f} s, workers' own imports {min(workers):.2f} s, "
          f"start method {probe['method']}, {len(probe['parent'])} modules in the parent, "
          f"worker imports {probe['worker'] or 'none'}; load average {load:.1f})")
