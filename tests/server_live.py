"""A live service for browser tests: ``smartcity serve DIR`` (web server and task worker) on a free loopback port.

The database is SQLite in the data directory, or a new, empty database on the PostgreSQL server
named by ``SMARTCITY_SERVER_TEST_DB`` (dropped afterwards), as ``tests/test_server_postgres.py``
asks when CI gives a server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PG_ENV = "SMARTCITY_SERVER_TEST_DB"


def free_port() -> int:
    """A TCP port nobody listens on now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fresh_database(url: str, prefix: str) -> Iterator[str]:
    """SQLite (``""``), or a new, empty database on the PostgreSQL server of ``url``, dropped afterwards."""
    if not url:
        yield ""
        return
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def running(folder: Path, port: int, env: dict[str, str]) -> Iterator[Path]:
    """``smartcity serve DIR`` until the block ends (its worker stops with it); yields its log file.

    The log is a file, not a pipe, so the server's request log never blocks it; the server runs
    in its own process group, so its task worker gets the stop signal too.
    """
    log = folder.parent / f"{folder.name}.log"
    with log.open("w") as out:
        proc: Any = subprocess.Popen([sys.executable, "-m", "assessment", "serve", str(folder), "--port", str(port)],
                                     stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while "Quit the server" not in log.read_text() and proc.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert proc.poll() is None, log.read_text()
        yield log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
