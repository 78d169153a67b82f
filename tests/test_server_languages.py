"""The service speaks every registered language: its buttons, its stylesheet and the draft line come from the
locale registry. The language is a throw-away Thai in a tmp folder (``SMARTCITY_LOCALES``), in a subprocess:
the registry is read once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_locales import DRAFT, GERMAN

pytest.importorskip("django", reason="the service tests need the 'server' extra (part of 'dev')")

SERVICE = """
import sys
sys.path.insert(0, sys.argv[1])
from server_kit import datadir
datadir()
from django.test import Client
client = Client()
print("CSS", client.get("/app.css").content.decode())
client.post("/language/", {"lang": "th", "next": "/signin/"})
print("PAGE", client.get("/signin/").content.decode())
"""


def test_the_service_offers_a_registered_language_with_its_fonts_and_draft_line(tmp_path: Path) -> None:
    folder = tmp_path / "locales" / "th"
    (folder / "LC_MESSAGES").mkdir(parents=True)
    (folder / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    (folder / "locale.toml").write_text(GERMAN.replace('"German"', '"Thai"').replace('"Deutsch"', '"ไทย"')
                                        .replace('fonts = ["Noto Sans", "sans-serif"]',
                                                 'fonts = ["Noto Sans Thai", "sans-serif"]\nword_spaces = false'),
                                        encoding="utf-8")
    env = {**os.environ, "SMARTCITY_LOCALES": str(tmp_path / "locales")}
    done = subprocess.run([sys.executable, "-c", SERVICE, str(Path(__file__).parent)], capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    css, _, page = done.stdout.partition("PAGE ")
    assert 'body:lang(th) { font-family: "Noto Sans Thai", sans-serif; }' in css
    assert "body:lang(th) { overflow-wrap: break-word; }" in css
    assert "body:lang(vi)" not in css  # Vietnamese uses English's fonts
    assert '<html lang="th">' in page
    assert '<button name="lang" value="th" aria-current="true">ไทย</button>' in page
    assert '<button name="lang" value="vi">Tiếng Việt</button>' in page
    # this throw-away .po does not translate the line: it is said once, in English
    assert f'<p class="draft" role="note">{DRAFT}</p>' in page
