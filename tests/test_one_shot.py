"""A one-shot script (``assess(from_coinr(iData, iMeta))`` in a new process) starts fast, and what made it
fast reads the same: the UI translations read by the package's own .po reader equal babel's.

The timing itself is ``benchmarks/cold_start.py``; here is what keeps it from regressing silently: the
modules the one-shot path does not need stay unloaded.
"""

from __future__ import annotations

import gettext
import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from assessment.i18n import LANGUAGES, SOURCE, PlainTranslations, mo_bytes, plain_po
from assessment.locales import locale

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "examples" / "data"

#: Loaded by other uses of the package, never by a script that scores two tables it passes in: the YAML
#: parser (method and catalogue files), babel's .po reader (and the email package it brings), babel's
#: number formats, the HTML entity table, the template engine, the workbook writer and readers, scipy,
#: the review stage.
DEFERRED = ("yaml", "babel.messages", "babel.numbers", "html", "jinja2", "markupsafe", "xlsxwriter",
            "python_calamine", "openpyxl", "scipy", "assessment.review")


def test_a_one_shot_build_loads_none_of_the_deferred_modules() -> None:
    script = ("import sys, assessment; from pathlib import Path; D = Path(sys.argv[1]); "
              "r = assessment.assess(assessment.from_coinr(D / 'coinr_ASEM_iData.csv', D / 'coinr_ASEM_iMeta.csv')); "
              "assert len(r.raw) == 51, len(r.raw); "  # ASEM: 51 countries
              "print(' '.join(sorted(m for m in sys.modules if m in sys.argv[2:])))")
    done = subprocess.run([sys.executable, "-c", script, str(DATA), *DEFERRED], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == []


def test_the_one_shot_catalogue_still_words_its_units_in_every_language() -> None:
    """The unit words come from every UI language's .po (read by the plain reader now): "country" is
    "quốc gia" in Vietnamese, "negara" in Indonesian, "ประเทศ" in Thai (dictionary words)."""
    from assessment import from_coinr

    header = from_coinr(DATA / "coinr_ASEM_iData.csv", DATA / "coinr_ASEM_iMeta.csv", units="country").catalogue.header
    assert header.units is not None
    assert header.units.singular == {"en": "country", "vi": "quốc gia", "id": "negara", "th": "ประเทศ"}


def babel_catalog(text: str, lang: str = "vi") -> dict[object, str]:
    """msgid → msgstr as babel's ``read_po`` and ``write_mo`` give them to gettext (the header left out)."""
    buf = io.BytesIO()
    write_mo(buf, read_po(io.BytesIO(text.encode("utf-8")), locale=lang))
    buf.seek(0)
    return {k: v for k, v in gettext.GNUTranslations(buf)._catalog.items() if k != ""}  # type: ignore[attr-defined]


def plain_catalog(text: str) -> dict[object, str]:
    """The same through :func:`plain_po` and :class:`PlainTranslations`, as :func:`assessment.i18n.translations`
    reads a plain file; and the same again from a compiled ``.mo`` of every entry (:func:`mo_bytes`)."""
    messages = plain_po(text)
    assert messages is not None
    found = PlainTranslations(messages)
    compiled = gettext.GNUTranslations(io.BytesIO(mo_bytes(messages)))
    assert found._catalog == compiled._catalog  # type: ignore[attr-defined]
    assert found.info() == compiled.info() and found.charset() == compiled.charset() == "UTF-8"
    assert [found.ngettext("a", "b", n) for n in range(3)] == [compiled.ngettext("a", "b", n) for n in range(3)]
    return {k: v for k, v in found._catalog.items() if k != ""}  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != SOURCE])
def test_every_ui_language_reads_as_babel_reads_it(lang: str) -> None:
    text = locale(lang).messages.read_text(encoding="utf-8")
    want = babel_catalog(text, lang)
    assert len(want) > 100  # a real catalogue, not an empty one on both sides
    assert plain_catalog(text) == want


HEADER = ('# A comment first\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')

PLAIN = HEADER + r'''#: where.py:3
msgid "Plain"
msgstr "Thường"

#, fuzzy
msgid "Fuzzy"
msgstr "Mờ"

#, python-format, fuzzy
msgid "Fuzzy among flags %s"
msgstr "Mờ %s"

#, python-format
msgid "Not fuzzy %s"
msgstr "Không mờ %s"

msgid "Untranslated"
msgstr ""

msgid ""
"Long "
"text"
msgstr "Văn "
"bản dài"

msgid "Tab\there \"quoted\" back\\slash\nline \a\b\f\r\v"
msgstr "T\tq \"x\" \\ \nd \a\b\f\r\v"
msgid "No blank line before"
msgstr "Không dòng trống"
''' + '\tmsgid   "Indented, spaced"   \nmsgstr "Thụt vào"  \n'  # white space around a line


def test_a_plain_file_reads_as_babel_reads_it() -> None:
    """Fuzzy and untranslated entries are left out (English shows), strings run over lines, every escape
    babel knows, entries without a blank line between, white space around a line: all as babel."""
    want = babel_catalog(PLAIN)
    assert want == {"Plain": "Thường", "Not fuzzy %s": "Không mờ %s", "Long text": "Văn bản dài",
                    "Tab\there \"quoted\" back\\slash\nline \a\b\f\r\v": "T\tq \"x\" \\ \nd \a\b\f\r\v",
                    "No blank line before": "Không dòng trống", "Indented, spaced": "Thụt vào"}
    assert plain_catalog(PLAIN) == want


@pytest.mark.parametrize("text", [
    PLAIN + 'msgid "One file"\nmsgid_plural "%d files"\nmsgstr[0] "%d tệp"\n',
    PLAIN + 'msgctxt "menu"\nmsgid "Open"\nmsgstr "Mở"\n',
    PLAIN + '#~ msgid "Old"\n#~ msgstr "Cũ"\n',
    PLAIN + 'msgid "Plain"\nmsgstr "Thường lần hai"\n',  # babel keeps the first and merges flags
    PLAIN + 'msgid "No msgstr"\n\nmsgid "After"\nmsgstr "Sau"\n',
    PLAIN + 'msgid unquoted\nmsgstr "x"\n',
    PLAIN + 'msgstr "a second msgstr"\n',
    PLAIN.replace(HEADER, ""),  # no header: no charset for gettext
    PLAIN.replace("charset=UTF-8", "charset=ISO-8859-1"),
    PLAIN + 'msgid "Nul\0"\nmsgstr "x"\n',
], ids=["plural", "context", "obsolete", "twice", "no-msgstr", "unquoted", "two-msgstr", "no-header", "charset", "nul"])
def test_anything_else_goes_to_babel(text: str) -> None:
    assert plain_po(text) is None
