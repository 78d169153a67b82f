"""What the service's tests share: one Django set-up per process, people in every role, task draining.

Django is configured once per process (a fresh data directory in a temporary folder). The
database is SQLite there, or the PostgreSQL server named by ``SMARTCITY_SERVER_TEST_DB`` (a
``*_test_<pid>`` database is created afresh on it and dropped at exit; ``tests/test_server_postgres.py``
runs the service tests that way when CI exports ``SMARTCITY_TEST_DATABASE_URL``).
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
        # a database of this process's own (``*_test_<pid>``), dropped at exit: two runs on one server (two
        # clones, two sessions) never drop each other's database in the middle of a test
        own = connection.settings_dict["NAME"]
        connection.settings_dict["TEST"]["NAME"] = f"{own}_test_{os.getpid()}"
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        atexit.register(connection.creation.destroy_test_db, own, 0)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    _state["dir"] = folder
    return folder


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
