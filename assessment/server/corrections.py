"""A city's corrected values become a new version: written into a copy of its newest workbook.

Why a new version and not an answer kept beside the old one: a publication records the exact
files (by SHA-256) its scores were computed from. If a corrected value lived only in an answer
record, the published score would come from a number that is in no kept file, and
``smartcity report`` on the publication's files would not give the published scores. Written
into a copy, the corrected value is in a file of its own, checked by the intake like any upload,
submitted and accepted like any version, and the publication names that file.

The copy is made through the intake's own layout (:mod:`assessment.intake.layout`): the
Indicators sheet (by its name in any language of the template, as the intake finds it), the row
whose ID cell holds the indicator (rows found by id, as the intake reads them), the Value
column. Everything else of the workbook stays as the city wrote it. Only ``.xlsx`` workbooks are
edited (an ``.xls``, ``.ods`` or CSV version asks the city to upload the corrected file). The
edit runs in the intake's cage (memory, CPU and time limits), on a version that has already
passed the pre-flight check.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..i18n import N_
from . import storage
from .audit import record
from .models import City, Upload
from .tasks import check_upload, safe_name


class CorrectionError(Exception):
    """A corrected value cannot be written; ``args[0]`` is a UI msgid, ``args[1]`` its parameters."""


def write_values(path: Path, values: dict[str, float]) -> tuple[str, Any]:
    """Write ``values`` (indicator id → number) into the Value cells of a copy of ``path``.

    Returns ``("ok", bytes)`` with the new workbook, or ``("missing", ids)`` when an indicator
    has no row on the Indicators sheet (nothing is written then). Runs inside the cage.
    """
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from ..i18n import LANGUAGES, _
    from ..intake.layout import INDICATOR_COLUMNS, SHEETS

    wb = load_workbook(path)
    names = [_(SHEETS["indicators"], lang) for lang in LANGUAGES]
    sheet = next((wb[n] for n in wb.sheetnames if n in names), None)
    if sheet is None:
        return "missing", sorted(values)
    id_col, value_col = INDICATOR_COLUMNS.index("id") + 1, INDICATOR_COLUMNS.index("value") + 1
    rows: dict[str, int] = {}
    for row in range(2, sheet.max_row + 1):  # row 1 is the header
        cell = sheet.cell(row=row, column=id_col).value
        if isinstance(cell, str) and cell.strip() in values:
            rows.setdefault(cell.strip(), row)
    missing = sorted(set(values) - set(rows))
    if missing:
        return "missing", missing
    for ind, row in rows.items():
        sheet.cell(row=row, column=value_col).value = values[ind]
    out = io.BytesIO()
    wb.save(out)
    return "ok", out.getvalue()


def new_version(city: City, user: Any, filename: str, sha: str, size: int, detail: str = "") -> Upload:
    """Record a stored file as the city's next version (status back to draft) and queue its check.

    Call inside a transaction; the file must already be in the store (see :mod:`.storage`).
    """
    locked = City.objects.select_for_update().get(pk=city.pk)
    number = (locked.uploads.aggregate(n=Max("number"))["n"] or 0) + 1
    version = Upload.objects.create(city=locked, number=number, filename=safe_name(filename), sha256=sha,
                                    size=size, uploaded_by=user)
    if locked.status in ("invited", "opened", "sent_back", "submitted"):
        locked.status = "draft"
        locked.revision += 1
    locked.last_activity = timezone.now()
    locked.save(update_fields=["status", "revision", "last_activity"])
    record(user, "upload", version, sha256=sha, detail=f"{locked.name} v{number} {version.filename}{detail}")
    check_upload.enqueue(version.pk)  # the task row commits with the version: none is lost
    return version


def correct(city: City, user: Any, values: dict[str, float]) -> Upload:
    """Write corrected values into a copy of the city's newest version; return the new version.

    Raises :class:`CorrectionError` (nothing stored) when the newest version is not a checked
    ``.xlsx`` or an indicator has no row in it.
    """
    from ..intake.cage import run_caged

    newest = city.uploads.order_by("-number").first()
    if newest is None or newest.state != "checked":
        raise CorrectionError(N_("Wait until the newest version is checked, then give the corrected value."), {})
    if Path(newest.filename).suffix.lower() != ".xlsx":
        raise CorrectionError(N_("A corrected value can be written only into an .xlsx workbook: correct the "
                                 "file and upload it again."), {})
    with tempfile.TemporaryDirectory(prefix="smartcity-correct-") as tmp:
        path = Path(tmp) / "newest.xlsx"
        shutil.copyfile(storage.path_of(newest.sha256), path)
        ((status, payload),) = run_caged([path], partial(write_values, values=values), workers=1)
    if status != "ok" or payload[0] != "ok":
        missing = ", ".join(payload[1]) if status == "ok" else ""
        raise CorrectionError(N_("The newest version has no row for {found} on its Indicators sheet: correct the "
                                 "file and upload it again."), {"found": missing or "?"})
    sha, size = storage.store([payload[1]])  # on disk before the row that names it
    stem = Path(newest.filename).stem
    with transaction.atomic():
        return new_version(city, user, f"{stem}-corrected.xlsx", sha, size,
                           detail=f" (corrected from v{newest.number}: {', '.join(sorted(values))})")
