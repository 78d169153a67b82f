"""The service's access rules, headers, CSRF and sign-in limits.

The matrix below has one row per URL pattern of the service: for each role (organiser,
reviewer, a member of city A, a member of city B, the anonymous) the answer expected. A new
URL without a row fails :func:`test_every_url_pattern_has_a_row`. A city member never reaches
another city's pages (404, so the ids are not even confirmed) and never the round's.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from server_kit import EXAMPLES, client_for, drain, new_round, person, service, upload

__all__ = ["service"]

ROLES = ("organiser", "reviewer", "city_a", "city_b", "anonymous")
LOGIN = "login"  # a 302 to the sign-in page


def _world() -> dict[str, Any]:
    """A public round with cities A and B (A has submitted version 1), a private round, a publication of each."""
    from django.conf import settings

    from assessment.server.config import publications_dir
    from assessment.server.models import Publication, Query

    rnd, (city_a, city_b) = new_round()
    private, (hue,) = new_round(public=False, cities=("Hue",))
    people = {"organiser": person("organiser"), "reviewer": person("reviewer"),
              "city_a": person("city", city_a), "city_b": person("city", city_b), "anonymous": None}
    assert upload(client_for(people["city_a"]), city_a, EXAMPLES / "da-nang-2025.xlsx").status_code == 302
    drain()
    assert client_for(people["city_a"]).post(f"/cities/{city_a.pk}/submit/").status_code == 302
    question = Query.objects.create(city=city_a, upload=city_a.uploads.get(), key="flagged-quality:metadata:X",
                                    problem={"source": "da-nang-2025.xlsx", "message": "Why?"})
    for r in (rnd, private):  # a publication laid out by hand: the matrix tests access, not building
        Publication.objects.create(round=r, number=1, state="done", zip_sha256="0" * 64)
        folder = publications_dir(Path(settings.SMARTCITY_DATADIR)) / f"{r.slug}-1"
        (folder / "site" / "vi").mkdir(parents=True)
        (folder / "site" / "index.html").write_text("<p>scores</p><script>let x = 1;</script>", encoding="utf-8")
        (folder / "site" / "vi" / "index.html").write_text("<p>điểm</p>", encoding="utf-8")
        (folder / "site.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    from assessment.server.models import AnswerFile, AuditRecord
    from assessment.server.tokens import invite

    invitation, _token = invite("new@example.org", "city", city=city_b)
    answers = AnswerFile.objects.create(city=city_a, filename="answers.xlsx", sha256="1" * 64, size=1)
    return {"round": rnd, "private": private, "a": city_a, "b": city_b, "people": people, "query": question,
            "private_member": person("city", hue), "invitation": invitation, "answer_file": answers,
            "audit": AuditRecord.objects.order_by("-id").first()}


def _row(codes: str) -> dict[str, int | str]:
    """'200 200 404 404 login' -> the answer per role, in ROLES order."""
    return {role: (int(c) if c.isdigit() else LOGIN) for role, c in zip(ROLES, codes.split(), strict=True)}


def matrix(w: dict[str, Any]) -> dict[str, list[tuple[str, str, dict[str, Any], dict[str, int | str]]]]:
    """URL name -> cases (method, path, form data, answer per role)."""
    slug, private, a, b = w["round"].slug, w["private"].slug, w["a"].pk, w["b"].pk
    return {
        "home": [("GET", "/", {}, _row("302 302 302 302 200"))],
        "stylesheet": [("GET", "/app.css", {}, _row("200 200 200 200 200"))],
        "signin": [("GET", "/signin/", {}, _row("200 200 200 200 200"))],
        "signout": [("POST", "/signout/", {}, _row("302 302 302 302 302")),
                    ("GET", "/signout/", {}, _row("405 405 405 405 405"))],
        "language": [("POST", "/language/", {"lang": "vi"}, _row("302 302 302 302 302"))],
        "invitation": [("GET", "/invite/forged-token/", {}, _row("404 404 404 404 404"))],
        "reset": [("GET", "/reset/", {}, _row("200 200 200 200 200")),
                  ("POST", "/reset/", {"email": "nobody@example.org"}, _row("200 200 200 200 200"))],
        "reset_confirm": [("GET", "/reset/MQ/forged-token/", {}, _row("404 404 404 404 404"))],
        "rounds": [("GET", "/rounds/", {}, _row("200 200 403 403 login"))],
        "round_new": [("GET", "/rounds/new/", {}, _row("200 403 403 403 login")),
                      ("POST", "/rounds/new/", {"name": ""}, _row("400 403 403 403 login"))],
        "dashboard": [("GET", f"/rounds/{slug}/", {}, _row("200 200 403 403 login"))],
        "cities_add": [("POST", f"/rounds/{slug}/cities/", {"city": ""}, _row("302 403 403 403 login"))],
        "invite_cities": [("POST", f"/rounds/{slug}/invite/", {"city": "0"}, _row("200 403 403 403 login"))],
        "publish": [("POST", f"/rounds/{private}/publish/", {}, _row("302 403 403 403 login"))],
        "review": [("POST", f"/rounds/{private}/review/", {}, _row("302 302 403 403 login"))],
        "answer": [("POST", f"/queries/{w['query'].pk}/answer/", {"answer": ""}, _row("403 403 400 404 login"))],
        "publication": [("GET", f"/rounds/{slug}/p/1/", {}, _row("200 200 200 200 200")),
                        ("GET", f"/rounds/{private}/p/1/", {}, _row("200 200 404 404 404")),
                        ("GET", f"/rounds/{slug}/p/9/", {}, _row("404 404 404 404 404"))],
        "publication_zip": [("GET", f"/rounds/{slug}/p/1/site.zip", {}, _row("200 200 200 200 200")),
                            ("GET", f"/rounds/{private}/p/1/site.zip", {}, _row("200 200 404 404 404"))],
        "publication_file": [("GET", f"/rounds/{slug}/p/1/vi/index.html", {}, _row("200 200 200 200 200")),
                             ("GET", f"/rounds/{slug}/p/1/../../secret_key", {}, _row("404 404 404 404 404")),
                             ("GET", f"/rounds/{private}/p/1/vi/index.html", {}, _row("200 200 404 404 404"))],
        "city": [("GET", f"/cities/{a}/", {}, _row("200 200 200 404 login")),
                 ("GET", f"/cities/{b}/", {}, _row("200 200 404 200 login"))],
        "template": [("GET", f"/cities/{a}/template.xlsx", {}, _row("200 200 200 404 login"))],
        "upload": [("POST", f"/cities/{a}/upload/", {}, _row("403 403 400 404 login"))],
        "submit": [("POST", f"/cities/{a}/submit/", {}, _row("403 403 409 404 login"))],
        "answers_upload": [("POST", f"/cities/{a}/answers/", {}, _row("403 403 400 404 login"))],
        "compare": [("GET", f"/cities/{a}/compare/", {}, _row("200 200 200 404 login")),
                    ("GET", f"/cities/{a}/compare/?a=1&b=1", {}, _row("200 200 200 404 login")),
                    ("GET", f"/cities/{a}/compare/?a=1&b=2", {}, _row("404 404 404 404 login")),
                    ("GET", f"/cities/{b}/compare/", {}, _row("200 200 404 200 login"))],
        "version_file": [("GET", f"/cities/{a}/versions/1/", {}, _row("200 200 200 404 login")),
                         ("GET", f"/cities/{a}/versions/2/", {}, _row("404 404 404 404 login"))],
        "accept": [("POST", f"/cities/{a}/accept/", {"revision": "999"}, _row("409 409 403 403 login"))],
        "send_back": [("POST", f"/cities/{a}/send-back/", {"revision": "999"}, _row("409 409 403 403 login"))],
        "invite_reviewer": [("POST", "/reviewers/invite/", {"email": "r@example.org"},
                             _row("200 403 403 403 login"))],
        "roles": [("GET", "/roles/", {}, _row("200 403 403 403 login")),
                  ("POST", "/roles/", {"action": "remove", "membership": "0"}, _row("404 403 403 403 login"))],
        "audit": [("GET", "/audit/", {}, _row("200 403 403 403 login"))],
        "audit_csv": [("GET", "/audit.csv", {}, _row("200 403 403 403 login"))],
        "static": [("GET", "/static/admin/css/base.css", {}, _row("200 200 200 200 200")),
                   ("GET", "/static/../secret_key", {}, _row("400 400 400 400 400")),  # suspicious: refused,
                   ("GET", "/static/admin/none.css", {}, _row("404 404 404 404 404"))],
        **admin_matrix(w),
    }


#: The back office's models: editable (a few fields) or read-only (kept records the round relies on).
ADMIN_EDITABLE = {"round", "city", "user"}
ADMIN_READ_ONLY = {"upload", "answerfile", "query", "publication", "auditrecord", "membership", "invitation"}


def admin_matrix(w: dict[str, Any]) -> dict[str, list[tuple[str, str, dict[str, Any], dict[str, int | str]]]]:
    """The back office: organisers only (others 403, the anonymous to the service's sign-in page).

    Nothing is added or deleted there (403 even for an organiser); a read-only record's change
    page is a view, and posting to it is refused.
    """
    from assessment.server.backoffice import site

    objects = {"round": w["round"], "city": w["a"], "user": w["people"]["organiser"],
               "membership": w["people"]["city_a"].memberships.get(), "invitation": w["invitation"],
               "upload": w["a"].uploads.get(number=1), "answerfile": w["answer_file"], "query": w["query"],
               "publication": w["round"].publications.get(), "auditrecord": w["audit"]}
    only = "403 403 403 403 login"
    rows: dict[str, list[tuple[str, str, dict[str, Any], dict[str, int | str]]]] = {
        "admin:index": [("GET", "/admin/", {}, _row("200 " + only[4:]))],
        "admin:login": [("GET", "/admin/login/", {}, _row("login login login login login"))],
        "admin:logout": [("POST", "/admin/logout/", {}, _row("200 " + only[4:]))],
        "admin:password_change": [("GET", "/admin/password_change/", {}, _row("200 " + only[4:]))],
        "admin:password_change_done": [("GET", "/admin/password_change/done/", {}, _row("200 " + only[4:]))],
        "admin:autocomplete": [("GET", "/admin/autocomplete/", {}, _row(only))],  # no field named: refused
        "admin:jsi18n": [("GET", "/admin/jsi18n/", {}, _row("200 " + only[4:]))],
        "admin:view_on_site": [("GET", "/admin/r/999999/1/", {}, _row("404 " + only[4:]))],
        "admin:app_list": [("GET", "/admin/smartcity/", {}, _row("200 " + only[4:])),
                           ("GET", "/admin/auth/", {}, _row("200 " + only[4:]))]}
    for model in site._registry:
        name, app = model._meta.model_name, model._meta.app_label
        assert name in ADMIN_EDITABLE | ADMIN_READ_ONLY, f"{name}: a model in the back office without a row"
        base, pk = f"/admin/{app}/{name}/", objects[name].pk
        rows[f"admin:{app}_{name}_changelist"] = [("GET", base, {}, _row("200 " + only[4:]))]
        rows[f"admin:{app}_{name}_add"] = [("GET", f"{base}add/", {}, _row(only)),
                                           ("POST", f"{base}add/", {}, _row(only))]
        rows[f"admin:{app}_{name}_history"] = [("GET", f"{base}{pk}/history/", {}, _row("200 " + only[4:]))]
        rows[f"admin:{app}_{name}_delete"] = [("GET", f"{base}{pk}/delete/", {}, _row(only)),
                                              ("POST", f"{base}{pk}/delete/", {"post": "yes"}, _row(only))]
        change = [("GET", f"{base}{pk}/change/", {}, _row("200 " + only[4:]))]
        if name in ADMIN_READ_ONLY:
            change.append(("POST", f"{base}{pk}/change/", {}, _row(only)))
        elif name == "round":  # a change without a name is shown again with its error; nothing saved
            change.append(("POST", f"{base}{pk}/change/", {"name": ""}, _row("200 " + only[4:])))
        rows[f"admin:{app}_{name}_change"] = change
        rows[f"admin:{app}/{name}/<path:object_id>/"] = [  # the admin's old address of a change page
            ("GET", f"{base}{pk}/", {}, _row("302 " + only[4:]))]
    return rows


@pytest.fixture(scope="module")
def world(service: Path) -> dict[str, Any]:
    return _world()


def url_names() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> set[str]:
        names: set[str] = set()
        for p in patterns:
            if isinstance(p, URLResolver):
                names |= walk(p.url_patterns, p.namespace or namespace,
                              f"{prefix}{p.pattern}" if namespace else "")
            elif isinstance(p, URLPattern):
                # the service names each of its own; the admin leaves one unnamed per model (by its address)
                assert p.name or namespace, f"URL pattern {p.pattern} has no name, so the matrix cannot name it"
                name = p.name or f"{prefix}{p.pattern}"
                names.add(f"{namespace}:{name}" if namespace else name)
        return names

    return walk(get_resolver().url_patterns)


def test_every_url_pattern_has_a_row(world: dict[str, Any]) -> None:
    rows = matrix(world)
    assert url_names() == set(rows), "a URL without a row (or a row without a URL) in the access matrix"
    for name, cases in rows.items():
        assert cases and all(set(answers) == set(ROLES) for *_x, answers in cases), name


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer(world: dict[str, Any], role: str) -> None:
    wrong = []
    for name, cases in matrix(world).items():
        for method, path, data, answers in cases:
            client = client_for(world["people"][role])
            response = client.get(path) if method == "GET" else client.post(path, data)
            response.close()  # a file answer holds its file open until closed
            expected = answers[role]
            got: int | str = response.status_code
            if got == 302 and response["Location"].startswith("/signin/"):
                got = LOGIN
            if got != expected:
                wrong.append(f"{name} {method} {path}: expected {expected}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_a_signed_in_only_publication_is_read_by_its_own_round(world: dict[str, Any]) -> None:
    """The private round's own city team reads it; city teams of another round get 404 (the matrix)."""
    response = client_for(world["private_member"]).get(f"/rounds/{world['private'].slug}/p/1/")
    assert response.status_code == 200 and b"scores" in response.content


def test_a_city_member_never_sees_another_citys_upload(world: dict[str, Any]) -> None:
    """City B's member: A's page, file and problems are 404; B's own page names nothing of A's."""
    client = client_for(world["people"]["city_b"])
    own = client.get(f"/cities/{world['b'].pk}/").content.decode()
    sha = world["a"].uploads.get(number=1).sha256
    assert sha not in own and "da-nang-2025.xlsx" not in own
    assert client.get(f"/cities/{world['a'].pk}/versions/1/").status_code == 404


def test_every_answer_has_the_security_headers(world: dict[str, Any]) -> None:
    client = client_for(world["people"]["organiser"])
    for path in ("/", "/rounds/", f"/rounds/{world['round'].slug}/", f"/cities/{world['a'].pk}/", "/signin/",
                 "/invite/forged/", "/app.css"):
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, path
        assert "script-src" not in policy  # the service's own pages run no script (default-src 'none')
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["X-Frame-Options"] == "DENY", path
        assert "unsafe-inline" not in policy


def test_a_published_page_allows_only_its_own_inline_scripts_by_hash(world: dict[str, Any]) -> None:
    import base64

    response = client_for().get(f"/rounds/{world['round'].slug}/p/1/")
    digest = base64.b64encode(hashlib.sha256(b"let x = 1;").digest()).decode()  # the script laid out above
    policy = response["Content-Security-Policy"]
    assert f"script-src 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_a_kept_version_is_a_download_no_browser_renders(world: dict[str, Any]) -> None:
    response = client_for(world["people"]["reviewer"]).get(f"/cities/{world['a'].pk}/versions/1/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(body).hexdigest() == world["a"].uploads.get(number=1).sha256
    assert body == (EXAMPLES / "da-nang-2025.xlsx").read_bytes()


def test_every_state_change_needs_the_csrf_token(world: dict[str, Any]) -> None:
    """With CSRF checks on (as in a browser), each POST of the matrix without its token is refused."""
    for role in ("organiser", "reviewer", "city_a"):
        client = client_for(world["people"][role], enforce_csrf_checks=True)
        for name, cases in matrix(world).items():
            for method, path, data, _answers in cases:
                if method == "POST":
                    response = client.post(path, data)
                    response.close()
                    assert response.status_code == 403, f"{name} {path} as {role}"


def test_cookie_settings_and_debug(service: Path) -> None:
    from django.conf import settings

    from assessment.server.config import build_settings

    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    behind_https = build_settings(service, https=True)
    assert behind_https["SESSION_COOKIE_SECURE"] and behind_https["CSRF_COOKIE_SECURE"]
    assert behind_https["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert build_settings(service)["SESSION_COOKIE_SECURE"] is False  # plain http on a laptop


def test_sign_in_is_locked_after_five_failures(service: Path) -> None:
    """django-axes: five wrong passwords lock the account at that address, even for the right one then."""
    user = person("reviewer")
    client = client_for()
    answers = [client.post("/signin/", {"username": user.username, "password": "wrong password"}).status_code
               for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks (429 Too Many Requests)
    client.post("/language/", {"lang": "vi"})
    locked = client.post("/signin/", {"username": user.username, "password": "correct horse 1"})
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert "Quá nhiều lần thử không thành công" in locked.content.decode()  # the sign-in page, in its language
    other = person("reviewer")  # another account is not locked
    assert client_for().post("/signin/", {"username": other.username,
                                          "password": "correct horse 1"}).status_code == 302


def test_upload_over_the_cap_is_refused_before_the_body_is_read(service: Path) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from assessment.server.security import UploadCap

    class Untouchable(io.RawIOBase):
        def read(self, *args: Any) -> bytes:
            raise AssertionError("the body was read")

    request = RequestFactory().generic("POST", "/cities/1/upload/", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(3 * 1024 * 1024)  # the test data directory caps at 2 MB
    request.META["wsgi.input"] = Untouchable()
    reached = []
    response = UploadCap(lambda r: reached.append(r) or HttpResponse())(request)
    assert response.status_code == 413 and not reached
    request.META["CONTENT_LENGTH"] = ""  # a multipart body of unknown length
    assert UploadCap(lambda r: HttpResponse())(request).status_code == 411


def server_msgids() -> set[str]:
    """The texts of the service's own templates (msgids)."""
    from babel.messages.extract import extract_from_dir

    from assessment.resources import templates_dir

    found = extract_from_dir(str(templates_dir() / "server"), [("**.j2", "jinja2.ext:babel_extract")],
                             {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                        "lstrip_blocks": "true"}})
    return {m if isinstance(m, str) else m[0] for _f, _l, m, _c, _x in found}


def admin_labels() -> dict[str, str]:
    """The names the back office shows of the service's records, English -> Vietnamese: the app's, each model's
    (one and many) and each of its fields' (Django's own records, the accounts, are in Django's translations)."""
    from django.apps import apps
    from django.utils import translation

    names: set[Any] = set()
    config = apps.get_app_config("smartcity")
    names.add(config.verbose_name)
    for model in config.get_models():
        names |= {model._meta.verbose_name, model._meta.verbose_name_plural}
        names |= {f.verbose_name for f in model._meta.get_fields() if f.concrete and not f.auto_created}
    found = {}
    for name in names:
        with translation.override("en"):
            english = str(name)
        with translation.override("vi"):
            found[english] = str(name)
    return found


#: The parts of a back office page that show records' data, not names: table cells, the linked first column, a
#: read-only field's value, a change page's subtitle (in its <h2> and <title>), the record named last in the
#: breadcrumbs, the filters' choices, the signed-in person. Other tests' records are in the same database.
ADMIN_DATA = (r"<td\b.*?</td>", r'<th class="field-[^"]*".*?</th>', r'<div class="readonly">.*?</div>',
              r"<h2\b.*?</h2>", r"<title>.*?</title>", r"(?<=</a>)[^<]*(?=</div>)",
              r"<ul>\s*<li\b[^>]*>\s*<a href=\"\?.*?</ul>", r"<strong>.*?</strong>")


def admin_names(page: str) -> str:
    """A back office page without its records' data (:data:`ADMIN_DATA`): the names it shows are left."""
    import re

    for pattern in ADMIN_DATA:
        page = re.sub(pattern, " ", page, flags=re.S)
    return page


def test_every_page_is_complete_in_vietnamese(world: dict[str, Any]) -> None:
    """Each page of the matrix, read in Vietnamese by everyone who may read it, shows none of its English texts;
    the back office none of the English names of the service's records (Django's own words are Django's)."""
    import html
    import re

    from django.utils.text import capfirst

    from assessment.i18n import translations

    vi = translations("vi")
    english = {m for m in server_msgids() if vi.gettext(m) != m and " " in m}
    assert len(english) > 50
    labels = admin_labels()
    # every name is translated; a code stays as it is in every language
    assert sorted(en for en, there in labels.items() if en == there) == ["SHA-256"]
    assert len(labels) > 60
    # as the admin shows them: a heading, a column or a field's label starts with a capital; inside Django's own
    # sentences ("Chọn %s để thay đổi") a name stays as it is, and is looked for when it is more than one word (a
    # single word in lower case may be one of Django's own words its translation left in English: "Model name")
    shown = {capfirst(en) for en, there in labels.items() if en != there}
    shown |= {en for en, there in labels.items() if en != there and " " in en}
    pages = admin_pages = 0
    for role in ROLES:
        client = client_for(world["people"][role])
        client.post("/language/", {"lang": "vi"})
        for _name, cases in matrix(world).items():
            for method, path, _data, answers in cases:
                if method != "GET" or answers[role] != 200 or path.endswith((".css", ".xlsx", ".zip", ".csv")):
                    continue
                response = client.get(path)
                if "/p/" in path or "/versions/" in path or path == "/admin/jsi18n/":
                    response.close()
                    continue  # a publication is the scorecards' own pages; a version is the city's file;
                    # the admin's script catalogue is Django's own words
                page = response.content.decode()
                page = admin_names(page) if path.startswith("/admin/") else page
                text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
                if path.startswith("/admin/"):
                    left = sorted(m for m in shown if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text))
                    admin_pages += 1
                else:
                    left = sorted(m for m in english if m in text)
                    pages += 1
                assert not left, f"{role} {path}: {left}"
    assert pages >= 15 and admin_pages >= 30
