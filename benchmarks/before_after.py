"""Before and after, in turns in one process: the speed figures of issue 16.

``python -m benchmarks.before_after REV [ROUNDS]`` exports the ``sim`` package of git revision
``REV`` under another name (``sim_before``, imports rewritten) and times, round after round
in turns, so that both meet the same load on a shared machine:

- the M/M/3 queue of ``benchmarks/mm3.py`` (5,000 weeks, about 3,000 customers) in bare
  SimPy, in ``REV``'s pnp-sim and in this tree's: customers per CPU second, as a share of
  bare SimPy's;
- ten 10-year ``baseline.yaml`` replications with ``detail=False`` (different replication
  indices each round, the same in both): CPU per replication.

Each figure is given two ways: the best round, and all rounds together (total work over total
CPU). The second counts the cyclic garbage collector's work, which falls on some rounds and
not others; a sweep pays it, so it is the figure to quote for a replication's cost. Nothing
here asserts a time.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from benchmarks.mm3 import ARRIVALS, MEAN_SERVICE, SERVERS, bare_simpy

ROOT = Path(__file__).resolve().parents[1]
WEEKS = 5000.0
BASE_REPS = 10


def export(rev: str, name: str, into: Path) -> None:
    """``rev``'s ``sim`` package as package ``name`` in ``into`` (imports rewritten)."""
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "sim"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "sim").rename(into / name)
    for path in (into / name).rglob("*.py"):
        text = path.read_text()
        text = re.sub(r"\bfrom sim([. ])", rf"from {name}\1", text)
        text = re.sub(r"^(\s*)import sim\b", rf"\1import {name}", text, flags=re.M)
        path.write_text(text)


def _runner(pkg: str) -> tuple[Callable[[int], int], Callable[[int], int]]:
    sim = importlib.import_module(pkg)
    try:  # sim/theory/textbook.py since the third round of issue 16; sim/textbook.py before
        textbook = importlib.import_module(pkg + ".theory.textbook").textbook_scenario
    except ModuleNotFoundError:
        textbook = importlib.import_module(pkg + ".textbook").textbook_scenario
    queue = textbook(ARRIVALS, {"dist": "exponential", "mean": MEAN_SERVICE}, SERVERS,
                     horizon_weeks=WEEKS, warmup_weeks=0.0)
    baseline = sim.load_scenario(ROOT / "scenarios" / "baseline.yaml")

    def mm3(seed: int) -> int:
        res = sim.run_replication(queue, seed, 0, detail=False)
        return round(res.kpis["completed_per_year"] * WEEKS / 52.0)

    def base(k: int) -> int:
        for rep in range(BASE_REPS * k, BASE_REPS * (k + 1)):
            sim.run_replication(baseline, 1, rep, detail=False)
        return BASE_REPS

    return mm3, base


def compare(rev: str, rounds: int = 8) -> dict[str, Any]:
    """The figures of ``rev`` against this tree (see the module's docstring)."""
    with tempfile.TemporaryDirectory() as tmp:
        export(rev, "sim_before", Path(tmp))
        sys.path.insert(0, tmp)
        try:
            before_mm3, before_base = _runner("sim_before")
        finally:
            sys.path.remove(tmp)
        now_mm3, now_base = _runner("sim")
        ways: dict[str, Callable[[int], int]] = {
            "bare": lambda k: bare_simpy(WEEKS, k + 1), "mm3_before": before_mm3,
            "mm3_now": now_mm3, "base_before": before_base, "base_now": now_base}
        rates: dict[str, list[tuple[int, float]]] = {k: [] for k in ways}
        load = [os.getloadavg()[0]]
        for k in range(rounds):
            for name, fn in ways.items():
                start = time.process_time()
                n = fn(k)
                rates[name].append((n, time.process_time() - start))
        load.append(os.getloadavg()[0])
    best = {k: max(n / t for n, t in v) for k, v in rates.items()}
    total = {k: sum(n for n, _ in v) / sum(t for _, t in v) for k, v in rates.items()}
    return {
        "rev": rev, "rounds": rounds, "loadavg_1min": load,
        "mm3_share_of_bare_best": {w: best[f"mm3_{w}"] / best["bare"] for w in ("before", "now")},
        "mm3_share_of_bare_total": {w: total[f"mm3_{w}"] / total["bare"]
                                    for w in ("before", "now")},
        "baseline_ms_best": {w: 1000 / best[f"base_{w}"] for w in ("before", "now")},
        "baseline_ms_total": {w: 1000 / total[f"base_{w}"] for w in ("before", "now")},
        "baseline_speedup_best": best["base_now"] / best["base_before"],
        "baseline_speedup_total": total["base_now"] / total["base_before"],
    }


def main(argv: list[str]) -> None:
    rev = argv[0] if argv else "HEAD"
    rounds = int(argv[1]) if len(argv) > 1 else 8
    out = compare(rev, rounds)
    for key, value in out.items():
        if isinstance(value, dict):
            value = {k: round(v, 3) for k, v in value.items()}
        elif isinstance(value, float):
            value = round(value, 3)
        elif isinstance(value, list):
            value = [round(v, 1) for v in value]
        print(f"{key}: {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
