"""Read answered query workbooks back: the previous round of a review.

:func:`read_round` reads every query workbook of a folder (found by the hidden ``_review``
sheet, whatever the file is called) into a :class:`Round`: per city, the submission as it was,
the questions asked, the city's answers (confirmed, corrected value, comment) and the values
confirmed so far. A problem with an answer is kept in :attr:`Round.problems`, never dropped.

Answer cells are read as the intake reads cells (:mod:`assessment.intake`): a formula without a
saved result or an error value in any answer column is reported (``formula-no-result``,
``excel-error``), a formula with a saved result is read with a ``formula`` warning, a hidden answer
(hidden row or column, merged over, a ``;;;`` format) with a ``hidden-cell`` warning; a corrected
value is a number by the intake's rules (a problem is reported under the intake's code and the
text kept as a comment); Confirmed is *yes* (the dropdown's Yes in any language, ``x``, ``1``,
``true``, ``y``), *no* (its No, empty, ``n``, ``0``, ``false``) or a problem (``maybe``: the question
stays open and the answer is reported, never read as no); an answer typed on a row whose question
id is not one of the workbook's is reported. Each answer problem is a warning naming the file,
sheet and cell; a workbook that cannot be read at all is an error (``smartcity review`` exits 1).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from .._missing import cell_text, is_missing
from ..errors import Problem, params
from ..i18n import LANGUAGES, N_, _, decimal_mark
from ..intake.cage import run_caged
from ..intake.cells import repaired
from ..intake.issues import issue
from ..intake.numbers import parse_number
from ..intake.preflight import Rejection, Scan, column_letters, preflight
from ..intake.read import nfc, not_a_file
from .layout import (
    CONFIRMED_COLUMN,
    FORMAT,
    HEADER_ROW,
    KEYS,
    MARKER_SHEET,
    NO,
    QUERY_SHEET,
    QUESTION_COLUMN,
    QUESTION_FIELDS,
    SNAPSHOT_COLUMN,
    SNAPSHOT_FIELDS,
    YES,
)
from .messages import VALUE_CODES, Query, Status

CityKey = tuple[str, str]
#: Answers read as "confirmed" besides the dropdown's "Yes" in any language.
_YES_WORDS = frozenset({"x", "1", "true", "y"})
#: Answers read as "not confirmed" besides the dropdown's "No" in any language.
_NO_WORDS = frozenset({"", "n", "0", "false"})
#: The columns a city fills in.
ANSWER_FIELDS = ("confirmed", "corrected", "comment")
#: The cohort summary ``write_review`` puts beside the query workbooks: not a city's workbook.
SUMMARY_FILE = "summary.xlsx"


@dataclass(frozen=True)
class Answered:
    """One question of a previous round and the city's answer."""

    problem: Problem
    key: str
    value: float | None
    confirmed: bool = False
    corrected: float | None = None
    comment: str = ""


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@dataclass(frozen=True)
class CityRound:
    """A city's previous round: its submission, the questions, the answers and the confirmations."""

    city: str
    country: str
    year: int
    lang: str
    file: str
    values: pd.DataFrame
    queries: tuple[Answered, ...]
    confirmed: dict[str, float | None] = field(default_factory=dict)

    def status_of(self, q: Query) -> Status:
        """``confirmed`` when the city confirmed this value (now or in an earlier round) and it is unchanged;
        ``corrected`` when the value is now the corrected value the city gave; else ``open``.

        A value confirmed in answer to one question about the number itself (:data:`VALUE_CODES`:
        a change, an outlier, a consistency rule) answers every such question about the same
        indicator while the value stays the same: confirmed values are not asked again.
        """
        if q.key in self.confirmed and _same(self.confirmed[q.key], q.value):
            return "confirmed"
        if q.problem.code in VALUE_CODES and q.value is not None:
            for key, value in self.confirmed.items():
                code, _rule, item = key.split("~")[0].split(":", 2)
                if code in VALUE_CODES and item == q.problem.item and _same(value, q.value):
                    return "confirmed"
        for a in self.queries:
            if a.key == q.key and a.corrected is not None and _same(a.corrected, q.value):
                return "corrected"
        return "open"


@dataclass(frozen=True)
class Round:
    """The previous round of a review (:func:`read_round`)."""

    cities: dict[CityKey, CityRound]
    problems: tuple[Problem, ...] = ()

    def city(self, key: CityKey) -> CityRound | None:
        """The previous round of one city (``None`` if it had none)."""
        return self.cities.get(key)

    def answer_table(self) -> pd.DataFrame:
        """Every answer: city, country, question, value asked about, confirmed, corrected value, comment."""
        rows = [{"city": c.city, "country": c.country, "year": c.year, "query": a.key, "value": a.value,
                 "confirmed": a.confirmed, "corrected": a.corrected, "comment": a.comment}
                for c in self.cities.values() for a in c.queries]
        return pd.DataFrame(rows, columns=["city", "country", "year", "query", "value", "confirmed", "corrected",
                                           "comment"])

    def changes(self, intake: Any, cities: Iterable[dict[str, Any]]) -> pd.DataFrame:
        """What changed per city between the previous round's submission and the one under review now."""
        rows = []
        data = intake.data
        for prof in cities:
            old = self.city((str(prof["city"]), str(prof["country"])))
            if old is None:
                continue
            now = data[(data["city"] == prof["city"]) & (data["country"] == prof["country"])
                       & (data["year"] == prof["year"])].set_index("indicator")
            before = old.values.set_index("indicator")
            for ind in sorted(set(before.index) | set(now.index)):
                for f in SNAPSHOT_FIELDS[1:]:
                    a = _text(before.at[ind, f]) if ind in before.index else ""
                    b = _text(now.at[ind, f]) if ind in now.index else ""
                    if a != b:
                        rows.append({"city": old.city, "country": old.country, "year": int(prof["year"]),
                                     "indicator": ind, "field": f, "before": a, "after": b})
        return pd.DataFrame(rows, columns=["city", "country", "year", "indicator", "field", "before", "after"])


def _text(v: Any) -> str:
    """A snapshot cell as the writer stores it (``""`` for missing)."""
    return "" if is_missing(v) else cell_text(v)


def _float(v: Any) -> float | None:
    s = cell_text(v).strip()
    return None if not s else float(s)


def _table(rows: list[list[Any]], col: int, width: int) -> list[dict[str, Any]]:
    """Records of a block of ``width`` columns from ``col`` with a header row; stops at the first empty row."""
    if not rows:
        return []
    header = [cell_text(v) for v in rows[0][col:col + width]]
    out = []
    for row in rows[1:]:
        cells = [*row[col:col + width], *[""] * width][:width]
        if not cell_text(cells[0]).strip():
            break
        out.append(dict(zip(header, cells, strict=True)))
    return out


def _answer_problem(path: Path, row: int, key: str, found: str, sheet: str = "") -> Problem:
    return Problem(str(path), item=key, field="corrected", code="corrected-not-a-number",
                   message=N_("The corrected value '{found}' is not a number; the answer was kept as a comment."),
                   fix=N_("Enter a plain number in the Corrected value column."), found=found, row=row,
                   sheet=sheet, column=_column("corrected"), severity="warning", params=params())


def _column(key: str) -> str:
    """The letter of a column of the Queries sheet."""
    return column_letters(KEYS.index(key) + 1)


class _Answers:
    """The answer cells of one Queries sheet, read as the intake reads cells; problems collected."""

    def __init__(self, path: Path, sheet: str, scan: Scan, lang: str) -> None:
        self.path, self.sheet, self.lang = path, sheet, lang
        self.errors = scan.errors.get(sheet, {})
        self.formulas = scan.formulas.get(sheet, {})
        self.bad = scan.bad.get(sheet, {})  # cut before reading; reported by read_city
        self.hidden = scan.hidden.get(sheet, {})
        self.problems: list[Problem] = []

    def _warn(self, code: str, row: int, key: str, field: str, found: Any = None, labels: tuple[str, ...] = (),
              **values: Any) -> None:
        """An intake problem code about an answer cell, as a warning (the round is still read)."""
        found_problem = issue(code, str(self.path), sheet=self.sheet, row=row, column=_column(field), item=key,
                              found=found, labels=labels, **values)
        self.problems.append(replace(found_problem, field=field, severity="warning"))

    def cell(self, row: int, key: str, field: str, value: Any) -> Any:
        """The value of an answer cell; ``None`` (reported) for an error value or a formula without a result."""
        ref = f"{_column(field)}{row}"
        if ref in self.errors:
            self._warn("excel-error", row, key, field, self.errors[ref])
            return None
        if ref in self.formulas:
            if self.formulas[ref] is None:
                self._warn("formula-no-result", row, key, field, "")
                return None
            self._warn("formula", row, key, field, value)
        if ref in self.hidden and cell_text(value).strip():  # read, as the intake reads a hidden cell, and named
            self._warn("hidden-cell", row, key, field, value, how=self.hidden[ref], labels=("how",))
        return value

    def filled(self, row: int, cells: dict[str, Any]) -> bool:
        """Whether a row holds any answer (a formula or an error value counts, though it reads as empty)."""
        refs = {f"{_column(f)}{row}" for f in ANSWER_FIELDS}
        return any(cell_text(cells[f]).strip() for f in ANSWER_FIELDS) or bool(
            refs & (set(self.errors) | set(self.formulas) | set(self.bad)))

    def confirmed(self, row: int, key: str, value: Any, yes: set[str], no: set[str]) -> bool:
        """Yes, no, or a problem (the question stays open): never an unknown word read as no."""
        said = cell_text(value).strip().casefold()
        if said in yes:
            return True
        if said not in no:
            self.problems.append(Problem(
                str(self.path), item=key, field="confirmed", code="unclear-confirmed", sheet=self.sheet, row=row,
                column=_column("confirmed"), found=cell_text(value).strip(), severity="warning",
                message=N_("'{found}' in the Confirmed column is neither yes nor no, so the question stays open."),
                fix=N_("Choose Yes or No from the dropdown; say more in the Comment column."), params=params()))
        return False

    def corrected(self, row: int, key: str, value: Any) -> tuple[float | None, str]:
        """A corrected value by the intake's number rules; the text of one that is not (reported) else ``""``."""
        text = cell_text(value).strip()
        if not text:
            return None, ""
        parsed = parse_number(value, self.lang)
        if parsed.code is None and parsed.value is not None:
            return parsed.value, ""
        if parsed.code in (None, "not-a-number", "percent-sign"):
            self.problems.append(_answer_problem(self.path, row, key, text, self.sheet))
        else:  # the intake's own words: ambiguous, the other decimal mark, digit groups, underflow …
            extra: dict[str, Any] = {"mark": decimal_mark(self.lang), "unit": ""}
            if parsed.code == "ambiguous-number":
                extra |= {"first": parsed.alternatives[0], "second": parsed.alternatives[1]}
            self._warn(parsed.code, row, key, "corrected", text, **extra)
        return None, text


def read_city(path: str | Path, scan: Scan | None = None) -> tuple[CityRound | None, list[Problem]]:
    """One query workbook; ``(None, [])`` when the file is not a query workbook.

    ``scan`` is what the pre-flight check saw (formulas and error values); without it, formulas
    without a saved result read as empty cells.
    """
    path = Path(path)
    scan = scan or Scan()
    # cells that cannot be read are cut from a copy, so one bad cell never loses the city's answers
    wb = (CalamineWorkbook.from_filelike(repaired(str(path), scan.cuts)) if scan.cuts
          else CalamineWorkbook.from_path(str(path)))
    if MARKER_SHEET not in wb.sheet_names:
        return None, []
    marker_rows = wb.get_sheet_by_name(MARKER_SHEET).to_python(skip_empty_area=False)
    pairs = {cell_text(r[0]): nfc(cell_text(r[1])) for r in marker_rows if len(r) > 1 and cell_text(r[0])}
    if pairs.get("format") != FORMAT:
        return None, []
    lang = pairs.get("lang", "en") if pairs.get("lang") in LANGUAGES else "en"
    values = pd.DataFrame(_table(marker_rows, SNAPSHOT_COLUMN, len(SNAPSHOT_FIELDS)), columns=list(SNAPSHOT_FIELDS))
    confirmed = {cell_text(r["query"]): _float(r["value"]) for r in _table(marker_rows, CONFIRMED_COLUMN, 2)}
    asked = _table(marker_rows, QUESTION_COLUMN, len(QUESTION_FIELDS))
    sheet = _(QUERY_SHEET, lang)[:31]
    answer_rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False) if sheet in wb.sheet_names else []
    read = _Answers(path, sheet, scan, lang)
    for bad_sheet, bad_cells in scan.bad.items():  # each named: file, sheet, cell
        for ref, (code, reason, stored) in bad_cells.items():
            read.problems.append(replace(issue(code, str(path), sheet=bad_sheet, row=int(ref.lstrip(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ")), column=ref.rstrip("0123456789"), found=stored, reason=reason,
                labels=("reason",)), severity="warning"))
    asked_keys = {cell_text(rec["query"]) for rec in asked}
    answers: dict[str, tuple[int, list[Any]]] = {}
    for i, row in enumerate(answer_rows[HEADER_ROW + 1:], start=HEADER_ROW + 2):
        cells = [*row, *[""] * len(KEYS)][:len(KEYS)]
        key = cell_text(cells[0]).strip()
        if key in asked_keys:
            answers[key] = (i, cells)
        elif read.filled(i, dict(zip(KEYS, cells, strict=True))):  # an answer with no question: say so
            read.problems.append(Problem(
                str(path), item=key, field="query", code="answer-without-question", sheet=sheet, row=i,
                column=_column("query"), found=key, severity="warning",
                message=N_("This row holds an answer, but its question id '{found}' is not one of this workbook's "
                           "questions, so the answer was not used."),
                fix=N_("Type each answer on its question's row; do not edit or delete the Question column."),
                params=params()))
    yes = {_(YES, lg).casefold() for lg in LANGUAGES} | _YES_WORDS
    no = {_(NO, lg).casefold() for lg in LANGUAGES} | _NO_WORDS
    queries = []
    for rec in asked:
        key = cell_text(rec["query"])
        prob = Problem(source=cell_text(rec["source"]), item=cell_text(rec["item"]), field=cell_text(rec["rule"]),
                       code=cell_text(rec["code"]), message=cell_text(rec["message"]), fix=cell_text(rec["fix"]),
                       found=cell_text(rec["found"]), sheet=cell_text(rec["sheet"]),
                       row=int(float(rec["row"])) if cell_text(rec["row"]) else None, column=cell_text(rec["column"]),
                       severity="error" if cell_text(rec["severity"]) == "error" else "warning",
                       params=tuple(tuple(p) for p in json.loads(cell_text(rec["params"]) or "[]")),
                       labels=tuple(json.loads(cell_text(rec["labels"]) or "[]")),
                       numbers=tuple(json.loads(cell_text(rec["numbers"]) or "[]")))
        row_no, cells = answers.get(key, (0, [""] * len(KEYS)))
        got = dict(zip(KEYS, cells, strict=True))
        if row_no:
            got |= {f: read.cell(row_no, key, f, got[f]) for f in ANSWER_FIELDS}
        said_yes = read.confirmed(row_no, key, got["confirmed"], yes, no)
        corrected, unread = read.corrected(row_no, key, got["corrected"])
        comment = nfc(cell_text(got["comment"]).strip())
        if unread:  # kept as a comment, never dropped
            comment = f"{comment} [{unread}]".strip()
        value = _float(rec["value"])
        queries.append(Answered(prob, key, value, said_yes and corrected is None, corrected, comment))
        if said_yes and corrected is None and prob.severity != "error":  # an error is fixed, not confirmed
            confirmed[key] = value
    city = CityRound(pairs.get("city", ""), pairs.get("country", ""), int(pairs.get("year") or 0), lang,
                     str(path), values, tuple(queries), confirmed)
    return city, read.problems


def read_city_checked(path: Path) -> tuple[CityRound | None, list[Problem], str]:
    """:func:`read_city` after the intake's pre-flight check, as run in the cage (see
    :func:`read_round`); the last item says why the file could not be read ("" when it could)."""
    try:
        city, found = read_city(path, preflight(path))
    except Rejection as rej:
        return None, [], rej.reason
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # any parser failure on an untrusted file (a Rust panic included)
        return None, [], type(exc).__name__
    return city, found, ""


def _unreadable(path: Path, detail: str) -> Problem:
    """A query workbook that cannot be read at all: an error (``smartcity review`` exits 1)."""
    return Problem(str(path), code="unreadable-queries", severity="error",
                   message=N_("The file could not be read as a query workbook ({detail}); its answers were not "
                              "used."),
                   fix=N_("Send the query workbook again as it was received, with the answers typed in."),
                   params=params(detail=detail))


def read_round(folder: str | Path) -> Round:
    """Every query workbook in ``folder``: the previous round of a review.

    The answered workbooks come back from the cities, so they are untrusted files: each is read as
    the intake reads a workbook, after the pre-flight check and in a worker process with memory,
    CPU and time limits. A file that fails is one error; the rest of the folder is still read. A
    workbook saved in another format (``.xls``, ``.xlsm``, ``.ods``) is such an error too, and an
    ``.xlsx`` that is not a query workbook (but for the cohort summary) or a second workbook of a
    city already read is a warning: no answer is dropped without a word.
    """
    folder = Path(folder)
    visible = sorted(f for f in folder.iterdir() if not f.name.startswith(("~$", "."))
                     and f.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods"))
    # a link, pipe or device named like a workbook is one problem naming it, never followed or opened
    refused = {f: problem for f in visible if (problem := not_a_file(f)) is not None}
    files = [f for f in visible if f.suffix.lower() == ".xlsx" and f not in refused]
    cities: dict[CityKey, CityRound] = {}
    problems = [*refused.values(), *(_unreadable(f, "only .xlsx query workbooks are read; save it as .xlsx")
                                     for f in visible if f.suffix.lower() != ".xlsx" and f not in refused)]
    for f, (status, payload) in zip(files, run_caged(files, read_city_checked), strict=True):
        city, found, failed = payload if status == "ok" else (None, [], f"the reader stopped: {payload or status}")
        if failed:  # a damaged or hostile file is one problem; the rest of the folder is read
            problems.append(_unreadable(f, failed))
            continue
        problems += found
        if city is None:
            if f.name != SUMMARY_FILE:
                problems.append(Problem(str(f), code="not-queries", severity="warning",
                                        message=N_("The file is not a query workbook (its hidden sheet '_review' "
                                                   "is missing), so it was not read."),
                                        fix=N_("Keep only query workbooks in this folder, or send the city's query "
                                               "workbook again as it was received."), params=params()))
            continue
        key = (city.city, city.country)
        if key in cities:  # the first (by file name) is read; the other is not silently merged or dropped
            problems.append(Problem(str(f), code="queries-twice", severity="warning", found=city.city,
                                    message=N_("A query workbook of {found} was already read ({other}); this one "
                                               "was not used."),
                                    fix=N_("Keep one answered query workbook per city in the folder."),
                                    params=params(other=Path(cities[key].file).name)))
            continue
        cities[key] = city
    return Round(cities, tuple(problems))
