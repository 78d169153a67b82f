"""A city team's flow: its page in its language, the template, uploads kept as versions, every problem listed."""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from server_kit import EXAMPLES, client_for, drain, edited, new_round, person, service, upload

__all__ = ["service"]


def _cells(page: str, css: str) -> list[list[str]]:
    """The text of each row's cells in the table of class ``css``."""
    table = page.split(f'<table class="{css}">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_every_problem_is_listed_as_validate_words_it_in_the_citys_language(service: Path, tmp_path: Path) -> None:
    """The page's problem list against ``smartcity validate --lang vi`` run on the same file by the command line."""
    _rnd, (city, _b) = new_round()
    city.language = "vi"
    city.save()
    member = person("city", city)
    client = client_for(member)
    broken = EXAMPLES / "zz-broken-1-2025.xlsx"
    assert upload(client, city, broken).status_code == 302
    assert "đang được kiểm tra" in client.get(f"/cities/{city.pk}/").content.decode()  # before the task ran
    drain()
    page = client.get(f"/cities/{city.pk}/").content.decode()
    assert '<html lang="vi">' in page
    rows = _cells(page, "problems")
    cli = subprocess.run([sys.executable, "-m", "assessment", "validate", str(broken), "--lang", "vi"],
                         capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"}, timeout=120)
    assert cli.returncode == 1
    # each problem line of the command: "file: sheet!C5 [item] kind: message"
    lines = [ln for ln in cli.stdout.splitlines() if ln.startswith(broken.name + ":")]
    assert len(lines) == len(rows) == 17  # 14 errors + 3 warnings, the example's own count
    for line, (file, sheet, cell, item, kind, message, _found, _fix) in zip(lines, rows, strict=True):
        where = f"{file}: {sheet}" + (f"!{cell}" if cell else "") + (f" [{item}]" if item else "")
        assert line == f"{where} {kind}: {message}"
    assert "lỗi" in {r[4] for r in rows}


def test_uploads_are_kept_as_versions_and_errors_block_submission(service: Path) -> None:
    from assessment.server import storage
    from assessment.server.models import AuditRecord

    _rnd, (city, _b) = new_round()
    member = person("city", city)
    client = client_for(member)
    broken, good = EXAMPLES / "zz-broken-1-2025.xlsx", EXAMPLES / "da-nang-2025.xlsx"
    upload(client, city, broken)
    drain()
    assert client.post(f"/cities/{city.pk}/submit/").status_code == 409  # errors block
    upload(client, city, good)
    upload(client, city, good, name="da-nang-again.xlsx")
    drain()
    versions = list(city.uploads.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.sha256 for v in versions] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in (broken, good, good)]
    assert [v.errors for v in versions] == [14, 0, 0]
    for v in versions:  # each kept once by hash, outside any served folder, never writable again
        path = storage.path_of(v.sha256)
        assert path.read_bytes() == (broken if v.number == 1 else good).read_bytes()
        assert not os.access(path, os.W_OK) or os.geteuid() == 0
        assert oct(path.stat().st_mode & 0o777) == "0o400"
    page = client.get(f"/cities/{city.pk}/").content.decode()
    assert f'action="/cities/{city.pk}/submit/"' in page
    assert client.post(f"/cities/{city.pk}/submit/").status_code == 302
    city.refresh_from_db()
    assert city.status == "submitted"
    actions = list(AuditRecord.objects.filter(object_type="upload", detail__startswith=city.name)
                   .values_list("action", "sha256"))
    assert ("upload", versions[0].sha256) in actions and ("submit", versions[2].sha256) in actions


def test_the_page_shows_what_changed_since_the_last_version(service: Path, tmp_path: Path) -> None:
    """Version 2 differs from version 1 in one value: that row, and only it, is listed."""
    from openpyxl import load_workbook

    _rnd, (city, _b) = new_round()
    client = client_for(person("city", city))
    good = EXAMPLES / "bangkok-2025.xlsx"  # an English workbook: sheet and column names as below
    upload(client, city, good)
    book = load_workbook(good)
    sheet = book["Indicators"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "BI-WATER")
    column = next(c for c in range(1, sheet.max_column + 1) if sheet.cell(1, c).value == "Value")
    old = sheet.cell(row, column).value
    sheet.cell(row, column).value = 12.5 if old != 12.5 else 13.5
    changed = tmp_path / "bangkok-2025.xlsx"
    book.save(changed)
    upload(client, city, changed)
    drain()
    rows = _cells(client.get(f"/cities/{city.pk}/").content.decode(), "changes")
    assert [r[0] for r in rows] == ["BI-WATER"]


def test_the_template_is_the_citys_workbook_prefilled(service: Path) -> None:
    from openpyxl import load_workbook

    _rnd, (city,) = new_round(cities=("Hai Phong",))
    city.language = "vi"
    city.save()
    response = client_for(person("city", city)).get(f"/cities/{city.pk}/template.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(BytesIO(response.content))
    profile = book.worksheets[1]  # Instructions, City profile, ...
    assert profile.title == "Hồ sơ thành phố"  # the Vietnamese workbook
    values = {str(c.value) for row in profile.iter_rows() for c in row if c.value is not None}
    assert {"Hai Phong", "VN", "2025"} <= values


def test_a_hostile_file_is_one_problem_and_the_service_goes_on(service: Path, tmp_path: Path) -> None:
    """A zip bomb named .xlsx: the intake's pre-flight refuses it; the page lists the problem."""
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (300 * 1024 * 1024) + b">")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    _rnd, (city, _b) = new_round()
    client = client_for(person("city", city))
    upload(client, city, bomb)
    drain()
    version = city.uploads.get()
    assert version.state == "checked" and version.errors >= 1
    page = client.get(f"/cities/{city.pk}/").content.decode()
    assert len(_cells(page, "problems")) == version.errors + version.warnings
    assert client.get("/").status_code == 302  # still serving


def test_any_two_versions_side_by_side(service: Path, tmp_path: Path) -> None:
    """Versions 1 and 3 (not neighbours) compared: exactly the values edited by hand into the files differ.

    Da Nang's example workbook holds BI-WATER 66.6, BI-NRW 40.2 and BI-SANIT 71.7 (its Indicators
    sheet, rows 2 to 4). Version 1 has BI-WATER typed as a word and BI-NRW over 100 %, so neither
    is accepted (no value); version 2 is the example; version 3 changes BI-SANIT to 17.7.
    """
    _rnd, (city, _b) = new_round()
    member = person("city", city)
    client = client_for(member)
    broken, changed = tmp_path / "broken.xlsx", tmp_path / "changed.xlsx"
    edited(EXAMPLES / "da-nang-2025.xlsx", broken, {"BI-WATER": "sixty", "BI-NRW": 140.2})
    edited(EXAMPLES / "da-nang-2025.xlsx", changed, {"BI-SANIT": 17.7})
    for path in (broken, EXAMPLES / "da-nang-2025.xlsx", changed):
        upload(client, city, path)
    reviewer = client_for(person("reviewer"))
    pending = reviewer.get(f"/cities/{city.pk}/compare/?a=1&b=3").content.decode()
    assert "once both versions are checked" in pending and '<table class="compare">' not in pending
    drain()
    wide = reviewer.get(f"/cities/{city.pk}/compare/?a=1&b=3").content.decode()
    assert _cells(wide, "compare") == [["BI-NRW", "", "40.2"], ["BI-SANIT", "71.7", "17.7"], ["BI-WATER", "", "66.6"]]
    sides = _cells(wide, "sides")
    assert sides[0] == ["broken.xlsx", "changed.xlsx"] and sides[2] == [member.username, member.username]
    assert sides[3] == ["checked: 2 / 0", "checked: 0 / 0"]
    # by default the newest beside the one before it; the reversed pair reads the other way
    assert _cells(reviewer.get(f"/cities/{city.pk}/compare/").content.decode(), "compare") == [
        ["BI-SANIT", "71.7", "17.7"]]
    back = reviewer.get(f"/cities/{city.pk}/compare/?a=3&b=2").content.decode()
    assert _cells(back, "compare") == [["BI-SANIT", "17.7", "71.7"]]
    same = reviewer.get(f"/cities/{city.pk}/compare/?a=2&b=2").content.decode()
    assert "hold the same values" in same and '<table class="compare">' not in same
    for bad in ("?a=4", "?b=0", "?a=x"):
        assert reviewer.get(f"/cities/{city.pk}/compare/{bad}").status_code == 404
    # the city page offers the pick among all three
    page = client.get(f"/cities/{city.pk}/").content.decode()
    assert f'action="/cities/{city.pk}/compare/"' in page and page.count('<option value="1"') == 2
