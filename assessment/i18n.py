"""User-interface translations and locale-aware formatting.

UI strings are English msgids translated in ``templates/locale/<lang>/LC_MESSAGES/messages.po``;
the .po files are compiled in memory when first used, so no binary .mo file is committed. The
languages, their number marks and their other conventions come from the locale registry
(:mod:`assessment.locales`: one folder per language).
Indicator names and descriptors are *data* and live in the catalogue, not here; :func:`text`
picks one language from such a multilingual text.
"""

from __future__ import annotations

import gettext
import io
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from ._missing import is_missing
from .locales import SOURCE, locale, registry

#: Every registered language (English first, then by code): the choices of ``--lang`` and the service.
LANGUAGES: tuple[str, ...] = tuple(registry())


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Return the gettext translations for ``lang`` (English is the identity).

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGUAGES`.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    if lang == SOURCE:
        return gettext.NullTranslations()
    with locale(lang).messages.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def N_(message: str) -> str:
    """Mark a string for translation without translating it (for tables of labels)."""
    return message


def _(message: str, lang: str) -> str:
    """Translate one UI string."""
    return translations(lang).gettext(message)


#: The line every page, workbook and help text in a language not yet reviewed carries.
DRAFT = N_("Draft translation: not yet reviewed by a native speaker.")


def draft_notice(lang: str) -> str:
    """``""`` for a reviewed language; else :data:`DRAFT` in ``lang`` and, after a slash, in English.

    One line in both languages, so a reader who does not trust the draft still reads what it is (once, in
    English, while the language's ``.po`` does not translate the line yet).
    """
    if locale(lang).reviewed:
        return ""
    said = _(DRAFT, lang)
    return DRAFT if said == DRAFT else f"{said} / {DRAFT}"


def text(value: dict[str, str] | None, lang: str, fallback: str = "en") -> str:
    """Pick ``lang`` from a multilingual text (language → text), else ``fallback``, else any; ``""`` if none."""
    if not value:
        return ""
    return value.get(lang) or value.get(fallback) or next(iter(value.values()))


def fmt_number(value: float | None, lang: str, digits: int = 2) -> str:
    """Format a number for ``lang`` (``1,234.5`` in English, ``1.234,5`` in Vietnamese).

    Babel rounds (half to even, on the decimal string) and groups by three as in English; the
    registry's marks then replace English's. Missing values (``None`` or NaN) become an empty string.
    """
    if value is None or is_missing(value):
        return ""
    shown = format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0", locale=SOURCE)
    return str(shown).translate(_symbols(lang))


@cache
def _symbols(lang: str) -> dict[int, str]:
    """Translation table from English's ``,``/``.`` to the language's group and decimal marks (registry)."""
    found = locale(lang)
    return str.maketrans({",": found.group_mark, ".": found.decimal_mark})


def decimal_mark(lang: str) -> str:
    """The language's decimal mark (registry): ``.`` in English, ``,`` in Vietnamese."""
    return locale(lang).decimal_mark


def fmt_fixed(value: float | None, lang: str, digits: int = 1) -> str:
    """Like :func:`fmt_number` but always with ``digits`` decimals (``48,0``), for aligned scores.

    Uses the language's group and decimal marks with Python's fast formatting (pages format
    thousands of numbers). Grouping is by three, as in both UI locales. Rounding is Python's, on
    the binary value (``0.05`` → ``0.1``), where Babel rounds the decimal string half to even.
    """
    if type(value) is float:  # the common case first (pages format thousands of scores)
        return "" if value != value else f"{value:,.{digits}f}".translate(_symbols(lang))
    if value is None or is_missing(value):
        return ""
    return f"{value:,.{digits}f}".translate(_symbols(lang))


def ordinal(n: int, lang: str) -> str:
    """``13th`` in English; in Vietnamese the bare number (the sentence around it says ``thứ``)."""
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
