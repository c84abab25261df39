"""Where replications run: in this process, a local process pool or a Dask distributed
cluster. ``run_experiment`` and sweeps both run on these backends (one run path).

A backend takes an iterator of tasks and yields one :class:`~sim.outputs.outcome.Outcome` per task
as tasks finish, in any order, and ``None`` when nothing finished for a moment (``IDLE_S``), so
the caller can commit what it holds. It keeps only a few tasks in flight, so a sweep of any
size uses the same memory. A task that raises comes back as an outcome with its error; a
worker process that dies is found out and its task comes back as a failure too; the other
tasks go on.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol, cast

from sim.outputs.outcome import Outcome, describe_worker
from sim.running.processes import PARENT_ENV, hide_main_script, worker_init
from sim.running.tasks import Task, TaskFn, format_error

#: What every worker imports before its first replication: the fork server preloads it, and a
#: ``fork`` pool's parent imports it before forking, so that it is imported once, not once per
#: worker (numpy.random and numpy.ma are otherwise imported lazily by the first replication).
WORKER_MODULES = ("sim.running.tasks", "sim.running.replication", "sim.model", "numpy.random",
                  "numpy.ma")

#: Seconds without a finished task after which a backend yields None.
IDLE_S = 0.2
#: Dask: aim for tasks of about this many seconds (several replications of one point) ...
TARGET_TASK_S = 0.5
#: ... but never more replications than this in one task.
MAX_CHUNK = 16


class BackendError(RuntimeError):
    """A backend that cannot start (no Dask installed, scheduler unreachable...)."""


class Backend(Protocol):
    """Runs tasks and yields their outcomes as they finish (``None`` when idle a moment)."""

    name: str

    @property
    def workers(self) -> int:
        """How many tasks run at once."""
        ...

    def run(self, tasks: Iterable[Task], fn: TaskFn) -> Iterator[Outcome | None]:
        """Yield one outcome per task as tasks finish (any order), None when idle a moment."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...

    def session(self) -> AbstractContextManager[Backend]:
        """Keep the workers alive across many ``run`` calls until the block ends (a search
        runs many small batches; starting a pool for each would cost more than the
        replications). ``run`` outside a session behaves as before."""
        ...


class InProcessBackend:
    """Runs each task here, one after the other: no start-up cost, exceptions such as
    Ctrl-C arrive at once. What ``run_experiment`` uses for one worker."""

    name = "inprocess"

    @property
    def workers(self) -> int:
        """Always 1."""
        return 1

    def run(self, tasks: Iterable[Task], fn: TaskFn) -> Iterator[Outcome | None]:
        """Yield ``fn(task)`` for each task in order."""
        for task in tasks:
            yield fn(task)

    def close(self) -> None:
        """Nothing to release."""

    @contextmanager
    def session(self) -> Iterator[InProcessBackend]:
        """Nothing to keep alive: yields itself."""
        yield self


def _failure(task: Task, error: str) -> Outcome:
    return Outcome(task.scenario_hash, task.seed, task.rep, error=error,
                   worker=describe_worker())


WORKER_DIED = ("the worker process died while running this replication (killed, out of "
               "memory or crashed)")


def default_start_method() -> str:
    """``fork`` where it is safe and cheapest (a single-threaded parent on Linux: workers
    start at once with everything imported), else ``forkserver`` (a web server's threads and a
    store's open connection are never copied into workers), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if (sys.platform.startswith("linux") and "fork" in methods
            and threading.active_count() == 1):
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class LocalBackend:
    """A pool of local worker processes.

    ``mp_context`` picks the start method (default ``forkserver``, so that the parent's open
    store and threads are never copied into workers; ``run_experiment`` uses
    :func:`default_start_method`). Workers die with their parent, even after ``kill -9``
    (:func:`sim.running.processes.worker_init`), and so does the fork server.
    """

    name = "local"

    def __init__(self, workers: int | None = None, max_in_flight: int | None = None,
                 mp_context: str | None = None):
        n = workers if workers is not None else (os.cpu_count() or 1)
        if n < 1:
            raise BackendError(f"--workers must be 1 or more (got {n})")
        self._workers = n
        self.max_in_flight = max_in_flight or 2 * n
        methods = multiprocessing.get_all_start_methods()
        method = mp_context or ("forkserver" if "forkserver" in methods else "spawn")
        if method not in methods:
            raise BackendError(f"start method {method!r} is not available here "
                               f"(expected one of {', '.join(methods)})")
        self.method = method
        self._ctx: Any = multiprocessing.get_context(method)
        if method == "forkserver":
            # modules the fork server imports once, so every worker starts with them loaded;
            # the guard makes the fork server die with this process
            self._ctx.set_forkserver_preload([*WORKER_MODULES, "sim.running._forkserver_guard"])
        self._pool: ProcessPoolExecutor | None = None
        #: The pool kept alive by :meth:`session` (None outside a session).
        self._kept: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        """The number of worker processes."""
        return self._workers

    def _parent_pid(self) -> int | None:
        """The pid workers must outlive no longer: this process for fork and spawn, the fork
        server (which dies with this process) for forkserver."""
        if self.method != "forkserver":
            return os.getpid()
        if threading.current_thread() is threading.main_thread():
            os.environ[PARENT_ENV] = str(os.getpid())
        else:  # a short-lived thread: its exit would take the fork server down
            os.environ.pop(PARENT_ENV, None)
        from multiprocessing import forkserver

        try:
            forkserver.ensure_running()
            pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
        except Exception:  # noqa: BLE001 - private API: fall back to prctl alone
            return None
        return pid if isinstance(pid, int) else None

    def _new_pool(self, n: int) -> ProcessPoolExecutor:
        parent = self._parent_pid()
        if self.method == "fork":
            import importlib

            for name in WORKER_MODULES:  # imported once here, inherited by every worker
                importlib.import_module(name)
            # Workers inherit the parent's heap: freeze it, so their garbage collector never
            # walks (and so copies) the inherited objects.
            gc.freeze()
        return ProcessPoolExecutor(max_workers=n, mp_context=self._ctx,
                                   initializer=worker_init, initargs=(parent,))

    def run(self, tasks: Iterable[Task], fn: TaskFn) -> Iterator[Outcome | None]:
        """Keep up to ``max_in_flight`` tasks on the pool; a worker that dies is found out and
        the suspects are rerun one by one, each in a fresh process."""
        it = iter(tasks)
        pool = self._pool = self._kept or self._new_pool(self._workers)
        in_flight: dict[Future[Outcome], Task] = {}
        #: Tasks refused by a pool that broke before they were sent: never run, sent again.
        pending: list[Task] = []
        exhausted = False
        try:
            while True:
                submit_broke = False
                while not exhausted and len(in_flight) < self.max_in_flight:
                    task = pending.pop() if pending else next(it, None)
                    if task is None:
                        exhausted = True
                        break
                    try:
                        with hide_main_script(fn):
                            fut = pool.submit(fn, task)
                    except BrokenProcessPool:
                        # a worker died since the last look: the pool refuses new work
                        pending.append(task)
                        submit_broke = True
                        break
                    in_flight[fut] = task
                if not in_flight and not pending:
                    return
                if submit_broke:
                    # a broken pool fails every task in flight at once: collect them all
                    done, _ = wait(list(in_flight))
                else:
                    done, _ = wait(list(in_flight), timeout=IDLE_S,
                                   return_when=FIRST_COMPLETED)
                if not done and not submit_broke:
                    yield None
                    continue
                broken = submit_broke
                for fut in done:
                    task = in_flight.pop(fut)
                    exc = fut.exception()
                    if isinstance(exc, BrokenProcessPool):
                        in_flight[fut] = task  # a suspect: see below
                        broken = True
                    elif exc is not None:  # e.g. the task could not be pickled
                        yield _failure(task, format_error(exc))
                    else:
                        yield fut.result()
                if broken:
                    # A worker died and took the pool down. Every task still in flight is a
                    # suspect: finished ones are kept, the others are run again one at a time,
                    # each in a fresh process, to find the one that kills its worker.
                    suspects = []
                    for fut, task in in_flight.items():
                        if fut.done() and fut.exception() is None:
                            yield fut.result()
                        else:
                            suspects.append(task)
                    in_flight.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    for task in suspects:
                        yield self._isolated(task, fn)
                    pool = self._pool = self._new_pool(self._workers)
                    if self._kept is not None:
                        self._kept = pool
        finally:
            for fut in in_flight:
                fut.cancel()
            if self._kept is None or pool is not self._kept:
                pool.shutdown(wait=True, cancel_futures=True)
                if self.method == "fork":
                    gc.unfreeze()
            self._pool = None

    def _isolated(self, task: Task, fn: TaskFn) -> Outcome:
        pool = self._new_pool(1)
        try:
            with hide_main_script(fn):
                fut = pool.submit(fn, task)
            exc = fut.exception()
            if isinstance(exc, BrokenProcessPool):
                return _failure(task, WORKER_DIED)
            if exc is not None:
                return _failure(task, format_error(exc))
            return fut.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    @contextmanager
    def session(self) -> Iterator[LocalBackend]:
        """One pool for every ``run`` inside the block (see :meth:`Backend.session`); a pool
        that breaks inside it is replaced and kept in its place."""
        if self._kept is not None:  # nested: the outer session owns the pool
            yield self
            return
        self._kept = self._new_pool(self._workers)
        try:
            yield self
        finally:
            pool, self._kept = self._kept, None
            pool.shutdown(wait=True, cancel_futures=True)
            if self.method == "fork":
                gc.unfreeze()

    def close(self) -> None:
        """Stop the pool (running tasks finish; queued ones are dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        if self._kept is not None:
            self._kept.shutdown(wait=False, cancel_futures=True)
            self._kept = None


class DaskBackend:
    """Dask distributed: connect to a scheduler at ``address``, or start a LocalCluster of
    ``workers`` single-threaded worker processes on this machine."""

    name = "dask"

    def __init__(self, workers: int | None = None, address: str | None = None,
                 max_in_flight: int | None = None, timeout_s: float = 20.0,
                 wait_for_workers_s: float = 60.0, chunk: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise BackendError(
                "the dask backend needs Dask distributed: pip install 'pnp-sim[dask]'"
            ) from None
        self.cluster: Any = None
        try:
            if address:
                self.client = Client(address, timeout=f"{timeout_s}s")
                try:
                    self.client.wait_for_workers(1, timeout=wait_for_workers_s)
                except (TimeoutError, OSError):
                    self.client.close()
                    raise BackendError(
                        f"the Dask scheduler at {address} has no workers after "
                        f"{wait_for_workers_s:g} s; start some with: dask worker {address}"
                    ) from None
            else:
                n = workers if workers is not None else (os.cpu_count() or 1)
                if n < 1:
                    raise BackendError(f"--workers must be 1 or more (got {n})")
                import dask

                # Dask's statistical profiler samples the worker thread every 10 ms, which
                # slows a pure-Python simulation noticeably; a local cluster does not need it.
                with hide_main_script(), dask.config.set(
                        {"distributed.worker.profile.enabled": False}):
                    self.cluster = LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.ERROR,
                        # no dashboard; its small HTTP server on any free port, not 8787
                        scheduler_kwargs={"dashboard_address": ":0"},
                    )
                self.client = Client(self.cluster)
        except BackendError:
            raise
        except (OSError, TimeoutError) as exc:
            where = address or "a local cluster"
            raise BackendError(f"cannot connect to the Dask scheduler at {where}: {exc}") \
                from None
        self.max_in_flight = max_in_flight
        #: Replications per Dask task; None: sized from the measured replication time.
        self._chunk = chunk

    @property
    def workers(self) -> int:
        """Worker threads the scheduler knows of now."""
        info = self.client.scheduler_info()
        return int(sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def run(self, tasks: Iterable[Task], fn: TaskFn) -> Iterator[Outcome | None]:
        """Submit replications in chunks of the same point, sized so that one Dask task takes
        about ``TARGET_TASK_S`` (Dask's cost per task is then small beside the simulation).
        The first tasks hold one replication; the size follows the measured replication time.

        Faults: a chunk that fails as a whole is split, and each of its replications is
        submitted again on its own. A single replication whose workers died (Dask gives up
        after ``distributed.scheduler.allowed-failures`` deaths) may only have shared a worker
        with the real culprit, so it is run once more with nothing else in flight; only if its
        worker dies then too is it recorded as the one that kills its worker."""
        from distributed import as_completed

        limit = self.max_in_flight or max(2, 2 * self.workers)
        source = iter(tasks)
        retry: list[Task] = []  # replications of a failed chunk, to run one by one
        suspects: list[Task] = []  # single replications whose workers died, to run alone
        peeked: list[Task] = []
        pending: dict[Any, list[Task]] = {}
        alone: set[Any] = set()  # keys of suspects running with nothing else in flight
        futures: dict[Any, Any] = {}
        ac = as_completed(with_results=False)
        exhausted = False
        chunk = self._chunk or 1
        timed_s = 0.0
        timed_n = 0
        # known number of tasks (a sweep passes :class:`sim.running.tasks.Planned`): chunks shrink
        # towards the end so that every worker finishes at about the same time
        total = getattr(tasks, "total", None)
        taken = 0
        n_workers = max(1, self.workers)

        def size() -> int:
            if total is None or self._chunk is not None:
                return chunk
            left = total - taken
            return max(1, min(chunk, left // (2 * n_workers)))

        def take() -> list[Task]:
            nonlocal exhausted, taken
            if retry:
                return [retry.pop(0)]
            out: list[Task] = []
            want = size()
            while len(out) < want:
                task = peeked.pop() if peeked else next(source, None)
                if task is None:
                    exhausted = True
                    break
                if out and task.scenario_hash != out[0].scenario_hash:
                    peeked.append(task)
                    break
                out.append(task)
            taken += len(out)
            return out

        def submit(group: list[Task]) -> Any:
            if len(group) == 1:
                fut = self.client.submit(fn, group[0], pure=False)
            else:
                fut = self.client.submit(cast(Any, run_chunk), fn, group, pure=False)
            pending[fut.key] = group
            futures[fut.key] = fut
            ac.add(fut)
            return fut.key

        def fill() -> None:
            if alone:
                return
            while (retry or peeked or not exhausted) and len(pending) < limit:
                group = take()
                if not group:
                    break
                submit(group)
            if not pending and suspects:
                alone.add(submit([suspects.pop(0)]))

        fill()
        idle_since = time.monotonic()
        try:
            while pending:
                if not ac.has_ready():
                    if time.monotonic() - idle_since >= IDLE_S:
                        idle_since = time.monotonic()
                        yield None
                    time.sleep(0.005)
                    continue
                for fut in ac.next_batch(block=False):
                    group = pending.pop(fut.key)
                    futures.pop(fut.key, None)
                    was_alone = fut.key in alone
                    alone.discard(fut.key)
                    outcomes: list[Outcome] = []
                    try:
                        result = fut.result()
                        outcomes = result if isinstance(result, list) else [result]
                    except Exception as exc:  # noqa: BLE001 - recorded, the sweep goes on
                        died = type(exc).__name__ == "KilledWorker"
                        if len(group) > 1:
                            retry.extend(group)
                        elif died and not was_alone:
                            suspects.append(group[0])
                        elif died:
                            outcomes = [_failure(group[0], f"{WORKER_DIED} ({exc})")]
                        else:
                            outcomes = [_failure(group[0], format_error(exc))]
                    fut.release()
                    for outcome in outcomes:
                        if outcome.ok and outcome.elapsed_s > 0:
                            timed_s += outcome.elapsed_s
                            timed_n += 1
                        yield outcome
                if self._chunk is None and timed_n:
                    per_rep = timed_s / timed_n
                    chunk = max(1, min(MAX_CHUNK, int(TARGET_TASK_S / max(per_rep, 1e-6))))
                idle_since = time.monotonic()
                fill()
        finally:
            for fut in futures.values():
                fut.cancel()

    @contextmanager
    def session(self) -> Iterator[DaskBackend]:
        """The client and its workers live as long as the backend: yields itself."""
        yield self

    def close(self) -> None:
        """Close the client, and the local cluster when this backend started one."""
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def run_chunk(fn: TaskFn, tasks: list[Task]) -> list[Outcome]:
    """Several replications of one point in one Dask task (see ``DaskBackend.run``)."""
    return [fn(task) for task in tasks]


def make_backend(kind: str, workers: int | None = None, address: str | None = None,
                 mp_context: str | None = None) -> Backend:
    """A backend by name: ``local`` (process pool), ``dask`` or ``inprocess``."""
    if kind == "local":
        if address:
            raise BackendError("--address is for the dask backend (add --backend dask)")
        return LocalBackend(workers, mp_context=mp_context)
    if kind == "dask":
        return DaskBackend(workers, address)
    if kind == "inprocess":
        return InProcessBackend()
    raise BackendError(f"unknown backend {kind!r} (expected local, dask or inprocess)")
