"""The one problem record shared by every stage, and the exceptions that carry it.

Every problem the package reports answers five questions: *what* is wrong, *where* (file,
sheet, row, column, item, field), what is *allowed*, what was *found*, and how to *fix* it.
Problems are collected, never raised one at a time; an exception carries the whole list.

A :class:`Problem` keeps its message and fix as **templates** (English msgids with
``{placeholders}``) plus the ``params`` that fill them. Text is made only when the problem is
written, in the language asked for then (:meth:`Problem.text`, :meth:`Problem.fix_text`), so an
intake read in English can be reported in Vietnamese. ``{found}`` in a template is the found
value.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ._missing import cell_text
from .i18n import N_, _, fmt_number

Severity = Literal["error", "warning", "info"]
#: How a severity is written for people (a UI msgid per severity).
SEVERITY_LABELS: dict[str, str] = {"error": N_("error"), "warning": N_("warning"), "info": N_("information")}
Params = tuple[tuple[str, str], ...]
#: A number as parameters hold it: optional sign, digits, optional decimals (no grouping, no exponent).
PLAIN_NUMBER = re.compile(r"-?\d+(\.(\d+))?")


def plain_number(x: float) -> str:
    """A computed number for a message parameter: four significant digits, whole numbers kept whole.

    No exponent and no grouping (the reader's marks are put in when the message is written, see
    :func:`localise_number`): ``0.85``, ``850``, ``30000000``, ``0.0001234``.
    """
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    digits = min(12, max(0, 3 - math.floor(math.log10(abs(x)))))
    text = f"{x:.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def localise_number(text: str, lang: str) -> str:
    """A plain number (``5200``, ``3.6``) written with ``lang``'s grouping and decimal marks.

    ``5.200`` and ``3,6`` in Vietnamese, ``5,200`` and ``3.6`` in English; every decimal given is
    kept. Text that is not a plain number (``∞``, ``1e-05``, a word) is returned unchanged.
    """
    m = PLAIN_NUMBER.fullmatch(text.strip())
    if m is None:
        return text
    return fmt_number(float(text), lang, digits=len(m.group(2) or ""))


def params(**values: Any) -> Params:
    """Template parameters as a sorted, hashable tuple of ``(name, text)`` pairs."""
    return tuple(sorted((k, cell_text(v)) for k, v in values.items()))


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` in at most ``limit`` characters (``...`` marks a cut), never built in full.

    A value read from a file can be huge once its YAML aliases are expanded (a few hundred bytes
    can stand for billions of items), so a message never formats the whole of it first:
    :mod:`reprlib` writes at most a few items per level, a few levels deep, and short strings.
    """
    short = reprlib.Repr()
    short.maxlevel, short.maxstring, short.maxother, short.maxlong = 3, limit, limit, limit
    short.maxdict = short.maxlist = short.maxtuple = short.maxset = short.maxfrozenset = short.maxdeque = 6
    try:
        text = short.repr(value)
    except ValueError:  # an integer longer than Python converts to text
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def suggest(given: object, allowed: Iterable[str]) -> str:
    """The allowed value nearest to ``given`` (``difflib``), or ``""`` when none is close.

    >>> suggest("agregate", ["normalise", "aggregate", "rank"])
    'aggregate'
    """
    if not isinstance(given, str) or not given:
        return ""
    choices = [a for a in allowed if isinstance(a, str)]
    close = difflib.get_close_matches(given, choices, n=1, cutoff=0.6)
    if not close:  # case only differs, or a prefix of a long id
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(given.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return close[0] if close else ""


def _fill(template: str, lang: str, values: Mapping[str, str]) -> str:
    if not template:
        return ""
    text = _(template, lang)
    return text.format_map(values) if values else text


@dataclass(frozen=True)
class Problem:
    """One problem found in user input (a catalogue, a method, a data table, a workbook).

    Parameters
    ----------
    source
        The file (or ``"<builtin>"``, ``"<DataFrame>"``, ``"<method>"`` …) the problem was found in.
    item
        The offending id (indicator, enabler, lens or node), if any.
    field
        The field or column name, if any.
    code
        Stable machine-readable code, e.g. ``"duplicate-id"``.
    message
        What is wrong and what is allowed: a template filled from ``params`` and ``found``.
    found
        The offending value as text, if any.
    fix
        How to fix it (a template like ``message``), if there is more to say.
    sheet, row, column
        The place in a workbook, if any (``row`` is 1-based as a spreadsheet shows it).
    severity
        ``error`` (the input cannot be used as given), ``warning`` or ``info``.
    params
        Values for the templates' placeholders (see :func:`params`).
    labels
        Names of the ``params`` that are themselves UI msgids (a field label, say), translated
        with the message.
    numbers
        Names of the ``params`` (or ``"found"``) that are plain numbers (``7.25``, no grouping),
        written with the language's grouping and decimal marks (``5.200``, ``7,25`` in Vietnamese;
        ``5,200``, ``7.25`` in English; see :func:`localise_number`).
    """

    source: str
    item: str = ""
    field: str = ""
    code: str = ""
    message: str = ""
    found: str = ""
    fix: str = dataclasses.field(default="", compare=False)
    sheet: str = ""
    row: int | None = None
    column: str = ""
    severity: Severity = "error"
    params: Params = ()
    labels: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()

    def _values(self, lang: str) -> dict[str, str]:
        values = {k: _(v, lang) if k in self.labels else v for k, v in self.params}
        values = {**values, "found": self.found}
        for k in self.numbers:
            if k in values:
                values[k] = localise_number(values[k], lang)
        return values

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return _fill(self.message, lang, self._values(lang))

    def fix_text(self, lang: str = "en") -> str:
        """How to fix it, in ``lang`` (``""`` when there is nothing to add)."""
        return _fill(self.fix, lang, self._values(lang))

    def sort_key(self) -> tuple[str, str, str, str, str, str]:
        """Order of listings: by source, item, field, code, message and found value."""
        return (self.source, self.item, self.field, self.code, self.text(), self.found)

    def __str__(self) -> str:
        where = self.source
        if self.row is not None and not self.sheet:  # a line of a text file (YAML, CSV)
            where += f":{self.row}"
        if self.item:
            where += f": {self.item}"
        if self.field:
            where += f" [{self.field}]"
        # one sentence: the message's own full stop gives way to "; found …" and ". Fix: …"
        message = self.text().rstrip()
        fix = self.fix_text()
        text = f"{where}: {message.rstrip('.') if self.found or fix else message}"
        if self.found:
            text += f"; found {self.found}"
        if fix:
            text += f". Fix: {fix}"
        return text


def _summarise(kind: str, problems: Sequence[Problem]) -> str:
    lines = [f"{len(problems)} problem(s) in the {kind}:"]
    lines += [f"  - {p}" for p in problems]
    return "\n".join(lines)


class AssessmentError(ValueError):
    """Base class of every error this package raises for bad input.

    Attributes
    ----------
    problems
        Every problem found.
    """

    kind = "input"

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(_summarise(self.kind, self.problems))


class CatalogueError(AssessmentError):
    """A catalogue (built-in, user YAML or COINr import) failed validation; problems sorted."""

    kind = "catalogue"

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(sorted(set(problems), key=Problem.sort_key))


class InputError(AssessmentError):
    """A data input (DataFrame, CSV or Excel file) or a method cannot be used as given."""

    kind = "input data"


class MethodError(InputError):
    """A scoring method (a mapping, a YAML file, or ids it names) cannot be used as given.

    A subclass of :class:`InputError` (code catching that keeps working); its message says
    "in the method", and each problem names the key (``field``), the file and line when read
    from YAML, and the nearest valid key, value or id when one is close.
    """

    kind = "method"


class InputWarning(UserWarning):
    """Input that can be used, but probably not as meant (an indicator no unit reported, one with the same
    value everywhere); issued with :func:`warnings.warn`. ``problems`` are warning-severity problems."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(_summarise("input data", self.problems))
