"""A city answers the review's questions: in the browser, or by uploading the answered query workbook.

An answer confirms the value with a comment, or gives a corrected value. A corrected value is
written into a copy of the newest workbook, which becomes a new version (see
:mod:`.corrections` for why): the city submits it again and a reviewer accepts it as any
version. Every answer is an audit record; an answered question is not answered again (the
first answer stands, as a reviewer may already have read it).

The answered query workbook that ``smartcity review`` wrote is read only through the review
stage's own reader, :func:`assessment.review.read_round` (pre-flight check and cage). Every
problem it finds is kept with the file and shown on the city's page; a workbook of another city
(by the city and country in its marker) is refused whole and nothing of it is applied.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import Problem, params
from ..i18n import N_
from . import storage
from .audit import record
from .corrections import CorrectionError, correct
from .jinja import current as page_lang
from .jinja import gettext
from .models import AnswerFile, City, Query
from .roles import city_for, signed_in
from .tasks import problem_record, safe_name


def _refuse(request: HttpRequest, message: str, status: int, **values: str) -> HttpResponse:
    """A message page, the msgid worded in the reader's language with its values."""
    return render(request, "message.html.j2", {"message": gettext(message).format(**values)}, status=status)


def _member(request: HttpRequest, city: City) -> bool:
    return city.members.filter(user=request.user).exists()


def _close(query: Query, user: Any, text: str, corrected: float | None = None, version: Any = None) -> bool:
    """Record the answer on an open question (``False`` if it was answered meanwhile) and audit it."""
    updated = Query.objects.filter(pk=query.pk, answered__isnull=True).update(
        answer=text, answered=timezone.now(), answered_by=user, corrected=corrected, correction=version)
    if updated:
        what = text[:200] if corrected is None else f"corrected {corrected:g} in v{version.number}: {text[:150]}"
        record(user, "answer", query, sha256=version.sha256 if version is not None else "", detail=what)
    return bool(updated)


@signed_in
@require_POST
def answer(request: HttpRequest, query_id: int) -> HttpResponse:
    """The city confirms the value with a comment, or gives a corrected value (a new version)."""
    from ..intake.numbers import parse_number

    query = get_object_or_404(Query.objects.select_related("city"), pk=query_id)
    city = city_for(request, query.city_id)
    if not _member(request, city):
        return HttpResponse(status=403)  # the city answers its questions; reviewers read the answers
    text = request.POST.get("answer", "").strip()[:5000]
    raw = request.POST.get("corrected", "").strip()
    if query.answered is not None:
        return _refuse(request, N_("This question has been answered already."), 409)
    if not raw:
        if not text:
            return _refuse(request, N_("Write an answer first."), 400)
        with transaction.atomic():
            _close(query, request.user, text)
        return redirect("city", city.pk)
    parsed = parse_number(raw, page_lang())
    if parsed.value is None:
        return _refuse(request, N_("The corrected value {found} is not a number."), 400, found=raw[:40])
    item = str(query.problem.get("item", ""))
    from ..catalogue import load_catalogue
    from .catalogues import round_catalogue

    if item not in {i.id for i in (round_catalogue(city.round) or load_catalogue()).indicators}:
        return _refuse(request, N_("This question is not about one indicator's value: correct the file and upload "
                                   "it again."), 400)
    try:
        version = correct(city, request.user, {item: parsed.value})
    except CorrectionError as exc:
        return _refuse(request, exc.args[0], 409, **exc.args[1])
    with transaction.atomic():
        _close(query, request.user, text, parsed.value, version)
    return redirect("city", city.pk)


def _other_city(name: str, found: str) -> dict[str, Any]:
    return problem_record(Problem(name, code="queries-other-city", severity="error", found=found,
                                  message=N_("This query workbook is for {found}, not for this city; nothing of it "
                                             "was read."),
                                  fix=N_("Upload the query workbook the review wrote for this city."),
                                  params=params()), name)


def read_answers(city: City, path: Path, name: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """The problems of an answered query workbook and its answers (none if it is another city's)."""
    from ..review import read_round

    folder = path.parent
    previous = read_round(folder)
    problems = [problem_record(p, name) for p in previous.problems]
    answers: list[Any] = []
    for (town, country), one in previous.cities.items():
        if (town, country) != (city.name, city.country):
            problems.append(_other_city(name, f"{town} ({country})"))
        else:
            answers = list(one.queries)
    if any(p["code"] == "queries-other-city" for p in problems):
        answers = []
    return problems, answers


@signed_in
@require_POST
def answers_upload(request: HttpRequest, city_id: int) -> HttpResponse:
    """Keep the answered query workbook (by hash), read it, and apply its answers to the open questions."""
    city = city_for(request, city_id)
    if not _member(request, city):
        return HttpResponse(status=403)  # the city sends its answers; reviewers read them
    incoming = request.FILES.get("file")
    if incoming is None or not incoming.name:
        return _refuse(request, N_("Choose a file to upload."), 400)
    name = safe_name(incoming.name)
    sha, size = storage.store(incoming.chunks())
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="smartcity-answers-") as tmp:
        path = Path(tmp) / f"answers{suffix if suffix in ('.xlsx', '.xls', '.xlsm', '.ods') else '.xlsx'}"
        path.write_bytes(storage.path_of(sha).read_bytes())
        problems, answers = read_answers(city, path, name)
    open_questions = {q.key: q for q in city.queries.filter(answered__isnull=True)}
    used = [a for a in answers if a.key in open_questions and (a.confirmed or a.corrected is not None or a.comment)]
    corrections = {a.problem.item: a.corrected for a in used if a.corrected is not None}
    version = None
    if corrections:
        try:
            version = correct(city, request.user, corrections)
        except CorrectionError as exc:
            problems.append(problem_record(Problem(name, code="correction", severity="error",
                                                   message=exc.args[0], params=params(**exc.args[1])), name))
            used = [a for a in used if a.corrected is None]
    answered = 0
    with transaction.atomic():
        kept = AnswerFile.objects.create(city=city, filename=name, sha256=sha, size=size, uploaded_by=request.user,
                                         problems=problems, correction=version)
        for a in used:
            text = a.comment or (gettext("Confirmed") if a.confirmed else "")
            fixed = a.corrected if version is not None else None
            answered += _close(open_questions[a.key], request.user, text, fixed, version if fixed is not None else None)
        AnswerFile.objects.filter(pk=kept.pk).update(answered=answered)
        record(request.user, "answers-upload", kept, sha256=sha,
               detail=f"{city.name}: {answered} answer(s), {len(problems)} problem(s)")
    return redirect("city", city.pk)
