"""A city's page: its round, status, template, uploads (every version kept), problems, submission; versions compared."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..i18n import N_
from . import storage
from .audit import record
from .catalogues import round_catalogue
from .corrections import new_version
from .jinja import current as page_lang
from .models import City, Upload
from .review_run import last_years_version
from .roles import city_for, is_staff, signed_in
from .tasks import SUFFIXES, problem_of, safe_name


def latest(city: City) -> Upload | None:
    """The city's newest version."""
    return city.uploads.order_by("-number").first()


def changes(new: Upload, old: Upload | None) -> list[dict[str, Any]]:
    """Values that differ between two versions (added, removed or changed), by indicator."""
    if old is None:
        return []
    ids = sorted(set(new.values) | set(old.values))
    return [{"indicator": i, "before": old.values.get(i), "after": new.values.get(i)}
            for i in ids if old.values.get(i) != new.values.get(i)]


def problem_rows(upload: Upload, lang: str) -> list[dict[str, str]]:
    """The version's problems as ``smartcity validate`` words them (info lines left out, as there)."""
    return worded(upload.problems, lang)


def worded(records: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """Stored problem records as rows of a problem table, in ``lang`` (info lines left out)."""
    rows = []
    for data in records:
        p = problem_of(data)
        if p.severity == "info":
            continue
        rows.append({"file": p.source, "sheet": p.sheet, "cell": f"{p.column}{'' if p.row is None else p.row}",
                     "item": p.item, "severity": p.severity, "message": p.text(lang), "found": p.found,
                     "fix": p.fix_text(lang)})
    return rows


def query_rows(city: City, lang: str) -> list[dict[str, Any]]:
    """The city's questions, worded in ``lang``, with their answers."""
    rows = []
    for q in city.queries.select_related("upload", "answered_by", "correction"):
        p = problem_of(q.problem)
        rows.append({"id": q.pk, "version": q.upload.number, "item": p.item, "sheet": p.sheet,
                     "cell": f"{p.column}{'' if p.row is None else p.row}", "question": p.text(lang),
                     "fix": p.fix_text(lang), "answer": q.answer, "answered": q.answered,
                     "corrected": q.corrected, "correction": q.correction.number if q.correction else None,
                     "by": q.answered_by.username if q.answered_by else ""})
    return rows


def last_year_rows(before: Upload | None, newest: Upload | None) -> list[dict[str, Any]]:
    """Last year's accepted values beside this year's newest (a reference for the city and the reviewer)."""
    if before is None:
        return []
    now = newest.values if newest is not None else {}
    return [{"indicator": i, "before": before.values[i], "now": now.get(i)} for i in sorted(before.values)]


@signed_in
@require_GET
def city_page(request: HttpRequest, city_id: int) -> HttpResponse:
    """Deadline, status, what is missing, every version and the newest one's problems."""
    city = city_for(request, city_id)
    versions = list(city.uploads.order_by("-number"))
    newest = versions[0] if versions else None
    lang = page_lang()
    answer_file = city.answer_files.order_by("-created", "-id").first()
    before = last_years_version(city.round, city)
    context = {"city": city, "round": city.round, "versions": versions, "newest": newest,
               "problems": problem_rows(newest, lang) if newest and newest.state == "checked" else [],
               "changes": changes(newest, versions[1] if len(versions) > 1 else None) if newest else [],
               "staff": is_staff(request.user), "queries": query_rows(city, lang),
               "last_year": last_year_rows(before, newest), "last_round": before.city.round if before else None,
               "answer_file": answer_file, "answer_problems": worded(answer_file.problems, lang) if answer_file else [],
               "can_submit": bool(newest and newest.state == "checked" and newest.errors == 0
                                  and city.status in ("draft", "sent_back"))}
    return render(request, "city.html.j2", context)


def _version_number(raw: str | None, default: int) -> int:
    """A version number from the query string (``default`` when absent); not a number is no such version."""
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise Http404
    return int(raw)


@signed_in
@require_GET
def compare(request: HttpRequest, city_id: int) -> HttpResponse:
    """Any two of a city's versions side by side: who uploaded each and when, and every value that differs.

    ``?a=N&b=M`` picks the versions (by default the one before the newest, and the newest). A
    number the city has no version of is a 404, as a version file is. Only a checked version's
    values are known; a version still being checked (or that could not be read) is named as such
    instead of showing every value of the other as changed.
    """
    city = city_for(request, city_id)
    versions = list(city.uploads.select_related("uploaded_by").order_by("-number"))
    by_number = {v.number: v for v in versions}
    newest = versions[0].number if versions else 0
    a = _version_number(request.GET.get("a"), versions[1].number if len(versions) > 1 else newest)
    b = _version_number(request.GET.get("b"), newest)
    if versions and (a not in by_number or b not in by_number):
        raise Http404
    old, new = by_number.get(a), by_number.get(b)
    both_checked = old is not None and new is not None and old.state == new.state == "checked"
    return render(request, "compare.html.j2", {
        "city": city, "round": city.round, "versions": versions, "a": old, "b": new,
        "both_checked": both_checked, "rows": changes(new, old) if both_checked and new is not None else []})


@signed_in
@require_GET
def template_download(request: HttpRequest, city_id: int) -> HttpResponse:
    """The city's workbook, its profile pre-filled (city, country, year, and the values the organiser gave,
    which the city may still change), in the city's language; with last year's accepted values beside each
    row as a reference (never read back) when the round started from a previous one."""
    from ..intake import Prefill, Reference, write_template

    city = city_for(request, city_id)
    before = last_years_version(city.round, city)
    reference = Reference(before.city.round.year, before.values) if before is not None else None
    with tempfile.TemporaryDirectory(prefix="smartcity-template-") as tmp:
        name = f"{safe_name(city.name).replace(' ', '-').lower()}-{city.round.year}.xlsx"
        path = write_template(Path(tmp) / name, city=city.name, country=city.country, year=city.round.year,
                              lang=city.language, reference=reference, catalogue=round_catalogue(city.round),
                              prefill=Prefill(profile=dict(city.profile)))
        data = path.read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@signed_in
@require_POST
def upload(request: HttpRequest, city_id: int) -> HttpResponse:
    """Keep the file (by hash, durable) and its version row, then check it as a task."""
    city = city_for(request, city_id)
    if not city.members.filter(user=request.user).exists():
        return HttpResponse(status=403)  # reviewers read versions; only the city uploads them
    incoming = request.FILES.get("file")
    if incoming is None or not incoming.name:
        return render(request, "message.html.j2", {"message": N_("Choose a file to upload.")}, status=400)
    sha, size = storage.store(incoming.chunks())  # on disk before the row that names it
    with transaction.atomic():
        new_version(city, request.user, incoming.name, sha, size)
    return redirect("city", city.pk)


@signed_in
@require_POST
def submit(request: HttpRequest, city_id: int) -> HttpResponse:
    """Submit the newest version for review: only when it has no errors (warnings do not block)."""
    city = city_for(request, city_id)
    if not city.members.filter(user=request.user).exists():
        return HttpResponse(status=403)  # a city submits its own data; reviewers decide on it
    with transaction.atomic():
        locked = City.objects.select_for_update().get(pk=city.pk)
        newest = latest(locked)
        if (newest is None or newest.state != "checked" or newest.errors
                or locked.status not in ("draft", "sent_back")):
            return render(request, "message.html.j2",
                          {"message": N_("Only a checked version without errors can be submitted.")}, status=409)
        locked.status = "submitted"
        locked.revision += 1
        locked.last_activity = timezone.now()
        locked.save(update_fields=["status", "revision", "last_activity"])
        record(request.user, "submit", newest, sha256=newest.sha256, detail=f"{locked.name} v{newest.number}")
    return redirect("city", city.pk)


@signed_in
@require_GET
def version_file(request: HttpRequest, city_id: int, number: int) -> HttpResponse:
    """A kept version's bytes, always as a download no browser renders."""
    city = city_for(request, city_id)
    version = get_object_or_404(Upload, city=city, number=number)
    path = storage.path_of(version.sha256)
    if not path.is_file():
        raise Http404
    suffix = Path(version.filename).suffix.lower()
    name = f"{city.pk}-v{number}{suffix if suffix in SUFFIXES else '.bin'}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="application/octet-stream")
