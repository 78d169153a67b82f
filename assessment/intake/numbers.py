"""Read a number as a person typed it, deliberately and without guessing.

Rules (``lang`` is the template language, its decimal mark the registry's: ``en`` writes ``1,234.5``,
``vi`` writes ``1.234,5``)
-------------------------------------------------------------------------------------------------------
* Numeric cells are taken as they are; ``True``/``False`` are not numbers.
* Text: surrounding spaces (including non-breaking and narrow spaces) are removed. ``+``/``-``
  signs (a space may follow them) and ``1.5E3`` are accepted.
* Digits: the digits of **one** script per number. ASCII ``0–9``; full-width ``０–９`` (with
  the full-width ``＋ － ． ， ％ Ｅ``), which East Asian input methods produce and a Vietnamese
  or Thai city may paste; and the decimal digits of any one writing system (Thai ``๐–๙``, Lao,
  Khmer, Myanmar, Arabic-Indic, Devanagari …: each is that script's own 0–9, Unicode category
  Nd) are read as the same numbers. Refused: a number mixing digits of two scripts (``1٢3``,
  ``1２3``: ``mixed-digits``; a number is typed in one script, so a mix is a paste or encoding
  accident, not a value) and the styled digits of mathematics and legacy computing (``𝟏𝟐``,
  U+1D7CE–U+1D7FF and U+1FBF0–U+1FBF9: ``styled-digits``; they are symbols, not a script's
  digits). Other digit-like characters (superscripts ``²``, circled ``①``, fractions) are not
  digits at all (``not-a-number``).
* Spaces inside a number: a single space, non-breaking space (U+00A0), narrow no-break space
  (U+202F) or thin space (U+2009) is a thousands separator **only** between groups of exactly
  three digits after a first group of one to three digits (``12 345``, ``1 234 567,5`` in a
  Vietnamese template); the decimal part follows the last group. Anything else (``12 5``, ``0 5``,
  ``1 2345``, two spaces in a row, a space in the decimals) is reported (``digit-groups``), never
  joined: ``12 5`` could be 125 or two numbers. A space before a trailing ``%`` is accepted.
  With spaces grouping the thousands, a ``.`` or ``,`` after the last group is the decimal mark.
* Missing: an empty cell or one of :data:`MISSING_TOKENS` (``n/a``, ``-`` …) means *not
  available*, never zero.
* A trailing ``%`` is accepted when the indicator's unit is a percentage.
* Separators: with both ``.`` and ``,`` present the last one is the decimal mark and the other
  must group digits by three (unambiguous in any language). With one kind only:
  repeated (``1,234,567``) it groups thousands; once, followed by anything other than exactly
  three digits, it is the decimal mark if that is the template language's mark (``12,5`` in a
  Vietnamese template), otherwise it is refused as the other language's format; once and
  followed by exactly three digits (``1,234`` or ``1.234``) it is **ambiguous**: a thousands
  group in one convention, a decimal in the other, so it is reported, not guessed. A first group
  of thousands never starts with ``0`` (``0,500,000`` is refused).
* Spreadsheet error values (``#DIV/0!``, ``#REF!`` …) are reported as such.
* A number that is not finite (infinity, NaN, or text such as ``1e400`` that overflows) is
  reported (``not-finite``), never passed on: one infinite value would top every ranking. A
  number too close to zero to be stored (``1e-400`` becomes 0, ``1e-310`` keeps only a few digits:
  below the smallest normal double, about 2.2e-308) is reported (``underflow``), never read as 0.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..locales import locale, registry

#: Marks that say *no data* in any language (dashes, two dots).
NEUTRAL_MISSING = frozenset({"-", "–", "—", ".."})
#: What a cell may hold for *no data*: the marks above and every registered language's
#: ``missing_words`` (in a template of any language: see :mod:`assessment.locales`).
MISSING_TOKENS = NEUTRAL_MISSING | frozenset(w for found in registry().values() for w in found.missing_words)
EXCEL_ERRORS = frozenset({"#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#ERROR"})
#: Characters that separate thousands between groups of three digits (one of them, once).
GROUP_SPACES = " \u00a0\u202f\u2009"
#: Code points of the zeros of styled digit sets, which are symbols rather than a script's digits:
#: mathematical bold, double-struck, sans-serif, sans-serif bold, monospace; segmented digits.
STYLED_ZEROS = frozenset({0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1FBF0})
#: Full-width forms of the characters a number may hold besides digits, as ASCII.
_FULL_WIDTH = str.maketrans({"\uff0b": "+", "\uff0d": "-", "\uff0e": ".", "\uff0c": ",", "\uff05": "%",
                             "\uff45": "e", "\uff25": "E"})
_SPACED = re.compile(rf"[1-9][0-9]{{0,2}}(?:[{GROUP_SPACES}][0-9]{{3}})+([.,][0-9]+)?", re.ASCII)
_EXPONENT = re.compile(r"[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+", re.ASCII)
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:X[0-9]{3})+", re.ASCII)


@dataclass(frozen=True)
class Parsed:
    """The outcome: a value, missing (``value is None`` and ``code is None``), or a problem code.

    ``code`` is one of ``not-a-number``, ``not-finite``, ``underflow``, ``digit-groups``,
    ``mixed-digits``, ``styled-digits``, ``ambiguous-number``, ``other-decimal-mark``,
    ``percent-sign``, ``excel-error``, ``missing-token`` (recognised as missing: reported as
    information, so the cell is accounted for).
    """

    value: float | None
    code: str | None = None
    alternatives: tuple[float, ...] = ()


def _grouped(digits: str, sep: str) -> bool:
    return bool(_GROUPED.fullmatch(digits.replace(sep, "X")))


def ascii_digits(text: str) -> str | Parsed:
    """``text`` with the digits of one script (and full-width signs and marks) as ASCII, or the problem.

    Every decimal digit (Unicode category Nd) belongs to a run of ten code points from its zero,
    so digits of one script share a zero: two zeros in one number are ``mixed-digits``.
    """
    if text.isascii():
        return text
    zero: int | None = None
    out = []
    for ch in text.translate(_FULL_WIDTH):
        if not ch.isdecimal():
            out.append(ch)
            continue
        first = ord(ch) - unicodedata.decimal(ch)
        if zero is not None and first != zero:
            return Parsed(None, "mixed-digits")
        zero = first
        out.append(chr(48 + ord(ch) - first))
    if zero in STYLED_ZEROS:
        return Parsed(None, "styled-digits")
    return "".join(out)


def _clean(raw: Any, percent_ok: bool) -> Parsed | str:
    """Non-text cells, missing tokens and error values decided here; else the text, digits in ASCII."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return Parsed(None, "not-a-number")
    if isinstance(raw, int | float):
        return Parsed(float(raw)) if math.isfinite(raw) else Parsed(None, "not-finite")
    s = raw.strip()
    if s == "":
        return Parsed(None)
    if s.upper() in EXCEL_ERRORS:
        return Parsed(None, "excel-error")
    if s.lower() in MISSING_TOKENS:
        return Parsed(None, "missing-token")
    digits = ascii_digits(s)
    if isinstance(digits, Parsed):
        return digits
    s = digits
    if s.endswith("%"):
        if not percent_ok:
            return Parsed(None, "percent-sign")
        s = s[:-1].rstrip()
    return s


def _separated(s: str, sign: str, mark: str) -> Parsed:
    """Digits with ``.`` and/or ``,``: the rules of the module docstring."""
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        grp = "," if dec == "." else "."
        whole, _, frac = s.rpartition(dec)
        if s.count(dec) != 1 or not frac.isdigit() or not _grouped(whole, grp):
            return Parsed(None, "not-a-number")
        return Parsed(float(sign + whole.replace(grp, "") + "." + frac))
    sep = "." if "." in s else ","
    if s.count(sep) > 1:
        return Parsed(float(sign + s.replace(sep, ""))) if _grouped(s, sep) else Parsed(None, "not-a-number")
    whole, _, frac = s.partition(sep)
    if not frac.isdigit() or (whole and not whole.isdigit()):
        return Parsed(None, "not-a-number")
    as_decimal = float(sign + (whole or "0") + "." + frac)
    if len(frac) == 3 and whole and whole != "0":
        return Parsed(None, "ambiguous-number", (float(sign + whole + frac), as_decimal))
    if sep == mark:
        return Parsed(as_decimal)
    return Parsed(None, "other-decimal-mark", (as_decimal,))


def _spaced(s: str, sign: str, mark: str) -> Parsed:
    """Digits grouped by spaces: groups of exactly three, then at most a decimal mark and decimals."""
    if not _SPACED.fullmatch(s):
        return Parsed(None, "digit-groups")
    plain = "".join(ch for ch in s if ch not in GROUP_SPACES)
    if "." not in plain and "," not in plain:
        return Parsed(float(sign + plain))
    whole, sep, frac = plain.partition("." if "." in plain else ",")
    as_decimal = float(f"{sign}{whole}.{frac}")  # spaces group the thousands, so the mark is the decimal
    return Parsed(as_decimal) if sep == mark else Parsed(None, "other-decimal-mark", (as_decimal,))


def underflows(raw: Any, value: float) -> bool:
    """True when ``value`` lost digits to underflow: 0 from a mantissa that is not zero, or subnormal."""
    if value != 0:
        return abs(value) < sys.float_info.min
    if not isinstance(raw, str):
        return False
    mantissa = re.split(r"[eEｅＥ]", raw, maxsplit=1)[0]
    return any(ch.isdecimal() and unicodedata.decimal(ch) for ch in mantissa)


def parse_number(raw: Any, lang: str = "en", percent_ok: bool = False) -> Parsed:
    """Parse one cell value; see the module docstring for every rule."""
    parsed = _parse(raw, lang, percent_ok)
    if parsed.value is not None and not math.isfinite(parsed.value):  # "1e400" overflows to inf
        return Parsed(None, "not-finite")
    if parsed.value is not None and underflows(raw, parsed.value):  # "1e-400" underflows to 0
        return Parsed(None, "underflow")
    return parsed


def _parse(raw: Any, lang: str, percent_ok: bool) -> Parsed:
    cleaned = _clean(raw, percent_ok)
    if isinstance(cleaned, Parsed):
        return cleaned
    sign, s = ("", cleaned) if cleaned[:1] not in ("+", "-") else (cleaned[0], cleaned[1:].lstrip())
    mark = locale(lang).decimal_mark
    if any(ch.isspace() for ch in s) and re.fullmatch(r"[0-9.,\s]*[0-9][0-9.,\s]*", s):
        return _spaced(s, sign, mark)  # digits and spaces only: are the spaces thousands separators?
    if _EXPONENT.fullmatch(s):
        return Parsed(float(sign + s))
    if not re.fullmatch(r"[0-9.,]+", s) or not any(ch.isdigit() for ch in s):
        return Parsed(None, "not-a-number")
    if "." not in s and "," not in s:
        return Parsed(float(sign + s))
    return _separated(s, sign, mark)
