"""The review's queries: every code, its words (English msgids, Vietnamese in the .po) and the record.

A query is an :class:`~assessment.errors.Problem` of severity ``warning`` whose ``field`` is the
id of the plausibility rule that raised it, ``item`` the indicator asked about, and whose
message says what was compared and the numbers; ``fix`` says what the city should confirm or
correct. :class:`Query` adds the city and the value asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .._missing import cell_text
from ..errors import Problem, params
from ..i18n import N_, _

#: A number as :func:`number` writes it (its decimal point becomes the language's decimal mark).
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
#: ``id (number) + id (number)`` with ids free of ``.`` (the sum rule's ``parts``).
_NUMBERS_IN_PARTS = re.compile(r"[^.()]+ \(-?\d+(\.\d+)?\)( \+ [^.()]+ \(-?\d+(\.\d+)?\))*")

#: What a city is asked to do about a plausibility query.
CONFIRM = N_("Confirm the value, or give the corrected value; if the definition, the scope or the method changed, "
             "say so in the comment.")

#: code → (message template, fix template). ``{found}`` is the value asked about.
MESSAGES: dict[str, tuple[str, str]] = {
    "change-ratio": (N_("The value changed from {old} ({old_year}) to {found} ({year}), a factor of {times}; rule "
                        "'{rule}' asks about a change beyond a factor of {limit}."), CONFIRM),
    "change-points": (N_("The value changed from {old} ({old_year}) to {found} ({year}), by {diff} (unit '{unit}'); "
                         "rule '{rule}' asks about a change of more than {limit}."), CONFIRM),
    "outlier": (N_("The value {found} is far from the other cities: the median of {n} cities is {median}, and the "
                   "value lies {z} robust standard deviations from it on a {scale} scale (rule '{rule}' asks "
                   "beyond {k})."), CONFIRM),
    "ratio-low": (N_("{a} / {b} is {ratio} ({a_value} / {b_value}), below the lowest value rule '{rule}' expects "
                     "({low})."), N_("Check both values and their units; confirm them or correct one of them.")),
    "ratio-high": (N_("{a} / {b} is {ratio} ({a_value} / {b_value}), above the highest value rule '{rule}' expects "
                      "({high})."), N_("Check both values and their units; confirm them or correct one of them.")),
    "difference-low": (N_("{a} − {b} is {diff} ({a_value} − {b_value}), below the lowest difference rule '{rule}' "
                          "expects ({low})."), N_("Check both values and their units; confirm them or correct one "
                                                  "of them.")),
    "difference-high": (N_("{a} − {b} is {diff} ({a_value} − {b_value}), above the highest difference rule '{rule}' "
                           "expects ({high})."), N_("Check both values and their units; confirm them or correct one "
                                                    "of them.")),
    "sum-low": (N_("{parts} add up to {total}, below the lowest total rule '{rule}' expects ({low})."),
                N_("Check the values; confirm them or correct them.")),
    "sum-high": (N_("{parts} add up to {total}, above the highest total rule '{rule}' expects ({high})."),
                 N_("Check the values; confirm them or correct them.")),
    "no-data-year": (N_("The value {found} has no data year."), N_("Give the year the value refers to.")),
    "no-source": (N_("The value {found} has no source."),
                  N_("Name the organisation or publication the value comes from.")),
    "no-quality": (N_("The value {found} has no data-quality flag."), N_("Choose a flag from the dropdown.")),
    "flagged-quality": (N_("The value {found} of this core indicator has data-quality flag {flag}."),
                        N_("Explain the assumptions in the comment, or give a measured value.")),
}

#: A question asked again because the city answered it with a corrected value that its workbook does not hold:
#: the same question (same code, rule and item, so the same key), in these words (message, fix).
NOT_APPLIED = (N_("The previous round's answer gave {corrected} as the corrected value, but the workbook still "
                  "holds {found}."),
               N_("Correct the value in the workbook and send it again; or, if {found} is right after all, confirm "
                  "it."))

#: Query codes that question the number itself (the method option ``queries: exclude`` drops these values).
VALUE_CODES = frozenset({"change-ratio", "change-points", "outlier", "ratio-low", "ratio-high", "difference-low",
                         "difference-high", "sum-low", "sum-high",
                         # the intake's warnings about a value outside the catalogue's plausible range
                         "implausible", "implausible-slip", "implausible-slips"})
#: What became of a query: still open, or closed by the city's answer or by new data.
Status = Literal["open", "confirmed", "corrected", "resolved"]
STATUS_LABELS: dict[str, str] = {"open": N_("open"), "confirmed": N_("confirmed"), "corrected": N_("corrected"),
                                 "resolved": N_("resolved")}


def number(value: float) -> str:
    """A number as a query shows it: at most four decimals, no exponent, no thousands separator."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


#: What kind of rule raised a query, as the reader sees it (the rule's id stays in the ``rule`` column, for
#: scripts): query code → label msgid.
_CHANGE, _OUTLIER = N_("change since the previous year"), N_("far from the other cities")
_CONSISTENCY, _METADATA = N_("consistency between values"), N_("data year, source and quality")
RULE_LABELS: dict[str, str] = {
    "change-ratio": _CHANGE, "change-points": _CHANGE, "outlier": _OUTLIER,
    **{f"{kind}-{side}": _CONSISTENCY for kind in ("ratio", "difference", "sum") for side in ("low", "high")},
    "no-data-year": _METADATA, "no-source": _METADATA, "no-quality": _METADATA, "flagged-quality": _METADATA,
}


def rule_label(code: str) -> str:
    """The msgid naming the kind of rule behind query ``code`` (``""`` for a code no rule raises)."""
    return RULE_LABELS.get(code, "")


#: How the intake's problems are named among the rules (by severity: error or not).
READING = {True: N_("reading the files: errors"), False: N_("reading the files: warnings")}


def rule_words(rules: list[str], codes: list[str], severities: list[str], lang: str) -> dict[str, str]:
    """Rule id (or intake code) → the kind of rule in words in ``lang``: what a reader sees instead of the id.

    The intake's problems are named "reading the files: errors" or "…: warnings" by their severity.
    """
    pairs = zip(rules, codes, severities, strict=True)
    return {r: _(rule_label(c) or READING[s == "error"], lang) for r, c, s in pairs}


def query_problem(code: str, source: str, *, rule: str, item: str = "", found: Any = None, sheet: str = "",
                  row: int | None = None, column: str = "", labels: tuple[str, ...] = (), **values: Any) -> Problem:
    """The problem of query ``code`` (:data:`MESSAGES`) raised by ``rule``; ``values`` fill its templates."""
    message, fix = MESSAGES[code]
    shown = number(found) if isinstance(found, float | int) and not isinstance(found, bool) else cell_text(found)
    filled = params(rule=rule_label(code) or rule, **values)  # the kind of rule in words, translated
    labels = (*labels, "rule") if rule_label(code) else labels
    numeric = tuple(k for k, v in (*filled, ("found", shown)) if not k.endswith("year")  # 2025, never 2,025
                    and (_PLAIN_NUMBER.fullmatch(v) or (k == "parts" and _NUMBERS_IN_PARTS.fullmatch(v))))
    return Problem(source=source, item=item, field=rule, code=code, message=message, fix=fix, found=shown,
                   sheet=sheet, row=row, column=column, severity="warning", params=filled, labels=labels,
                   numbers=numeric)


@dataclass(frozen=True)
class Query:
    """One question to one city: a plausibility query, or a problem the intake found.

    Attributes
    ----------
    city, country, year
        The submission asked about.
    problem
        What was compared, the numbers and what to do (text made in the language asked for).
    value
        The value asked about (``None`` for a value that is missing or a problem with no value).
    status
        ``open`` until the city confirms or corrects it, or new data no longer raise it.
    """

    city: str
    country: str
    year: int
    problem: Problem
    value: float | None = None
    status: Status = "open"
    number: int = 1

    @property
    def city_key(self) -> tuple[str, str]:
        """The city, as matched across rounds and years."""
        return (self.city, self.country)

    @property
    def key(self) -> str:
        """Stable id of the question within its city: ``code:rule:indicator`` (``~n`` for the n-th such)."""
        base = f"{self.problem.code}:{self.problem.field}:{self.problem.item}"
        return base if self.number == 1 else f"{base}~{self.number}"
