"""Read a number as a person typed it, deliberately and without guessing.

Rules (``lang`` is the template language: ``en`` writes ``1,234.5``, ``vi`` writes ``1.234,5``)
-------------------------------------------------------------------------------------------------
* Numeric cells are taken as they are; ``True``/``False`` are not numbers.
* Text: surrounding spaces, non-breaking and narrow spaces are removed, and spaces between
  digit groups (``1 234``) are dropped. ``+``/``-`` signs and ``1.5E3`` are accepted.
* Missing: an empty cell or one of :data:`MISSING_TOKENS` (``n/a``, ``-`` …) means *not
  available*, never zero.
* A trailing ``%`` is accepted when the indicator's unit is a percentage.
* Separators: with both ``.`` and ``,`` present the last one is the decimal mark and the other
  must group digits by three (unambiguous in any language). With one kind only:
  repeated (``1,234,567``) it groups thousands; once, followed by anything other than exactly
  three digits, it is the decimal mark if that is the template language's mark (``12,5`` in a
  Vietnamese template), otherwise it is refused as the other language's format; once and
  followed by exactly three digits (``1,234`` or ``1.234``) it is **ambiguous**: a thousands
  group in one convention, a decimal in the other, so it is reported, not guessed.
* Spreadsheet error values (``#DIV/0!``, ``#REF!`` …) are reported as such.
* A number that is not finite (infinity, NaN, or text such as ``1e400`` that overflows) is
  reported (``not-finite``), never passed on: one infinite value would top every ranking.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

MISSING_TOKENS = frozenset({"n/a", "na", "n.a.", "-", "–", "—", "..", "không có", "không có số liệu", "kcsl",
                            "k/c", "nd", "none"})
EXCEL_ERRORS = frozenset({"#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#ERROR"})
DECIMAL_MARK = {"en": ".", "vi": ","}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:X\d{3})+")


@dataclass(frozen=True)
class Parsed:
    """The outcome: a value, missing (``value is None`` and ``code is None``), or a problem code.

    ``code`` is one of ``not-a-number``, ``not-finite``, ``ambiguous-number``, ``other-decimal-mark``,
    ``percent-sign``, ``excel-error``, ``missing-token`` (recognised as missing: reported as
    information, so the cell is accounted for).
    """

    value: float | None
    code: str | None = None
    alternatives: tuple[float, ...] = ()


def _grouped(digits: str, sep: str) -> bool:
    return bool(_GROUPED.fullmatch(digits.replace(sep, "X")))


def _clean(raw: Any, percent_ok: bool) -> Parsed | str:
    """Non-text cells, missing tokens and error values decided here; else the cleaned text."""
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
    s = re.sub(r"(?<=\d) (?=\d)", "", _SPACES.sub(" ", s)).replace(" ", "")
    if s.endswith("%"):
        if not percent_ok:
            return Parsed(None, "percent-sign")
        s = s[:-1]
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


def parse_number(raw: Any, lang: str = "en", percent_ok: bool = False) -> Parsed:
    """Parse one cell value; see the module docstring for every rule."""
    parsed = _parse(raw, lang, percent_ok)
    if parsed.value is not None and not math.isfinite(parsed.value):  # "1e400" overflows to inf
        return Parsed(None, "not-finite")
    return parsed


def _parse(raw: Any, lang: str, percent_ok: bool) -> Parsed:
    cleaned = _clean(raw, percent_ok)
    if isinstance(cleaned, Parsed):
        return cleaned
    sign, s = ("", cleaned) if cleaned[:1] not in ("+", "-") or not cleaned else (cleaned[0], cleaned[1:])
    if re.fullmatch(r"\d+(\.\d+)?[eE][+-]?\d+", s):
        return Parsed(float(sign + s))
    if not re.fullmatch(r"[\d.,]+", s) or not any(ch.isdigit() for ch in s):
        return Parsed(None, "not-a-number")
    if "." not in s and "," not in s:
        return Parsed(float(sign + s))
    return _separated(s, sign, DECIMAL_MARK.get(lang, "."))
