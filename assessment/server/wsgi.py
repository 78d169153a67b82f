"""The WSGI application for a production server: ``gunicorn assessment.server.wsgi``.

Reads the data directory from ``SMARTCITY_DATADIR``, the database from ``SMARTCITY_DATABASE_URL``
(else SQLite in the directory), and ``SMARTCITY_HOSTS`` (comma-separated host names, behind an
HTTPS proxy that sets ``X-Forwarded-Proto``): cookies are then Secure and plain HTTP is redirected.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

from .config import setup

_hosts = tuple(h.strip() for h in os.environ.get("SMARTCITY_HOSTS", "").split(",") if h.strip())
if _hosts:
    setup(Path(os.environ["SMARTCITY_DATADIR"]), https=True, allowed_hosts=_hosts)
else:
    setup(Path(os.environ["SMARTCITY_DATADIR"]))
application = get_wsgi_application()
