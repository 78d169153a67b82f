"""The locale registry: one folder per language, its conventions checked against published sources.

The temporary language of these tests is German (``de``): a real code Babel knows, registered only in a
folder under ``tmp_path`` that ``SMARTCITY_LOCALES`` points at, never in the package.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol

from assessment.i18n import DRAFT, LANGUAGES, decimal_mark, draft_notice, fmt_fixed
from assessment.intake.numbers import MISSING_TOKENS, parse_number
from assessment.locales import LocaleError, city_language, read_locale, registry

#: A complete locale.toml of the throw-away language, not reviewed.
GERMAN = """name = "German"
native_name = "Deutsch"
decimal_mark = ","
group_mark = "."
missing_words = ["k. A.", "keine Angabe"]
digits = ["0123456789"]
era_offsets = []
plural_forms = "nplurals=2; plural=(n != 1);"
fonts = ["Noto Sans", "sans-serif"]
reviewed = false
"""
#: The draft line in German (the test's own translation, in the language's .po).
ENTWURF = "Übersetzungsentwurf: noch nicht von Muttersprachlern geprüft."


def german(root: Path, toml: str = GERMAN) -> Path:
    """A folder of language folders holding the throw-away German (its .po translates the draft line)."""
    folder = root / "de"
    (folder / "LC_MESSAGES").mkdir(parents=True)
    (folder / "locale.toml").write_text(toml, encoding="utf-8")
    (folder / "LC_MESSAGES" / "messages.po").write_text(
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\n'
        f'msgid "{DRAFT}"\nmsgstr "{ENTWURF}"\n\n'
        'msgid "draft, not yet reviewed"\nmsgstr "Entwurf, noch nicht geprüft"\n', encoding="utf-8")
    return root


@pytest.mark.parametrize("code", LANGUAGES)
def test_number_marks_are_cldr(code: str) -> None:
    """Each language's marks are the Unicode CLDR's (the published locale data Babel ships)."""
    found = registry()[code]
    assert (found.decimal_mark, found.group_mark) == (get_decimal_symbol(code), get_group_symbol(code))
    assert decimal_mark(code) == found.decimal_mark
    # 1234567.891 with one decimal: thousands grouped by three, the decimal part after the mark
    assert fmt_fixed(1234567.891, code) == f"1{found.group_mark}234{found.group_mark}567{found.decimal_mark}9"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_registered_digit_is_read(code: str) -> None:
    """The digits a language declares are read by the intake: '3', '1', '4' of that script → 314."""
    for digits in registry()[code].digits:
        assert parse_number(digits[3] + digits[1] + digits[4]).value == 314
        assert [parse_number(d).value for d in digits] == list(range(10))


@pytest.mark.parametrize("code", LANGUAGES)
def test_missing_words_are_missing_in_every_template(code: str) -> None:
    for word in registry()[code].missing_words:
        assert word in MISSING_TOKENS
        for lang in LANGUAGES:
            assert parse_number(word.upper() if word.isascii() else word, lang).code == "missing-token"


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_plural_forms_agree_with_the_po_header(code: str) -> None:
    found = registry()[code]
    with found.messages.open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.plural_forms == found.plural_forms


@pytest.mark.parametrize("code", LANGUAGES)
def test_fonts_end_in_a_generic_family_and_review_is_recorded(code: str) -> None:
    found = registry()[code]
    assert found.fonts[-1] in ("sans-serif", "serif")
    assert not found.reviewed or (found.reviewed_by and isinstance(found.reviewed_on, datetime.date))


def test_vietnamese_is_reviewed_and_says_no_draft_line() -> None:
    assert registry()["vi"].reviewed and draft_notice("vi") == "" and draft_notice("en") == ""


def test_a_city_works_in_its_countrys_language() -> None:
    assert city_language("VN") == "vi"
    assert city_language("SG") == "en" and city_language("") == "en"


def test_a_broken_locale_file_lists_every_problem(tmp_path: Path) -> None:
    folder = tmp_path / "de"
    folder.mkdir()
    (folder / "locale.toml").write_text('name = "German"\ndecimal_mark = ","\ngroup_mark = ","\ndigits = ["0123"]\n'
                                        'reviewed = true\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(LocaleError) as caught:
        read_locale(folder)
    message = str(caught.value)
    for expected in ("unknown field 'colour'", "'native_name' must be a text", "'fonts' must be a list of texts",
                     "'decimal_mark' and 'group_mark' must differ", "the ten decimal digits",
                     "names 'reviewed_by' and 'reviewed_on'", "LC_MESSAGES/messages.po is missing"):
        assert expected in message
    (folder / "locale.toml").write_text("name = [", encoding="utf-8")
    with pytest.raises(LocaleError, match="cannot be read"):
        read_locale(folder)


def smartcity(args: list[str], locales: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMARTCITY_LOCALES": str(locales), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "assessment", *args], capture_output=True, text=True, env=env,
                          check=False)


def test_an_extra_language_is_offered_and_its_help_says_it_is_a_draft(tmp_path: Path) -> None:
    """A language folder added through SMARTCITY_LOCALES is a choice of --lang; the root help lists it as a
    draft, and every help in it starts with the draft line in German and in English."""
    root = german(tmp_path / "locales")
    listed = smartcity(["--help"], root)
    assert listed.returncode == 0, listed.stderr
    shown = " ".join(listed.stdout.split())  # the help wraps its lines
    # English first, then every other language by code; a reviewed one plain, a draft said to be one
    assert "(--lang or SMARTCITY_LANG): en (English), de (Deutsch; draft, not yet reviewed), " in shown
    assert "th (ไทย; draft, not yet reviewed), vi (Tiếng Việt)." in shown
    helped = smartcity(["validate", "--help", "--lang", "de"], root)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.splitlines()[0] == f"{ENTWURF} / {DRAFT}"
    assert DRAFT not in smartcity(["validate", "--help", "--lang", "vi"], root).stdout


#: Everything a city, a reviewer and a reader get, made in the throw-away draft language (a subprocess: the
#: registry is read once per process). The catalogue is a small one with German texts.
DRAFTED = """
import sys
from pathlib import Path
import assessment
from assessment.catalogue import catalogue_markdown, load_catalogue
from assessment.intake import read_submissions, write_template
from assessment.report import render_report
from assessment.review import review, write_review
out, data, folder = (Path(a) for a in sys.argv[1:4])
result = assessment.assess(assessment.from_coinr(data / "coinr_ASEM_iData.csv", data / "coinr_ASEM_iMeta.csv"))
render_report(result, out / "site", lang="de", compare=["Austria,Belgium"])
cat = load_catalogue(folder)
write_template(out / "template.xlsx", city="Berlin", country="DE", year=2025, lang="de", catalogue=cat)
intake = read_submissions([out / "template.xlsx"], catalogue=cat)
intake.write_issues(out / "issues.html", lang="de")
write_review(review(intake), out / "queries", lang="de")
(out / "catalogue.de.md").write_text(catalogue_markdown(load_catalogue(), "de"), encoding="utf-8")
"""
SMALL = ('id: small\nversion: "1.0"\ntitle: {en: "Small", de: "Klein"}\nlanguages: [en, de]\n'
         'indicators:\n  - {id: A-1, name: {en: "Green space", de: "Grünfläche"}, unit: {en: "%", de: "%"}, '
         'direction: 1}\nlenses:\n'
         '  - {id: areas, role: areas, name: {en: "Areas", de: "Bereiche"}, members: {green: ["A-1"]}, '
         'nodes: [{id: green, name: {en: "Green", de: "Grün"}}]}\n'
         '  - {id: goals, role: headline, name: {en: "Goals", de: "Ziele"}, members: {life: ["A-1"]}, '
         'nodes: [{id: life, name: {en: "Life", de: "Leben"}}]}\n')


def test_every_page_and_workbook_of_a_draft_language_says_so(tmp_path: Path) -> None:
    """The draft line, in German and in English, on every scorecard page, the problem report, the template,
    the query workbook, the review's summary workbook, the results workbook and the catalogue reference (of the
    built-in catalogue: its texts stay English, as it has none in German); the line's German comes from the
    language's messages.po."""
    import openpyxl

    from assessment.resources import data_root

    root = german(tmp_path / "locales")
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "catalogue.yaml").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "SMARTCITY_LOCALES": str(root)}
    done = subprocess.run([sys.executable, "-c", DRAFTED, str(out), str(data_root() / "examples" / "data"),
                           str(tmp_path / "cat")], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    line = f"{ENTWURF} / {DRAFT}"
    pages = [*sorted(out.glob("site/**/*.html")), out / "issues.html"]
    assert {"index.html", "austria.html", "austria--belgium.html", "issues.html"} <= {p.name for p in pages}
    for page in pages:
        assert page.read_text(encoding="utf-8").count(line) == 1, page
    instructions = openpyxl.load_workbook(out / "template.xlsx").worksheets[0]
    assert instructions.cell(3, 1).value == line
    (queries,) = out.glob("queries/queries-*.xlsx")
    assert openpyxl.load_workbook(queries).worksheets[0].cell(3, 1).value == line
    for book in (out / "queries" / "summary.xlsx", out / "site" / "results.xlsx"):  # under the first sheet's table
        first = openpyxl.load_workbook(book).worksheets[0]
        assert [c.value for c in first["A"] if c.value == line] == [line], book.name
        assert first.cell(first.max_row, 1).value == line and first.cell(first.max_row - 1, 1).value is None
    assert f"> {line}" in (out / "catalogue.de.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_stylesheet_takes_the_languages_fonts(code: str) -> None:
    from assessment.templating import NO_WORD_SPACES, stylesheet

    found = registry()[code]
    css = stylesheet(code)
    assert "$fonts" not in css
    assert f"body {{ font: 15px/1.45 {found.font_family};" in css
    assert f"svg text {{ font: 11px {found.font_family};" in css
    assert css.endswith(NO_WORD_SPACES) == (not found.word_spaces)


THAI = "ตัวชี้วัดเมืองอัจฉริยะของอาเซียน"  # "ASEAN smart-city indicators", no space between the words


def test_a_page_in_a_script_without_spaces_prints_in_its_own_font(tmp_path: Path, monkeypatch) -> None:
    """A throw-away Thai (tmp folder) naming Noto Sans Thai: its stylesheet lets lines break inside a run of
    letters, and the PDF draws the Thai glyphs with that font, embedded (Debian's fonts-noto-core, which
    `make` installs), not with a font that has no Thai (empty boxes)."""
    pytest.importorskip("weasyprint")
    import assessment.templating as templating
    from assessment.report.render import render_pdf

    folder = tmp_path / "th"
    (folder / "LC_MESSAGES").mkdir(parents=True)
    (folder / "LC_MESSAGES" / "messages.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    (folder / "locale.toml").write_text(GERMAN.replace('"German"', '"Thai"').replace('"Deutsch"', '"ไทย"')
                                        .replace('fonts = ["Noto Sans", "sans-serif"]',
                                                 'fonts = ["Noto Sans Thai", "sans-serif"]\nword_spaces = false'),
                                        encoding="utf-8")
    thai = read_locale(folder)
    monkeypatch.setattr(templating, "locale", lambda code: thai)
    templating.stylesheet.cache_clear()
    try:
        css = templating.stylesheet("th")
    finally:
        templating.stylesheet.cache_clear()
    assert css.endswith(templating.NO_WORD_SPACES) and '"Noto Sans Thai", sans-serif' in css
    page = tmp_path / "page.html"
    page.write_text(f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{css}</style></head>'
                    f'<body><p style="width: 6em">{THAI * 3}</p></body></html>', encoding="utf-8")
    (pdf,) = render_pdf([page])
    assert any(b"/BaseFont /" in part and b"+Noto-Sans-Thai" in part for part in pdf_objects(pdf.read_bytes()))


def pdf_objects(data: bytes) -> list[bytes]:
    """The PDF's bytes and each of its streams inflated (WeasyPrint packs the font dictionaries in object
    streams)."""
    import re
    import zlib

    parts = [data]
    for found in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            parts.append(zlib.decompress(found.group(1)))
        except zlib.error:
            continue
    return parts


def test_a_broken_extra_language_is_left_out_with_its_problems_said(tmp_path: Path) -> None:
    root = german(tmp_path / "locales", GERMAN.replace('decimal_mark = ","', 'decimal_mark = "."'))
    run = smartcity(["--help"], root)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert "SMARTCITY_LOCALES:" in run.stderr and "'decimal_mark' and 'group_mark' must differ" in run.stderr
    assert "de (Deutsch" not in run.stdout and "vi (Tiếng Việt)" in " ".join(run.stdout.split())
