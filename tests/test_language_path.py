"""No English in what a city or reviewer reads in another language (issue 23, for Vietnamese; issue 25, for every
language of the locale registry): the template, the validator's and the review's output, the query workbook and
the summary, and the scorecard pages. The scan is tests/language_scan.py; each test runs once per registered
language other than English, so a language added to templates/locale/ is checked without a new test."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from language_scan import english_words
from typer.testing import CliRunner

import assessment
from assessment.i18n import LANGUAGES
from assessment.intake import write_template

#: Every registered language a city may work in besides English (the source).
TRANSLATED = [code for code in LANGUAGES if code != "en"]

NAMES = tuple(i.plausible.cite for i in assessment.load_catalogue().indicators if i.plausible and i.plausible.cite)


def _visible_english(path: Path, lang: str) -> list[tuple[str, str, list[str]]]:
    """English words in the visible cells of the visible sheets of a workbook, and in their names.

    The draft line of a language not yet reviewed says it in English too, on purpose: it is taken out."""
    from assessment.i18n import DRAFT

    wb = openpyxl.load_workbook(path)
    found = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        if english_words(ws.title, lang, NAMES):
            found.append((ws.title, "", english_words(ws.title, lang, NAMES)))
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None and not ws.column_dimensions[c.column_letter].hidden:
                    words = english_words(str(c.value).replace(DRAFT, " "), lang, NAMES)
                    if words:
                        found.append((ws.title, c.coordinate, words))
    return found


def _city_workbook(folder: Path, lang: str) -> Path:
    """A city's workbook in ``lang`` with a unit slip, a fraction on a % row and two ambiguous numbers."""
    path = write_template(folder / "hue-2025.xlsx", city="Huế", country="VN", year=2025, lang=lang)
    wb = openpyxl.load_workbook(path)
    prof, ind = wb[wb.sheetnames[1]], wb[wb.sheetnames[2]]
    prof["C5"] = "652.572"
    rows = {ind.cell(r, 1).value: r for r in range(2, ind.max_row + 1)}
    for ident, value in {"QE-MSWGEN": 850, "BI-NRW": "5.200", "BI-WATER": 0.85}.items():
        ind.cell(rows[ident], 5, value)
    wb.save(path)
    return path


def test_the_scan_finds_english() -> None:
    """The scan itself: English prose and ids are found, Vietnamese (with or without marks) is not; in any
    language, a word of the UI's English that the language's translations never use is found."""
    found = english_words("rule 'income-within-gdp' asks about the value", "vi")
    assert found == ["rule", "asks", "about", "the", "value"]
    assert english_words("Thanh pho Hue co gia tri cao hon; Thành phố Huế (WHO, BI-WATER, km²)", "vi") == []
    assert english_words("key", "vi") == ["key"] and english_words("Lists", "vi") == ["Lists"]
    # "Download" and "Methodology" are words of the pages' msgids; Vietnamese says "Tải xuống", "Phương pháp"
    assert english_words("Tải xuống: Download · Methodology", "vi") == ["Download", "Methodology"]
    assert english_words("Phương pháp (Internet, kWh, ASCF)", "vi") == []
    # Indonesian and Thai: English prose is found; a term glossed in brackets and a loanword are not, the
    # same term in prose is
    assert english_words("Kartu skor: the value is missing", "id") == ["the", "value", "is", "missing"]
    assert english_words("kebijakan dig once; 'gali sekali' (dig once), total penduduk", "id") == ["dig", "once"]
    found = english_words("คะแนน the value (cell broadcast) cell broadcast", "th")
    assert found == ["the", "value", "cell", "broadcast"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_template_shows_no_english(tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path / "hue.xlsx", city="Huế", country="VN", year=2025, lang=lang)
    assert _visible_english(path, lang) == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_validate_and_review_show_no_english(tmp_path: Path, lang: str) -> None:
    from assessment.cli import app

    path = _city_workbook(tmp_path, lang)
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", "--lang", lang, str(path)])
    assert "QE-MSWGEN" in checked.output and "652.572" in checked.output  # the problems are there
    assert english_words(checked.output.replace(str(path), " ").replace(path.name, " "), lang, NAMES) == []
    out = tmp_path / "queries"
    reviewed = runner.invoke(app, ["review", "--lang", lang, "-o", str(out), str(path)])
    assert reviewed.exit_code == 0, reviewed.output
    assert english_words(reviewed.output.replace(str(out), " "), lang, NAMES) == []
    for book in sorted(out.glob("*.xlsx")):
        assert _visible_english(book, lang) == [], book.name


class _Text(HTMLParser):
    """The text a reader sees on a page: not styles, scripts, or code (ids, the method's name, hashes)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip, self.parts = 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script", "pre", "code")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script", "pre", "code")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_pages_describe_the_method_in_words(tmp_path: Path, lang: str) -> None:
    """The city page said the method as English YAML; now in sentences, the YAML a download beside them."""
    from assessment.i18n import DRAFT
    from assessment.report import render_report

    examples = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
    result = assessment.assess(assessment.read_submissions([examples / "da-nang-2025.xlsx",
                                                            examples / "ha-noi-2025.xlsx"]))
    index = render_report(result, tmp_path / "site", lang=lang)
    pages = sorted(index.parent.rglob("*.html"))
    assert len(pages) >= 3
    # data, not text of ours: the cities' names as the workbooks give them and their country's name in the
    # page's language (CLDR's, as the pages write it: "Vietnam" is also the Indonesian name)
    from babel import Locale

    data_names = (*result.profiles.index.astype(str), Locale.parse(lang).territories["VN"])
    for page in pages:
        html = page.read_text(encoding="utf-8")
        seen = _Text()
        seen.feed(html)
        assert english_words(" ".join(seen.parts).replace(DRAFT, " "), lang, (*NAMES, *data_names)) == [], page.name
    city = (index.parent / "cities" / "da-nang.html").read_text(encoding="utf-8")
    if lang == "vi":
        assert "Mỗi chỉ số được quy về thang 0 đến 100 giữa các mốc của bộ chỉ số." in city
    assert 'download="method.yaml"' in city and "<pre>" not in city
