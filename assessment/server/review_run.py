"""The plausibility review of a round's submitted cities (the review stage's ``review``), as a task.

All submitted cities are reviewed together, because some rules (outliers among peers) compare a
city with the others; when the round started from a previous one, each city's accepted version
there is read too, as the year before (the ``change`` rules compare with it). Each query lands
on its city's newest version, once (a re-run adds only questions that version was not asked
yet), worded when shown in the reader's language. A question an earlier version was asked is not
asked again while it still stands there: about the same value (open, or confirmed with a comment), or
answered with a corrected value the new version holds (within the review stage's tolerance), as the
command line's review loop closes a confirmed or corrected question.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.db import transaction
from django_tasks import task

from . import storage
from .audit import record
from .catalogues import round_catalogue
from .models import City, Query, Round, Upload
from .tasks import SUFFIXES, problem_record, safe_name


def copy_version(version: Upload, folder: Path) -> str:
    """Copy a kept version into ``folder`` under a name that says whose and which it is."""
    suffix = Path(safe_name(version.filename)).suffix.lower()
    name = f"{version.city_id:05d}-v{version.number}{suffix if suffix in SUFFIXES else ''}"
    shutil.copyfile(storage.path_of(version.sha256), folder / name)
    return name


def last_years_version(rnd: Round, city: City) -> Upload | None:
    """The version accepted for the same city (by name) in the round this one started from."""
    if rnd.previous_id is None:
        return None
    before = City.objects.filter(round_id=rnd.previous_id, name=city.name, status="accepted").first()
    return before.accepted if before is not None else None


def asked_before(earlier: list[Query], found: str, value: float | None) -> bool:
    """Whether one of the ``earlier`` questions (the same question, on the city's earlier versions) still
    stands: about the same value (``found``, as the cell showed it; open, or confirmed with a comment), or
    answered with a corrected value ``value`` now equals. A changed value, or a correction the new version
    does not hold, is asked again."""
    from ..review.run import near_correction

    return any(near_correction(value, q.corrected) if q.corrected is not None else q.problem.get("found") == found
               for q in earlier)


@task()
def review_round(round_id: int, username: str = "") -> int:
    """Ask every submitted city of the round the review stage's questions; return how many are new."""
    from ..intake import read_submissions
    from ..review import review

    versions: dict[str, Upload] = {}
    rnd = Round.objects.get(pk=round_id)
    with tempfile.TemporaryDirectory(prefix="smartcity-review-") as tmp:
        files = []
        for city in City.objects.filter(round=rnd, status="submitted"):
            newest = city.uploads.filter(state="checked").order_by("-number").first()
            if newest is None:
                continue
            name = copy_version(newest, Path(tmp))
            versions[name] = newest
            files.append(name)
            last_year = last_years_version(rnd, city)
            if last_year is not None:  # the reference of the year-over-year (change) rules
                files.append(copy_version(last_year, Path(tmp)))
        if not versions:
            return 0
        result = review(read_submissions([Path(tmp) / n for n in sorted(files)], catalogue=round_catalogue(rnd),
                                         lang="en"))
    # every question the reviewed cities were asked before, read once: (city, question) -> on which versions
    asked: dict[tuple[int, str], list[Query]] = {}
    for old in Query.objects.filter(city__in={v.city_id for v in versions.values()}).select_related("upload"):
        asked.setdefault((old.city_id, old.key), []).append(old)
    new = 0
    with transaction.atomic():
        for q in result.queries:
            version = versions.get(Path(q.problem.source).name)
            if version is None:
                continue
            earlier = [e for e in asked.get((version.city_id, q.key), []) if e.upload.number < version.number]
            if asked_before(earlier, q.problem.found, q.value):
                continue
            _, created = Query.objects.get_or_create(
                upload=version, key=q.key,
                defaults={"city_id": version.city_id, "problem": problem_record(q.problem, version.filename)})
            new += created
        record(username, "review-run", detail=f"round {round_id}: {new} new question(s)")
    return new
