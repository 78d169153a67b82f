"""HTML scorecards: self-contained, safe, deterministic, complete in both languages, and
opened in a real browser (Debian's headless Chromium)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import watched_page

import assessment
from assessment._messages import ui_msgids
from assessment.i18n import translations
from assessment.intake import Prefill, write_template
from assessment.report import render_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ascn-2025"


@pytest.fixture(scope="module")
def sites(example_result, tmp_path_factory):
    out = {}
    for lang in ("en", "vi"):
        d = tmp_path_factory.mktemp(f"site-{lang}")
        render_report(example_result, d, lang=lang)
        out[lang] = d
    return out


class _Scan(HTMLParser):
    """Collects what matters for safety and self-containment."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.in_script = False
        self.skip = 0  # inside <style> or <pre> (CSS and the method file are code, not UI text)
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.csp = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            self.attrs.append((tag, k, v or ""))
        if tag == "script":
            self.in_script = True
            self.scripts.append("")
        if tag in ("style", "pre"):
            self.skip += 1
        if tag == "meta" and dict(attrs).get("http-equiv") == "Content-Security-Policy":
            self.csp = dict(attrs).get("content") or ""

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False if tag == "script" else self.in_script
        if tag in ("style", "pre"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts[-1] += data
        elif not self.skip:
            self.text.append(data)


def scan(path: Path) -> _Scan:
    s = _Scan()
    s.feed(path.read_text(encoding="utf-8"))
    return s


def pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted((site / "cities").glob("*.html"))]


def test_every_page_is_self_contained(sites):
    script = (ROOT / "templates" / "scorecard" / "sort.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    for lang, site in sites.items():
        files = pages(site)
        assert len(files) == 27, lang
        for path in files:
            s = scan(path)
            assert "default-src 'none'" in s.csp and f"'sha256-{digest}'" in s.csp, path
            assert s.scripts == [script], path  # one inline script, exactly the hashed one
            for tag, key, value in s.attrs:
                assert not (key in ("src", "href", "action", "srcset") and re.match(r"\s*(https?:|//)", value)), \
                    (path, tag, key, value)
                assert tag != "link", path
            html = path.read_text(encoding="utf-8")
            assert "@import" not in html and "url(http" not in html


def test_city_page_sections(sites, example_result):
    html = (sites["en"] / "cities" / "da-nang.html").read_text(encoding="utf-8")
    for section in ("overview", "focus-areas", "wellbeing", "enablers", "strengths", "coverage", "indicators",
                    "methodology", "data-notice"):
        assert f'id="{section}' in html, section
    assert "Illustrative example data" in html and example_result.recipe.input_hash in html
    assert "What it takes to move up" in html and "Peer-group median" in html
    index = (sites["en"] / "index.html").read_text(encoding="utf-8")
    assert index.count('href="cities/') >= 26 * 2 and 'class="sortable"' in index


def test_vietnamese_pages_are_fully_translated(sites, example_result):
    vi = translations("vi")
    english = {m for m in ui_msgids() if vi.gettext(m) != m and len(m) > 3 and "%(" not in m and "{" not in m}
    # compiled once (over 800 patterns overflow re's cache); `m in text` first, as a lookbehind gets no fast scan
    patterns = [(m, re.compile(rf"(?<![\w-]){re.escape(m)}(?![\w-])")) for m in english]
    cities = sorted(map(str, example_result.profiles.index), key=len, reverse=True)
    for path in pages(sites["vi"]):
        text = " ".join(scan(path).text)
        for city in cities:  # city names are data ("Cebu City"), not labels
            text = text.replace(city, " ")
        leaked = sorted(m for m, pattern in patterns if m in text and pattern.search(text))
        assert leaked == [], (path.name, leaked)
    da_nang = (sites["vi"] / "cities" / "da-nang.html").read_text(encoding="utf-8")
    assert "1.276.000" in da_nang and 'lang="vi"' in da_nang  # Vietnamese number format
    assert re.search(r">\d+,\d<", da_nang)  # decimal comma in scores


def test_rendering_is_deterministic(example_result, tmp_path, sites):
    render_report(example_result, tmp_path / "again", lang="en")
    for path in pages(sites["en"]):
        assert path.read_bytes() == (tmp_path / "again" / path.relative_to(sites["en"])).read_bytes(), path.name


HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
           "'onmouseover='alert(1)", "</style><script>alert(2)</script>"]


def test_user_strings_are_escaped(tmp_path):
    files = []
    for i, name in enumerate(HOSTILE):
        fill = Prefill(profile={"population": 100_000 * (i + 1), "peer_group": HOSTILE[(i + 1) % len(HOSTILE)]},
                       indicators={"BI-WATER": {"value": 50.0 + i, "source": HOSTILE[(i + 2) % len(HOSTILE)],
                                                "notes": HOSTILE[(i + 3) % len(HOSTILE)]}})
        files.append(write_template(tmp_path / f"h{i}.xlsx", city=name, country="VN", year=2025, prefill=fill))
    intake = assessment.read_submissions(files)
    assert intake.ok, intake.issues
    index = render_report(assessment.assess(intake), tmp_path / "site")
    script = (ROOT / "templates" / "scorecard" / "sort.js").read_text(encoding="utf-8")
    for path in pages(index.parent):
        s = scan(path)
        assert s.scripts == [script], path
        for tag, key, value in s.attrs:
            assert not key.startswith("on"), (path, tag, key)
            if key in ("href", "src", "action", "formaction", "xlink:href"):
                assert not value.strip().lower().startswith("javascript:"), (path, tag, key, value)
        assert "<img" not in path.read_text(encoding="utf-8")
    text = " ".join(scan(index.parent / "cities" / "script-alert-x-script.html").text)
    assert HOSTILE[0] in text  # shown as text, not run


def test_report_command(tmp_path):
    from typer.testing import CliRunner

    from assessment.cli import app

    res = CliRunner().invoke(app, ["report", str(EXAMPLES), "-o", str(tmp_path / "site"), "--lang", "vi"])
    assert res.exit_code == 0, res.output
    assert res.output.strip().endswith("index.html") and (tmp_path / "site" / "cities" / "ha-noi.html").is_file()
    res = CliRunner().invoke(app, ["report", str(tmp_path / "missing")])
    assert res.exit_code == 2
    try:
        import weasyprint  # noqa: F401
        has_pdf = True
    except (ImportError, OSError):
        has_pdf = False
    # `make setup` installs the pdf extra (and `make` Pango), so CI always takes the first branch
    assert has_pdf or not os.environ.get("CI"), "CI runs `make test`, which installs the pdf extra"
    res = CliRunner().invoke(app, ["report", str(EXAMPLES / "da-nang-2025.xlsx"), "-o", str(tmp_path / "p"), "--pdf"])
    if has_pdf:
        assert res.exit_code == 0 and (tmp_path / "p" / "index.pdf").is_file()
    else:
        assert res.exit_code == 2 and "smartcity-assessment[pdf]" in res.output


def test_pages_in_a_real_browser(sites, tmp_path, browser):
    page, console, requests = watched_page(browser)
    for lang, rel, sections in (("en", "index.html", ("#ranking", "#heatmap", "#multiples", "#distributions",
                                                       "#coverage", "#methodology")),
                                ("vi", "cities/da-nang.html", ("#overview", "#focus-areas", "#wellbeing",
                                                               "#enablers", "#indicators", "#data-notice"))):
        url = (sites[lang] / rel).as_uri()
        page.goto(url)
        for sel in sections:
            assert page.locator(sel).first.is_visible(), (rel, sel)
        page.screenshot(path=str(tmp_path / f"{lang}-{Path(rel).stem}.png"), full_page=True)
        if rel == "index.html":  # the optional script sorts the ranking table
            page.locator("#ranking th[data-col='1'] button").click()
            first = page.locator("#ranking tbody tr").first.locator("th").inner_text()
            assert first == "Yangon"
    assert [m for m in console if m[0] in ("error", "pageerror", "warning")] == []
    assert all(u.startswith("file://") for u in requests), requests
    assert len(list(tmp_path.glob("*.png"))) == 2


def test_report_from_a_saved_result(example_result, tmp_path, sites):
    from typer.testing import CliRunner

    from assessment.cli import app

    saved = example_result.to_csv(tmp_path / "saved")
    res = CliRunner().invoke(app, ["report", str(saved), "-o", str(tmp_path / "site")])
    assert res.exit_code == 0, res.output
    for path in pages(sites["en"]):
        assert path.read_bytes() == (tmp_path / "site" / path.relative_to(sites["en"])).read_bytes(), path.name


def test_panel_pages_per_year_with_change(synthetic, tmp_path):
    result = assessment.assess(synthetic.cohort(5, years=2, seed=3))
    index = render_report(result, tmp_path / "panel", lang="vi")
    names = sorted(p.name for p in (index.parent / "cities").glob("*.html"))
    assert names[:2] == ["city-00000-2016.html", "city-00000-2017.html"] and len(names) == 10
    assert 'id="change' not in (index.parent / "cities" / "city-00000-2016.html").read_text(encoding="utf-8")
    later = (index.parent / "cities" / "city-00000-2017.html").read_text(encoding="utf-8")
    assert 'id="change' in later and "Thay đổi so với năm trước" in later
