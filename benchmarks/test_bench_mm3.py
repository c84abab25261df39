"""Same work, one run: the M/M/3 queue at load 0.8 in bare SimPy, Ciw and pnp-sim (issue 7).

The three are timed in turns, ``ROUNDS`` times over, so that they meet the same load on a
shared machine; each one's best round (CPU time) gives its customers per second, and the
ratios to bare SimPy are what to quote (they are far steadier than the absolute figures). The
load average is recorded beside them. Ciw is an optional extra (``pip install -e '.[bench]'``);
without it that column is skipped and said so.

Nothing here asserts a time.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from pathlib import Path

import pytest

from benchmarks.mm3 import LOAD, bare_simpy, ciw_queue, pnp_queue, pnp_queue_no_ageing

WEEKS = 20_000.0  # about 12,000 customers per run
ROUNDS = 3
HAVE_CIW = importlib.util.find_spec("ciw") is not None
NO_CIW = "Ciw is not installed: pip install -e '.[bench]' for the Ciw column"
SUMMARY = Path(".benchmarks") / "mm3_summary.json"


def _cpu(fn, *args) -> tuple[float, int]:
    start = time.process_time()
    n = fn(*args)
    return time.process_time() - start, n


def test_mm3_bare_simpy(benchmark) -> None:
    served = benchmark.pedantic(bare_simpy, args=(WEEKS,), rounds=ROUNDS, iterations=1)
    benchmark.extra_info["customers"] = served


@pytest.mark.skipif(not HAVE_CIW, reason=NO_CIW)
def test_mm3_ciw(benchmark) -> None:
    served = benchmark.pedantic(ciw_queue, args=(WEEKS,), rounds=ROUNDS, iterations=1)
    benchmark.extra_info["customers"] = served


def test_mm3_pnp_sim(benchmark) -> None:
    served = benchmark.pedantic(pnp_queue, args=(WEEKS,), rounds=ROUNDS, iterations=1)
    benchmark.extra_info["customers"] = served


def test_mm3_same_work_ratios(benchmark) -> None:
    """Customers per CPU second of each, in turns within one run, and the ratios to SimPy."""
    ways = {"bare_simpy": bare_simpy, "pnp_sim": pnp_queue,
            "pnp_sim_no_ageing": pnp_queue_no_ageing}
    if HAVE_CIW:
        ways["ciw"] = ciw_queue
    best: dict[str, float] = {}

    def one_round() -> None:
        for name, fn in ways.items():
            seconds, served = _cpu(fn, WEEKS)
            best[name] = max(best.get(name, 0.0), served / seconds)

    load_before = os.getloadavg()[0]
    benchmark.pedantic(one_round, rounds=ROUNDS, iterations=1)
    summary = {
        "load": LOAD,
        "weeks": WEEKS,
        "customers_per_cpu_second": best,
        "ratio_to_bare_simpy": {k: v / best["bare_simpy"] for k, v in best.items()},
        # issue 16: ageing should cost (almost) nothing where nobody comes close to 18
        "ageing_on_over_off": best["pnp_sim"] / best["pnp_sim_no_ageing"],
        "loadavg_1min": [load_before, os.getloadavg()[0]],
        "ciw": "included" if HAVE_CIW else NO_CIW,
    }
    benchmark.extra_info.update(summary)
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=1) + "\n")
    print("\nM/M/3 same work:", json.dumps(summary["ratio_to_bare_simpy"]),
          "ageing on/off", round(summary["ageing_on_over_off"], 3),
          "load average", summary["loadavg_1min"])
