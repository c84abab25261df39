"""The local pool when a worker dies between two looks: the pool then refuses new work at
``submit`` (``BrokenProcessPool`` raised there, not on a future). Every task must still come
back exactly once: the tasks in flight as suspects run one by one, the refused task on the
new pool. A fake executor makes the timing exact (a real dying worker only sometimes hits it).
"""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.running.backends import LocalBackend


class _FakePool:
    """Runs tasks at once; after ``break_after`` submissions it breaks like a pool whose
    worker died: futures still running fail, and ``submit`` raises."""

    def __init__(self, break_after: int | None, log: list[str]):
        self.break_after = break_after
        self.log = log
        self.sent = 0
        self.broken = False
        self.open: list[Future[Any]] = []

    def submit(self, fn: Any, task: Any) -> Future[Any]:
        if self.broken:
            self.log.append(f"refused {task}")
            raise BrokenProcessPool("a child process terminated abruptly")
        fut: Future[Any] = Future()
        self.sent += 1
        if self.break_after is not None and self.sent > self.break_after:
            # this task (in flight) kills its worker: the pool breaks for everyone in flight
            self.open.append(fut)
            self.broken = True
            for f in self.open:
                f.set_exception(BrokenProcessPool("a child process terminated abruptly"))
            self.log.append(f"killed by {task}")
            return fut
        if task % 2 == 0:
            fut.set_result(fn(task))
        else:
            self.open.append(fut)  # still running when the pool breaks
        return fut

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        for f in self.open:
            if not f.done():
                f.set_result(None)


def test_a_pool_that_breaks_at_submit_loses_and_repeats_nothing(monkeypatch) -> None:  # noqa: ANN001
    log: list[str] = []
    pools = iter([_FakePool(3, log)])

    def new_pool(self: LocalBackend, n: int) -> Any:
        pool = next(pools, None)
        if pool is None:
            pool = _FakePool(None, log)
            # later pools finish everything at once
            pool.submit = lambda fn, task, _p=pool: _done(fn(task))  # type: ignore[method-assign]
        return pool

    monkeypatch.setattr(LocalBackend, "_new_pool", new_pool)
    backend = LocalBackend(workers=2, max_in_flight=6, mp_context="spawn")
    out = [o for o in backend.run(iter(range(10)), _times_ten) if o is not None]
    assert sorted(out) == [10 * i for i in range(10)]  # each task once, none lost
    assert "killed by 3" in log and "refused 4" in log


def _done(value: Any) -> Future[Any]:
    fut: Future[Any] = Future()
    fut.set_result(value)
    return fut


def _times_ten(x: int) -> int:
    return 10 * x
