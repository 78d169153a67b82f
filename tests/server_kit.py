"""What the service's tests share: one Django set-up per process, people in every role, task draining.

Django is configured once per process (a fresh data directory in a temporary folder). The
database is SQLite there, or the PostgreSQL server named by ``SMARTCITY_SERVER_TEST_DB`` (a
``*_test_<pid>`` database of the process's own is created afresh on it and dropped at its end;
``tests/test_server_postgres.py`` runs the service tests that way when CI exports
``SMARTCITY_TEST_DATABASE_URL``).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django", reason="the service tests need the 'server' extra (part of 'dev')")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
PG_ENV = "SMARTCITY_SERVER_TEST_DB"
_counter = itertools.count(1)
_state: dict[str, Any] = {}


def datadir() -> Path:
    """The process's data directory, Django set up on it and the database migrated."""
    if "dir" in _state:
        return _state["dir"]
    from assessment.server.config import make_datadir, setup

    folder = Path(tempfile.mkdtemp(prefix="smartcity-server-test-"))
    atexit.register(shutil.rmtree, folder, True)
    make_datadir(folder, max_upload=2 * 1024 * 1024)
    url = os.environ.get(PG_ENV) or None
    setup(folder, url, allowed_hosts=("testserver", "localhost", "127.0.0.1"))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # a fast hasher for the tests' many accounts (the service keeps Django's default, PBKDF2)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # mail kept in django.core.mail.outbox instead of printed (the service's default is the console)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []
    if url:
        # a database of this process's own: runs from other checkouts may share the server at the same time
        name = f"{connection.settings_dict['NAME']}_test_{os.getpid()}"
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        atexit.register(_drop_database, url, name)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    _state["dir"] = folder
    return folder


def _drop_database(url: str, name: str) -> None:
    """Drop this process's test database when it ends (FORCE: the live server's connections may linger)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def service() -> Path:
    """Django set up for the service (see :func:`datadir`)."""
    return datadir()


def unique(prefix: str) -> str:
    """A name no other test of this process uses."""
    return f"{prefix}{os.getpid()}x{next(_counter)}"


def person(role: str, city: Any = None) -> Any:
    """A new user holding ``role`` (for ``city`` when a city member), with the password 'correct horse 1'."""
    from django.contrib.auth.models import User

    from assessment.server.models import Membership

    user = User.objects.create_user(unique(role) + "@example.org", password="correct horse 1")
    Membership.objects.create(user=user, role=role, city=city)
    return user


def new_round(public: bool = True, cities: tuple[str, ...] = ("Da Nang", "Ha Noi")) -> tuple[Any, list[Any]]:
    """A round with these cities."""
    from assessment.server.models import City, Round

    rnd = Round.objects.create(slug=unique("round-"), name="Test round", year=2025, public=public)
    return rnd, [City.objects.create(round=rnd, name=name, country="VN", language="en") for name in cities]


def client_for(user: Any = None, **options: Any) -> Any:
    """A test client signed in as ``user`` (anonymous for ``None``)."""
    from django.test import Client

    client = Client(**options)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def drain() -> None:
    """Run every queued task to its end (the database worker, in this process)."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, interval=0.1)


def upload(client: Any, city: Any, path: Path, name: str | None = None) -> Any:
    """Upload a file as a city member would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(f"/cities/{city.pk}/upload/", {"file": data})


def accepted(city: Any, path: Path, reviewer: Any = None) -> None:
    """``path`` uploaded by a member of ``city``, checked, submitted and accepted by a reviewer (each step must
    succeed: a test that builds on an accepted city fails here, not later, when one does not)."""
    member = client_for(person("city", city))
    assert upload(member, city, path).status_code == 302
    drain()
    assert member.post(f"/cities/{city.pk}/submit/").status_code == 302
    city.refresh_from_db()
    assert (reviewer or client_for(person("reviewer"))).post(
        f"/cities/{city.pk}/accept/", {"revision": city.revision}).status_code == 302
    city.refresh_from_db()
    assert city.status == "accepted", city.status


def edited(source: Path, dest: Path, values: dict[str, Any]) -> dict[str, str]:
    """A copy of a filled workbook with the Value cells of some indicators replaced; indicator -> cell.

    The rows are found by the indicator id in column A of the Indicators sheet (the third sheet of
    the template, in any language), the value in column E, as the workbook's own header says.
    """
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    wb = load_workbook(source)
    sheet = wb.worksheets[2]
    assert sheet.cell(row=1, column=5).value in ("Value", "Giá trị"), sheet.title
    cells = {}
    for row in sheet.iter_rows(min_row=2, max_col=1):
        item = row[0].value
        if item in values:
            cell = sheet.cell(row=row[0].row, column=5)
            cell.value = values[item]
            cells[item] = f"{sheet.title}!{cell.coordinate}"
    assert set(cells) == set(values), f"not in {source.name}: {set(values) - set(cells)}"
    wb.save(dest)
    return cells


#: The start of a script that runs migrations on a fresh SQLite data directory (``sys.argv[1]``) in a new
#: process: ``call_command`` and ``connection`` are ready for what follows it.
MIGRATION_SCRIPT = """
import os, sys
from pathlib import Path
os.environ.pop("SMARTCITY_DATABASE_URL", None)  # SQLite in the folder, whatever the environment names
from assessment.server.config import make_datadir, setup
folder = Path(sys.argv[1])
make_datadir(folder)
setup(folder, None)
from django.core.management import call_command
from django.db import connection
"""
