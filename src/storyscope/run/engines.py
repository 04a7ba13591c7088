"""Where the per-item work of ingest and enrich runs: this process, a process pool, or Ray Data.

The runners cut their items into batches of a fixed size, hand each batch to ``ordered_map``
and get the results back batch by batch, in input order, whatever the engine and the number
of workers; everything that must happen once and in order (duplicate checks, story
assignment, writes to the store) stays in the driver. So any engine and any worker count give
the same stories and the same enrichment.

- ``local`` with one worker: in this process, nothing started;
- ``local`` with N workers: the standard library's process pool, a bounded number of batches in
  flight, so memory stays flat on a stream of any length. On Linux the driver computes the first
  batch itself, which loads what the work needs (spaCy, the embedding model, compiled code), and
  then forks the workers, which share those pages copy-on-write and start at once; a spawned
  worker spent about 11 CPU s importing and loading them (docs/scaling.md). Elsewhere, or
  when the driver runs other threads (forking those is unsafe), the workers are spawned;
- ``ray``: Ray Data ``map`` over windows of batches, order preserved, on a local Ray the
  command starts (``workers`` CPUs) or on an existing cluster (``address``, e.g. ``auto`` or
  ``ray://head:10001``). Ray is the optional extra ``storyscope[ray]``.

A worker function must be a module-level function (it is pickled by name) taking and returning
plain picklable values.
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from typing import TypeVar

from ..errors import MissingDependency, SettingError

ENGINES = ("local", "ray")
RAY_INSTALL = 'pip install "storyscope[ray]"'
# Batches in one Ray Data dataset: 4 a worker, at least 32. Each dataset costs the driver a
# start and an end (planning, the streaming executor's threads): measured on 2 workers, windows
# of 8 batches cost it 0.61 CPU ms an item and 20 s for 64 batches, windows of 32 0.40 ms and 8 s
# (docs/scaling.md). Memory stays bounded: a window's batches are all that is in flight.
_RAY_WINDOW_MIN = 32

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Engine:
    """Which engine runs the per-item work, on how many workers."""

    kind: str = "local"
    workers: int = 1
    address: str | None = None  # Ray only: an existing cluster

    def __post_init__(self) -> None:
        if self.kind not in ENGINES:
            raise SettingError(f"unknown engine {self.kind!r}: expected one of {', '.join(ENGINES)}")
        if self.workers < 1:
            raise SettingError(f"workers must be at least 1, got {self.workers}")
        if self.address and self.kind != "ray":
            raise SettingError("--ray-address needs --engine ray")

    @property
    def parallel(self) -> bool:
        return self.kind == "ray" or self.workers > 1


LOCAL = Engine()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` items (the last one shorter)."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ordered_map(fn: Callable[[T], R], batches: Iterable[T], engine: Engine = LOCAL,
                warm: Callable[[T], object] | None = None) -> Iterator[R]:
    """``fn`` of each batch, in order, computed by ``engine``.

    ``warm``: what loads everything ``fn`` needs, given the first batch at a smaller cost than
    ``fn`` (``fn`` of a part of it, say). A pool that forks runs it in the driver and leaves
    every batch to the workers; without it the driver computes the whole first batch itself,
    while the workers wait (an eighth of the work of an enrich run of 500 articles).
    """
    if engine.kind == "ray":
        return _ray_map(fn, batches, engine)
    if engine.workers > 1:
        return _pool_map(fn, batches, engine.workers, warm)
    return map(fn, batches)


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Worker processes start with one BLAS thread each: N workers on N cores, not N x N threads."""
    # (a forked worker reads only the last: Hugging Face tokenizers warn in a child otherwise)
    values = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "TOKENIZERS_PARALLELISM": "false"}
    saved = {n: os.environ.get(n) for n in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for n, v in saved.items():
            if v is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = v


def can_fork() -> bool:
    """Whether the process pool forks the driver: Linux, and no other thread in the driver
    (a forked child gets copies of the locks other threads may hold)."""
    import multiprocessing
    import sys
    import threading

    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


def _forked_worker() -> None:
    # a forked worker keeps the driver's BLAS thread pool: one thread, as a spawned one gets
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _pool_map(fn, batches, workers: int, warm=None):
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    batches = iter(batches)
    first: list = []
    fork = can_fork()
    if fork:
        # the first batch in the driver loads the models (``warm`` of it, else all of it);
        # the forked workers inherit them.
        # The driver's SQLite connections are never used in a worker, which ends with
        # os._exit (no finaliser closes them there); the store lock's descriptor (flock) is
        # inherited too, and the workers end with the pool, inside the run that holds it
        if warm is None:
            first = [fn(b) for b in islice(batches, 1)]
        else:
            head = list(islice(batches, 1))
            if head:
                warm(head[0])
            batches = chain(head, batches)
        gc.freeze()  # the driver's objects out of the collector's way: their pages stay shared
    with _one_blas_thread():
        context = multiprocessing.get_context("fork" if fork else "spawn")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_forked_worker if fork else None)
        try:
            yield from first
            pending: deque = deque()
            for batch in batches:
                pending.append(pool.submit(fn, batch))
                if len(pending) >= 2 * workers:  # bounded: a few batches ahead of the driver
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def import_ray():
    """The ``ray`` module, or MissingDependency saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Data is the part storyscope uses)
    except ImportError as exc:
        raise MissingDependency(f"--engine ray needs Ray (Ray Data): {RAY_INSTALL}") from exc
    return ray


def _ray_call(row: dict, fn) -> dict:
    # rows carry pickled bytes: Arrow stores bytes as they are, whatever the records hold
    return {"out": pickle.dumps(fn(pickle.loads(row["batch"])), protocol=pickle.HIGHEST_PROTOCOL)}


def _ray_map(fn, batches, engine: Engine):
    import logging

    ray = import_ray()
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # not a line per dataset on stderr
    started = not ray.is_initialized()
    if started:
        with _one_blas_thread():  # the env of the Ray workers this starts
            ray.init(address=engine.address, num_cpus=None if engine.address else engine.workers,
                     include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # results in input order
        ctx.enable_progress_bars = False
        workers = engine.workers
        if engine.address and workers == 1:  # an existing cluster: as many tasks as it has CPUs
            workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        window = max(_RAY_WINDOW_MIN, 4 * workers)  # batches per Ray Data dataset: bounded memory on any stream
        for group in batched(batches, window):
            rows = [{"batch": pickle.dumps(b, protocol=pickle.HIGHEST_PROTOCOL)} for b in group]
            ds = ray.data.from_items(rows, override_num_blocks=len(rows))
            ds = ds.map(_ray_call, fn_kwargs={"fn": fn}, num_cpus=1,
                        compute=ray.data.TaskPoolStrategy(size=workers))
            for row in ds.iter_rows():
                yield pickle.loads(row["out"])
    finally:
        if started:
            ray.shutdown()
