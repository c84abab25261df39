"""Calibration speed: a 10,000-case log (target under 30 s on 2 cores), a back-cast with
20 parameter sets x 5 replications (target under 60 s), and reading a 20 MB log in chunks
from its path. Run by ``make bench``; nothing here asserts a time. Peak memory of a 200 MB
log is measured by hand with /usr/bin/time -v (calibration/README.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from calibration.backcast import run_backcast
from calibration.calibrate import calibrate
from calibration.read import load_mapping, read_case_log, read_family_log
from calibration.synthetic import model_case_log, with_changes
from sim import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "calibration" / "examples"
KEY = "benchmark-key-00000"


@cache
def big_log() -> tuple[bytes, float]:
    """About 10,000 cases: replications of a busy programme, one after another's ids."""
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    busy = with_changes(base, {
        "horizon_weeks": 1040, "referrals.schedule": [{"from_week": 0, "per_year": 100}],
        **{f"staff.{r}.schedule.0.hours": 2000 for r in
           ("coordinator", "pnp_counsellor", "parent_counsellor")},
        "families.interested_per_year": 800})
    frames, n, rep = [], 0, 0
    while n < 10_000:
        # 20 years from 1995, so that the copies side by side stay under 1,000 referrals a
        # year in all and every date is in the plausible window
        frame, end = model_case_log(busy, seed=5, rep=rep, origin=pd.Timestamp("1995-01-01"))
        frames.append(frame)
        n += frame["case_id"].nunique()
        rep += 1
    return pd.concat(frames).to_csv(index=False).encode(), end


def test_bench_calibrate_10000_cases(benchmark) -> None:
    data, end = big_log()
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")

    def run():
        log = read_case_log(data, "big.csv", KEY, end=end)
        return calibrate(log, base), log.n_cases

    cal, n = benchmark.pedantic(run, rounds=1, iterations=1)
    assert n >= 10_000
    assert cal.durations


@pytest.mark.parametrize("reps", [5])
def test_bench_backcast_20_sets_of_5_replications(benchmark, reps) -> None:
    mapping = load_mapping((EX / "mapping.yaml").read_bytes())
    log = read_case_log((EX / "synthetic_cases.csv").read_bytes(), "cases.csv", KEY, mapping)
    fam = read_family_log((EX / "synthetic_families.csv").read_bytes(), "fam.csv", KEY,
                          mapping, origin=log.origin, end=log.end)
    truth = load_scenario(EX / "synthetic_truth.yaml")
    bc = benchmark.pedantic(run_backcast, args=(log, truth, log.week("2023-01-01")),
                            kwargs={"reps": reps, "sets": 20, "families": fam, "workers": 2},
                            rounds=1, iterations=1)
    assert bc.reps == 20 * reps and bc.sets == 20


def test_bench_read_20mb_log_in_chunks(benchmark, tmp_path) -> None:
    """The synthetic example repeated to 20 MB (SYNTHETIC), streamed from disk."""
    lines = (EX / "synthetic_cases.csv").read_text().splitlines()
    body = lines[2:]
    path = tmp_path / "cases.csv"
    with path.open("w") as out:
        out.write("\n".join(lines[:2]) + "\n")
        k = 0
        while out.tell() < 20_000_000:
            out.write("".join(f"R{k}-{row}\n" for row in body))
            k += 1
    mapping = load_mapping((EX / "mapping.yaml").read_bytes())
    log = benchmark.pedantic(read_case_log, args=(path, "cases.csv", KEY, mapping),
                             rounds=1, iterations=1)
    assert len(log.events) == k * len(body)
