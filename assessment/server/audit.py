"""Writing and exporting the audit trail (append-only records, :class:`~.models.AuditRecord`)."""

from __future__ import annotations

import csv
import io
from typing import Any

from .models import AuditRecord

#: Columns of the CSV export, in order.
CSV_COLUMNS = ("when", "user", "action", "object_type", "object_id", "sha256", "detail")


def record(user: Any, action: str, obj: Any = None, sha256: str = "", detail: str = "") -> AuditRecord:
    """Append one record: ``user`` (a user, a name or ``None``), what was done, to which object."""
    name = getattr(user, "username", None) or (user if isinstance(user, str) else "")
    return AuditRecord.objects.create(
        user=name, action=action, object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""), sha256=sha256, detail=detail)


def audit_csv() -> str:
    """Every record as CSV (UTF-8, times in UTC ISO 8601), oldest first.

    A cell that a spreadsheet would read as a formula (``= + - @``) is written with a leading
    apostrophe, so a user name or a file name can never run in the organiser's spreadsheet.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for rec in AuditRecord.objects.order_by("when", "id").iterator():
        row = [rec.when.isoformat(), rec.user, rec.action, rec.object_type, rec.object_id, rec.sha256, rec.detail]
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in row])
    return buf.getvalue()
