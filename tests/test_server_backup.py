"""``smartcity serve backup`` and ``restore`` round-trip a whole round: records, ids, times, files.

Each step runs in its own process (Django is configured once per process). On SQLite always;
into PostgreSQL too when the tests are given a server (``SMARTCITY_SERVER_TEST_DB``): a round
backed up from SQLite restores into a new PostgreSQL database unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("django", reason="the service tests need the 'server' extra (part of 'dev')")

HERE = Path(__file__).resolve().parent
ENV = {**os.environ, "SMARTCITY_DATABASE_URL": ""}


def run(*args: str) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=ENV, timeout=300, cwd=HERE)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def snapshot(folder: Path, database: str = "") -> dict[str, object]:
    return json.loads(run(str(HERE / "server_snapshot.py"), str(folder), "show", *([database] if database else [])))


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    source, archive, target = tmp_path / "source", tmp_path / "round.tar.gz", tmp_path / "target"
    run("-m", "assessment", "serve", "init", str(source), "--email", "chair@example.org")
    run(str(HERE / "server_snapshot.py"), str(source), "fill")
    before = snapshot(source)
    assert len(before["uploads"]) == 2 and len(before["audit"]) >= 3  # type: ignore[arg-type]
    run("-m", "assessment", "serve", "backup", str(source), str(archive))
    run("-m", "assessment", "serve", "restore", str(archive), str(target))
    assert snapshot(target) == before
    assert (target / "secret_key").read_bytes() == (source / "secret_key").read_bytes()
    assert oct((target / "secret_key").stat().st_mode & 0o777) == "0o600"
    refused = subprocess.run([sys.executable, "-m", "assessment", "serve", "restore", str(archive), str(target)],
                             capture_output=True, text=True, env=ENV, timeout=120)
    assert refused.returncode == 2 and "not empty" in refused.stderr  # never mixes two rounds

    pg = os.environ.get("SMARTCITY_SERVER_TEST_DB")
    if pg:  # the same archive into a new PostgreSQL database
        import psycopg

        name = f"smartcity_restore_{os.getpid()}"
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        url = pg.rsplit("/", 1)[0] + "/" + name
        try:
            run("-m", "assessment", "serve", "restore", str(archive), str(tmp_path / "pg"), "--database", url)
            after = snapshot(tmp_path / "pg", url)
            assert after == before
        finally:
            with psycopg.connect(pg, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
