"""Run as a script on a data directory: fill it with a small round (``fill``) or print what it holds (``show``).

Used by ``tests/test_server_backup.py`` in separate processes, since Django is configured once
per process. ``show`` prints JSON: every round, city, version (with its file's bytes hashed
again from the store), publication and audit record, ids and times included.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from assessment.server.config import setup

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"


def fill() -> None:
    from django.contrib.auth.models import User

    from assessment.server import storage
    from assessment.server.audit import record
    from assessment.server.models import City, Membership, Round, Upload
    from assessment.server.tasks import check_upload

    rnd = Round.objects.create(slug="backup-2025", name="Backup", year=2025)
    for name, file in (("Da Nang", "da-nang-2025.xlsx"), ("Yangon", "zz-broken-1-2025.xlsx")):
        city = City.objects.create(round=rnd, name=name, country="VN", status="draft")
        user = User.objects.create_user(f"{file}@example.org", password="a long pass phrase")
        Membership.objects.create(user=user, role="city", city=city)
        with (EXAMPLES / file).open("rb") as fh:
            sha, size = storage.store(iter(lambda fh=fh: fh.read(1 << 16), b""))
        version = Upload.objects.create(city=city, number=1, filename=file, sha256=sha, size=size, uploaded_by=user)
        check_upload.call(version.pk)
        record(user, "upload", version, sha256=sha)


def show() -> dict[str, object]:
    from django.contrib.auth.models import User

    from assessment.server import storage
    from assessment.server.models import AuditRecord, City, Membership, Round, Upload

    def text(value: object) -> str:
        # JSON by content: PostgreSQL's jsonb keeps keys in its own order
        return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else str(value)

    def rows(model: type, *fields: str) -> list[list[str]]:
        return [[text(v) for v in r] for r in model.objects.order_by("pk").values_list("pk", *fields)]

    return {
        "rounds": rows(Round, "slug", "name", "year", "robustness"),
        "cities": rows(City, "round_id", "name", "status", "revision"),
        "users": rows(User, "username", "password"),
        "members": rows(Membership, "user_id", "role", "city_id"),
        "uploads": rows(Upload, "city_id", "number", "sha256", "errors", "warnings", "problems", "created"),
        "files": [hashlib.sha256(storage.path_of(u.sha256).read_bytes()).hexdigest() for u in Upload.objects.all()],
        "audit": rows(AuditRecord, "when", "user", "action", "object_id", "sha256"),
    }


if __name__ == "__main__":
    folder, action = Path(sys.argv[1]), sys.argv[2]
    setup(folder, sys.argv[3] if len(sys.argv) > 3 else None)
    if action == "fill":
        fill()
    else:
        print(json.dumps(show(), sort_keys=True))
