"""The progress bar: counts, rate and time left, in a log file and on a terminal."""

from __future__ import annotations

import io

import pytest

from sim.batch.progress import ProgressBar, format_duration
from sim.running import progress as progress_mod


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_duration() -> None:
    assert format_duration(5) == "00:05"
    assert format_duration(65) == "01:05"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(float("nan")) == "--:--"


def test_rate_and_time_left_in_a_log_file(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress_mod.time, "monotonic", clock)
    out = io.StringIO()
    bar = ProgressBar(10, stream=out, width=10, label="sweep")
    clock.now = 102.0  # workers took 2 s to start: not counted in the rate
    bar.update()
    for _ in range(4):
        clock.now += 1.0
        bar.update(ok=True)
    # 4 replications in the 4 s since the first one: 1 per second, 5 left
    assert bar.rate() == pytest.approx(1.0)
    assert bar.eta_s() == pytest.approx(5.0)
    clock.now += 1.0
    bar.update(ok=False)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("sweep [#---------]  1/10")
    assert "6/10" in lines[-1] and "left 00:04" in lines[-1] and "failed 1" in lines[-1]
    for _ in range(4):
        clock.now += 1.0
        bar.update()
    assert out.getvalue().splitlines()[-1].startswith("sweep [##########]  10/10  100%")


def test_terminal_redraws_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress_mod.time, "monotonic", clock)
    out = FakeTTY()
    bar = ProgressBar(3, stream=out, width=3)
    for _ in range(3):
        clock.now += 1.0
        bar.update()
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
