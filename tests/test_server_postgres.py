"""The service's tests once more, on PostgreSQL, when CI gives a server (``.ci/run`` exports the variable).

Without ``SMARTCITY_TEST_DATABASE_URL`` this test is skipped *with its reason in the summary*
(``-ra``); with it, it must run and every service test must pass on PostgreSQL: the tests run
in a fresh process (Django is configured once per process) whose database is a new
``*_test_<pid>`` database on that server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ENV = "SMARTCITY_TEST_DATABASE_URL"
HERE = Path(__file__).resolve().parent
SERVICE_TESTS = sorted(f"tests/{p.name}" for p in HERE.glob("test_server_*.py") if p.name != Path(__file__).name)


@pytest.mark.skipif(not os.environ.get(ENV), reason=f"{ENV} is not set (.ci/run sets it for PostgreSQL)")
def test_the_service_tests_pass_on_postgresql() -> None:
    pytest.importorskip("psycopg")
    assert {"tests/test_server_security.py", "tests/test_server_browser.py"} <= set(SERVICE_TESTS)
    env = {**os.environ, "SMARTCITY_SERVER_TEST_DB": os.environ[ENV]}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *SERVICE_TESTS],
                         cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=1800)
    tail = run.stdout[-4000:]
    assert run.returncode == 0, tail + run.stderr[-2000:]
    summary = run.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "skipped" not in summary and "failed" not in summary, summary
