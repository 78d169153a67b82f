"""``smartcity serve init``: the data directory, its secret key, the organiser and their one-time link."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from server_kit import client_for, new_round, service

__all__ = ["service"]


def test_init_makes_the_data_directory_and_a_one_time_organiser_link(tmp_path: Path) -> None:
    folder = tmp_path / "round"
    env = {**os.environ, "SMARTCITY_DATABASE_URL": ""}  # SQLite in the folder, whatever the caller's shell says
    run = subprocess.run([sys.executable, "-m", "assessment", "serve", "init", str(folder), "--email",
                          "chair@example.org"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
    assert len((folder / "secret_key").read_text().strip()) >= 50
    assert (folder / "uploads").is_dir() and (folder / "publications").is_dir()
    db = sqlite3.connect(folder / "db.sqlite3")
    try:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"smartcity_round", "smartcity_upload", "smartcity_auditrecord", "axes_accessattempt"} <= tables
        roles = db.execute("SELECT u.username, m.role FROM smartcity_membership m JOIN auth_user u "
                           "ON u.id = m.user_id").fetchall()
        assert roles == [("chair@example.org", "organiser")]
        (unusable,) = db.execute("SELECT password FROM auth_user").fetchone()
        assert unusable.startswith("!")  # no password until the link is used
    finally:
        db.close()
    link = run.stdout.split("http://127.0.0.1:8000/invite/", 1)[1].split("/")[0]
    assert len(link) > 40
    again = subprocess.run([sys.executable, "-m", "assessment", "serve", "init", str(folder), "--email",
                            "chair@example.org"], capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0, again.stderr  # a second init keeps the key, gives a new link
    assert link not in again.stdout


def test_serve_refuses_a_folder_that_is_not_a_data_directory(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "assessment", "serve", str(tmp_path)], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2 and "serve init" in run.stderr


def test_an_invitation_link_works_once(service: Path) -> None:
    from assessment.server.models import AuditRecord, Membership
    from assessment.server.tokens import invite

    _rnd, (city, _other) = new_round()
    _inv, token = invite("team@example.org", "city", city=city)
    client = client_for()
    assert client.get(f"/invite/{token}/").status_code == 200
    short = client.post(f"/invite/{token}/", {"password": "short", "password2": "short"})
    assert short.status_code == 400  # a weak password: the link stays usable
    done = client.post(f"/invite/{token}/", {"password": "a long pass phrase", "password2": "a long pass phrase"})
    assert done.status_code == 302 and client.session.get("_auth_user_id")
    member = Membership.objects.get(city=city)
    assert member.user.username == "team@example.org" and member.role == "city"
    assert client_for().get(f"/invite/{token}/").status_code == 404  # used
    assert client_for().post(f"/invite/{token}/", {"password": "another long one", "password2": "another long one"}
                             ).status_code == 404
    city.refresh_from_db()
    assert city.status == "opened"
    assert AuditRecord.objects.filter(action="invitation-used", user="team@example.org").count() == 1


def test_an_expired_or_altered_link_is_refused(service: Path) -> None:
    from django.utils import timezone

    from assessment.server.models import Invitation
    from assessment.server.tokens import invite

    _rnd, (city, _other) = new_round()
    inv, token = invite("late@example.org", "city", city=city)
    Invitation.objects.filter(pk=inv.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert client_for().get(f"/invite/{token}/").status_code == 404
    _inv2, token2 = invite("other@example.org", "city", city=city)
    forged = token2[:-3] + ("AAA" if not token2.endswith("AAA") else "BBB")
    assert client_for().get(f"/invite/{forged}/").status_code == 404
    assert client_for().get(f"/invite/{token2}/").status_code == 200


def test_the_database_is_the_one_asked_for(service: Path) -> None:
    """SQLite in the data directory, or PostgreSQL when the tests are given one (tests/test_server_postgres.py)."""
    from django.db import connection
    from server_kit import PG_ENV

    expected = "postgresql" if os.environ.get(PG_ENV) else "sqlite"
    assert connection.vendor == expected
    if expected == "sqlite":
        assert Path(connection.settings_dict["NAME"]) == service / "db.sqlite3"


def test_a_link_never_resets_the_password_of_an_existing_account(service: Path) -> None:
    """A city invitation to the address of an existing account: the link alone changes nothing; its owner,
    signed in, joins the city with the link."""
    from django.contrib.auth.models import User

    from assessment.server.models import Membership
    from assessment.server.tokens import invite

    _rnd, (city, _other) = new_round()
    owner = User.objects.create_user("owner@example.org", password="the owner's phrase")
    _inv, token = invite("owner@example.org", "city", city=city)
    stranger = client_for()
    assert stranger.get(f"/invite/{token}/").status_code == 200
    stranger.post(f"/invite/{token}/", {"password": "taken over at last", "password2": "taken over at last"})
    owner.refresh_from_db()
    assert owner.check_password("the owner's phrase") and "_auth_user_id" not in stranger.session
    assert not Membership.objects.filter(user=owner).exists()
    assert client_for(owner).get(f"/invite/{token}/").status_code == 302
    assert Membership.objects.get(user=owner).city == city
    assert client_for(owner).get(f"/invite/{token}/").status_code == 404  # used


def test_a_reset_link_works_once_and_tells_nobody_who_has_an_account(service: Path) -> None:
    import re

    from django.contrib.auth.models import User
    from django.core import mail

    from assessment.server.models import AuditRecord

    user = User.objects.create_user("forgetful@example.org", email="forgetful@example.org", password="old phrase 123")
    before = len(mail.outbox)
    unknown = client_for().post("/reset/", {"email": "nobody@example.org"})
    known = client_for().post("/reset/", {"email": "forgetful@example.org"})
    def main(response: object) -> str:
        return response.content.decode().split("<main>")[1]  # type: ignore[attr-defined]

    assert unknown.status_code == known.status_code == 200 and main(unknown) == main(known)  # the same answer
    assert [m.to for m in mail.outbox[before:]] == [["forgetful@example.org"]]
    link = re.search(r"http://testserver(/reset/[^/]+/[^/]+/)", mail.outbox[-1].body)
    assert link is not None
    path = link.group(1)
    assert client_for().get(path).status_code == 200
    done = client_for().post(path, {"password": "new phrase 4567", "password2": "new phrase 4567"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new phrase 4567")
    assert client_for().get(path).status_code == 404  # single use: the token hashed the old password
    assert client_for().get(path[:-3] + "xx/").status_code == 404
    assert AuditRecord.objects.filter(user=user.username, action="password-reset").count() == 1
