"""The organiser's side of a round: the "under query" status, the admin back office, custom catalogues."""

from __future__ import annotations

import hashlib
import html
import io
import re
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from server_kit import EXAMPLES, accepted, client_for, drain, new_round, person, service, upload

__all__ = ["service"]


def _rows(page: str) -> list[list[str]]:
    body = page.split('<table class="dashboard">', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _status(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page.split('<p class="status">', 1)[1].split("</p>", 1)[0]).split(":", 1)[1].strip()


def _queried_round() -> tuple[Any, dict[str, Any], Any]:
    """Da Nang submitted with one open query, Bangkok submitted without one, Hue invited."""
    from assessment.server.models import Query

    rnd, cities = new_round(cities=("Bangkok", "Da Nang", "Hue"))
    named = {c.name: c for c in cities}
    for name, file in (("Bangkok", "bangkok-2025.xlsx"), ("Da Nang", "da-nang-2025.xlsx")):
        upload(client_for(person("city", named[name])), named[name], EXAMPLES / file)
    drain()
    for name in ("Bangkok", "Da Nang"):
        member = client_for(named[name].members.get().user)
        assert member.post(f"/cities/{named[name].pk}/submit/").status_code == 302
    question = Query.objects.create(city=named["Da Nang"], upload=named["Da Nang"].uploads.get(),
                                    key="flagged-quality:metadata:X",
                                    problem={"source": "da-nang-2025.xlsx", "message": "Why?"})
    return rnd, named, question


def test_a_submitted_city_with_an_open_query_is_under_query(service: Path) -> None:
    """Its own status on the dashboard (row, counts, filter) and on the city page, until the last answer."""
    rnd, named, question = _queried_round()
    reviewer = client_for(person("reviewer"))
    page = reviewer.get(f"/rounds/{rnd.slug}/").content.decode()
    assert [r[:2] for r in _rows(page)] == [["Bangkok", "submitted"], ["Da Nang", "under query"],
                                            ["Hue", "invited"]]
    assert "submitted: 1" in page and "under query: 1" in page
    only = reviewer.get(f"/rounds/{rnd.slug}/?status=under_query").content.decode()
    assert [r[0] for r in _rows(only)] == ["Da Nang"]
    assert 'value="under_query" selected' in only
    assert [r[0] for r in _rows(reviewer.get(f"/rounds/{rnd.slug}/?status=submitted").content.decode())] == [
        "Bangkok"]
    by_status = _rows(reviewer.get(f"/rounds/{rnd.slug}/?sort=status").content.decode())
    assert [r[1] for r in by_status] == ["invited", "submitted", "under query"]  # sorted by the shown status
    da_nang = named["Da Nang"]
    member = client_for(da_nang.members.get().user)
    assert _status(member.get(f"/cities/{da_nang.pk}/").content.decode()) == "under query"
    member.post("/language/", {"lang": "vi"})
    assert _status(member.get(f"/cities/{da_nang.pk}/").content.decode()) == "đang được hỏi lại"
    assert member.post(f"/queries/{question.pk}/answer/", {"answer": "measured in 2024"}).status_code == 302
    assert _status(reviewer.get(f"/cities/{da_nang.pk}/").content.decode()) == "submitted"
    assert [r for r in _rows(reviewer.get(f"/rounds/{rnd.slug}/?status=under_query").content.decode()) if r] == []


def test_the_back_office_never_changes_or_deletes_a_kept_record(service: Path) -> None:
    """Versions, publications and audit records: read in the admin, never changed, deleted or bulk-deleted."""
    from assessment.server.models import AuditRecord, Publication, Upload

    rnd, named, _question = _queried_round()
    pub = Publication.objects.create(round=rnd, number=1, state="done", zip_sha256="0" * 64)
    version = named["Da Nang"].uploads.get()
    audit = AuditRecord.objects.filter(action="submit").order_by("-id").first()
    assert audit is not None
    organiser = client_for(person("organiser"))
    for obj, fields in ((version, {"filename": "forged.xlsx", "sha256": "f" * 64, "errors": "9"}),
                        (pub, {"zip_sha256": "f" * 64, "state": "failed"}),
                        (audit, {"action": "nothing", "user": "nobody"})):
        base = f"/admin/smartcity/{obj._meta.model_name}/"
        before = {f.name: getattr(obj, f.name) for f in obj._meta.fields}
        page = organiser.get(f"{base}{obj.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # a view, no form
        assert organiser.post(f"{base}{obj.pk}/change/", fields).status_code == 403
        assert organiser.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
        bulk = organiser.post(base, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
        assert bulk.status_code == 200 and "delete_selected" not in bulk.content.decode()  # no actions at all
        assert organiser.get(f"{base}add/").status_code == 403
        obj.refresh_from_db()
        assert {f.name: getattr(obj, f.name) for f in obj._meta.fields} == before, obj
    assert Upload.objects.filter(pk=version.pk).exists() and Publication.objects.filter(pk=pub.pk).exists()


def test_the_back_office_changes_only_its_editable_fields_and_audits_them(service: Path) -> None:
    from assessment.server.models import AuditRecord

    rnd, _named, _question = _queried_round()
    organiser = client_for(person("organiser"))
    base = f"/admin/smartcity/round/{rnd.pk}/change/"
    answer = organiser.post(base, {"name": "Renamed round", "deadline": "2026-03-31", "public": "on",
                                   "slug": "forged", "year": "1999", "method": "forged: 1"})
    assert answer.status_code == 302, answer.content.decode()[-2000:]
    rnd.refresh_from_db()
    assert (rnd.name, rnd.deadline.isoformat(), rnd.public) == ("Renamed round", "2026-03-31", True)
    assert (rnd.year, rnd.method) == (2025, "") and rnd.slug != "forged"  # read-only fields kept
    change = AuditRecord.objects.filter(action="admin-change", object_type="round", object_id=str(rnd.pk)).get()
    assert "name=Renamed round" in change.detail and "deadline=2026-03-31" in change.detail


def test_the_back_office_has_its_own_policy_and_the_service_keeps_its_own(service: Path) -> None:
    """The admin runs its own script files ('self'), nothing inline; the service's pages still run none."""
    rnd, named, _question = _queried_round()
    organiser = client_for(person("organiser"))
    for path in ("/admin/", "/admin/smartcity/city/", f"/admin/smartcity/city/{named['Hue'].pk}/change/",
                 f"/admin/smartcity/round/{rnd.pk}/change/"):
        response = organiser.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        page = response.content.decode()
        assert re.findall(r"<script\b[^>]*>", page)  # the admin does run scripts here...
        assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", page)), path  # ...from files only
        assert " style=" not in page, path  # no inline style either, so 'self' is enough
    script = organiser.get("/static/admin/js/core.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    script.close()
    own = organiser.get(f"/rounds/{rnd.slug}/")["Content-Security-Policy"]
    assert "script-src" not in own and "default-src 'none'" in own
    assert client_for(person("reviewer")).get("/admin/").status_code == 403
    anonymous = client_for().get("/admin/smartcity/upload/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/signin/?next=/admin/")


def test_the_template_of_a_continued_round_shows_last_years_values(service: Path, tmp_path: Path) -> None:
    """Beside each row, the value accepted in the previous round (as read from Bangkok's 2025 workbook)."""
    from openpyxl import load_workbook

    from assessment.intake import read_submissions
    from assessment.server.models import City, Round

    last, (bangkok,) = new_round(cities=("Bangkok",))
    accepted(bangkok, EXAMPLES / "bangkok-2025.xlsx")
    organiser = client_for(person("organiser"))
    name = f"Next {last.slug}"
    assert organiser.post("/rounds/new/", {"name": name, "year": "2026", "previous": str(last.pk)}).status_code == 302
    carried = City.objects.get(round=Round.objects.get(name=name))
    answer = client_for(person("city", carried)).get(f"/cities/{carried.pk}/template.xlsx")
    assert answer.status_code == 200
    (tmp_path / "t.xlsx").write_bytes(answer.content)
    ws = load_workbook(tmp_path / "t.xlsx")["Indicators"]
    assert ws["J1"].value == "Accepted in 2025 (reference only, not read)"
    last_year = {r["indicator"]: r["value"] for r in read_submissions([EXAMPLES / "bangkok-2025.xlsx"]).accepted.data}
    shown = {ws.cell(r, 1).value: ws.cell(r, 10).value for r in range(2, ws.max_row + 1)}
    assert shown["BI-WATER"] == last_year["BI-WATER"] == 78.6  # the example workbook's own figure
    assert shown == {k: last_year.get(k) for k in shown}
    first = client_for(person("city", bangkok)).get(f"/cities/{bangkok.pk}/template.xlsx")
    (tmp_path / "first.xlsx").write_bytes(first.content)
    assert load_workbook(tmp_path / "first.xlsx")["Indicators"].max_column == 9  # no previous round: no column


CUSTOM = Path(__file__).resolve().parent.parent / "examples" / "custom"
#: A catalogue that adds one indicator to the built-in one (so a template, an upload's check and a
#: publication show whether they used it); BROKEN_EXTRA is the same with a wrong tier and direction.
EXTRA = """indicators:
  - id: "BI-LOCAL"
    name: {en: "Local test indicator", vi: "Chỉ số thử địa phương"}
    definition: {en: "A local share.", vi: "Một tỷ lệ địa phương."}
    unit: {en: "%", vi: "%"}
    direction: 1
    valid_range: [0, 100]
    tier: advanced
    focus_area: "built-infrastructure"
    outcome: "quality-of-life"
    oecd_dimensions: ["housing"]
"""
BROKEN_EXTRA = EXTRA.replace("tier: advanced", "tier: supplementary").replace("direction: 1", "direction: 5")
HEADER = 'extends: builtin\ninclude: ["extra.yaml"]\n'


def _zip(members: dict[str, bytes | str], symlinks: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, body)
    return buf.getvalue()


def _create(client: Any, name: str, catalogue: bytes, **files: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, Any] = {"name": name, "year": "2026", "catalogue": SimpleUploadedFile("cat.zip", catalogue)}
    data |= {k: SimpleUploadedFile(f"{k}.yaml", v) for k, v in files.items()}
    return client.post("/rounds/new/", data)


def _errors(page: str) -> list[str]:
    return [html.unescape(e) for e in re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)]


def test_a_round_with_the_example_custom_catalogue_runs_end_to_end(service: Path) -> None:
    """examples/custom (zipped in one folder): template, check, review and publication all use it."""
    from django.utils import timezone
    from openpyxl import load_workbook

    from assessment.catalogue import load_catalogue
    from assessment.intake import read_submissions
    from assessment.review import review
    from assessment.server.models import Publication, Query, Round

    custom = load_catalogue(CUSTOM / "catalogue.yaml")
    assert custom.content_hash != load_catalogue().content_hash  # its own lens: another catalogue
    zipped = _zip({f"custom/{p.name}": p.read_bytes() for p in sorted(CUSTOM.glob("*.yaml"))})
    organiser = client_for(person("organiser"))
    name = unique_name("Custom")
    assert _create(organiser, name, zipped).status_code == 302
    rnd = Round.objects.get(name=name)
    assert rnd.catalogue_name == "cat.zip" and rnd.catalogue_sha256 == hashlib.sha256(zipped).hexdigest()
    assert rnd.catalogue_sha256[:12] in organiser.get(f"/rounds/{rnd.slug}/").content.decode()
    organiser.post(f"/rounds/{rnd.slug}/cities/", {"city": "Da Nang", "country": "VN"})
    city = rnd.cities.get()
    member = client_for(person("city", city))
    template = member.get(f"/cities/{city.pk}/template.xlsx")
    marker = {r[0].value: r[1].value for r in load_workbook(io.BytesIO(template.content))[
        "_smartcity"].iter_rows(max_row=12) if r[0].value}
    assert marker["catalogue_hash"] == custom.content_hash
    source = EXAMPLES / "da-nang-2025.xlsx"
    upload(member, city, source)
    drain()
    version = city.uploads.get()
    expected = read_submissions([source], catalogue=custom)
    assert version.state == "checked" and version.expected == len(custom.indicators)
    assert version.values == {r["indicator"]: r["value"] for r in expected.accepted.data}
    assert member.post(f"/cities/{city.pk}/submit/").status_code == 302
    reviewer = client_for(person("reviewer"))
    reviewer.post(f"/rounds/{rnd.slug}/review/")
    drain()
    want = sorted(q.key for q in review(read_submissions([source], catalogue=custom)).queries)
    assert sorted(Query.objects.filter(city=city).values_list("key", flat=True)) == want
    Query.objects.filter(city=city).update(answer="confirmed", answered=timezone.now())
    city.refresh_from_db()
    assert reviewer.post(f"/cities/{city.pk}/accept/", {"revision": city.revision}).status_code == 302
    assert organiser.post(f"/rounds/{rnd.slug}/publish/").status_code == 302
    drain()
    pub = Publication.objects.get(round=rnd)
    assert pub.state == "done", pub.error
    assert pub.manifest["catalogue_hash"] == custom.content_hash


def unique_name(prefix: str) -> str:
    from server_kit import unique

    return unique(prefix + " ")


def test_the_round_catalogue_decides_the_template_and_each_check(service: Path) -> None:
    """One indicator more than the built-in catalogue: a row more in the template, one more expected value."""
    from openpyxl import load_workbook

    from assessment.catalogue import load_catalogue
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    name = unique_name("Extra")
    assert _create(organiser, name, _zip({"catalogue.yaml": HEADER, "extra.yaml": EXTRA})).status_code == 302
    rnd = Round.objects.get(name=name)
    organiser.post(f"/rounds/{rnd.slug}/cities/", {"city": "Hue", "country": "VN"})
    city = rnd.cities.get()
    member = client_for(person("city", city))
    ws = load_workbook(io.BytesIO(member.get(f"/cities/{city.pk}/template.xlsx").content))["Indicators"]
    built_in = len(load_catalogue().indicators)
    assert ws.max_row == built_in + 2 and "BI-LOCAL" in {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)}
    upload(member, city, EXAMPLES / "da-nang-2025.xlsx")
    drain()
    assert city.uploads.get().expected == built_in + 1


def test_a_broken_catalogue_lists_every_problem(service: Path) -> None:
    from assessment.catalogue import load_catalogue
    from assessment.errors import AssessmentError
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    name = unique_name("Broken")
    answer = _create(organiser, name, _zip({"catalogue.yaml": HEADER, "extra.yaml": BROKEN_EXTRA}))
    assert answer.status_code == 400 and not Round.objects.filter(name=name).exists()
    errors = _errors(answer.content.decode())
    folder = Path(tempfile.mkdtemp())
    (folder / "catalogue.yaml").write_text(HEADER)
    (folder / "extra.yaml").write_text(BROKEN_EXTRA)
    with pytest.raises(AssessmentError) as caught:
        load_catalogue(folder / "catalogue.yaml")
    assert len(caught.value.problems) == len(errors) == 2  # the wrong tier; the wrong direction
    for p in caught.value.problems:
        assert any(html.unescape(p.text("en")) in e for e in errors), p
    assert any(e.startswith("cat.zip/extra.yaml:8 BI-LOCAL [tier]: ") for e in errors), errors


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{k}: &{k} [{', '.join(['*' + p] * 10)}]\n" for p, k in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("members", "symlinks", "said"), [
    ({"catalogue.yaml": BOMB}, (), "once its aliases (*name) are expanded"),
    ({"catalogue.yaml": HEADER, "../extra.yaml": EXTRA}, (), "../extra.yaml: a path outside the catalogue's folder"),
    ({"catalogue.yaml": HEADER, "/etc/extra.yaml": EXTRA}, (), "a path outside the catalogue's folder"),
    ({"catalogue.yaml": 'extends: builtin\ninclude: ["../*.yaml"]\n'}, (), "refused: ../*.yaml"),
    ({"catalogue.yaml": HEADER, "extra.yaml": "/etc/passwd"}, ("extra.yaml",), "extra.yaml: a symbolic link"),
    ({"catalogue.yaml": "# " + " " * (3 * 1024 * 1024)}, (), "catalogue.yaml: larger than 2 MB once unpacked"),
    ({**{f"f{i}.yaml": "# " + " " * (1900 * 1024) for i in range(11)}, "catalogue.yaml": HEADER}, (),
     "larger than 20 MB once unpacked"),
    ({"catalogue.yaml": HEADER, "extra.yaml": EXTRA, "run.sh": "rm -rf /"}, (), "run.sh: only YAML files"),
    ({}, (), "has no catalogue.yaml"),
])
def test_a_hostile_catalogue_is_refused_with_a_clear_message(service: Path, members: dict[str, str],
                                                             symlinks: tuple[str, ...], said: str) -> None:
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    name = unique_name("Hostile")
    answer = _create(organiser, name, _zip(members, symlinks))
    assert answer.status_code == 400 and not Round.objects.filter(name=name).exists()
    errors = _errors(answer.content.decode())
    assert any(said in e for e in errors), errors
    assert all(e.startswith("cat.zip") for e in errors)


def test_not_a_zip_and_yaml_bombs_in_method_and_spec_files_are_refused(service: Path) -> None:
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    name = unique_name("Hostile")
    answer = _create(organiser, name, b"PK\x03\x04 not really a zip", method=BOMB.encode(), robustness=BOMB.encode())
    assert answer.status_code == 400 and not Round.objects.filter(name=name).exists()
    errors = _errors(answer.content.decode())
    assert any("must be a zip file of catalogue.yaml" in e for e in errors), errors
    assert [e.split(":")[0] for e in errors if "once its aliases (*name) are expanded" in e] == [
        "method.yaml", "robustness.yaml"]
    organiser.post("/language/", {"lang": "vi"})
    vi = _errors(_create(organiser, name, b"nope").content.decode())
    assert vi == ["cat.zip: Danh mục phải là một tệp zip gồm catalogue.yaml và các tệp nó bao gồm."]


def test_the_back_office_runs_its_scripts_under_its_policy_in_chromium(service: Path) -> None:
    """In a real browser: the admin's script files run (the theme set, the date shortcuts drawn) and
    nothing is blocked by the policy; the service's own pages are unchanged (tested elsewhere)."""
    import threading
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from conftest import chromium_browser, watched_page
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:  # the test's output stays readable
            pass

    class Threaded(ThreadingMixIn, WSGIServer):  # a browser opens several connections at once
        daemon_threads = True

    rnd, _named, _question = _queried_round()
    user = person("organiser")
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=Threaded, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with chromium_browser() as browser:
            page, errors, _requests = watched_page(browser)
            console: list[tuple[str, str, str]] = []  # with the address each message is about
            page.on("console", lambda m: console.append((m.type, m.text, m.location.get("url", ""))))
            failed: list[str] = []
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(f"{base}/signin/?next=/admin/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", "correct horse 1")
            page.click("button:has-text('Sign in')")
            page.wait_for_load_state("load")
            assert page.url == f"{base}/admin/", (page.url, page.content()[:3000])
            page.goto(f"{base}/admin/smartcity/round/{rnd.pk}/change/")
            page.wait_for_selector(".datetimeshortcuts", timeout=20_000)  # DateTimeShortcuts.js drew them
            assert page.get_attribute("html", "data-theme") == "auto"  # theme.js ran
            assert not failed, failed
            # the browser's own request for /favicon.ico (no page asks for it) is the one 404 allowed
            assert not [c for c in console if (c[0] == "error" or "Content Security Policy" in c[1])
                        and not c[2].endswith("/favicon.ico")], console
            assert not [e for e in errors if e[0] == "pageerror"], errors
    finally:
        server.shutdown()
        server.server_close()


def test_a_catalogue_zip_over_the_cap_is_refused_unread(service: Path, tmp_path: Path) -> None:
    """Larger than 5 MB as uploaded (the service's request cap may be larger): refused before unpacking."""
    from assessment.server.catalogues import MAX_ZIP, unpack

    header, refusals = unpack(_zip({"catalogue.yaml": HEADER}) + b"\0" * MAX_ZIP, tmp_path)
    assert header is None and refusals == [("The catalogue's zip is larger than {limit} MB.", {"limit": 5})]
    assert not list(tmp_path.iterdir())  # nothing unpacked
