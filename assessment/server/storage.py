"""Uploaded files, kept by content hash in the data directory (never under a served folder).

Order that a crash cannot split: the file is written to a temporary name, flushed to disk and
renamed to its hash *before* the database row that names it is committed. A crash before the
commit leaves at most an unreferenced file (harmless, reused when the same bytes come again);
it can never leave a row whose file is missing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from .config import uploads_dir


def root() -> Path:
    """The uploads folder of the running service."""
    return uploads_dir(Path(settings.SMARTCITY_DATADIR))


def path_of(sha256: str) -> Path:
    """Where the file with this SHA-256 is kept (two-level fan-out keeps folders small)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return root() / sha256[:2] / sha256


def store(chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write the bytes to the store; return their SHA-256 and size. Durable when it returns."""
    base = root()
    base.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=base, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        final = path_of(digest.hexdigest())
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)  # atomic: the hash name exists whole or not at all
        os.chmod(final, 0o400)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size
