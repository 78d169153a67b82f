"""A round's languages: chosen when it is made (English always, each one its catalogue has), the only languages
its cities may work in, carried over to the round that follows it, kept as every language by the upgrade."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from server_kit import MIGRATION_SCRIPT, client_for, new_round, person, service, unique

__all__ = ["service"]

#: A catalogue of one indicator with texts in English and Vietnamese only (no Thai, no Indonesian).
EN_VI = {"tiny/catalogue.yaml": 'id: tiny\nversion: "1.0"\ntitle: {en: "Tiny", vi: "Nhỏ"}\nlanguages: [en, vi]\n'
                                'include: ["parts.yaml"]\n',
         "tiny/parts.yaml": 'indicators:\n  - id: A-1\n    name: {en: "Green space", vi: "Không gian xanh"}\n'
                            '    unit: {en: "%", vi: "%"}\n    direction: 1\n'
                            'lenses:\n  - id: areas\n    name: {en: "Areas", vi: "Lĩnh vực"}\n'
                            '    members: {green: ["A-1"]}\n    nodes:\n      - {id: green, name: {en: "Green", '
                            'vi: "Xanh"}}\n'}


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _errors(page: bytes) -> list[str]:
    found = re.findall(r'<p class="error" role="alert">(.*?)</p>|<li>(.*?)</li>', page.decode(), re.S)
    return [html.unescape(a or b) for a, b in found]


def _create(client: Any, languages: list[str], **more: Any) -> Any:
    name = unique("Polyglot ")  # a word no label of the back office is (its scan reads every round)
    return client.post("/rounds/new/", {"name": name, "year": "2026", "languages": languages, **more}), name


def test_the_form_offers_the_languages_english_always_vietnamese_ticked(service: Path) -> None:
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    page = organiser.get("/rounds/new/").content.decode()
    boxes = re.findall(r'<input type="checkbox"( name="languages" value="(\w+)")?( checked)?( disabled)?>', page)
    # the built-in catalogue has every registered language, in the registry's order (English first, then by
    # code): English checked, cannot be unticked, sent hidden; Indonesian and Thai offered; Vietnamese ticked
    assert [(value, bool(checked), bool(disabled)) for _n, value, checked, disabled in boxes][:4] == [
        ("", True, True), ("id", False, False), ("th", False, False), ("vi", True, False)]
    assert '<input type="hidden" name="languages" value="en">' in page

    made, name = _create(organiser, ["th", "en"])
    assert made.status_code == 302
    assert Round.objects.get(name=name).languages == ["en", "th"]  # the registry's order, English first
    made, name = _create(organiser, [])  # nothing ticked, nothing hidden sent: English all the same
    assert made.status_code == 302
    assert Round.objects.get(name=name).languages == ["en"]


def test_an_unknown_language_is_a_form_error_in_the_readers_language(service: Path) -> None:
    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    organiser.post("/language/", {"lang": "vi"})
    refused, name = _create(organiser, ["vi", "xx", "fr"])
    assert refused.status_code == 400
    errors = _errors(refused.content)
    assert [e for e in errors if "'xx'" in e] == [
        "'xx' không phải là ngôn ngữ của dịch vụ này; hãy chọn trong en (English), id (Bahasa Indonesia), "
        "th (ไทย), vi (Tiếng Việt)."]
    assert any("'fr'" in e for e in errors)  # every problem, not the first
    assert not Round.objects.filter(name=name).exists()


def test_a_language_the_catalogue_lacks_is_refused(service: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.server.models import Round

    organiser = client_for(person("organiser"))
    zipped = _zip(EN_VI)
    refused, name = _create(organiser, ["vi", "th"], catalogue=SimpleUploadedFile("tiny.zip", zipped))
    assert refused.status_code == 400, _errors(refused.content)
    assert [e for e in _errors(refused.content) if "th (" in e] == [
        "The round's catalogue has no texts in th (ไทย). Leave them out (a round started from a previous one keeps "
        "that round's languages), or give a catalogue that has them."]
    assert not Round.objects.filter(name=name).exists()
    made, name = _create(organiser, ["vi"], catalogue=SimpleUploadedFile("tiny.zip", zipped))
    assert made.status_code == 302, _errors(made.content)
    assert Round.objects.get(name=name).languages == ["en", "vi"]


def test_a_citys_language_must_be_one_of_the_rounds(service: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.server.models import City

    organiser = client_for(person("organiser"))
    made, _name = _create(organiser, ["vi"])
    slug = made["Location"].strip("/").split("/")[-1]
    page = organiser.get(f"/rounds/{slug}/").content.decode()
    choices = re.search(r'<select name="language">(.*?)</select>', page, re.S)
    assert choices and re.findall(r'value="(\w+)"', choices.group(1)) == ["en", "vi"]  # only the round's

    refused = organiser.post(f"/rounds/{slug}/cities/", {"city": "Chiang Mai", "country": "TH", "language": "th"})
    assert refused.status_code == 400
    assert "'th' is not one of this round's languages (en (English), vi (Tiếng Việt))." in _errors(refused.content)
    # a CSV: every problem of every row, and nothing added until the file is right (line numbers: header is 1)
    sheet = ("city,country,language,email\nHue,VN,vi,hue@example.org\nBangkok,TH,th,\n,VN,vi,nobody@example.org\n"
             ",,,\nJakarta,ID,Bahasa,\nVinh,VN,,\n")
    refused = organiser.post(f"/rounds/{slug}/cities/", {"csv": SimpleUploadedFile("c.csv", sheet.encode())})
    assert refused.status_code == 400
    assert _errors(refused.content) == [
        "No city was added: fix these problems and send them again.",
        "Row 3 (Bangkok): the language 'th' is not one of this round's languages (en (English), vi (Tiếng Việt)). "
        "Give one of them, or leave the cell empty for English.",
        "Row 4: the city has no name.",
        "Row 6 (Jakarta): the language 'Bahasa' is not one of this round's languages (en (English), vi (Tiếng "
        "Việt)). Give one of them, or leave the cell empty for English."]
    assert not City.objects.filter(round__slug=slug).exists()
    fixed = "city,country,language,email\nHue,VN,VI,hue@example.org\nBangkok,TH,en,\nVinh,VN,,\n"
    assert organiser.post(f"/rounds/{slug}/cities/", {"csv": SimpleUploadedFile("c.csv", fixed.encode())}
                          ).status_code == 302
    assert sorted(City.objects.filter(round__slug=slug).values_list("name", "language")) == [
        ("Bangkok", "en"), ("Hue", "vi"), ("Vinh", "en")]  # a code in capitals is the code; empty is English


def test_a_round_from_a_previous_one_keeps_its_languages(service: Path) -> None:
    from assessment.server.models import City, Round

    last, _cities = new_round(cities=("Bangkok",))
    last.languages = ["en", "th"]
    last.save()
    City.objects.filter(round=last).update(language="th")
    organiser = client_for(person("organiser"))
    made, name = _create(organiser, ["vi"], previous=str(last.pk))
    assert made.status_code == 302, _errors(made.content)
    rnd = Round.objects.get(name=name)
    assert rnd.languages == ["en", "th", "vi"]  # the previous round's and the ticked, in the registry's order
    assert list(rnd.cities.values_list("name", "language")) == [("Bangkok", "th")]


MIGRATE = MIGRATION_SCRIPT + """
call_command("migrate", "smartcity", "0003", verbosity=0)
with connection.cursor() as cursor:  # a round made before rounds had languages
    cursor.execute("INSERT INTO smartcity_round (slug, name, year, method, robustness, public, created, "
                   "catalogue_sha256, catalogue_name) VALUES ('old-2024', 'Old', 2024, '', '', 1, "
                   "'2024-01-01 00:00:00', '', '')")
call_command("migrate", verbosity=0)
from assessment.server.models import Round
print(Round.objects.get(slug="old-2024").languages)
"""


def test_the_upgrade_gives_an_existing_round_every_language(tmp_path: Path) -> None:
    """Publishing wrote every registered language the catalogue has before rounds had languages: after the
    upgrade an old round has every registered one, so its next publication writes the same languages."""
    from assessment.i18n import LANGUAGES

    run = subprocess.run([sys.executable, "-c", MIGRATE, str(tmp_path / "data")], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(list(LANGUAGES)) == "['en', 'id', 'th', 'vi']"


DEMO = """
import json, os, sys
from pathlib import Path
os.environ.pop("SMARTCITY_DATABASE_URL", None)
from assessment.server.demo import make_demo
make_demo(Path(sys.argv[1]), "http://127.0.0.1:8000")
from assessment.server.models import Round
rnd = Round.objects.get(slug="ascn-2025")
print(json.dumps(rnd.languages))
print(json.dumps(sorted(set(rnd.cities.values_list("country", "language")))))
"""


def test_the_demo_round_is_in_english_and_vietnamese(tmp_path: Path) -> None:
    """``make serve``'s round: English and Vietnamese; the Vietnamese cities work in Vietnamese, the others (Thai and
    Indonesian cities too: their languages are not the round's) in English."""
    run = subprocess.run([sys.executable, "-c", DEMO, str(tmp_path / "demo")], capture_output=True, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    languages, pairs = run.stdout.strip().splitlines()[-2:]
    assert json.loads(languages) == ["en", "vi"]
    found = dict(json.loads(pairs))
    assert found["VN"] == "vi" and found["TH"] == "en" and found["ID"] == "en"
    assert set(found.values()) == {"en", "vi"}


def test_a_city_named_twice_or_already_in_the_round_is_said_not_dropped(service: Path) -> None:
    """A CSV naming a city on two rows is refused whole, with both rows named; a city the round has already is
    left as it is (the same list sent twice adds nobody twice) and the page names it; the form refuses one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.server.models import City

    organiser = client_for(person("organiser"))
    made, _name = _create(organiser, ["vi"])
    slug = made["Location"].strip("/").split("/")[-1]
    twice = "city,country,language,email\nHue,VN,vi,a@example.org\nVinh,VN,,\nHue,VN,vi,b@example.org\n"
    refused = organiser.post(f"/rounds/{slug}/cities/", {"csv": SimpleUploadedFile("c.csv", twice.encode())})
    assert refused.status_code == 400
    assert _errors(refused.content) == ["No city was added: fix these problems and send them again.",
                                        "Row 4: Hue is named on row 2 already; give each city one row."]
    assert not City.objects.filter(round__slug=slug).exists()

    first = "city,country,language,email\nHue,VN,vi,a@example.org\n"
    assert organiser.post(f"/rounds/{slug}/cities/", {"csv": SimpleUploadedFile("c.csv", first.encode())}
                          ).status_code == 302  # nothing to say: every city was added
    again = "city,country,language,email\nHue,VN,en,changed@example.org\nVinh,VN,,\n"
    said = organiser.post(f"/rounds/{slug}/cities/", {"csv": SimpleUploadedFile("c.csv", again.encode())})
    assert said.status_code == 200
    page = said.content.decode()
    assert re.findall(r'<p class="notice" role="status">(.*?)</p>', page) == [
        "These cities were in the round already and were left as they are; every other city of the file was added."]
    assert re.findall(r"<li>(.*?)</li>", page) == ["Hue"]
    assert f'href="/rounds/{slug}/"' in page
    assert sorted(City.objects.filter(round__slug=slug).values_list("name", "language", "contacts")) == [
        ("Hue", "vi", ["a@example.org"]), ("Vinh", "en", [])]  # Hue as it was, Vinh added

    refused = organiser.post(f"/rounds/{slug}/cities/", {"city": "Hue", "country": "VN", "language": "vi"})
    assert refused.status_code == 400
    assert _errors(refused.content)[:2] == ["No city was added: fix these problems and send them again.",
                                            "The round has a city named Hue already."]
    assert City.objects.filter(round__slug=slug, name="Hue").count() == 1
