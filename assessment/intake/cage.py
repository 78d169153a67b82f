"""Parsers in a cage: every untrusted file is read in a worker process with hard limits.

Why: a third-party parser can abort the whole process on a crafted file (python-calamine, a
Rust library, aborts on some allocation failures instead of raising), loop for a long time,
or use gigabytes on a small file. The pre-flight check (:mod:`.preflight`) refuses the known
shapes of such files; the cage makes the rest harmless. Each worker

* limits its address space (what it had when it started plus :data:`MEMORY_LIMIT`: numpy and
  pandas reserve much address space up front) and its CPU time per file
  (:data:`CPU_SECONDS`, enforced by the kernel: the worker is stopped when it overruns);
* reads one file at a time with its reader (by default :func:`assessment.intake.read.read_file`;
  the review stage passes its query-workbook reader) and sends back plain data (the raw
  submissions), never live parser objects.

The parent waits at most :data:`WALL_SECONDS` per file. A worker that dies, runs out of memory
or time, or hangs is replaced; its file becomes one problem (``reader-crashed`` or
``reader-timeout``) and the rest of the folder is still read. Results come back in the order
of the files, whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .read import RawSubmission, read_file, unusable

MEMORY_LIMIT = 1024**3  # bytes of address space a worker may add while reading: a city workbook needs far less
CPU_SECONDS = 20  # per file
WALL_SECONDS = 30  # per file, also catches a worker blocked without using CPU
WORKERS = 2

#: A reader run in the cage: one path in, plain picklable data out. It must be a module-level
#: function (workers are forked with it).
Reader = Callable[[Path], Any]


def _context() -> Any:
    """Fork where the platform has it (workers start at once with the package imported)."""
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def _address_space() -> int:
    """Bytes of address space this process uses now (Linux ``/proc``; 3 GiB where unknown)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 3 * 1024**3
    return pages * os.sysconf("SC_PAGE_SIZE")


def _serve(conn: Connection, reader: Reader = read_file) -> None:
    """A worker: read the files it is sent, one at a time, under the limits, until told to stop."""
    quiet = os.open(os.devnull, os.O_WRONLY)  # a parser that aborts prints its backtrace: not for the user
    os.dup2(quiet, 2)
    limit = _address_space() + MEMORY_LIMIT
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        budget = int(used.ru_utime + used.ru_stime) + CPU_SECONDS
        _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)  # never above a limit the caller set
        resource.setrlimit(resource.RLIMIT_CPU, (budget if cpu_hard == resource.RLIM_INFINITY
                                                 else min(budget, cpu_hard), cpu_hard))
        try:
            reply: tuple[str, Any] = ("ok", reader(Path(path)))
        except MemoryError:
            reply = ("crashed", "it needed more memory than a city workbook can")
        except BaseException as exc:  # anything the reader did not turn into a problem itself
            reply = ("crashed", (str(exc).splitlines() or [type(exc).__name__])[0][:200])
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: int | None = None
    started: float = 0.0


class Cage:
    """A small pool of limited worker processes (use as a context manager)."""

    def __init__(self, workers: int = WORKERS, reader: Reader = read_file) -> None:
        self._ctx = _context()
        self._reader = reader
        self._size = max(1, workers)
        self._workers: list[_Worker] = []

    def __enter__(self) -> Cage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child, self._reader), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self._workers.remove(worker)

    def close(self) -> None:
        """Stop every worker."""
        for worker in list(self._workers):
            with contextlib.suppress(OSError, ValueError):  # a worker that already died cannot be told
                worker.conn.send(None)
            worker.process.join(timeout=1)
            self._retire(worker)

    def read(self, paths: Sequence[Path]) -> list[list[Any]]:
        """Read every file with the cage's reader (a list per file, by default the raw submissions of
        :func:`~assessment.intake.read.read_file`); file *i*'s at position *i* (a crashed or
        timed-out reader: one unusable raw submission)."""
        out = []
        for path, (status, payload) in zip(paths, self.run(paths), strict=True):
            if status == "ok":
                out.append(payload)
            else:
                code = "reader-timeout" if status == "timeout" else "reader-crashed"
                out.append([RawSubmission(file=str(path), kind="workbook", failure=unusable(path, code, payload))])
        return out

    def run(self, paths: Sequence[Path]) -> list[tuple[str, Any]]:
        """Run the reader on every file: ``("ok", what it returned)``, ``("crashed", reason)`` or
        ``("timeout", "")`` at position *i* for file *i*."""
        results: list[tuple[str, Any] | None] = [None] * len(paths)
        todo = list(range(len(paths)))[::-1]
        while todo or any(w.task is not None for w in self._workers):
            while todo and (len(self._workers) < min(self._size, len(paths)) or
                            any(w.task is None for w in self._workers)):
                worker = next((w for w in self._workers if w.task is None), None) or self._spawn()
                worker.task, worker.started = todo.pop(), time.monotonic()
                worker.conn.send(str(paths[worker.task]))
            busy = [w for w in self._workers if w.task is not None]
            deadline = min(w.started for w in busy) + WALL_SECONDS
            ready = wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic()))
            for worker in busy:
                task = worker.task
                assert task is not None
                if worker.conn in ready:
                    try:
                        status, payload = worker.conn.recv()
                    except (EOFError, OSError):  # the worker died mid-file (abort, CPU limit, killed)
                        status, payload = "crashed", "it crashed or ran out of memory"
                    results[task] = (status, payload)
                    if status == "ok":
                        worker.task = None
                        continue
                    self._retire(worker)
                elif time.monotonic() - worker.started >= WALL_SECONDS:
                    results[task] = ("timeout", "")
                    self._retire(worker)
        return [r if r is not None else ("crashed", "no result") for r in results]


def read_caged(paths: Sequence[Path], workers: int | None = None, reader: Reader = read_file) -> list[list[Any]]:
    """Read ``paths`` in a fresh cage of ``workers`` processes (default: up to :data:`WORKERS`, one per CPU);
    ``reader`` returns a list per file (by default the raw submissions; a crashed or timed-out one gives
    one unusable raw submission)."""
    size = workers or min(WORKERS, os.cpu_count() or 1)
    with Cage(size, reader) as cage:
        return cage.read(paths)


def run_caged(paths: Sequence[Path], reader: Reader, workers: int | None = None) -> list[tuple[str, Any]]:
    """Run another stage's ``reader`` on untrusted ``paths`` in a fresh cage (see :meth:`Cage.run`)."""
    size = workers or min(WORKERS, os.cpu_count() or 1)
    with Cage(size, reader) as cage:
        return cage.run(paths)
