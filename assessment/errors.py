"""Exceptions and the one problem-record shape shared by every stage.

Every problem the package reports answers five questions: *what* is wrong, *where*
(file, item, field), what is *allowed*, what was *found*, and how to *fix* it. Problems are
collected, never raised one at a time; an exception carries the whole list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class AssessmentError(ValueError):
    """Base class of every error this package raises for bad input."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in user input (a catalogue, a method file, a workbook).

    Parameters
    ----------
    code
        Stable machine-readable code, e.g. ``"duplicate-id"``.
    source
        The file (or ``"<builtin>"`` / ``"<DataFrame>"``) the problem was found in.
    item
        The offending id (indicator, enabler, lens or node), if any.
    field
        The field or column, if any.
    message
        What is wrong and what is allowed.
    found
        The offending value as text, if any.
    fix
        How to fix it, if there is more to say than the message.
    """

    source: str
    item: str = ""
    field: str = ""
    code: str = ""
    message: str = ""
    found: str = ""
    fix: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        where = self.source
        if self.item:
            where += f": {self.item}"
        if self.field:
            where += f" [{self.field}]"
        text = f"{where}: {self.message}"
        if self.found:
            text += f"; found {self.found}"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


def _summarise(kind: str, problems: Sequence[Problem]) -> str:
    lines = [f"{len(problems)} problem(s) in the {kind}:"]
    lines += [f"  - {p}" for p in problems]
    return "\n".join(lines)


class CatalogueError(AssessmentError):
    """A catalogue (built-in, user YAML or COINr import) failed validation.

    Attributes
    ----------
    problems
        Every problem found, sorted by source, item and field.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__(_summarise("catalogue", self.problems))


class InputError(AssessmentError):
    """A data input (DataFrame, CSV or Excel file) cannot be used as given."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(_summarise("input data", self.problems))
