"""A city answers the review's questions: in the browser (a comment, or a corrected value that makes a
new version) or by uploading the answered query workbook that ``smartcity review`` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server_kit import EXAMPLES, client_for, drain, new_round, person, service, upload

__all__ = ["service"]


def _submitted(name: str, file: str) -> tuple[Any, Any, Any]:
    """A round where ``name`` uploaded ``file`` (checked) and submitted it; its member's client."""
    _rnd, (city,) = new_round(cities=(name,))
    member = person("city", city)
    client = client_for(member)
    assert upload(client, city, EXAMPLES / file).status_code == 302
    drain()
    assert client.post(f"/cities/{city.pk}/submit/").status_code == 302
    return city, member, client


def _ask(city: Any, item: str, key: str = "") -> Any:
    from assessment.server.models import Query

    return Query.objects.create(city=city, upload=city.uploads.get(number=1), key=key or f"change:x:{item}",
                                problem={"source": "x.xlsx", "item": item, "message": "Why?"})


def test_a_corrected_value_in_the_browser_makes_a_new_checked_version(service: Path, tmp_path: Path) -> None:
    from assessment.intake import read_submissions
    from assessment.server import storage
    from assessment.server.models import AuditRecord

    city, _member, client = _submitted("Da Nang", "da-nang-2025.xlsx")
    first = city.uploads.get(number=1)
    item = sorted(first.values)[0]
    old = first.values[item]
    new = 12.5 if old != 12.5 else 13.5
    question = _ask(city, item)
    assert client.post(f"/queries/{question.pk}/answer/", {"answer": "typo", "corrected": str(new)}).status_code == 302
    drain()
    second = city.uploads.get(number=2)
    question.refresh_from_db()
    city.refresh_from_db()
    assert question.corrected == new and question.correction_id == second.pk and question.answer == "typo"
    assert second.state == "checked" and second.errors == 0 and second.filename == "da-nang-2025-corrected.xlsx"
    # exactly the one value changed, read back from the new file by the intake itself
    assert second.values == {**first.values, item: new}
    copy = tmp_path / "v2.xlsx"
    copy.write_bytes(storage.path_of(second.sha256).read_bytes())
    read = {r["indicator"]: r["value"] for r in read_submissions([copy]).accepted.data}
    assert read[item] == new
    assert first.sha256 != second.sha256 and storage.path_of(first.sha256).is_file()  # v1 kept as it was
    assert city.status == "draft"  # the corrected version is submitted again, then accepted as any version
    answer = AuditRecord.objects.get(action="answer", object_id=str(question.pk))
    assert answer.sha256 == second.sha256 and str(new) in answer.detail
    page = client.get(f"/cities/{city.pk}/").content.decode()
    assert "Corrected value" in page and "-corrected.xlsx" in page
    # answered once: a second answer is refused, nothing changes
    assert client.post(f"/queries/{question.pk}/answer/", {"answer": "again"}).status_code == 409
    assert city.uploads.count() == 2


def test_confirming_with_a_comment_and_bad_corrections(service: Path) -> None:
    city, _member, client = _submitted("Da Nang", "da-nang-2025.xlsx")
    item = sorted(city.uploads.get().values)[0]
    confirm, bad, profile = _ask(city, item, "a:b:c"), _ask(city, item, "d:e:f"), _ask(city, "population", "g:h:i")
    assert client.post(f"/queries/{confirm.pk}/answer/", {"answer": "measured twice"}).status_code == 302
    confirm.refresh_from_db()
    assert confirm.answer == "measured twice" and confirm.corrected is None and confirm.correction is None
    response = client.post(f"/queries/{bad.pk}/answer/", {"corrected": "twelve"})
    assert response.status_code == 400 and "twelve" in response.content.decode()
    assert client.post(f"/queries/{profile.pk}/answer/", {"corrected": "5"}).status_code == 400
    assert city.uploads.count() == 1  # nothing was written


def test_a_csv_version_asks_for_a_corrected_file(service: Path, tmp_path: Path) -> None:
    from assessment.intake import write_template

    _rnd, (city,) = new_round(cities=("Hue",))
    client = client_for(person("city", city))
    csv = write_template(tmp_path / "hue.csv", city="Hue", country="VN", year=2025)
    upload(client, city, csv)
    drain()
    from assessment import load_catalogue

    question = _ask(city, load_catalogue().indicators[0].id)
    response = client.post(f"/queries/{question.pk}/answer/", {"corrected": "3"})
    assert response.status_code == 409 and ".xlsx" in response.content.decode()
    assert city.uploads.count() == 1


def _query_workbook(file: str, folder: Path) -> tuple[Path, Any]:
    """The query workbook ``smartcity review`` writes for the city of ``file``, and the review."""
    from assessment.intake import read_submissions
    from assessment.review import review, write_review

    rv = review(read_submissions([EXAMPLES / file]))
    written = [p for p in write_review(rv, folder) if p.name.startswith("queries-")]
    assert len(written) == 1
    return written[0], rv


def _fill(path: Path, answers: dict[int, dict[str, Any]]) -> None:
    """Type answers into the Queries sheet: {question row index: {column key: value}}."""
    from openpyxl import load_workbook

    from assessment.review.layout import HEADER_ROW, KEYS

    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for i, cols in answers.items():
        for key, value in cols.items():
            ws.cell(row=HEADER_ROW + 2 + i, column=KEYS.index(key) + 1).value = value
    wb.save(path)


def test_the_answered_query_workbook_answers_the_questions(service: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from assessment.review.layout import HEADER_ROW, KEYS
    from assessment.server.models import AnswerFile, AuditRecord, Query
    from assessment.server.tasks import problem_record

    city, _member, client = _submitted("Da Nang", "da-nang-2025.xlsx")
    book, rv = _query_workbook("da-nang-2025.xlsx", tmp_path)
    mine = [q for q in rv.queries if q.city == "Da Nang"]
    for q in mine:
        Query.objects.create(city=city, upload=city.uploads.get(), key=q.key, problem=problem_record(q.problem, "x"))
    ws = load_workbook(book).worksheets[0]
    # the rows as the workbook lists them: (row index, indicator id)
    rows = [(i, ws.cell(row=HEADER_ROW + 2 + i, column=KEYS.index("indicator") + 1).value) for i in range(len(mine))]
    indicator_row = next(i for i, ind in rows if ind and ind in city.uploads.get().values)
    other = next(i for i, _ind in rows if i != indicator_row)
    _fill(book, {other: {"confirmed": "Yes", "comment": "checked with the department"},
                 indicator_row: {"corrected": 7, "comment": "unit slip"}})
    response = client.post(f"/cities/{city.pk}/answers/", {"file": _upload_file(book)})
    assert response.status_code == 302
    drain()
    kept = AnswerFile.objects.get(city=city)
    assert kept.answered == 2 and kept.correction is not None and kept.correction.number == 2
    assert kept.correction.state == "checked" and kept.correction.values[rows[indicator_row][1]] == 7
    answered = Query.objects.filter(city=city, answered__isnull=False)
    assert sorted(q.answer for q in answered) == ["checked with the department", "unit slip"]
    assert answered.get(answer="unit slip").corrected == 7
    assert AuditRecord.objects.filter(action="answers-upload", sha256=kept.sha256).count() == 1
    assert "checked with the department" in client.get(f"/cities/{city.pk}/").content.decode()


def _upload_file(path: Path, name: str | None = None) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name or path.name, path.read_bytes())


def test_a_query_workbook_of_another_city_is_refused_and_problems_are_shown(service: Path, tmp_path: Path) -> None:
    from assessment.server.models import AnswerFile, Query

    city, _member, client = _submitted("Da Nang", "da-nang-2025.xlsx")
    _ask(city, "ENV-1")
    book, _rv = _query_workbook("bangkok-2025.xlsx", tmp_path)
    _fill(book, {0: {"confirmed": "Yes", "comment": "fine"}})
    assert client.post(f"/cities/{city.pk}/answers/", {"file": _upload_file(book)}).status_code == 302
    kept = AnswerFile.objects.get(city=city)
    assert kept.answered == 0 and [p["code"] for p in kept.problems if p["severity"] == "error"] == [
        "queries-other-city"]
    assert not Query.objects.filter(city=city, answered__isnull=False).exists()
    page = client.get(f"/cities/{city.pk}/").content.decode()
    assert "not for this city" in page and "Bangkok" in page
    # a file that is no workbook at all is one problem on the page, and the service goes on
    junk = tmp_path / "answers.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert client.post(f"/cities/{city.pk}/answers/", {"file": _upload_file(junk)}).status_code == 302
    newest = AnswerFile.objects.filter(city=city).order_by("-id").first()
    assert newest is not None and any(p["severity"] == "error" for p in newest.problems)
    assert client.get(f"/cities/{city.pk}/").status_code == 200


def test_the_organiser_makes_someone_a_reviewer_and_removes_the_role(service: Path) -> None:
    from assessment.server.models import AuditRecord, Membership

    organiser = client_for(person("organiser"))
    _rnd, (city,) = new_round(cities=("Hue",))
    someone = person("city", city)
    member = client_for(someone)
    assert member.get("/rounds/").status_code == 403  # a city member is not staff yet
    assert organiser.post("/roles/", {"action": "grant", "email": someone.username.upper()}).status_code == 302
    grant = Membership.objects.get(user=someone, role="reviewer")
    assert member.get("/rounds/").status_code == 200
    assert someone.username in organiser.get("/roles/").content.decode()
    assert organiser.post("/roles/", {"action": "grant", "email": "nobody@example.org"}).status_code == 400
    assert organiser.post("/roles/", {"action": "remove", "membership": str(grant.pk)}).status_code == 302
    assert not Membership.objects.filter(user=someone, role="reviewer").exists()
    assert Membership.objects.filter(user=someone, role="city").exists()  # the city role stays
    assert client_for(someone).get("/rounds/").status_code == 403
    details = list(AuditRecord.objects.filter(action="role-change", object_id=str(someone.pk))
                   .values_list("detail", flat=True))
    assert details == [f"grant reviewer: {someone.username}", f"remove reviewer: {someone.username}"]
    # an organiser's role is not removed here
    boss = Membership.objects.filter(role="organiser").first()
    assert boss is not None
    assert organiser.post("/roles/", {"action": "remove", "membership": str(boss.pk)}).status_code == 404
    assert Membership.objects.filter(pk=boss.pk).exists()
    reviewer = client_for(person("reviewer"))
    assert reviewer.post("/roles/", {"action": "grant", "email": someone.username}).status_code == 403


def test_the_city_page_shows_last_years_accepted_values(service: Path) -> None:
    """A round started from a previous one shows, per indicator, the value accepted there beside this year's."""
    import re

    from assessment.i18n import fmt_number
    from assessment.server.models import Round

    before, (old,) = new_round(cities=("Da Nang",))
    old_member = client_for(person("city", old))
    upload(old_member, old, EXAMPLES / "da-nang-2025.xlsx")
    drain()
    accepted = old.uploads.get()
    old.status, old.accepted = "accepted", accepted
    old.save()
    rnd = Round.objects.create(slug=before.slug + "-next", name="Next round", year=2026, previous=before)
    city = rnd.cities.create(name="Da Nang", country="VN", language="en")
    page = client_for(person("city", city)).get(f"/cities/{city.pk}/").content.decode()
    table = page.split('<table class="last-year">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table)
    assert len(rows) == len(accepted.values) > 0
    assert all(last == fmt_number(accepted.values[ind], "en") and now == "" for ind, last, now in rows)
    # a city with no accepted version last year (or a round with no previous one) shows no such table
    other = rnd.cities.create(name="Hue", country="VN", language="en")
    assert 'class="last-year"' not in client_for(person("city", other)).get(f"/cities/{other.pk}/").content.decode()
