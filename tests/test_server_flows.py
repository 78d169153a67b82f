"""The six flows of a round (issue 21's "What works end to end"), each in Debian's Chromium on a live service.

One ``smartcity serve init`` and one ``smartcity serve DIR`` (web server and task worker, on SQLite
or, under ``tests/test_server_postgres.py``, on PostgreSQL) serve the module; one browser holds a
page per person. The flows run in their order in a round, each building on the one before, and
everything is done through the pages (links, forms, uploads, downloads): 1 set-up, 2 the
organiser, 3 a city team, 4 a reviewer, 5 publishing, 6 the audit trail. Where a flow needs
something another flow covers (a reviewer starting the review so the city has a question), it
uses the same pages.

Known answers come from the files themselves: the broken workbook is Da Nang's example with two
Value cells edited here (so its problems are exactly those two cells, and the fixed version
changes exactly those two values), hashes are computed from the uploaded files.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import chromium_browser, watched_page
from server_live import PG_ENV, free_port, fresh_database, running

pytest.importorskip("django", reason="the service tests need the 'server' extra (part of 'dev')")

from server_kit import EXAMPLES, edited

ORGANISER = "organiser@example.org"
PASSWORD = "a long flows pass phrase"
SLUG = "flows-2025"
CSV_CITIES = "city,country,language,email\nHa Noi,VN,en,ha-noi@example.org\nHue,VN,vi,hue@example.org\n"
#: Da Nang's example values of the two indicators the broken version gets wrong (its Indicators sheet).
BROKEN = {"BI-WATER": "sixty", "BI-NRW": 140.2}
EXAMPLE_VALUES = {"BI-WATER": 66.6, "BI-NRW": 40.2}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """``serve init`` (its output kept for flow 1), then the service and one browser for the module."""
    tmp = tmp_path_factory.mktemp("flows")
    folder = tmp / "round"
    port = free_port()
    with fresh_database(os.environ.get(PG_ENV, ""), "smartcity_flows") as url:
        env = {**os.environ, "SMARTCITY_DATABASE_URL": url, "COLUMNS": "400"}
        init = subprocess.run([sys.executable, "-m", "assessment", "serve", "init", str(folder), "--email", ORGANISER,
                               "--port", str(port)], env=env, capture_output=True, text=True, timeout=180)
        assert init.returncode == 0, init.stdout + init.stderr
        with running(folder, port, env) as log, chromium_browser() as browser:
            yield {"base": f"http://127.0.0.1:{port}", "init": init.stdout, "folder": folder, "log": log,
                   "pg": bool(url), "tmp": tmp, "browser": browser, "pages": {}, "console": {}, "links": {}}


def page_of(live: dict[str, Any], who: str) -> Any:
    """The page of one person (its own browser context: its own session), made on first use."""
    if who not in live["pages"]:
        live["pages"][who], live["console"][who], _requests = watched_page(live["browser"])
    return live["pages"][who]


def no_console_errors(live: dict[str, Any]) -> None:
    bad = {who: [c for c in msgs if c[0] in ("error", "pageerror") or "Content Security Policy" in c[1]]
           for who, msgs in live["console"].items()}
    assert not any(bad.values()), bad


def choose_password(page: Any, link: str) -> None:
    """Open a one-time link and set the password (the set-password form)."""
    page.goto(link)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("form:not(.inline) button")


def until(page: Any, selector: str | Callable[[], bool], seconds: float = 120) -> None:
    """Reload ``page`` until ``selector`` is on it, or the check is true (a task runs in the worker meanwhile)."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + seconds
    while not (selector() if callable(selector) else page.locator(selector).count()):
        assert time.monotonic() < deadline, f"{selector} never came on {page.url}:\n{page.inner_text('main')}"
        time.sleep(0.3)
        with contextlib.suppress(Error):  # the page's own refresh (a version being checked) won the race
            page.reload()


def rows(page: Any, table: str) -> list[list[str]]:
    """The text of the body cells of ``table`` (a CSS selector), row by row."""
    return [[c.strip() for c in r.locator("td").all_inner_texts()] for r in page.locator(f"{table} tbody tr").all()]


def sheet_rows(path: Path, sheet: int) -> list[tuple[Any, ...]]:
    """The rows under the header of a workbook's sheet (by position), as values."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    wb = load_workbook(path, read_only=True)
    try:
        return list(wb.worksheets[sheet].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()


def upload_file(page: Any, path: Path) -> None:
    page.set_input_files("form[action$='/upload/'] input[name=file]", str(path))
    page.click("form[action$='/upload/'] button")


def test_1_set_up(live: dict[str, Any]) -> None:
    """``serve init``: a data directory with its key (0600) and folders, and a one-time link for the organiser."""
    base, folder = live["base"], live["folder"]
    found = re.search(r"(http://\S+/invite/\S+/)", live["init"])
    assert found, live["init"]
    link = found.group(1)
    assert link.startswith(base + "/invite/")
    assert oct((folder / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert (folder / "uploads").is_dir()
    assert (folder / "db.sqlite3").is_file() is not live["pg"]  # the database asked for, not a fallback
    organiser = page_of(live, "organiser")
    choose_password(organiser, link)
    organiser.wait_for_url(base + "/rounds/")
    assert organiser.inner_text("h1") == "Rounds" and "No round yet." in organiser.inner_text("main")
    # single use: the same link a second time (another browser, its 404 not a page error) is refused
    stranger = live["browser"].new_page()
    live["stranger"] = stranger
    stranger.goto(link)
    assert stranger.inner_text("h1") == "This link cannot be used"
    # the password chosen is the organiser's: signed out, then in again with it
    organiser.click("form[action='/signout/'] button")
    organiser.goto(base + "/signin/")
    organiser.fill("input[name=username]", ORGANISER)
    organiser.fill("input[name=password]", PASSWORD)
    organiser.click("form[action='/signin/'] button")
    organiser.wait_for_url(base + "/rounds/")
    no_console_errors(live)


def test_2_organiser(live: dict[str, Any]) -> None:
    """A round; a city by the form, two by a CSV; their one-time links shown (and e-mailed); a reviewer invited."""
    base, organiser = live["base"], page_of(live, "organiser")
    organiser.goto(base + "/rounds/")
    organiser.click("a[href='/rounds/new/']")
    organiser.fill("input[name=name]", "Flows")
    organiser.fill("input[name=year]", "2025")
    organiser.fill("input[name=deadline]", "2025-06-30")
    organiser.press("input[name=year]", "Enter")  # the form's own submission, whatever else it offers
    organiser.wait_for_url(f"{base}/rounds/{SLUG}/")
    organiser.fill("form:has(input[name=city]) input[name=city]", "Da Nang")
    organiser.fill("form:has(input[name=city]) input[name=country]", "vn")
    organiser.select_option("form:has(input[name=city]) select[name=language]", "vi")
    organiser.fill("form:has(input[name=city]) input[name=email]", "da-nang@example.org")
    organiser.fill("form:has(input[name=city]) input[name=population]", "1134310")  # pre-filled in its template
    organiser.click("form:has(input[name=city]) button")
    organiser.set_input_files("form:has(input[name=csv]) input[name=csv]", files=[{
        "name": "cities.csv", "mimeType": "text/csv", "buffer": CSV_CITIES.encode()}])
    organiser.click("form:has(input[name=csv]) button")
    organiser.wait_for_url(f"{base}/rounds/{SLUG}/")
    assert [r[:3] for r in rows(organiser, "table.dashboard")] == [
        ["Da Nang", "invited", "0"], ["Ha Noi", "invited", "0"], ["Hue", "invited", "0"]]

    organiser.click("form[action$='/invite/'] button")
    organiser.wait_for_url(f"{base}/rounds/{SLUG}/invite/")  # the links' page, not the dashboard it leaves
    listed = rows(organiser, "main table")  # city, the address its link was e-mailed to, the link
    assert {r[0]: r[1] for r in listed} == {"Da Nang": "da-nang@example.org", "Ha Noi": "ha-noi@example.org",
                                            "Hue": "hue@example.org"}
    shown = {r[0]: r[2] for r in listed}
    assert set(shown) == {"Da Nang", "Ha Noi", "Hue"}
    assert all(link.startswith(base + "/invite/") for link in shown.values())
    assert len(set(shown.values())) == 3
    live["links"].update(shown)
    # sent through Django's e-mail backend too (the console's, by default: the server's output)
    log = live["log"].read_text()
    assert all(link in log for link in shown.values()) and "To: da-nang@example.org" in log

    organiser.goto(base + "/rounds/")
    organiser.fill("form[action='/reviewers/invite/'] input[name=email]", "reviewer@example.org")
    organiser.click("form[action='/reviewers/invite/'] button")
    organiser.wait_for_url(f"{base}/reviewers/invite/")  # the link's page, not the rounds page it leaves
    (reviewer_row,) = rows(organiser, "main table")
    assert reviewer_row[:2] == ["reviewer", "reviewer@example.org"] and reviewer_row[2].startswith(base + "/invite/")
    live["links"]["reviewer"] = reviewer_row[2]
    no_console_errors(live)


def reviewer_page(live: dict[str, Any]) -> Any:
    """The reviewer's page, signed in through the invitation on first use."""
    if "reviewer" not in live["pages"]:
        choose_password(page_of(live, "reviewer"), live["links"]["reviewer"])
        live["pages"]["reviewer"].wait_for_url(live["base"] + "/rounds/")
    return live["pages"]["reviewer"]


def test_3_city_team(live: dict[str, Any]) -> None:
    """Da Nang (a Vietnamese city): its page in Vietnamese, the template, a broken upload, a fixed one, a question."""
    base, tmp = live["base"], live["tmp"]
    city = page_of(live, "Da Nang")
    choose_password(city, live["links"]["Da Nang"])
    city.wait_for_url(re.compile(r"/cities/\d+/$"))
    live["da_nang"] = city.url
    assert city.get_attribute("html", "lang") == "vi"
    assert city.inner_text("p.status") == "Trạng thái: đã mở"  # opened, once the link was used
    assert "Hạn chót: 2025-06-30" in city.inner_text("main")

    with city.expect_download() as download:
        city.click("a[href$='/template.xlsx']")
    template = tmp / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "da-nang-2025.xlsx"
    profile = {r[0]: r[2] for r in sheet_rows(template, 1)}
    assert (profile["city"], profile["country"], profile["year"]) == ("Da Nang", "VN", 2025)
    assert profile["population"] == 1134310  # as the organiser gave it

    # a broken workbook: both problems listed, by cell, with what was found and how to fix it
    broken_dir = tmp / "broken"
    broken_dir.mkdir()
    broken = broken_dir / "da-nang-2025.xlsx"
    cells = edited(EXAMPLES / "da-nang-2025.xlsx", broken, BROKEN)
    upload_file(city, broken)
    until(city, "table.problems")
    listed = {r[3]: r for r in rows(city, "table.problems")}
    assert set(listed) == set(BROKEN)
    for item, (file, sheet, cell, _item, kind, message, _found, fix) in listed.items():
        assert (file, f"{sheet}!{cell}", kind) == ("da-nang-2025.xlsx", cells[item], "lỗi")
        assert message and fix, listed[item]
    assert listed["BI-WATER"][6] == "sixty" and "không phải là một số" in listed["BI-WATER"][5]
    assert not city.locator("form[action$='/submit/']").count()  # errors block the submission

    # the fixed workbook: what changed since version 1 (the two values it now has, in Vietnamese numbers)
    upload_file(city, EXAMPLES / "da-nang-2025.xlsx")
    until(city, "form[action$='/submit/'] button")
    assert not city.locator("table.problems").count()
    assert rows(city, "table.changes") == [["BI-NRW", "", "40,2"], ["BI-WATER", "", "66,6"]]
    city.click("form[action$='/submit/'] button")
    assert city.inner_text("p.status") == "Trạng thái: đã nộp"

    # a reviewer runs the review (flow 4's button); the city answers its questions on its page
    reviewer = reviewer_page(live)
    reviewer.goto(f"{base}/rounds/{SLUG}/")
    reviewer.click("form[action$='/review/'] button")
    until(city, "table.queries")
    questions = rows(city, "table.queries")
    assert len(questions) >= 2 and all(q[0] == "2" and q[3] and q[4] for q in questions)
    live["asked"] = len(questions)
    first = city.locator("table.queries tbody tr").nth(0)
    first.locator("textarea[name=answer]").fill("Số liệu đo năm 2024")
    first.locator("button").click()
    assert "Số liệu đo năm 2024" in rows(city, "table.queries")[0][5]
    # the second with a corrected value: a new version, checked, submitted again
    item = rows(city, "table.queries")[1][3]
    old = next(r[4] for r in sheet_rows(EXAMPLES / "da-nang-2025.xlsx", 2) if r[0] == item)
    corrected = round(old * 0.9, 1) if old >= 10 else old + 1  # a different value of the same order
    live["correction"] = (item, old, corrected)
    second = city.locator("table.queries tbody tr").nth(1)
    second.locator("input[name=corrected]").fill(str(corrected).replace(".", ","))
    second.locator("button").click()
    until(city, "form[action$='/submit/'] button")
    assert [r[0] for r in rows(city, "table.versions")] == ["3", "2", "1"]
    assert rows(city, "table.changes") == [[item, fmt_vi(old), fmt_vi(corrected)]]
    city.click("form[action$='/submit/'] button")
    # submitted again; while questions it has not answered stay open, the city is under query
    still_open = live["asked"] > 2
    assert city.inner_text("p.status") == ("Trạng thái: đang được hỏi lại" if still_open else "Trạng thái: đã nộp")
    no_console_errors(live)


def fmt_vi(value: float) -> str:
    """A number as a Vietnamese page writes it (decimal comma, '.' between thousands; at most two decimals)."""
    whole, _, decimals = f"{value:,.2f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", ".") + ("," + decimals if decimals else "")


def fmt_en(value: float) -> str:
    """A number as an English page writes it (decimal point, ',' between thousands; at most two decimals)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def test_4_reviewer(live: dict[str, Any]) -> None:
    """The dashboard sorted and filtered, the review run, versions 1 and 3 side by side, send back and accept."""
    base = live["base"]
    # set-up through flow 3's pages: Ha Noi uploads a workbook with errors (a draft)
    ha_noi = page_of(live, "Ha Noi")
    choose_password(ha_noi, live["links"]["Ha Noi"])
    ha_noi.wait_for_url(re.compile(r"/cities/\d+/$"))
    live["ha_noi"] = ha_noi.url
    upload_file(ha_noi, EXAMPLES / "zz-broken-2-2025.xlsx")
    until(ha_noi, "table.problems")
    errors = sum(1 for r in rows(ha_noi, "table.problems") if r[4] == "error")
    assert errors > 0

    reviewer = reviewer_page(live)
    reviewer.goto(f"{base}/rounds/{SLUG}/")
    table = rows(reviewer, "table.dashboard")
    # city, status, versions, errors, warnings, reported, open queries: Da Nang answered 2 of its questions
    da_nang = "under query" if live["asked"] > 2 else "submitted"  # questions still open: under query
    assert [[*r[:4], r[6]] for r in table] == [["Da Nang", da_nang, "3", "0", str(live["asked"] - 2)],
                                                 ["Ha Noi", "draft", "1", str(errors), "0"],
                                                 ["Hue", "invited", "0", "", "0"]]
    reviewer.select_option("select[name=sort]", "errors")
    reviewer.click("form.filters button")
    assert [r[0] for r in rows(reviewer, "table.dashboard")] == ["Ha Noi", "Da Nang", "Hue"]
    reviewer.select_option("select[name=status]", "draft")
    reviewer.click("form.filters button")
    assert [r[0] for r in rows(reviewer, "table.dashboard")] == ["Ha Noi"]
    assert "status=draft" in reviewer.url and "sort=errors" in reviewer.url

    # Ha Noi uploads its clean workbook and submits (flow 3's pages); the review asks it its questions
    upload_file(ha_noi, EXAMPLES / "ha-noi-2025.xlsx")
    until(ha_noi, "form[action$='/submit/'] button")
    ha_noi.click("form[action$='/submit/'] button")
    reviewer.goto(f"{base}/rounds/{SLUG}/")  # by name: Da Nang, Ha Noi, Hue
    assert [(r[0], r[1], r[6]) for r in rows(reviewer, "table.dashboard")][1] == ("Ha Noi", "submitted", "0")
    reviewer.click("form[action$='/review/'] button")
    until(reviewer, lambda: rows(reviewer, "table.dashboard")[1][6] != "0")
    assert int(rows(reviewer, "table.dashboard")[1][6]) > 0

    # any two versions side by side: Da Nang's first (broken) and third (corrected)
    item, old, corrected = live["correction"]
    reviewer.goto(live["da_nang"])
    reviewer.select_option("form.picker select[name=a]", "1")
    reviewer.select_option("form.picker select[name=b]", "3")
    reviewer.click("form.picker button")
    assert reviewer.url.endswith("/compare/?a=1&b=3")
    expected = sorted([["BI-NRW", "", fmt_en(EXAMPLE_VALUES["BI-NRW"])],
                       ["BI-WATER", "", fmt_en(EXAMPLE_VALUES["BI-WATER"])], [item, fmt_en(old), fmt_en(corrected)]])
    assert rows(reviewer, "table.compare") == expected
    sides = {r.locator("th").inner_text(): r.locator("td").all_inner_texts()
             for r in reviewer.locator("table.sides tbody tr").all()}
    assert sides["File"] == ["da-nang-2025.xlsx", "da-nang-2025-corrected.xlsx"]
    assert sides["By"] == ["da-nang@example.org", "da-nang@example.org"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", w) for w in sides["Uploaded (UTC)"])

    # sent back with a note; the city sees it, submits again; accepted. Ha Noi accepted.
    reviewer.goto(live["da_nang"])
    reviewer.fill("form[action$='/send-back/'] textarea[name=note]", "BI-NRW: please confirm the 2022 figure")
    reviewer.click("form[action$='/send-back/'] button")
    assert reviewer.inner_text("p.status") == "Status: sent back"
    city = page_of(live, "Da Nang")
    city.reload()
    assert "BI-NRW: please confirm the 2022 figure" in city.inner_text("p.note")
    city.click("form[action$='/submit/'] button")
    for url in (live["da_nang"], live["ha_noi"]):
        reviewer.goto(url)
        reviewer.click("form[action$='/accept/'] button")
        assert reviewer.inner_text("p.status") == "Status: accepted"
    no_console_errors(live)


def published(organiser: Any) -> list[Any]:
    """The dashboard's finished publications (their zip links)."""
    return organiser.locator("main li:has(a:text-is('zip'))").all()


def test_5_publishing(live: dict[str, Any]) -> None:
    """The accepted cities published as a task; the scorecards served, the zip downloaded; a second
    publication leaves the first readable."""
    base, organiser = live["base"], page_of(live, "organiser")
    organiser.goto(f"{base}/rounds/{SLUG}/")
    organiser.click("form[action$='/publish/'] button")
    until(organiser, lambda: len(published(organiser)) == 1)
    organiser.click("a:text-is('scorecards')")
    assert organiser.url == f"{base}/rounds/{SLUG}/p/1/"
    text = organiser.inner_text("body")
    assert "Da Nang" in text and "Ha Noi" in text and "Hue" not in text
    first_page = organiser.request.get(organiser.url).body()
    organiser.goto(f"{base}/rounds/{SLUG}/p/1/vi/index.html")
    assert organiser.get_attribute("html", "lang") == "vi"

    organiser.goto(f"{base}/rounds/{SLUG}/")
    shown_hash = published(organiser)[0].locator("code").inner_text()
    with organiser.expect_download() as download:
        organiser.click("a:text-is('zip')")
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest().startswith(shown_hash) and len(shown_hash) == 12
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"index.html", "vi/index.html", "results.xlsx", "index.csv", "cities/da-nang.html"} <= set(names)

    organiser.click("form[action$='/publish/'] button")
    until(organiser, lambda: len(published(organiser)) == 2)
    hashes = [p.locator("code").inner_text() for p in published(organiser)]
    assert hashes == [shown_hash, shown_hash]  # the same accepted versions: the same bytes
    # the first publication stays readable, unchanged; the public round's pages need no account
    stranger = live["stranger"]
    assert stranger.request.get(f"{base}/rounds/{SLUG}/p/1/").body() == first_page
    assert stranger.request.get(f"{base}/rounds/{SLUG}/p/2/").status == 200
    no_console_errors(live)


def test_6_audit(live: dict[str, Any]) -> None:
    """A role change, then every action above is a record; the CSV export holds them all, with the uploaded
    files' hashes."""
    base, organiser = live["base"], page_of(live, "organiser")
    # a role change, the last kind of action: the round over, the reviewer's role is removed
    organiser.goto(base + "/rounds/")
    organiser.click("a[href='/roles/']")
    assert rows(organiser, "table.roles")[:2] == [[ORGANISER, "organiser", ""], ["reviewer@example.org", "reviewer",
                                                                                 "Remove the reviewer role"]]
    organiser.click("table.roles button")
    assert [r[0] for r in rows(organiser, "table.roles")] == [ORGANISER]
    assert page_of(live, "reviewer").request.get(f"{base}/rounds/{SLUG}/").status == 403  # its session, refused

    organiser.goto(base + "/rounds/")
    organiser.click("a[href='/audit/']")
    shown = rows(organiser, "main table")
    actions = {r[2] for r in shown}
    assert {"invitation", "invitation-used", "sign-in", "round-created", "city-added", "upload", "submit",
            "review-run", "answer", "send-back", "accept", "publish-requested", "publish", "role-change"} <= actions
    assert sum(1 for r in shown if r[2] == "city-added") == 3
    with organiser.expect_download() as download:
        organiser.click("a[href='/audit.csv']")
    records = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(records) == len(shown)
    # the page shows the newest first, the export the oldest first: the same records
    exported = [(r["user"], r["action"], r["detail"].strip()) for r in records]
    assert exported == [(r[1], r[2], r[5]) for r in reversed(shown)]
    uploads = {r["sha256"] for r in records if r["action"] == "upload"}
    for path in (EXAMPLES / "da-nang-2025.xlsx", EXAMPLES / "ha-noi-2025.xlsx", EXAMPLES / "zz-broken-2-2025.xlsx",
                 live["tmp"] / "broken" / "da-nang-2025.xlsx"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() in uploads, path.name
    assert len(uploads) == 5  # and Da Nang's corrected version
    by_da_nang = {r["action"] for r in records if r["user"] == "da-nang@example.org"}
    assert {"invitation-used", "upload", "submit", "answer"} <= by_da_nang
    no_console_errors(live)
