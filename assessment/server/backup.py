"""``smartcity serve backup DIR ARCHIVE`` and ``restore``: a whole round in one file, and back.

The archive (``.tar.gz``) holds the data directory's files (secret key, options, uploads,
publications) and the database in Django's portable form (``dumpdata``, XML), so a round backed up
from SQLite restores into PostgreSQL and back. Restoring needs an empty target: a new data
directory and, for PostgreSQL, a database without the service's tables; the tables are made by
the migrations, then the records loaded (audit records keep their ids and times). An archive made
before a migration that renamed a field has its records upgraded as that migration upgrades a
database (:func:`upgraded`).
"""

from __future__ import annotations

import html
import io
import json
import re
import tarfile
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from .config import KEY_FILE, OPTIONS_FILE, setup

#: Django's XML form: its JSON form cuts times to milliseconds, the XML keeps every microsecond.
DUMP = "database.xml"
#: What the dump leaves out: rebuilt by the migrations (content types, permissions) or not worth keeping.
EXCLUDE = ("contenttypes", "auth.permission", "sessions", "axes")


#: A city's one contact address as archives made before migration 0005 hold it (Django's XML form).
_ONE_CONTACT = re.compile(r'<field name="contact" type="CharField">([^<]*)</field>')


def upgraded(xml: str) -> str:
    """An archive's records in today's fields, as the migrations change a database's.

    A city's one ``contact`` (archives made before migration 0005) becomes its ``contacts`` list, the
    address first (none when it was empty); its profile is then the default, empty. Only that field's
    element is rewritten, so an archive of today passes unchanged.
    """
    def contacts(match: re.Match[str]) -> str:
        address = html.unescape(match.group(1))
        return f'<field name="contacts" type="JSONField">{escape(json.dumps([address] if address else []))}</field>'

    return _ONE_CONTACT.sub(contacts, xml)


def backup(datadir: Path, archive: Path, database_url: str | None = None) -> Path:
    """Write the round in ``datadir`` (and its database) to ``archive``."""
    from django.core.management import call_command

    setup(datadir, database_url)
    buf = io.StringIO()
    call_command("dumpdata", natural_foreign=True, exclude=list(EXCLUDE), format="xml", stdout=buf)
    data = buf.getvalue().encode("utf-8")
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(DUMP)
        info.size = len(data)
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(data))
        for name in (KEY_FILE, OPTIONS_FILE, "uploads", "publications"):
            if (datadir / name).exists():
                tar.add(datadir / name, arcname=name)
    return archive


def restore(archive: Path, datadir: Path, database_url: str | None = None) -> None:
    """Make ``datadir`` (which must not exist or be empty) and its database from ``archive``.

    Raises
    ------
    FileExistsError
        If ``datadir`` has files: a restore never mixes two rounds.
    ValueError
        If the archive has a member outside the data directory (an absolute or ``..`` path).
    """
    from django.core.management import call_command

    if datadir.exists() and any(datadir.iterdir()):
        raise FileExistsError(f"{datadir} is not empty; restore into a new folder")
    datadir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        # the "data" filter refuses absolute paths, '..', links out of the folder and device files
        tar.extractall(datadir, filter="data")
    dump = datadir / DUMP
    setup(datadir, database_url)
    call_command("migrate", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "round.xml"  # loaddata reads fixtures by file name and suffix
        fixture.write_text(upgraded(dump.read_text(encoding="utf-8")), encoding="utf-8")
        dump.unlink()
        call_command("loaddata", str(fixture), verbosity=0)
