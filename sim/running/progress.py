"""The one text progress bar (``pnp-sim run`` and ``pnp-sim sweep``), with the time left, for
terminals and for log files."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    """``mm:ss`` or ``h:mm:ss``; ``--:--`` when unknown."""
    if seconds != seconds or seconds == float("inf"):  # NaN or unknown
        return "--:--"
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class ProgressBar:
    """``[#####-----]  45/120  37%  1.9 rep/s  left 00:39  failed 1``

    The time left is the replications still to run divided by the rate measured in this run
    (replications finished since the first one, over the time since then). On a terminal the
    line is redrawn in place (at most five times a second); in a log file a new line is written
    at each whole per cent (at most twice a second) and at the end.
    """

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30,
                 label: str = ""):
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.label = label
        self.done = 0
        self.failed = 0
        self._first: float | None = None
        self.start = time.monotonic()
        self._last_draw = 0.0
        self._last_pct = -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        """The ``progress(done, total)`` callback of :func:`sim.running.runner.run_experiment`."""
        self.total = total
        while self.done < done:
            self.update()

    def rate(self) -> float:
        """Replications per second since the first one finished (so the workers' start-up
        time does not make the estimate too pessimistic)."""
        if self._first is None or self.done < 2:
            elapsed = time.monotonic() - self.start
            return self.done / elapsed if elapsed > 0 and self.done else 0.0
        elapsed = time.monotonic() - self._first
        return (self.done - 1) / elapsed if elapsed > 0 else 0.0

    def eta_s(self) -> float:
        """Seconds left at the current rate (NaN before the rate is known)."""
        r = self.rate()
        return (self.total - self.done) / r if r > 0 else float("nan")

    def line(self) -> str:
        """The bar as one line of text."""
        frac = self.done / self.total if self.total else 1.0
        fill = int(round(frac * self.width))
        bar = "#" * fill + "-" * (self.width - fill)
        parts = [f"[{bar}]", f"{self.done}/{self.total}", f"{frac:4.0%}",
                 f"{self.rate():.2f} rep/s", f"left {format_duration(self.eta_s())}",
                 f"elapsed {format_duration(time.monotonic() - self.start)}"]
        if self.failed:
            parts.append(f"failed {self.failed}")
        return (self.label + " " if self.label else "") + "  ".join(parts)

    def update(self, ok: bool = True) -> None:
        """One more replication finished (``ok=False``: it failed)."""
        self.done += 1
        if self._first is None:
            self._first = time.monotonic()
        if not ok:
            self.failed += 1
        self._draw(final=self.done >= self.total)

    def _draw(self, final: bool = False) -> None:
        now = time.monotonic()
        if self._tty:
            if final or now - self._last_draw >= 0.2:
                self.stream.write("\r" + self.line())
                if final:
                    self.stream.write("\n")
                self.stream.flush()
                self._last_draw = now
            return
        pct = int(100 * self.done / self.total) if self.total else 100
        if final or (pct != self._last_pct and now - self._last_draw >= 0.5):
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self._last_draw = now
            self._last_pct = pct

    def status(self, text: str) -> None:
        """Open-ended work whose total is not known in advance (a sequential search): one
        status line with the elapsed time, redrawn like the bar (in place on a terminal, at
        most every five seconds in a log file)."""
        now = time.monotonic()
        if now - self._last_draw < (0.2 if self._tty else 5.0):
            return
        self._last_draw = now
        self._status = True
        line = (self.label + " " if self.label else "") + \
            f"{text}  elapsed {format_duration(now - self.start)}"
        self.stream.write(("\r" + line) if self._tty else line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """End the line on a terminal when the run stopped before the end."""
        if self._tty and (self.done < self.total or getattr(self, "_status", False)):
            self.stream.write("\n")
            self.stream.flush()
