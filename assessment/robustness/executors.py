"""Hand blocks of replicates to workers: serially, a local process pool, any executor, a Dask cluster.

How the work travels (``docs/cluster.md`` shows it on several machines)
-----------------------------------------------------------------------
* **The setup once per worker.** The setup (inputs, methods, spec: about 10 MB for 10,000 units ×
  100 indicators) reaches each worker once: a pool started here (``executor=N``) gets it through
  the pool's initializer, a Dask cluster through ``Client.scatter(setup, broadcast=True)``. A task
  then carries only its rows of the design. A ``concurrent.futures`` executor made elsewhere (a
  ``ProcessPoolExecutor`` of the caller's) offers no way to send it once, so it gets the setup with
  every task.
* **Tasks sized to the executor.** A task is a run of whole ``spec.block`` blocks: about
  :data:`TASKS_PER_SLOT` tasks per worker slot (threads of every worker), so that a cluster of any
  size is kept busy and a slow task is caught up by the others. The spec's blocks are the units of
  randomness *and* of arithmetic (each block is scored on its own, as a serial run scores it), so
  the task size never changes a number; to feed more slots than there are blocks, lower
  ``block`` in the spec (the design then changes, as the spec says).
* **As many in flight as the executor can run**: :data:`QUEUED_PER_SLOT` tasks per slot (one running,
  one waiting), no fixed number; results are taken as they complete (each writes its own rows of the
  result arrays), and every reduction over the replicates runs after the last block, over the whole
  arrays in replicate order: bit-identical to a serial run.
* **Errors as in a serial run.** When a task fails, nothing more is submitted, the tasks already out
  finish, and the failure of the earliest block is raised: the one a serial run would have met first.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

import numpy as np

from .engine import BlockOut, Progress, Setup, run_block

TASKS_PER_SLOT = 4  # tasks per worker slot: small enough to balance the load, large enough to pay for themselves
QUEUED_PER_SLOT = 2  # tasks out per slot: one running, one waiting (bounds the memory of results not yet taken)
Spans = list[tuple[int, int]]

_installed: dict[str, Setup] = {}  # in a worker process of a pool started here: token -> setup


def blocks_of(n: int, size: int) -> Spans:
    """``(start, stop)`` of each block of ``size`` rows."""
    return [(lo, min(lo + size, n)) for lo in range(0, n, size)]


def _install(setup: Setup) -> None:
    """A pool worker's initializer: keep the setup for every task the worker will run, on one BLAS thread.

    The pool's processes already fill the cores; BLAS threads in each of them on top only contend
    (10,000 × 100, 1,000 replicates on 2 cores: 7.2 s on 2 workers with their BLAS threads, 4.2 s with
    one each). A product's bits do not depend on BLAS's thread count (each output element is one
    thread's sum; the tests compare pool and serial runs bit for bit). Only in a child process: a pool
    of threads standing in for processes must not change the caller's own BLAS.
    """
    if mp.parent_process() is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")  # for the life of the worker (no context to leave)
    _installed[setup.token] = setup


def run_task(ref: Setup | str, rows: np.ndarray, spans: Spans, want_nodes: bool, want_node_ranks: bool,
             node_dtype: str = "float64") -> list[BlockOut]:
    """One task on a worker: each block of ``rows`` (``spans``, relative to ``rows``) scored on its own.

    ``ref`` is the setup itself (sent with the task, or resolved from Dask's scattered copy) or the
    token of the one a pool's initializer installed. Node scores travel back as ``node_dtype``, the
    type the caller stores them in (float32 halves the largest part of what a block sends back; the
    values are those the caller's own conversion would give).
    """
    setup = _installed[ref] if isinstance(ref, str) else ref
    out = [run_block(setup, rows[lo:hi], want_nodes, want_node_ranks) for lo, hi in spans]
    if node_dtype != "float64":
        for block in out:
            block.nodes = {k: None if v is None else v.astype(node_dtype) for k, v in block.nodes.items()}
    return out


def dask_client(executor: Any) -> Any | None:
    """The ``distributed.Client`` behind ``executor`` (a client, or its ``get_executor()``), else ``None``."""
    if not type(executor).__module__.startswith("distributed"):
        return None
    return executor if hasattr(executor, "scatter") else getattr(executor, "_client", None)


def slots(executor: Any) -> int:
    """How many tasks ``executor`` runs at once: a Dask cluster's threads over every worker, a pool's workers."""
    client = dask_client(executor)
    if client is not None:
        workers = client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
    count = getattr(executor, "_max_workers", None)  # ProcessPoolExecutor and ThreadPoolExecutor keep it
    return count if isinstance(count, int) and count > 0 else os.cpu_count() or 1


@contextmanager
def _shipped(setup: Setup, executor: Executor | int) -> Iterator[tuple[Executor, Setup | str | Any]]:
    """The executor to submit to and how its tasks name the setup (see the module docstring)."""
    if isinstance(executor, int):
        with ProcessPoolExecutor(max(1, executor), initializer=_install, initargs=(setup,)) as pool:
            yield pool, setup.token
        return
    client = dask_client(executor)
    if client is None:
        yield executor, setup
        return
    ref = client.scatter(setup, broadcast=True, hash=False)  # one copy on every worker, sent now
    try:
        yield (executor if not hasattr(executor, "scatter") else client.get_executor()), ref
    finally:
        client.cancel([ref])


def run_rows(setup: Setup, rows: np.ndarray, *, want_nodes: bool, want_node_ranks: bool = False,
             executor: Executor | int | None = None, progress: Progress | None = None,
             consume: Callable[[int, int, BlockOut], None], node_dtype: str = "float64") -> None:
    """Run every block of ``rows`` and hand each result to ``consume(lo, hi, block)``.

    ``executor``: ``None`` runs here, block after block; an ``int`` starts that many local worker
    processes for this run; otherwise any ``concurrent.futures.Executor`` or a ``distributed.Client``
    (or its ``get_executor()``). ``consume`` must only write its block's rows: remote results come in
    the order they complete. ``node_dtype``: the type ``consume`` stores node scores in (see
    :func:`run_task`).
    """
    spans = blocks_of(rows.shape[0], setup.spec.block)
    tick = progress or (lambda _done, _total: None)
    if executor is None:
        for k, (lo, hi) in enumerate(spans):
            consume(lo, hi, run_block(setup, rows[lo:hi], want_nodes, want_node_ranks))
            tick(k + 1, len(spans))
        return
    with _shipped(setup, executor) as (pool, ref):
        room = executor if isinstance(executor, int) else slots(pool)
        per_task = max(1, math.ceil(len(spans) / (room * TASKS_PER_SLOT)))
        tasks = [spans[k:k + per_task] for k in range(0, len(spans), per_task)]
        out: dict[Future[list[BlockOut]], int] = {}
        failed: dict[int, BaseException] = {}
        done = submitted = 0
        while (submitted < len(tasks) and not failed) or out:
            while submitted < len(tasks) and not failed and len(out) < room * QUEUED_PER_SLOT:
                group = tasks[submitted]
                lo = group[0][0]
                fut = pool.submit(run_task, ref, rows[lo:group[-1][1]], [(a - lo, b - lo) for a, b in group],
                                  want_nodes, want_node_ranks, node_dtype)
                out[fut] = submitted
                submitted += 1
            finished, _ = wait(list(out), return_when=FIRST_COMPLETED)
            for fut in finished:
                k = out.pop(fut)
                error = fut.exception()
                if error is not None:
                    failed[k] = error
                    continue
                for (lo, hi), block in zip(tasks[k], fut.result(), strict=True):
                    consume(lo, hi, block)
                    done += 1
                tick(done, len(spans))
        if failed:
            raise failed[min(failed)]
