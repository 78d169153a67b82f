"""A city's profile and contacts as the organiser gives them (the form or a CSV): checked by the workbook reader's
own rules, pre-filled in the city's template, one invitation link per contact, carried over to the next round,
shown in the back office in the reader's language."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from server_kit import MIGRATION_SCRIPT, client_for, new_round, person, service, unique

__all__ = ["service"]

HEADER = "city,country,language,email,population,area_km2,peer_group,contact_name,contact_email\n"


def _errors(page: bytes) -> list[str]:
    found = re.findall(r'<p class="error" role="alert">(.*?)</p>|<li>(.*?)</li>', page.decode(), re.S)
    return [html.unescape(a or b) for a, b in found]


def _csv(organiser: Any, slug: str, text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return organiser.post(f"/rounds/{slug}/cities/", {"csv": SimpleUploadedFile("cities.csv", text.encode())})


def _round() -> Any:
    from assessment.server.models import Round

    return Round.objects.create(slug=unique("profile-"), name="Profile round", year=2026, languages=["en", "vi"])


def test_the_form_and_a_csv_give_a_profile_and_several_contacts(service: Path) -> None:
    from assessment.server.models import City

    rnd = _round()
    organiser = client_for(person("organiser"))
    page = organiser.get(f"/rounds/{rnd.slug}/").content.decode()
    for key in ("population", "area_km2", "peer_group", "contact_name", "contact_email"):
        assert f'name="{key}"' in page  # an optional input each, and the CSV's columns named on the page
    assert "population, area_km2, peer_group, contact_name, contact_email" in page
    made = organiser.post(f"/rounds/{rnd.slug}/cities/", {
        "city": "Hue", "country": "VN", "language": "vi", "email": "a@hue.example.org; b@hue.example.org",
        "population": "652572", "area_km2": "265.99", "peer_group": "", "contact_name": "Lê Văn A",
        "contact_email": "a@hue.example.org"})
    assert made.status_code == 302, _errors(made.content)
    hue = City.objects.get(round=rnd, name="Hue")
    assert hue.contacts == ["a@hue.example.org", "b@hue.example.org"]
    # read as the workbook's reader reads them: numbers as floats, an empty field not kept
    assert hue.profile == {"population": 652572.0, "area_km2": 265.99, "contact_name": "Lê Văn A",
                           "contact_email": "a@hue.example.org"}
    # a CSV: several addresses by ';' or ',' (one given twice, in another case, kept once), the profile by its keys
    sheet = (HEADER + 'Vinh,VN,vi,"x@vinh.example.org, y@vinh.example.org;X@VINH.example.org",'
             "339114,105.1,coastal,,\nHa Long,VN,,,,,,,\n")
    assert _csv(organiser, rnd.slug, sheet).status_code == 302
    vinh = City.objects.get(round=rnd, name="Vinh")
    assert vinh.contacts == ["x@vinh.example.org", "y@vinh.example.org"]
    assert vinh.profile == {"population": 339114.0, "area_km2": 105.1, "peer_group": "coastal"}
    assert City.objects.get(round=rnd, name="Ha Long").profile == {}


def test_every_problem_of_every_row_is_listed_and_nothing_is_added(service: Path) -> None:
    from assessment.server.models import City

    rnd = _round()
    organiser = client_for(person("organiser"))
    sheet = (HEADER.rstrip("\n") + ",populaton\n"
             "Hue,VN,vi,a@hue.example.org;not-an-address,-5,652.572,,,hue.example.org,\n"
             'Vinh,VN,vi,,many,,"North\tcoast",,,\n'
             "Ha Long,Viet Nam,,,n/a,,,,,\n")
    refused = _csv(organiser, rnd.slug, sheet)
    assert refused.status_code == 400
    # the intake's own words for each value (the messages of intake/issues.py), placed by line, city and field
    assert _errors(refused.content) == [
        "No city was added: fix these problems and send them again.",
        "The column 'populaton' is not read: the columns are city, country, language, email, population, area_km2, "
        "peer_group, contact_name, contact_email.",
        "Row 2 (Hue), Population (inhabitants): 'Population (inhabitants)' must be a number greater than 0; found "
        "'-5'. Enter a plain number.",
        "Row 2 (Hue), Area (km²): '652.572' is ambiguous: it could be 652,572 or 652.572. Type the number without "
        "thousands separators.",
        "Row 2 (Hue), Contact e-mail: 'hue.example.org' is not an e-mail address: give addresses such as "
        "name@example.org, separated by ';'.",
        "Row 2 (Hue), Contact e-mails: 'not-an-address' is not an e-mail address: give addresses such as "
        "name@example.org, separated by ';'.",
        "Row 3 (Vinh), Population (inhabitants): 'many' is not a number. Enter a plain number, or leave the cell "
        "empty if the value is not available.",
        "Row 3 (Vinh), Peer group (optional): 'Peer group (optional)' holds an invisible character (U+0009) at "
        "position 6: a line break or a control character typed or pasted into the cell. Retype the value on one "
        "line, without line breaks or invisible characters.",
        "Row 4 (Ha Long), Country (ISO 3166-1 alpha-2 code, e.g. VN): 'Viet Nam' is not an ISO 3166-1 alpha-2 "
        "country code. Use a two-letter code such as VN, TH or SG."]
    assert not City.objects.filter(round=rnd).exists()  # "n/a" on Ha Long is no problem: left to the city


def test_the_form_reports_in_the_page_language_and_adds_nothing(service: Path) -> None:
    from assessment.server.models import City

    rnd = _round()
    organiser = client_for(person("organiser"))
    organiser.post("/language/", {"lang": "vi"})
    refused = organiser.post(f"/rounds/{rnd.slug}/cities/", {"city": "Hue", "language": "vi", "population": "0",
                                                             "email": "a@hue.example.org, b@"})
    assert refused.status_code == 400
    errors = _errors(refused.content)
    assert errors[1:] == [
        "Dân số (người): 'Dân số (người)' phải là một số lớn hơn 0; giá trị nhập là '0'. Nhập một số.",
        "Các địa chỉ e-mail liên hệ: 'b@' không phải là địa chỉ e-mail: hãy ghi các địa chỉ như "
        "name@example.org, cách nhau bằng ';'."]
    assert not City.objects.filter(round=rnd).exists()
    # on a Vietnamese page a number is typed as Vietnamese write it (a comma before the decimals)
    made = organiser.post(f"/rounds/{rnd.slug}/cities/", {"city": "Hue", "language": "vi", "area_km2": "265,99"})
    assert made.status_code == 302, _errors(made.content)
    assert City.objects.get(round=rnd, name="Hue").profile == {"area_km2": 265.99}


def test_the_template_is_prefilled_with_the_profile_and_the_city_may_change_it(service: Path,
                                                                              tmp_path: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from assessment.intake import read_submissions
    from assessment.server.models import City

    rnd = _round()
    organiser = client_for(person("organiser"))
    assert organiser.post(f"/rounds/{rnd.slug}/cities/", {
        "city": "Hue", "country": "VN", "language": "vi", "population": "652572", "area_km2": "265.99",
        "peer_group": "central", "contact_name": "Lê Văn A", "contact_email": "a@hue.example.org"}).status_code == 302
    hue = City.objects.get(round=rnd, name="Hue")
    answer = client_for(person("city", hue)).get(f"/cities/{hue.pk}/template.xlsx")
    assert answer.status_code == 200
    path = tmp_path / "hue-2026.xlsx"
    path.write_bytes(answer.content)
    read = read_submissions([path]).accepted.profiles
    assert [{k: r[k] for k in ("city", "country", "year", "population", "area_km2", "peer_group", "contact_name",
                               "contact_email")} for r in read] == [
        {"city": "Hue", "country": "VN", "year": 2026, "population": 652572.0, "area_km2": 265.99,
         "peer_group": "central", "contact_name": "Lê Văn A", "contact_email": "a@hue.example.org"}]
    # the city changes its population in the City profile sheet (key in column A, value in C)
    wb = load_workbook(path)
    sheet = wb.worksheets[1]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "population")
    sheet.cell(row, 3).value = 660000
    changed = tmp_path / "hue-changed-2026.xlsx"
    wb.save(changed)
    assert read_submissions([changed]).accepted.profiles[0]["population"] == 660000.0


def test_one_link_per_contact_address(service: Path) -> None:
    from django.core import mail

    from assessment.server.models import City, Invitation

    rnd, (hue, _vinh) = new_round(cities=("Hue", "Vinh"))
    City.objects.filter(pk=hue.pk).update(contacts=["a@hue.example.org", "b@hue.example.org"])
    organiser = client_for(person("organiser"))
    before = len(mail.outbox)
    page = organiser.post(f"/rounds/{rnd.slug}/invite/").content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td><code class=\"link\">(.*?)</code></td></tr>", page)
    assert [(city, email) for city, email, _link in rows] == [
        ("Hue", "a@hue.example.org"), ("Hue", "b@hue.example.org"), ("Vinh", "")]
    assert len({link for _c, _e, link in rows}) == 3  # a link of its own each
    sent = mail.outbox[before:]
    assert [(m.to, m.body) for m in sent] == [(["a@hue.example.org"], rows[0][2]), (["b@hue.example.org"], rows[1][2])]
    assert sorted(Invitation.objects.filter(city=hue).values_list("email", flat=True)) == [
        "a@hue.example.org", "b@hue.example.org"]


def test_a_round_from_a_previous_one_carries_profiles_and_contacts(service: Path) -> None:
    from assessment.server.models import City, Round

    last, (hue,) = new_round(cities=("Hue",))
    City.objects.filter(pk=hue.pk).update(contacts=["a@hue.example.org", "b@hue.example.org"],
                                          profile={"population": 652572.0, "peer_group": "central"})
    organiser = client_for(person("organiser"))
    name = unique("Carried ")
    assert organiser.post("/rounds/new/", {"name": name, "year": "2026", "previous": str(last.pk)}).status_code == 302
    assert list(City.objects.filter(round=Round.objects.get(name=name)).values_list("name", "contacts", "profile")) == [
        ("Hue", ["a@hue.example.org", "b@hue.example.org"], {"population": 652572.0, "peer_group": "central"})]


def test_the_back_office_shows_and_checks_them_in_the_readers_language(service: Path) -> None:
    from assessment.server.models import AuditRecord, City

    _rnd, (hue,) = new_round(cities=("Hue",))
    City.objects.filter(pk=hue.pk).update(contacts=["a@hue.example.org"], profile={"population": 652572.0})
    organiser = client_for(person("organiser"))
    organiser.post("/language/", {"lang": "vi"})
    base = f"/admin/smartcity/city/{hue.pk}/change/"
    page = html.unescape(organiser.get(base).content.decode())
    assert "Hồ sơ thành phố" in page and "Dân số (người): 652572" in page  # the field's and the value's labels
    assert "Các địa chỉ e-mail liên hệ" in page and 'value="a@hue.example.org"' in page
    refused = organiser.post(base, {"contacts": "a@hue.example.org; nobody"})
    assert refused.status_code == 200  # the form again, with its problem
    assert "'nobody' không phải là địa chỉ e-mail" in html.unescape(refused.content.decode())
    hue.refresh_from_db()
    assert hue.contacts == ["a@hue.example.org"]
    assert organiser.post(base, {"contacts": "a@hue.example.org; c@hue.example.org"}).status_code == 302
    hue.refresh_from_db()
    assert hue.contacts == ["a@hue.example.org", "c@hue.example.org"]
    assert AuditRecord.objects.filter(action="admin-change", object_type="city", object_id=str(hue.pk)).exists()


UPGRADE = MIGRATION_SCRIPT + """
import json
call_command("migrate", "smartcity", "0004", verbosity=0)
with connection.cursor() as cursor:  # cities made when a city had one contact address, or none
    cursor.execute("INSERT INTO smartcity_round (slug, name, year, method, robustness, public, created, "
                   "catalogue_sha256, catalogue_name, languages) VALUES ('old-2025', 'Old', 2025, '', '', 1, "
                   "'2025-01-01 00:00:00', '', '', '[\\"en\\"]')")
    for name, contact in (("Hue", "a@hue.example.org"), ("Vinh", "")):
        cursor.execute("INSERT INTO smartcity_city (round_id, name, country, language, contact, status, note, "
                       "revision) SELECT id, %s, 'VN', 'en', %s, 'invited', '', 0 FROM smartcity_round",
                       [name, contact])
call_command("migrate", verbosity=0)
from assessment.server.models import City
print(json.dumps(list(City.objects.order_by("name").values_list("name", "contacts", "profile"))))
call_command("migrate", "smartcity", "0004", verbosity=0)  # and back: the first address is the one again
with connection.cursor() as cursor:
    cursor.execute("SELECT name, contact FROM smartcity_city ORDER BY name")
    print(json.dumps(cursor.fetchall()))
"""


def test_the_upgrade_keeps_a_citys_one_contact_as_its_first(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", UPGRADE, str(tmp_path / "data")], capture_output=True, text=True,
                         timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    forward, backward = run.stdout.strip().splitlines()[-2:]
    assert json.loads(forward) == [["Hue", ["a@hue.example.org"], {}], ["Vinh", [], {}]]
    assert json.loads(backward) == [["Hue", "a@hue.example.org"], ["Vinh", ""]]


def test_a_typed_profile_value_meets_the_same_rules_as_in_the_workbook(tmp_path: Path) -> None:
    """The service's check (``profile_value``) and the workbook's reader say the same of the same text: the one
    rule, not two that may drift (each text typed into the City profile sheet, then read back)."""
    from assessment.intake import Prefill, read_submissions, write_template
    from assessment.intake.layout import PROFILE_FIELDS
    from assessment.intake.profile import profile_value

    fields = {f.key: f for f in PROFILE_FIELDS}
    cases = [("population", "652.572"), ("population", "-5"), ("population", "many"), ("population", "n/a"),
             ("population", "1e400"), ("area_km2", "0"), ("area_km2", "n/a"), ("area_km2", "12,5"),
             ("peer_group", "North\tcoast"), ("contact_name", "Lê Văn A"), ("population", "652572")]
    for key, raw in cases:
        path = write_template(tmp_path / f"{len(list(tmp_path.iterdir()))}.xlsx", city="Hue", country="VN",
                              year=2026, prefill=Prefill(profile={"population": 1000, key: raw}))
        read = [(p.code, p.text()) for p in read_submissions([path]).problems if p.sheet == "City profile"]
        _value, findings = profile_value(fields[key], raw, "en", required=fields[key].required)
        assert [(f.code, f.problem("", raw).text()) for f in findings] == read, (key, raw)
    # and at least these are problems at all (a test of agreement alone would pass if both said nothing)
    assert profile_value(fields["population"], "-5", "en")[1][0].code == "bad-profile-number"
    assert profile_value(fields["population"], "652572", "en") == (652572.0, [])


OLD_ARCHIVE = """
import io, os, re, sys, tarfile
from pathlib import Path
os.environ.pop("SMARTCITY_DATABASE_URL", None)
from assessment.server.backup import backup
from assessment.server.config import make_datadir, setup
source, archive = Path(sys.argv[1]), Path(sys.argv[2])
make_datadir(source)
setup(source, None)
from django.core.management import call_command
call_command("migrate", verbosity=0)
from assessment.server.models import City, Round
rnd = Round.objects.create(slug="old-2025", name="Old", year=2025)
City.objects.create(round=rnd, name="Hue", country="VN", contacts=["a@hue.example.org"])
City.objects.create(round=rnd, name="Vinh", country="VN")
made = backup(source, source.parent / "today.tar.gz")
with tarfile.open(made) as tar:
    xml = tar.extractfile("database.xml").read().decode()
# as the code before migration 0005 wrote a city (its dump, seen from that code): one 'contact', no profile
old = re.sub(r'<field name="contacts" type="JSONField">\\[(?:&quot;|")?([^&"\\]]*)(?:&quot;|")?\\]</field>',
             r'<field name="contact" type="CharField">\\1</field>', xml)
old = re.sub(r'<field name="profile" type="JSONField">\\{\\}</field>', "", old)
assert old.count('name="contact" ') == 2 and "contacts" not in old and "profile" not in old, old
with tarfile.open(archive, "w:gz") as tar:
    data = old.encode()
    info = tarfile.TarInfo("database.xml")
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
    tar.add(source / "secret_key", arcname="secret_key")
"""
SHOW = """
import json, os, sys
from pathlib import Path
os.environ.pop("SMARTCITY_DATABASE_URL", None)
from assessment.server.config import setup
setup(Path(sys.argv[1]), None)
from assessment.server.models import City
print(json.dumps(list(City.objects.order_by("name").values_list("name", "contacts", "profile"))))
"""


def test_an_archive_from_before_the_contacts_restores(tmp_path: Path) -> None:
    """``smartcity serve restore`` of a round backed up when a city had one contact: it is the first of its list."""
    env = {"SMARTCITY_DATABASE_URL": ""}
    made = subprocess.run([sys.executable, "-c", OLD_ARCHIVE, str(tmp_path / "source"), str(tmp_path / "old.tar.gz")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert made.returncode == 0, made.stderr[-3000:]
    restored = subprocess.run([sys.executable, "-m", "assessment", "serve", "restore", str(tmp_path / "old.tar.gz"),
                               str(tmp_path / "target")], capture_output=True, text=True, timeout=300, check=False,
                              env={**os.environ, **env})
    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    shown = subprocess.run([sys.executable, "-c", SHOW, str(tmp_path / "target")], capture_output=True, text=True,
                           timeout=300, check=False)
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == [["Hue", ["a@hue.example.org"], {}], ["Vinh", [], {}]]
