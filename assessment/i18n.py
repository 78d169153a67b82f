"""User-interface translations and locale-aware formatting.

UI strings are English msgids translated in ``templates/locale/<lang>/LC_MESSAGES/messages.po``;
the .po files are compiled in memory when first used, so no binary .mo file is committed.
Indicator names and descriptors are *data* and live in the catalogue, not here; :func:`text`
picks one language from such a multilingual text.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from typing import Literal, get_args

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from ._missing import is_missing
from .resources import templates_dir

#: Languages the user interface is complete in.
Language = Literal["en", "vi"]
LANGUAGES: tuple[str, ...] = get_args(Language)


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
    if lang == "en":
        return gettext.NullTranslations()
    po_path = templates_dir() / "locale" / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
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


def text(value: dict[str, str] | None, lang: str, fallback: str = "en") -> str:
    """Pick ``lang`` from a multilingual text (language → text), else ``fallback``, else any; ``""`` if none."""
    if not value:
        return ""
    return value.get(lang) or value.get(fallback) or next(iter(value.values()))


def fmt_number(value: float | None, lang: str, digits: int = 2) -> str:
    """Format a number for ``lang`` (``1,234.5`` in English, ``1.234,5`` in Vietnamese).

    Missing values (``None`` or NaN) become an empty string.
    """
    if value is None or is_missing(value):
        return ""
    return str(format_decimal(value, format=f"#,##0.{'#' * digits}" if digits else "#,##0", locale=lang))


@cache
def _symbols(lang: str) -> dict[int, str]:
    """Translation table from Python's ``,``/``.`` to the locale's group and decimal symbols (CLDR)."""
    return str.maketrans({",": get_group_symbol(lang), ".": get_decimal_symbol(lang)})


def decimal_mark(lang: str) -> str:
    """The language's decimal mark (CLDR): ``.`` in English, ``,`` in Vietnamese."""
    return str(get_decimal_symbol(lang))


def fmt_fixed(value: float | None, lang: str, digits: int = 1) -> str:
    """Like :func:`fmt_number` but always with ``digits`` decimals (``48,0``), for aligned scores.

    Uses the locale's CLDR group and decimal symbols with Python's fast formatting (pages format
    thousands of numbers). Grouping is by three, as in both UI locales. Rounding is Python's, on
    the binary value (``0.05`` → ``0.1``), where Babel rounds the decimal string half to even.
    """
    if value is None or is_missing(value):
        return ""
    return f"{value:,.{digits}f}".translate(_symbols(lang))


def ordinal(n: int, lang: str) -> str:
    """``13th`` in English; in Vietnamese the bare number (the sentence around it says ``thứ``)."""
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
