"""The reviewer's side: the dashboard, accepting and sending back, no lost update, the audit trail."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from server_kit import EXAMPLES, accepted, client_for, drain, new_round, person, service, upload

__all__ = ["service"]


def _submitted_round() -> tuple[object, list[object]]:
    """Da Nang submitted (clean), Ha Noi a draft with errors, Hue invited."""
    rnd, cities = new_round(cities=("Da Nang", "Ha Noi", "Hue"))
    da_nang, ha_noi, _hue = cities
    upload(client_for(person("city", da_nang)), da_nang, EXAMPLES / "da-nang-2025.xlsx")
    upload(client_for(person("city", ha_noi)), ha_noi, EXAMPLES / "zz-broken-2-2025.xlsx")
    drain()
    assert client_for(da_nang.members.get().user).post(f"/cities/{da_nang.pk}/submit/").status_code == 302
    return rnd, cities


def _rows(page: str) -> list[list[str]]:
    body = page.split('<table class="dashboard">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_dashboard_has_one_row_per_city_with_its_status(service: Path) -> None:
    rnd, cities = _submitted_round()
    reviewer = client_for(person("reviewer"))
    rows = _rows(reviewer.get(f"/rounds/{rnd.slug}/").content.decode())
    broken = cities[1].uploads.get()
    assert broken.errors > 0
    assert [r[:5] for r in rows] == [["Da Nang", "submitted", "1", "0", "0"],
                                     ["Ha Noi", "draft", "1", str(broken.errors), str(broken.warnings)],
                                     ["Hue", "invited", "0", "", ""]]
    # coverage: the values the intake accepted, of the catalogue's indicators
    from assessment import load_catalogue
    from assessment.intake import read_submissions

    accepted = len(read_submissions([EXAMPLES / "da-nang-2025.xlsx"]).accepted.data)
    assert rows[0][5] == f"{accepted} / {len(load_catalogue().indicators)}" and rows[2][5] == ""
    only = _rows(reviewer.get(f"/rounds/{rnd.slug}/?status=draft").content.decode())
    assert [r[0] for r in only] == ["Ha Noi"]
    by_errors = _rows(reviewer.get(f"/rounds/{rnd.slug}/?sort=errors").content.decode())
    assert [r[0] for r in by_errors] == ["Ha Noi", "Da Nang", "Hue"]
    vi = client_for(person("reviewer"))
    vi.post("/language/", {"lang": "vi"})
    assert [r[1] for r in _rows(vi.get(f"/rounds/{rnd.slug}/").content.decode())] == ["đã nộp", "bản nháp", "đã mời"]


def test_accept_and_send_back(service: Path) -> None:
    from assessment.server.models import AuditRecord

    _rnd, (da_nang, _h, _u) = _submitted_round()
    reviewer = client_for(person("reviewer"))
    da_nang.refresh_from_db()
    back = reviewer.post(f"/cities/{da_nang.pk}/send-back/", {"revision": da_nang.revision, "note": "check BI-WATER"})
    assert back.status_code == 302
    da_nang.refresh_from_db()
    assert da_nang.status == "sent_back" and da_nang.note == "check BI-WATER"
    member = client_for(da_nang.members.get().user)
    assert "check BI-WATER" in member.get(f"/cities/{da_nang.pk}/").content.decode()
    assert member.post(f"/cities/{da_nang.pk}/submit/").status_code == 302  # the same clean version again
    da_nang.refresh_from_db()
    assert reviewer.post(f"/cities/{da_nang.pk}/accept/", {"revision": da_nang.revision}).status_code == 302
    da_nang.refresh_from_db()
    assert da_nang.status == "accepted" and da_nang.accepted == da_nang.uploads.get()
    assert list(AuditRecord.objects.filter(object_type="city", object_id=str(da_nang.pk))
                .values_list("action", flat=True)) == ["send-back", "accept"]


def test_two_reviewers_cannot_lose_each_others_decision(service: Path) -> None:
    """Both read the page at the same revision; the second decision is refused, the first stands."""
    _rnd, (da_nang, _h, _u) = _submitted_round()
    da_nang.refresh_from_db()
    seen = da_nang.revision
    first, second = client_for(person("reviewer")), client_for(person("reviewer"))
    assert first.post(f"/cities/{da_nang.pk}/send-back/", {"revision": seen, "note": "first"}).status_code == 302
    late = second.post(f"/cities/{da_nang.pk}/accept/", {"revision": seen})
    assert late.status_code == 409
    da_nang.refresh_from_db()
    assert (da_nang.status, da_nang.note) == ("sent_back", "first")


def test_audit_records_are_append_only_and_export_as_csv(service: Path) -> None:
    from assessment.server.audit import record
    from assessment.server.models import AppendOnlyError, AuditRecord

    rec = record("someone", "sign-in", detail="=HYPERLINK(\"x\")")
    rec.detail = "changed"
    with pytest.raises(AppendOnlyError):
        rec.save()
    with pytest.raises(AppendOnlyError):
        rec.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).delete()
    assert AuditRecord.objects.get(pk=rec.pk).detail == "=HYPERLINK(\"x\")"
    organiser = client_for(person("organiser"))
    response = organiser.get("/audit.csv")
    assert response["Content-Disposition"] == 'attachment; filename="audit.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == AuditRecord.objects.count()
    mine = next(r for r in rows if r["user"] == "someone")
    assert mine["action"] == "sign-in" and mine["detail"] == "'=HYPERLINK(\"x\")"  # never a formula
    assert "sign-in" in organiser.get("/audit/").content.decode()


def test_organiser_adds_cities_by_form_and_csv_and_invites_them(service: Path) -> None:
    from django.core import mail
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.server.models import City, Round

    organiser = client_for(person("organiser"))
    # Vietnamese ticked, as the form ticks it (English is always a language of the round)
    created = organiser.post("/rounds/new/", {"name": "Viet Nam smart urban areas", "year": "2026", "public": "on",
                                              "languages": ["vi"]})
    rnd = Round.objects.get(slug=created["Location"].strip("/").split("/")[-1])
    organiser.post(f"/rounds/{rnd.slug}/cities/", {"city": "Can Tho", "country": "vn", "language": "vi"})
    sheet = SimpleUploadedFile("cities.csv", b"city,country,language,email\nHue,VN,vi,hue@example.org\n"
                               b"Vinh,VN,vi,\n")
    organiser.post(f"/rounds/{rnd.slug}/cities/", {"csv": sheet})
    assert sorted(City.objects.filter(round=rnd).values_list("name", "country", "language")) == [
        ("Can Tho", "VN", "vi"), ("Hue", "VN", "vi"), ("Vinh", "VN", "vi")]
    outbox = len(mail.outbox)
    page = organiser.post(f"/rounds/{rnd.slug}/invite/").content.decode()
    links = re.findall(r'<code class="link">(http://testserver/invite/[^<]+/)</code>', page)
    assert len(links) == 3
    assert [m.to for m in mail.outbox[outbox:]] == [["hue@example.org"]]  # only Hue has an address
    assert mail.outbox[-1].body in links
    token = links[0].split("/invite/")[1].rstrip("/")
    assert client_for().get(f"/invite/{token}/").status_code == 200


def test_the_plausibility_review_asks_each_submitted_city_and_the_city_answers(service: Path) -> None:
    """The questions are the review stage's own for the same files; each lands on its city, once."""
    from assessment.intake import read_submissions
    from assessment.review import review
    from assessment.server.models import AuditRecord, Query

    files = {"Bangkok": "bangkok-2025.xlsx", "Da Nang": "da-nang-2025.xlsx", "Manila": "manila-2025.xlsx"}
    rnd, cities = new_round(cities=tuple(files))
    members = {}
    for city in cities:
        members[city.name] = client_for(person("city", city))
        upload(members[city.name], city, EXAMPLES / files[city.name])
    drain()
    for city in cities:
        assert members[city.name].post(f"/cities/{city.pk}/submit/").status_code == 302
    reviewer = client_for(person("reviewer"))
    assert reviewer.post(f"/rounds/{rnd.slug}/review/").status_code == 302
    drain()
    expected = review(read_submissions([EXAMPLES / f for f in files.values()]))
    for city in cities:
        want = sorted(q.key for q in expected.queries if q.city == city.name)
        assert sorted(Query.objects.filter(city=city).values_list("key", flat=True)) == want
    assert Query.objects.filter(city__round=rnd).count() == len(expected.queries) > 0
    reviewer.post(f"/rounds/{rnd.slug}/review/")  # a second run asks nothing twice
    drain()
    assert Query.objects.filter(city__round=rnd).count() == len(expected.queries)

    da_nang = next(c for c in cities if c.name == "Da Nang")
    question = Query.objects.filter(city=da_nang).first()
    assert question is not None
    page = members["Da Nang"].get(f"/cities/{da_nang.pk}/").content.decode()
    assert f'action="/queries/{question.pk}/answer/"' in page
    assert members["Da Nang"].post(f"/queries/{question.pk}/answer/", {"answer": "measured in 2024"}).status_code == 302
    question.refresh_from_db()
    assert question.answer == "measured in 2024" and question.answered is not None
    assert "measured in 2024" in reviewer.get(f"/cities/{da_nang.pk}/").content.decode()
    assert members["Bangkok"].post(f"/queries/{question.pk}/answer/", {"answer": "x"}).status_code == 404
    assert AuditRecord.objects.filter(action="answer", object_id=str(question.pk)).count() == 1


def test_a_round_takes_a_method_and_a_spec_checked_by_their_own_loaders(service: Path, tmp_path: Path) -> None:
    """A wrong spec is refused with the robustness stage's own problem words; a good one is kept with the round."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.errors import AssessmentError
    from assessment.robustness.spec import load_robustness_spec
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    bad_text = b"name: x\nn: -5\nseed: 1\nassumptions: []\n"
    (tmp_path / "bad.yaml").write_bytes(bad_text)
    with pytest.raises(AssessmentError) as caught:
        load_robustness_spec(tmp_path / "bad.yaml")
    refused = organiser.post("/rounds/new/", {"name": "Spec test", "year": "2027",
                                              "robustness": SimpleUploadedFile("bad.yaml", bad_text)})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert caught.value.problems
    for p in caught.value.problems:
        assert html_escape(p.text("en")) in page
    assert not Round.objects.filter(name="Spec test").exists()
    good = (Path(__file__).resolve().parent.parent / "examples" / "robustness" / "ascn-demo.yaml").read_bytes()
    method = b"normalise: {method: minmax}\n"
    made = organiser.post("/rounds/new/", {"name": "Spec test", "year": "2027",
                                           "robustness": SimpleUploadedFile("ascn-demo.yaml", good),
                                           "method": SimpleUploadedFile("method.yaml", method)})
    assert made.status_code == 302
    rnd = Round.objects.get(name="Spec test")
    assert rnd.robustness.encode() == good and rnd.method.encode() == method


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def test_a_round_started_from_a_previous_one_compares_year_over_year(service: Path, tmp_path: Path) -> None:
    """Cities carried over; the review reads last round's accepted version as the year before, so a value that
    fell from 78.6 to 20 is asked about (the review stage's change rule), and only with the previous round."""
    from openpyxl import load_workbook

    from assessment.intake import read_submissions
    from assessment.review import review
    from assessment.server.models import City, Query, Round

    last, (bangkok,) = new_round(cities=("Bangkok",))
    reviewer = client_for(person("reviewer"))
    accepted(bangkok, EXAMPLES / "bangkok-2025.xlsx", reviewer)

    organiser = client_for(person("organiser"))
    made = organiser.post("/rounds/new/", {"name": f"Next {last.slug}", "year": "2026", "previous": str(last.pk)})
    assert made.status_code == 302
    rnd = Round.objects.get(name=f"Next {last.slug}")
    carried = City.objects.get(round=rnd)
    assert (carried.name, carried.country, carried.status) == ("Bangkok", "VN", "invited")

    book = load_workbook(EXAMPLES / "bangkok-2025.xlsx")
    assert book["City profile"].cell(4, 1).value == "year" and book["Indicators"].cell(2, 1).value == "BI-WATER"
    book["City profile"].cell(4, 3).value = 2026
    book["Indicators"].cell(2, 5).value = 20.0  # was 78.6
    this_year = tmp_path / "bangkok-2026.xlsx"
    book.save(this_year)
    member2 = client_for(person("city", carried))
    upload(member2, carried, this_year)
    drain()
    assert member2.post(f"/cities/{carried.pk}/submit/").status_code == 302
    reviewer.post(f"/rounds/{rnd.slug}/review/")
    drain()
    keys = set(Query.objects.filter(city=carried).values_list("key", flat=True))
    with_last_year = review(read_submissions([EXAMPLES / "bangkok-2025.xlsx", this_year]))
    alone = review(read_submissions([this_year]))
    assert keys == {q.key for q in with_last_year.queries}
    assert "change-ratio:change-water:BI-WATER" in keys - {q.key for q in alone.queries}


def test_a_new_version_is_not_asked_what_an_earlier_one_was_asked_about_the_same_value(service: Path) -> None:
    """A city re-uploads after the review: a question about a value it did not change, open or confirmed with a
    comment, is not asked again on the new version (before, every question was asked once more per version)."""
    from assessment.server.models import Query

    rnd, (da_nang,) = new_round(cities=("Da Nang",))
    member = client_for(person("city", da_nang))
    upload(member, da_nang, EXAMPLES / "da-nang-2025.xlsx")
    drain()
    assert member.post(f"/cities/{da_nang.pk}/submit/").status_code == 302
    reviewer = client_for(person("reviewer"))
    reviewer.post(f"/rounds/{rnd.slug}/review/")
    drain()
    first = list(Query.objects.filter(city=da_nang).order_by("key"))
    assert len(first) >= 2
    confirmed = first[0]
    assert member.post(f"/queries/{confirmed.pk}/answer/", {"answer": "measured in 2024"}).status_code == 302

    # the same workbook again (version 2), submitted and reviewed: nothing is asked twice
    upload(member, da_nang, EXAMPLES / "da-nang-2025.xlsx", name="da-nang-2025-again.xlsx")
    drain()
    assert member.post(f"/cities/{da_nang.pk}/submit/").status_code == 302
    reviewer.post(f"/rounds/{rnd.slug}/review/")
    drain()
    assert Query.objects.filter(city=da_nang, upload__number=2).count() == 0
    assert Query.objects.filter(city=da_nang).count() == len(first)
