"""What ``smartcity serve`` does: make a data directory, start the web server and the task worker.

Production: the same application behind a WSGI server (:func:`wsgi_application`), see the
README's "Running a round".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from .config import DATABASE_ENV, make_datadir, setup


def migrate() -> None:
    """Bring the database's tables up to the code's migrations."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def init_service(datadir: Path, email: str, base_url: str, database_url: str | None = None,
                 max_upload: int | None = None) -> str:
    """Create (or bring up to date) a data directory and its organiser; return a one-time sign-in link."""
    make_datadir(datadir, **({"max_upload": max_upload} if max_upload else {}))
    setup(datadir, database_url)
    migrate()
    # the models exist only once Django is set up for this directory
    from django.contrib.auth.models import User

    from .audit import record
    from .models import ROLE_ORGANISER, Membership
    from .tokens import invite

    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created:  # no password until the one-time link is used
        user.set_unusable_password()
        user.save()
    if not Membership.objects.filter(user=user, role=ROLE_ORGANISER).exists():
        Membership.objects.create(user=user, role=ROLE_ORGANISER)
    inv, token = invite(email, ROLE_ORGANISER, user=user)
    record("smartcity serve init", "invitation", inv, detail=ROLE_ORGANISER)
    return f"{base_url.rstrip('/')}/invite/{token}/"


def worker_command(datadir: Path, database_url: str | None, *, batch: bool = False) -> list[str]:
    """The command line of a task worker on this data directory."""
    cmd = [sys.executable, "-m", "assessment.server.manage", str(datadir), "db_worker", "--no-reload",
           "--interval", "0.5"]
    if database_url:
        cmd[4:4] = ["--database", database_url]
    return [*cmd, "--batch"] if batch else cmd


def requeue_interrupted() -> int:
    """Put tasks left running by a killed worker back in the queue; return how many.

    Only when no other worker can be running them: ``smartcity serve DIR`` calls it before it
    starts its own worker. Tasks are idempotent, so one that had half run simply runs again. The
    hidden folders of publications whose build was interrupted are removed with it.
    """
    import shutil

    from django.conf import settings
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .config import publications_dir

    for stale in publications_dir(Path(settings.SMARTCITY_DATADIR)).glob(".building-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return int(DBTaskResult.objects.running().update(status=TaskResultStatus.READY, started_at=None))


def run(datadir: Path, host: str, port: int, database_url: str | None = None, *, worker: bool = True) -> None:
    """Django's development server plus one task worker (for a laptop; see the README for production)."""
    from django.core.management import call_command

    setup(datadir, database_url)
    migrate()
    if worker:
        requeue_interrupted()
    env = {**os.environ, **({DATABASE_ENV: database_url} if database_url else {})}
    proc: Any = subprocess.Popen(worker_command(datadir, database_url), env=env) if worker else None
    # a TERM (a service manager's stop) ends the server through `finally`, so the worker stops with it
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
