"""Generated docs stay in sync with the data; every language's UI catalogue is complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment import Catalogue, catalogue_markdown
from assessment._messages import ui_msgids
from assessment.i18n import LANGUAGES, fmt_number, translations
from assessment.locales import registry
from assessment.resources import templates_dir

#: Every registered language but the source (English is the msgids themselves).
TRANSLATED = [code for code in LANGUAGES if code != "en"]

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize(("lang", "name"), [("en", "catalogue.md")] + [(c, f"catalogue.{c}.md") for c in TRANSLATED])
def test_catalogue_docs_are_in_sync(catalogue: Catalogue, lang: str, name: str) -> None:
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == catalogue_markdown(catalogue, lang), f"docs/{name} drifted from indicators/: run `make docs`"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_ui_string_is_translated(lang: str) -> None:
    """Every msgid has a translation in the language's file. A translation may equal its English word where the
    language uses that word too (Indonesian "Status", "Median", "Interval"): the file says so explicitly, and
    the language-path scan (test_language_path.py) still finds English prose left in a page or workbook."""
    from babel.messages.pofile import read_po

    with (templates_dir() / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        given = {m.id: m.string for m in read_po(fh) if m.id and m.string and "fuzzy" not in m.flags}
    assert sorted(ui_msgids() - set(given)) == []
    found = translations(lang)  # and the compiled catalogue serves each of them
    assert [m for m in sorted(ui_msgids()) if found.gettext(m) != given[m]] == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_po_file_has_no_stale_entries(lang: str) -> None:
    from babel.messages.pofile import read_po

    with (templates_dir() / "locale" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    assert {m.id for m in catalog if m.id} == ui_msgids()


def test_vietnamese_page_has_no_english_headings(catalogue: Catalogue) -> None:
    page = catalogue_markdown(catalogue, "vi")
    for heading in ("## Summary", "## Indicators", "## Enablers", "| Level |", "Typical data source"):
        assert heading not in page
    assert "Chất lượng sống cao" in page and "Tối ưu hóa" in page


def test_number_formats_follow_the_language() -> None:
    assert fmt_number(1234.5, "en") == "1,234.5"
    assert fmt_number(1234.5, "vi") == "1.234,5"
    assert fmt_number(float("nan"), "vi") == ""


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match=f"language must be one of {', '.join(LANGUAGES)}; got 'fr'"):
        translations("fr")
    # the languages are the folders of templates/locale/ that hold a locale.toml, English first
    folders = sorted(p.parent.name for p in (templates_dir() / "locale").glob("*/locale.toml"))
    assert LANGUAGES == ("en", *(f for f in folders if f != "en")) == tuple(registry())
    assert {"en", "vi"} <= set(LANGUAGES)


def _plain_texts(path: Path) -> list[str]:
    """``file:line`` of every ``message=`` or ``fix=`` given a plain non-empty string, not a ``N_()`` msgid."""
    import ast

    hits = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            values = [kw.value.body, kw.value.orelse] if isinstance(kw.value, ast.IfExp) else [kw.value]
            if kw.arg in ("message", "fix") and any(
                    isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant) and v.value) for v in values):
                hits.append(f"{path.relative_to(path.parents[1])}:{kw.value.lineno}")
    return hits


def test_every_problem_text_is_a_msgid() -> None:
    """A problem's message and fix are templates translated when the problem is written
    (``Problem.text(lang)``): a plain string there stays English in a Vietnamese report."""
    package = Path(__file__).resolve().parent.parent / "assessment"
    assert [hit for p in sorted(package.rglob("*.py")) for hit in _plain_texts(p)] == []
