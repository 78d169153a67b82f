"""The service in a real browser (Debian's Chromium through Playwright), on the demo round ``make serve`` starts.

One server process (``smartcity serve demo``, with its task worker) serves three flows: a city team
signs in with its one-time link, sees every problem of its broken workbook, uploads a clean one
and submits it; a reviewer accepts it from the dashboard; the organiser publishes and opens the
scorecards, whose inline scripts run under the page's Content-Security-Policy without a violation.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import watched_page
from server_live import PG_ENV, free_port, fresh_database

pytest.importorskip("django", reason="the service tests need the 'server' extra (part of 'dev')")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """``smartcity serve demo`` on a free loopback port; (base address, who -> one-time link)."""
    folder = tmp_path_factory.mktemp("serve") / "demo"
    with fresh_database(os.environ.get(PG_ENV, ""), "smartcity_demo") as url:
        yield from serve_demo(folder, url)


def serve_demo(folder: Path, database: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Start the demo server, wait for its links, stop it (and its worker) at the end."""
    port = free_port()
    env = {**os.environ, "SMARTCITY_DATABASE_URL": database}
    log = folder.parent / "serve.log"  # a file, not a pipe: the server's request log never blocks it
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assessment", "serve", "demo", str(folder), "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # its own group: the worker stops with it
    links: dict[str, str] = {}
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while "Quit the server" not in log.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
        for line in log.read_text().splitlines():
            who, _, link = line.strip().partition(": ")
            if link.startswith(base + "/invite/"):
                links[who] = link
        assert {"organiser", "reviewer", "Da Nang", "Ha Noi", "Yangon"} <= set(links), log.read_text()
        yield base, links
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def set_password(page: Any, link: str) -> None:
    page.goto(link)
    page.fill("input[name=password]", "a long demo pass phrase")
    page.fill("input[name=password2]", "a long demo pass phrase")
    page.click("form:not(.inline) button")


def test_city_reviewer_and_organiser_in_chromium(demo: tuple[str, dict[str, str]], browser: Any) -> None:
    base, links = demo
    # a city team: the broken workbook's every problem, then a clean version, submitted
    page, console, _requests = watched_page(browser)
    set_password(page, links["Yangon"])
    page.wait_for_url(re.compile(r"/cities/\d+/$"))
    assert page.locator("table.problems tbody tr").count() == 17  # 14 errors, 3 warnings
    assert "not an ISO 3166-1 alpha-2 country code" in page.inner_text("table.problems")
    page.set_input_files("input[name=file]", str(EXAMPLES / "bangkok-2025.xlsx"))
    page.click("form[action$='/upload/'] button")
    page.wait_for_selector("form[action$='/submit/'] button", timeout=60_000)  # refreshes until checked
    assert page.locator("table.versions tbody tr").count() == 2
    page.click("form[action$='/submit/'] button")
    assert "submitted" in page.inner_text("p.status")
    city_url = page.url
    assert not [c for c in console if c[0] in ("error", "pageerror")], console

    # a Vietnamese city sees its page in Vietnamese
    page_vi, _c, _r = watched_page(browser)
    set_password(page_vi, links["Ha Noi"])
    page_vi.wait_for_url(re.compile(r"/cities/\d+/$"))
    assert page_vi.get_attribute("html", "lang") == "vi"
    assert "Trạng thái" in page_vi.inner_text("p.status")

    # a reviewer: the dashboard's 26 rows, then accepts the submission
    reviewer, console, _requests = watched_page(browser)
    set_password(reviewer, links["reviewer"])
    reviewer.goto(base + "/rounds/ascn-2025/")
    assert reviewer.locator("table.dashboard tbody tr").count() == 26
    reviewer.goto(city_url)
    reviewer.click("form[action$='/accept/'] button")
    assert "accepted" in reviewer.inner_text("p.status")

    # the organiser publishes; the scorecards open under their policy, scripts allowed by hash
    organiser, console, _requests = watched_page(browser)
    set_password(organiser, links["organiser"])
    organiser.goto(base + "/rounds/ascn-2025/")
    organiser.click("form[action$='/publish/'] button")
    for _ in range(120):
        if organiser.locator("a", has_text="zip").count():
            break
        time.sleep(1)
        organiser.reload()
    organiser.click("a:text('scorecards')")
    organiser.wait_for_load_state("load")
    assert "/rounds/ascn-2025/p/1/" in organiser.url
    assert not [c for c in console if c[0] in ("error", "pageerror") or "Content Security Policy" in c[1]], \
        console
