"""The rules of a City-profile value: one place for the workbook's reader and the round service.

The reader (:mod:`.validate`) reads a City-profile cell (its formats, formulas and errors first) and
then applies these rules; the round service (:mod:`assessment.server`) applies the same rules to the
values an organiser types into a form or a CSV before they are written into a city's template, so a
value the service accepts is one the workbook's reader accepts too, with the same words when it is not.

Conventions:

* A number (``population``, ``area_km2``) is read as a person typed it in the submission's language
  (:func:`~.numbers.parse_number`: ``652.572`` is ambiguous in English, ``1.234,5`` is a thousand and
  more in Vietnamese) and must be greater than 0. A word for "not available" (``n/a``) is missing,
  said as information; a required field left so is ``missing-profile``.
* A text (``peer_group``, ``contact_name``, ``contact_email``) may not hold a control character
  (a line break typed with Alt+Enter, a pasted tab, a bidirectional override): refused, never cleaned.
* A country must be an ISO 3166-1 alpha-2 code (:data:`~.layout.COUNTRIES`), in any case.
* The assessment year is not read here: a workbook's year cell may be a date or a Buddhist-Era year
  (:mod:`.years`), and the service takes the round's year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .._missing import cell_text, first_control
from ..errors import Problem
from ..i18n import decimal_mark
from .issues import issue
from .layout import COUNTRIES, ProfileField
from .numbers import parse_number
from .read import nfc


@dataclass(frozen=True)
class Finding:
    """A problem found in one value: its intake code, the value shown (``None``: the value as found) and the
    values its message needs (``field`` is a UI msgid, translated when the problem is written)."""

    code: str
    found: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        """The params that are msgids (the field's label)."""
        return ("field",) if "field" in self.params else ()

    def problem(self, source: str, raw: Any, *, sheet: str = "", row: int | None = None, column: str = "",
                item: str = "") -> Problem:
        """The intake's :class:`~assessment.errors.Problem` of this finding at a place."""
        return issue(self.code, source, sheet=sheet, row=row, column=column, item=item,
                     found=self.found if self.found is not None else raw, labels=self.labels, **self.params)


def typed_number(raw: Any, lang: str, unit: str = "", percent_ok: bool = False) -> tuple[float | None, list[Finding]]:
    """A number as a person typed it in ``lang`` (or as a cell stored it), and its problem.

    ``None`` with no finding is missing (an empty text); ``None`` with the ``missing-token`` finding
    (information) a word for "not available"; any other finding is an error the message of which
    names the unit, the decimal mark of ``lang`` and, for an ambiguous number, both readings.
    """
    p = parse_number(raw, lang, percent_ok=percent_ok)
    if p.code is None:
        return p.value, []
    extra: dict[str, Any] = {"unit": unit, "mark": decimal_mark(lang)}
    if p.code == "ambiguous-number":
        extra |= {"first": p.alternatives[0], "second": p.alternatives[1]}
    shown = None
    if isinstance(raw, float) and not math.isfinite(raw):  # stored so (a broken formula's result, another
        # program's export): as text it would be '' (NaN is "missing"), so name it
        shown = "NaN" if math.isnan(raw) else "−∞" if raw < 0 else "∞"
    return None, [Finding(p.code, shown, extra)]


def profile_number(number: float | None, said: Sequence[str],
                   profile_field: ProfileField) -> tuple[float | None, Finding | None]:
    """The profile's rule on a number already read (``said``: the severities its reading reported).

    Greater than 0; a value that could not be read and was not reported otherwise is ``bad-profile-number``;
    a required field left "not available" is ``missing-profile``.
    """
    label = profile_field.label
    if (number is not None and number <= 0) or (number is None and not said):
        return None, Finding("bad-profile-number", params={"field": label})
    if number is None and profile_field.required and "error" not in said:  # "n/a": read as missing
        return None, Finding("missing-profile", params={"field": label})
    return number, None


def control_finding(value: str, label: str) -> Finding | None:
    """``control-character`` when a text holds one (its 1-based position and code point), else ``None``."""
    bad = first_control(value)
    if bad is None:
        return None
    return Finding("control-character", params={"field": label, "position": bad[0], "char": bad[1]})


def profile_value(profile_field: ProfileField, raw: str, lang: str,
                  required: bool = False) -> tuple[Any, list[Finding]]:
    """A City-profile value typed as text (a form, a CSV cell) in ``lang``, by the reader's rules.

    Returns the value as the workbook's reader would read it (a float, an upper-case country code, a
    text in NFC; ``None`` when empty or not available) and every finding, in the reader's order. An
    empty text is not a finding here; a word for "not available" is ``missing-profile`` only when
    ``required`` (the service leaves every field to the city, so it never asks). The year is not a
    kind this reads (see the module's conventions).
    """
    kind, text = profile_field.kind, nfc(cell_text(raw).strip())
    if not text:
        return None, []
    if kind == "text":
        bad = control_finding(text, profile_field.label)
        return (None, [bad]) if bad else (text, [])
    if kind == "country":
        code = text.upper()
        return (code, []) if code in COUNTRIES else (None, [Finding("unknown-country")])
    if kind == "number":
        number, found = typed_number(raw, lang)
        number, rule = profile_number(number, [issue(f.code, "").severity for f in found],
                                      replace(profile_field, required=required))
        return number, found + ([rule] if rule else [])
    raise ValueError(f"a profile field of kind {kind!r} is not read from typed text")
