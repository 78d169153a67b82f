"""Nothing is lost: ``kill -9`` during an upload or during a task leaves no half record, and the task runs again.

The worker and the server are real processes on the tests' own data directory and database
(SQLite, or PostgreSQL under ``tests/test_server_postgres.py``), killed with SIGKILL at the
moment that matters: a task while it is running, an upload while its body is arriving.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from server_kit import EXAMPLES, accepted, client_for, drain, new_round, person, service, upload

__all__ = ["service"]


def database_args() -> list[str]:
    """``--database URL`` for a process that must use this process's database (PostgreSQL's test database)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return []
    return ["--database", f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"]


def wait_for(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_a_task_killed_mid_run_leaves_no_publication_and_runs_again(service: Path) -> None:
    from django_tasks_db.models import DBTaskResult

    from assessment.server.config import publications_dir
    from assessment.server.models import Publication
    from assessment.server.service import requeue_interrupted

    rnd, cities = new_round(cities=("Bangkok", "Manila"))
    reviewer = client_for(person("reviewer"))
    for city, file in zip(cities, ("bangkok-2025.xlsx", "manila-2025.xlsx"), strict=True):
        accepted(city, EXAMPLES / file, reviewer)
    client_for(person("organiser")).post(f"/rounds/{rnd.slug}/publish/")
    pub = Publication.objects.get(round=rnd)
    worker = subprocess.Popen([sys.executable, "-m", "assessment.server.manage", str(service), *database_args(),
                               "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: DBTaskResult.objects.running().filter(args_kwargs__args=[pub.pk]).exists(), 120)
        time.sleep(0.3)  # inside the build: reading, scoring or rendering
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    pub.refresh_from_db()
    final = publications_dir(service) / f"{rnd.slug}-1"
    assert pub.state == "pending" and not pub.manifest and not final.exists()  # no half publication
    assert requeue_interrupted() == 1
    assert not list(publications_dir(service).glob(".building-*"))
    drain()
    pub.refresh_from_db()
    assert pub.state == "done" and (final / "site" / "index.html").is_file() and (final / "site.zip").is_file()
    assert Publication.objects.filter(round=rnd).count() == 1


def test_the_server_killed_during_an_upload_keeps_no_half_record(service: Path) -> None:
    from assessment.server import storage
    from assessment.server.config import uploads_dir
    from assessment.server.models import AuditRecord, Upload

    _rnd, (city, _b) = new_round()
    member = person("city", city)
    session = client_for(member)
    session.get(f"/cities/{city.pk}/")
    cookies = {k: v.value for k, v in session.cookies.items()}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "assessment.server.manage", str(service), *database_args(),
                               "runserver", f"127.0.0.1:{port}", "--noreload"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                return False

        assert wait_for(up, 60)
        def request(body: bytes, name: str) -> tuple[bytes, bytes]:
            """The raw upload a browser sends: headers and form, then the file's bytes and the end."""
            boundary = "----kill9"
            head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
                    f"{cookies['csrftoken']}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                    f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
            tail = f"\r\n--{boundary}--\r\n".encode()
            lines = (f"POST /cities/{city.pk}/upload/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"Cookie: sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}\r\n"
                     f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                     f"Content-Length: {len(head) + len(body) + len(tail)}\r\nConnection: close\r\n\r\n")
            return lines.encode() + head + body, tail

        # the control: the same request, whole, is taken (so the half one below was a real upload)
        whole, end = request((EXAMPLES / "bangkok-2025.xlsx").read_bytes(), "bangkok-2025.xlsx")
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(whole + end)
            assert conn.recv(64).startswith(b"HTTP/1.1 302")
        assert Upload.objects.filter(city=city).count() == 1
        kept = set(uploads_dir(service).rglob("*"))
        half, _end = request((EXAMPLES / "da-nang-2025.xlsx").read_bytes(), "da-nang-2025.xlsx")
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(half[: len(half) - 20_000])  # most of the file has arrived, not all
            time.sleep(0.5)
            os.kill(server.pid, signal.SIGKILL)
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    assert Upload.objects.filter(city=city).count() == 1  # the control's version only
    versions = [str(pk) for pk in Upload.objects.filter(city=city).values_list("pk", flat=True)]
    assert AuditRecord.objects.filter(action="upload", object_id__in=versions).count() == 1
    assert set(uploads_dir(service).rglob("*")) == kept  # no file, whole or partial
    assert storage.path_of(Upload.objects.get(city=city).sha256) in kept
    # the city sends it again, whole: a second version
    upload(client_for(member), city, EXAMPLES / "da-nang-2025.xlsx")
    assert Upload.objects.filter(city=city).count() == 2
