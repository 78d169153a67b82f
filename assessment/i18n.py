"""User-interface translations and locale-aware formatting.

UI strings are English msgids translated in ``templates/locale/<lang>/LC_MESSAGES/messages.po``;
the .po files are compiled in memory when first used, so no binary .mo file is committed (a plain
file by a reader of our own in a few milliseconds, anything else by babel as before). The
languages, their number marks and their other conventions come from the locale registry
(:mod:`assessment.locales`: one folder per language).
Indicator names and descriptors are *data* and live in the catalogue, not here; :func:`text`
picks one language from such a multilingual text.
"""

from __future__ import annotations

import gettext
import io
import re
import struct
from collections.abc import Iterator
from functools import cache

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
    path = locale(lang).messages
    try:
        plain = plain_po(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        plain = None
    if plain is not None:
        return PlainTranslations(plain)
    # babel (half a tenth of a second for the three languages; it also brings the email package) reads
    # every other file: plural forms, contexts, obsolete entries, another charset, a line it would warn about
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


_ESCAPE = re.compile(r'\\([\\abfnrtv"])')
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unquote(part: str) -> str | None:
    """The text of one quoted piece of a .po string, with babel's escapes; ``None`` when it is not quoted."""
    if len(part) < 2 or part[0] != '"' or part[-1] != '"':
        return None
    inner = part[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), inner) if "\\" in inner else inner


class _NotPlain(Exception):
    """A .po construct that :func:`plain_po` leaves to babel."""


def _entries(text: str) -> Iterator[tuple[bool, list[list[str]]]]:
    """``(fuzzy, [msgid pieces, msgstr pieces])`` of each entry of a .po text, in file order (the msgstr
    list is absent when the entry has none); :class:`_NotPlain` at the first line of anything else."""
    fuzzy = False  # the flags of the comments before the entry being read (babel's rule)
    entry: list[list[str]] = []
    for raw in text.split("\n"):  # lines as babel reads them: split at LF, ASCII white space stripped
        line = raw.strip(" \t\r\x0b\x0c")
        if not line:
            continue
        if line[0] == "#":
            if line[1:2] in ("~", "-"):  # an obsolete entry, a merge conflict
                raise _NotPlain
            if entry:  # a comment closes the entry before it
                yield fuzzy, entry
                entry, fuzzy = [], False
            fuzzy = fuzzy or (line[1:2] == "," and "fuzzy" in {flag.strip() for flag in line[2:].split(",")})
            continue
        keyword, rest = ("", line) if line[0] == '"' else line.partition(" ")[::2]
        piece = _unquote(rest.strip())
        if piece is None:
            raise _NotPlain
        if keyword == "msgid":
            if entry:  # the entry before it, with no comment between
                yield fuzzy, entry
                fuzzy = False
            entry = [[piece]]
        elif keyword == "msgstr" and len(entry) == 1:
            entry.append([piece])
        elif keyword == "" and entry:
            entry[-1].append(piece)
        else:
            raise _NotPlain
    if entry:
        yield fuzzy, entry


def plain_po(text: str) -> dict[str, str] | None:
    """msgid → msgstr of a plain .po file, as babel's ``read_po`` then ``write_mo`` keep them; else ``None``.

    Plain means: comments, then entries of one ``msgid`` and one ``msgstr``, each a quoted string
    that may go on over quoted lines, and a header (``msgid ""``) that names the UTF-8 charset. Kept
    are the header and every entry with a translation that is not flagged ``fuzzy`` (an untranslated
    or fuzzy entry falls back to English, as with babel). Anything else (``msgid_plural``,
    ``msgctxt``, obsolete ``#~`` entries, a msgid twice or without msgstr, no header, another
    charset, a NUL character, an unquoted or unknown line) gives ``None``, and the caller reads the file with babel,
    whose rules for those cases this reader does not repeat.
    """
    if "\0" in text:  # a NUL marks plural forms in a compiled file: no plain entry holds one
        return None
    kept: dict[str, str] = {}
    seen: set[str] = set()
    try:
        for fuzzy, entry in _entries(text):
            key = "".join(entry[0])
            if len(entry) == 1 or key in seen:  # no msgstr (babel warns), or twice (babel merges the two)
                return None
            seen.add(key)
            value = "".join(entry[1])
            if key == "" or (value and not fuzzy):
                kept[key] = value
    except _NotPlain:
        return None
    return kept if "charset=utf-8" in kept.get("", "").lower().replace(" ", "") else None


class PlainTranslations(gettext.GNUTranslations):
    """The translations of a plain .po (:func:`plain_po`), as gettext reads them from a compiled file.

    gettext itself reads the header (charset, plural forms, metadata) from a one-entry ``.mo``; the
    other entries go into the catalogue as they are, which is what gettext would read back from a
    ``.mo`` of them all (text of one msgid each, no plural forms: :func:`plain_po` leaves those to
    babel), without writing and parsing 1,200 entries per language.
    """

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__(io.BytesIO(mo_bytes({"": messages.get("", "")})))
        self._catalog.update(messages)  # type: ignore[attr-defined]  # gettext's own table (typeshed omits it)


def mo_bytes(messages: dict[str, str]) -> bytes:
    """A GNU ``.mo`` file (little-endian, revision 0, no hash table) of msgid → msgstr, msgids sorted."""
    keys = sorted(messages)
    ids = [k.encode("utf-8") for k in keys]
    strs = [messages[k].encode("utf-8") for k in keys]
    n = len(keys)
    head = 7 * 4
    data_at = head + 16 * n  # after the header and the two tables of (length, offset)
    table_ids, table_strs, blob = [], [], bytearray()
    for b in ids:
        table_ids += [len(b), data_at + len(blob)]
        blob += b + b"\0"
    for b in strs:
        table_strs += [len(b), data_at + len(blob)]
        blob += b + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, n, head, head + 8 * n, 0, data_at)
    return header + struct.pack(f"<{4 * n}I", *table_ids, *table_strs) + bytes(blob)


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
    from babel.numbers import format_decimal  # babel's number data only when a number is formatted

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
