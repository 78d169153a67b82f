"""Django's management commands on a data directory: ``python -m assessment.server.manage DIR [--database URL] CMD``.

``smartcity serve worker DIR`` runs ``db_worker`` through here; an organiser may run others
(``createsuperuser`` is not needed: ``smartcity serve init`` makes the organiser).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .config import setup


def main(argv: list[str]) -> None:
    """Configure Django for the data directory, then run the command."""
    from django.core.management import execute_from_command_line

    datadir, rest = Path(argv[0]), argv[1:]
    database = None
    if rest[:1] == ["--database"]:
        database, rest = rest[1], rest[2:]
    setup(datadir, database)
    execute_from_command_line(["smartcity-serve", *rest])


if __name__ == "__main__":
    main(sys.argv[1:])
