"""The plausibility review of a round's submitted cities (the review stage's ``review``), as a task.

All submitted cities are reviewed together, because some rules (outliers among peers) compare a
city with the others; each query lands on its city's newest version, once (a re-run adds only
questions that version was not asked yet), worded when shown in the reader's language.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django_tasks import task

from . import storage
from .audit import record
from .models import City, Query, Upload
from .tasks import SUFFIXES, problem_record, safe_name


@task()
def review_round(round_id: int, username: str = "") -> int:
    """Ask every submitted city of the round the review stage's questions; return how many are new."""
    from ..intake import read_submissions
    from ..review import review

    versions: dict[str, Upload] = {}
    with tempfile.TemporaryDirectory(prefix="smartcity-review-") as tmp:
        for city in City.objects.filter(round_id=round_id, status="submitted"):
            newest = city.uploads.filter(state="checked").order_by("-number").first()
            if newest is None:
                continue
            suffix = Path(safe_name(newest.filename)).suffix.lower()
            name = f"{city.pk:05d}-v{newest.number}{suffix if suffix in SUFFIXES else ''}"
            shutil.copyfile(storage.path_of(newest.sha256), Path(tmp) / name)
            versions[name] = newest
        if not versions:
            return 0
        result = review(read_submissions([Path(tmp) / n for n in sorted(versions)], lang="en"))
    new = 0
    with transaction.atomic():
        for q in result.queries:
            version = versions.get(Path(q.problem.source).name)
            if version is None:
                continue
            _, created = Query.objects.get_or_create(
                upload=version, key=q.key,
                defaults={"city_id": version.city_id, "problem": problem_record(q.problem, version.filename)})
            new += created
        record(username, "review-run", detail=f"round {round_id}: {new} new question(s)")
    return new
